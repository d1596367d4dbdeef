"""Saving where the disk or the folder says no, for the tests of what the app then says and keeps
(tests/test_save_*.py). The tests run as root, whom file permissions do not stop, and must need
no root to mount a small disk: both failures are made where the real ones happen."""

from __future__ import annotations

import errno
import io
import os
import tempfile
from pathlib import Path

import torch

REAL_SAVE = torch.save


def full_disk(monkeypatch, chained: str = "context") -> list[int]:
    """torch.save fails as it does on a full disk: a RuntimeError raised while the OSError
    (ENOSPC) of the file's write is being handled (`chained`: "context", as torch does, or
    "cause"); returns a list counting the tries."""
    tries: list[int] = []

    def save(obj, f, *args, **kwargs):
        if isinstance(f, io.BytesIO):  # in memory (the GUI's warm-up): no disk to fill
            return REAL_SAVE(obj, f, *args, **kwargs)
        tries.append(1)
        if hasattr(f, "write"):
            f.write(b"PK\x03\x04 half a file")
        try:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        except OSError as exc:
            error = RuntimeError("[enforce fail at inline_container.cc:672] . unexpected pos "
                                 "3871104 vs 3870992")
            if chained == "cause":
                raise error from exc
            raise error  # noqa: B904 (torch's own: the OSError is its context)

    monkeypatch.setattr(torch, "save", save)
    return tries


def unwritable(folder: Path, monkeypatch, error: int = errno.EACCES) -> None:
    """`folder` takes no new file, as a read-only folder does for a user (the tests run as root,
    whom permissions do not stop): tempfile.mkstemp, where every atomic write starts, fails
    there naming the temporary file it tried."""
    real = tempfile.mkstemp

    def mkstemp(*args, **kwargs):
        where = kwargs.get("dir")
        if where is not None and os.path.realpath(where) == os.path.realpath(folder):
            name = os.path.join(where, f"{kwargs.get('prefix', '')}3dz5mavv{kwargs.get('suffix', '')}")
            raise OSError(error, os.strerror(error), name)
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
