"""Start the Qt application."""

from __future__ import annotations

import sys


def run_app(argv: list[str] | None = None) -> int:
    from PySide6.QtWidgets import QApplication

    from vae_desktop import __version__
    from vae_desktop.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName("VAE Desktop")
    app.setOrganizationName("vae-desktop")
    app.setApplicationVersion(__version__)
    window = MainWindow()
    window.show()
    return app.exec()
