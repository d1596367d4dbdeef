"""The anomaly-detection half of the Evaluate tab.

A detector model scores images (negative ELBO or reconstruction error); the threshold sits at a
percentile of its training images' scores. The detector is either the active model ("Score
active model": all test digits are normal, only synthetic outliers are anomalous) or a model
trained here without one digit ("Train held-out model"), whose held-out test digits are the
anomalies: their score histogram, the ROC curve with its AUC, and precision and recall at the
threshold. Training and scoring run in QThreads; the GUI never waits on them.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
import torch
from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vae_desktop.core import checkpoint
from vae_desktop.core.anomaly import (
    OUTLIERS,
    SCORES,
    AnomalyResult,
    apply_threshold,
    holdout_experiment,
    holdout_trainer,
    run_experiment,
    synthetic_outliers,
)
from vae_desktop.core.data import load_split
from vae_desktop.core.model import VAE
from vae_desktop.core.threads import use_worker_threads
from vae_desktop.core.training import EndEvent, StepEvent
from vae_desktop.gui.background import BackgroundCall
from vae_desktop.gui.widgets.image_view import DigitView

PLOT_BG = "#202124"
NORMAL_COLOR = (90, 160, 255)
HELD_COLOR = (255, 150, 50)
THRESHOLD_COLOR = (240, 80, 80)
ACTIVE_THRESHOLD_IMAGES = 10_000  # training images that set the active model's threshold
HIST_BINS = 60
OUTLIER_ROW = 32  # table row height, fits a small example image


@dataclass
class Detector:
    """The model that scores, and the data its threshold and held-out digits come from."""

    model: VAE
    name: str  # for captions: "mnist-vae-z16" or "held-out 7 (10 epochs)"
    train_images: torch.Tensor | None  # uint8 [N, 28, 28]; None: loaded when first scoring
    holdout: tuple[int, ...]
    history: list[dict]
    train_config: dict


class HoldoutRun(QThread):
    """Train a fresh model without the held-out digits, then score it. Emits `progress(done,
    total, loss)` during training and `done(Detector, AnomalyResult, message)` or `failed`."""

    progress = Signal(int, int, float)
    scoring = Signal()
    done = Signal(object, object, str)
    failed = Signal(str)

    def __init__(self, holdout: tuple[int, ...], epochs: int, subset: int | None, score: str,
                 percentile: float, test: tuple[torch.Tensor, torch.Tensor], parent=None) -> None:
        super().__init__(parent)
        self.holdout, self.epochs, self.subset = holdout, epochs, subset
        self.score, self.percentile, self.test = score, percentile, test
        self.trainer = None
        self._stop_requested = False
        self._abandon = False

    def stop(self, abandon: bool = False) -> None:
        """Thread-safe: the trainer checks its flag between two batches. The epochs done are
        still scored unless `abandon` (the app is quitting)."""
        self._abandon = self._abandon or abandon
        self._stop_requested = True
        if self.trainer is not None:
            self.trainer.stop()

    def run(self) -> None:
        use_worker_threads()
        try:
            self._run()
        except Exception as exc:  # noqa: BLE001 - report, never kill the thread silently
            self.failed.emit(str(exc) or type(exc).__name__)

    def _run(self) -> None:
        trainer = holdout_trainer(self.holdout, epochs=self.epochs, subset=self.subset)
        self.trainer = trainer
        if self._stop_requested:
            trainer.stop()
        end = None
        for event in trainer.events():
            if isinstance(event, StepEvent):
                total = self.epochs * event.steps_per_epoch
                done = (event.epoch - 1) * event.steps_per_epoch + event.step
                self.progress.emit(done, total, event.loss)
            elif isinstance(event, EndEvent):
                end = event
        if end.status == "failed":
            self.failed.emit(end.message)
            return
        if self._abandon:
            return
        if end.epochs_trained == 0:
            self.failed.emit("stopped before the first epoch ended: no model to score")
            return
        self.scoring.emit()
        result = holdout_experiment(trainer, self.test, self.holdout, self.score, self.percentile)
        held = ",".join(map(str, self.holdout))
        detector = Detector(trainer.model, f"held-out {held} ({end.epochs_trained} epochs)",
                            trainer.train_data[0], self.holdout, list(trainer.history),
                            {**trainer.config.to_dict(), "subset": self.subset,
                             "digits": [d for d in range(10) if d not in self.holdout]})
        message = (f"stopped after {end.epochs_trained} of {self.epochs} epochs"
                   if end.status == "stopped" else f"trained {end.epochs_trained} epochs")
        self.done.emit(detector, result, message)


def legend_key(text: str, color: tuple[int, int, int], mark: str = "■") -> str:
    """A coloured mark and its text, for a plot title that works as a legend."""
    hex_color = "#{:02x}{:02x}{:02x}".format(*color)
    return (f"<span style='font-size: 9pt'><span style='color: {hex_color}'>{mark}</span> "
            f"{text}</span>")


def _item(text: str, value: float | None = None, tooltip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    horizontal = Qt.AlignRight if value is not None else Qt.AlignLeft
    item.setTextAlignment(horizontal | Qt.AlignVCenter)
    if tooltip:
        item.setToolTip(tooltip)
    return item


class AnomalyPanel(QWidget):
    # A held-out run or a rescoring finished and its result is on screen (for tests and others).
    result_shown = Signal()
    # Save this held-out model and list it (the tab passes it to AppState).
    keep_model = Signal(object)

    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.detector: Detector | None = None
        self.result: AnomalyResult | None = None
        self.run: HoldoutRun | None = None
        self.scoring: BackgroundCall | None = None
        self._score_generation = 0
        self._scoring_started = 0.0
        self._build()
        self._show_empty()

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        title = QLabel("<b>Anomaly detection</b>")
        header = QHBoxLayout()
        intro = QLabel("Images scoring above the threshold are flagged as unusual.")
        intro.setToolTip("The standard test: train a model without one digit, then see how well "
                         "its scores pick out that digit among the others (AUROC).")
        intro.setWordWrap(True)
        intro.setStyleSheet("color: palette(mid);")
        header.addWidget(title)
        header.addWidget(intro, 1)
        layout.addLayout(header)

        controls = QGridLayout()
        controls.setHorizontalSpacing(8)
        self.score_combo = QComboBox()
        for key, text in SCORES.items():
            self.score_combo.addItem(text[0].upper() + text[1:], key)
        self.score_combo.setToolTip("Negative ELBO: -log p(x) bound, reconstruction plus KL.\n"
                                    "Reconstruction error: pixel BCE of the reconstruction only.")
        self.percentile_spin = QDoubleSpinBox()
        self.percentile_spin.setRange(50.0, 99.9)
        self.percentile_spin.setDecimals(1)
        self.percentile_spin.setSingleStep(0.5)
        self.percentile_spin.setValue(95.0)
        self.percentile_spin.setSuffix("th percentile")
        self.percentile_spin.setToolTip("The threshold: this share of the training images scores "
                                        "below it, so about the remaining share of normal images "
                                        "(5% at the 95th percentile) become false alarms")
        self.digit_combo = QComboBox()
        for d in range(10):
            self.digit_combo.addItem(str(d), d)
        # 2 by default: a clear case (AUROC about 0.9 after 10 epochs). Held-out 1, 7 or 9 score
        # no higher than the digits seen (AUROC 0.05 to 0.5): simple strokes are easy to explain.
        self.digit_combo.setCurrentIndex(2)
        self.digit_combo.setToolTip("The digit the model never sees in training. See the README "
                                    "for every digit's AUROC: 0, 2 and 8 stand out, 1, 7 and 9 "
                                    "do not")
        self.epochs_spin = QSpinBox()
        self.epochs_spin.setRange(1, 200)
        self.epochs_spin.setValue(10)
        self.epochs_spin.setToolTip("Training epochs (about 3 s each on a quiet CPU with all images)")
        self.subset_spin = QSpinBox()
        self.subset_spin.setRange(0, 60_000)
        self.subset_spin.setSingleStep(5000)
        self.subset_spin.setSpecialValueText("all")
        self.subset_spin.setGroupSeparatorShown(True)
        self.subset_spin.setToolTip("Train on the first N images of the other digits (all: ~54,000)")
        self.train_button = QPushButton("Train held-out model")
        self.train_button.setToolTip("Train a fresh mlp VAE (784-400-20) without the chosen digit, "
                                     "in the background, then score the test set")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setEnabled(False)
        self.stop_button.setToolTip("Stop training; the epochs done so far are still scored")
        self.active_button = QPushButton("Score active model")
        self.active_button.setToolTip("Score the test digits and synthetic outliers with the model "
                                      "chosen in the toolbar (trained on every digit)")
        self.keep_button = QPushButton("Add to models")
        self.keep_button.setToolTip("Save the held-out model and add it to the model selector, to "
                                    "explore it on the other tabs")
        self.keep_button.setEnabled(False)

        controls.addWidget(QLabel("Score"), 0, 0)
        controls.addWidget(self.score_combo, 0, 1)
        controls.addWidget(QLabel("Threshold"), 0, 2)
        controls.addWidget(self.percentile_spin, 0, 3)
        controls.addWidget(self.active_button, 0, 4, 1, 2)
        controls.addWidget(QLabel("Hold out"), 1, 0)
        digit_row = QHBoxLayout()
        digit_row.addWidget(self.digit_combo)
        digit_row.addWidget(QLabel("Epochs"))
        digit_row.addWidget(self.epochs_spin)
        controls.addLayout(digit_row, 1, 1)
        controls.addWidget(QLabel("Images"), 1, 2)
        controls.addWidget(self.subset_spin, 1, 3)
        controls.addWidget(self.train_button, 1, 4)
        controls.addWidget(self.stop_button, 1, 5)
        controls.setColumnStretch(1, 1)
        controls.setColumnStretch(3, 1)
        layout.addLayout(controls)

        status_row = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.setMaximumHeight(18)
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        status_row.addWidget(self.progress, 1)
        status_row.addWidget(self.status, 2)
        status_row.addWidget(self.keep_button)
        layout.addLayout(status_row)

        self.summary = QLabel()
        self.summary.setTextFormat(Qt.RichText)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        plots = QHBoxLayout()
        self.hist_plot = pg.PlotWidget(background=PLOT_BG)
        self.hist_plot.setMenuEnabled(False)
        self.hist_plot.setMouseEnabled(x=False, y=False)
        self.hist_plot.setLabel("bottom", "score (nats)")
        self.hist_plot.setLabel("left", "% of images")
        self.hist_plot.setToolTip("Score histograms of normal test digits and held-out test "
                                  "digits; the red line is the threshold")
        self.roc_plot = pg.PlotWidget(background=PLOT_BG)
        self.roc_plot.setMenuEnabled(False)
        self.roc_plot.setMouseEnabled(x=False, y=False)
        self.roc_plot.setAspectLocked(False)
        self.roc_plot.setLabel("bottom", "false-positive rate")
        self.roc_plot.setLabel("left", "true-positive rate")
        self.roc_plot.setXRange(0, 1, padding=0.02)
        self.roc_plot.setYRange(0, 1, padding=0.02)
        self.roc_plot.setToolTip("ROC curve of held-out vs normal test digits; the dot is the "
                                 "threshold")
        plots.addWidget(self.hist_plot, 3)
        plots.addWidget(self.roc_plot, 2)
        layout.addLayout(plots, 3)

        self.outlier_table = QTableWidget(len(OUTLIERS), 5)
        self.outlier_table.setHorizontalHeaderLabels(
            ["Example", "Synthetic outlier (1,000 each)", "Mean score", "AUROC", "Flagged"])
        self.outlier_table.verticalHeader().hide()
        self.outlier_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.outlier_table.setSelectionMode(QAbstractItemView.NoSelection)
        self.outlier_table.setFocusPolicy(Qt.NoFocus)
        header = self.outlier_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        self.outlier_table.setToolTip(
            "Outliers made from normal test digits, scored like them. AUROC: chance that an "
            "outlier scores above a normal digit. Flagged: share above the threshold.")
        self.outlier_views = {}
        for row, name in enumerate(OUTLIERS):
            view = DigitView(min_size=28)
            view.setFixedSize(OUTLIER_ROW - 2, OUTLIER_ROW - 2)
            view.ci.setContentsMargins(0, 0, 0, 0)  # the digit fills the little cell
            self.outlier_views[name] = view
            self.outlier_table.setCellWidget(row, 0, view)
            self.outlier_table.setRowHeight(row, OUTLIER_ROW)
            self.outlier_table.setItem(row, 1, _item(OUTLIERS[name]))
        self.outlier_table.setColumnWidth(0, OUTLIER_ROW + 8)
        height = self.outlier_table.horizontalHeader().sizeHint().height() + 4 * OUTLIER_ROW + 4
        self.outlier_table.setFixedHeight(height)
        layout.addWidget(self.outlier_table)

        self.score_combo.currentIndexChanged.connect(self._rescore)
        self.percentile_spin.valueChanged.connect(self._rethreshold)
        self.train_button.clicked.connect(self.start_holdout)
        self.stop_button.clicked.connect(self.stop_holdout)
        self.active_button.clicked.connect(self.score_active)
        self.keep_button.clicked.connect(self._keep)

    # ------------------------------------------------------------------ actions
    @property
    def score(self) -> str:
        return self.score_combo.currentData()

    @property
    def busy(self) -> bool:
        return self.run is not None or self.scoring is not None

    def start_holdout(self) -> None:
        if self.run is not None:
            return
        digit = self.digit_combo.currentData()
        subset = self.subset_spin.value() or None
        run = HoldoutRun((digit,), self.epochs_spin.value(), subset, self.score,
                         self.percentile_spin.value(), self.state.test_set())
        run.progress.connect(self._on_progress)
        run.scoring.connect(lambda: self._set_status("Scoring the test set and the outliers…"))
        run.done.connect(self._on_holdout_done)
        run.failed.connect(self._on_holdout_failed)
        run.finished.connect(self._on_run_finished)
        self.run = run
        self._score_generation += 1  # a rescoring still running is now out of date
        # Not Qt's busy bar: its 60-frames-a-second animation would go on into the training.
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("starting…")
        self.progress.show()
        self._set_status(f"Loading the training digits without {digit}…")
        self._update_buttons()
        run.start()

    def stop_holdout(self) -> None:
        if self.run is not None:
            self.run.stop()
            self._set_status("Stopping after this batch…")

    def score_active(self) -> None:
        ckpt = self.state.active
        if ckpt is None:
            self._set_status("No active model: load or train one first.")
            return
        # A copy: the worker owns it, whatever other tabs do to the active model meanwhile.
        self.detector = Detector(copy.deepcopy(ckpt.model).eval(), ckpt.name, None, (), [], {})
        self.keep_button.setEnabled(False)
        self._start_scoring()

    def _rescore(self) -> None:
        if self.detector is not None and self.run is None:
            self._start_scoring()

    def _start_scoring(self) -> None:
        detector, score, percentile = self.detector, self.score, self.percentile_spin.value()
        test = self.state.test_set()
        self._score_generation += 1
        generation = self._score_generation

        def work():
            if detector.train_images is None:
                detector.train_images = load_split("train", size=ACTIVE_THRESHOLD_IMAGES)[0]
            return run_experiment(detector.model, detector.train_images, test[0], test[1],
                                  detector.holdout, score, percentile)

        call = BackgroundCall(work)
        call.done.connect(lambda result: self._on_scored(result, generation))
        call.failed.connect(lambda msg: self._set_status(f"Scoring failed: {msg}"))
        call.finished.connect(lambda: self._on_call_finished(call))
        self.scoring = call
        self._scoring_started = time.perf_counter()
        self.progress.setRange(0, 0)
        self.progress.show()
        self._set_status(f"Scoring with {detector.name}…")
        self._update_buttons()
        call.start()

    def _on_call_finished(self, call: BackgroundCall) -> None:
        if self.scoring is call:
            self.scoring = None
        call.deleteLater()
        if not self.busy:
            self.progress.hide()
        self._update_buttons()

    def _on_scored(self, result: AnomalyResult, generation: int) -> None:
        if generation != self._score_generation:
            return  # settings changed meanwhile; a newer result is on its way
        if result.percentile != self.percentile_spin.value():
            apply_threshold(result, self.percentile_spin.value())
        self.result = result
        seconds = time.perf_counter() - self._scoring_started
        self._set_status(f"Scored in {seconds:.1f} s.")
        self._show_result()

    def _rethreshold(self) -> None:
        if self.result is not None:
            apply_threshold(self.result, self.percentile_spin.value())
            self._show_result()

    def _on_progress(self, done: int, total: int, loss: float) -> None:
        if self.progress.maximum() != total:
            self.progress.setRange(0, total)
        self.progress.setValue(done)
        steps = max(total // max(self.epochs_spin.value(), 1), 1)
        epoch = min((done - 1) // steps + 1, self.epochs_spin.value())
        self.progress.setFormat(f"epoch {epoch}: %p%")
        self._set_status(f"Training without {self.digit_combo.currentText()}: loss {loss:.1f} "
                         f"nats/image")

    def _on_holdout_done(self, detector: Detector, result: AnomalyResult, message: str) -> None:
        self.detector = detector
        if result.score != self.score:
            self.result = None
            self._set_status(f"Held-out model {message}; rescoring with the new score…")
        else:
            if result.percentile != self.percentile_spin.value():
                apply_threshold(result, self.percentile_spin.value())
            self.result = result
            self._set_status(f"Held-out model {message}.")
            self._show_result()
        self.keep_button.setEnabled(True)

    def _on_holdout_failed(self, message: str) -> None:
        self._set_status(f"Held-out training did not finish: {message}")

    def _on_run_finished(self) -> None:
        run, self.run = self.run, None
        if run is not None:
            run.deleteLater()
        if self.detector is not None and self.result is None and not self.busy:
            self._start_scoring()  # the score was changed while it trained
        if not self.busy:
            self.progress.hide()
        self._update_buttons()

    def _keep(self) -> None:
        det = self.detector
        if det is None or not det.holdout:
            return
        from vae_desktop.gui.model_files import autosave_dir

        held = "".join(map(str, det.holdout))
        path = autosave_dir() / f"mnist-vae-without-{held}.pt"
        try:
            saved = checkpoint.save(path, det.model, det.history, None, det.train_config)
            ckpt = checkpoint.load(saved)
        except (OSError, checkpoint.CheckpointError) as exc:
            self._set_status(f"Could not save the held-out model: {exc}")
            return
        self.keep_model.emit(ckpt)
        self._set_status(f"Added {ckpt.name} to the models (saved in {saved.parent}).")

    def on_active_model_changed(self) -> None:
        """Results about the previous active model no longer describe the toolbar's model."""
        if self.detector is not None and not self.detector.holdout and self.run is None:
            self._score_generation += 1
            self.detector = None
            self.result = None
            self._show_empty()

    def shutdown(self, timeout_ms: int = 30_000) -> None:
        """Stop background work and wait for it (on closing)."""
        if self.run is not None:
            self.run.stop(abandon=True)
            self.run.wait(timeout_ms)
        if self.scoring is not None:
            self.scoring.wait(timeout_ms)

    # ------------------------------------------------------------------ display
    def _set_status(self, text: str) -> None:
        self.status.setText(text)

    def _update_buttons(self) -> None:
        training = self.run is not None
        self.train_button.setEnabled(not training)
        self.stop_button.setEnabled(training)
        self.active_button.setEnabled(not self.busy)
        for widget in (self.digit_combo, self.epochs_spin, self.subset_spin):
            widget.setEnabled(not training)

    def _show_empty(self) -> None:
        self.summary.setText("<span style='color: gray'>No detector yet: press <b>Train held-out "
                             "model</b> (the standard experiment) or <b>Score active model</b>."
                             "</span>")
        self.hist_plot.clear()
        self.hist_plot.setTitle("")
        self.roc_plot.clear()
        self.roc_plot.setTitle("")
        for row in range(len(OUTLIERS)):
            for col in (2, 3, 4):
                self.outlier_table.setItem(row, col, _item("–", 0.0))
        examples = synthetic_outliers(self.state.test_set()[0][:1], count=1)
        for name, view in self.outlier_views.items():
            view.set_image(examples[name][0, 0].numpy())
        hint = pg.TextItem("Train a held-out model or score the active model\n"
                           "to see the score histograms here.", color=(170, 170, 170),
                           anchor=(0.5, 0.5))
        self.hist_plot.addItem(hint)
        hint.setPos(0.5, 0.5)
        self.hist_plot.setXRange(0, 1)
        self.hist_plot.setYRange(0, 1)

    def _show_result(self) -> None:
        result = self.result
        if result is None:
            return
        self._show_summary(result)
        self._show_histograms(result)
        self._show_roc(result)
        for row, name in enumerate(OUTLIERS):
            self.outlier_views[name].set_image(result.outlier_examples[name].numpy())
            self.outlier_table.setItem(row, 2, _item(f"{float(result.outliers[name].mean()):,.1f}", 0.0))
            auc = result.outlier_auroc[name]
            auc_item = _item(f"{auc:.3f}", auc)
            if auc < 0.5:
                auc_item.setToolTip("Below 0.5: these outliers score LOWER than real digits; "
                                    "the model finds them easy to explain")
                auc_item.setForeground(pg.mkColor(THRESHOLD_COLOR))
            self.outlier_table.setItem(row, 3, auc_item)
            self.outlier_table.setItem(row, 4, _item(f"{result.outlier_flagged[name]:.1%}", 0.0))
        self.result_shown.emit()

    def _show_summary(self, result: AnomalyResult) -> None:
        unit = SCORES[result.score]
        threshold = (f"threshold {result.threshold:,.1f} nats ({result.percentile:g}th percentile "
                     f"of training {unit})")
        if result.auroc is None:
            fp = float((result.normal > result.threshold).float().mean())
            self.summary.setText(
                f"<b>{self.detector.name}</b>: all test digits are normal; {threshold}. "
                f"{fp:.1%} of test digits flagged. Hold out a digit for an ROC curve.")
            return
        at = result.at_threshold
        held = ",".join(map(str, result.holdout))
        self.summary.setText(
            f"<b>{self.detector.name}</b> — held-out {held} vs other test digits: "
            f"<span style='font-size: 15px'><b>AUROC {result.auroc:.3f}</b></span> · "
            f"precision {at['precision']:.3f} · recall {at['recall']:.3f} · "
            f"false alarms {at['false_positive_rate']:.1%} at the {threshold}")

    def _show_histograms(self, result: AnomalyResult) -> None:
        plot = self.hist_plot
        plot.clear()
        series = [("normal test digits", result.normal, NORMAL_COLOR)]
        if result.anomalous.numel():
            held = ",".join(map(str, result.holdout))
            series.append((f"held-out {held}", result.anomalous, HELD_COLOR))
        values = torch.cat([s for _, s, _ in series]).numpy()
        low, high = np.percentile(values, [0.0, 99.5])
        high = max(high, result.threshold * 1.05)
        edges = np.linspace(low, high, HIST_BINS + 1)
        for name, scores, color in series:
            counts, _ = np.histogram(scores.numpy(), bins=edges)
            share = counts / max(len(scores), 1) * 100.0
            plot.plot(edges, share, stepMode="center", fillLevel=0, fillOutline=True,
                      brush=(*color, 70), pen=pg.mkPen(color, width=1.5), name=name)
        line = pg.InfiniteLine(result.threshold, angle=90,
                               pen=pg.mkPen(THRESHOLD_COLOR, width=2, style=Qt.DashLine))
        plot.addItem(line)
        # The legend is the title: over the plot it would hide a histogram's peak.
        keys = [legend_key(name, color) for name, _, color in series]
        keys.append(legend_key(f"threshold ({result.percentile:g}th pct)", THRESHOLD_COLOR, "┆"))
        plot.setTitle("&nbsp;&nbsp;".join(keys))
        plot.setLabel("bottom", f"{SCORES[result.score]} (nats)")
        plot.setXRange(low, high, padding=0.02)
        plot.enableAutoRange(axis="y")  # the empty state fixed it at 0..1

    def _show_roc(self, result: AnomalyResult) -> None:
        plot = self.roc_plot
        plot.clear()
        plot.plot([0, 1], [0, 1], pen=pg.mkPen((150, 150, 150), width=1, style=Qt.DashLine))
        if result.auroc is None:
            plot.setTitle("<span style='font-size: 9pt'>ROC: hold out a digit</span>")
            return
        plot.plot(result.fpr.numpy(), result.tpr.numpy(), pen=pg.mkPen(HELD_COLOR, width=2.5))
        at = result.at_threshold
        plot.plot([at["false_positive_rate"]], [at["recall"]], pen=None, symbol="o", symbolSize=9,
                  symbolBrush=THRESHOLD_COLOR, symbolPen=pg.mkPen("w", width=1))
        plot.setTitle(f"<span style='font-size: 10pt'>ROC — AUC {result.auroc:.3f}</span>")
        plot.setXRange(0, 1, padding=0.02)
        plot.setYRange(0, 1, padding=0.02)
