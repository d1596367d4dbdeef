"""TrainingWorker: drives `Trainer.events()` in a QThread and reports to the GUI with signals that
carry plain values (dicts of numbers, strings and numpy arrays), never widgets or tensors.

The trainer's steps are throttled (`step_interval_s`), so the GUI thread gets at most about 10
updates a second and training keeps its headless speed. Pause and stop are the trainer's
thread-safe flags; the GUI calls them directly, without going through the worker's event loop
(which is busy running the loop).

The model is owned by the worker thread until the run ends: the GUI touches it only after the
thread has finished.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from PySide6.QtCore import QObject, Signal, Slot

from vae_desktop.core import checkpoint
from vae_desktop.core.data import load_split, to_float
from vae_desktop.core.images import grid
from vae_desktop.core.model import VAE
from vae_desktop.core.threads import use_worker_threads
from vae_desktop.core.training import EndEvent, EpochEvent, StepEvent, TrainConfig, Trainer

STEP_INTERVAL_S = 0.1  # at most 10 step updates a second reach the GUI
PREVIEW_SAMPLES = 40


@dataclass
class TrainJob:
    """Everything a run needs; built in the GUI thread, then handed to the worker."""

    model: VAE
    config: TrainConfig
    test_data: tuple[torch.Tensor, torch.Tensor]
    autosave_path: Path
    train_size: int | None = None  # the first N training images; None: all
    history: list[dict] = field(default_factory=list)
    optimizer_state: dict | None = None
    step_interval_s: float = STEP_INTERVAL_S

    @property
    def start_epoch(self) -> int:
        return len(self.history)

    def saved_train_config(self) -> dict:
        return {**self.config.to_dict(), "subset": self.train_size, "digits": None,
                "dataset": "mnist"}


def preview_digits(images: torch.Tensor, labels: torch.Tensor, per_digit: int = 2):
    """Test digits for the reconstruction grid: `per_digit` of each class, in class order per row."""
    picks = []
    for _ in range(per_digit):
        for digit in range(10):
            found = torch.nonzero(labels == digit).flatten()
            row = len(picks) // 10
            if len(found) > row:
                picks.append(int(found[row]))
    index = torch.tensor(picks, dtype=torch.long)
    return images[index], labels[index]


def sample_codes(latent_dim: int, n: int = PREVIEW_SAMPLES, seed: int = 0) -> torch.Tensor:
    """Fixed random codes, drawn from their own generator so training's random stream (and so its
    results) stay the same as in the headless CLI."""
    return torch.randn(n, latent_dim, generator=torch.Generator().manual_seed(seed))


@torch.no_grad()
def preview_grids(model: VAE, digits: torch.Tensor, digit_labels: torch.Tensor,
                  codes: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """(test digits with their reconstructions below, random samples) as 2-D float arrays.

    The digit grid has rows of 10: originals, then their reconstructions (z = mu), repeated."""
    was_training = model.training
    model.eval()
    try:
        device = model.device
        x = to_float(digits, device)
        y = digit_labels.to(device) if model.num_classes else None
        mu, _ = model.encode(x, y)
        recon = model.decode(mu, y)
        rows = []
        for start in range(0, len(x), 10):
            rows += [x[start:start + 10], recon[start:start + 10]]
        pairs = grid(torch.cat(rows), nrow=10, padding=2)
        sample_labels = None
        if model.num_classes:
            sample_labels = torch.arange(len(codes), device=device) % model.num_classes
        samples = grid(model.decode(codes.to(device), sample_labels), nrow=10, padding=2)
    finally:
        model.train(was_training)
    return pairs, samples


def warm_up_in_gui_thread() -> None:
    """Import, in the GUI thread, what the first run would otherwise import lazily in the worker
    thread (torch._dynamo for the optimizer, torch.save's helpers): PySide6 hooks every import to
    read the module's source, and doing that from a second thread has crashed PySide6 apps."""
    import io

    torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))])
    torch.save({"x": torch.zeros(1)}, io.BytesIO())


