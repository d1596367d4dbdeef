"""Start the Qt application."""

from __future__ import annotations

import signal
import sys


def run_app(argv: list[str] | None = None) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from vae_desktop import __version__
    from vae_desktop.core.threads import reserve_cores_for_workers
    from vae_desktop.gui.main_window import MainWindow

    reserve_cores_for_workers()  # before the first torch op of the GUI thread: see core.threads

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName("VAE Desktop")
    app.setOrganizationName("vae-desktop")
    app.setApplicationVersion(__version__)
    window = MainWindow()
    window.show()

    # Ctrl+C in the terminal closes the window the normal way (training stops, settings are
    # saved). Qt's event loop does not run Python code on its own, so a timer lets Python
    # notice the signal.
    signal.signal(signal.SIGINT, lambda *_: window.close())
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: None)
    heartbeat.start(250)
    return app.exec()
