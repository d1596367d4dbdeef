"""Atomic writes: write to a temporary file in the target's folder, then os.replace, so a crash
never leaves a half-written file where a good one was."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: str | os.PathLike, write: Callable[[str], None]) -> Path:
    """Call `write(tmp_path)` to fill a temporary file, then move it over `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def check_folder(path: str | os.PathLike) -> None:
    """Raise an OSError that says in words why `path`'s folder cannot take a file the user
    chose: it does not exist (it is not made for them: a typo in a folder's name would go
    unnoticed), or part of it is a file."""
    folder = Path(path).parent
    for part in (folder, *folder.parents):
        if part.exists():
            if not part.is_dir():
                raise NotADirectoryError(f"{part} is a file, not a folder")
            break
    if not folder.is_dir():
        raise FileNotFoundError(f"the folder {folder} does not exist")
