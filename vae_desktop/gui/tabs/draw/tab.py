"""Draw tab: draw a digit (or open a picture of one) and watch the active model reconstruct it,
with its score, how that score ranks among the test set's, and for a conditional model which
digit the model thinks it is.

The drawing is turned into the model's 28x28 input exactly as MNIST was made
(`core.preprocess.to_mnist`). Updates are throttled: the first change after a quiet spell is
analysed at once (on the next turn of the event loop, which merges queued mouse moves), later
ones at most every UPDATE_MS, so a long stroke updates about 25 times a second.
"""

from __future__ import annotations

import os
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from vae_desktop.core import preprocess
from vae_desktop.core.digit_analysis import (
    DEFAULT_THRESHOLD,
    UNUSUAL,
    DigitAnalysis,
    ReferenceScores,
    analyse_digit,
    verdict,
)
from vae_desktop.gui.widgets.draw_canvas import DEFAULT_PEN, MAX_PEN, MIN_PEN, DrawCanvas
from vae_desktop.gui.widgets.image_view import DigitView

UPDATE_MS = 40  # at most one analysis per 40 ms while drawing
PLOT_BG = "#202124"
TYPICAL_COLOUR = "#3ba55c"
UNUSUAL_COLOUR = "#e8833a"
BAR_COLOUR = (90, 140, 220)
CHOSEN_BAR_COLOUR = (255, 170, 60)
HINT = "Esc clears · Ctrl+Z undoes · wheel sets the pen"
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.gif *.webp *.tif *.tiff);;All files (*)"


