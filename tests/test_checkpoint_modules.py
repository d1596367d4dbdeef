"""core/checkpoint.py was 638 lines; it is split along its seams into modules that read in one
sitting (the file's checks, the contents' checks, the optimizer state's, the words of a
refusal), and every name other modules import from vae_desktop.core.checkpoint still comes
from there; a part's own constants are imported from its module. Loading still never runs
code from a file: torch.load is asked for weights only."""

from __future__ import annotations

import importlib
import inspect

import torch

from vae_desktop.core import checkpoint
from vae_desktop.core.paths import bundled_models_dir

MODULES = ("checkpoint", "checkpoint_contents", "checkpoint_file", "checkpoint_optimizer",
           "checkpoint_words")
PUBLIC = ("Checkpoint", "CheckpointError", "load", "save", "cannot_save",
          "largest_model_parameters", "FORMAT", "VERSION")
# The constants of a part of the checking, which live in that part's module (checkpoint.py
# passes none of them on: no other module uses them).
CONSTANTS = {"ALTERED": "checkpoint_words", "NEWER": "checkpoint_words",
             "WEIGHT_DTYPES": "checkpoint_contents", "CHANGED": "checkpoint_contents",
             "ADAM_STATE": "checkpoint_optimizer", "ZIP_MAGIC": "checkpoint_file",
             "PICKLE_MAGIC": "checkpoint_file"}


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
    for name, module in CONSTANTS.items():
        assert hasattr(importlib.import_module(f"vae_desktop.core.{module}"), name), name
    assert checkpoint_file.ZIP_MAGIC == b"PK\x03\x04" and checkpoint_file.PICKLE_MAGIC == b"\x80"
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
