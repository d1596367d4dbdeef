"""Quitting the real app (gui.app.run_app, as `vae-desktop` starts it) while training: the
question is asked, the process ends with status 0, and the model trained so far is saved and
listed for the next start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CHILD = r"""
import os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QTimer
from vae_desktop.gui import app as gui_app
from vae_desktop.gui.main_window import MainWindow

class Window(MainWindow):
    def _ask_quit(self, reasons):
        print("ASKED", reasons, flush=True)
        return True

    def showEvent(self, event):
        super().showEvent(event)
        if not hasattr(self, "_started"):
            self._started = True
            self.train_tab.apply_settings({"latent_dim": 2, "hidden": 32, "epochs": 500,
                                           "train_size": 2000, "device": "cpu"})
            self.train_tab.start()
            QTimer.singleShot(20, self._poll)

    def _poll(self):
        if self.train_tab.steps_received >= 2:
            self.close()
        else:
            QTimer.singleShot(20, self._poll)

gui_app.run_app([], window_class=Window)
"""


def test_quitting_mid_training_ends_the_process_and_keeps_the_model(tmp_path):
    env = {**os.environ, "VAE_DESKTOP_DATA_DIR": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True,
                            env=env, timeout=180, cwd=Path(__file__).resolve().parents[1])
    assert result.returncode == 0, result.stderr[-2000:]
    assert "ASKED ['Training is running.']" in result.stdout

    from vae_desktop.core.library import ModelLibrary

    library = ModelLibrary(index=tmp_path / "data" / "models" / "library.json")
    library.load()
    trained = [e for e in library.entries if e.origin == "trained"]
    assert len(trained) == 1 and trained[0].summary["latent_dim"] == 2
    assert trained[0].file.is_file()
