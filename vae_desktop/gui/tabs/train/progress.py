"""The Train tab's progress box: a bar, the current step, speed and time left, the last epoch's
losses and the result of the last run. A view of plain values: the tab feeds it."""

from __future__ import annotations

import html
import time
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QVBoxLayout

from vae_desktop.core.training import StepEvent
from vae_desktop.core.wording import duration
from vae_desktop.gui.tabs.train.job import RunStarted, RunSummary
from vae_desktop.gui.widgets import tones
from vae_desktop.gui.widgets.progress_bar import ProgressBar

# The colours of what a run ended with and of the messages under the form: readable on the
# window's palette, light or dark (widgets.tones).
ERROR_TONE, WARNING_TONE, OK_TONE = tones.ERROR, tones.WARNING, tones.OK
# Time left is estimated from the pace since the first step reported (the first batch's warm-up
# and reading the images left out), once it has been watched this long, over this many steps.
ETA_AFTER_S = 1.0
ETA_AFTER_STEPS = 3
END_FORMATS = {"done": "Done", "stopped": "Stopped at %p%", "failed": "Failed"}


def _say(label: QLabel, text: str) -> None:
    """Set a line of the box; an empty line is hidden, so that the box is only as tall as what
    it says (the settings form above it gets the rest of the column)."""
    label.setText(text)
    label.setVisible(bool(text))


class ProgressBox(QGroupBox):
    def __init__(self, parent=None) -> None:
        super().__init__("Progress", parent)
        self.bar = ProgressBar()
        self.bar.setTextVisible(True)
        self.step_label = QLabel()
        self.speed_label = QLabel()
        self.eta_label = QLabel()
        self.epoch_label = QLabel()
        self.epoch_label.setWordWrap(True)
        self.result_label = QLabel()
        self.result_label.setTextFormat(Qt.RichText)  # escaped names and messages, maybe no tag
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        box = QVBoxLayout(self)
        box.addWidget(self.bar)
        box.addWidget(self.step_label)
        speed_row = QHBoxLayout()
        speed_row.addWidget(self.speed_label)
        speed_row.addStretch(1)
        speed_row.addWidget(self.eta_label)
        box.addLayout(speed_row)
        box.addWidget(self.epoch_label)
        box.addWidget(self.result_label)
        self._run: dict | None = None  # the run's plan and clock
        self.clear()

    def clear(self) -> None:
        """Nothing to report: no run, or the last run's model is no longer the active one. The
        box is then hidden (a bar saying "Ready" told nothing, and its room is the form's: with
        four messages under the buttons the form scrolled and cut Device off)."""
        self.setVisible(False)
        self._run = None
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.bar.setFormat("Ready")
        _say(self.step_label, "")  # the bar says it: Ready, Done, Stopped, Failed
        for label in (self.speed_label, self.eta_label, self.epoch_label, self.result_label):
            _say(label, "")

    # A run
    def begin(self, start_epoch: int, epochs: int) -> None:
        self.clear()
        self.setVisible(True)
        # "pace_from": (time, steps done, time paused so far) at the first step reported.
        self._run = {"start_epoch": start_epoch, "epochs": epochs, "steps_per_epoch": 0,
                     "pace_from": None, "paused_total": 0.0, "pause_t": None,
                     "precision": "fp32"}
        _say(self.step_label, "Loading the training images…")
        # Not Qt's busy bar (range 0..0): its animation, 60 repaints a second, went on into the
        # training and took its time from it on 2 cores.
        self.bar.setFormat("Starting…")

    def started(self, info: RunStarted) -> None:
        run = self._run
        if run is None:
            return
        run["steps_per_epoch"] = info.steps_per_epoch
        self.bar.setRange(0, info.epochs * info.steps_per_epoch)
        self.bar.setValue(0)
        self.bar.setFormat("%p%")
        threads = f", {info.threads} thread{'s' if info.threads != 1 else ''}"
        epoch = f"Epoch {info.start_epoch + 1} of {info.start_epoch + info.epochs}"
        run["precision"] = info.precision  # beside the speed, once it is known
        if run["pause_t"] is not None:  # paused before the worker had read its images
            _say(self.step_label, f"{epoch} · {info.train_size:,} images, paused before the "
                                  "first batch")
            return  # the speed line says "Paused" (set_paused)
        _say(self.step_label, f"{epoch} · starting on {info.train_size:,} images")
        # Where the speed will be, until it is known: where and how the run computes (what
        # "auto" precision chose was never said). One line each, no wider than the column.
        _say(self.speed_label, f"{info.device}{threads if info.device == 'cpu' else ''}, "
                                 f"precision {info.precision}{' (auto)' if info.chosen else ''}")

    def step(self, info: StepEvent) -> None:
        run = self._run
        if run is None:
            return
        spe = info.steps_per_epoch
        done = (info.epoch - run["start_epoch"] - 1) * spe + info.step
        total = run["epochs"] * spe
        self.bar.setValue(done)
        _say(self.step_label, f"Epoch {info.epoch} of {run['start_epoch'] + run['epochs']} · "
                                f"step {info.step:,} of {spe:,} · loss {info.loss:.1f}")
        if run["pause_t"] is not None:
            return
        _say(self.speed_label, f"{info.samples_per_sec:,.0f} samples/s · {run['precision']}")
        _say(self.eta_label, self._time_left(done, total))

    def _time_left(self, done: int, total: int) -> str:
        """From the pace since the first step reported: the time before it (reading the images,
        the first batch's warm-up) said "about 39 s left" at 4% of a run of 8 s."""
        run, now = self._run, time.monotonic()
        if run["pace_from"] is None:
            run["pace_from"] = (now, done, run["paused_total"])
        t0, done0, paused0 = run["pace_from"]
        active = now - t0 - (run["paused_total"] - paused0)
        steps = done - done0
        if active < ETA_AFTER_S or steps < ETA_AFTER_STEPS:
            return "estimating time left…"
        left = active / steps * (total - done)
        return "less than a second left" if left < 0.5 else f"about {duration(left)} left"

    def epoch(self, record: dict) -> None:
        _say(self.epoch_label,
             f"After epoch {record['epoch']}: test loss <b>{record['test_loss']:.2f}</b> nats per "
             f"image (reconstruction {record['test_recon']:.2f} + KL {record['test_kl']:.2f}); "
             f"train {record['train_loss']:.2f}, {record['seconds']:.1f} s")

    def set_paused(self, paused: bool) -> None:
        run = self._run
        if run is None:
            return
        if paused and run["pause_t"] is None:
            run["pause_t"] = time.monotonic()
            _say(self.speed_label, "Paused")
            _say(self.eta_label, "")
        elif not paused and run["pause_t"] is not None:
            run["paused_total"] += time.monotonic() - run["pause_t"]
            run["pause_t"] = None
            _say(self.speed_label, "Resuming…")

    def stopping(self) -> None:
        _say(self.step_label, "Stopping after the current batch…")

    def saving(self) -> None:
        _say(self.step_label, "Saving the model…")

    def ended(self, status: str) -> None:
        if status == "done":
            self.bar.setValue(self.bar.maximum())
        self.bar.setFormat(END_FORMATS.get(status, "Failed"))
        _say(self.step_label, "")  # the bar says it: Ready, Done, Stopped, Failed
        _say(self.speed_label, "")
        _say(self.eta_label, "")
        self._run = None

    def set_result(self, text: str, tone: str) -> None:
        self.setVisible(True)
        _say(self.result_label, text)
        tones.set_tone(self.result_label, tone)

    def texts(self) -> str:
        """What the box says about the last run (its epoch and result lines)."""
        return "\n".join(label.text() for label in (self.epoch_label, self.result_label)
                         if label.text())


