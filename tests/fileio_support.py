"""A folder that takes no new file, for tests of the messages about it: the tests run as a user
(root, here) whom file permissions do not stop, so tempfile.mkstemp, which every write of
core.fileio starts with, fails as it would there."""

from __future__ import annotations

import os
import tempfile


def failing_mkstemp(error: int, monkeypatch, after: int = 0, only_in=None) -> list[dict]:
    """tempfile.mkstemp fails with `error` (an errno) after `after` calls that succeed (in the
    folder `only_in` only, when given), naming a temporary file as the real one does; returns the
    calls' keyword arguments."""
    real = tempfile.mkstemp
    calls: list[dict] = []

    def mkstemp(*args, **kwargs):
        calls.append(kwargs)
        folder = kwargs.get("dir") or tempfile.gettempdir()
        inside = only_in is None or os.path.samefile(folder, only_in)
        if inside and len(calls) > after:
            name = os.path.join(folder, f"{kwargs.get('prefix', 'tmp')}ganf6r9l{kwargs.get('suffix', '')}")
            raise OSError(error, os.strerror(error), name)
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    return calls
