"""A checkpoint's contents besides the optimizer state (checkpoint_optimizer), checked value by
value against what the app writes, so that a malformed value never reaches a plot, a list or a
run: the model settings, the weights (against the settings' model built on the meta device,
before any memory is taken for them), the training history and the training settings. Each
`..._from` function returns its part, or raises CheckpointError saying what is wrong."""

from __future__ import annotations

import math

import torch

from .checkpoint_words import (
    ALTERED,
    NEWER,
    CheckpointError,
    article,
    is_number,
    is_scalar,
    key_name,
    short,
    shown,
)
from .memory import TEST_IMAGES
from .model import VAE, VAEConfig
from .settings import SETTINGS
from .trained_on import trained_on
from .wording import count

WEIGHT_DTYPES = (torch.float32, torch.float16, torch.bfloat16, torch.float64)
CHANGED = ("beta", "lr")  # what a run's history records changes of (core.training.ChangeEvent)
# The training settings core.trained_on reads (what the model was trained on), checked there.
TRAINED_ON = ("digits", "train_size", "subset", "dataset")


def config_from(raw, name: str) -> VAEConfig:
    """The model settings: a table of names and plain values that VAEConfig takes."""
    if (not isinstance(raw, dict) or not all(type(k) is str for k in raw)
            or not all(is_scalar(v) for v in raw.values())):
        raise CheckpointError(f"{name} has invalid model settings: they are not a table of "
                              f"names and plain values. {NEWER}")
    try:
        return VAEConfig.from_dict(dict(raw))
    except (KeyError, TypeError, ValueError) as exc:
        raise CheckpointError(f"{name} has invalid model settings: {short(exc)}. "
                              f"{NEWER}") from None


def weights_from(state, model: VAE, name: str, config: VAEConfig) -> dict:
    """The file's weights, once each is a dense float tensor of its own with the name and shape
    of one of `model`'s (a model on the meta device), and all of them finite."""
    if not isinstance(state, dict) or not state:
        raise CheckpointError(f"{name} holds no weights. {ALTERED}")
    kind = config.describe()
    a_or_an = "an" if kind.startswith("MLP") else "a"

    def unfit(detail: str) -> CheckpointError:
        return CheckpointError(f"{name}: the weights do not fit {a_or_an} {kind} model: "
                               f"{detail}. {ALTERED}")

    expected = model.state_dict()
    missing = [key for key in expected if key not in state]
    unknown = [key for key in state if key not in expected]
    if missing or unknown:
        parts = []
        if missing:
            more = f" and {count(len(missing) - 1, 'other weight')} are" if len(missing) > 1 else " is"
            parts.append(f"{missing[0]}{more} missing")
        if unknown:
            more = f" and {count(len(unknown) - 1, 'other')} are" if len(unknown) > 1 else " is"
            parts.append(f"{key_name(unknown[0])}{more} not part of it")
        raise unfit(", and ".join(parts))
    storages = set()
    for key, want in expected.items():
        tensor = state[key]
        problem = tensor_problem(tensor)
        if problem:
            raise unfit(f"{key} {problem}")
        if tensor.shape != want.shape:
            raise unfit(f"{key} has shape {list(tensor.shape)}, where the model's "
                        f"{list(want.shape)} belongs")
        if not owns_its_numbers(tensor, storages):
            raise unfit(f"{key} does not hold its own numbers (vae-desktop saves each weight "
                        "as a block of numbers of its own)")
    for key in expected:
        if not torch.isfinite(state[key]).all():
            raise CheckpointError(f"{name}: the weights contain NaN or infinite values ({key}), "
                                  "so the model cannot be used. Open another copy of it, or "
                                  "train the model again.")
    return state


def tensor_problem(tensor) -> str | None:
    """What keeps `tensor` from being a weight (or an optimizer's moment), or None."""
    if not isinstance(tensor, torch.Tensor):
        return f"is {article(type(tensor).__name__)}, not a tensor"
    if (tensor.layout != torch.strided or tensor.is_quantized
            or tensor.dtype not in WEIGHT_DTYPES):
        return "is not a tensor of floating-point numbers"
    if tensor.device.type != "cpu":
        return "holds no numbers"  # a meta tensor: a shape without data
    return None


def owns_its_numbers(tensor: torch.Tensor, storages: set[int]) -> bool:
    """Dense (row-major, or channels last for a convolution's weight) and on a storage no other
    tensor seen uses: never one number repeated (stride 0), never a weight shared, so the file
    holds every number the model will take memory for."""
    dense = tensor.is_contiguous() or (tensor.dim() == 4 and tensor.is_contiguous(
        memory_format=torch.channels_last))
    where = tensor.untyped_storage().data_ptr()
    if not dense or where in storages:
        return False
    storages.add(where)
    return True


