"""Where the app keeps its files: resources in the repository, user data via platformdirs."""

from __future__ import annotations

import os
from pathlib import Path

DATA_ENV = "VAE_DESKTOP_DATA_DIR"


def resources_dir() -> Path:
    """The repository's resources/ folder (bundled MNIST and pretrained models)."""
    return Path(__file__).resolve().parents[2] / "resources"


def bundled_models_dir() -> Path:
    return resources_dir() / "models"


def app_data_dir() -> Path:
    """Autosaves, sweeps and other user files: $VAE_DESKTOP_DATA_DIR or the user data dir."""
    env = os.environ.get(DATA_ENV)
    if env:
        path = Path(env)
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir("vae-desktop", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path
