"""The Evaluate tab's log-likelihood strip: the importance-weighted estimate of -log p(x) on the
test set (core.likelihood), next to the negative ELBO, with their difference (the average
inference gap), and the active units of the model's latent code.

The estimate costs K decoder passes per image (minutes for K = 5000 on a CPU), so it runs only
when asked, in a worker, with a progress bar and a Stop button. Each model's estimates are kept
(per K) while the model lives, so coming back to a model shows what was measured.
"""

from __future__ import annotations

import time
import weakref
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
)

from vae_desktop.core.evaluation import ACTIVE_COV, EvaluationReport, test_inputs
from vae_desktop.core.likelihood import LikelihoodEstimate, iwae_steps
from vae_desktop.core.wording import duration
from vae_desktop.gui import preferences
from vae_desktop.gui.tabs.evaluate.tips import tip
from vae_desktop.gui.widgets.hint_text import HINT_COLOUR, hint_span
from vae_desktop.gui.widgets.progress_bar import ProgressBar
from vae_desktop.gui.widgets.tones import ERROR, follow_palette, set_tone

SAMPLE_COUNTS = (50, 500, 5000)  # 5000: Burda et al.'s protocol
DEFAULT_K = 500
K_KEY = "evaluate/k"


STARTING = "%p%"  # the bar's text before 1% is done: too soon to tell the time left


