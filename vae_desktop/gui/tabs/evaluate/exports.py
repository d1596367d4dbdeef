"""The Evaluate tab's files: the report as CSV, the anomaly result as JSON or CSV, and a plot as
PNG from its context menu. Each is saved by gui.save_dialog.save_with_dialog, the step the Sweep
tab's export shares (the app's one save dialog: the last folder, the filter's extension), and
written whole or not at all (core.fileio.atomic_write)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from vae_desktop.core.fileio import atomic_write, check_folder
from vae_desktop.gui.model_files import file_name_for
from vae_desktop.gui.save_dialog import save_with_dialog
from vae_desktop.gui.widgets.focus_frame import FocusFrame
from vae_desktop.gui.widgets.keyboard_menu import MENU_KEYS_TEXT, KeyboardMenu

__all__ = ["CSV_FILTER", "JSON_FILTER", "PLOT_MENU_HINT", "PNG_FILTER", "SAVE_PLOT",
           "add_save_plot_action", "save_with_dialog", "suggest", "write_png", "write_text"]

CSV_FILTER = "CSV files (*.csv)"
JSON_FILTER = "JSON files (*.json)"
PNG_FILTER = "PNG images (*.png)"
SAVE_PLOT = "Save plot as PNG…"
PLOT_MENU_HINT = (f"Right-click (or, once Tab has brought the focus here, press "
                  f"{MENU_KEYS_TEXT}) to save it as a PNG image.")


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


def add_save_plot_action(plot: QWidget, shown: QWidget, suggested: str,
                         say: Callable[[str], None]) -> QAction:
    """Give `plot` a context menu with "Save plot as PNG…", which saves `shown` (the plot, or
    the plot with the legend above it) as on screen; `say` shows what happened. A right-click
    opens it, and the menu key or Shift+F10 while the plot has the focus (a frame shows it)."""
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
    plot.setFocusPolicy(Qt.StrongFocus)  # a Tab stop (pyqtgraph's views are already)
    plot.focus_frame = FocusFrame(plot)
    plot.keyboard_menu = KeyboardMenu(plot)
    return action
