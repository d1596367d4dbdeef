"""Conditional tab: ask a conditional VAE for a digit. A grid of samples of the picked digit, the
all-digits view (one code per row written as every digit) and style transfer (a drawing or a
test digit rewritten as all ten digits in its own style). With an unconditional model the tab
explains what it needs and offers to switch to a conditional model or to train one."""

from __future__ import annotations

import secrets
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import torch
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vae_desktop.core import generate
from vae_desktop.core.images import grid, save_png
from vae_desktop.gui.widgets.image_view import DigitView

DIGITS = 10
PNG_SCALE = 4
MAX_SEED = 999_999
DIGIT_BUTTON_STYLE = """
QPushButton { font-size: 17px; font-weight: 600; min-width: 38px; min-height: 38px; }
QPushButton:checked { background: #1a73e8; color: white; border: 1px solid #1558b0; border-radius: 4px; }
"""


def _clip_to_width(label: QLabel) -> None:
    """Let a one-line label be narrower than its text (clipped) instead of widening the tab."""
    label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
    label.setMinimumWidth(40)


def _panel(title: QLabel, body: QWidget, export: QToolButton, note: QLabel | None = None) -> QFrame:
    """A titled frame with an export button (and an optional note) in its header."""
    frame = QFrame()
    frame.setFrameShape(QFrame.StyledPanel)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(8, 6, 8, 8)
    header = QHBoxLayout()
    title.setStyleSheet("font-weight: 600;")
    if note is None:
        _clip_to_width(title)
        header.addWidget(title, 1)
    else:
        header.addWidget(title)
        _clip_to_width(note)
        header.addWidget(note, 1)
    header.addWidget(export)
    layout.addLayout(header)
    layout.addWidget(body, 1)
    return frame


def _export_button(tooltip: str) -> QToolButton:
    button = QToolButton()
    button.setText("Export PNG…")
    button.setToolTip(tooltip)
    return button


