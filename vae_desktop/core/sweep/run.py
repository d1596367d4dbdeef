"""Running a sweep: Optuna's TPE sampler proposes settings, each trial trains with `Trainer`,
reports every epoch's objective to the median pruner and saves its checkpoint under
app_data_dir()/sweeps/<study>-<hash of study and storage>/trial-<n>.pt (urls.checkpoint_dir).

Two ways in. `run_sweep` reports plain dicts to a callback from the calling thread (the command
line). `sweep_steps` is a job: a generator of the same dicts, for a worker thread (the GUI).
Optuna calls the objective itself, so `sweep_steps` runs `run_sweep` in a thread of its own and
passes the events on through a queue.
"""

from __future__ import annotations

import math
import os
import queue
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import optuna
import torch
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    IntDistribution,
    check_distribution_compatibility,
)
from optuna.trial import FrozenTrial

from vae_desktop.core import checkpoint
from vae_desktop.core import settings as table
from vae_desktop.core.anomaly import anomaly_scores, auroc
from vae_desktop.core.data import load_split
from vae_desktop.core.device import resolve_device
from vae_desktop.core.jobs import JobControl
from vae_desktop.core.model import VAE
from vae_desktop.core.training import EndEvent, EpochEvent, StepEvent, TrainConfig, Trainer, new_model
from vae_desktop.core.wording import count

from .backends import SweepStorage
from .errors import SweepError
from .lost import WORKER_ATTR, this_worker
from .records import SweepStudy, TrialRecord, fail_lost_trials, load_trials
from .spec import OBJECTIVE_LABELS, SweepSpec
from .storage import open_storage, storage_failure
from .urls import checkpoint_dir, display_url

SEEDS = 2**31  # trial seeds wrap around within the table's seed range


class SweepControl(JobControl):
    """A sweep's flags: `stop()` ends it after the current epoch (finished trials stay),
    `abort()` within a batch. Pause holds the training between two batches."""

    def __init__(self) -> None:
        super().__init__()
        self.batches = JobControl()  # the running trial's Trainer control
        self.trial: optuna.Trial | None = None  # the trial under way (or the last one)

    def pause(self) -> None:
        super().pause()
        self.batches.pause()

    def resume(self) -> None:
        super().resume()
        self.batches.resume()

    def abort(self) -> None:
        self.stop()
        self.batches.stop()

    @property
    def abort_requested(self) -> bool:
        return self.batches.stop_requested

    def fail_trial_under_way(self, note: str) -> int | None:
        """Record the trial under way as failed, with `note`: the app is closing while it is in
        one long step, which it cannot interrupt. Returns the trial's number, or None when no
        trial was under way (a finished one stays as it is)."""
        trial = self.trial
        if trial is None:
            return None
        try:
            trial.storage.set_trial_user_attr(trial._trial_id, "note", note)
            trial.storage.set_trial_state_values(trial._trial_id, optuna.trial.TrialState.FAIL)
        except optuna.exceptions.UpdateFinishedTrialError:
            return None  # it finished meanwhile
        except Exception:  # noqa: BLE001 - storage unreachable: its lapsed heartbeat fails it later
            return None
        return trial.number


class _TrainingDiverged(RuntimeError):
    """The loss became NaN or infinite; the trial is recorded as failed and the sweep goes on."""


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
    """How well reconstruction + KL at z = mu tells digit `holdout` (never trained on) from the others:
    the AUROC of the score, 0.5 is chance, 1.0 perfect."""
    scores = anomaly_scores(model, images, "elbo")
    held = labels.cpu() == holdout
    return auroc(scores[~held], scores[held])


def _suggest(trial: optuna.Trial, spec: SweepSpec) -> dict:
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
    # What else defines its training, for the Train tab to train the same: its images (0: all)
    # and its seed (its model's first weights and the order of its batches). Its test images
    # (0: all) complete its budget, which the trials of a study share (budget.py).
    settings["train_size"] = spec.train_size or 0
    settings["test_size"] = spec.test_size or 0
    settings["seed"] = ((spec.seed or 0) + trial.number) % SEEDS
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
                        f"study {study.study_name!r} sampled {_setting(name)} as {_describe(old)}; "
                        f"keep that or start a new study (another name)") from None


def _setting(name: str) -> str:
    """A setting in a message, as the form and the command line call it: "hidden units (hidden)"."""
    return f"{table.SETTINGS[name].in_sentence} ({name})" if name in table.SETTINGS else name


def _objective(objective: str) -> str:
    """An objective in a message, as the form and the command line call it."""
    label = OBJECTIVE_LABELS.get(objective)
    return f"the {label} ({objective})" if label else objective


def _describe(dist: BaseDistribution) -> str:
    if isinstance(dist, CategoricalDistribution):
        return "choices " + ", ".join(str(c) for c in dist.choices)
    scale = "log " if getattr(dist, "log", False) else ""
    return f"a {scale}range {dist.low:g} to {dist.high:g}"


