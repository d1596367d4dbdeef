"""core/checkpoint.py was 638 lines; it is split along its seams into modules that read in one
sitting (the file's checks, the contents' checks, the optimizer state's, the words of a
refusal), and every name other modules import from vae_desktop.core.checkpoint still comes
from there. Loading still never runs code from a file: torch.load is asked for weights only."""

from __future__ import annotations

import importlib
import inspect

import torch

from vae_desktop.core import checkpoint
from vae_desktop.core.paths import bundled_models_dir

MODULES = ("checkpoint", "checkpoint_contents", "checkpoint_file", "checkpoint_optimizer",
           "checkpoint_words")
PUBLIC = ("Checkpoint", "CheckpointError", "load", "save", "largest_model_parameters", "FORMAT",
          "VERSION", "ALTERED", "NEWER", "WEIGHT_DTYPES", "CHANGED", "ADAM_STATE", "ZIP_MAGIC",
          "PICKLE_MAGIC")


def test_each_checkpoint_module_reads_in_one_sitting():
    for name in MODULES:
        module = importlib.import_module(f"vae_desktop.core.{name}")
        lines = len(inspect.getsource(module).splitlines())
        assert lines < 300, f"{name}.py has {lines} lines"


def test_the_names_other_modules_use_are_still_the_checkpoint_modules():
    from vae_desktop.core import checkpoint_contents, checkpoint_file, checkpoint_words

    for name in PUBLIC:
        assert hasattr(checkpoint, name), name
    assert set(checkpoint.__all__) == set(PUBLIC)
    # One class of refusal, whichever module raises it.
    assert checkpoint.CheckpointError is checkpoint_words.CheckpointError
    assert checkpoint_file.CheckpointError is checkpoint_contents.CheckpointError
    assert checkpoint.FORMAT == "vae-desktop-checkpoint" and checkpoint.VERSION == 1


def test_loading_asks_torch_for_weights_only(monkeypatch):
    asked = []
    real = torch.load

    def spy(*args, **kwargs):
        asked.append(kwargs.get("weights_only"))
        return real(*args, **kwargs)

    monkeypatch.setattr(torch, "load", spy)
    ckpt = checkpoint.load(bundled_models_dir() / "mnist-vae-z2.pt")
    assert asked == [True] and ckpt.epochs == 30