class LikelihoodPanel(QFrame):
    def __init__(self, state, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self.ckpt = None
        self.report: EvaluationReport | None = None
        self._job = None
        self._generation = 0
        self._started = 0.0
        # model -> {K: estimate}: kept while the model object lives.
        self._estimates: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        # model -> {K: what became of an estimate that did not finish}, shown in its place.
        self._notes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._running: tuple | None = None  # (checkpoint, K) of the estimate under way
        self._failed = False  # the row says why the last estimate failed, in red
        self._build()
        self.show_model(None, None)

    def _build(self) -> None:
        self.setFrameShape(QFrame.StyledPanel)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 4, 10, 4)
        caption = QLabel("<b>Log-likelihood</b>")
        self.k_combo = QComboBox()
        for k in SAMPLE_COUNTS:
            self.k_combo.addItem(f"K = {k:,}", k)
        self.k_combo.setCurrentIndex(SAMPLE_COUNTS.index(DEFAULT_K))
        self.k_combo.setToolTip(tip(
            "Importance samples per test image. More samples give a tighter estimate of "
            "log p(x) and take proportionally longer; the literature (Burda et al. 2015) "
            "reports K = 5000, several minutes on a CPU for 10,000 digits."))
        self.k_combo.currentIndexChanged.connect(lambda _: self._show_result())
        # Its value ("K = 500") is all it shows: the name says what K counts.
        self.k_combo.setAccessibleName("Log-likelihood samples per image (K)")
        self.run_button = QPushButton("Estimate")
        self.run_button.setToolTip("Estimate -log p(x) on the test set by importance sampling, "
                                   "in the background. Press it again to stop.")
        self.run_button.clicked.connect(self.toggle)
        self.progress = ProgressBar()
        self.progress.setRange(0, 1000)
        # How far, and how long is left, on the bar itself (it was in a tooltip only).
        self.progress.setTextVisible(True)
        self.progress.setAlignment(Qt.AlignCenter)
        widest = self.progress.fontMetrics().horizontalAdvance("100% · about 59 min left")
        self.progress.setFixedWidth(widest + 24)
        self.progress.setMaximumHeight(18)
        self.progress.hide()
        self.result = QLabel()
        self.result.setTextFormat(Qt.RichText)
        # Its grey note is set again in the grey of a theme switched to (the red follows alone).
        follow_palette(self.result, lambda: None if self._failed else self._show_result())
        self.units = QLabel()
        set_tone(self.units, HINT_COLOUR)
        for w in (caption, self.k_combo, self.run_button, self.progress):
            row.addWidget(w)
        row.addWidget(self.result, 1)
        row.addWidget(self.units)

    # ------------------------------------------------------------------ settings
    def save_settings(self, settings) -> None:
        settings.setValue(K_KEY, self.k)

    def restore_settings(self, settings) -> None:
        """K from `settings`; one that is not among SAMPLE_COUNTS gives the default."""
        k = preferences.read_int(settings, K_KEY, DEFAULT_K)
        self.k_combo.setCurrentIndex(SAMPLE_COUNTS.index(k if k in SAMPLE_COUNTS else DEFAULT_K))

    # ------------------------------------------------------------------ what is shown
    @property
    def k(self) -> int:
        return int(self.k_combo.currentData())

    def estimate(self, k: int | None = None) -> LikelihoodEstimate | None:
        """The active model's estimate with `k` samples (default: the chosen K), if measured."""
        if self.ckpt is None:
            return None
        return self._estimates.get(self.ckpt.model, {}).get(k or self.k)

    def estimates(self, ckpt) -> dict[int, LikelihoodEstimate]:
        """`ckpt`'s estimates made this session, by K."""
        return dict(self._estimates.get(ckpt.model, {})) if ckpt is not None else {}

    def show_model(self, ckpt, report: EvaluationReport | None) -> None:
        """Show `ckpt`'s figures (report: its test-set pass, None while it is being made)."""
        if ckpt is not self.ckpt and self._job is not None:
            # Said in the status bar: a K = 5,000 estimate may have run for minutes.
            self.state.status_message.emit(
                f"The log-likelihood estimate of {self.ckpt.name} stopped: the active model "
                f"changed. Press Estimate again on that model to redo it.", 8000)
            self.stop("dropped when the active model changed")
        elif ckpt is not self.ckpt:
            self.stop()
        self.ckpt, self.report = ckpt, report
        if report is None:
            self.units.setText("")
        else:
            dim = len(report.unit_activity)
            self.units.setText(f"{report.active_units} of {dim} latent dimensions active")
            self.units.setToolTip(tip(
                f"Burda et al.'s criterion: unit u is active when the variance over the test "
                f"images of its posterior mean, Cov_x(E_q[z_u | x]), exceeds {ACTIVE_COV:g}. An "
                f"inactive unit's code is the same for every digit, so the decoder ignores it."))
        self._show_result()

    def _set_result(self, text: str, failed: bool = False) -> None:
        """The row's figure or note (rich text); `failed`: in red, readable on the palette."""
        self._failed = failed
        set_tone(self.result, ERROR if failed else None)
        self.result.setText(text)

    def _show_result(self) -> None:
        running = self._job is not None
        self.run_button.setText("Stop" if running else "Estimate")
        self.run_button.setEnabled(self.ckpt is not None and (running or self.report is not None))
        self.k_combo.setEnabled(not running)
        if running:
            return
        found = self.estimate()
        if self.ckpt is None:
            self._set_result("")
        elif found is None:
            note = self._notes.get(self.ckpt.model, {}).get(self.k)
            self._set_result(hint_span(note or "−log p(x) not estimated yet: press Estimate",
                                       self.result.palette()))
            self.result.setToolTip("")
        else:
            self._set_result(self._result_text(found))

    def _result_text(self, found: LikelihoodEstimate) -> str:
        data = "binarised" if self.ckpt.config.binarized else "grey-level"
        text = f"−log p(x) <b>{found.nll:.2f}</b> nats / image"
        detail = (f"Importance-weighted estimate with K = {found.k:,} samples per image over "
                  f"{found.count:,} {data} test digits (a bound that tightens with K).")
        if self.report is not None:
            gap = self.report.test_loss - found.nll
            text += f" · inference gap <b>{gap:.2f}</b>"
            detail += (f" The negative ELBO ({self.report.test_loss:.2f}) exceeds it by {gap:.2f} "
                       f"nats: how far the encoder's q(z|x) is from the true posterior, on average.")
        if not self.ckpt.config.binarized:
            detail += (" On grey levels the Bernoulli likelihood is not normalised: compare with "
                       "published figures only for a model trained with Binarised MNIST.")
        self.result.setToolTip(tip(detail))
        return text

    # ------------------------------------------------------------------ the estimate
    def toggle(self) -> None:
        if self._job is not None:
            self.stop()
        else:
            self.start()

    def start(self) -> None:
        if self.ckpt is None or self.report is None or self._job is not None:
            return
        ckpt, k = self.ckpt, self.k
        images, labels = self.state.test_set()
        self._generation += 1
        generation = self._generation
        self._started = time.perf_counter()
        self._notes.get(ckpt.model, {}).pop(k, None)
        self._running = (ckpt, k)
        self._job = self.state.workers.start(
            f"log-likelihood of {ckpt.name}", iwae_steps, ckpt.model,
            test_inputs(ckpt.model, images), labels, k,
            on_event=lambda fraction: self._on_progress(fraction, generation),
            on_done=lambda found: self._on_done(ckpt, found, generation),
            on_error=lambda message: self._on_failed(message, generation),
            on_finished=lambda: self._on_finished(generation))
        self.progress.setValue(0)
        self.progress.setFormat(STARTING)
        self.progress.setToolTip(f"The estimate with K = {k:,}: how far it is, and about how "
                                 f"long is left.")
        self.progress.show()
        self._set_result(f"Estimating with K = {k:,} on {len(labels):,} test digits…")
        self._show_result()

    def stop(self, why: str = "stopped") -> None:
        """Whatever estimate is under way no longer counts (its worker is asked to end); the
        row then says it was `why` ("stopped at 12%"), for its model and K."""
        self._generation += 1
        if self._job is not None:
            self._job.stop()
            self._job = None
            ckpt, k = self._running
            at = f" at {self.progress.value() / 10:.0f}%" if why == "stopped" else ""
            self._notes.setdefault(ckpt.model, {})[k] = (
                f"The estimate with K = {k:,} was {why}{at}: press Estimate to run it again.")
        self._running = None
        self.progress.hide()
        self._show_result()

    def busy_reason(self) -> str | None:
        return "A log-likelihood estimate is running." if self._job is not None else None

    def _on_progress(self, fraction: float, generation: int) -> None:
        if generation != self._generation:
            return
        self.progress.setValue(int(fraction * 1000))
        elapsed = time.perf_counter() - self._started
        if fraction > 0.01:  # before, too little is done to tell
            left = elapsed * (1 - fraction) / fraction
            self.progress.setFormat(f"%p% · about {duration(left)} left")
        else:
            self.progress.setFormat(STARTING)

    def _on_done(self, ckpt, found: LikelihoodEstimate, generation: int) -> None:
        if generation != self._generation:
            return
        self._estimates.setdefault(ckpt.model, {})[found.k] = found
        self._notes.get(ckpt.model, {}).pop(found.k, None)
        took = time.perf_counter() - self._started
        self.state.status_message.emit(
            f"-log p(x) of {ckpt.name}: {found.nll:.2f} nats (K = {found.k:,}, {took:.0f} s)", 6000)

    def _on_failed(self, message: str, generation: int) -> None:
        if generation == self._generation:
            self._job = self._running = None
            self.progress.hide()
            self._show_result()
            self._set_result(f"Estimate failed: {escape(message)}", failed=True)

    def _on_finished(self, generation: int) -> None:
        if generation == self._generation:
            self._job = self._running = None
            self.progress.hide()
            if not self._failed:
                self._show_result()
