"""The Latent space tab's side column: the decoded point with the hovered test image, the label
picker (conditional models), one slider per latent dimension and the random samples page. These
are views: the tab decides what they show and acts on their signals."""

from __future__ import annotations

import math

import numpy as np
import torch
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QButtonGroup,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vae_desktop.core import latent
from vae_desktop.core.images import grid
from vae_desktop.core.latent import ACTIVE_COV
from vae_desktop.gui.tabs.sampling import SamplerChoice
from vae_desktop.gui.widgets import tones
from vae_desktop.gui.widgets.focus_frame import ring_style
from vae_desktop.gui.widgets.hint_text import HINT_COLOUR
from vae_desktop.gui.widgets.image_view import DigitView
from vae_desktop.gui.widgets.latent_canvas import DIGIT_COLORS
from vae_desktop.gui.widgets.tab_keys import tab_to_checked

SAMPLE_COUNT = 64
SLIDER_COLUMN = 4  # SliderRow.COLUMNS
SLIDER_STEPS = 1000  # a slider's integer range is [-SLIDER_STEPS, SLIDER_STEPS]
# What an arrow key (and a notch of the wheel) and PageUp/PageDown move a dimension by, in units
# of z: a position of the slider is a thousandth of its span, 0.003 on most.
ARROW_STEP, PAGE_STEP = 0.05, 0.5
# Lines no longer than the old "Hover a point to see": at 1920x1080 the digits leave the least
# room beside them (the decoded digit 280 px, the test image 140 px in a column of 576 px).
HOVER_HINT = "Hover a point, or\nmove the current\npoint onto one, to\nsee its test image"
# The label picker's line: short enough for one line of the column, the why in its tooltip.
NOTE = "The label sets the digit, so z holds only style: colours mix."
NOTE_TIP = ("The decoder gets the label, so the latent space holds only style (slant, width, "
            "stroke): the digits' colours mix on the plot.")
# The decoded digit's side: whole screen pixels per digit pixel, from 5 (140 px) to 11 (308 px),
# about 30% of the tab's height (168 px in a maximised window on a 1280x720 screen, 280 px at
# 1920x1080). The side column takes 30% of the tab's width, 440 to 640 px.
DIGIT_PIXELS, DIGIT_SCALES = 28, (5, 11)
DIGIT_SHARE = 0.30
DECODED_SIDE = 7 * DIGIT_PIXELS  # until the tab is first laid out
SIDE_SHARE, SIDE_WIDTHS = 0.30, (440, 640)
HOVER_SIDES = (84, 140)  # the hovered test image: half the decoded digit, within these
CAPTION_ROOM = 200  # px of the column kept beside the digit for its coordinates
# The label picker's line: the note as a hint, a blend in amber; the inactive dimensions' words
# in orange. Their hues, made as dark (light window) or light (dark one) as text must be to read
# (widgets.tones): fixed, the amber read at 1.7:1 on the light window.
NOTE_TONE, BLEND_TONE = HINT_COLOUR, "#e0b040"
INACTIVE_TONE = "#c98a3a"
# The Dimensions page's words for Burda et al.'s active units (core.latent.ACTIVE_COV).
SPREAD_TIP = ("Spread: how much the dimension's code (the encoder's mean) varies over the test "
              f"images, as a variance. A dimension is active when its spread is above "
              f"{ACTIVE_COV:g}: its code changes with the image. At {ACTIVE_COV:g} or less every "
              "image gets nearly the same code there, so the decoder ignores it: inactive.")
KL_TIP = ("KL: how many nats of information about the image the dimension carries on average "
          "over the test images (its KL divergence from the prior). The list is ordered by it.")


