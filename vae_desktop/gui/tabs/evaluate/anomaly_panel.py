"""The anomaly-detection half of the Evaluate tab.

A detector model scores images (reconstruction + KL or reconstruction error); the threshold sits
at a percentile of its training images' scores. The detector is either the active model ("Score
active model") or a model trained here without one digit ("Train held-out model"), whose
held-out test digits are the anomalies: their score histogram, the ROC curve with its AUC, and
precision and recall at the threshold. An active model trained without some digits (a held-out
model added to the models) is scored the same way, its threshold from its own training images,
so it gives the held-out run's figures; for a model trained on every digit all test digits are
normal and only the synthetic outliers are anomalous.

Training and scoring are jobs of `state.workers`; the GUI never waits on them. An unconditional
active model's test-set scores are its shared test-set pass's (the same numbers); a conditional
model's anomaly scores marginalise the label, so they are computed here. Results that belong to
the active model are dropped when another model becomes active.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import time
from dataclasses import dataclass

import torch
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMessageBox, QVBoxLayout, QWidget

from vae_desktop.core import checkpoint
from vae_desktop.core.anomaly import (
    SCORING,
    AnomalyResult,
    HoldoutOutcome,
    TrainedOn,
    apply_threshold,
    experiment_steps,
    holdout_steps,
    synthetic_outliers,
    trained_on,
)
from vae_desktop.core.checkpoint import Checkpoint
from vae_desktop.core.data import CachedSplit
from vae_desktop.core.jobs import JobControl, mapped
from vae_desktop.core.model import VAE
from vae_desktop.core.training import StepEvent
from vae_desktop.core.wording import count
from vae_desktop.gui import model_files
from vae_desktop.gui.tabs.evaluate import exports
from vae_desktop.gui.tabs.evaluate.anomaly_controls import ACTIVE_THRESHOLD_IMAGES, AnomalyControls
from vae_desktop.gui.tabs.evaluate.anomaly_plots import AnomalyPlots
from vae_desktop.gui.widgets.range_spin import Refusals
from vae_desktop.gui.workers import Job, warm_up_in_gui_thread

PASS_SCORE = {"elbo": "loss", "recon": "recon"}  # anomaly score -> the test-set pass's score
TRAINING_REASON = "A held-out-digit model is training."
# The answers to "the held-out model was not added to the models: keep it?"
KEEP, DISCARD, CANCEL = "keep", "discard", "cancel"


@dataclass
class Detector:
    """The model that scores, and the data its threshold and held-out digits come from."""

    model: VAE  # the scoring job's own copy
    name: str  # for captions: "mnist-vae-z16" or "model without 7 (10 epochs)"
    train_images: torch.Tensor | None  # uint8 [N, 28, 28]; None: loaded when first scoring
    holdout: tuple[int, ...]
    history: list[dict]
    train_config: dict
    source: Checkpoint | None = None  # the active model it copies; None for a held-out model
    seen: TrainedOn = TrainedOn()  # the training images it was trained on

    def threshold_images(self, train_split: CachedSplit) -> torch.Tensor:
        """Its own training images, for the threshold: those of its digits, the first of them
        it was trained on; of a model trained on every digit at most ACTIVE_THRESHOLD_IMAGES."""
        size = self.seen.size
        if not self.seen.holdout:
            size = min(size or ACTIVE_THRESHOLD_IMAGES, ACTIVE_THRESHOLD_IMAGES)
        return train_split.get(size, digits=self.seen.digits)[0]


def scoring_steps(detector: Detector, train_split: CachedSplit,
                  test: tuple[torch.Tensor, torch.Tensor], score: str, percentile: float,
                  test_scores: torch.Tensor | None):
    """The scoring job: returns (the threshold's training images, AnomalyResult). A detector
    without its training images at hand takes them from the app's `train_split`."""
    train = detector.train_images
    if train is None:
        train = detector.threshold_images(train_split)
    yield 0.05
    result = yield from mapped(experiment_steps(detector.model, train, test[0], test[1],
                                                detector.holdout, score, percentile,
                                                test_scores=test_scores),
                               lambda fraction: 0.05 + 0.95 * fraction)
    return train, result


def unkept_question(parent: QWidget | None, model: str, doing: str) -> QMessageBox:
    """The question asked before `doing` (e.g. "score the active model") replaces a held-out
    model (`model`: its name) that was not added to the models. Cancel is the default button
    and Esc's: a stray Enter loses nothing."""
    box = QMessageBox(QMessageBox.Question, "Keep the held-out model?",
                      f"The {model} has not been added to the models. If you {doing} now, "
                      f"it is lost: only training it again would bring it back.",
                      QMessageBox.NoButton, parent)
    box.setInformativeText("Keep it adds it to the models first, then goes on. Discard goes on "
                           "without it. Cancel changes nothing.")
    keep = box.addButton("Keep it", QMessageBox.AcceptRole)
    keep.setToolTip("Save the held-out model in the models folder and add it to the models, "
                    "then go on.")
    discard = box.addButton("Discard", QMessageBox.DestructiveRole)
    discard.setToolTip("Go on without the held-out model: it is lost.")
    cancel = box.addButton(QMessageBox.Cancel)
    cancel.setToolTip("Change nothing: the held-out model and its results stay.")
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.answers = {keep: KEEP, discard: DISCARD, cancel: CANCEL}
    return box


class AnomalyPanel(QWidget):
    # A held-out run or a rescoring finished and its result is on screen (for tests and others).
    result_shown = Signal()

    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.detector: Detector | None = None
        self.result: AnomalyResult | None = None
        self.kept: Checkpoint | None = None  # the held-out model last added to the models
        self._holdout_job: Job | None = None
        self._holdout_cancel: JobControl | None = None
        self._scoring_job: Job | None = None
        self._replaced: list[Job] = []  # scorings that no longer count, to the end of their step
        self._waiting_for: Checkpoint | None = None  # the model whose test-set pass scoring awaits
        self._generation = 0  # a scoring result of an older generation is out of date
        self._scoring_started = 0.0
        self._build()
        state.test_pass_ready.connect(self._on_test_pass_ready)
        state.test_pass_failed.connect(self._on_test_pass_failed)
        self._show_empty()

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.controls = AnomalyControls()
        layout.addWidget(self.controls)
        self.plots = AnomalyPlots()
        layout.addWidget(self.plots, 1)
        c = self.controls
        # The widgets tests and the tab reach.
        self.score_combo, self.percentile_spin = c.score_combo, c.percentile_spin
        self.digit_combo, self.epochs_spin = c.digit_combo, c.epochs_spin
        self.train_size_spin = c.train_size_spin
        self._refusal = ""  # the status line's refusal of a typed value, while shown
        Refusals((self.percentile_spin, self.epochs_spin, self.train_size_spin),
                 self).changed.connect(self._show_refusal)
        self.train_button, self.stop_button = c.train_button, c.stop_button
        self.active_button, self.keep_button = c.active_button, c.keep_button
        self.export_button = c.export_button
        self.progress, self.status = c.progress, c.status
        self.summary, self.outlier_table = self.plots.summary, self.plots.outlier_table

        self.score_combo.currentIndexChanged.connect(self._rescore)
        self.percentile_spin.valueChanged.connect(self._rethreshold)
        self.train_button.clicked.connect(self.start_holdout)
        self.stop_button.clicked.connect(self.stop_holdout)
        self.active_button.clicked.connect(self.score_active)
        self.keep_button.clicked.connect(self.keep_holdout_model)
        self.export_button.clicked.connect(self.export_result)
        self.plots.said.connect(self._say)

    # ------------------------------------------------------------------ settings
    def save_settings(self, settings) -> None:
        self.controls.save_settings(settings)

    def restore_settings(self, settings) -> None:
        self.controls.restore_settings(settings)

    # ------------------------------------------------------------------ state
    @property
    def score(self) -> str:
        return self.score_combo.currentData()

    @property
    def training(self) -> bool:
        """A held-out model is training (or being scored after its training)."""
        return self._holdout_job is not None

    @property
    def scoring(self) -> bool:
        return self._scoring_job is not None or self._waiting_for is not None

    @property
    def busy(self) -> bool:
        return self.training or self.scoring

    def busy_reason(self) -> str | None:
        """What is running that closing would stop: a held-out training."""
        return TRAINING_REASON if self.training else None

    def unkept_reason(self) -> str | None:
        """What closing would lose that is done: a held-out model not added to the models."""
        unkept = self.unkept_model()
        if unkept is None:
            return None
        return f"The {unkept.name} trained on the Evaluate tab has not been added to the models."

    def quit_note(self) -> str | None:
        """What quitting does to a held-out model not kept (for the quit question)."""
        unkept = self.unkept_model()
        if unkept is None:
            return None
        return (f"Quitting discards the {unkept.name}. To keep it, do not quit: press Add to "
                f"models on the Evaluate tab.")

    def unkept_model(self) -> Detector | None:
        """The held-out model on screen if it was not added to the models (lost if replaced)."""
        det = self.detector
        if det is None or det.source is not None or not det.holdout or self.kept is not None:
            return None
        return det

    def _may_replace_detector(self, doing: str) -> bool:
        """Before `doing` replaces the detector: whether to go on. An unkept held-out model is
        never dropped without asking; "Keep it" adds it to the models first."""
        if self.unkept_model() is None:
            return True
        answer = self.ask_about_unkept(doing)
        if answer == KEEP:
            return self.keep_holdout_model() is not None  # not saved: stay, the error is shown
        return answer == DISCARD

    def ask_about_unkept(self, doing: str) -> str:
        """Ask whether to keep the unkept held-out model before `doing` (words after "If you");
        returns KEEP, DISCARD or CANCEL. (Tests patch this method.)"""
        box = unkept_question(self, self.detector.name, doing)
        box.exec()
        return box.answers.get(box.clickedButton(), CANCEL)

    # ------------------------------------------------------------------ the held-out run
    def start_holdout(self) -> None:
        if self._holdout_job is not None:
            return
        if not self._may_replace_detector("train another held-out model"):
            return
        digit = self.digit_combo.currentData()
        self._cancel_scoring()  # a rescoring of the old detector is now out of date
        warm_up_in_gui_thread()
        control, cancel = JobControl(), JobControl()
        self._holdout_cancel = cancel
        self._holdout_job = self.state.workers.start(
            f"held-out-digit model without {digit}", holdout_steps, (digit,),
            self.state.test_set(), self.epochs_spin.value(), self.train_size_spin.value() or None,
            self.score, self.percentile_spin.value(), control, cancel,
            control=control, on_event=self._on_holdout_event, on_done=self._on_holdout_done,
            on_error=self._on_holdout_failed, on_finished=self._on_holdout_finished)
        # Not Qt's busy bar: its 60-frames-a-second animation would go on into the training.
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("starting…")
        self.progress.show()
        self._set_status(f"Loading the training digits without {digit}…")
        self._update_buttons()

    def stop_holdout(self) -> None:
        """Stop training after this batch; the epochs done are still scored."""
        if self._holdout_job is not None:
            self._holdout_job.stop()
            self._set_status("Stopping after this batch…")

    def _on_holdout_event(self, event) -> None:
        if isinstance(event, StepEvent):
            epochs = self.epochs_spin.value()
            total = epochs * event.steps_per_epoch
            done = (event.epoch - 1) * event.steps_per_epoch + event.step
            if self.progress.maximum() != total:
                self.progress.setRange(0, total)
            self.progress.setValue(done)
            self.progress.setFormat(f"epoch {event.epoch}: %p%")
            self._set_status(f"Training without {self.digit_combo.currentText()}: loss "
                             f"{event.loss:.1f} nats/image")
        elif event == SCORING:
            self.progress.setRange(0, 100)
            self.progress.setValue(0)
            self.progress.setFormat("scoring: %p%")
            self._set_status("Scoring the test set and the outliers…")
        elif isinstance(event, float) and self.progress.format().startswith("scoring"):
            self.progress.setValue(int(event * 100))

    def _on_holdout_done(self, outcome: HoldoutOutcome | None) -> None:
        if outcome is None:
            return  # abandoned
        held = ",".join(map(str, outcome.holdout))
        epochs = outcome.end.epochs_trained
        self.detector = Detector(outcome.model, f"model without {held} ({count(epochs, 'epoch')})",
                                 outcome.train_images, outcome.holdout, outcome.history,
                                 outcome.train_config, seen=trained_on(outcome.train_config))
        self.kept = None
        message = (f"stopped after {epochs} of {self.epochs_spin.value()} epochs"
                   if outcome.end.status == "stopped" else f"trained {count(epochs, 'epoch')}")
        result = outcome.result
        if result.score != self.score:
            self.result = None
            self._set_status(f"Held-out model {message}; rescoring with the new score…")
        else:
            self._set_status(f"Held-out model {message}.")
            self._show(result)
        self.keep_button.setEnabled(True)

    def _on_holdout_failed(self, message: str) -> None:
        self._set_status(f"Held-out training did not finish: {message}")

    def _on_holdout_finished(self) -> None:
        self._holdout_job = None
        self._holdout_cancel = None
        if self.detector is not None and self.result is None and not self.scoring:
            self._start_scoring()  # the score was changed while it trained
        if not self.busy:
            self.progress.hide()
        self._update_buttons()

    def keep_holdout_model(self) -> Checkpoint | None:
        """Save the held-out model in the models folder and add it to the models (not active):
        the library lists it next session too."""
        det = self.detector
        if det is None or not det.holdout:
            return None
        held = "".join(map(str, det.holdout))
        path = model_files.new_model_path(f"vae-without-{held}")
        try:
            checkpoint.save(path, det.model, det.history, None, det.train_config)
            ckpt = checkpoint.load(path)
        except (OSError, checkpoint.CheckpointError) as exc:
            self._set_status(f"Could not save the held-out model: {exc}")
            return None
        # Named by the library as any model without some digits: "VAE without 2s · MLP · …".
        self.kept = self.state.add_model(ckpt, activate=False, origin="holdout")
        self.keep_button.setEnabled(False)
        self._set_status(f"Added {self.kept.name} to the models (saved in {path.parent}).")
        return self.kept

    # ------------------------------------------------------------------ scoring
    def score_active(self) -> None:
        ckpt = self.state.active
        if ckpt is None:
            self._set_status("No active model: load or train one first.")
            return
        if not self._may_replace_detector("score the active model"):
            return
        # A copy: the job owns it, whatever other tabs do to the active model meanwhile. A
        # model trained without some digits has them as its anomalies, as in its held-out run.
        seen = trained_on(ckpt.train_config)
        self.detector = Detector(copy.deepcopy(ckpt.model).eval(), ckpt.name, None, seen.holdout,
                                 [], {}, source=ckpt, seen=seen)
        self.result = None
        self.keep_button.setEnabled(False)
        self._start_scoring()

    def _rescore(self) -> None:
        if self.result is None:
            self.plots.name_score(self.score)  # the empty plot names the score chosen
        if self.detector is not None and not self.training:
            self._start_scoring()

    def _start_scoring(self) -> None:
        self._cancel_scoring()
        detector, score, percentile = self.detector, self.score, self.percentile_spin.value()
        test_scores = None
        if detector.source is not None and not detector.model.num_classes:
            # The same numbers as the test-set pass's: use them rather than score anew.
            report = self.state.request_test_pass(detector.source)
            if report is None:
                self._waiting_for = detector.source
                self._show_busy(f"Waiting for the test-set pass of {detector.name}…")
                return
            test_scores = report.scores[PASS_SCORE[score]]
        generation = self._generation
        self._scoring_job = self.state.workers.start(
            f"anomaly scores of {detector.name}", scoring_steps, detector,
            self.state.train_split, self.state.test_set(), score, percentile, test_scores,
            on_event=lambda fraction: self._on_scoring_progress(fraction, generation),
            on_done=lambda done: self._on_scored(detector, done, generation),
            on_error=lambda message: self._on_scoring_failed(message, generation),
            on_finished=lambda: self._on_scoring_finished(generation))
        self._scoring_started = time.perf_counter()
        self._show_busy(f"Scoring with {detector.name}…")

    def _show_busy(self, text: str) -> None:
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setFormat("%p%")
        self.progress.show()
        self._set_status(text)
        self._update_buttons()

    def _cancel_scoring(self) -> None:
        """Whatever scoring is under way no longer counts."""
        self._generation += 1
        self._waiting_for = None
        if self._scoring_job is not None:
            self._scoring_job.stop()
            self._replaced = [job for job in self._replaced if job.running] + [self._scoring_job]
            self._scoring_job = None

    def _on_test_pass_ready(self, ckpt) -> None:
        if ckpt is self._waiting_for and self.detector is not None and (
                self.detector.source is ckpt):
            self._start_scoring()

    def _on_test_pass_failed(self, ckpt, message: str) -> None:
        if ckpt is self._waiting_for:
            self._waiting_for = None
            self._set_status(f"Scoring failed: the test-set pass failed: {message}")
            self._idle()

    def _on_scoring_progress(self, fraction: float, generation: int) -> None:
        if generation == self._generation:
            self.progress.setValue(int(fraction * 100))

    def _on_scored(self, detector: Detector, done, generation: int) -> None:
        if generation != self._generation:
            return  # settings or the model changed meanwhile
        train, result = done
        detector.train_images = train
        seconds = time.perf_counter() - self._scoring_started
        self._set_status(f"Scored in {seconds:.1f} s.")
        self._show(result)

    def _on_scoring_failed(self, message: str, generation: int) -> None:
        if generation == self._generation:
            self._set_status(f"Scoring failed: {message}")

    def _on_scoring_finished(self, generation: int) -> None:
        if generation == self._generation:
            self._scoring_job = None
        self._idle()

    def _idle(self) -> None:
        if not self.busy:
            self.progress.hide()
        self._update_buttons()

    def _rethreshold(self) -> None:
        if self.result is not None:
            apply_threshold(self.result, self.percentile_spin.value())
            self._show(self.result)

    def on_active_model_changed(self, ckpt) -> None:
        """Results about the previous active model no longer describe the toolbar's model
        (a held-out model's results stay: they are about that model)."""
        det = self.detector
        if det is not None and det.source is not None and det.source is not ckpt:
            self._cancel_scoring()
            self.detector = None
            self.result = None
            self._show_empty()
            self._set_status("")
            self._idle()

    def shutdown(self, timeout_s: float = 2.0) -> bool:
        """Stop the background work and wait for it (on closing), a scoring replaced while it ran
        too; returns whether it ended."""
        jobs = [job for job in (self._holdout_job, self._scoring_job) if job is not None]
        jobs += self._replaced
        if self._holdout_cancel is not None:
            self._holdout_cancel.stop()
        self._cancel_scoring()
        for job in jobs:
            job.stop()
        deadline = time.monotonic() + timeout_s
        return all(job.wait(max(0.0, deadline - time.monotonic())) for job in jobs)

    # ------------------------------------------------------------------ export
    def export_result(self) -> None:
        """Save the result on screen as JSON (what `vae-desktop anomaly --json` prints, with the
        detector's name) or CSV (one figure a row), by the extension chosen."""
        result, detector = self.result, self.detector
        if result is None or detector is None:
            return

        def write(path: str):
            if path.lower().endswith(".csv"):
                out = io.StringIO()
                writer = csv.writer(out, lineterminator="\n")
                writer.writerows([("figure", "value"), ("model", detector.name),
                                  *result.to_rows()])
                return exports.write_text(path, out.getvalue())
            return exports.write_text(path, json.dumps({"model": detector.name,
                                                        **result.to_dict()}, indent=2) + "\n")

        message = exports.save_with_dialog(
            self, exports.suggest(detector.name, "anomaly", ".json"), "Export anomaly result",
            f"{exports.JSON_FILTER};;{exports.CSV_FILTER}", write)
        if message:
            self._say(message)

    def _say(self, message: str) -> None:
        """What became of a file: in the status line and the window's status bar."""
        self._set_status(message)
        self.state.status_message.emit(message, 6000)

    # ------------------------------------------------------------------ display
    def _set_status(self, text: str) -> None:
        self.status.setText(text)

    def _show_refusal(self, message: str) -> None:
        """Why a box did not take what was typed, in the status line under the boxes; "": a
        box took a value, and its refusal is old news (any other status stays)."""
        if message:
            self._set_status(message)
        elif self._refusal and self.status.text() == self._refusal:
            self._set_status("")
        self._refusal = message

    def _update_buttons(self) -> None:
        training = self.training
        self.train_button.setEnabled(not training)
        self.stop_button.setEnabled(training)
        self.active_button.setEnabled(not self.busy)
        self.export_button.setEnabled(self.result is not None)
        for widget in (self.digit_combo, self.epochs_spin, self.train_size_spin):
            widget.setEnabled(not training)

    def _show_empty(self) -> None:
        self.export_button.setEnabled(False)
        examples = synthetic_outliers(self.state.test_set()[0][:1], count=1)
        self.plots.show_empty({name: images[0, 0].numpy() for name, images in examples.items()},
                              self.score)

    def _show(self, result: AnomalyResult) -> None:
        if result.percentile != self.percentile_spin.value():
            apply_threshold(result, self.percentile_spin.value())
        self.result = result
        name = self.detector.name
        if self.detector.source is None:  # "model without 2 (…)" begins the summary
            name = name[:1].upper() + name[1:]
        self.plots.show_result(result, name)
        self.export_button.setEnabled(True)
        self.result_shown.emit()
