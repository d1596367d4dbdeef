"""Checkpoints: weights, model settings, training history and optimizer state in one file.

Saving is atomic (temporary file in the same folder, then os.replace). Loading uses
`torch.load(weights_only=True)`, which refuses any pickle that would build arbitrary objects, so a
file can never run code; anything else wrong raises CheckpointError with a plain message.
"""

from __future__ import annotations

import os
import pickle
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import torch

from .fileio import atomic_write
from .model import VAE, VAEConfig

FORMAT = "vae-desktop-checkpoint"
VERSION = 1
ZIP_MAGIC, PICKLE_MAGIC = b"PK\x03\x04", b"\x80"  # how the files torch.save writes begin


class CheckpointError(RuntimeError):
    """The file is not a usable vae-desktop checkpoint; the message says why."""


@dataclass
class Checkpoint:
    model: VAE
    config: VAEConfig
    history: list[dict] = field(default_factory=list)
    optimizer_state: dict | None = None
    train_config: dict = field(default_factory=dict)
    path: Path | None = None
    name: str = ""

    @property
    def epochs(self) -> int:
        return len(self.history)

    @property
    def test_loss(self) -> float | None:
        for rec in reversed(self.history):
            value = rec.get("test_loss")
            if value is not None and value == value:
                return float(value)
        return None


def save(path: str | os.PathLike, model: VAE, history: list[dict] | None = None,
         optimizer_state: dict | None = None, train_config: dict | None = None) -> Path:
    """Write a checkpoint atomically; returns the path."""
    path = Path(path)
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "config": model.config.to_dict(),
        "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "history": [dict(rec) for rec in (history or [])],
        "optimizer": _to_cpu(optimizer_state) if optimizer_state is not None else None,
        "train_config": dict(train_config or {}),
    }
    def write(tmp: str) -> None:
        with open(tmp, "wb") as fh:
            torch.save(payload, fh)
            fh.flush()
            os.fsync(fh.fileno())

    atomic_write(path, write)
    return path


def _to_cpu(obj):
    if torch.is_tensor(obj):
        return obj.detach().cpu()
    if isinstance(obj, dict):
        return {k: _to_cpu(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_to_cpu(v) for v in obj)
    return obj


def load(path: str | os.PathLike, device: str | torch.device = "cpu") -> Checkpoint:
    """Read a checkpoint; the model comes back in eval mode on `device`."""
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise CheckpointError(f"{path}: no such file")
    _check_kind(path)
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        reason = _unpickler_reason(exc)
        if "Unsupported global" in reason:
            raise CheckpointError(
                f"{name} was refused: it contains Python objects other than plain weights and "
                f"settings, which vae-desktop never loads because they could run code ({reason})"
            ) from None
        raise CheckpointError(
            f"{name} is not a readable checkpoint: the file is truncated or corrupt ({reason})"
        ) from None
    except OSError as exc:
        raise CheckpointError(f"{name} cannot be read: {_short(exc)}") from None
    except (RuntimeError, EOFError, zipfile.BadZipFile, ValueError, AttributeError,
            TypeError, IndexError, KeyError, UnicodeDecodeError):
        # torch's reasons here are its reader's insides (a miniz error, a key number): no help.
        raise CheckpointError(
            f"{name} is not a readable checkpoint: the file is truncated or corrupt (a PyTorch "
            "file, but cut short or damaged)"
        ) from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError(f"{name} is a PyTorch file but not a vae-desktop checkpoint")
    version = payload.get("version")
    if version != VERSION:
        raise CheckpointError(
            f"{name} is checkpoint format version {version!r}; this vae-desktop reads version "
            f"{VERSION}. Update vae-desktop, or retrain the model."
        )
    try:
        config = VAEConfig.from_dict(dict(payload["config"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise CheckpointError(f"{name} has invalid model settings: {_short(exc)}") from None
    state = payload.get("state_dict")
    if not isinstance(state, dict):
        raise CheckpointError(f"{name} holds no weights")
    model = VAE.from_config(config)
    try:
        model.load_state_dict(state, strict=True)
    except (RuntimeError, TypeError, ValueError) as exc:
        raise CheckpointError(
            f"{name}: the weights do not fit a {config.describe()} model ({_short(exc)})"
        ) from None
    if not all(torch.isfinite(t).all() for t in model.state_dict().values()
               if t.dtype.is_floating_point):
        raise CheckpointError(f"{name}: the weights contain NaN or infinite values")
    history = payload.get("history") or []
    if not isinstance(history, list) or not all(isinstance(r, dict) for r in history):
        raise CheckpointError(f"{name}: the training history is malformed")
    optimizer = payload.get("optimizer")
    if optimizer is not None and not isinstance(optimizer, dict):
        raise CheckpointError(f"{name}: the optimizer state is malformed")
    train_config = payload.get("train_config") or {}
    if not isinstance(train_config, dict):
        raise CheckpointError(f"{name}: the training settings are malformed")
    model.to(device).eval()
    return Checkpoint(model, config, history, optimizer, train_config, path, path.stem)


def _check_kind(path: Path) -> None:
    """Refuse, in words, a file that cannot be a checkpoint at all: torch's own errors for one
    are the unpickler's insides ("(101)", "(4045160522)")."""
    try:
        with open(path, "rb") as f:
            head = f.read(4)
    except OSError as exc:
        raise CheckpointError(f"{path.name} cannot be read: {_short(exc)}") from None
    if not head:
        raise CheckpointError(f"{path.name} is empty: it holds no model (was it saved completely?)")
    # What torch.save writes: a zip archive (since torch 1.6), or before that a pickle.
    if not head.startswith((ZIP_MAGIC, PICKLE_MAGIC)):
        raise CheckpointError(f"{path.name} is not a vae-desktop checkpoint: it is not a PyTorch "
                              "file at all (pick a .pt file saved by vae-desktop)")


def _unpickler_reason(exc: BaseException) -> str:
    """torch's weights-only errors are long; keep the line that says what was wrong."""
    text = str(exc)
    marker = "WeightsUnpickler error:"
    if marker in text:
        text = text.split(marker, 1)[1].strip().split(". ")[0].split("\n")[0]
    return _short(RuntimeError(text))


def _short(exc: BaseException, limit: int = 160) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."
