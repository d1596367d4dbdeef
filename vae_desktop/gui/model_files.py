"""Opening and saving checkpoints from the GUI (shared by the main window and the Train tab)."""

from __future__ import annotations

import os
from pathlib import Path

from vae_desktop.core import checkpoint
from vae_desktop.core.checkpoint import Checkpoint
from vae_desktop.core.paths import app_data_dir, bundled_models_dir

CHECKPOINT_FILTER = "vae-desktop checkpoints (*.pt);;All files (*)"


def autosave_dir() -> Path:
    return app_data_dir() / "autosave"


def save_checkpoint_as(ckpt: Checkpoint, path: str | os.PathLike) -> Path:
    """Write `ckpt` to `path` (atomically) and make that its file and name from now on."""
    path = Path(path)
    if path.suffix != ".pt":
        path = path.with_name(path.name + ".pt")
    checkpoint.save(path, ckpt.model, ckpt.history, ckpt.optimizer_state, ckpt.train_config)
    ckpt.path = path
    ckpt.name = path.stem
    return path


def is_user_file(ckpt: Checkpoint) -> bool:
    """True when the model lives in a file the user chose (not bundled, not an autosave), so
    File > Save may overwrite it without asking."""
    if ckpt.path is None:
        return False
    folder = Path(ckpt.path).resolve().parent
    return folder not in (bundled_models_dir().resolve(), autosave_dir().resolve())


def describe_model(ckpt: Checkpoint | None) -> str:
    """One line for the status bar: name, arch, latent dim, conditional, epochs, test loss."""
    if ckpt is None:
        return "No model loaded: train one on the Train tab or open a checkpoint (Ctrl+O)"
    cfg = ckpt.config
    kind = "conditional" if cfg.conditional else "unconditional"
    loss = ckpt.test_loss
    loss_text = f"test loss {loss:.2f} nats/image" if loss is not None else "test loss not measured"
    return (f"{ckpt.name} · {cfg.arch.upper()} · latent {cfg.latent_dim} · {kind} · "
            f"{ckpt.epochs} epoch{'s' if ckpt.epochs != 1 else ''} · {loss_text}")
