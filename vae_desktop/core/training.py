"""One training loop for the CLI and the GUI.

`Trainer.events()` is a generator of plain-Python events. Pause and stop are flags set from any
thread and checked between two batches (superqt's worker pattern), so the caller's thread never
blocks the loop. The data sits on the training device as one float tensor; batches are slices.

While a run goes on, a `TrainControl` also carries what a person changes: beta and the learning
rate (applied before the next batch, each change yielded as a `ChangeEvent` and kept in the
history with its step) and single steps while paused (each reported as a `BatchEvent`). KL
warm-up (`TrainConfig.beta_warmup` epochs) raises beta linearly, batch by batch, from 0 to its
target. Every `snapshot_every` steps the loop yields a `SnapshotDue` and waits, between two
batches, while the caller looks at the model (core.snapshots).
"""

from __future__ import annotations

import dataclasses
import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field

import numpy as np
import torch

from .data import binarize, binarize_fixed, to_float
from .device import resolve_device
from .fast_step import make_train_step
from .jobs import JobControl
from .model import VAE, score_images, vae_loss
from .optim_guards import leave_dynamo_unimported
from .precision import autocast, resolve_precision
from .settings import check
from .threads import flush_subnormals
from .train_control import TrainControl
from .wording import count


@dataclass
class TrainConfig:
    epochs: int = 10
    lr: float = 1e-3
    batch_size: int = 128
    seed: int = 1
    device: str = "auto"
    beta_warmup: int = 0  # epochs over which beta rises linearly from 0 (per batch); 0: none
    precision: str = "auto"  # "fp32" | "bf16" | "auto": bf16 where native (core.precision)

    def __post_init__(self) -> None:
        # Limits live in the one table (core.settings); nothing is clamped.
        check({"epochs": self.epochs, "lr": self.lr, "batch_size": self.batch_size,
               "seed": self.seed, "beta_warmup": self.beta_warmup, "precision": self.precision})

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class StepEvent:
    epoch: int  # 1-based, counting epochs from earlier runs of a resumed model
    step: int  # 1-based within the epoch
    steps_per_epoch: int
    loss: float
    recon: float
    kl: float
    samples_per_sec: float
    beta: float  # the KL weight this batch trained with (rising during a warm-up)
    kind: str = "step"


@dataclass
class EpochEvent:
    epoch: int
    train_loss: float
    train_recon: float
    train_kl: float
    test_loss: float
    test_recon: float
    test_kl: float
    seconds: float  # the time the epoch trained and was evaluated, pauses left out
    beta: float = math.nan  # in force at the epoch's last batch
    lr: float = math.nan
    changes: list[dict] = field(default_factory=list)  # ChangeEvent.record()s of this epoch
    kind: str = "epoch"

    def record(self) -> dict:
        data = asdict(self)
        data.pop("kind")
        if not data["changes"]:
            data.pop("changes")
        return data


@dataclass
class ChangeEvent:
    """Beta or the learning rate changed by hand; in force from batch `step` (counted over the
    model's whole training, 1-based) on."""

    name: str  # "beta" | "lr"
    value: float
    previous: float
    epoch: int
    step: int
    at_epoch: float  # epochs trained before the change: where the loss plot marks it
    kind: str = "change"

    def record(self) -> dict:
        data = asdict(self)
        data.pop("kind")
        return data


@dataclass
class BatchEvent:
    """One batch trained on request while paused (step mode): its first digits, their
    reconstructions after the step, and the batch's loss before and after it (both measured
    alike: same beta, same z noise, no gradient)."""

    epoch: int
    step: int  # over the model's whole training, 1-based
    images: np.ndarray  # [k, 28, 28] float32 in [0, 1]
    reconstructions: np.ndarray  # [k, 28, 28], decoded from the posterior means
    before: dict  # loss, recon, kl (nats per image)
    after: dict
    beta: float
    lr: float
    optimizer_steps: int  # the optimizer's step count after the step
    kind: str = "batch"


