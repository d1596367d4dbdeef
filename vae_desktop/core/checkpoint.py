"""Checkpoints: weights, model settings, training history and optimizer state in one file.

Saving is atomic (temporary file in the same folder, then os.replace), and a write that fails
is an OSError naming the file, whatever torch.save raised (its zip writer says a full disk with
a RuntimeError). Loading never runs code from a file, never takes much more memory than the
file's weights, and says in words what is wrong with a file it refuses (CheckpointError), never
with a traceback:

- `torch.load(weights_only=True)` refuses any pickle that would call a function or build an
  object other than tensors and plain containers; the message names what the file asked for.
  The zip archive torch.save writes must be uncompressed and lie within the file, so a small
  file cannot unpack into gigabytes (torch.load would inflate a compressed member). Both are
  checkpoint_file's.
- The model is built on PyTorch's meta device (shapes only, no memory) and the file's weights
  are compared with it, name by name and shape by shape, before any memory is taken for it;
  each weight must hold its own numbers in the file. Settings that describe a model larger
  than the largest the settings table allows are refused.
- The history, the training settings and the optimizer state are checked value by value
  against what the app writes, so a malformed value never reaches a plot, a list or a run
  (checkpoint_contents, checkpoint_optimizer).

The words of a refusal are checkpoint_words'. The names other modules use are all here; the
constants of one part of the checking (ALTERED, ZIP_MAGIC, ADAM_STATE...) are its module's.
"""

from __future__ import annotations

import errno
import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

import torch

from .checkpoint_contents import config_from, history_from, train_config_from, weights_from
from .checkpoint_file import check_file, read
from .checkpoint_optimizer import optimizer_problem
from .checkpoint_words import ALTERED, CheckpointError, is_text, shown
from .conv_layout import optimizer_state_in
from .fileio import atomic_write, write_problem
from .model import ARCHS, VAE, VAEConfig
from .settings import NUM_CLASSES, SETTINGS

__all__ = ["FORMAT", "VERSION", "Checkpoint", "CheckpointError", "cannot_save",
           "largest_model_parameters", "load", "save"]

FORMAT = "vae-desktop-checkpoint"
VERSION = 1


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
        "state_dict": {k: _to_cpu(v) for k, v in model.state_dict().items()},
        "history": [dict(rec) for rec in (history or [])],
        # Adam's averages of the conv model's feature layers in the file's order, as their
        # weights (core.conv_layout).
        "optimizer": (_to_cpu(optimizer_state_in(model, optimizer_state, "file"))
                      if optimizer_state is not None else None),
        "train_config": dict(train_config or {}),
    }

    def write(tmp: str) -> None:
        with open(tmp, "wb") as fh:
            try:
                torch.save(payload, fh)
            except RuntimeError as exc:
                error = _write_error(exc, path)
                if error is None:
                    raise
                raise error from exc
            fh.flush()
            os.fsync(fh.fileno())

    atomic_write(path, write)
    return path


