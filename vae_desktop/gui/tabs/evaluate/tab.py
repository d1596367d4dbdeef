"""Evaluate tab: how well the active model explains the 10,000 test digits.

Left: the negative ELBO with its parts, PSNR and SSIM of the reconstructions, a per-digit table
and a histogram of per-image scores. Right: the worst-reconstructed test digits (click one to
open it in the Draw tab) and anomaly detection (AnomalyPanel). The evaluation takes a few seconds
on a CPU (SSIM of 10,000 images dominates), so it runs in a background thread, on a copy of the
model, when the tab is shown after the active model changed.
"""

from __future__ import annotations

import copy
import time

import numpy as np
import pyqtgraph as pg
import torch
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QPen, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFrame,
    QGraphicsRectItem,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vae_desktop.core.evaluation import SCORE_NAMES, EvaluationReport, evaluate_model, reconstruct
from vae_desktop.gui.tabs.evaluate.anomaly import PLOT_BG, AnomalyPanel, legend_key
from vae_desktop.gui.background import BackgroundCall

GALLERY_COLUMNS = 3
GALLERY_ROWS = 6
GALLERY_PAD = 4  # pixels between two pairs
HIST_BINS = 60
ROW_HEIGHT = 23
GALLERY_HINT = "Test digit | reconstruction. Click one to open it in Draw."
ALL_COLOR = (90, 160, 255)
DIGIT_COLOR = (255, 150, 50)
TABLE_COLUMNS = (
    ("Digit", None, "The digit's label"),
    ("Images", None, "Test images of this digit"),
    ("−ELBO", "loss", "Mean negative ELBO, nats per image (z = posterior mean)"),
    ("Recon", "recon", "Mean reconstruction BCE, nats per image"),
    ("KL", "kl", "Mean KL divergence of the posterior from the prior, nats"),
    ("PSNR", "psnr", "Mean PSNR of the reconstructions, dB (higher is better)"),
    ("SSIM", "ssim", "Mean structural similarity of the reconstructions (1 is perfect)"),
)
CARDS = (
    ("test_loss", "Negative ELBO", "{:.2f}", "nats / image",
     "Mean negative ELBO of the test set (one sampled z, as in training and `vae-desktop eval`)"),
    ("recon", "Reconstruction", "{:.2f}", "nats / image", "Mean reconstruction BCE (one sampled z)"),
    ("kl", "KL", "{:.2f}", "nats / image", "Mean KL(q(z|x) || N(0, I))"),
    ("psnr", "PSNR", "{:.2f}", "dB", "Mean PSNR of reconstructions decoded from the posterior mean"),
    ("ssim", "SSIM", "{:.3f}", "", "Mean SSIM of reconstructions (Gaussian window 11, sigma 1.5)"),
)


class NumberItem(QTableWidgetItem):
    """A table cell that shows formatted text but sorts by its number."""

    def __init__(self, value: float, text: str) -> None:
        super().__init__(text)
        self.value = value
        self.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)

    def __lt__(self, other) -> bool:
        if isinstance(other, NumberItem):
            return self.value < other.value
        return super().__lt__(other)


class MetricCard(QFrame):
    def __init__(self, caption: str, unit: str, tooltip: str) -> None:
        super().__init__()
        self.setFrameShape(QFrame.StyledPanel)
        self.setToolTip(tooltip)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(0)
        top = QLabel(caption)
        top.setStyleSheet("color: palette(mid); font-size: 11px;")
        self.value = QLabel("–")
        self.value.setStyleSheet("font-size: 20px; font-weight: 600;")
        self.unit = QLabel(unit)
        self.unit.setStyleSheet("color: palette(mid); font-size: 10px;")
        layout.addWidget(top)
        layout.addWidget(self.value)
        layout.addWidget(self.unit)


