"""What a sweep tries: the settings that vary, their ranges or choices, the budget and objective.

Every limit comes from the one settings table (core.settings): a range or a choice a model or a
training run would refuse is refused here first, in the same words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)

from vae_desktop.core import settings as table

from .errors import SweepError
from .urls import default_storage_url

# The settings a sweep can vary: a range for these ...
RANGED = ("latent_dim", "lr", "beta")
# ... and choices for the others.
SETTINGS = ("latent_dim", "hidden", "lr", "batch_size", "beta", "arch")
OBJECTIVES = {"test_loss": "minimize", "auroc": "maximize"}
OBJECTIVE_LABELS = {"test_loss": "test negative ELBO (nats/image)", "auroc": "held-out digit AUROC"}
DEFAULT_FIXED = table.defaults(SETTINGS)
DEFAULT_STUDY = "vae-sweep"
TEST_IMAGES = 10_000  # MNIST's test split
MAX_TRIALS = 100_000
# A worker that dies leaves its trial RUNNING; other workers mark it failed once its heartbeat,
# sent this often, is older than the grace period (seconds, whole: Optuna's unit). On the
# worker's own machine its process is looked at instead, at once (lost.py).
HEARTBEAT_S = 30
GRACE_S = 120


def objective_text(objective: str, value: float | None) -> str:
    """A trial's objective value as the command line and the Sweep tab write it: a loss in nats
    to a tenth, an AUROC to three decimals, whatever the size of the number; "–" for none (a
    trial that has not reported one)."""
    if value is None or math.isnan(value):
        return "–"
    return f"{value:.3f}" if objective == "auroc" else f"{value:.1f}"


def log_scale(name: str) -> bool:
    """Whether a varied setting is sampled on a log scale: the table's choice, and latent sizes,
    which every sweep has sampled so (Optuna refuses to resume a study whose scale changed)."""
    return table.SETTINGS[name].log or name == "latent_dim"


@dataclass
class SweepSpec:
    """What a sweep tries. Settings named in `vary` are sampled from their range or choices; the
    others keep their value in `fixed`."""

    vary: tuple[str, ...] = ("latent_dim", "lr")
    latent_dim: tuple[int, int] = (2, 32)  # int range, sampled on a log scale
    hidden: tuple[int, ...] = (128, 256, 400, 512)  # choices
    lr: tuple[float, float] = (1e-4, 1e-2)  # log-uniform range
    batch_size: tuple[int, ...] = (64, 128, 256)  # choices
    beta: tuple[float, float] = (0.5, 2.0)  # uniform range
    arch: tuple[str, ...] = table.SETTINGS["arch"].choices  # choices
    fixed: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_FIXED))
    conditional: bool = False
    # Budget
    trials: int = 20  # trials this run adds to the study
    epochs: int = 3  # per trial
    train_size: int | None = 10_000  # first N training images (None: all 60,000)
    test_size: int | None = 2_000  # first N test images (None: all 10,000)
    # Objective
    objective: str = "test_loss"  # "test_loss" (minimize) or "auroc" of `holdout` (maximize)
    holdout: int = 2  # as on the Evaluate tab: 2 stands out; 9 scores about 0.5 (chance)
    # Where and how
    storage: str | None = None  # Optuna database URL; None: the SQLite file in the data folder
    study: str = DEFAULT_STUDY
    seed: int | None = 1  # None: a different sampler seed every run
    device: str = "auto"
    prune: bool = True  # stop trials whose objective trails the median of earlier ones
    pruner_startup_trials: int = 3  # MedianPruner prunes nothing until this many trials complete
    pruner_warmup_epochs: int = 0  # ... nor before a trial has trained this many epochs
    enqueue: tuple[dict, ...] = ()  # settings to try first (skipped if the study has them)
    heartbeat_s: int = HEARTBEAT_S  # a running trial's sign of life, this often
    grace_s: int = GRACE_S  # ... and how long it may be silent before other workers fail it
    retry_failed: int = 0  # times a trial whose worker died is run again

    def __post_init__(self) -> None:
        self.vary = tuple(dict.fromkeys(self.vary))
        self.fixed = {**DEFAULT_FIXED, **(self.fixed or {})}
        self.hidden = tuple(self.hidden)
        self.batch_size = tuple(self.batch_size)
        self.arch = tuple(self.arch)
        self.enqueue = tuple(dict(e) for e in self.enqueue)
        problems = self.problems()
        if problems:
            raise SweepError("; ".join(problems), problems)

    @property
    def direction(self) -> str:
        return OBJECTIVES[self.objective]

    @property
    def storage_url(self) -> str:
        return self.storage or default_storage_url()

    def problems(self) -> list[str]:
        """Reasons these settings cannot run, in plain words; empty when they can."""
        out = []
        unknown = [name for name in self.vary if name not in SETTINGS]
        if unknown:
            out.append(f"cannot vary {', '.join(map(str, unknown))}: choose from "
                       f"{', '.join(SETTINGS)}")
        for name in SETTINGS:
            if name in self.vary:
                out += (range_problems if name in RANGED else choice_problems)(
                    name, getattr(self, name))
            else:
                out += _fixed_problems(name, self.fixed.get(name))
        extra = sorted(set(self.fixed) - set(SETTINGS))
        if extra:
            out.append(f"unknown fixed settings {', '.join(extra)}: use {', '.join(SETTINGS)}")
        if not _is_int(self.trials) or not 1 <= self.trials <= MAX_TRIALS:
            out.append(f"trials must be an integer from 1 to {MAX_TRIALS:,}, got {self.trials!r}")
        problem = table.SETTINGS["epochs"].problem(self.epochs)
        if problem:
            out.append(f"{problem} (per trial)")
        for what, size, most in (("training images", self.train_size, table.TRAIN_IMAGES),
                                 ("test images", self.test_size, TEST_IMAGES)):
            if size is not None and (not _is_int(size) or not 10 <= size <= most):
                out.append(f"{what} must be an integer from 10 to {most:,} (or all), got {size!r}")
        if self.objective not in OBJECTIVES:
            out.append(f"objective must be one of {', '.join(OBJECTIVES)}, got {self.objective!r}")
        if not _is_int(self.holdout) or not 0 <= self.holdout <= 9:
            out.append(f"held-out digit must be an integer from 0 to 9, got {self.holdout!r}")
        if self.objective == "auroc" and self.conditional:
            out.append("the AUROC objective needs an unconditional model (a conditional one would "
                       "be told the held-out digit's label)")
        if not isinstance(self.study, str) or not self.study.strip() or len(self.study) > 200:
            out.append("the study needs a name of 1 to 200 characters")
        if self.seed is not None:
            problem = table.SETTINGS["seed"].problem(self.seed)
            if problem:
                out.append(problem)
        if not _is_int(self.pruner_startup_trials) or self.pruner_startup_trials < 0:
            out.append("pruner start-up trials must be an integer, 0 or more")
        if not _is_int(self.pruner_warmup_epochs) or self.pruner_warmup_epochs < 0:
            out.append("pruner warm-up epochs must be an integer, 0 or more")
        if not _is_int(self.heartbeat_s) or self.heartbeat_s < 1:
            out.append(f"the heartbeat interval must be a whole number of seconds, 1 or more, got "
                       f"{self.heartbeat_s!r}")
        elif not _is_int(self.grace_s) or self.grace_s <= self.heartbeat_s:
            out.append(f"the grace period must be a whole number of seconds above the heartbeat "
                       f"interval ({self.heartbeat_s} s), got {self.grace_s!r}")
        if not _is_int(self.retry_failed) or self.retry_failed < 0:
            out.append(f"retries of failed trials must be an integer, 0 or more, got "
                       f"{self.retry_failed!r}")
        return out

    def distributions(self) -> dict[str, BaseDistribution]:
        """The Optuna distribution of each varied setting."""
        out: dict[str, BaseDistribution] = {}
        for name in SETTINGS:
            if name not in self.vary:
                continue
            values = getattr(self, name)
            if name not in RANGED:
                out[name] = CategoricalDistribution(values)
            elif table.SETTINGS[name].kind is int:
                out[name] = IntDistribution(*values, log=log_scale(name))
            else:
                out[name] = FloatDistribution(*values, log=log_scale(name))
        return out


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _words(label: str) -> str:
    """A label inside a sentence: "Beta (KL weight)" -> "beta (KL weight)"."""
    return label[:1].lower() + label[1:]


def _show(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else repr(value) if isinstance(value, str) \
        else str(value)


def range_problems(name: str, pair: Any) -> list[str]:
    """Why (low, high) is not a range `name` can be sampled from, in the table's words."""
    setting = table.SETTINGS[name]
    what = f"{_words(setting.label)} range"
    try:
        low, high = pair
    except (TypeError, ValueError):
        return [f"{what}: give two values, the lowest and the highest, got {pair!r}"]
    if setting.problem(low) or setting.problem(high):
        return [f"{what}: each end must be {setting.range_text()}, got {_show(low)} to "
                f"{_show(high)}"]
    if low > high:
        return [f"{what}: the lowest value ({_show(low)}) is above the highest ({_show(high)})"]
    return []


def choice_problems(name: str, choices: Any) -> list[str]:
    """Why `choices` are not values `name` can be picked from, in the table's words."""
    setting = table.SETTINGS[name]
    what = f"{_words(setting.label)} choices"
    choices = tuple(choices) if isinstance(choices, (tuple, list)) else ()
    if not choices:
        return [f"{what}: give at least one"]
    bad = [c for c in choices if setting.problem(c)]
    if bad:
        return [f"{what}: each must be {setting.range_text()}, got {', '.join(map(_show, bad))}"]
    if len(set(choices)) != len(choices):
        return [f"{what}: each may appear once, got {', '.join(map(_show, choices))}"]
    return []


def _fixed_problems(name: str, value: Any) -> list[str]:
    problem = table.SETTINGS[name].problem(value)
    return [problem] if problem else []
