"""Show in folder (Models dialog) and About ▸ Open: a folder that is gone, or a desktop with no
file manager, gets a message (both used to do nothing at all)."""

from __future__ import annotations

from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMessageBox
from quiet_window import QuietTab

from vae_desktop.core import checkpoint
from vae_desktop.core.paths import models_dir
from vae_desktop.core.training import new_model
from vae_desktop.gui.main_window import MainWindow


def test_a_folder_that_cannot_be_shown_is_explained(qtbot, monkeypatch, tmp_path):
    window = MainWindow(tabs=(("Draw", QuietTab),))
    qtbot.addWidget(window)
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda parent, title, text, *a: warnings.append((title, text)))
    # No file manager on this desktop: openUrl says False.
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)
    about = window.help.show_about()
    about.folder_buttons["Models"].click()
    assert len(warnings) == 1 and "No file manager" in warnings[0][1]
    assert str(models_dir()) in warnings[0][1]
    assert QGuiApplication.clipboard().text() == str(models_dir())  # so it can be pasted

    # A model whose folder is gone: said so, and the file manager is not asked.
    folder = tmp_path / "gone"
    folder.mkdir()
    ckpt = checkpoint.load(checkpoint.save(folder / "m.pt", new_model(1, latent_dim=2,
                                                                      hidden=16)))
    window.state.add_model(ckpt, origin="opened")
    (folder / "m.pt").unlink()
    folder.rmdir()
    asked = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: asked.append(url) or True)
    dialog = window.show_models()
    dialog.select(ckpt)
    dialog.folder_button.click()
    assert not asked and len(warnings) == 2
    assert "does not exist" in warnings[1][1] and str(folder) in warnings[1][1]