@dataclass
class SnapshotDue:
    """Time to look at the model: before the first batch, after each epoch (its test
    evaluation done) and `Trainer.snapshot_every` steps after the last snapshot. The loop waits
    meanwhile."""

    epoch: int
    step: int  # over the model's whole training
    at_epoch: float
    loss: float  # the epoch's mean training loss so far
    beta: float
    lr: float
    precision: str = "fp32"  # the run's matrix products: "fp32" or "bf16" (core.precision)
    kind: str = "snapshot_due"


@dataclass
class EndEvent:
    status: str  # "done" | "stopped" | "failed"
    message: str
    epochs_trained: int
    kind: str = "end"


Event = StepEvent | EpochEvent | EndEvent | ChangeEvent | BatchEvent | SnapshotDue
STEP_MODE_DIGITS = 16  # digits of the batch a single step shows


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def make_adam(model: torch.nn.Module, lr: float) -> torch.optim.Adam:
    """Adam, fused into one kernel per step where the device supports it: on the CPU this cuts
    an MLP epoch by about a third, since the unfused update is many small ops per parameter."""
    leave_dynamo_unimported()
    try:
        return torch.optim.Adam(model.parameters(), lr=lr, fused=True)
    except (RuntimeError, TypeError, ValueError):
        return torch.optim.Adam(model.parameters(), lr=lr)


def new_model(seed: int, **settings) -> VAE:
    """A freshly initialised VAE whose initial weights depend only on `seed` and the settings."""
    seed_everything(seed)
    return VAE(**settings)


# The test loss's batches and seed: its z draws follow them (core.evaluation draws alike).
EVAL_BATCH = 1000
EVAL_SEED = 0


@torch.no_grad()
def evaluate(model: VAE, images: torch.Tensor, labels: torch.Tensor | None = None,
             batch_size: int = EVAL_BATCH, seed: int = EVAL_SEED,
             control: JobControl | None = None) -> dict[str, float] | None:
    """Mean negative ELBO (one z sample, fixed seed), reconstruction BCE and KL per image.

    `images` is float [N, 1, 28, 28] in [0, 1] (or uint8 [N, 28, 28]), on any device. With a
    `control`, a stop asked for between two batches ends it early and returns None (for a conv
    model the test set takes seconds on a CPU, longer than quitting may)."""
    if images.dtype == torch.uint8:
        images = to_float(images, model.device)
    was_training = model.training
    model.eval()
    totals = {"loss": 0.0, "recon": 0.0, "kl": 0.0}
    # A generator of its own, seeded: the global one is shared with every thread (a sweep, the
    # other tabs), whose draws would change this figure and be reseeded by it.
    generator = torch.Generator(device=model.device).manual_seed(seed)
    for start in range(0, len(images), batch_size):
        if control is not None and control.stop_requested:
            model.train(was_training)
            return None
        x = images[start:start + batch_size].to(model.device)
        y = None
        if model.num_classes:
            y = labels[start:start + batch_size].to(model.device)
        scores = score_images(model, x, y, samples=1, generator=generator)
        for key in totals:
            totals[key] += float(scores[key].sum())
    model.train(was_training)
    n = max(len(images), 1)
    return {"test_loss": totals["loss"] / n, "recon": totals["recon"] / n, "kl": totals["kl"] / n}


