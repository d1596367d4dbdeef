"""The Evaluate tab's files: the report as CSV, the anomaly result as JSON or CSV, and a plot as
PNG from its context menu. Each goes through the app's one save dialog
(model_files.ask_save_path: the last folder, the filter's extension) and is written whole or not
at all (core.fileio.atomic_write)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from vae_desktop.core.fileio import atomic_write, check_folder
from vae_desktop.gui.model_files import ask_save_path, file_name_for

CSV_FILTER = "CSV files (*.csv)"
JSON_FILTER = "JSON files (*.json)"
PNG_FILTER = "PNG images (*.png)"
SAVE_PLOT = "Save plot as PNG…"
PLOT_MENU_HINT = "Right-click to save it as a PNG image."


def write_text(path: str | Path, text: str) -> Path:
    """`text` into `path`, UTF-8, whole or not at all; returns the path."""
    check_folder(path)
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8", newline=""))


def write_png(path: str | Path, widget: QWidget) -> Path:
    """`widget` as it is on screen, as a PNG image in `path`; returns the path."""
    check_folder(path)
    pixmap = widget.grab()

    def write(tmp: str) -> None:
        if not pixmap.save(tmp, "PNG"):
            raise OSError("the image could not be written")

    return atomic_write(path, write)


def suggest(name: str, what: str, suffix: str) -> str:
    """A file name for `what` of the model called `name`: "mnist-vae-z16-evaluation.csv"."""
    return file_name_for(f"{name}-{what}", suffix)


def save_with_dialog(parent: QWidget, suggested: str, title: str, filters: str,
                     write: Callable[[str], Path]) -> str | None:
    """Ask where to save (`suggested`: a file name, see `suggest`), then `write(path)`.
    Returns the sentence to show the person (None: the dialog was cancelled)."""
    path = ask_save_path(parent, suggested, title, filters)
    if not path:
        return None
    try:
        saved = write(path)
    except (OSError, ValueError) as exc:
        why = getattr(exc, "strerror", None) or str(exc)  # "Permission denied", not "[Errno 13]…"
        return (f"Could not save {Path(path).name}: {why[:1].lower() + why[1:]}. Choose another "
                f"folder or name and try again.")
    return f"Saved {saved}."


def add_save_plot_action(plot: QWidget, shown: QWidget, suggested: str,
                         say: Callable[[str], None]) -> QAction:
    """Give `plot` a context menu (right-click, or the menu key) with "Save plot as PNG…",
    which saves `shown` (the plot, or the plot with the legend above it) as on screen;
    `say` shows what happened."""
    action = QAction(SAVE_PLOT, plot)
    action.setToolTip("Save this plot, as it is on screen, as a PNG image.")

    def save() -> None:
        message = save_with_dialog(plot, suggested, "Save plot as PNG", PNG_FILTER,
                                   lambda path: write_png(path, shown))
        if message:
            say(message)

    action.triggered.connect(save)
    plot.setContextMenuPolicy(Qt.ActionsContextMenu)
    plot.addAction(action)
    return action