def _open_study(spec: SweepSpec, storage: SweepStorage) -> optuna.Study:
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
        had = attrs.get("objective")
        raise SweepError(f"study {spec.study!r} already optimises "
                         f"{_objective(had) if had else study.direction.name.lower()}; use the "
                         f"same objective or another study name")
    if spec.objective == "auroc" and attrs.get("holdout", spec.holdout) != spec.holdout:
        raise SweepError(f"study {spec.study!r} holds out digit {attrs['holdout']}; use the same "
                         f"digit or another study name")
    if "objective" not in attrs:
        study.set_user_attr("objective", spec.objective)
        if spec.objective == "auroc":
            study.set_user_attr("holdout", spec.holdout)
    if "budget" not in attrs:
        # The study's first budget, which the Sweep tab's Load puts back in its form, so that
        # trials added there are trained and scored as the study's were. Workers may still differ
        # (a test's long worker does); a mixed study is not refused.
        study.set_user_attr("budget", {"epochs": spec.epochs, "train_size": spec.train_size,
                                       "test_size": spec.test_size})
    _check_compatible(study, spec)
    # A resumed run must not replay the first run's random start-up suggestions, so the sampler
    # seed depends on the number of trials the study already has.
    if spec.seed is not None:
        existing = len(study.get_trials(deepcopy=False))
        study.sampler = optuna.samplers.TPESampler(seed=sampler_seed(spec.seed, existing),
                                                   n_startup_trials=_tpe_startup(spec))
    else:
        study.sampler = optuna.samplers.TPESampler(n_startup_trials=_tpe_startup(spec))
    return study


def sampler_seed(seed: int, existing: int) -> int:
    """The sampler's seed for a worker with `seed` joining a study of `existing` trials. Not
    seed + existing: workers seeded 1 and 2 would then share a seed when the first joins one
    trial later than the second, and suggest the same settings trial after trial."""
    return int(np.random.SeedSequence([seed, existing]).generate_state(1)[0])


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
              stop_flag=None, abort_flag=None, control: SweepControl | None = None) -> SweepStudy:
    """Run `spec.trials` trials in the study (created or resumed); returns the whole study.

    `on_event` gets plain dicts, from this thread: sweep_started, trial_started, step, epoch,
    trial_finished, sweep_done. `stop_flag` (a threading.Event or a callable) or
    `control.stop()` ends the sweep after the current epoch; `abort_flag` or `control.abort()`
    ends it within a batch. Either way finished trials stay, and the interrupted one is recorded
    as pruned with user attribute stopped=True. Storage that stops answering (a server stopped)
    ends the sweep with a SweepError saying so in one line."""
    emit = on_event or (lambda event: None)
    control = control if control is not None else SweepControl()

    def stopping() -> bool:
        return control.stop_requested or _flag(stop_flag) or _flag(abort_flag)

    def aborting() -> bool:
        return control.abort_requested or _flag(abort_flag)

    device = resolve_device(spec.device)
    storage = open_storage(spec.storage, spec.heartbeat_s, spec.grace_s, spec.retry_failed)
    try:
        return _run(spec, storage, device, control, emit, stopping, aborting)
    except Exception as exc:
        failure = storage_failure(exc, storage)
        emit({"kind": "sweep_failed", "message": str(failure) if failure is not None
              else f"{type(exc).__name__}: {exc}"})
        if failure is not None:
            raise failure from None
        raise


