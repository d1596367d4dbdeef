"""What the commands share: the error a user can mend (UsageError: one line, exit status 2), a
write that failed in words naming the flag and the path as typed, loading the model a command
names, progress bars that stay off where stderr is no terminal, and the memory check before a
run. Nothing here imports torch when the module is imported: each helper imports what it needs
when it runs, so that `--help` and a wrong argument answer at once."""

from __future__ import annotations

import os
import sys
from pathlib import Path


class UsageError(Exception):
    """Bad arguments or files: reported as `vae-desktop: error: <message>`, exit status 2."""


def cannot_write(flag: str, typed: str | os.PathLike, exc: OSError,
                 path: str | os.PathLike | None = None) -> UsageError:
    """A write that failed, in words naming the flag and the path as typed: "--out ro/m.pt:
    cannot write in ro: Operation not permitted." (not the hidden temporary file's name).
    `path`: the file written, where it differs from what was typed."""
    path = typed if path is None else path
    where = os.path.realpath(path) if Path(path).is_symlink() else os.fspath(path)
    folder = os.path.dirname(where)
    from vae_desktop.core.fileio import write_problem

    reason, _ = write_problem(exc)  # the words the app's own saves use: "the disk is full"
    return UsageError(f"{flag} {typed}: cannot write in {folder or 'the working folder'}: "
                      f"{reason}.")


def save(flag: str, path, write) -> None:
    """`write()`, which writes `path`; an OSError becomes one line naming the flag and the
    path as typed (not the hidden temporary file)."""
    try:
        write()
    except OSError as exc:
        raise cannot_write(flag, path, exc) from None


def kept(out: Path) -> str:
    """What a run that saved nothing says of its output: " (model.pt is as it was)" where a file
    was there already, else nothing."""
    return f" ({out} is as it was)" if out.exists() else ""


def load_checkpoint(path: str, device: str = "cpu"):
    """core.checkpoint.load, imported when a command loads its model."""
    from vae_desktop.core.checkpoint import load

    return load(path, device=device)


def bar_off(quiet: bool) -> bool | None:
    """tqdm's `disable`: off with --quiet; None (off where stderr is no terminal) otherwise, so
    that `2> log.txt` gets no carriage-return redraws."""
    return True if quiet else None


def check_needs(needs: tuple[str | None, str | None]) -> None:
    """core.memory's (cannot fit, will be slow): exit 2 when the run cannot fit in the device's
    free memory; say so when one step will be slow (Ctrl+C waits for the step under way)."""
    too_big, slow = needs
    if too_big:
        raise UsageError(too_big)
    if slow:
        print(f"vae-desktop: note: {slow}", file=sys.stderr)
