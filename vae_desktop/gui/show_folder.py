"""Show a folder in the desktop's file manager, or say why not: the folder is gone, or nothing
on this desktop opens folders (no xdg-open, for one). Qt's openUrl only returns False."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget


def show_folder(parent: QWidget | None, folder: Path) -> bool:
    """Open `folder` in the file manager; False, after a message, when that cannot be done."""
    if not folder.is_dir():
        QMessageBox.warning(parent, "Show in folder", f"The folder {folder} does not exist "
                            "(any more): it may have been moved or deleted.")
        return False
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        return True
    QGuiApplication.clipboard().setText(str(folder))
    QMessageBox.warning(parent, "Show in folder", f"No file manager could be started to show "
                        f"{folder}. Its path is on the clipboard, to paste where you need it.")
    return False