def _run(spec: SweepSpec, storage: SweepStorage, device: torch.device, control: SweepControl,
         emit: Callable[[dict], None], stopping: Callable[[], bool],
         aborting: Callable[[], bool]) -> SweepStudy:
    study = _open_study(spec, storage)
    for params in spec.enqueue:
        study.enqueue_trial(params, skip_if_exists=True)
    data = _load_data(spec)
    folder = checkpoint_dir(spec.study, spec.storage_url)
    folder.mkdir(parents=True, exist_ok=True)
    host, pid = socket.gethostname(), os.getpid()  # the worker, shown beside each trial
    emit({"kind": "sweep_started", "study": spec.study, "storage": display_url(storage.url),
          "objective": spec.objective, "direction": spec.direction, "trials": spec.trials,
          "epochs": spec.epochs, "existing_trials": len(study.get_trials(deepcopy=False))})
    stopped = False
    finished: list[int] = []

    def objective(trial: optuna.Trial) -> float:
        nonlocal stopped
        control.trial = trial
        # First: watchers see whose trial it is at once, and can tell when that worker is gone.
        trial.set_user_attr(WORKER_ATTR, this_worker(trial.number, spec.heartbeat_s, spec.grace_s,
                                                     spec.retry_failed))
        trial.set_user_attr("host", host)
        trial.set_user_attr("pid", pid)
        settings = _suggest(trial, spec)
        trial.set_user_attr("settings", settings)
        emit({"kind": "trial_started", "number": trial.number, "params": dict(trial.params),
              "settings": settings, "host": host, "pid": pid})
        seed = settings["seed"]
        model = new_model(seed, **table.model_kwargs(settings))
        tcfg = TrainConfig(epochs=spec.epochs, lr=settings["lr"], batch_size=settings["batch_size"],
                           seed=seed, device=str(device))
        trainer = Trainer(model, data.train, data.test, tcfg, step_interval_s=0.5,
                          control=control.batches)
        value = math.nan
        end: EndEvent | None = None
        outcome = "complete"
        for event in trainer.events():
            if isinstance(event, StepEvent):
                emit({"kind": "step", "number": trial.number, "epoch": event.epoch,
                      "epochs": spec.epochs, "step": event.step, "steps": event.steps_per_epoch,
                      "loss": event.loss})
                if aborting():
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
                if stopping():
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
                            {**tcfg.to_dict(), "digits": _train_digits(spec),
                             "train_size": spec.train_size, "dataset": "mnist", "sweep": spec.study,
                             "trial": trial.number,
                             # The test images its test loss was measured on (a subset, and
                             # without the held-out digit for the AUROC objective).
                             "test_size": len(data.test[0])})
            trial.set_user_attr("checkpoint", str(path))
        if end is not None and end.status == "failed":
            trial.set_user_attr("note", end.message)
            raise _TrainingDiverged(end.message)
        if outcome == "stopped":
            stopped = True
            trial.set_user_attr("stopped", True)
            note = f"stopped by the user after {count(epochs_done, 'epoch')}"
            trial.set_user_attr("note", note)
            raise optuna.TrialPruned(note)
        if outcome == "pruned":
            trial.set_user_attr("note", f"pruned after epoch {epochs_done}: worse than the median")
            raise optuna.TrialPruned(f"pruned after epoch {epochs_done}")
        return value

    def after_trial(study_: optuna.Study, frozen: FrozenTrial) -> None:
        finished.append(frozen.number)
        emit({"kind": "trial_finished", **TrialRecord.from_frozen(frozen).to_dict()})
        if stopped or stopping():
            study_.stop()

    # A trial whose worker on this machine is gone is failed now, not once the grace period is
    # over (Optuna's heartbeat then fails the silent ones of other machines).
    fail_lost_trials(storage, storage.get_study_id_from_name(spec.study), _stale_callback(storage))
    if not stopping():
        study.optimize(objective, n_trials=spec.trials, catch=(_TrainingDiverged,),
                       callbacks=[after_trial])
    result = load_trials(storage, spec.study)
    best = result.best
    emit({"kind": "sweep_done", "study": spec.study, "stopped": stopped or stopping(),
          "trials_run": len(finished),
          "best": best.to_dict() if best is not None else None})
    return result


def _stale_callback(storage: SweepStorage):
    """The storage's callback for a trial whose worker went silent (Optuna 4.9 renamed it)."""
    get = getattr(storage, "get_heartbeat_stale_trial_callback", None) \
        or storage.get_failed_trial_callback
    return get()


def trained_digits(objective: str, holdout: int | None) -> tuple[int, ...] | None:
    """The digits a study's trials train on: every digit (None), or all but the held-out one
    for the AUROC objective."""
    if objective != "auroc" or holdout is None:
        return None
    return tuple(d for d in range(10) if d != holdout)


def _train_digits(spec: SweepSpec) -> list[int] | None:
    digits = trained_digits(spec.objective, spec.holdout)
    return None if digits is None else list(digits)


_END = object()


def sweep_steps(spec: SweepSpec, control: SweepControl | None = None,
                show_study: bool = True) -> Iterator[dict]:
    """The sweep as a job: yields run_sweep's events and returns the whole study (SweepStudy).

    With `show_study`, the first event is {"kind": "study", "study": SweepStudy} holding the
    trials a resumed study already has. Closing the generator early aborts the sweep and waits
    for it, so no trial is left running."""
    control = control if control is not None else SweepControl()
    if show_study:
        try:
            yield {"kind": "study", "study": load_trials(spec.storage, spec.study)}
        except SweepError:
            pass  # a new study, or storage that run_sweep explains
    events: queue.SimpleQueue = queue.SimpleQueue()
    outcome: dict = {}
    threads = torch.get_num_threads()  # the sweep thread works like its caller

    def work() -> None:
        torch.set_num_threads(threads)
        try:
            outcome["study"] = run_sweep(spec, events.put, control=control)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread below
            outcome["error"] = exc
        finally:
            events.put(_END)

    thread = threading.Thread(target=work, name=f"sweep {spec.study}", daemon=True)
    thread.start()
    try:
        while (event := events.get()) is not _END:
            yield event
    finally:
        if thread.is_alive():  # the consumer left early
            control.abort()
        thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["study"]
