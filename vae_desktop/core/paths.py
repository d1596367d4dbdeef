"""Where the app keeps its files: the bundled resources (inside the installed package, or the
repository's resources/ in a checkout), and user data via platformdirs (the data folder, and
its folders that hold models)."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

DATA_ENV = "VAE_DESKTOP_DATA_DIR"
# The data folder's folders that hold models: the models the app trains (and the list of them,
# core.library_index), the sweeps' trials, and the autosaves of earlier versions.
MODELS, SWEEPS, AUTOSAVE = "models", "sweeps", "autosave"
APP_FOLDERS = (MODELS, SWEEPS, AUTOSAVE)


def resources_dir() -> Path:
    """The bundled MNIST and pretrained models: vae_desktop/resources/ in an installed wheel (the
    build copies them in, see setup.py), else the checkout's resources/ folder."""
    packaged = resources.files("vae_desktop") / "resources"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "resources"


def package_data_dir() -> Path:
    """Files shipped inside the package: the desktop launcher, icons and the guide."""
    return Path(str(resources.files("vae_desktop") / "data"))


def bundled_models_dir() -> Path:
    return resources_dir() / "models"


def app_data_dir(create: bool = True) -> Path:
    """Autosaves, sweeps and other user files: $VAE_DESKTOP_DATA_DIR or the user data dir,
    made if missing unless `create` is False (to name it in a message)."""
    env = os.environ.get(DATA_ENV)
    if env:
        path = Path(env)
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir("vae-desktop", appauthor=False))
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def models_dir() -> Path:
    """Where the app writes the models it trains (autosaves included), and the list of them."""
    return app_data_dir() / MODELS
