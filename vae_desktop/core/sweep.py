"""Hyperparameter sweeps with Optuna: which settings vary, the budget, the objective, the storage.

A study lives in Optuna storage (an SQLite file in the app's data folder unless a database URL is
given), so a sweep survives restarts and several processes or machines can work on one study at
once. Each trial trains with `Trainer`, reports every epoch's objective to the median pruner and
saves its checkpoint under app_data_dir()/sweeps/<study>/trial-<n>.pt. Progress reaches the caller
as plain dicts; no Qt here.
"""

from __future__ import annotations

import math
import re
import socket
import time
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import optuna
import torch
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    check_distribution_compatibility,
)
from optuna.trial import FrozenTrial, TrialState

from . import checkpoint
from .anomaly import anomaly_scores, auroc
from .data import load_split
from .device import resolve_device
from .model import ARCHS, VAE, VAEConfig
from .paths import app_data_dir
from .training import EndEvent, EpochEvent, StepEvent, TrainConfig, Trainer, new_model

SETTINGS = ("latent_dim", "hidden", "lr", "batch_size", "beta", "arch")
OBJECTIVES = {"test_loss": "minimize", "auroc": "maximize"}
OBJECTIVE_LABELS = {"test_loss": "test negative ELBO (nats/image)", "auroc": "held-out digit AUROC"}
DEFAULT_FIXED = {"latent_dim": 16, "hidden": 400, "lr": 1e-3, "batch_size": 128, "beta": 1.0,
                 "arch": "mlp"}
DEFAULT_STUDY = "vae-sweep"
# SQLite lets one writer in at a time; other processes wait up to this long instead of failing.
SQLITE_TIMEOUT_S = 30
# A worker that dies leaves its trial RUNNING; other workers mark it failed once its heartbeat,
# sent this often, is older than the grace period.
HEARTBEAT_S = 30
GRACE_S = 120


class SweepError(ValueError):
    """Impossible sweep settings or unusable storage; the message says what to change."""


class _TrainingDiverged(RuntimeError):
    """The loss became NaN or infinite; the trial is recorded as failed and the sweep goes on."""


def default_storage_url() -> str:
    return f"sqlite:///{(app_data_dir() / 'sweeps.db').as_posix()}"


