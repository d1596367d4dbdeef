"""Shared fixtures. GUI tests run headless; user files go to temporary folders."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(min(2, os.cpu_count() or 1))


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path, monkeypatch):
    """Autosaves, sweeps and QSettings go to a temporary folder, never the user's."""
    data = tmp_path / "appdata"
    monkeypatch.setenv("VAE_DESKTOP_DATA_DIR", str(data))
    try:
        from PySide6.QtCore import QSettings
    except ImportError:  # core tests need no Qt
        yield
        return
    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path / "settings"))
    yield


@pytest.fixture(scope="session")
def mnist_test():
    from vae_desktop.core.data import load_split

    return load_split("test")


@pytest.fixture(scope="session")
def mnist_train_small():
    from vae_desktop.core.data import load_split

    return load_split("train", size=5000)


@pytest.fixture(scope="session")
def bundled():
    """The bundled pretrained checkpoints, by file stem."""
    from vae_desktop.core import checkpoint
    from vae_desktop.core.paths import bundled_models_dir

    return {p.stem: checkpoint.load(p) for p in sorted(bundled_models_dir().glob("*.pt"))}


@pytest.fixture
def app_state(qapp):
    """An AppState whose library (in the test's own data folder) holds the bundled models. Its
    workers are stopped and awaited after the test."""
    from vae_desktop.gui.state import AppState

    state = AppState()
    state.load_library()
    yield state
    state.workers.stop_all()
    state.workers.wait_all(30)
