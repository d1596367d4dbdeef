"""What a model was trained on, as its checkpoint's train_config records it: the digits (as the
Evaluate tab's held-out runs and `vae-desktop train --digits` choose them), the first how many
training images of those digits, and the dataset. The one reading of those entries, for
checkpoint.load's check, the Evaluate tab's held-out experiment, the Train tab's Continue (which
keeps them), its Digits row (which shows them), the command line (`train --resume`, `sample`'s
note) and the list of models (core.model_words: names, "Trained on", sorting).

A checkpoint without them was trained on every image of the bundled MNIST. "subset" is the
training images' name in checkpoints written before 0.2. A value the app cannot have written
is refused (ValueError, its reason a clause: "digits must be ..."); checkpoint.load refuses
such a file in those words, so a loaded model's train_config always reads. Listing and naming
models must never fail, whatever a model made in memory holds: trained_on_or_none is their
reading."""

from __future__ import annotations

from dataclasses import dataclass

from .checkpoint_words import shown
from .data import DATASETS
from .settings import SETTINGS
from .wording import DIGITS, held_out

APP_DATASET = "mnist"  # what the app trains on, and what a checkpoint that does not say was


@dataclass(frozen=True)
class TrainedOn:
    """The training images a model saw: the first `size` (None: all) of its `digits` (None:
    every digit) of `dataset`."""

    digits: tuple[int, ...] | None = None
    size: int | None = None
    dataset: str = APP_DATASET

    @property
    def holdout(self) -> tuple[int, ...]:
        """The digits it never saw: the anomalies of its held-out experiment (none: ())."""
        return held_out(self.digits)


def trained_on(train_config: dict | None) -> TrainedOn:
    """What a checkpoint's train_config says its model was trained on, as `holdout_steps` and
    the Train tab write it and `vae-desktop train --resume` reads it. A record the app cannot
    have written is refused (ValueError: why, as checkpoint.load says it): a dataset it does
    not know, a count out of range, digits that are not a list of different digits from 0 to 9
    (an empty list, a digit twice, digits as text as the Train form keeps them)."""
    config = train_config or {}
    dataset = config.get("dataset")
    if dataset is None:
        dataset = APP_DATASET
    elif not isinstance(dataset, str) or dataset not in DATASETS:
        raise ValueError(f"dataset must be one of {', '.join(DATASETS)}, got {shown(dataset)}")
    for key in ("train_size", "subset"):
        value = config.get(key)
        problem = None if value is None else SETTINGS["train_size"].problem(value)
        if problem:
            raise ValueError(problem)
    size = config.get("train_size", config.get("subset")) or None  # 0: all of them, too
    return TrainedOn(recorded_digits(config.get("digits")), size, dataset)


def trained_on_or_none(train_config) -> TrainedOn | None:
    """What trained_on reads, or None where the checkpoint records nothing (a file of another
    program: the app always writes the record) or something this version cannot read. Never
    raises: what the list of models reads."""
    if not isinstance(train_config, dict) or not train_config:
        return None
    try:
        return trained_on(train_config)
    except (ValueError, TypeError):
        return None


def recorded_digits(value) -> tuple[int, ...] | None:
    """The digits as a train_config records them (None, or a list of different digits from 0
    to 9, in any order) as a sorted tuple, or None for all ten. ValueError says why another
    value is not one."""
    if value is None:
        return None
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"digits must be a list of some of 0 to 9, got {shown(value)}")
    if not value or not all(type(d) is int and 0 <= d <= 9 for d in value):
        raise ValueError(f"digits must be some of 0 to 9 (at least one), got "
                         f"{shown(value, lists=True)}")
    if len(set(value)) != len(value):
        raise ValueError(f"digits must list each digit once, got {shown(value, lists=True)}")
    digits = tuple(sorted(value))
    return None if digits == DIGITS else digits


def parse_digits(value) -> tuple[int, ...] | None:
    """A digits value as a sorted tuple of some digits, or None for all ten. Takes a tuple or
    list (a checkpoint's train_config, the Sweep tab's settings), None, or text as the Train
    form keeps it in its settings ("0,1,3" or "all"). ValueError says why another is not one."""
    if value is None:
        return None
    items = value
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in ("", "all", "none"):
            return None
        items = text.split(",")
    try:
        digits = tuple(sorted({int(str(d).strip()) for d in items}))
    except (TypeError, ValueError):
        digits = ()
    if not digits or not set(digits) <= set(DIGITS):
        raise ValueError(f"digits must be some of 0 to 9 (at least one), got {value!r}")
    return None if digits == DIGITS else digits