def checkpoint_dir(study: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", study).strip("._") or "study"
    return app_data_dir() / "sweeps" / safe


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
    arch: tuple[str, ...] = ARCHS  # choices
    fixed: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_FIXED))
    conditional: bool = False
    # Budget
    trials: int = 20  # trials this run adds to the study
    epochs: int = 3  # per trial
    train_size: int | None = 10_000  # first N training images (None: all 60,000)
    test_size: int | None = 2_000  # first N test images (None: all 10,000)
    # Objective
    objective: str = "test_loss"  # "test_loss" (minimize) or "auroc" of `holdout` (maximize)
    holdout: int = 9
    # Where and how
    storage: str | None = None  # Optuna database URL; None: the SQLite file in the data folder
    study: str = DEFAULT_STUDY
    seed: int | None = 1  # None: a different sampler seed every run
    device: str = "auto"
    prune: bool = True  # stop trials whose objective trails the median of earlier ones
    pruner_startup_trials: int = 3  # MedianPruner prunes nothing until this many trials complete
    pruner_warmup_epochs: int = 0  # ... nor before a trial has trained this many epochs
    enqueue: tuple[dict, ...] = ()  # settings to try first (skipped if the study has them)

    def __post_init__(self) -> None:
        self.vary = tuple(dict.fromkeys(self.vary))
        self.fixed = {**DEFAULT_FIXED, **(self.fixed or {})}
        self.hidden = tuple(self.hidden)
        self.batch_size = tuple(self.batch_size)
        self.arch = tuple(self.arch)
        self.enqueue = tuple(dict(e) for e in self.enqueue)
        problems = self.problems()
        if problems:
            raise SweepError("; ".join(problems))

    @property
    def direction(self) -> str:
        return OBJECTIVES[self.objective]

    @property
    def storage_url(self) -> str:
        return self.storage or default_storage_url()

    def problems(self) -> list[str]:
        """Reasons these settings cannot run, empty when they can."""
        out = []
        unknown = [name for name in self.vary if name not in SETTINGS]
        if unknown:
            out.append(f"cannot vary {', '.join(unknown)}: choose from {', '.join(SETTINGS)}")
        out += _range_problems("latent dim", self.latent_dim, 1, 512, integer=True)
        out += _range_problems("learning rate", self.lr, 1e-8, 10.0, low_exclusive=False)
        out += _range_problems("beta", self.beta, 0.0, 1000.0)
        out += _choice_problems("hidden units", self.hidden, 8, 8192)
        out += _choice_problems("batch size", self.batch_size, 1, 65536)
        if not self.arch or any(a not in ARCHS for a in self.arch):
            out.append(f"architectures must be some of {', '.join(ARCHS)}, got {list(self.arch)}")
        extra = sorted(set(self.fixed) - set(SETTINGS))
        if extra:
            out.append(f"unknown fixed settings {', '.join(extra)}: use {', '.join(SETTINGS)}")
        try:
            VAEConfig(self.fixed["latent_dim"], self.fixed["hidden"], self.fixed["arch"], 0,
                      float(self.fixed["beta"]))
            TrainConfig(epochs=1, lr=self.fixed["lr"], batch_size=self.fixed["batch_size"])
        except (ValueError, TypeError) as exc:
            out.append(f"fixed settings: {exc}")
        if not _is_int(self.trials) or not 1 <= self.trials <= 100_000:
            out.append(f"trials must be a whole number of at least 1, got {self.trials!r}")
        if not _is_int(self.epochs) or not 1 <= self.epochs <= 10_000:
            out.append(f"epochs per trial must be a whole number of at least 1, got {self.epochs!r}")
        for name, size in (("training subset", self.train_size), ("test subset", self.test_size)):
            if size is not None and (not _is_int(size) or size < 10):
                out.append(f"{name} must be at least 10 images, got {size!r}")
        if self.objective not in OBJECTIVES:
            out.append(f"objective must be test_loss or auroc, got {self.objective!r}")
        if not _is_int(self.holdout) or not 0 <= self.holdout <= 9:
            out.append(f"held-out digit must be 0..9, got {self.holdout!r}")
        if self.objective == "auroc" and self.conditional:
            out.append("the AUROC objective needs an unconditional model (a conditional one would "
                       "be told the held-out digit's label)")
        if not isinstance(self.study, str) or not self.study.strip() or len(self.study) > 200:
            out.append("the study needs a name of 1 to 200 characters")
        if self.seed is not None and (not _is_int(self.seed) or self.seed < 0):
            out.append(f"seed must be a non-negative whole number, got {self.seed!r}")
        if not _is_int(self.pruner_startup_trials) or self.pruner_startup_trials < 0:
            out.append("pruner start-up trials must be 0 or more")
        if not _is_int(self.pruner_warmup_epochs) or self.pruner_warmup_epochs < 0:
            out.append("pruner warm-up epochs must be 0 or more")
        return out

    def distributions(self) -> dict[str, BaseDistribution]:
        """The Optuna distribution of each varied setting."""
        table = {
            "latent_dim": IntDistribution(*self.latent_dim, log=True),
            "hidden": CategoricalDistribution(self.hidden),
            "lr": FloatDistribution(*self.lr, log=True),
            "batch_size": CategoricalDistribution(self.batch_size),
            "beta": FloatDistribution(*self.beta),
            "arch": CategoricalDistribution(self.arch),
        }
        return {name: table[name] for name in SETTINGS if name in self.vary}


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _range_problems(name: str, pair, low: float, high: float, integer: bool = False,
                    low_exclusive: bool = False) -> list[str]:
    try:
        lo, hi = pair
    except (TypeError, ValueError):
        return [f"{name} range must be two numbers (low, high), got {pair!r}"]
    kind = _is_int if integer else (lambda v: isinstance(v, (int, float)) and not isinstance(v, bool))
    if not (kind(lo) and kind(hi)) or any(isinstance(v, float) and math.isnan(v) for v in (lo, hi)):
        return [f"{name} range must be two {'whole ' if integer else ''}numbers, got {pair!r}"]
    if not (low <= lo <= hi <= high):
        return [f"{name} range must satisfy {low:g} <= low <= high <= {high:g}, got {lo:g} to {hi:g}"]
    return []


