"""Saving a file the person names, for the tabs that export one (the Evaluate tab's report, anomaly
result and plots; the Sweep tab's trials): ask where through the app's one save dialog
(model_files.ask_save_path: the last folder, the filter's extension, a question before a file is
replaced), check that the folder is there (core.fileio.check_folder: no folder is made for a
mistyped name), write, and say in words what became of it. The writer writes whole or not at all
(core.fileio.atomic_write)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QWidget

from vae_desktop.core.fileio import check_folder, write_problem
from vae_desktop.gui.model_files import ask_save_path


@dataclass(frozen=True)
class SaveResult:
    """What became of a file: `path`, where the person chose; `saved`, the file written (None
    when it could not be); `why`, why not, in words ("permission denied")."""

    path: str
    saved: Path | None
    why: str = ""

    @property
    def message(self) -> str:
        """The sentence to show the person."""
        if self.saved is not None:
            return f"Saved {self.saved}."
        return (f"Could not save {Path(self.path).name}: {self.why}. Choose another folder or "
                "name and try again.")


def reason(exc: BaseException) -> str:
    """Why a file could not be written, in words to follow a colon, as a model's save says it
    (core.fileio.write_problem): "the disk is full", not "[Errno 28] No space left on device"."""
    if isinstance(exc, OSError):
        why = write_problem(exc)[0]
    else:
        why = str(exc).strip().rstrip(".")
    return why[:1].lower() + why[1:]


def save_to(path: str, write: Callable[[str], object]) -> SaveResult:
    """Check `path`'s folder, then `write(path)` (which may return the path written)."""
    try:
        check_folder(path)
        written = write(path)
    except (OSError, ValueError) as exc:
        return SaveResult(path, None, reason(exc))
    return SaveResult(path, Path(written) if isinstance(written, (str, Path)) else Path(path))


def ask_and_save(parent: QWidget, suggested: str, title: str, filters: str,
                 write: Callable[[str], object]) -> SaveResult | None:
    """Ask where to save (`suggested`: a file name), then save_to; None when the dialog was
    cancelled."""
    path = ask_save_path(parent, suggested, title, filters)
    return save_to(path, write) if path else None


def save_with_dialog(parent: QWidget, suggested: str, title: str, filters: str,
                     write: Callable[[str], object]) -> str | None:
    """ask_and_save, as the sentence to show the person (None: the dialog was cancelled)."""
    result = ask_and_save(parent, suggested, title, filters, write)
    return None if result is None else result.message
