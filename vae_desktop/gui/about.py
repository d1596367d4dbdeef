"""Help ▸ About: what this installation is (versions, device) and where it keeps its files, with
buttons that open those folders, and a button that copies the details for a bug report."""

from __future__ import annotations

import platform
from pathlib import Path

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from vae_desktop import __version__
from vae_desktop.core.paths import app_data_dir, models_dir, package_data_dir, resources_dir
from vae_desktop.gui.show_folder import show_folder

# torch and pyqtgraph are imported where they are used: the main window shows its icon and
# Help menu before they have loaded (vae_desktop.gui.startup).


def app_icon() -> QIcon:
    """The app's icon at 48, 128 and 256 pixels (rendered from vae-desktop.svg; Qt scales them to
    any other size, with no need for its SVG plugin)."""
    icon = QIcon()
    for png in sorted((package_data_dir() / "icons").glob("vae-desktop-*.png")):
        icon.addFile(str(png))
    return icon


def device_label() -> str:
    """The device training picks by default, in words (e.g. "CUDA: NVIDIA H100")."""
    from vae_desktop.core.device import available_devices, resolve_device

    auto = resolve_device("auto")
    for name, label in available_devices():
        if name.split(":")[0] == auto.type:
            return label
    return str(auto)


def versions() -> list[tuple[str, str]]:
    """(what, version) for this installation, in the order the dialog lists them."""
    import pyqtgraph as pg
    import torch

    from vae_desktop.core.device import available_devices

    devices = ", ".join(label for _, label in available_devices())
    return [("VAE Desktop", __version__), ("PyTorch", torch.__version__),
            ("Qt", f"{qVersion()} (PySide6 {PySide6.__version__})"),
            ("pyqtgraph", pg.__version__),
            ("Python", f"{platform.python_version()} on {platform.system()} {platform.machine()}"),
            ("Device", f"{device_label()} by default (available: {devices})")]


def folders() -> list[tuple[str, Path, str]]:
    """(name, folder, what is in it) of every folder the app reads or writes."""
    from vae_desktop.core.data import cache_dir
    from vae_desktop.gui.preferences import open_settings

    return [("Data", app_data_dir(), "the model list, sweep studies and everything you make"),
            ("Models", models_dir(), "the models you train, autosaved after every epoch"),
            ("Cache", cache_dir(), "decompressed MNIST and fitted samplers, made again when "
                                   "needed: safe to delete"),
            ("Settings", Path(open_settings().fileName()).parent,
             "the window's layout, the forms' values and the recent files"),
            ("Bundled", resources_dir(), "the MNIST digits and pretrained models that ship with "
                                         "the app")]


class AboutDialog(QDialog):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About VAE Desktop")
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(96, 96))
        icon.setAlignment(Qt.AlignTop)
        title = QLabel(f"<h2>VAE Desktop {__version__}</h2>"
                       "<p>Train a variational autoencoder on handwritten digits and explore what it "
                       "learned.</p><p>MNIST: Yann LeCun, Corinna Cortes and Christopher J. C. "
                       "Burges (CC BY-SA 3.0). VAE Desktop: MIT licence.</p>")
        title.setWordWrap(True)
        header = QHBoxLayout()
        header.addWidget(icon)
        header.addWidget(title, 1)

        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        self.version_labels: dict[str, QLabel] = {}
        for row, (what, version) in enumerate(versions()):
            grid.addWidget(QLabel(f"<b>{what}</b>"), row, 0)
            label = QLabel(version)
            label.setTextInteractionFlags(Qt.TextSelectableByMouse)
            label.setWordWrap(True)
            grid.addWidget(label, row, 1, 1, 2)
            self.version_labels[what] = label
        self.folder_buttons: dict[str, QPushButton] = {}
        self.folders = {name: folder for name, folder, _ in folders()}
        for row, (name, folder, what) in enumerate(folders(), start=grid.rowCount()):
            grid.addWidget(QLabel(f"<b>{name}</b>"), row, 0)
            label = QLabel(str(folder))
            label.setTextInteractionFlags(Qt.TextSelectableByMouse)
            label.setToolTip(what)
            grid.addWidget(label, row, 1)
            button = QPushButton("Open")
            button.setAutoDefault(False)  # Enter closes the dialog, whichever button has focus
            button.setToolTip(f"Open {folder} in the file manager: {what}")
            # Five buttons read "Open": the name says which folder each opens.
            button.setAccessibleName(f"Open the {name} folder")
            button.clicked.connect(lambda _=False, name=name: self.open_folder(name))
            grid.addWidget(button, row, 2)
            self.folder_buttons[name] = button

        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        self.close_button = buttons.button(QDialogButtonBox.Close)
        self.copy_button = buttons.addButton("Copy details", QDialogButtonBox.ActionRole)
        self.copy_button.setAutoDefault(False)
        self.copy_button.setToolTip("Copy the versions and folders, e.g. for a bug report")
        self.copy_button.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.close)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(grid)
        layout.addWidget(buttons)
        # Tab as they stand: the Open buttons top to bottom, then Copy details and Close, left to
        # right (the button box put Close before Copy details in the focus chain).
        self.setTabOrder(list(self.folder_buttons.values())[-1], self.copy_button)
        self.setTabOrder(self.copy_button, self.close_button)
        # Close is the default button, and the first in focus: Enter (or Escape) closes the
        # dialog. (Qt made the first Open button the default, and Enter opened the Data folder.)
        # Set once the button is in the dialog: only then does the dialog keep it as its default.
        self.close_button.setDefault(True)
        self.setMinimumWidth(640)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.close_button.setFocus()

    def details(self) -> str:
        lines = [f"{what}: {version}" for what, version in versions()]
        lines += [f"{name} folder: {folder}" for name, folder in self.folders.items()]
        return "\n".join(lines)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details())

    def open_folder(self, name: str) -> bool:
        folder = self.folders[name]
        folder.mkdir(parents=True, exist_ok=True)  # the models folder appears with the first model
        return show_folder(self, folder)
