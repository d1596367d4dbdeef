"""One training loop for the CLI and the GUI.

`Trainer.events()` is a generator of plain-Python events. Pause and stop are flags set from any
thread and checked between two batches (superqt's worker pattern), so the caller's thread never
blocks the loop. The data sits on the training device as one float tensor; batches are slices.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field

import numpy as np
import torch

from .data import to_float
from .device import resolve_device
from .jobs import JobControl
from .model import VAE, score_images, vae_loss
from .settings import check


@dataclass
class TrainConfig:
    epochs: int = 10
    lr: float = 1e-3
    batch_size: int = 128
    seed: int = 1
    device: str = "auto"

    def __post_init__(self) -> None:
        # Limits live in the one table (core.settings); nothing is clamped.
        check({"epochs": self.epochs, "lr": self.lr, "batch_size": self.batch_size,
               "seed": self.seed})

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
    seconds: float
    kind: str = "epoch"

    def record(self) -> dict:
        data = asdict(self)
        data.pop("kind")
        return data


@dataclass
class EndEvent:
    status: str  # "done" | "stopped" | "failed"
    message: str
    epochs_trained: int
    kind: str = "end"


Event = StepEvent | EpochEvent | EndEvent


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def make_adam(model: torch.nn.Module, lr: float) -> torch.optim.Adam:
    """Adam, fused into one kernel per step where the device supports it: on the CPU this cuts
    an MLP epoch by about a third, since the unfused update is many small ops per parameter."""
    try:
        return torch.optim.Adam(model.parameters(), lr=lr, fused=True)
    except (RuntimeError, TypeError, ValueError):
        return torch.optim.Adam(model.parameters(), lr=lr)


def new_model(seed: int, **settings) -> VAE:
    """A freshly initialised VAE whose initial weights depend only on `seed` and the settings."""
    seed_everything(seed)
    return VAE(**settings)


@torch.no_grad()
def evaluate(model: VAE, images: torch.Tensor, labels: torch.Tensor | None = None,
             batch_size: int = 1000, seed: int = 0,
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
    devices = [model.device] if model.device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        for start in range(0, len(images), batch_size):
            if control is not None and control.stop_requested:
                model.train(was_training)
                return None
            x = images[start:start + batch_size].to(model.device)
            y = None
            if model.num_classes:
                y = labels[start:start + batch_size].to(model.device)
            scores = score_images(model, x, y, samples=1)
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
    control: JobControl = field(default_factory=JobControl)  # pause and stop, from any thread

    def __post_init__(self) -> None:
        self.device = resolve_device(self.config.device)
        self.epochs_done = self.start_epoch
        self.last_good_state: dict | None = None
        self.optimizer: torch.optim.Optimizer | None = None

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
        train_x = to_float(self.train_data[0], self.device)
        train_y = self.train_data[1].to(self.device)
        test_x = test_y = None
        if self.test_data is not None:
            test_x = to_float(self.test_data[0], self.device)
            test_y = self.test_data[1].to(self.device)
        n = len(train_x)
        if n == 0:
            yield EndEvent("failed", "there are no training images", self.epochs_done)
            return
        if self.start_epoch == 0 and not self.optimizer_state:
            model.init_output_bias(train_x.mean(dim=0))  # a fresh model, not a resumed one
        bs = min(cfg.batch_size, n)
        steps = math.ceil(n / bs)
        beta = model.config.beta
        conditional = model.num_classes > 0
        self.last_good_state = _copy_state(model)
        gen = torch.Generator(device="cpu").manual_seed(cfg.seed + self.start_epoch)

        for epoch in range(self.start_epoch + 1, self.start_epoch + cfg.epochs + 1):
            t_epoch = time.perf_counter()
            order = torch.randperm(n, generator=gen).to(self.device)
            sums = torch.zeros(3, device=self.device)
            seen = 0
            t_last_emit = t_window = time.perf_counter()
            window_samples = 0
            for step in range(1, steps + 1):
                if self.control.wait_while_paused():
                    t_window = time.perf_counter()
                    window_samples = 0
                if self.control.stop_requested:
                    yield self._finish("stopped", f"stopped during epoch {epoch}")
                    return
                idx = order[(step - 1) * bs: step * bs]
                x = train_x.index_select(0, idx)
                y = train_y.index_select(0, idx) if conditional else None
                logits, mu, logvar = model.forward_logits(x, y)
                loss, recon, kl = vae_loss(logits, x, mu, logvar, beta)
                self.optimizer.zero_grad(set_to_none=True)
                loss.backward()
                self.optimizer.step()
                batch = len(idx)
                sums.add_(torch.stack([loss, recon, kl]).detach(), alpha=batch)
                seen += batch
                window_samples += batch
                now = time.perf_counter()
                if step == steps or now - t_last_emit >= self.step_interval_s:
                    values = tuple(torch.stack([loss, recon, kl]).detach().tolist())
                    if not all(math.isfinite(v) for v in values):
                        yield self._fail_nonfinite(epoch, step)
                        return
                    rate = window_samples / max(now - t_window, 1e-9)
                    yield StepEvent(epoch, step, steps, *values, samples_per_sec=rate)
                    t_last_emit = now
            train = (sums / max(seen, 1)).tolist()
            if not all(math.isfinite(v) for v in train):
                yield self._fail_nonfinite(epoch, steps)
                return
            test = {"test_loss": float("nan"), "recon": float("nan"), "kl": float("nan")}
            if test_x is not None:
                test = evaluate(model, test_x, test_y, control=self.control)
                if test is None:
                    yield self._finish("stopped", f"stopped during epoch {epoch}'s test evaluation")
                    return
                model.train()
            event = EpochEvent(epoch, train[0], train[1], train[2], test["test_loss"],
                               test["recon"], test["kl"], time.perf_counter() - t_epoch)
            self.epochs_done = epoch
            self.history.append(event.record())
            self.last_good_state = _copy_state(model)
            yield event
        yield self._finish("done", f"trained {cfg.epochs} epoch(s)")

    def _finish(self, status: str, message: str) -> EndEvent:
        self.model.eval()
        return EndEvent(status, message, self.epochs_done)

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


def _copy_state(model: torch.nn.Module) -> dict:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}