@dataclass
class Trainer:
    """Trains `model` on (images, labels) uint8 tensors; resumable from optimizer state."""

    model: VAE
    train_data: tuple[torch.Tensor, torch.Tensor]
    test_data: tuple[torch.Tensor, torch.Tensor] | None
    config: TrainConfig = field(default_factory=TrainConfig)
    optimizer_state: dict | None = None
    start_epoch: int = 0
    history: list[dict] = field(default_factory=list)
    step_interval_s: float = 0.0  # emit at most one StepEvent per interval (0: every step)
    control: JobControl = field(default_factory=TrainControl)  # pause and stop, from any thread
    snapshot_every: int = 0  # yield a SnapshotDue this many steps after the last (0: never)

    def __post_init__(self) -> None:
        self.device = resolve_device(self.config.device)
        self.epochs_done = self.start_epoch
        self.last_good_state: dict | None = None
        self.optimizer: torch.optim.Optimizer | None = None
        self.beta = float(self.model.config.beta)  # in force now
        self.steps_done = 0  # batches the model has been trained on, over all its runs
        self._manual_beta = False  # a change by hand ends the warm-up schedule

    def optimizer_steps(self) -> int:
        """How many steps the optimizer has taken (its state's count, 0 before the first)."""
        if self.optimizer is None:
            return 0
        for state in self.optimizer.state.values():
            if "step" in state:
                return int(state["step"])
        return 0

    def _beta_at(self, step: int, steps_per_epoch: int) -> float:
        """Beta for batch `step` (1-based, over the model's whole training): the model's beta,
        reached linearly over the warm-up's epochs unless changed by hand."""
        target = float(self.model.config.beta)
        ramp = self.config.beta_warmup * steps_per_epoch
        if self._manual_beta or ramp <= 0:
            return target
        return target * min(1.0, step / ramp)

    def _apply_changes(self, epoch: int, step: int, steps_per_epoch: int) -> list[ChangeEvent]:
        """Take the changes asked for since the last batch; in force from batch `step` on."""
        if not isinstance(self.control, TrainControl):
            return []
        out = []
        at = (step - 1) / steps_per_epoch
        for name, value in sorted(self.control.take_changes().items()):
            if name == "beta":
                previous = self._beta_at(step, steps_per_epoch)
                self._manual_beta = True
                # The model's setting: what a continued run trains with, and what is saved.
                self.model.config = dataclasses.replace(self.model.config, beta=value)
            else:
                previous = self.optimizer.param_groups[0]["lr"]
                for group in self.optimizer.param_groups:
                    group["lr"] = value
            if value != previous:
                out.append(ChangeEvent(name, value, previous, epoch, step, at))
        return out

    # Control, safe from any thread.
    def pause(self) -> None:
        self.control.pause()

    def resume(self) -> None:
        self.control.resume()

    def stop(self) -> None:
        self.control.stop()

    @property
    def paused(self) -> bool:
        return self.control.paused

    @property
    def stop_requested(self) -> bool:
        return self.control.stop_requested

    def run(self, on_event: Callable[[Event], None] | None = None) -> EndEvent:
        """Run to the end, passing each event to `on_event`; returns the EndEvent."""
        end = None
        for event in self.events():
            if on_event is not None:
                on_event(event)
            if isinstance(event, EndEvent):
                end = event
        assert end is not None
        return end

    def events(self) -> Iterator[Event]:
        # Adam's averages of rare gradients go subnormal; in the thread that trains, before
        # its first parallel op where it can (see core.threads).
        flush_subnormals()
        cfg = self.config
        model = self.model
        seed_everything(cfg.seed + self.start_epoch)
        model.to(self.device)
        model.train()
        self.optimizer = make_adam(model, cfg.lr)
        if self.optimizer_state:
            self.optimizer.load_state_dict(self.optimizer_state)
            for group in self.optimizer.param_groups:
                group["lr"] = cfg.lr
        precision = resolve_precision(cfg.precision, self.device, model.config.arch)
        train_step = make_train_step(model, self.optimizer, precision)
        train_x = to_float(self.train_data[0], self.device)
        train_y = self.train_data[1].to(self.device)
        test_x = test_y = None
        binarized = model.config.binarized
        if self.test_data is not None:
            test_x = to_float(self.test_data[0], self.device)
            if binarized:
                test_x = binarize_fixed(test_x)
            test_y = self.test_data[1].to(self.device)
        n = len(train_x)
        if n == 0:
            yield EndEvent("failed", "there are no training images", self.epochs_done)
            return
        if self.start_epoch == 0 and not self.optimizer_state:
            model.init_output_bias(train_x.mean(dim=0))  # a fresh model, not a resumed one
        bs = min(cfg.batch_size, n)
        steps = math.ceil(n / bs)
        conditional = model.num_classes > 0
        self.last_good_state = _copy_state(model)
        gen = torch.Generator(device="cpu").manual_seed(cfg.seed + self.start_epoch)
        self.steps_done = last_snapshot = self.start_epoch * steps
        if self.snapshot_every:  # the model as it starts
            yield SnapshotDue(self.start_epoch, self.steps_done, float(self.start_epoch),
                              math.nan, self._beta_at(self.steps_done, steps), self._lr(),
                              precision)

        for epoch in range(self.start_epoch + 1, self.start_epoch + cfg.epochs + 1):
            t_epoch = time.perf_counter()
            order = torch.randperm(n, generator=gen).to(self.device)
            sums = torch.zeros(3, device=self.device)
            seen = 0
            t_last_emit = t_window = time.perf_counter()
            window_samples = 0
            paused_s = 0.0  # time spent paused: not part of the epoch's `seconds`
            changes: list[dict] = []
            for step in range(1, steps + 1):
                t_wait = time.perf_counter()
                waited, single = self._wait_for_batch()
                if waited:
                    t_window = time.perf_counter()
                    paused_s += t_window - t_wait
                    window_samples = 0
                if self.control.stop_requested:
                    yield self._stop(f"stopped during epoch {epoch}")
                    return
                overall = (epoch - 1) * steps + step  # this batch, over the whole training
                for change in self._apply_changes(epoch, overall, steps):
                    changes.append(change.record())
                    yield change
                beta = self.beta = self._beta_at(overall, steps)
                self.steps_done = overall
                idx = order[(step - 1) * bs: step * bs]
                x = train_x.index_select(0, idx)
                if binarized:  # new pixels every batch: dynamic binarisation
                    x = binarize(x)
                y = train_y.index_select(0, idx) if conditional else None
                before = _batch_scores(model, x, y, beta) if single else None
                losses = train_step(x, y, beta)  # [loss, recon, kl], detached
                batch = len(idx)
                sums.add_(losses, alpha=batch)
                seen += batch
                window_samples += batch
                now = time.perf_counter()
                if single or step == steps or now - t_last_emit >= self.step_interval_s:
                    values = tuple(losses.tolist())
                    if not all(math.isfinite(v) for v in values):
                        yield self._fail_nonfinite(epoch, step)
                        return
                    rate = window_samples / max(now - t_window, 1e-9)
                    yield StepEvent(epoch, step, steps, *values, samples_per_sec=rate, beta=beta)
                    t_last_emit = now
                if single:
                    yield self._batch_event(epoch, overall, x, y, before, beta)
                if (self.snapshot_every and overall - last_snapshot >= self.snapshot_every
                        and step < steps):  # (the epoch's end has one, after the evaluation)
                    last_snapshot = overall
                    yield SnapshotDue(epoch, overall, epoch - 1 + step / steps,
                                      float(sums[0]) / max(seen, 1), beta, self._lr(),
                                      precision)
            train = (sums / max(seen, 1)).tolist()
            if not all(math.isfinite(v) for v in train):
                yield self._fail_nonfinite(epoch, steps)
                return
            test = {"test_loss": float("nan"), "recon": float("nan"), "kl": float("nan")}
            if test_x is not None:
                # In the run's precision, as its steps and snapshots: in bf16 the conv model's
                # test pass took half the time, its loss within 0.005 nats of float32's.
                with autocast(self.device, precision):
                    test = evaluate(model, test_x, test_y, control=self.control)
                if test is None:
                    yield self._stop(f"stopped during epoch {epoch}'s test evaluation")
                    return
                model.train()
            event = EpochEvent(epoch, train[0], train[1], train[2], test["test_loss"],
                               test["recon"], test["kl"],
                               time.perf_counter() - t_epoch - paused_s,
                               self.beta, self._lr(), changes)
            self.epochs_done = epoch
            self.history.append(event.record())
            self.last_good_state = _copy_state(model)
            yield event
            if self.snapshot_every:
                last_snapshot = self.steps_done
                yield SnapshotDue(epoch, self.steps_done, float(epoch), train[0], self.beta,
                                  self._lr(), precision)
        yield self._finish("done", f"trained {count(cfg.epochs, 'epoch')}")

    def _wait_for_batch(self) -> tuple[bool, bool]:
        """(waited out a pause, this batch is a single step asked for while paused)."""
        if isinstance(self.control, TrainControl):
            return self.control.wait_for_batch()
        return self.control.wait_while_paused(), False

    def _lr(self) -> float:
        return float(self.optimizer.param_groups[0]["lr"])

    def _batch_event(self, epoch: int, overall: int, x: torch.Tensor, y: torch.Tensor | None,
                     before: dict, beta: float) -> BatchEvent:
        after = _batch_scores(self.model, x, y, beta)
        k = min(STEP_MODE_DIGITS, len(x))
        with torch.no_grad():
            mu, _ = self.model.encode(x[:k], None if y is None else y[:k])
            recon = self.model.decode(mu, None if y is None else y[:k])
        return BatchEvent(epoch, overall, x[:k, 0].float().cpu().numpy(),
                          recon.reshape(k, 28, 28).float().cpu().numpy(), before, after, beta,
                          self._lr(), self.optimizer_steps())

    def _finish(self, status: str, message: str) -> EndEvent:
        self.model.eval()
        return EndEvent(status, message, self.epochs_done)

    def _stop(self, message: str) -> EndEvent:
        """Stopped between batches. A model keeps only whole epochs: the history's count and test
        loss are those of the weights of the last complete epoch, so the weights go back there
        (as after a NaN). A new model stopped in its first epoch keeps what it learnt, with no
        epoch and no test loss claimed; a continued one is as it started."""
        if self.epochs_done > 0 and self.last_good_state is not None:
            self.model.load_state_dict(self.last_good_state)
            if self.epochs_done > self.start_epoch:
                message += f"; the model is kept as it was after epoch {self.epochs_done}"
        return self._finish("stopped", message)

    def _fail_nonfinite(self, epoch: int, step: int) -> EndEvent:
        if self.last_good_state is not None:
            self.model.load_state_dict(self.last_good_state)
        if self.epochs_done > self.start_epoch:
            kept = "the weights from the last good epoch were kept"
        elif self.start_epoch > 0:
            kept = "no epoch of this run completed, so the weights it started from were kept"
        else:
            kept = "no epoch completed, so there is no model to keep"
        msg = (f"the loss became NaN or infinite at epoch {epoch}, step {step}; training stopped "
               f"and {kept}. Try a lower learning rate (now {self.config.lr:g}).")
        self.model.eval()
        return EndEvent("failed", msg, self.epochs_done)


@torch.no_grad()
def _batch_scores(model: VAE, x: torch.Tensor, y: torch.Tensor | None, beta: float,
                  seed: int = 0) -> dict[str, float]:
    """The batch's mean loss, reconstruction and KL with z noise from a fixed seed, outside the
    training's random stream (so a step looked at trains exactly like one that is not)."""
    devices = [model.device] if model.device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        logits, mu, logvar = model.forward_logits(x, y)
        loss, recon, kl = vae_loss(logits, x, mu, logvar, beta)
    return {"loss": float(loss), "recon": float(recon), "kl": float(kl)}


def _copy_state(model: torch.nn.Module) -> dict:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}