def history_from(value, name: str) -> list[dict]:
    """The training history, one record an epoch ([] for a file without one)."""
    if value is None:
        return []
    problem = _history_problem(value)
    if problem:
        raise CheckpointError(f"{name}: the training history is malformed: {problem}. {ALTERED}")
    return [dict(rec) for rec in value]


def _history_problem(history) -> str | None:
    """Each epoch a record of numbers (NaN and infinity as training writes them, or None) that
    names its own place, "epoch": 1, 2, 3... (the loss plot puts its points there, and a model
    of N epochs has N records), and its changes of beta or the learning rate
    (core.training.ChangeEvent.record). Other entries, as numbers, may come from a later
    version (the history CSV export writes them as columns of their own)."""
    if not isinstance(history, list):
        return f"it is {article(type(history).__name__)}, not a list of epochs"
    for number, rec in enumerate(history, 1):
        if not isinstance(rec, dict):
            return f"epoch {number} is {article(type(rec).__name__)}, not a record"
        if "epoch" not in rec:
            return f"epoch {number} has no epoch number"
        epoch = rec["epoch"]
        if type(epoch) is not int or epoch != number:
            return (f"epoch {number} gives epoch as {shown(epoch)}, where its number, "
                    f"{number}, belongs")
        for key, value in rec.items():
            if type(key) is not str:
                return f"epoch {number} has an entry named {shown(key)}"
            if key == "changes":
                problem = _changes_problem(value, number)
                if problem:
                    return problem
            elif value is not None and not is_number(value):
                return f"epoch {number} gives {key} as {shown(value)}, where a number belongs"
    return None


def _changes_problem(changes, number: int) -> str | None:
    if not isinstance(changes, list):
        return (f"epoch {number} gives changes as {shown(changes)}, where a list of changes "
                "belongs")
    for change in changes:
        if not isinstance(change, dict) or not all(type(k) is str for k in change):
            return f"a change in epoch {number} is not a record"
        for key in ("name", "value", "at_epoch"):
            if key not in change:
                return f"a change in epoch {number} lacks {key}"
        if change["name"] not in CHANGED:
            return (f"a change in epoch {number} names {key_name(change['name'])}, where beta "
                    "or lr belongs")
        for key, value in change.items():
            if key != "name" and not (is_number(value) and math.isfinite(value)):
                return (f"a change in epoch {number} gives {key} as {shown(value)}, where a "
                        "finite number belongs")
        # Marked on the loss plot where it came: after the epochs trained before it.
        if not number - 1 <= change["at_epoch"] <= number:
            return (f"a change in epoch {number} is marked at {shown(change['at_epoch'])} "
                    f"epochs, outside that epoch ({number - 1} to {number})")
    return None


def train_config_from(value, name: str) -> dict:
    """The training settings ({} for a file without them)."""
    if value is None:
        return {}
    problem = _train_config_problem(value)
    if problem:
        raise CheckpointError(f"{name}: the training settings are malformed: {problem}. "
                              f"{NEWER}")
    return dict(value)


def _train_config_problem(config) -> str | None:
    """Plain values; those the app reads back (the table's settings, the test images the test
    loss was measured on) within their ranges; and what the model was trained on (its digits,
    the count of training images and the dataset) as core.trained_on reads it, in its words:
    what loads always reads there."""
    if not isinstance(config, dict):
        return f"they are {article(type(config).__name__)}, not a table"
    for key, value in config.items():
        if type(key) is not str:
            return f"an entry is named {shown(key)}, where a name belongs"
        if isinstance(value, (list, tuple)):
            if not all(is_scalar(v) for v in value):
                inner = next(v for v in value if not is_scalar(v))
                return (f"{key} is {article(type(value).__name__)} holding "
                        f"{article(type(inner).__name__)}, where plain values belong")
        elif not is_scalar(value):
            return f"{key} is {article(type(value).__name__)}, where a plain value belongs"
        if value is None or key in TRAINED_ON:
            continue
        setting = SETTINGS.get(key)
        if setting is not None:
            problem = setting.problem(value)
            if problem:
                return problem
        elif key == "test_size" and not (type(value) is int and 1 <= value <= TEST_IMAGES):
            return (f"test images must be an integer from 1 to {TEST_IMAGES:,}, got "
                    f"{shown(value)}")
    try:
        trained_on(config)
    except ValueError as exc:
        return str(exc)
    return None