def _choice_problems(name: str, choices, low: int, high: int) -> list[str]:
    if not choices:
        return [f"{name} needs at least one choice"]
    if any(not _is_int(c) or not low <= c <= high for c in choices):
        return [f"{name} choices must be whole numbers from {low} to {high}, got {list(choices)}"]
    if len(set(choices)) != len(choices):
        return [f"{name} choices must differ from each other, got {list(choices)}"]
    return []


# Storage


def _display_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - unparsable: it is shown as typed, minus anything after @
        return url.split("@")[-1] if "@" in url else url


def open_storage(url: str | None = None) -> optuna.storages.RDBStorage:
    """Optuna storage for a database URL (default: the SQLite file in the data folder).

    Raises SweepError with a plain explanation when the URL cannot be used."""
    import sqlalchemy.exc

    url = (url or "").strip() or default_storage_url()
    shown = _display_url(url)
    if "://" not in url:
        raise SweepError(f"{shown!r} is not a database URL: use one like sqlite:////path/sweeps.db "
                         "or postgresql://user:password@host/database")
    engine_kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        engine_kwargs = {"connect_args": {"timeout": SQLITE_TIMEOUT_S}}
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:" and not Path(path).parent.is_dir():
            raise SweepError(f"cannot create the sweep database {path}: the folder "
                             f"{Path(path).parent} does not exist")
    last_exc: Exception | None = None
    # Processes that open a brand-new SQLite file at the same moment race to create its tables;
    # the losers see "table already exists" or a lock and simply try again.
    for attempt in range(6):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
                return optuna.storages.RDBStorage(url, engine_kwargs=engine_kwargs,
                                                  heartbeat_interval=HEARTBEAT_S,
                                                  grace_period=GRACE_S)
        except ImportError as exc:
            driver = exc.__cause__ or exc
            raise SweepError(f"cannot open the sweep storage {shown}: its database driver is not "
                             f"installed ({driver}); install it with pip (for PostgreSQL: "
                             f"pip install 'psycopg[binary]')") from None
        except (sqlalchemy.exc.OperationalError, sqlalchemy.exc.IntegrityError) as exc:
            last_exc = exc
            if not url.startswith("sqlite"):
                break
            time.sleep(0.2 * (attempt + 1))
        except (sqlalchemy.exc.ArgumentError, ValueError) as exc:
            last_exc = exc
            break
        except Exception as exc:  # noqa: BLE001 - drivers raise many kinds; all mean "unusable"
            last_exc = exc
            break
    reason = " ".join(str(getattr(last_exc, "orig", None) or last_exc).split())[:200]
    if last_exc is not None and type(last_exc).__name__ == "NoSuchModuleError":
        reason = f"unknown database kind {url.split('://')[0]!r}"
    raise SweepError(f"cannot open the sweep storage {shown}: {reason}")


def list_studies(storage: str | None = None) -> list[str]:
    return sorted(optuna.get_all_study_names(open_storage(storage)))


# Trial records (what the table shows)