class DimensionSlider(QSlider):
    """A slider for one latent dimension: the arrow keys move it ARROW_STEP, PageUp and
    PageDown PAGE_STEP (to the next multiple of the step, so that the values read round), the
    wheel a few steps a notch. It takes the wheel only while it has the focus (clicked, or reached
    with Tab): otherwise the wheel goes on to the list it is in, which scrolls, instead of moving
    whichever slider passes under the mouse."""

    KEYS = {Qt.Key_Right: ARROW_STEP, Qt.Key_Up: ARROW_STEP, Qt.Key_Left: -ARROW_STEP,
            Qt.Key_Down: -ARROW_STEP, Qt.Key_PageUp: PAGE_STEP, Qt.Key_PageDown: -PAGE_STEP}

    def __init__(self, limit: float, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Horizontal, parent)
        self.limit = limit
        self.setFocusPolicy(Qt.StrongFocus)
        self.setRange(-SLIDER_STEPS, SLIDER_STEPS)
        # The wheel moves singleStep times the platform's lines a notch (3: 0.15).
        self.setSingleStep(max(1, round(ARROW_STEP / limit * SLIDER_STEPS)))
        self.setPageStep(max(1, round(PAGE_STEP / limit * SLIDER_STEPS)))

    def to_value(self, position: int) -> float:
        return position / SLIDER_STEPS * self.limit

    def to_position(self, value: float) -> int:
        return int(round(np.clip(value / self.limit, -1.0, 1.0) * SLIDER_STEPS))

    def keyPressEvent(self, event) -> None:
        step = self.KEYS.get(event.key())
        if step is None or event.modifiers() & ~Qt.KeypadModifier:
            super().keyPressEvent(event)
            return
        event.accept()
        size = abs(step)
        at = self.to_value(self.value()) / size  # in steps
        # The next multiple of the step that way (2.5 steps up is 3, 3 steps up is 4), where a
        # value within half a position of a multiple is on it (0.1 is at 0.0989 on a slider
        # whose position is 0.0034).
        slack = 0.5 * self.limit / SLIDER_STEPS / size
        steps = math.floor(at + slack) + 1 if step > 0 else math.ceil(at - slack) - 1
        self.setValue(self.to_position(steps * size))

    def wheelEvent(self, event) -> None:
        if not self.hasFocus():
            event.ignore()  # to the scroll area
            return
        super().wheelEvent(event)


def small_number(value: float) -> str:
    """Two significant digits below 0.1 ("0.012", "0.0074"), two decimals above ("1.13"), and
    "<0.001" below a thousandth."""
    if value < 0.001:
        return "<0.001"
    return f"{value:.{max(2, 1 - math.floor(math.log10(value)))}f}"


def spread_text(value: float) -> str:
    """A dimension's spread as small_number says it, with more decimals where that rounds it
    onto the other side of ACTIVE_COV (0.0100004 is active: it must not read 0.010), so that
    the number shown always agrees with the dimension's mark."""
    text = small_number(value)
    if text.startswith("<"):
        return text
    decimals = len(text.split(".")[1])
    while (round(value, decimals) > ACTIVE_COV) != (value > ACTIVE_COV) and decimals < 9:
        decimals += 1
        text = f"{value:.{decimals}f}"
    return text


class SliderRow:
    """One latent dimension's name, mark (inactive or not), KL, spread, slider and value, laid
    out on a row of a grid (a column each, so that every row lines up)."""

    def __init__(self, dim: int, kl: float, active: bool, limit: float,
                 activity: float | None = None) -> None:
        self.dim, self.kl, self.active, self.limit = dim, kl, active, limit
        self.name = QLabel(f"<b>z{dim}</b>")
        self.state_label = QLabel("" if active else "inactive")
        tones.set_tone(self.state_label, INACTIVE_TONE)
        self.kl_label = QLabel(small_number(kl))
        self.kl_label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        spread = "–" if activity is None else spread_text(activity)
        self.activity_label = QLabel(spread)
        self.activity_label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.slider = DimensionSlider(limit)
        self.slider.setAccessibleName(f"Dimension z{dim}")
        self.slider.setMinimumWidth(120)
        self.value = QLabel("+0.00")
        # Fixed size: a text change then repaints the label alone instead of asking the whole
        # panel for a new layout (which repaints every row).
        self.value.setFixedSize(max(48, self.value.sizeHint().width() + 6), self.value.sizeHint().height())
        self.value.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        if activity is None:
            verdict = ""
        elif active:
            verdict = (f" Its code's spread over the test images is {spread}, above "
                       f"{ACTIVE_COV:g}: the code changes with the image, so the dimension is "
                       "active.")
        else:
            verdict = (f" Its code's spread over the test images is {spread}, not above "
                       f"{ACTIVE_COV:g}: every image gets nearly the same code here, so the "
                       "decoder ignores this dimension (inactive) and moving it barely changes "
                       "the digit.")
        tip = (f"Dimension z{dim}: the model uses {small_number(kl)} nats of KL here on average "
               f"over the test images.{verdict}\nThe slider spans ±{limit:.1f}; click it (or "
               f"reach it with Tab) to move it with the arrow keys ({ARROW_STEP:g} a press), "
               f"PageUp and PageDown ({PAGE_STEP:g}) or the mouse wheel.")
        for w in self.widgets():
            w.setToolTip(tip)
        if not active:
            for w in (self.kl_label, self.activity_label, self.value):
                tones.set_tone(w, HINT_COLOUR)

    COLUMNS = ("name", "mark", "KL", "spread", "slider", "value")

    def widgets(self) -> tuple[QWidget, ...]:
        return (self.name, self.state_label, self.kl_label, self.activity_label, self.slider,
                self.value)

    def to_value(self, position: int) -> float:
        return self.slider.to_value(position)

    def show_value(self, value: float) -> None:
        pos = self.slider.to_position(value)
        self.slider.blockSignals(True)
        self.slider.setValue(pos)
        self.slider.blockSignals(False)
        self.value.setText(f"{value:+.2f}")


