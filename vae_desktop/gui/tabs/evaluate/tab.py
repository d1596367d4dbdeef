"""Evaluate tab: how well the active model explains the test digits.

Left: the report of the active model's test-set pass (ReportView): the negative ELBO with its
parts, PSNR and SSIM of the reconstructions, a per-digit table, a histogram of per-image scores
and the worst-reconstructed test digits (click one to open it in the Draw tab). Right: anomaly
detection (AnomalyPanel). Above both: the importance-weighted log-likelihood on demand and the
active units (LikelihoodPanel), and Export report as CSV… (gui.tabs.evaluate.exports). A model
trained on binarised MNIST is shown as it was scored: its gallery holds the binarised digits.

The report is the one test-set pass per model that AppState runs in a worker and shares with
the other tabs (`state.request_test_pass`); this tab asks for it when it is shown and renders it
when `test_pass_ready` names the active model. A pass of a model that is no longer active is
not shown.
"""

from __future__ import annotations

import time
from html import escape

import numpy as np
import torch
from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from vae_desktop.core.anomaly import trained_on
from vae_desktop.core.evaluation import EvaluationReport, reconstruct, report_csv, test_inputs
from vae_desktop.core.wording import count
from vae_desktop.gui.tabs.evaluate import exports
from vae_desktop.gui.tabs.evaluate.anomaly_panel import AnomalyPanel
from vae_desktop.gui.tabs.evaluate.likelihood_panel import LikelihoodPanel
from vae_desktop.gui.tabs.evaluate.report_view import ReportView
from vae_desktop.gui.tabs.evaluate.tips import tip
from vae_desktop.gui.widgets import tones
from vae_desktop.gui.widgets.elided_label import ElidedLabel
from vae_desktop.gui.widgets.hint_text import HINT_COLOUR, hint_span
from vae_desktop.gui.widgets.progress_bar import ProgressBar

SPLITTER_KEY = "evaluate/splitter"


class StatusLabel(ElidedLabel):
    """The header's status: kept whole up to WIDEST_KEPT px ("10,000 test digits evaluated in
    3.0 s" is, where a long model name is cut first), a longer message ("Evaluation failed: …")
    cut with "…" where the row is short, whole in its tooltip, rather than widen the tab past
    the window."""

    WIDEST_KEPT = 260

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Preferred)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().minimumSizeHint()
        return QSize(min(self.sizeHint().width(), self.WIDEST_KEPT), hint.height())


