"""The Conditional tab's controls: the digit picker (buttons 0-9, keys 0-9), the sampling settings
and the style transfer source; and the page shown when the active model is not conditional."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from vae_desktop.core import generate
from vae_desktop.gui.tabs.sampling import SamplerChoice
from vae_desktop.gui.widgets import tones
from vae_desktop.gui.widgets.focus_frame import ring_style
from vae_desktop.gui.widgets.hint_text import HINT_COLOUR
from vae_desktop.gui.widgets.range_spin import RangeSpinBox, Refusals
from vae_desktop.gui.widgets.tab_keys import TabKeys, tab_to_checked

DIGITS = 10
MAX_SEED = 999_999
# Tab and the arrow keys move through these buttons: the keyboard focus is a ring, as on the
# other rows of digits (widgets.focus_frame).
DIGIT_BUTTON_STYLE = """
QPushButton { font-size: 17px; font-weight: 600; min-width: 38px; min-height: 38px; }
QPushButton:checked { background: #1a73e8; color: white; border: 1px solid #1558b0; border-radius: 4px; }
""" + ring_style("QPushButton")


class Controls(QWidget):
    """The column of settings. `shortcut_scope`: the widget whose visibility enables the 0-9 keys."""

    def __init__(self, shortcut_scope: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedWidth(290)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(10)

        digit_box = QGroupBox("Digit")
        grid_layout = QGridLayout(digit_box)
        grid_layout.setSpacing(6)
        self.digit_group = QButtonGroup(self)
        self.digit_group.setExclusive(True)
        # Parented to the main page: active only while it is shown and enabled; a combo box or
        # a number box with the focus gets its digits (tab_keys).
        self.keys = TabKeys(shortcut_scope)
        for d in range(DIGITS):
            button = QPushButton(str(d))
            button.setCheckable(True)
            button.setStyleSheet(DIGIT_BUTTON_STYLE)
            button.setToolTip(f"Generate {d}s (key {d}; the arrow keys pick the next digit)")
            button.setAccessibleName(f"Generate {d}s")
            self.digit_group.addButton(button, d)
            grid_layout.addWidget(button, d // 5, d % 5)
            self.keys.add(str(d), lambda d=d: self.set_label(d), f"generate {d}s")
        self.digit_group.button(7).setChecked(True)
        tab_to_checked(self.digit_group)  # Tab reaches the digit picked, as in a radio group
        col.addWidget(digit_box)

        sampling = QGroupBox("Sampling")
        form = QFormLayout(sampling)
        self.sampler_choice = SamplerChoice()  # the tab binds it to the model (SamplerSource)
        form.addRow(self.sampler_choice)  # a row of its own: the mixture's name is long
        self.count_spin = RangeSpinBox("Samples")
        self.count_spin.setRange(1, generate.MAX_SAMPLES)
        self.count_spin.setValue(36)
        self.count_spin.setToolTip("How many samples of the digit to draw (1 to 100)")
        form.addRow("Samples", self.count_spin)
        temp_row = QHBoxLayout()
        self.temp_slider = QSlider(Qt.Horizontal)
        self.temp_slider.setRange(0, 200)
        self.temp_slider.setValue(100)
        self.temp_slider.setToolTip(
            "Temperature t. Prior: z ~ N(0, t² I); mixture: z = component mean + t x its spread. "
            "Low values give typical, tidy digits; high values, odd ones")
        self.temp_label = QLabel("1.00")
        self.temp_label.setMinimumWidth(34)
        self.temp_slider.valueChanged.connect(lambda v: self.temp_label.setText(f"{v / 100:.2f}"))
        temp_row.addWidget(self.temp_slider, 1)
        temp_row.addWidget(self.temp_label)
        temp_caption = QLabel("Temperature")  # a screen reader names the slider by it
        temp_caption.setBuddy(self.temp_slider)
        form.addRow(temp_caption, temp_row)
        self.seed_spin = RangeSpinBox("Seed")
        self.seed_spin.setRange(0, MAX_SEED)
        self.seed_spin.setValue(1)
        self.seed_spin.setToolTip("The same seed always gives the same samples")
        form.addRow("Seed", self.seed_spin)
        self.rows_spin = RangeSpinBox("Styles")
        self.rows_spin.setRange(1, 12)
        self.rows_spin.setValue(8)
        self.rows_spin.setToolTip("Rows of the all-digits view: one handwriting style per row")
        form.addRow("Styles", self.rows_spin)
        self.new_button = QPushButton("New samples")
        self.new_button.setToolTip("Draw new codes with a fresh seed (R or Ctrl+R)")
        self.new_button.setShortcut(QKeySequence("Ctrl+R"))
        # R, as on the Latent space tab: like the digit keys, off while the page is hidden, and
        # a box with the focus keeps the key.
        self.keys.add("R", self.new_button.click, "new samples")
        form.addRow(self.new_button)
        col.addWidget(sampling)

        style_box = QGroupBox("Style transfer source")
        sform = QFormLayout(style_box)
        self.src_drawing = QRadioButton("The drawing on the Draw tab")
        self.src_test = QRadioButton("Test digit #")
        self.src_test.setChecked(True)
        self.src_drawing.setToolTip("Write every digit in the style of what you drew on the Draw "
                                    "tab")
        self.src_test.setToolTip("Write every digit in the style of this MNIST test digit")
        self.test_index = RangeSpinBox("Test digit #")
        self.test_index.setRange(0, 9999)
        self.test_index.setValue(0)
        self.test_index.setToolTip("Index into the 10,000 MNIST test digits")
        self.test_index.setAccessibleName("Test digit number")
        self.test_index.valueChanged.connect(lambda *_: self.src_test.setChecked(True))
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
            "The label the image is encoded with. 'Guess' lets the model pick it: the label under "
            "which the image has the lowest negative ELBO, as the Draw tab guesses. The bars show "
            "how many nats each label is behind that best one")
        sform.addRow("Label", self.label_combo)
        col.addWidget(style_box)
        # Why a box did not take what was typed ("500" samples used to become 50 without a
        # word): under the boxes, until a box takes a value. Its room (two lines, as long as
        # such a message is) is kept while it is hidden: showing it moved the boxes above it
        # where the column had no room to spare.
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        tones.set_tone(self.message_label, tones.ERROR)  # readable on a light or dark window
        self.message_label.setMinimumHeight(2 * self.message_label.fontMetrics().lineSpacing())
        policy = self.message_label.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.message_label.setSizePolicy(policy)
        self.message_label.hide()
        col.addWidget(self.message_label)
        Refusals((self.count_spin, self.seed_spin, self.rows_spin, self.test_index),
                 self).changed.connect(self.show_refusal)
        col.addStretch(1)
        self.model_label = QLabel()  # a trained model's name is long: it wraps, never cut
        self.model_label.setWordWrap(True)
        tones.set_tone(self.model_label, HINT_COLOUR)
        col.addWidget(self.model_label)

    @property
    def label(self) -> int:
        return max(0, self.digit_group.checkedId())

    @property
    def temperature(self) -> float:
        return self.temp_slider.value() / 100.0

    def set_label(self, label: int) -> None:
        button = self.digit_group.button(int(label))
        # Its own flag (a label the model has), not the page's: a restored digit is set while
        # an unconditional model has the page switched off.
        if button is not None and button.isEnabledTo(self):
            button.setChecked(True)

    def show_refusal(self, message: str) -> None:
        """Say why a box did not take what was typed; "" hides the message."""
        self.message_label.setText(message)
        self.message_label.setVisible(bool(message))

    def set_num_classes(self, count: int) -> None:
        for d in range(DIGITS):
            self.digit_group.button(d).setEnabled(d < count)
        if self.label >= count:
            self.set_label(0)


class NeedsModelPage(QWidget):
    """What the tab shows when the active model is not conditional (or there is none)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        box = QFrame()
        box.setFrameShape(QFrame.StyledPanel)
        box.setMaximumWidth(640)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(14)
        self.title = QLabel("<h2>This tab needs a conditional model</h2>")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.RichText)
        self.text.setStyleSheet("font-size: 13px; line-height: 140%;")
        inner.addWidget(self.title)
        inner.addWidget(self.text)
        buttons = QHBoxLayout()
        self.switch_button = QPushButton("Switch to a conditional model")
        self.switch_button.setDefault(True)
        self.train_button = QPushButton("Train one…")
        self.train_button.setToolTip("Open the Train tab with a conditional model's settings filled in")
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

    def describe(self, active, target) -> None:
        """Say why the active model (a Checkpoint or None) will not do, and offer `target` (the
        first conditional model, or None)."""
        if active is None:
            text = ("No model loaded. A <b>conditional</b> VAE (CVAE) is trained with the digit "
                    "labels, so it can be asked to write a particular digit in any handwriting style.")
        else:
            text = (f"The active model, <b>{active.name}</b> ({active.config.describe()}), was trained "
                    "without labels, so it cannot be asked for a particular digit. A <b>conditional</b> "
                    "VAE (CVAE) also sees each digit's label, and can then write any digit in any "
                    "handwriting style.")
        if target is None:
            text += "<br><br>No conditional model is loaded; train one on the Train tab."
        self.text.setText(text)
        self.switch_button.setVisible(target is not None)
        if target is not None:
            self.switch_button.setText(f"Switch to {target.name}")
            self.switch_button.setToolTip(f"Make {target.name} ({target.config.describe()}) the active model")