class DimensionSliders(QWidget):
    """The Dimensions page: one SliderRow per latent dimension, active units first, each group
    by descending KL."""

    # (row, slider position, final): final when the slider was let go (or moved by the keys)
    moved = Signal(object, int, bool)
    origin_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[SliderRow] = []
        col = QVBoxLayout(self)
        col.setContentsMargins(6, 6, 6, 6)
        top = QHBoxLayout()
        self.note = QLabel("")
        self.note.setWordWrap(True)
        tones.set_tone(self.note, HINT_COLOUR)
        top.addWidget(self.note, stretch=1)
        origin = QPushButton("Origin")
        origin.setToolTip("Move the current point to z = 0, the prior's mean")
        origin.clicked.connect(self.origin_clicked)
        top.addWidget(origin)
        col.addLayout(top)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.NoFrame)
        # No Tab stop of its own (it shows no focus and does nothing): Tab goes to the sliders,
        # and the list scrolls to the one that has the focus.
        self.scroll.setFocusPolicy(Qt.NoFocus)
        col.addWidget(self.scroll, stretch=1)

    def clear(self, note: str) -> None:
        self.scroll.setWidget(QWidget())  # the scroll area deletes the old rows
        self.rows = []
        self.note.setText(note)

    def build(self, stats: latent.LatentStats) -> None:
        # A fresh container each time: the scroll area deletes the old one with its rows.
        container = QWidget()
        grid = QGridLayout(container)
        grid.setContentsMargins(0, 0, 6, 0)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(SLIDER_COLUMN, 1)
        # The columns' headers: the numbers go without units or names on every row.
        self.kl_header = QLabel("KL, nats")
        self.kl_header.setToolTip(KL_TIP)
        self.spread_header = QLabel("Spread")
        self.spread_header.setToolTip(SPREAD_TIP)
        for column, header in ((2, self.kl_header), (3, self.spread_header)):
            tones.set_tone(header, HINT_COLOUR)
            header.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
            grid.addWidget(header, 0, column)
        self.rows = []
        row_index = 1
        for d, active in zip(stats.order, stats.active, strict=True):
            if not active and (not self.rows or self.rows[-1].active):
                header = QLabel(f"Inactive: spread {ACTIVE_COV:g} or less. Every image gets "
                                "nearly the same code in these, so the decoder ignores them.")
                header.setWordWrap(True)
                header.setToolTip(SPREAD_TIP)
                header.setContentsMargins(0, 6, 0, 0)
                tones.set_tone(header, INACTIVE_TONE)
                grid.addWidget(header, row_index, 0, 1, len(SliderRow.COLUMNS))
                row_index += 1
            activity = None if stats.activity is None else float(stats.activity[d])
            row = SliderRow(d, float(stats.kl[d]), active, float(stats.limits[d]), activity)
            for col, widget in enumerate(row.widgets()):
                grid.addWidget(widget, row_index, col)
            row.slider.valueChanged.connect(
                lambda pos, r=row: self.moved.emit(r, pos, not r.slider.isSliderDown()))
            row.slider.sliderReleased.connect(lambda r=row: self.moved.emit(r, r.slider.value(), True))
            self.rows.append(row)
            row_index += 1
        grid.setRowStretch(row_index, 1)
        self.scroll.setWidget(container)
        active = sum(stats.active)
        self.note.setText(f"{active} of {len(stats.order)} dimensions active (spread above "
                          f"{ACTIVE_COV:g}), listed by how much the model uses each (KL).")
        self.note.setToolTip(SPREAD_TIP)

    def show_values(self, z) -> None:
        for row in self.rows:
            row.show_value(float(z[row.dim]))