class ModelTitle(QLabel):
    """The header's line: the model's name in bold, then what it is in grey. It asks for its
    whole width but takes less where the row has none: the description, then the name, is cut
    with "…" (a long name no longer pushes the tab past a 1280-px screen), and the tooltip says
    it whole. `text()` stays the whole line."""

    SHORTEST = 160  # px: the start of a name and an ellipsis

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.RichText)
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Preferred)
        self._name = self._about = self._whole = ""
        tones.follow_palette(self, self._redraw)  # the grey readable on a theme switched to

    def _redraw(self) -> None:
        if self._name or self._about:
            self.set_title(self._name, self._about)

    def set_title(self, name: str, about: str) -> None:
        """`name` in bold, `about` (plain) in grey after it."""
        self._name, self._about = name, about
        self._whole = f"<b>{escape(name)}</b> " + hint_span(about, self.palette())
        self.setToolTip(f"{name} {about}")
        self._fit()
        self.updateGeometry()

    def text(self) -> str:  # the whole line, whatever is shown
        return self._whole

    def _bold(self) -> QFontMetrics:
        font = QFont(self.font())
        font.setBold(True)
        return QFontMetrics(font)

    def _whole_width(self) -> int:
        return (self._bold().horizontalAdvance(f"{self._name} ")
                + self.fontMetrics().horizontalAdvance(self._about) + 4)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(self._whole_width(), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(min(self.SHORTEST, self._whole_width()), super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        room = self.contentsRect().width() - 4
        if self._whole_width() <= room + 4:
            super().setText(self._whole)
            return
        bold = self._bold()
        name = bold.elidedText(self._name, Qt.ElideRight, room)
        left = room - bold.horizontalAdvance(f"{name} ")
        about = self.fontMetrics().elidedText(self._about, Qt.ElideRight, max(left, 0))
        super().setText(f"<b>{escape(name)}</b> " + hint_span(about, self.palette()))


class EvaluateTab(QWidget):
    # The report of the active model is on screen (argument: EvaluationReport).
    evaluated = Signal(object)

    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self._requested_at: dict[int, float] = {}  # id(model) -> when this tab asked for its pass
        self._build()
        state.model_changed.connect(self._on_model_changed)
        state.test_pass_progress.connect(self._on_pass_progress)
        state.test_pass_ready.connect(self._on_pass_ready)
        state.test_pass_failed.connect(self._on_pass_failed)
        self._on_model_changed(state.active)

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 4, 10, 4)  # at 1264x672 every pixel of height counts
        header = QHBoxLayout()
        self.title = ModelTitle()
        self.status = StatusLabel()
        tones.set_tone(self.status, HINT_COLOUR)
        self.progress = ProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(160)
        self.progress.setMaximumHeight(18)
        self.progress.hide()
        header.addWidget(self.title)
        header.addStretch(1)
        header.addWidget(self.status)
        header.addWidget(self.progress)
        self.export_report_button = QPushButton("Export report as CSV…")
        self.export_report_button.setToolTip(tip(
            "Save the report as a CSV file: the per-digit table, one row per digit, under the "
            "headline figures (the cards, the active units and any −log p(x) estimated) as "
            "lines starting with #."))
        self.export_report_button.setEnabled(False)
        self.export_report_button.clicked.connect(self.export_report)
        header.addWidget(self.export_report_button)
        outer.addLayout(header)
        self.likelihood = LikelihoodPanel(self.state)
        outer.addWidget(self.likelihood)

        self.report_view = ReportView()
        self.report_view.open_requested.connect(self.open_in_draw)
        self.report_view.said.connect(lambda message: self.state.status_message.emit(message, 6000))
        self.anomaly = AnomalyPanel(self.state)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        right_layout.addWidget(self.anomaly, 1)
        self.splitter = splitter = QSplitter(Qt.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.report_view)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([600, 660])
        splitter.handle(1).setToolTip("Drag to give the report or anomaly detection more room.")
        outer.addWidget(splitter, 1)

        # The views tests look at.
        self.cards = self.report_view.cards
        self.table = self.report_view.table
        self.gallery = self.report_view.gallery

    # ------------------------------------------------------------------ what is shown
    @property
    def report(self) -> EvaluationReport | None:
        """The report on screen: always the active model's, or None."""
        return self.report_view.report

    @property
    def gallery_indices(self) -> list[int]:
        return self.report_view.gallery_indices

    def selected_digit(self) -> int | None:
        return self.report_view.selected_digit()

    # ------------------------------------------------------------------ the test-set pass
    def _on_model_changed(self, ckpt) -> None:
        # Nothing of the previous model stays on screen.
        self.report_view.clear()
        self.export_report_button.setEnabled(False)
        self.progress.hide()
        self.anomaly.on_active_model_changed(ckpt)
        self.likelihood.show_model(ckpt, self.state.test_pass(ckpt))
        if ckpt is None:
            self.title.set_title("No model", "· train one on the Train tab or open a checkpoint")
            self.status.setText("")
            return
        self.title.set_title(ckpt.name, f"· {ckpt.config.describe()} · {count(ckpt.epochs, 'epoch')}")
        if self.isVisible():
            self.evaluate()
        elif self.state.test_pass(ckpt) is not None:
            self._show_report(ckpt)
        else:
            self.status.setText("Evaluates when this tab is shown.")

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.state.active is not None and self.report is None:
            self.evaluate()

    def evaluate(self) -> None:
        """Show the active model's test-set pass, asking for it if it has not been made."""
        ckpt = self.state.active
        if ckpt is None:
            return
        self._requested_at.setdefault(id(ckpt.model), time.perf_counter())
        if self.state.request_test_pass(ckpt) is not None:
            self._show_report(ckpt)
            return
        count = len(self.state.test_set()[1])
        self.status.setText(f"Evaluating {count:,} test digits…")
        self.progress.setValue(0)
        self.progress.show()

    def _on_pass_progress(self, ckpt, fraction: float) -> None:
        if ckpt is self.state.active:
            self.progress.setValue(int(fraction * 100))

    def _on_pass_ready(self, ckpt) -> None:
        if ckpt is self.state.active:
            self._show_report(ckpt)

    def _on_pass_failed(self, ckpt, message: str) -> None:
        if ckpt is self.state.active:
            self.progress.hide()
            self.status.setText(f"Evaluation failed: {message}")

    def _show_report(self, ckpt) -> None:
        report = self.state.test_pass(ckpt)
        if report is None or report is self.report:
            return
        model = ckpt.model

        def reconstruct_digits(images: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
            return reconstruct(model, images, labels)

        self.report_view.show_report(report, self.scored_images(ckpt), reconstruct_digits,
                                     unseen=trained_on(ckpt.train_config).holdout)
        self.likelihood.show_model(ckpt, report)
        self.export_report_button.setEnabled(True)
        self.progress.hide()
        started = self._requested_at.pop(id(model), None)
        took = f" in {time.perf_counter() - started:.1f} s" if started is not None else ""
        self.status.setText(f"{report.count:,} test digits evaluated{took}")
        self.evaluated.emit(report)

    def scored_images(self, ckpt) -> torch.Tensor:
        """The test images as `ckpt`'s model was scored on them, float [N, 1, 28, 28]: the
        fixed binarisation for a model trained on binarised MNIST (evaluation.test_inputs, as
        its test-set pass), else the grey levels."""
        if ckpt.config.binarized:
            return test_inputs(ckpt.model, self.state.test_set()[0])
        return self.state.test_images()

    def export_report(self) -> None:
        """Save the report on screen as CSV (core.evaluation.report_csv), with the estimates of
        -log p(x) made for the model."""
        ckpt, report = self.state.active, self.report
        if ckpt is None or report is None:
            return
        notes = [f"-log p(x), importance-weighted with K = {k} samples (nats/image): "
                 f"{found.nll:.4f}" for k, found in sorted(self.likelihood.estimates(ckpt).items())]
        text = report_csv(report, ckpt.name, self.report_view.unseen, notes)
        message = exports.save_with_dialog(
            self, exports.suggest(ckpt.name, "evaluation", ".csv"), "Export report as CSV",
            exports.CSV_FILTER, lambda path: exports.write_text(path, text))
        if message:
            self.state.status_message.emit(message, 6000)

    def open_in_draw(self, test_index: int) -> None:
        """Make test image `test_index` the current drawing, as the gallery shows it (as the
        model was scored on it), and switch to the Draw tab."""
        images = self.report_view.images
        if images is None:
            images = self.state.test_images()
        image = images[test_index, 0].numpy().astype(np.float32)
        binarised = " (binarised)" if self.report is not None and self.report.binarized else ""
        self.state.set_drawing(image, origin=f"test image #{test_index}{binarised}")
        self.state.tab_requested.emit("Draw")
        self.state.status_message.emit(f"Opened test image #{test_index} in the Draw tab", 4000)

    # ------------------------------------------------------------------ settings
    def save_settings(self, settings: QSettings) -> None:
        """The options, for the next session: K, the held-out run's, the scores shown, the
        splitter."""
        self.likelihood.save_settings(settings)
        self.anomaly.save_settings(settings)
        self.report_view.save_settings(settings)
        settings.setValue(SPLITTER_KEY, self.splitter.saveState())

    def restore_settings(self, settings: QSettings) -> None:
        """Put back what save_settings kept; a value that is missing, of the wrong kind or out of
        range (a settings file edited by hand) leaves that option at its default."""
        self.likelihood.restore_settings(settings)
        self.anomaly.restore_settings(settings)
        self.report_view.restore_settings(settings)
        state = settings.value(SPLITTER_KEY)
        if not (isinstance(state, QByteArray) and self.splitter.restoreState(state)):
            self.splitter.setSizes([600, 660])
        elif min(self.splitter.sizes()) <= 0:  # a state that hid a half: as by default
            self.splitter.setSizes([600, 660])

    # ------------------------------------------------------------------ closing
    def busy_reason(self) -> str | None:
        """Why closing now would lose work, or None."""
        reasons = [reason for reason in (self.anomaly.busy_reason(),
                                         self.likelihood.busy_reason()) if reason]
        return " ".join(reasons) or None

    def unkept_reason(self) -> str | None:
        """What closing would lose that is not running (a held-out model not kept)."""
        return self.anomaly.unkept_reason()

    def quit_note(self) -> str | None:
        """What quitting would discard that is not running (a held-out model not kept)."""
        return self.anomaly.quit_note()

    def abandoned_note(self) -> str | None:
        """What work that ends with the app in one long step (gui.shutdown) leaves: a held-out
        model is kept in memory only, so nothing of one still training."""
        if self.anomaly.training:
            return "no file holds anything of the held-out-digit model it was training"
        return None

    def shutdown(self, timeout_s: float = 2.0) -> bool:
        """Stop this tab's background work and wait up to `timeout_s` for it; returns whether it
        ended."""
        self.likelihood.stop()
        return self.anomaly.shutdown(timeout_s=timeout_s)