def _write_error(exc: RuntimeError, path: Path) -> OSError | None:
    """What torch.save's RuntimeError means for the file: its zip writer reports a failed write
    (a full disk: "[enforce fail at inline_container.cc:672] . unexpected pos 3871104 vs
    3870992") as a RuntimeError, with the OSError behind it only as its context. That becomes
    an OSError naming `path`, with the OSError's errno (EIO where there is none), so that every
    caller's OSError path says it. None for another RuntimeError (not the file's)."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, OSError) and cause.errno is not None:
            return OSError(cause.errno, os.strerror(cause.errno), str(path))  # its subclass
        cause = cause.__cause__ or cause.__context__
    if "inline_container" in str(exc):  # the zip writer, failing with no OSError to say why
        return OSError(errno.EIO, "the file could not be written to the end", str(path))
    return None


def cannot_save(path: str | os.PathLike, exc: OSError) -> str:
    """A save of `path` that failed, as the app says it: "copy.pt could not be saved in /ro:
    permission denied. Choose another folder." An error already in words that names its folder
    ("the folder /x does not exist") is not given the folder twice."""
    path = Path(path)
    reason, advice = write_problem(exc)
    where = "" if exc.errno is None else f" in {path.parent}"
    return f"{path.name} could not be saved{where}: {reason}. {advice}"


def _to_cpu(obj):
    """`obj` with its tensors on the CPU, each in memory of its own: the training step makes
    some parameters (core.fast_step) and Adam's step counts (core.adam_step) views of one
    tensor, and a file holds each weight as a block of its own (checkpoint_contents)."""
    if torch.is_tensor(obj):
        tensor = obj.detach().cpu()
        whole = tensor.untyped_storage().nbytes() == tensor.numel() * tensor.element_size()
        return tensor if whole else tensor.clone()
    if isinstance(obj, dict):
        return {k: _to_cpu(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_to_cpu(v) for v in obj)
    return obj


def load(path: str | os.PathLike, device: str | torch.device = "cpu") -> Checkpoint:
    """Read a checkpoint; the model comes back in eval mode on `device`."""
    path = Path(path)
    name = path.name
    check_file(path)
    payload = read(path)
    if not isinstance(payload, dict) or not is_text(payload.get("format"), FORMAT):
        raise CheckpointError(f"{name} is a PyTorch file but not a vae-desktop checkpoint: pick "
                              "a .pt file saved by vae-desktop.")
    version = payload.get("version")
    if type(version) is not int or version != VERSION:
        raise CheckpointError(
            f"{name} is checkpoint format version {shown(version)}; this vae-desktop reads "
            f"version {VERSION}. Update vae-desktop, or retrain the model."
        )
    config = config_from(payload.get("config"), name)
    with torch.device("meta"):  # shapes only: nothing is allocated until the weights fit
        model = VAE.from_config(config)
    parameters = sum(p.numel() for p in model.parameters())
    if parameters > largest_model_parameters():
        raise CheckpointError(
            f"{name} describes a model of {parameters:,} parameters ({config.describe()}), more "
            f"than the largest vae-desktop's settings allow ({largest_model_parameters():,}). It "
            f"was not saved by vae-desktop, and building it would take "
            f"{parameters * 4 / 1e9:.1f} GB of memory."
        )
    state = weights_from(payload.get("state_dict"), model, name, config)
    history = history_from(payload.get("history"), name)
    train_config = train_config_from(payload.get("train_config"), name)
    optimizer = payload.get("optimizer")
    if optimizer is not None:
        shapes = [p.shape for p in model.parameters()]  # Adam numbers them in this order
        problem = optimizer_problem(optimizer, shapes)
        if problem:
            raise CheckpointError(f"{name}: the optimizer state, kept to continue training, is "
                                  f"malformed: {problem}. {ALTERED}")
        optimizer = optimizer_state_in(model, optimizer, "model")
    # The file's tensors become the weights (no second copy, no random initialisation).
    # Not to_empty(): its first call imports torch's Python references, 0.4 s at start-up.
    model.load_state_dict(state, strict=True, assign=True)
    model.to(device)
    if config.arch == "conv":  # as VAE lays its convolutions out (a file may hold another)
        model.enc_conv.to(memory_format=torch.channels_last)
        model.dec_body.to(memory_format=torch.channels_last)
    model.eval()
    return Checkpoint(model, config, history, optimizer, train_config, path, path.stem)


@functools.cache
def largest_model_parameters() -> int:
    """The parameters of the largest model the settings table's ranges allow (a conditional
    conv model with the most latent dimensions, layers and units): about 467 million, 1.9 GB
    of float32 weights. A checkpoint's settings may describe no larger one."""
    def parameters_of(arch: str) -> int:
        with torch.device("meta"):
            model = VAE(latent_dim=int(SETTINGS["latent_dim"].high),
                        hidden=int(SETTINGS["hidden"].high), arch=arch, num_classes=NUM_CLASSES,
                        layers=int(SETTINGS["layers"].high))
        return sum(p.numel() for p in model.parameters())

    return max(parameters_of(arch) for arch in ARCHS)