@dataclass
class TrialRecord:
    number: int
    state: str  # Optuna's: COMPLETE, PRUNED, FAIL, RUNNING, WAITING
    value: float | None
    params: dict[str, Any]  # the sampled settings
    settings: dict[str, Any]  # every setting the trial trained with (Train tab keys)
    intermediate: dict[int, float]  # epoch -> objective
    duration_s: float | None
    checkpoint: str | None = None
    stopped: bool = False  # the user stopped the sweep during this trial
    note: str = ""
    host: str = ""  # the machine that ran it (and keeps its checkpoint)

    @property
    def label(self) -> str:
        return "stopped" if self.stopped else self.state.lower()

    @property
    def last_value(self) -> float | None:
        """The final value, or the last epoch's for a pruned or stopped trial."""
        if self.value is not None:
            return self.value
        if self.intermediate:
            return self.intermediate[max(self.intermediate)]
        return None

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_frozen(cls, trial: FrozenTrial) -> TrialRecord:
        attrs = trial.user_attrs
        duration = trial.duration.total_seconds() if trial.duration is not None else None
        value = trial.value if trial.state == TrialState.COMPLETE else None
        return cls(trial.number, trial.state.name, value, dict(trial.params),
                   dict(attrs.get("settings") or {}),
                   {int(k): float(v) for k, v in trial.intermediate_values.items()},
                   duration, attrs.get("checkpoint"), bool(attrs.get("stopped")),
                   str(attrs.get("note", "")), str(attrs.get("host", "")))


@dataclass
class SweepStudy:
    name: str
    storage: str
    objective: str
    holdout: int | None
    direction: str
    trials: list[TrialRecord]

    @property
    def best(self) -> TrialRecord | None:
        return best_trial(self.trials, self.direction)


def best_trial(trials: list[TrialRecord], direction: str) -> TrialRecord | None:
    done = [t for t in trials if t.state == "COMPLETE" and t.value is not None]
    if not done:
        return None
    pick = min if direction == "minimize" else max
    return pick(done, key=lambda t: t.value)


def load_trials(storage: str | optuna.storages.RDBStorage | None, study: str) -> SweepStudy:
    """Every trial of `study` in `storage` (a URL, None for the default), for the table and plots."""
    store = storage if isinstance(storage, optuna.storages.RDBStorage) else open_storage(storage)
    try:
        loaded = optuna.load_study(study_name=study, storage=store)
    except KeyError:
        names = sorted(optuna.get_all_study_names(store))
        there = f"studies there: {', '.join(names)}" if names else "it holds no studies yet"
        raise SweepError(f"no study named {study!r} in {_display_url(store.url)}; {there}") from None
    attrs = loaded.user_attrs
    direction = loaded.direction.name.lower()
    objective = attrs.get("objective", "test_loss" if direction == "minimize" else "auroc")
    trials = [TrialRecord.from_frozen(t) for t in loaded.get_trials(deepcopy=False)]
    return SweepStudy(study, _display_url(store.url), objective, attrs.get("holdout"), direction,
                      trials)


# Running


@dataclass
class _Data:
    train: tuple[torch.Tensor, torch.Tensor]
    test: tuple[torch.Tensor, torch.Tensor]  # normal digits, for the test loss
    scored: tuple[torch.Tensor, torch.Tensor] | None  # all digits, for the held-out AUROC


def _load_data(spec: SweepSpec) -> _Data:
    if spec.objective == "auroc":
        normal = tuple(d for d in range(10) if d != spec.holdout)
        train = load_split("train", digits=normal, size=spec.train_size)
        scored = load_split("test", size=spec.test_size)
        keep = scored[1] != spec.holdout
        if keep.all() or not keep.any():
            raise SweepError(f"the test subset of {len(keep)} images needs both digit "
                             f"{spec.holdout} and other digits for an AUROC; use a larger one")
        return _Data(train, (scored[0][keep], scored[1][keep]), scored)
    return _Data(load_split("train", size=spec.train_size), load_split("test", size=spec.test_size),
                 None)


def holdout_auroc(model: VAE, images: torch.Tensor, labels: torch.Tensor, holdout: int) -> float:
    """How well the negative ELBO tells digit `holdout` (never trained on) from the others:
    the AUROC of the score, 0.5 is chance, 1.0 perfect."""
    scores = anomaly_scores(model, images, "elbo")
    held = labels.cpu() == holdout
    return auroc(scores[~held], scores[held])