class ConditionalTab(QWidget):
    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.samples: torch.Tensor | None = None  # [N, 1, 28, 28] of the picked digit
        self.digits_view: generate.AllDigits | None = None
        self.style: generate.StyleTransfer | None = None
        self.style_source: np.ndarray | None = None  # the 28x28 image being restyled
        self.style_error: str | None = None

        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_needs_model_page())
        self.pages.addWidget(self._build_main_page())
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.pages)

        # Several settings can change in one go (a model switch); redraw once, after them.
        self._dirty: set[str] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._refresh)

        state.model_changed.connect(self._on_model_changed)
        state.models_changed.connect(self._update_needs_model_page)
        state.drawing_changed.connect(self._on_drawing_changed)
        self._on_model_changed(state.active)

    # ------------------------------------------------------------------ building
    def _build_needs_model_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        box = QFrame()
        box.setFrameShape(QFrame.StyledPanel)
        box.setMaximumWidth(640)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(14)
        self.needs_title = QLabel("<h2>This tab needs a conditional model</h2>")
        self.needs_text = QLabel()
        self.needs_text.setWordWrap(True)
        self.needs_text.setTextFormat(Qt.RichText)
        self.needs_text.setStyleSheet("font-size: 13px; line-height: 140%;")
        inner.addWidget(self.needs_title)
        inner.addWidget(self.needs_text)
        buttons = QHBoxLayout()
        self.switch_button = QPushButton("Switch to a conditional model")
        self.switch_button.setDefault(True)
        self.switch_button.clicked.connect(self.switch_to_conditional)
        self.train_button = QPushButton("Train one…")
        self.train_button.setToolTip("Open the Train tab with a conditional model's settings filled in")
        self.train_button.clicked.connect(self.request_training)
        for button in (self.switch_button, self.train_button):
            button.setMinimumHeight(32)
            button.setStyleSheet("padding: 4px 14px;")
            buttons.addWidget(button)
        buttons.addStretch(1)
        inner.addLayout(buttons)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box, 3)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        return page

    def _build_main_page(self) -> QWidget:
        page = QWidget()
        self.main_page = page
        layout = QHBoxLayout(page)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(10)
        layout.addWidget(self._build_controls())
        layout.addLayout(self._build_views(), 1)
        return page

    def _build_controls(self) -> QWidget:
        panel = QWidget()
        panel.setFixedWidth(290)
        col = QVBoxLayout(panel)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(10)

        digit_box = QGroupBox("Digit")
        grid_layout = QGridLayout(digit_box)
        grid_layout.setSpacing(6)
        self.digit_group = QButtonGroup(self)
        self.digit_group.setExclusive(True)
        for d in range(DIGITS):
            button = QPushButton(str(d))
            button.setCheckable(True)
            button.setStyleSheet(DIGIT_BUTTON_STYLE)
            button.setToolTip(f"Generate {d}s (key {d})")
            self.digit_group.addButton(button, d)
            grid_layout.addWidget(button, d // 5, d % 5)
            # Parented to the main page: active only while it is shown and enabled; a spin box
            # being edited still gets its digits (it claims them first).
            shortcut = QShortcut(QKeySequence(str(d)), self.main_page)
            shortcut.activated.connect(lambda d=d: self.set_label(d))
        self.digit_group.button(7).setChecked(True)
        self.digit_group.idToggled.connect(self._on_digit_toggled)
        col.addWidget(digit_box)

        sampling = QGroupBox("Sampling")
        form = QFormLayout(sampling)
        self.count_spin = QSpinBox()
        self.count_spin.setRange(1, generate.MAX_SAMPLES)
        self.count_spin.setValue(36)
        self.count_spin.setToolTip("How many samples of the digit to draw (1 to 100)")
        form.addRow("Samples", self.count_spin)
        temp_row = QHBoxLayout()
        self.temp_slider = QSlider(Qt.Horizontal)
        self.temp_slider.setRange(0, 200)
        self.temp_slider.setValue(100)
        self.temp_slider.setToolTip(
            "Temperature: z ~ N(0, t² I). Low values give typical, tidy digits; high values, odd ones")
        self.temp_label = QLabel("1.00")
        self.temp_label.setMinimumWidth(34)
        temp_row.addWidget(self.temp_slider, 1)
        temp_row.addWidget(self.temp_label)
        form.addRow("Temperature", temp_row)
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, MAX_SEED)
        self.seed_spin.setValue(1)
        self.seed_spin.setToolTip("The same seed always gives the same samples")
        form.addRow("Seed", self.seed_spin)
        self.rows_spin = QSpinBox()
        self.rows_spin.setRange(1, 12)
        self.rows_spin.setValue(8)
        self.rows_spin.setToolTip("Rows of the all-digits view: one handwriting style per row")
        form.addRow("Styles", self.rows_spin)
        self.new_button = QPushButton("New samples")
        self.new_button.setToolTip("Draw new codes with a fresh seed (Ctrl+R)")
        self.new_button.setShortcut(QKeySequence("Ctrl+R"))
        self.new_button.clicked.connect(self.new_samples)
        form.addRow(self.new_button)
        col.addWidget(sampling)

        style_box = QGroupBox("Style transfer source")
        sform = QFormLayout(style_box)
        self.src_drawing = QRadioButton("The drawing on the Draw tab")
        self.src_test = QRadioButton("Test digit #")
        self.src_test.setChecked(True)
        self.test_index = QSpinBox()
        self.test_index.setRange(0, 9999)
        self.test_index.setValue(0)
        self.test_index.setToolTip("Index into the 10,000 MNIST test digits")
        test_row = QHBoxLayout()
        test_row.addWidget(self.src_test)
        test_row.addWidget(self.test_index, 1)
        sform.addRow(self.src_drawing)
        sform.addRow(test_row)
        self.label_combo = QComboBox()
        self.label_combo.addItem("Guess (the model reads it)", None)
        for d in range(DIGITS):
            self.label_combo.addItem(f"It is a {d}", d)
        self.label_combo.setToolTip(
            "The label the image is encoded with. 'Guess' lets the model pick the label under which "
            "the image is most likely (softmax of the negative ELBO)")
        sform.addRow("Label", self.label_combo)
        col.addWidget(style_box)
        col.addStretch(1)
        self.model_label = QLabel()
        _clip_to_width(self.model_label)
        self.model_label.setStyleSheet("color: palette(mid);")
        col.addWidget(self.model_label)

        for signal, parts in (
            (self.count_spin.valueChanged, {"samples"}),
            (self.seed_spin.valueChanged, {"samples", "digits"}),
            (self.rows_spin.valueChanged, {"digits"}),
            (self.src_drawing.toggled, {"style"}),
            (self.test_index.valueChanged, {"style"}),
            (self.label_combo.currentIndexChanged, {"style"}),
        ):
            signal.connect(lambda *_, parts=parts: self._schedule(*parts))
        self.temp_slider.valueChanged.connect(self._on_temperature)
        self.test_index.valueChanged.connect(lambda *_: self.src_test.setChecked(True))
        return panel

    def _build_views(self) -> QGridLayout:
        views = QGridLayout()
        views.setSpacing(10)
        self.samples_title = QLabel()
        self.samples_view = DigitView(title="Samples of the picked digit", min_size=200)
        self.samples_export = _export_button("Save the samples grid as a PNG")
        self.samples_export.clicked.connect(lambda: self._export_dialog("samples"))
        views.addWidget(_panel(self.samples_title, self.samples_view, self.samples_export), 0, 0)

        self.digits_title = QLabel("All digits: each row one code, written as 0 to 9")
        self.digits_view_widget = DigitView(title="Each row: the same z with labels 0 to 9", min_size=200)
        self.digits_export = _export_button("Save the all-digits view as a PNG")
        self.digits_export.clicked.connect(lambda: self._export_dialog("digits"))
        views.addWidget(_panel(self.digits_title, self.digits_view_widget, self.digits_export), 0, 1)

        style_body = QWidget()
        row = QHBoxLayout(style_body)
        row.setContentsMargins(0, 0, 0, 0)
        source_col = QVBoxLayout()
        self.source_view = DigitView(title="The image being restyled", min_size=96)
        self.source_view.setFixedSize(112, 112)
        self.source_caption = QLabel()
        self.source_caption.setAlignment(Qt.AlignCenter)
        self.source_caption.setStyleSheet("color: palette(mid);")
        source_col.addWidget(self.source_view)
        source_col.addWidget(self.source_caption)
        source_col.addStretch(1)
        row.addLayout(source_col)
        arrow = QLabel("→")
        arrow.setStyleSheet("font-size: 26px; color: palette(mid);")
        row.addWidget(arrow)
        self.style_view = DigitView(title="The same style written as 0 to 9", min_size=80)
        self.style_view.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        row.addWidget(self.style_view, 1)
        self.probs_plot = pg.PlotWidget()
        self.probs_plot.setFixedWidth(250)
        self.probs_plot.setBackground(None)
        self.probs_plot.setMouseEnabled(False, False)
        self.probs_plot.hideButtons()
        self.probs_plot.setMenuEnabled(False)
        self.probs_plot.setYRange(0, 1, padding=0.02)
        self.probs_plot.setXRange(-0.6, 9.6, padding=0)
        self.probs_plot.setTitle("p(label | image)", size="9pt")
        self.probs_plot.getAxis("bottom").setTicks([[(d, str(d)) for d in range(DIGITS)]])
        self.probs_plot.getAxis("left").setTicks([[(0, "0"), (0.5, ".5"), (1, "1")]])
        self.probs_bars = pg.BarGraphItem(x=np.arange(DIGITS), height=np.zeros(DIGITS), width=0.7,
                                          brush="#8ab4f8")
        self.probs_plot.addItem(self.probs_bars)
        self.probs_plot.setToolTip("How likely each label makes the image under the model "
                                   "(softmax of the negative ELBO)")
        row.addWidget(self.probs_plot)

        self.style_title = QLabel("Style transfer")
        self.style_message = QLabel()
        self.style_message.setTextFormat(Qt.RichText)
        self.style_message.linkActivated.connect(lambda _: self.state.tab_requested.emit("Draw"))
        self.style_export = _export_button("Save the source and its ten rewritings as a PNG")
        self.style_export.clicked.connect(lambda: self._export_dialog("style"))
        style_panel = _panel(self.style_title, style_body, self.style_export, self.style_message)
        style_panel.setMaximumHeight(250)
        views.addWidget(style_panel, 1, 0, 1, 2)
        views.setRowStretch(0, 3)
        views.setRowStretch(1, 1)
        return views

    # ------------------------------------------------------------------ settings
    @property
    def label(self) -> int:
        return max(0, self.digit_group.checkedId())

    @property
    def temperature(self) -> float:
        return self.temp_slider.value() / 100.0

    def set_label(self, label: int) -> None:
        button = self.digit_group.button(int(label))
        if button is not None and button.isEnabled():
            button.setChecked(True)

    def new_samples(self) -> None:
        """Fresh codes: a new random seed (shown, so the result can be had again)."""
        seed = self.seed_spin.value()
        while seed == self.seed_spin.value():
            seed = secrets.randbelow(MAX_SEED + 1)
        self.seed_spin.setValue(seed)

    def _on_digit_toggled(self, label: int, checked: bool) -> None:
        if checked:
            self._schedule("samples")

    def _on_temperature(self, value: int) -> None:
        self.temp_label.setText(f"{value / 100:.2f}")
        self._schedule("samples", "digits")

    def _on_drawing_changed(self, image) -> None:
        if self.src_drawing.isChecked():
            self._schedule("style")

    # ------------------------------------------------------------------ model
    def _model(self):
        ckpt = self.state.active
        if ckpt is None or not ckpt.config.conditional:
            return None
        return ckpt.model

    def _on_model_changed(self, ckpt) -> None:
        model = self._model()
        self._update_needs_model_page()
        if model is None:
            self.pages.setCurrentIndex(0)
            self.main_page.setEnabled(False)  # also silences the 0-9 shortcuts
            return
        self.pages.setCurrentIndex(1)
        self.main_page.setEnabled(True)
        for d in range(DIGITS):
            self.digit_group.button(d).setEnabled(d < model.num_classes)
        if self.label >= model.num_classes:
            self.set_label(0)
        cfg = self.state.active.config
        self.model_label.setText(f"Model: <b>{self.state.active.name}</b><br>{cfg.describe()}")
        self._schedule("samples", "digits", "style")

    def _update_needs_model_page(self) -> None:
        ckpt = self.state.active
        target = self.state.find_model(conditional=True)
        if ckpt is None:
            text = ("No model is loaded. A <b>conditional</b> VAE (CVAE) is trained with the digit "
                    "labels, so it can be asked to write a particular digit in any handwriting style.")
        else:
            text = (f"The active model, <b>{ckpt.name}</b> ({ckpt.config.describe()}), was trained "
                    "without labels, so it cannot be asked for a particular digit. A <b>conditional</b> "
                    "VAE (CVAE) also sees each digit's label, and can then write any digit in any "
                    "handwriting style.")
        if target is None:
            text += "<br><br>No conditional model is loaded; train one on the Train tab."
        self.needs_text.setText(text)
        self.switch_button.setVisible(target is not None)
        if target is not None:
            self.switch_button.setText(f"Switch to {target.name}")
            self.switch_button.setToolTip(f"Make {target.name} ({target.config.describe()}) the active model")

    def switch_to_conditional(self) -> None:
        target = self.state.find_model(conditional=True)
        if target is not None:
            self.state.set_active(target)

    def request_training(self) -> None:
        """Hand the Train tab a conditional model's settings, like the current model otherwise."""
        settings = {"conditional": True, "num_classes": DIGITS}
        if self.state.active is not None:
            cfg = self.state.active.config
            settings.update(latent_dim=cfg.latent_dim, hidden=cfg.hidden, arch=cfg.arch)
        self.state.training_settings_requested.emit(settings)
        self.state.tab_requested.emit("Train")

    # ------------------------------------------------------------------ drawing
    def _schedule(self, *parts: str) -> None:
        self._dirty.update(parts)
        if self.isVisible():  # a hidden tab catches up when shown (a model switch stays cheap)
            self._timer.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty:
            self._timer.start()

    def refresh_now(self) -> None:
        """Bring every view up to date at once (the views otherwise update on the next event loop
        turn, so that several changes cost one redraw)."""
        self._dirty.update({"samples", "digits", "style"})
        self._timer.stop()
        self._refresh()

    def _refresh(self) -> None:
        parts, self._dirty = self._dirty, set()
        model = self._model()
        if model is None:
            return
        if "samples" in parts:
            self.samples = generate.conditional_samples(
                model, self.label, self.count_spin.value(), self.temperature, self.seed_spin.value())
            n = self.samples.shape[0]
            self.samples_view.set_image(grid(self.samples, nrow=int(np.ceil(np.sqrt(n)))))
            self.samples_title.setText(f"{n} sample{'s' if n > 1 else ''} of the digit {self.label} · "
                                       f"t = {self.temperature:.2f} · seed {self.seed_spin.value()}")
        if "digits" in parts:
            self.digits_view = generate.all_digits(
                model, self.rows_spin.value(), self.temperature, self.seed_spin.value())
            self.digits_view_widget.set_image(grid(self.digits_view.images, nrow=self.digits_view.columns))
        if "style" in parts:
            self._refresh_style(model)

    def _style_source(self) -> tuple[np.ndarray | None, int | None, str]:
        """(image, true label or None, caption) of the style transfer source."""
        if self.src_drawing.isChecked():
            if self.state.drawing is None:
                return None, None, ""
            return np.asarray(self.state.drawing, dtype=np.float32).reshape(28, 28), None, "your drawing"
        images, labels = self.state.test_set()
        i = self.test_index.value()
        return images[i].numpy().astype(np.float32) / 255.0, int(labels[i]), f"test #{i} (a {int(labels[i])})"

    def _refresh_style(self, model) -> None:
        try:
            image, _true_label, caption = self._style_source()
        except Exception as exc:  # the test set could not be read: say so in place
            image, caption = None, ""
            self.style_error = f"Could not read the test set: {exc}"
        else:
            self.style_error = None
        self.style_source = image
        self.source_caption.setText(caption)
        if image is None:
            self.style = None
            self.source_view.set_image(None)
            self.style_view.set_image(np.zeros((28, 28 * DIGITS), np.float32))
            self.probs_bars.setOpts(height=np.zeros(DIGITS))
            self.style_message.setText(
                f"<span style='color:#d93025'>{self.style_error}</span>" if self.style_error else
                "Draw a digit first: <a href='draw'>open the Draw tab</a>")
            return
        given = self.label_combo.currentData()
        self.style = generate.style_transfer(model, torch.from_numpy(image), given)
        if self.style.probs is not None:
            probs = self.style.probs.numpy()
        else:  # the label was given: still show how the model reads the image
            probs = generate.guess_label(model, torch.from_numpy(image))[1][0].numpy()
        self.source_view.set_image(image)
        self.style_view.set_image(grid(self.style.images, nrow=DIGITS))
        brushes = [pg.mkBrush("#1a73e8" if d == self.style.label else "#8ab4f8") for d in range(DIGITS)]
        self.probs_bars.setOpts(height=probs, brushes=brushes)
        read = int(probs.argmax())
        how = "its guessed label" if self.style.guessed else "the given label"
        self.style_message.setText(
            f"encoded as a <b>{self.style.label}</b> ({how}); the model reads it as a {read} "
            f"({probs[read]:.0%})")

    # ------------------------------------------------------------------ export
    def export_image(self, which: str) -> np.ndarray:
        """The 2-D float image of one view: 'samples', 'digits' or 'style'."""
        self._timer.stop()
        if self._dirty:
            self._refresh()
        if which == "samples" and self.samples is not None:
            return grid(self.samples, nrow=int(np.ceil(np.sqrt(self.samples.shape[0]))))
        if which == "digits" and self.digits_view is not None:
            return grid(self.digits_view.images, nrow=self.digits_view.columns)
        if which == "style" and self.style is not None:
            source = torch.from_numpy(self.style_source).reshape(1, 1, 28, 28)
            return grid(torch.cat([source, self.style.images]), nrow=DIGITS + 1)
        raise ValueError(f"nothing to export for {which!r}")

    def export_png(self, which: str, path: str | Path) -> Path:
        return save_png(path, self.export_image(which), scale=PNG_SCALE)

    def _export_dialog(self, which: str) -> None:
        names = {"samples": f"cvae-samples-{self.label}.png", "digits": "cvae-all-digits.png",
                 "style": "cvae-style-transfer.png"}
        path, _ = QFileDialog.getSaveFileName(self, "Export PNG", names[which], "PNG images (*.png)")
        if not path:
            return
        try:
            saved = self.export_png(which, path)
        except (OSError, ValueError) as exc:
            self.state.status_message.emit(f"Could not export: {exc}", 6000)
        else:
            self.state.status_message.emit(f"Saved {saved}", 4000)