class LabelPicker(QWidget):
    """Ten digit buttons for a conditional model, and one line under them: what the label does,
    or what the current point is decoded under when that is a blend of labels (then no button
    is checked). It sits in the Decoded point box, as a row of it rather than a box of its own:
    at 1280x720 a box with a title and a wrapped note pushed the tab past the window."""

    picked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setToolTip("A conditional model decodes every point as this digit")
        row = QHBoxLayout()
        row.setSpacing(3)
        row.addWidget(QLabel("Decode as"))
        row.addSpacing(4)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        for d in range(10):
            button = QToolButton()
            button.setText(str(d))
            button.setCheckable(True)
            button.setMinimumWidth(28)
            button.setToolTip(f"Decode as digit {d} (the arrow keys pick the next digit)")
            button.setAccessibleName(f"Decode as digit {d}")
            # The keyboard focus as a ring, as on the other rows of digits (widgets.focus_frame).
            button.setStyleSheet(
                f"QToolButton:checked {{ background: {DIGIT_COLORS[d]}; color: black; "
                "font-weight: bold; }\n" + ring_style("QToolButton"))
            self.group.addButton(button, d)
            row.addWidget(button)
        row.addStretch(1)
        self.group.button(0).setChecked(True)
        tab_to_checked(self.group)  # Tab reaches the digit decoded as, as in a radio group
        self.group.idClicked.connect(self.picked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addLayout(row)
        # One line whatever it says (the note, or a blend), so a blend does not make the tab
        # taller; clipped rather than widening the column, the whole text in the tooltip.
        self.line = QLabel(NOTE)
        self.line.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
        tones.set_tone(self.line, NOTE_TONE)
        self.line.setToolTip(NOTE_TIP)
        layout.addWidget(self.line)
        self._blend = ""

    def set_num_classes(self, count: int) -> None:
        for d in range(10):
            self.group.button(d).setEnabled(d < count)

    def show_weights(self, weights: np.ndarray) -> None:
        """Check the label's button, or for a blend uncheck them all and say what it is."""
        weights = np.asarray(weights, dtype=np.float32)
        single = bool(np.isclose(weights.max(), 1.0))
        if single:
            self.group.button(int(weights.argmax())).setChecked(True)
        else:
            checked = self.group.checkedButton()
            if checked is not None:  # an exclusive group never unchecks its last button itself
                self.group.setExclusive(False)
                checked.setChecked(False)
                self.group.setExclusive(True)
        self._blend = "" if single else f"Decoded under a {latent.describe_label(weights)}."
        self.line.setText(self._blend or NOTE)
        tones.set_tone(self.line, BLEND_TONE if self._blend else NOTE_TONE)
        self.line.setToolTip(f"{self._blend} Pick a digit to decode it as that digit."
                             if self._blend else NOTE_TIP)

    def checked_label(self) -> int | None:
        d = self.group.checkedId()
        return None if d < 0 else d

    def blend_text(self) -> str:
        """What the line says of a blend ("" when the point has a single label)."""
        return self._blend


class DecodedPointBox(QGroupBox):
    """The decoded current point, its coordinates, the test image under the mouse, and (for a
    conditional model: the tab hides it for others) the label picker: the label is part of
    what the point is decoded as."""

    def __init__(self, label_picker: LabelPicker, parent: QWidget | None = None) -> None:
        super().__init__("Decoded point", parent)
        grid = QGridLayout(self)
        # The digit at the top left, its coordinates beside it and the hovered test image with
        # its caption under them: beside the digit, not under it, so that a short window (a
        # maximised one on a 720-pixel screen) has room for the rest of the column.
        self.digit_view = DigitView(title="The decoded current point", min_size=DIGIT_PIXELS)
        self.digit_view.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Fixed)
        grid.addWidget(self.digit_view, 0, 0, 2, 1, Qt.AlignTop)
        self.coord_label = QLabel("")
        self.coord_label.setWordWrap(True)
        self.coord_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.coord_label.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        grid.addWidget(self.coord_label, 0, 1)
        self.hover_view = DigitView(title="The test image under the mouse or the current point",
                                    min_size=HOVER_SIDES[0])
        self.hover_label = QLabel(HOVER_HINT)
        tones.set_tone(self.hover_label, HINT_COLOUR)
        self.hover_label.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        hover = QHBoxLayout()
        hover.setSpacing(6)
        hover.addWidget(self.hover_view, 0, Qt.AlignTop)
        hover.addWidget(self.hover_label, 1)
        grid.addLayout(hover, 1, 1)
        grid.setRowStretch(1, 1)
        self.set_digit_side(DECODED_SIDE)
        grid.addWidget(label_picker, 2, 0, 1, 2)  # a hidden picker's row takes no room
        buttons = QHBoxLayout()
        self.drawing_button = QPushButton("Go to drawing")
        self.drawing_button.setToolTip("Move the current point to the posterior mean of the "
                                       "Draw tab's drawing (the star on the plot); a conditional "
                                       "model decodes it as the digit the Draw tab reads it as, "
                                       "or the one picked in its Reconstruct as")
        self.drawing_button.setEnabled(False)
        buttons.addWidget(self.drawing_button)
        self.export_button = QPushButton("Export digit…")
        self.export_button.setToolTip("Save the decoded digit as a PNG image")
        buttons.addWidget(self.export_button)
        grid.addLayout(buttons, 3, 0, 1, 2)
        grid.setColumnStretch(1, 1)

    def set_digit_side(self, side: int) -> None:
        """The decoded digit `side` px square, the hovered test image half that."""
        self.digit_view.setFixedSize(side, side)
        hover = int(np.clip(side // 2, *HOVER_SIDES))
        self.hover_view.setFixedSize(hover, hover)

    def show_hovered(self, image: np.ndarray | None, text: str = "") -> None:
        """The hovered test image with its caption, or (None) the hint that hovering shows one."""
        self.hover_view.set_image(image)
        self.hover_label.setText(text if image is not None else HOVER_HINT)
        tones.set_tone(self.hover_label, None if image is not None else HINT_COLOUR)


class SamplesPage(QWidget):
    """The Random samples page: decodes of codes from a sampler (prior or aggregate-posterior
    mixture) at a temperature. The codes are fixed by a seed, so moving the slider rescales the
    same samples."""

    temperature_changed = Signal(float)
    new_requested = Signal()
    export_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.seed = 0  # the codes' seed: new_noise (a new model, "New samples") moves it on
        col = QVBoxLayout(self)
        col.setContentsMargins(6, 6, 6, 6)
        self.sampler_choice = SamplerChoice()  # the tab binds it to the model (SamplerSource)
        col.addWidget(self.sampler_choice)
        # Its least size sets the column's: larger, and a conditional model's tab (whose label
        # picker takes a row) no longer fits at 1280x720.
        self.view = DigitView(title="Decodes of z ~ N(0, I) x temperature", min_size=140)
        # The grid with its buttons under it, or beside it when the page is short (1280x720):
        # there the square grid leaves room at its sides, and a row under it would shrink it.
        self.middle = QBoxLayout(QBoxLayout.TopToBottom)
        self.middle.addWidget(self.view, stretch=1)
        self.buttons = QBoxLayout(QBoxLayout.LeftToRight)
        self.middle.addLayout(self.buttons)
        col.addLayout(self.middle, stretch=1)
        row = QHBoxLayout()
        temp_caption = QLabel("Temperature")
        row.addWidget(temp_caption)
        self.temp_slider = QSlider(Qt.Horizontal)
        temp_caption.setBuddy(self.temp_slider)  # a screen reader names the slider by it
        self.temp_slider.setRange(0, 200)
        self.temp_slider.setValue(100)
        self.temp_slider.setToolTip("Scale of the codes' randomness. Prior: z = t x noise, so 0 decodes "
                                    "the origin and above 1 reaches regions the model rarely saw. "
                                    "Mixture: z = component mean + t x its spread, so 0 decodes the "
                                    "component means")
        self.temp_slider.valueChanged.connect(self._on_temperature)
        row.addWidget(self.temp_slider, stretch=1)
        self.temp_label = QLabel("1.00")
        self.temp_label.setMinimumWidth(34)
        row.addWidget(self.temp_label)
        col.addLayout(row)
        again = QPushButton("New samples")
        again.setToolTip("Draw 64 new codes (R)")
        again.clicked.connect(self.new_requested)
        self.buttons.addWidget(again)
        export = QPushButton("Export samples…")
        export.setToolTip("Save the 8 x 8 grid as a PNG image")
        export.clicked.connect(self.export_requested)
        self.buttons.addWidget(export)

    def resizeEvent(self, event) -> None:
        # Only the page's own shape decides, not what is in it: the side column sizes the page,
        # so moving the buttons cannot make it move them back.
        beside = self.height() < self.width()
        if beside != (self.middle.direction() == QBoxLayout.LeftToRight):
            self.middle.setDirection(QBoxLayout.LeftToRight if beside else QBoxLayout.TopToBottom)
            self.buttons.setDirection(QBoxLayout.TopToBottom if beside else QBoxLayout.LeftToRight)
            self.middle.setAlignment(self.buttons, Qt.AlignTop if beside else Qt.Alignment())
        super().resizeEvent(event)

    def temperature(self) -> float:
        return self.temp_slider.value() / 100.0

    def _on_temperature(self, _value: int) -> None:
        self.temp_label.setText(f"{self.temperature():.2f}")
        self.temperature_changed.emit(self.temperature())

    def new_noise(self, _latent_dim: int | None = None) -> None:
        """New codes: the next seed."""
        self.seed += 1

    def codes(self, sampler, label=None) -> torch.Tensor | None:
        """The SAMPLE_COUNT codes of `sampler` (core.mixture.Sampler; None: none) under `label`
        (a digit, label weights, or None) at the slider's temperature."""
        if sampler is None:
            return None
        return sampler.codes(SAMPLE_COUNT, self.temperature(), self.seed, label)

    def show_decodes(self, model, label, sampler) -> None:
        """Decode the sampler's codes with `model` under `label` (a digit or label weights, or
        None)."""
        if model is None or sampler is None or sampler.latent_dim != model.latent_dim:
            return
        self.view.setToolTip(f"Decodes of codes from {sampler.name} at temperature "
                             f"{self.temperature():.2f}")
        self.view.set_image(grid(latent.decode(model, self.codes(sampler, label), label), nrow=8,
                                 padding=2))


class SideColumn(QWidget):
    """The column beside the plot: the decoded point with the label picker, and the Dimensions
    and Random samples pages."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedWidth(SIDE_WIDTHS[0])
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(8)
        self.label_box = LabelPicker()
        self.point_box = DecodedPointBox(self.label_box)
        col.addWidget(self.point_box)
        self.sliders = DimensionSliders()
        self.samples = SamplesPage()
        self.pages = QTabWidget()
        self.pages.addTab(self.sliders, "Dimensions")
        self.pages.addTab(self.samples, "Random samples")
        col.addWidget(self.pages, stretch=1)

    def fit_to(self, width: int, height: int) -> bool:
        """Size the column and its decoded digit for a tab of `width` x `height` px: on a large
        window both grow (the column stayed 440 px wide at 1920x1080, a small digit over a
        mostly empty panel); on a short one the digit shrinks so that the tab fits. Returns
        whether anything changed size."""
        column = int(np.clip(round(SIDE_SHARE * width), *SIDE_WIDTHS))
        scale = int(np.clip(int(DIGIT_SHARE * height) // DIGIT_PIXELS, *DIGIT_SCALES))
        scale = min(scale, (column - CAPTION_ROOM) // DIGIT_PIXELS)
        changed = False
        if column != self.minimumWidth():
            self.setFixedWidth(column)
            changed = True
        if scale * DIGIT_PIXELS != self.point_box.digit_view.width():
            self.point_box.set_digit_side(scale * DIGIT_PIXELS)
            changed = True
        return changed
