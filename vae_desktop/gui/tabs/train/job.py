"""The Train tab's background job: one training run, as a generator for `state.workers`.

`training_run` builds the Trainer (core.training) in the worker thread and yields plain-value
events: `RunStarted`, core's `StepEvent` (throttled to at most about 10 a second, so training
keeps its headless speed), `EpochDone` (with the preview grids and the autosave's result),
core's `LatentSnapshot`s (the live latent view: taken here, between two batches), `ChangeEvent`s
and `BatchEvent`s (step mode), and core's `EndEvent`; it returns a `RunSummary`. Each epoch is
autosaved to `request.save_path`. Pause, stop, single steps and beta / learning-rate changes are
the run's TrainControl, taken by the trainer between two batches.

The model is the worker thread's until the run ends: the GUI touches it only after the summary
has come back (or, on quit, after waiting for the thread).
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from vae_desktop.core import checkpoint
from vae_desktop.core.checkpoint import Checkpoint
from vae_desktop.core.data import CachedSplit
from vae_desktop.core.fileio import write_problem
from vae_desktop.core.jobs import JobControl
from vae_desktop.core.model import VAE
from vae_desktop.core.precision import resolve_precision
from vae_desktop.core.previews import Previews
from vae_desktop.core.settings import model_kwargs
from vae_desktop.core.snapshots import SNAPSHOT_EVERY, LatentSnapshot, LatentTimeline
from vae_desktop.core.training import (
    BatchEvent,
    ChangeEvent,
    EndEvent,
    EpochEvent,
    SnapshotDue,
    StepEvent,
    TrainConfig,
    Trainer,
    new_model,
)

STEP_INTERVAL_S = 0.1  # at most 10 step updates a second reach the GUI


@dataclass
class TrainRequest:
    """Everything a run needs, made in the GUI thread and then handed to the worker."""

    settings: dict  # core.settings values: the model's and the run's (train_size 0: all)
    device: str
    train_split: CachedSplit  # the app's training images: the run takes the first train_size
    test_data: tuple[torch.Tensor, torch.Tensor]
    save_path: Path  # the autosave file (a new one in the models folder)
    model: VAE | None = None  # a copy of a model to train further; None: a new one
    history: list[dict] = field(default_factory=list)
    optimizer_state: dict | None = None
    step_interval_s: float = STEP_INTERVAL_S
    snapshot_every: int = SNAPSHOT_EVERY  # steps between latent snapshots (0: no live view)
    # The digits trained on (None: all ten): a continued model keeps its own (tabs.train.continued)
    digits: tuple[int, ...] | None = None
    test_size: int | None = None  # test images of the per-epoch test loss (None: all 10,000)

    @property
    def start_epoch(self) -> int:
        return len(self.history)

    def model_shape(self) -> tuple[bool, str, int]:
        """(conditional, arch, latent_dim) of the model this run trains."""
        if self.model is not None:
            cfg = self.model.config
            return cfg.conditional, cfg.arch, cfg.latent_dim
        s = self.settings
        return bool(s["conditional"]), s["arch"], s["latent_dim"]

    def fresh_copy(self, save_path: Path | None = None) -> TrainRequest:
        """The same run from the same start, with copies of what training changes in place (a
        rewind: made before the run begins, as the worker trains the request's model)."""
        return dataclasses.replace(
            self, settings=dict(self.settings), model=copy.deepcopy(self.model),
            history=[dict(rec) for rec in self.history],
            optimizer_state=copy.deepcopy(self.optimizer_state),
            save_path=save_path or self.save_path)

    def config(self) -> TrainConfig:
        s = self.settings
        return TrainConfig(epochs=s["epochs"], lr=s["lr"], batch_size=s["batch_size"],
                           seed=s["seed"], device=self.device,
                           beta_warmup=s.get("beta_warmup", 0),
                           precision=s.get("precision", "fp32"))

    def train_config(self) -> dict:
        """What the checkpoint records of the run (as the CLI writes it)."""
        return {**self.config().to_dict(), "train_size": self.settings["train_size"] or None,
                "digits": list(self.digits) if self.digits else None, "dataset": "mnist",
                "test_size": self.test_size}

    def training_data(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The run's images and labels: the first train_size (0: all) of the training images of
        its digits, as `load_split("train", digits=..., size=...)` gives them to the CLI."""
        return self.train_split.get(self.settings["train_size"] or None, self.digits or None)


@dataclass(frozen=True)
class RunStarted:
    epochs: int  # in this run
    start_epoch: int  # epochs the model had before
    steps_per_epoch: int
    train_size: int
    batch_size: int
    device: str
    threads: int  # torch's intra-op threads in the worker
    pairs: np.ndarray  # preview grids of the model as it starts
    samples: np.ndarray
    precision: str = "fp32"  # the matrix products' arithmetic: "fp32" or "bf16"
    chosen: bool = False  # by the "auto" setting (core.precision), not asked for
    kind: str = "started"


@dataclass(frozen=True)
class EpochDone:
    record: dict  # the history record (core.training.EpochEvent.record)
    pairs: np.ndarray
    samples: np.ndarray
    saved: str  # the autosave's path, or "" if it failed
    save_error: str  # why the autosave failed, or ""
    kind: str = "epoch"


@dataclass
class RunSummary:
    """The end of a run, returned by the job. `usable`: there is a model worth keeping (an epoch
    completed, or a run stopped after some steps); then `model` is it, on the CPU."""

    status: str  # "done" | "stopped" | "failed"
    message: str
    start_epoch: int
    epochs_trained: int  # counting the model's earlier epochs
    usable: bool = False
    model: VAE | None = None
    history: list[dict] = field(default_factory=list)
    optimizer_state: dict | None = None
    train_config: dict = field(default_factory=dict)
    path: Path | None = None  # the file holding the model (None if it could not be saved)
    save_error: str = ""
    snapshots: list[LatentSnapshot] = field(default_factory=list)
    steps: int = 0  # batches trained in this run (kept or not)
    save_problem: str = ""  # why the autosave failed, in a few words ("the disk is full")

    @property
    def epochs_this_run(self) -> int:
        return self.epochs_trained - self.start_epoch

    @property
    def first_epoch_only(self) -> bool:
        """A new model stopped in its first epoch: its model (if `usable`) has the weights of
        the batches it trained, and no test loss; the tab lists it without making it active."""
        return self.status == "stopped" and self.start_epoch == 0 and self.epochs_trained == 0

    def checkpoint(self) -> Checkpoint | None:
        if not self.usable or self.model is None:
            return None
        return Checkpoint(self.model, self.model.config, list(self.history),
                          self.optimizer_state, dict(self.train_config), self.path)


def training_run(request: TrainRequest, control: JobControl,
                 outcome: list | None = None) -> Iterator:
    """The job. `outcome`, if given, also receives the summary: on quit the GUI waits for the
    thread and reads it there, as queued signals are no longer delivered."""
    summary = yield from _run(request, control)
    if outcome is not None:
        outcome.append(summary)
    return summary


def _run(request: TrainRequest, control: JobControl) -> Iterator:
    start_epoch = request.start_epoch
    if request.model is not None:
        model = request.model
    else:
        # Seeded like the CLI's, so the same settings give the same model in both.
        model = new_model(request.settings["seed"], **model_kwargs(request.settings))
    train = request.training_data()
    if control.stop_requested:
        return RunSummary("stopped", "stopped before training began", start_epoch, start_epoch)
    history = [dict(rec) for rec in request.history]
    trainer = Trainer(model, train, request.test_data, request.config(),
                      optimizer_state=request.optimizer_state, start_epoch=start_epoch,
                      history=history, step_interval_s=request.step_interval_s, control=control,
                      snapshot_every=request.snapshot_every)
    model.to(trainer.device)
    previews = Previews(*request.test_data)
    batch = min(request.config().batch_size, len(train[0]))
    batches = -(-len(train[0]) // batch)  # an epoch's
    setting = request.config().precision
    yield RunStarted(request.config().epochs, start_epoch, batches,
                     len(train[0]), batch, str(trainer.device), torch.get_num_threads(),
                     *previews.grids(model),
                     resolve_precision(setting, trainer.device, model.config.arch),
                     setting == "auto")

    timeline = LatentTimeline(*request.test_data, model.latent_dim, model.num_classes)
    saved = _Saved(request.optimizer_state)
    end = None
    for event in trainer.events():
        if isinstance(event, StepEvent):
            yield event
        elif isinstance(event, SnapshotDue):
            yield timeline.take(model, event.epoch, event.step, event.at_epoch, event.loss,
                                event.beta, event.lr, event.precision)
        elif isinstance(event, ChangeEvent | BatchEvent):
            yield event
        elif isinstance(event, EpochEvent):
            saved.save(request, trainer, history)
            yield EpochDone(event.record(), *previews.grids(model), str(saved.path or ""),
                            saved.error)
        elif isinstance(event, EndEvent):
            end = event
    assert end is not None
    yield end

    trained_now = end.epochs_trained > start_epoch
    steps = trainer.steps_done - start_epoch * batches  # batches trained in this run
    # A stopped or failed run went back to its last complete epoch (core.training), which its
    # autosave holds; only a new model stopped in its first epoch keeps weights of its own:
    # those of the batches it trained (none trained: its initial weights, not worth keeping).
    first_epoch_only = end.status == "stopped" and not trained_now and start_epoch == 0
    usable = trained_now or (first_epoch_only and steps > 0)
    if usable and (first_epoch_only or saved.path is None):
        # No autosave holds these weights. A rolled-back run is saved with the optimizer state
        # of its last epoch (the state now has been through the steps undone).
        saved.save(request, trainer, history, optimizer=first_epoch_only)
    model.to("cpu").eval()
    return RunSummary(end.status, end.message, start_epoch, end.epochs_trained, usable,
                      model if usable else None, history, saved.optimizer_state,
                      request.train_config(), saved.path, saved.error, timeline.snapshots,
                      steps, saved.problem)


class _Saved:
    """The autosave file's state: what was last written there, or why it failed."""

    def __init__(self, optimizer_state: dict | None) -> None:
        self.optimizer_state = optimizer_state
        self.path: Path | None = None
        self.error = ""  # what the tab's notice says
        self.problem = ""  # why, in a few words ("the disk is full"), for a line on stderr

    def save(self, request: TrainRequest, trainer: Trainer, history: list[dict],
             optimizer: bool = True) -> None:
        """Write the model; `optimizer`: with the optimizer's state of now (else of the last save)."""
        if optimizer and trainer.optimizer is not None:
            self.optimizer_state = _cpu_copy(trainer.optimizer.state_dict())
        try:
            self.path = checkpoint.save(request.save_path, trainer.model, history,
                                        self.optimizer_state, request.train_config())
            self.error = self.problem = ""
        except OSError as exc:
            self.path = None
            self.problem = write_problem(exc)[0]
            self.error = autosave_failed(request.save_path, exc, self.problem)


def autosave_failed(path: Path, exc: OSError, reason: str) -> str:
    """A failed autosave, in words: why (`reason`, write_problem's words: not "[Errno 13]" or
    the temporary file's name), and that the model is kept in memory, where Save model as… can
    still put it in a file."""
    where = "" if exc.errno is None else f" in {path.parent}"
    return (f"The model could not be autosaved{where}: {reason}. It is kept until you quit: "
            "use Save model as… to keep it.")


def _cpu_copy(obj):
    if torch.is_tensor(obj):
        return obj.detach().to("cpu", copy=True)
    if isinstance(obj, dict):
        return {k: _cpu_copy(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_cpu_copy(v) for v in obj)
    return obj