def _cpu_copy(obj):
    if torch.is_tensor(obj):
        return obj.detach().to("cpu", copy=True)
    if isinstance(obj, dict):
        return {k: _cpu_copy(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_cpu_copy(v) for v in obj)
    return obj


class TrainingWorker(QObject):
    """Runs one TrainJob. Call `run` in the worker thread; `pause`, `resume`, `stop` from any."""

    # {"epochs", "start_epoch", "steps_per_epoch", "train_size", "batch_size", "device"}
    started = Signal(dict)
    # StepEvent fields: epoch, step, steps_per_epoch, loss, recon, kl, samples_per_sec
    step = Signal(dict)
    # EpochEvent fields, plus "pairs" and "samples" (2-D float arrays), "saved" (path or ""),
    # "save_error" (message or "")
    epoch = Signal(object)
    # {"status": "done"|"stopped"|"failed", "message", "epochs_trained", "usable", "path"}
    finished = Signal(dict)

    def __init__(self, job: TrainJob) -> None:
        super().__init__()
        self.job = job
        self.model = job.model
        self.history: list[dict] = list(job.history)
        self.optimizer_state: dict | None = job.optimizer_state
        self.trainer: Trainer | None = None
        self.steps_seen = 0
        self._stop_before_start = False
        self._pause_before_start = False

    # Control (thread-safe: the trainer's flags are threading.Events)
    def pause(self) -> None:
        self._pause_before_start = True
        if self.trainer is not None:
            self.trainer.pause()

    def resume(self) -> None:
        self._pause_before_start = False
        if self.trainer is not None:
            self.trainer.resume()

    def stop(self) -> None:
        self._stop_before_start = True
        if self.trainer is not None:
            self.trainer.stop()

    @Slot()
    def run(self) -> None:
        use_worker_threads()
        end = {"status": "failed", "message": "training did not start", "usable": False,
               "epochs_trained": self.job.start_epoch, "path": ""}
        try:
            end = self._train()
        except Exception as exc:  # noqa: BLE001 - any failure must end the run, not the thread
            traceback.print_exc()
            end = {"status": "failed", "message": f"training failed: {exc}",
                   "epochs_trained": len(self.history), "usable": False, "path": ""}
        finally:
            self.finished.emit(end)

    def _train(self) -> dict:
        job = self.job
        train = load_split("train", size=job.train_size)
        trainer = Trainer(self.model, train, job.test_data, job.config,
                          optimizer_state=job.optimizer_state, start_epoch=job.start_epoch,
                          history=self.history, step_interval_s=job.step_interval_s)
        self.trainer = trainer
        if self._pause_before_start:
            trainer.pause()
        if self._stop_before_start:
            trainer.stop()
        batch = min(job.config.batch_size, len(train[0]))
        self.started.emit({"epochs": job.config.epochs, "start_epoch": job.start_epoch,
                           "steps_per_epoch": -(-len(train[0]) // batch), "batch_size": batch,
                           "train_size": len(train[0]), "device": str(trainer.device)})
        digits, digit_labels = preview_digits(*job.test_data)
        codes = sample_codes(self.model.latent_dim)
        saved_path, save_error = "", ""
        end_event = None
        for event in trainer.events():
            if isinstance(event, StepEvent):
                self.steps_seen += 1
                self.step.emit({"epoch": event.epoch, "step": event.step,
                                "steps_per_epoch": event.steps_per_epoch, "loss": event.loss,
                                "recon": event.recon, "kl": event.kl,
                                "samples_per_sec": event.samples_per_sec})
            elif isinstance(event, EpochEvent):
                saved_path, save_error = self._autosave()
                pairs, samples = preview_grids(self.model, digits, digit_labels, codes)
                self.epoch.emit({**event.record(), "pairs": pairs, "samples": samples,
                                 "saved": saved_path, "save_error": save_error})
            elif isinstance(event, EndEvent):
                end_event = event
        assert end_event is not None
        trained_now = end_event.epochs_trained > job.start_epoch
        usable = trained_now or (end_event.status == "stopped" and self.steps_seen > 0)
        if usable and (end_event.status != "done" or not saved_path):
            # The weights moved since the last epoch's autosave (stopped mid-epoch) or were
            # rolled back to the last good epoch (failed): save what the GUI will keep.
            saved_path, save_error = self._autosave()
        return {"status": end_event.status, "message": end_event.message,
                "epochs_trained": end_event.epochs_trained, "usable": usable,
                "path": saved_path, "save_error": save_error}

    def _autosave(self) -> tuple[str, str]:
        trainer = self.trainer
        if trainer is not None and trainer.optimizer is not None:
            self.optimizer_state = _cpu_copy(trainer.optimizer.state_dict())
        try:
            path = checkpoint.save(self.job.autosave_path, self.model, self.history,
                                   self.optimizer_state, self.job.saved_train_config())
        except OSError as exc:
            return "", f"could not autosave to {self.job.autosave_path}: {exc}"
        return str(path), ""