class WorstGallery(pg.GraphicsLayoutWidget):
    """Test digits beside their reconstructions, in one image; emits `clicked(i)` for the i-th
    pair and `hovered(i)` (-1 when the mouse leaves the pairs)."""

    clicked = Signal(int)
    hovered = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setBackground("#202124")
        self.setMinimumHeight(150)
        self.view = self.addViewBox(lockAspect=True, enableMouse=False, invertY=True)
        self.view.setMenuEnabled(False)
        self.image_item = pg.ImageItem(axisOrder="row-major")
        self.view.addItem(self.image_item)
        self.highlight = QGraphicsRectItem()
        self.highlight.setPen(QPen(QColor(255, 180, 60), 0.8))
        self.highlight.setZValue(10)
        self.highlight.hide()
        self.view.addItem(self.highlight)
        self.count = 0
        self._hover = -1
        self.setMouseTracking(True)
        self.scene().sigMouseClicked.connect(self._on_click)
        self.scene().sigMouseMoved.connect(self._on_move)
        self.setCursor(Qt.PointingHandCursor)

    @staticmethod
    def cell_size() -> tuple[int, int]:
        return 28 * 2 + 1 + GALLERY_PAD, 28 + GALLERY_PAD

    def set_pairs(self, originals: np.ndarray, recons: np.ndarray) -> None:
        """originals, recons: float [K, 28, 28] in [0, 1]."""
        self.count = len(originals)
        cw, ch = self.cell_size()
        canvas = np.full((GALLERY_ROWS * ch + GALLERY_PAD, GALLERY_COLUMNS * cw + GALLERY_PAD),
                         0.12, dtype=np.float32)
        for i in range(self.count):
            r, c = divmod(i, GALLERY_COLUMNS)
            y, x = GALLERY_PAD + r * ch, GALLERY_PAD + c * cw
            canvas[y:y + 28, x:x + 28] = originals[i]
            canvas[y:y + 28, x + 29:x + 57] = recons[i]
        self.image_item.setImage(canvas, autoLevels=False, levels=(0.0, 1.0))
        self.view.setRange(xRange=(0, canvas.shape[1]), yRange=(0, canvas.shape[0]), padding=0.0)
        self._set_hover(-1)

    def cell_center(self, index: int) -> QPointF:
        """Where pair `index` is, in the view's coordinates (for tests and keyboard use)."""
        cw, ch = self.cell_size()
        r, c = divmod(index, GALLERY_COLUMNS)
        return QPointF(GALLERY_PAD + c * cw + 28, GALLERY_PAD + r * ch + 14)

    def index_at(self, point: QPointF) -> int:
        cw, ch = self.cell_size()
        x, y = point.x() - GALLERY_PAD, point.y() - GALLERY_PAD
        if x < 0 or y < 0:
            return -1
        c, r = int(x // cw), int(y // ch)
        if c >= GALLERY_COLUMNS or x - c * cw > 57 or y - r * ch > 28:
            return -1  # in the padding between pairs
        index = r * GALLERY_COLUMNS + c
        return index if index < self.count else -1

    def _on_click(self, event) -> None:
        if event.button() != Qt.LeftButton:
            return
        index = self.index_at(self.view.mapSceneToView(event.scenePos()))
        if index >= 0:
            self.clicked.emit(index)

    def _on_move(self, pos) -> None:
        self._set_hover(self.index_at(self.view.mapSceneToView(pos)))

    def leaveEvent(self, event) -> None:
        self._set_hover(-1)
        super().leaveEvent(event)

    def _set_hover(self, index: int) -> None:
        if index == self._hover:
            return
        self._hover = index
        if index < 0:
            self.highlight.hide()
        else:
            cw, ch = self.cell_size()
            r, c = divmod(index, GALLERY_COLUMNS)
            self.highlight.setRect(QRectF(GALLERY_PAD + c * cw - 1, GALLERY_PAD + r * ch - 1,
                                          59, 30))
            self.highlight.show()
        self.hovered.emit(index)


class EvaluateTab(QWidget):
    # The evaluation of the active model is on screen (argument: EvaluationReport).
    evaluated = Signal(object)

    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.report: EvaluationReport | None = None
        self.gallery_indices: list[int] = []  # test-set index of each gallery pair
        self._model = None  # the evaluated copy of the active model
        self._call: BackgroundCall | None = None
        self._generation = 0
        self._pending = False
        self._stale = True
        self._started_at = 0.0
        self._build()
        state.model_changed.connect(self._on_model_changed)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        self._on_model_changed(state.active)

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 8, 10, 8)
        header = QHBoxLayout()
        self.title = QLabel()
        self.title.setTextFormat(Qt.RichText)
        self.status = QLabel()
        self.status.setStyleSheet("color: palette(mid);")
        self.evaluate_button = QPushButton("Evaluate again")
        self.evaluate_button.setToolTip("Evaluate the active model on the 10,000 test digits (F5)")
        self.evaluate_button.clicked.connect(self.evaluate)
        QShortcut(QKeySequence(Qt.Key_F5), self, self.evaluate,
                  context=Qt.WidgetWithChildrenShortcut)
        header.addWidget(self.title)
        header.addStretch(1)
        header.addWidget(self.status)
        header.addWidget(self.evaluate_button)
        outer.addLayout(header)

        splitter = QSplitter(Qt.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._build_left())
        splitter.addWidget(self._build_right())
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([600, 660])
        outer.addWidget(splitter, 1)

    def _build_left(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 6, 0)
        cards = QHBoxLayout()
        self.cards: dict[str, MetricCard] = {}
        for key, caption, _fmt, unit, tip in CARDS:
            self.cards[key] = MetricCard(caption, unit, tip)
            cards.addWidget(self.cards[key])
        layout.addLayout(cards)

        self.table = QTableWidget(0, len(TABLE_COLUMNS))
        self.table.setHorizontalHeaderLabels([c[0] for c in TABLE_COLUMNS])
        for col, (_, _, tip) in enumerate(TABLE_COLUMNS):
            self.table.horizontalHeaderItem(col).setToolTip(tip)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.table.setToolTip("Per-digit means over the test set. Select a row to see that digit "
                              "in the histogram and the gallery; click again (or Esc) for all.")
        # Exactly ten rows high: the histogram below gets the rest of the height.
        self.table.setFixedHeight(ROW_HEIGHT * 10 + self.table.horizontalHeader().sizeHint().height()
                                  + 4)
        self.table.itemSelectionChanged.connect(self._on_digit_selected)
        QShortcut(QKeySequence(Qt.Key_Escape), self.table, self.table.clearSelection,
                  context=Qt.WidgetShortcut)
        layout.addWidget(self.table)

        bottom = QHBoxLayout()
        hist_box = QVBoxLayout()
        hist_header = QHBoxLayout()
        hist_header.addWidget(QLabel("<b>Per-image scores</b>"))
        hist_header.addStretch(1)
        self.hist_combo = QComboBox()
        for key, text in SCORE_NAMES.items():
            self.hist_combo.addItem(text[0].upper() + text[1:], key)
        self.hist_combo.setToolTip("Which per-image score to plot (z = posterior mean)")
        self.hist_combo.currentIndexChanged.connect(self._show_histogram)
        hist_header.addWidget(self.hist_combo)
        hist_box.addLayout(hist_header)
        self.hist_plot = pg.PlotWidget(background=PLOT_BG)
        self.hist_plot.setMenuEnabled(False)
        self.hist_plot.setMouseEnabled(x=False, y=False)
        self.hist_plot.setLabel("left", "% of images")
        hist_box.addWidget(self.hist_plot, 1)
        bottom.addLayout(hist_box, 1)

        gallery_box = QVBoxLayout()
        self.gallery_title = QLabel()
        self.gallery_title.setTextFormat(Qt.RichText)
        self.gallery_title.setMinimumHeight(self.hist_combo.sizeHint().height())
        gallery_box.addWidget(self.gallery_title)
        self.gallery = WorstGallery()
        self.gallery.setToolTip("The test digits the model reconstructs worst (highest BCE), "
                                "each beside its reconstruction. Click one to open it in Draw.")
        self.gallery.clicked.connect(self.open_in_draw)
        self.gallery.hovered.connect(self._on_gallery_hover)
        gallery_box.addWidget(self.gallery, 1)
        self.gallery_info = QLabel()
        self.gallery_info.setStyleSheet("color: palette(mid);")
        self.gallery_info.setWordWrap(True)
        self.gallery_info.setMinimumHeight(2 * self.gallery_info.fontMetrics().height())
        gallery_box.addWidget(self.gallery_info)
        bottom.addLayout(gallery_box, 1)
        layout.addLayout(bottom, 1)
        return panel

    def _build_right(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(6, 0, 0, 0)
        self.anomaly = AnomalyPanel(self.state)
        self.anomaly.keep_model.connect(lambda ckpt: self.state.add_model(ckpt, activate=False))
        layout.addWidget(self.anomaly, 1)
        return panel

    # ------------------------------------------------------------------ evaluation
    def _on_model_changed(self, ckpt) -> None:
        self._stale = True
        self.anomaly.on_active_model_changed()
        if ckpt is None:
            self._generation += 1
            self._show_no_model()
            return
        self.title.setText(f"<b>{ckpt.name}</b> <span style='color: gray'>· "
                           f"{ckpt.config.describe()} · {ckpt.epochs} epochs</span>")
        if self.isVisible():
            self.evaluate()
        else:
            self.status.setText("Evaluates when this tab is shown.")

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale and self.state.active is not None and self._call is None:
            self.evaluate()

    def evaluate(self) -> None:
        """Evaluate the active model on the test set, in the background."""
        ckpt = self.state.active
        if ckpt is None:
            self._show_no_model()
            return
        self._stale = False
        self._generation += 1
        if self._call is not None:
            self._pending = True  # the running call's result is stale; start anew when it ends
            return
        generation = self._generation
        images, labels = self.state.test_set()
        model = copy.deepcopy(ckpt.model).eval()  # the worker's own copy
        call = BackgroundCall(lambda: (model, evaluate_model(model, images, labels,
                                                             worst=GALLERY_COLUMNS * GALLERY_ROWS)))
        call.done.connect(lambda result: self._on_evaluated(result, generation))
        call.failed.connect(lambda msg: self.status.setText(f"Evaluation failed: {msg}"))
        call.finished.connect(self._on_call_finished)
        self._call = call
        self._started_at = time.perf_counter()
        self.status.setText(f"Evaluating {len(images):,} test digits…")
        self.evaluate_button.setEnabled(False)
        call.start()

    def _on_call_finished(self) -> None:
        call, self._call = self._call, None
        if call is not None:
            call.deleteLater()
        self.evaluate_button.setEnabled(True)
        if self._pending:
            self._pending = False
            self.evaluate()

    def _on_evaluated(self, result, generation: int) -> None:
        if generation != self._generation:
            return
        self._model, self.report = result
        seconds = time.perf_counter() - self._started_at
        self.status.setText(f"{self.report.count:,} test digits evaluated in {seconds:.1f} s")
        self._show_report()
        self.evaluated.emit(self.report)

    def shutdown(self) -> None:
        """Wait for background work (on quitting), so no thread outlives the widgets."""
        if self._call is not None:
            self._call.wait(30_000)
        self.anomaly.shutdown()

    # ------------------------------------------------------------------ display
    def _show_no_model(self) -> None:
        self.report = None
        self.title.setText("<b>No model</b> <span style='color: gray'>· train one on the Train "
                           "tab or open a checkpoint</span>")
        self.status.setText("")
        for card in self.cards.values():
            card.value.setText("–")
        self.table.setRowCount(0)
        self.hist_plot.clear()
        self.gallery.set_pairs(np.zeros((0, 28, 28)), np.zeros((0, 28, 28)))
        self.gallery_indices = []

    def _show_report(self) -> None:
        report = self.report
        summary = report.to_dict()
        for key, _caption, fmt, _unit, _tip in CARDS:
            self.cards[key].value.setText(fmt.format(summary[key]))
        self._fill_table(report)
        self._show_histogram()
        self._show_gallery()

    def _fill_table(self, report: EvaluationReport) -> None:
        table = self.table
        table.blockSignals(True)
        table.setSortingEnabled(False)
        table.clearSelection()
        table.setRowCount(len(report.per_digit))
        losses = [row.loss for row in report.per_digit]
        low, high = min(losses), max(losses)
        for r, row in enumerate(report.per_digit):
            digit_item = NumberItem(row.digit, str(row.digit))
            digit_item.setTextAlignment(Qt.AlignCenter)
            table.setItem(r, 0, digit_item)
            table.setItem(r, 1, NumberItem(row.count, f"{row.count:,}"))
            for col, (_, key, _) in enumerate(TABLE_COLUMNS[2:], start=2):
                value = getattr(row, key)
                text = f"{value:.3f}" if key == "ssim" else f"{value:.1f}" if key != "psnr" \
                    else f"{value:.2f}"
                item = NumberItem(value, text)
                if key == "loss" and high > low:
                    # Tint the hardest digits: a quick read of which digits the model finds hard.
                    share = (value - low) / (high - low)
                    item.setBackground(QColor(255, 140, 40, int(20 + 110 * share)))
                table.setItem(r, col, item)
        table.setSortingEnabled(True)
        table.sortItems(0, Qt.AscendingOrder)
        table.blockSignals(False)

    def selected_digit(self) -> int | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        return int(item.value) if isinstance(item, NumberItem) else None

    def _on_digit_selected(self) -> None:
        self._show_histogram()
        self._show_gallery()

    def _show_histogram(self) -> None:
        plot = self.hist_plot
        plot.clear()
        plot.setTitle("")
        if self.report is None:
            return
        key = self.hist_combo.currentData()
        scores = self.report.scores[key].numpy()
        labels = self.report.labels.numpy()
        low, high = np.percentile(scores, [0.0, 99.5])
        if key in ("psnr", "ssim"):
            low, high = np.percentile(scores, [0.5, 100.0])
        edges = np.linspace(low, high, HIST_BINS + 1)
        series = [("all digits", scores, ALL_COLOR)]
        digit = self.selected_digit()
        if digit is not None:
            series.append((f"digit {digit}", scores[labels == digit], DIGIT_COLOR))
        keys = []
        for name, values, color in series:
            counts, _ = np.histogram(values, bins=edges)  # the far tail (0.5%) falls outside
            share = counts / max(len(values), 1) * 100.0
            plot.plot(edges, share, stepMode="center", fillLevel=0, fillOutline=True,
                      brush=(*color, 70), pen=pg.mkPen(color, width=1.5))
            keys.append(legend_key(f"{name}, mean {values.mean():.3g}", color))
        plot.setTitle("&nbsp;&nbsp;".join(keys))
        plot.setLabel("bottom", SCORE_NAMES[key])
        plot.setXRange(low, high, padding=0.02)

    def _show_gallery(self) -> None:
        report = self.report
        if report is None or self._model is None:
            return
        count = GALLERY_COLUMNS * GALLERY_ROWS
        digit = self.selected_digit()
        images = self.state.test_images()
        if digit is None:
            indices = report.worst[:count]
            recons = report.reconstructions[:count]
            self.gallery_title.setText("<b>Worst reconstructions</b>")
        else:
            candidates = torch.nonzero(report.labels == digit).flatten()
            order = torch.argsort(report.scores["recon"][candidates], descending=True)
            indices = candidates[order[:count]]
            recons = reconstruct(self._model, images[indices], report.labels[indices])[:, 0]
            self.gallery_title.setText(f"<b>Worst reconstructions</b> · digit {digit}")
        self.gallery_indices = [int(i) for i in indices]
        self.gallery.set_pairs(images[indices, 0].numpy(), recons.numpy())
        self.gallery_info.setText(GALLERY_HINT)

    def _on_gallery_hover(self, index: int) -> None:
        if index < 0 or self.report is None or index >= len(self.gallery_indices):
            self.gallery_info.setText(GALLERY_HINT)
            return
        i = self.gallery_indices[index]
        s = self.report.scores
        self.gallery_info.setText(
            f"#{i}, a {int(self.report.labels[i])}: reconstruction {float(s['recon'][i]):.1f} "
            f"nats, PSNR {float(s['psnr'][i]):.1f} dB, SSIM {float(s['ssim'][i]):.2f}. "
            f"Click to open in Draw.")

    def open_in_draw(self, index: int) -> None:
        """Send gallery pair `index`'s test digit to the Draw tab and switch to it."""
        if not 0 <= index < len(self.gallery_indices):
            return
        test_index = self.gallery_indices[index]
        image = self.state.test_images()[test_index, 0].numpy().astype(np.float32).copy()
        self.state.show_in_draw.emit(image)
        self.state.tab_requested.emit("Draw")
        self.state.status_message.emit(f"Opened test image #{test_index} in the Draw tab", 4000)