class WrappingLabel(QLabel):
    """A word-wrapped label that does not make its layout height-for-width: a scroll area
    (the main window puts each tab in one) would otherwise size the whole tab by its preferred
    height and scroll where everything fits."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)

    def hasHeightForWidth(self) -> bool:
        return False


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    label.setAlignment(Qt.AlignCenter)
    label.setStyleSheet("font-weight: bold;")
    return label


def _value_label(tooltip: str, widest: str) -> QLabel:
    """A score label as wide as `widest` ever needs, and fixed at that size: a new text then
    repaints the label alone instead of asking the tab for a new layout on every update."""
    label = QLabel(widest)
    label.setToolTip(tooltip)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    hint = label.sizeHint()
    label.setFixedSize(hint.width() + 8, hint.height())
    label.setText("–")
    return label


class DrawTab(QWidget):
    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.reference = ReferenceScores(self._test_data)
        self.analysis: DigitAnalysis | None = None
        self.model_input: np.ndarray | None = None  # the 28x28 image last analysed
        self.update_count = 0  # analyses done (tests and the latency benchmark watch it)
        self._source: np.ndarray | None = None  # an exact 28x28 image from show_in_draw
        self._loading = False
        self._last_update = 0.0
        self._hist_ref = None  # the reference scores the histogram was drawn from
        self._hist_span = (0.0, 1.0)  # their lowest value and 99.9th percentile
        self._hist_right: float | None = None  # the right end of the x axis now
        self._settings = QSettings()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.update_now)

        self._build_ui()
        self._connect()
        self.undo_button.setEnabled(False)
        self._on_model_changed(self.state.active)

    # Layout
    def _build_ui(self) -> None:
        root = QGridLayout(self)
        root.setContentsMargins(12, 12, 12, 12)
        root.setHorizontalSpacing(12)
        root.setVerticalSpacing(12)
        canvas_box = self._build_canvas_box()
        images_box = self._build_images_box()
        # The top row is as tall as the canvas needs; the plots below get the rest.
        images_box.setFixedHeight(canvas_box.sizeHint().height())
        root.addWidget(canvas_box, 0, 0)
        root.addWidget(images_box, 0, 1)
        root.addWidget(self._build_scores_box(), 1, 0)
        bottom = QHBoxLayout()
        bottom.setSpacing(12)
        bottom.addWidget(self._build_histogram_box(), 3)
        bottom.addWidget(self._build_guess_box(), 2)
        root.addLayout(bottom, 1, 1)
        root.setColumnStretch(1, 1)
        root.setRowStretch(0, 0)
        root.setRowStretch(1, 1)

    def _build_canvas_box(self) -> QGroupBox:
        box = QGroupBox("Your drawing")
        layout = QVBoxLayout(box)
        self.canvas = DrawCanvas()
        layout.addWidget(self.canvas, 0, Qt.AlignHCenter)
        tools = QHBoxLayout()
        tools.addWidget(QLabel("Pen"))
        self.pen_spin = QSpinBox()
        self.pen_spin.setRange(MIN_PEN, MAX_PEN)
        self.pen_spin.setSuffix(" px")
        self.pen_spin.setToolTip("Pen width in canvas pixels (mouse wheel over the canvas too).\n"
                                 "MNIST strokes are about 2-3 of its pixels wide: 20-30 here.")
        self.pen_spin.setValue(int(self._settings.value("draw/pen_width", DEFAULT_PEN)))
        self.canvas.set_pen_width(self.pen_spin.value())
        tools.addWidget(self.pen_spin)
        tools.addStretch(1)
        self.undo_button = QPushButton("Undo")
        self.undo_button.setToolTip("Undo the last stroke, clear or load (Ctrl+Z)")
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Start again with an empty canvas (Esc)")
        self.open_button = QPushButton("Open image…")
        self.open_button.setToolTip("Load a PNG or JPEG of a digit, any size, dark-on-light or "
                                    "light-on-dark. You can also drop a file on the canvas.")
        for button in (self.undo_button, self.clear_button, self.open_button):
            tools.addWidget(button)
        layout.addLayout(tools)
        self.canvas_message = QLabel(HINT)  # one line; long messages are elided, whole in the tooltip
        self.canvas_message.setStyleSheet("color: palette(mid);")
        layout.addWidget(self.canvas_message)
        box.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Preferred)
        return box

    def _build_images_box(self) -> QGroupBox:
        box = QGroupBox("What the model sees and gives back")
        grid = QGridLayout(box)
        self.input_view = DigitView(title="The 28×28 image the model sees", min_size=140)
        self.recon_view = DigitView(title="The model's reconstruction (pixel probabilities)",
                                    min_size=140)
        self.diff_view = DigitView(title="Absolute difference between input and reconstruction "
                                         "(black: same, yellow: off by 1)",
                                   min_size=140, colormap="inferno")
        captions = ("Model input (28×28)", "Reconstruction", "|Input − reconstruction|")
        for col, (caption, view) in enumerate(
                zip(captions, (self.input_view, self.recon_view, self.diff_view), strict=True)):
            grid.addWidget(_caption(caption), 0, col)
            grid.addWidget(view, 1, col)
            grid.setColumnStretch(col, 1)
        self.recon_caption = grid.itemAtPosition(0, 1).widget()
        return box

    def _build_scores_box(self) -> QGroupBox:
        box = QGroupBox("Score")
        layout = QVBoxLayout(box)
        self.verdict_label = WrappingLabel()
        self.verdict_label.setAlignment(Qt.AlignCenter)
        self.verdict_label.setMinimumHeight(34)
        font = QFont(self.verdict_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.verdict_label.setFont(font)
        layout.addWidget(self.verdict_label)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight)
        self.loss_label = _value_label(
            "Negative ELBO (beta 1) in nats, with z at the posterior mean: lower means the model "
            "finds the drawing more likely. It is the reconstruction error plus the KL divergence.",
            "<b>8888.8</b> nats")
        self.parts_label = _value_label(
            "Reconstruction: Bernoulli negative log-likelihood of the 784 pixels.\n"
            "KL: how far the drawing's posterior is from the prior N(0, I).",
            "= reconstruction 8888.8 + KL 888.8")
        self.psnr_label = _value_label("Peak signal-to-noise ratio of the reconstruction (higher is "
                                       "closer; torchmetrics)", "-88.8 dB")
        self.ssim_label = _value_label("Structural similarity of the reconstruction, 0 to 1 "
                                       "(torchmetrics)", "-0.888")
        self.percentile_label = _value_label(
            "Share of the 10,000 MNIST test digits whose negative ELBO is at or below the drawing's.",
            "– (no test-set scores)")
        form.addRow("Negative ELBO:", self.loss_label)
        form.addRow("", self.parts_label)
        form.addRow("PSNR:", self.psnr_label)
        form.addRow("SSIM:", self.ssim_label)
        form.addRow("Percentile:", self.percentile_label)
        self.percentile_note = QLabel("of test digits score as well or better")
        self.percentile_note.setStyleSheet("color: palette(mid);")
        form.addRow("", self.percentile_note)
        self.threshold_spin = QDoubleSpinBox()
        self.threshold_spin.setRange(50.0, 99.9)
        self.threshold_spin.setDecimals(1)
        self.threshold_spin.setSingleStep(0.5)
        self.threshold_spin.setSuffix(" %")
        self.threshold_spin.setToolTip(
            "A drawing scoring worse than this share of the test digits is called unusual.\n"
            "You can also drag the dashed line in the histogram.")
        self.threshold_spin.setValue(float(self._settings.value("draw/threshold", DEFAULT_THRESHOLD)))
        self.threshold_spin.setMaximumWidth(110)
        form.addRow("Unusual above:", self.threshold_spin)
        layout.addLayout(form)
        layout.addStretch(1)
        return box

    def _build_histogram_box(self) -> QGroupBox:
        box = QGroupBox("Negative ELBO of the 10,000 test digits")
        layout = QVBoxLayout(box)
        self.hist_plot = pg.PlotWidget(background=PLOT_BG)
        self.hist_plot.setMenuEnabled(False)
        self.hist_plot.setMouseEnabled(x=False, y=False)
        self.hist_plot.hideButtons()
        self.hist_plot.setLabel("bottom", "negative ELBO (nats)")
        self.hist_plot.setLabel("left", "test digits")
        self.hist_plot.setToolTip("The test set's scores; solid line: your drawing; dashed line: "
                                  "the 'unusual' threshold (drag it).")
        self.hist_curve = pg.PlotDataItem(stepMode="center", fillLevel=0, antialias=False,
                                          brush=(120, 160, 230, 110), pen=pg.mkPen((150, 180, 240)))
        self.hist_plot.addItem(self.hist_curve)
        label_fill = (32, 33, 36, 220)  # readable over the bars
        self.score_line = pg.InfiniteLine(
            angle=90, movable=False, pen=pg.mkPen((255, 255, 255), width=2), label="drawing",
            labelOpts={"position": 0.92, "color": (255, 255, 255), "fill": label_fill})
        self.threshold_line = pg.InfiniteLine(
            angle=90, movable=True, pen=pg.mkPen(UNUSUAL_COLOUR, width=2, style=Qt.DashLine),
            hoverPen=pg.mkPen(UNUSUAL_COLOUR, width=4), label="threshold",
            labelOpts={"position": 0.75, "color": UNUSUAL_COLOUR, "fill": label_fill})
        self.score_line.setVisible(False)
        self.threshold_line.setVisible(False)
        self.hist_plot.addItem(self.score_line)
        self.hist_plot.addItem(self.threshold_line)
        layout.addWidget(self.hist_plot)
        return box

    def _build_guess_box(self) -> QGroupBox:
        box = QGroupBox("The model's guess")
        layout = QVBoxLayout(box)
        row = QHBoxLayout()
        row.addWidget(QLabel("Reconstruct as"))
        self.label_combo = QComboBox()
        self.label_combo.addItem("auto (most likely)", None)
        self.label_combo.setToolTip("The label the conditional model decodes the drawing with")
        row.addWidget(self.label_combo, 1)
        layout.addLayout(row)
        self.guess_stack = QStackedWidget()
        self.guess_message = WrappingLabel(
            "A conditional model can say which digit it thinks this is: pick one "
            "(e.g. mnist-cvae-z2) in the toolbar.")
        self.guess_message.setAlignment(Qt.AlignCenter)
        self.guess_message.setStyleSheet("color: palette(mid);")
        self.guess_stack.addWidget(self.guess_message)
        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        self.guess_label = QLabel()
        self.guess_label.setAlignment(Qt.AlignCenter)
        page_layout.addWidget(self.guess_label)
        self.bar_plot = pg.PlotWidget(background=PLOT_BG)
        self.bar_plot.setMenuEnabled(False)
        self.bar_plot.setMouseEnabled(x=False, y=False)
        self.bar_plot.hideButtons()
        self.bar_plot.setYRange(0.0, 1.0, padding=0.02)
        self.bar_plot.setLabel("left", "p(label | drawing)")
        self.bar_plot.setToolTip("Generative classifier: the ELBO under each label, turned into "
                                 "probabilities with a softmax (equal priors)")
        self.bars = pg.BarGraphItem(x=np.arange(10), height=np.zeros(10), width=0.7,
                                    brush=BAR_COLOUR)
        self.bar_plot.addItem(self.bars)
        page_layout.addWidget(self.bar_plot, 1)
        self.guess_stack.addWidget(page)
        self._set_label_choices(10)
        layout.addWidget(self.guess_stack, 1)
        return box

    def _connect(self) -> None:
        self.canvas.changed.connect(self._on_canvas_changed)
        self.canvas.file_dropped.connect(self.open_file)
        self.canvas.pen_width_changed.connect(self.pen_spin.setValue)
        self.pen_spin.valueChanged.connect(self._on_pen_changed)
        self.undo_button.clicked.connect(self.canvas.undo)
        self.clear_button.clicked.connect(self.canvas.clear)
        self.open_button.clicked.connect(self.choose_file)
        self.threshold_spin.valueChanged.connect(self._on_threshold_changed)
        self.threshold_line.sigPositionChanged.connect(self._on_threshold_dragged)
        self.threshold_line.sigPositionChangeFinished.connect(self._place_threshold_line)
        self.label_combo.currentIndexChanged.connect(lambda _i: self.update_now())
        for keys, slot in ((QKeySequence(Qt.Key_Escape), self.canvas.clear),
                           (QKeySequence.Undo, self.canvas.undo)):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.WidgetWithChildrenShortcut)  # only while this tab is shown
            shortcut.activated.connect(slot)
        self.state.model_changed.connect(self._on_model_changed)
        self.state.show_in_draw.connect(self.show_image)

    # Data
    def _test_data(self):
        images, labels = self.state.test_set()
        return self.state.test_images(), labels

    def _reference_now(self):
        """The active model's test-set scores. Computed on first need (a fraction of a second) but
        only while the tab is shown: a hidden tab uses what is cached and catches up when shown."""
        ckpt = self.state.active
        if ckpt is None:
            return None
        if not self.isVisible():
            return self.reference.cached(ckpt.model)
        try:
            return self.reference.get(ckpt.model)
        except Exception as exc:  # noqa: BLE001 - a missing test set must not break drawing
            self._file_error(f"No test-set scores to compare with: {exc}")
            return None

    # Reactions
    def showEvent(self, event) -> None:
        super().showEvent(event)
        # Score the test set while the user reaches for the mouse, not in the first stroke.
        QTimer.singleShot(0, self._prepare_reference)

    def _prepare_reference(self) -> None:
        if self.state.active is not None and self.reference.cached(self.state.active.model) is None:
            if self._reference_now() is not None and self.model_input is not None:
                self.update_now()  # the percentile and verdict were missing
            self._refresh_histogram()

    def _on_model_changed(self, ckpt) -> None:
        conditional = bool(ckpt is not None and ckpt.config.conditional)
        self.label_combo.setEnabled(conditional)
        self.guess_stack.setCurrentIndex(1 if conditional else 0)
        if conditional and self.label_combo.count() != ckpt.config.num_classes + 1:
            self._set_label_choices(ckpt.config.num_classes)
        self.recon_caption.setText("Reconstruction" if ckpt is not None else "Reconstruction (no model)")
        if self.isVisible():
            QTimer.singleShot(0, self._prepare_reference)
        self._refresh_histogram()
        self.update_now()

    def _set_label_choices(self, count: int) -> None:
        """Labels 0..count-1 in the combo and on the bar chart's axis (MNIST models have 10)."""
        self.label_combo.blockSignals(True)
        while self.label_combo.count() > 1:
            self.label_combo.removeItem(1)
        for label in range(count):
            self.label_combo.addItem(str(label), label)
        self.label_combo.setCurrentIndex(0)
        self.label_combo.blockSignals(False)
        self.bar_plot.setXRange(-0.6, count - 0.4, padding=0.0)
        self.bar_plot.getAxis("bottom").setTicks([[(d, str(d)) for d in range(count)]])

    def _on_canvas_changed(self) -> None:
        if not self._loading:
            self._source = None  # the user edited the picture: analyse the canvas again
        self.undo_button.setEnabled(self.canvas.can_undo())
        if self.canvas.is_empty():
            self._set_message(HINT)
        self.schedule_update()

    def _on_pen_changed(self, width: int) -> None:
        self.canvas.set_pen_width(width)
        self._settings.setValue("draw/pen_width", width)

    def schedule_update(self) -> None:
        if self._timer.isActive():
            return  # an update is already on its way and will see this change
        since = (time.monotonic() - self._last_update) * 1000.0
        self._timer.start(int(max(0.0, UPDATE_MS - since)))

    def _on_threshold_changed(self, value: float) -> None:
        self._settings.setValue("draw/threshold", value)
        self._place_threshold_line()
        self._show_verdict()

    def _on_threshold_dragged(self) -> None:
        ref = self._cached_reference()
        if ref is None or not self.threshold_line.isVisible():
            return
        share = float((ref <= self.threshold_line.value()).float().mean() * 100.0)
        self.threshold_spin.blockSignals(True)
        self.threshold_spin.setValue(min(99.9, max(50.0, share)))
        self.threshold_spin.blockSignals(False)
        self._settings.setValue("draw/threshold", self.threshold_spin.value())
        self._show_verdict()

    # Files and other tabs
    def choose_file(self) -> None:
        start = str(self._settings.value("draw/last_dir", os.path.expanduser("~")))
        path, _ = QFileDialog.getOpenFileName(self, "Open a picture of a digit", start, IMAGE_FILTER)
        if path:
            self._settings.setValue("draw/last_dir", os.path.dirname(path))
            self.open_file(path)

    def open_file(self, path: str) -> bool:
        """Load a picture (either polarity) into the canvas; returns False and says why if not."""
        try:
            picture = preprocess.load_image(path)
        except preprocess.EmptyImageError as exc:
            self._file_error(str(exc))
            return False
        except preprocess.ImageLoadError as exc:
            self._file_error(str(exc))
            return False
        self.canvas.load_array(picture, margin=20)
        self._set_message(f"Loaded {os.path.basename(path)}")
        return True

    def _set_message(self, text: str, colour: str = "palette(mid)") -> None:
        width = self.canvas.width() + 80
        self.canvas_message.setText(
            self.canvas_message.fontMetrics().elidedText(text, Qt.ElideMiddle, width))
        self.canvas_message.setToolTip(text if text != HINT else "")
        self.canvas_message.setStyleSheet(f"color: {colour};")

    def _file_error(self, message: str) -> None:
        self._set_message(message, UNUSUAL_COLOUR)
        self.state.status_message.emit(message, 6000)

    def show_image(self, image) -> None:
        """Show an exact 28x28 image (from another tab), analyse it and bring this tab forward."""
        image = np.asarray(image, dtype=np.float32)
        if image.size != 28 * 28 or not np.isfinite(image).all():
            self._file_error(f"Cannot show an image of shape {image.shape} here: expected 28x28")
            return
        image = image.reshape(28, 28)
        self._loading = True
        try:
            self.canvas.load_array(image)
        finally:
            self._loading = False
        self._source = np.clip(image, 0.0, 1.0)
        self._timer.stop()
        self.update_now()
        self.state.tab_requested.emit("Draw")

    # The update itself
    def update_now(self) -> None:
        self._timer.stop()
        self._last_update = time.monotonic()
        self.update_count += 1
        image = self._source
        if image is None and not self.canvas.is_empty():
            try:
                image = preprocess.to_mnist(self.canvas.to_array())
            except preprocess.EmptyImageError:
                image = None
        self.model_input = image
        self.input_view.set_image(image)
        analysis = None
        ckpt = self.state.active
        if image is not None and ckpt is not None:
            try:
                analysis = analyse_digit(ckpt.model, image, label=self.label_combo.currentData(),
                                         reference=self._reference_now())
            except (RuntimeError, ValueError) as exc:
                self._show_problem(f"The model could not score this drawing: {exc}")
        self.analysis = analysis
        self._show_analysis(image, ckpt)
        self.state.drawing_changed.emit(image)
        self.state.posterior_changed.emit(
            None if analysis is None else {"mu": analysis.mu.copy(), "logvar": analysis.logvar.copy()})

    def _show_analysis(self, image, ckpt) -> None:
        analysis = self.analysis
        if analysis is None:
            self.recon_view.set_image(None)
            self.diff_view.set_image(None)
            for label in (self.loss_label, self.psnr_label, self.ssim_label, self.percentile_label):
                label.setText("–")
            self.parts_label.setText("")
            self.score_line.setVisible(False)
            self._set_bars(None, None)
            if image is None:
                self._set_verdict("Draw a digit", "palette(mid)")
            elif ckpt is None:
                self._set_verdict("No model: train one or pick one in the toolbar", UNUSUAL_COLOUR)
            return
        self.recon_view.set_image(analysis.reconstruction)
        self.diff_view.set_image(analysis.abs_diff)
        self.loss_label.setText(f"<b>{analysis.loss:.1f}</b> nats")
        self.parts_label.setText(f"= reconstruction {analysis.recon:.1f} + KL {analysis.kl:.1f}")
        self.psnr_label.setText(f"{analysis.psnr:.1f} dB")
        self.ssim_label.setText(f"{analysis.ssim:.3f}")
        if analysis.percentile is None:
            self.percentile_label.setText("– (no test-set scores)")
        else:
            self.percentile_label.setText(f"{analysis.percentile:.1f} %")
        self._set_bars(analysis.label_probs, analysis.label)
        self._refresh_histogram()
        self._show_verdict()

    def _show_problem(self, message: str) -> None:
        self._set_verdict(message, UNUSUAL_COLOUR)

    def _show_verdict(self) -> None:
        if self.analysis is None:
            return
        text = verdict(self.analysis.percentile, self.threshold_spin.value())
        if text is None:
            self._set_verdict("Scored (no test set to compare with)", "palette(text)")
        else:
            colour = UNUSUAL_COLOUR if text == UNUSUAL else TYPICAL_COLOUR
            self._set_verdict(text[0].upper() + text[1:], colour)

    def _set_verdict(self, text: str, colour: str) -> None:
        self.verdict_label.setText(text)
        style = f"color: {colour};"
        if self.verdict_label.styleSheet() != style:  # restyling costs a re-polish: only on change
            self.verdict_label.setStyleSheet(style)

    def _set_bars(self, probs: np.ndarray | None, chosen: int | None) -> None:
        if probs is None:
            count = max(1, self.label_combo.count() - 1)
            self.bars.setOpts(x=np.arange(count), height=np.zeros(count), brushes=None, brush=BAR_COLOUR)
            self.guess_label.setText("Draw a digit to see the guess")
            return
        guess = int(np.argmax(probs))
        brushes = [pg.mkBrush(CHOSEN_BAR_COLOUR if d == chosen else BAR_COLOUR)
                   for d in range(len(probs))]
        self.bars.setOpts(x=np.arange(len(probs)), height=probs, brushes=brushes)
        text = f"Looks like a <b>{guess}</b> (p = {probs[guess]:.2f})"
        if chosen is not None and chosen != guess:
            text += f" · reconstructed as {chosen}"
        self.guess_label.setText(text)

    # Histogram of the test set's scores
    def _cached_reference(self):
        ckpt = self.state.active
        return None if ckpt is None else self.reference.cached(ckpt.model)

    def _refresh_histogram(self) -> None:
        """Redraw the histogram when the reference scores change (a new model); on every update
        only the drawing's line moves, so the histogram is not repainted needlessly."""
        ref = self._cached_reference()
        if ref is None:
            self._hist_ref = None
            self.hist_curve.setData([], [])
            self.threshold_line.setVisible(False)
            self.score_line.setVisible(False)
            return
        if self._hist_ref is not ref:
            values = ref.numpy()
            low = float(values.min())
            top = float(np.percentile(values, 99.9))  # the far tail would squash the histogram
            counts, edges = np.histogram(values, bins=80, range=(low, top))
            self.hist_curve.setData(edges, counts)
            self._hist_ref, self._hist_span = ref, (low, top)
            self._hist_right = None
            self.threshold_line.setVisible(True)
            self._place_threshold_line()
        score = self.analysis.loss if self.analysis is not None else None
        low, top = self._hist_span
        right = top if score is None or score <= top else score * 1.05
        current = self._hist_right
        if current is None or right > current or (right == top and current != top):
            self.hist_plot.setXRange(low, right, padding=0.02)
            self._hist_right = right
        self.score_line.setVisible(score is not None)
        if score is not None:
            self.score_line.setValue(score)

    def _place_threshold_line(self) -> None:
        ref = self._cached_reference()
        if ref is None:
            return
        value = float(np.percentile(ref.numpy(), self.threshold_spin.value()))
        self.threshold_line.blockSignals(True)
        self.threshold_line.setValue(value)
        self.threshold_line.blockSignals(False)
