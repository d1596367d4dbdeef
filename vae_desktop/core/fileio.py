"""Atomic writes: write to a temporary file in the target's folder, then os.replace, so a crash
never leaves a half-written file where a good one was. Only a regular file is replaced: a
symlink is written through (the file it points to is replaced, the link stays), and a pipe, a
device or a socket is refused. An error names the file asked for, never the temporary one."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _target(path: Path) -> Path:
    """The file a write to `path` replaces: the end of its symlinks, if it is one."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _named(exc: OSError, path: Path) -> OSError:
    """`exc` naming `path` where it named a temporary file (same kind, errno and reason)."""
    if exc.errno is None:
        return exc
    named = type(exc)(exc.errno, exc.strerror, str(path))
    named.__cause__ = exc
    return named


def check_regular(path: str | os.PathLike) -> None:
    """Raise an OSError when something other than a regular file (or a symlink to one) is at
    `path`: a folder, a pipe, a device or a socket, which a write must not replace."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "it is a folder, not a file", str(path))
    if not stat.S_ISREG(mode):
        raise OSError(errno.EINVAL, "it is not a regular file (a device, a pipe or a socket)",
                      str(path))


def atomic_write(path: str | os.PathLike, write: Callable[[str], None]) -> Path:
    """Call `write(tmp_path)` to fill a temporary file, then move it over `path` (over the file
    it links to, if it is a symlink); returns `path`."""
    path = Path(path)
    target = _target(path)
    check_regular(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise _named(exc, path) from exc
    os.close(fd)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        write(tmp)
        os.replace(tmp, target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and tmp in (exc.filename, exc.filename2):
            raise _named(exc, path) from exc
        raise
    return path


def check_writable(path: str | os.PathLike) -> None:
    """Raise an OSError naming `path` when its folder takes no new file (no permission, a
    read-only disk), by making and removing a trial file where atomic_write would make its
    temporary one."""
    path = Path(path)
    target = _target(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise _named(exc, path) from exc
    os.close(fd)
    os.unlink(tmp)


def is_bundled_model(path: str | os.PathLike) -> bool:
    """True for a file in the bundled models' folder (inside the installed package, or the
    checkout's git-tracked resources/models/), which the app never writes. A symlink counts
    where it points."""
    from .paths import bundled_models_dir

    folder = Path(os.path.realpath(path)).parent
    return folder == Path(os.path.realpath(bundled_models_dir()))


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


def write_problem(exc: OSError) -> tuple[str, str]:
    """Why a write failed and what to do, in plain words (not "[Errno 28]" or the temporary
    file's name): ("the disk is full", "Free some space or choose another disk."). One wording
    for every save: models, exports and the command line's outputs."""
    code = exc.errno
    if code in (errno.EACCES, errno.EPERM):
        return "permission denied", "Choose another folder."
    if code == errno.EROFS:
        return "the disk is read-only", "Choose a folder on another disk."
    if code == errno.ENOSPC:
        return "the disk is full", "Free some space or choose another disk."
    if code == errno.EDQUOT:
        return "your disk quota is used up", "Free some space or choose another disk."
    if code == errno.EIO:
        return ("the disk reported an error while writing",
                "Try again, or choose another disk: this one may be failing or disconnected.")
    if code == errno.ENAMETOOLONG:
        return "the name is too long", "Choose a shorter name."
    if code in (errno.EISDIR, errno.EINVAL):  # fileio's words: a folder, a device, a pipe
        return (exc.strerror or "it is not a regular file").rstrip("."), "Choose another name."
    reason = (exc.strerror or str(exc) or type(exc).__name__).strip().rstrip(".")
    if code is None:  # already in words (fileio.check_folder: a missing folder)
        return reason, "Choose another folder."
    return f"the system says “{reason}”", "Try again, or choose another folder."