def _suggest(trial: optuna.Trial, spec: SweepSpec) -> dict[str, Any]:
    settings = dict(spec.fixed)
    for name, dist in spec.distributions().items():
        if isinstance(dist, CategoricalDistribution):
            settings[name] = trial.suggest_categorical(name, dist.choices)
        elif isinstance(dist, IntDistribution):
            settings[name] = trial.suggest_int(name, dist.low, dist.high, log=dist.log)
        else:
            settings[name] = trial.suggest_float(name, dist.low, dist.high, log=dist.log)
    settings["conditional"] = spec.conditional
    settings["epochs"] = spec.epochs
    settings["lr"] = float(settings["lr"])
    settings["beta"] = float(settings["beta"])
    return settings


def _check_compatible(study: optuna.Study, spec: SweepSpec) -> None:
    """Refuse up front, rather than fail every trial, when the study sampled a setting differently
    (Optuna allows a range to change, not choices nor a log scale)."""
    wanted = spec.distributions()
    for trial in study.get_trials(deepcopy=False):
        for name, old in trial.distributions.items():
            if name in wanted:
                try:
                    check_distribution_compatibility(old, wanted[name])
                except ValueError:
                    raise SweepError(
                        f"study {study.study_name!r} sampled {name} as {_describe(old)}; keep that "
                        f"or start a new study (another name)") from None


def _describe(dist: BaseDistribution) -> str:
    if isinstance(dist, CategoricalDistribution):
        return "choices " + ", ".join(str(c) for c in dist.choices)
    scale = "log " if getattr(dist, "log", False) else ""
    return f"a {scale}range {dist.low:g} to {dist.high:g}"


def _open_study(spec: SweepSpec, storage: optuna.storages.RDBStorage) -> optuna.Study:
    pruner: optuna.pruners.BasePruner = optuna.pruners.NopPruner()
    if spec.prune:
        pruner = optuna.pruners.MedianPruner(n_startup_trials=spec.pruner_startup_trials,
                                             n_warmup_steps=spec.pruner_warmup_epochs)
    study = optuna.create_study(storage=storage, study_name=spec.study, direction=spec.direction,
                                load_if_exists=True, pruner=pruner,
                                sampler=optuna.samplers.TPESampler(seed=spec.seed))
    attrs = study.user_attrs
    if study.direction.name.lower() != spec.direction or attrs.get("objective", spec.objective) \
            != spec.objective:
        raise SweepError(f"study {spec.study!r} already optimises "
                         f"{attrs.get('objective', study.direction.name.lower())}; use the same "
                         f"objective or another study name")
    if spec.objective == "auroc" and attrs.get("holdout", spec.holdout) != spec.holdout:
        raise SweepError(f"study {spec.study!r} holds out digit {attrs['holdout']}; use the same "
                         f"digit or another study name")
    if "objective" not in attrs:
        study.set_user_attr("objective", spec.objective)
        if spec.objective == "auroc":
            study.set_user_attr("holdout", spec.holdout)
    _check_compatible(study, spec)
    # A resumed run must not replay the first run's random start-up suggestions, so the sampler
    # seed moves on by the number of trials the study already has.
    if spec.seed is not None:
        existing = len(study.get_trials(deepcopy=False))
        study.sampler = optuna.samplers.TPESampler(seed=spec.seed + existing,
                                                   n_startup_trials=_tpe_startup(spec))
    else:
        study.sampler = optuna.samplers.TPESampler(n_startup_trials=_tpe_startup(spec))
    return study


