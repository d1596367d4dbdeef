"""Whether a checkpoint file holds a trial's own model: a file found where a trial's model was
saved may since hold another one (studies of one name in two storages shared a folder before
checkpoint_dir gave each storage its own; a file copied over by hand)."""

from __future__ import annotations

import math

from vae_desktop.core import settings as table
from vae_desktop.core.checkpoint import Checkpoint

from .records import TrialRecord

# What a trial's settings and its model's file both say: the model's shape, then its training.
MODEL_KEYS = ("latent_dim", "hidden", "arch", "conditional", "beta")
TRAINING_KEYS = ("lr", "batch_size", "seed", "epochs", "train_size")


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        try:
            return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
        except (TypeError, ValueError):
            return False
    return a == b


def _shown(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _in_file(ckpt: Checkpoint, name: str):
    """The value `name` had for the model in the file, or None when the file does not say."""
    if name in MODEL_KEYS:
        return getattr(ckpt.config, name)
    made = ckpt.train_config or {}
    if name == "train_size":  # None and 0 both mean every image
        return (made["train_size"] or 0) if "train_size" in made else None
    return made.get(name)


def model_differences(study: str, record: TrialRecord, ckpt: Checkpoint) -> list[str]:
    """How the model in `ckpt` differs from what trial `record` of `study` trained, one phrase
    each ("latent dimensions 10 where the trial had 4"); empty when every setting both record
    agrees. A checkpoint of another study or trial (the names it records) differs too."""
    made = ckpt.train_config or {}
    out = []
    if (made.get("sweep", study), made.get("trial", record.number)) != (study, record.number):
        out.append(f"it was saved by trial {made.get('trial')} of study {made.get('sweep')!r}")
    settings = {**record.settings, **record.params}
    for name in (*MODEL_KEYS, *TRAINING_KEYS):
        if name not in settings:
            continue
        theirs = _in_file(ckpt, name)
        if theirs is None or _same(theirs, settings[name]):
            continue
        out.append(f"{table.SETTINGS[name].in_sentence} {_shown(theirs)} where the trial had "
                   f"{_shown(settings[name])}")
    return out
