"""A main window holding the Latent space and Interpolate tabs, made once per test module (each
costs a library load and a window), with its data, library and settings in a folder of its own:
module fixtures run before the per-test isolation of conftest."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from PySide6.QtCore import QSettings

from vae_desktop.core import data as data_module
from vae_desktop.core.data import load_split
from vae_desktop.core.library import ModelLibrary
from vae_desktop.gui.main_window import MainWindow
from vae_desktop.gui.state import AppState

TEST_IMAGES = 500  # a part of the test set keeps each model's test-set pass short


@contextmanager
def module_window(tmp_path_factory, tabs):
    """A shown MainWindow with the bundled models and only `tabs` ((title, class) pairs)."""
    folder = tmp_path_factory.mktemp("window")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VAE_DESKTOP_DATA_DIR", str(folder / "data"))
        patch.setattr(data_module, "load_split", lambda split: load_split(split, size=TEST_IMAGES))
        QSettings.setDefaultFormat(QSettings.IniFormat)
        QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(folder / "settings"))
        state = AppState(library=ModelLibrary(index=folder / "library.json", scan=()))
        state.load_library()
        window = MainWindow(state=state, tabs=tabs)
        window.show()
        try:
            yield window
        finally:
            window._terminating = True  # closed as on SIGTERM: nobody is asked anything
            window.close()
            state.workers.stop_all()
            state.workers.wait_all(30)
            window.deleteLater()