def _tpe_startup(spec: SweepSpec) -> int:
    # Random trials before TPE models the results: Optuna's 10 would be most of a small budget.
    return max(3, min(10, spec.trials // 3))


def _flag(flag) -> bool:
    if flag is None:
        return False
    if callable(flag):
        return bool(flag())
    return bool(flag.is_set())


def run_sweep(spec: SweepSpec, on_event: Callable[[dict], None] | None = None,
              stop_flag=None, abort_flag=None) -> SweepStudy:
    """Run `spec.trials` trials in the study (created or resumed); returns the whole study.

    `on_event` gets plain dicts, from this thread: sweep_started, trial_started, step, epoch,
    trial_finished, sweep_done. `stop_flag` (a threading.Event or a callable) ends the sweep after
    the current epoch; `abort_flag` ends it within a batch. Either way finished trials stay, and
    the interrupted one is recorded as pruned with user attribute stopped=True."""
    emit = on_event or (lambda event: None)
    device = resolve_device(spec.device)
    storage = open_storage(spec.storage)
    study = _open_study(spec, storage)
    for params in spec.enqueue:
        study.enqueue_trial(params, skip_if_exists=True)
    data = _load_data(spec)
    folder = checkpoint_dir(spec.study)
    folder.mkdir(parents=True, exist_ok=True)
    host = socket.gethostname()
    shown = _display_url(storage.url)
    emit({"kind": "sweep_started", "study": spec.study, "storage": shown,
          "objective": spec.objective, "direction": spec.direction, "trials": spec.trials,
          "epochs": spec.epochs, "existing_trials": len(study.get_trials(deepcopy=False))})
    stopped = False
    finished: list[int] = []

    def objective(trial: optuna.Trial) -> float:
        nonlocal stopped
        settings = _suggest(trial, spec)
        trial.set_user_attr("settings", settings)
        trial.set_user_attr("host", host)
        emit({"kind": "trial_started", "number": trial.number, "params": dict(trial.params),
              "settings": settings})
        seed = (spec.seed or 0) + trial.number
        model = new_model(seed, latent_dim=settings["latent_dim"], hidden=settings["hidden"],
                          arch=settings["arch"], num_classes=10 if spec.conditional else 0,
                          beta=settings["beta"])
        tcfg = TrainConfig(epochs=spec.epochs, lr=settings["lr"], batch_size=settings["batch_size"],
                           seed=seed, device=str(device))
        trainer = Trainer(model, data.train, data.test, tcfg, step_interval_s=0.5)
        value = math.nan
        end: EndEvent | None = None
        outcome = "complete"
        for event in trainer.events():
            if isinstance(event, StepEvent):
                emit({"kind": "step", "number": trial.number, "epoch": event.epoch,
                      "epochs": spec.epochs, "step": event.step, "steps": event.steps_per_epoch,
                      "loss": event.loss})
                if _flag(abort_flag):
                    trainer.stop()
            elif isinstance(event, EpochEvent):
                value = event.test_loss
                if data.scored is not None:
                    value = holdout_auroc(model, *data.scored, spec.holdout)
                    model.train()
                trial.report(value, event.epoch)
                trial.set_user_attr("epochs", event.epoch)
                emit({"kind": "epoch", "number": trial.number, "epoch": event.epoch,
                      "epochs": spec.epochs, "value": value, "test_loss": event.test_loss,
                      "seconds": event.seconds})
                if event.epoch == spec.epochs:
                    continue  # the trial is complete: a stop now loses nothing
                if _flag(stop_flag) or _flag(abort_flag):
                    outcome = "stopped"
                    break
                if trial.should_prune():
                    outcome = "pruned"
                    break
            elif isinstance(event, EndEvent):
                end = event
        if end is not None and end.status == "stopped":
            outcome = "stopped"
            if trainer.last_good_state is not None:  # drop the unfinished epoch's updates
                model.load_state_dict(trainer.last_good_state)
        model.eval()
        epochs_done = len(trainer.history)
        if epochs_done:
            path = folder / f"trial-{trial.number}.pt"
            state = trainer.optimizer.state_dict() if trainer.optimizer is not None else None
            checkpoint.save(path, model, trainer.history, state,
                            {**tcfg.to_dict(), "digits": _train_digits(spec), "subset": spec.train_size,
                             "dataset": "mnist", "sweep": spec.study, "trial": trial.number})
            trial.set_user_attr("checkpoint", str(path))
        if end is not None and end.status == "failed":
            trial.set_user_attr("note", end.message)
            raise _TrainingDiverged(end.message)
        if outcome == "stopped":
            stopped = True
            trial.set_user_attr("stopped", True)
            trial.set_user_attr("note", f"stopped by the user after {epochs_done} epoch(s)")
            raise optuna.TrialPruned(f"stopped by the user after {epochs_done} epoch(s)")
        if outcome == "pruned":
            trial.set_user_attr("note", f"pruned after epoch {epochs_done}: worse than the median")
            raise optuna.TrialPruned(f"pruned after epoch {epochs_done}")
        return value

    def after_trial(study_: optuna.Study, frozen: FrozenTrial) -> None:
        finished.append(frozen.number)
        emit({"kind": "trial_finished", **TrialRecord.from_frozen(frozen).to_dict()})
        if stopped or _flag(stop_flag) or _flag(abort_flag):
            study_.stop()

    if not (_flag(stop_flag) or _flag(abort_flag)):
        try:
            study.optimize(objective, n_trials=spec.trials, catch=(_TrainingDiverged,),
                           callbacks=[after_trial])
        except Exception as exc:
            emit({"kind": "sweep_failed", "message": f"{type(exc).__name__}: {exc}"})
            raise
    result = load_trials(storage, spec.study)
    best = result.best
    emit({"kind": "sweep_done", "study": spec.study, "stopped": stopped or _flag(stop_flag),
          "trials_run": len(finished),
          "best": best.to_dict() if best is not None else None})
    return result


def _train_digits(spec: SweepSpec) -> list[int] | None:
    if spec.objective != "auroc":
        return None
    return [d for d in range(10) if d != spec.holdout]


# Command-line text


def _number(text: str, integer: bool):
    value = float(text)
    if integer:
        if not value.is_integer():
            raise ValueError(text)
        return int(value)
    return value


def parse_setting(name: str, text: str, varied: bool):
    """One setting as typed on the command line: for a varied setting a range LOW:HIGH
    (latent_dim, lr, beta) or choices A,B,C (hidden, batch_size, arch); otherwise one value."""
    text = text.strip()
    integer = name in ("latent_dim", "hidden", "batch_size")
    ranged = name in ("latent_dim", "lr", "beta")
    try:
        if not varied:
            if ":" in text or "," in text:
                raise SweepError(f"{name} {text!r} is a range or list, but {name} is not varied: "
                                 f"add it to --vary or give one value")
            return text if name == "arch" else _number(text, integer)
        if ranged:
            parts = text.split(":")
            if len(parts) != 2:
                raise SweepError(f"{name} is varied: give a range LOW:HIGH, got {text!r}")
            return (_number(parts[0], integer), _number(parts[1], integer))
        parts = [p.strip() for p in text.split(",") if p.strip()]
        return tuple(parts) if name == "arch" else tuple(_number(p, integer) for p in parts)
    except SweepError:
        raise
    except ValueError:
        kind = "whole numbers" if integer else "numbers"
        raise SweepError(f"{name}: expected {kind}, got {text!r}") from None


def spec_settings_from_text(vary: str, texts: dict[str, str | None]) -> dict[str, Any]:
    """SweepSpec keyword arguments (vary, ranges, fixed) from command-line text."""
    names = tuple(n.strip() for n in vary.split(",") if n.strip())
    unknown = [n for n in names if n not in SETTINGS]
    if unknown:
        raise SweepError(f"cannot vary {', '.join(unknown)}: choose from {', '.join(SETTINGS)}")
    kwargs: dict[str, Any] = {"vary": names, "fixed": {}}
    for name, text in texts.items():
        if text is None:
            continue
        value = parse_setting(name, text, name in names)
        if name in names:
            kwargs[name] = value
        else:
            kwargs["fixed"][name] = value
    return kwargs