def run_report(summary: RunSummary, kept: bool,
               listed: str | None = None) -> tuple[Callable[[str], str], str]:
    """The result line of a run, as a function of the (escaped) name of the model it is about,
    and its tone (its colour: tones.set_tone). `kept`: the run's model is now the active model,
    which the line is about; `listed`: the name of a new model stopped in its first epoch, kept
    in the library but not made active (the line is then about the active model, which
    stays)."""
    n = summary.epochs_this_run
    epochs = f"{n} epoch{'s' if n != 1 else ''}"
    message = html.escape(summary.message[:1].upper() + summary.message[1:])

    def now_active(name: str) -> str:
        return f" <b>{name}</b> is now the active model." if kept else ""

    if summary.status == "done":
        loss = summary.history[-1].get("test_loss") if summary.history else None
        loss_text = f": test loss {loss:.2f} nats per image" if loss is not None else ""
        return (lambda name: f"Finished {epochs}{loss_text}.{now_active(name)}"), OK_TONE
    if summary.status == "stopped" and n == 0:
        return _stopped_early(summary, message, listed), WARNING_TONE
    if summary.status == "stopped":  # the core's message says which epoch the model is kept at
        if summary.start_epoch:  # a model trained further: what this run added to it
            message += f", {n} epoch{'s' if n != 1 else ''} more than it started with"
        return (lambda name: f"{message}.{now_active(name)}"), WARNING_TONE
    if not message.endswith("."):
        message += "."
    if not kept:
        return (lambda name: f"{message} The active model is unchanged."), ERROR_TONE
    return (lambda name: f"{message}{now_active(name)}"), ERROR_TONE


def _stopped_early(summary: RunSummary, message: str,
                   listed: str | None) -> Callable[[str], str]:
    """A run stopped before an epoch of it completed: what was kept, if anything (a new model's
    batches, listed but not made active), and that the active model stays."""
    if "before training began" in summary.message:
        head = message
    elif summary.start_epoch:
        head = f"{message}, before an epoch of this run completed"
    else:
        head = f"{message}, before any epoch completed"
    if listed is None:
        return lambda name: (f"{head}: nothing was kept."
                             + (" The active model is unchanged." if name else ""))
    steps = f"{summary.steps:,} step{'s' if summary.steps != 1 else ''}"
    what = (f"{head}: what the new model learnt in {steps} is kept, with no test loss yet, as "
            f"“{html.escape(listed)}” in File ▸ Models.")
    return lambda name: what + (f" <b>{name}</b> stays the active model." if name else "")
