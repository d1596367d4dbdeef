"""The Train tab's settings form, built from the one table of settings (core.settings): every
field takes its range, default, step, decimals and tooltip from `SETTINGS`, so a limit is written
once. A spin box cannot hold a value outside its range; the learning rate, a log-scale number,
is typed as text and checked against the table's range.

The form only ever holds values the table allows: `apply` refuses the others (ValueError), and
the tab shows why."""

from __future__ import annotations

import math

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGroupBox,
    QLineEdit,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vae_desktop.core.device import available_devices, resolve_device
from vae_desktop.core.settings import (
    MODEL_SETTINGS,
    SETTINGS,
    TRAIN_IMAGES,
    TRAIN_SETTINGS,
    Setting,
    from_saved,
)
from vae_desktop.core.wording import digits_phrase
from vae_desktop.gui.preferences import setting_text
from vae_desktop.gui.tabs.train.continued import KeptData, data_sentence
from vae_desktop.gui.tabs.train.digits_row import DigitsRow, digits_text, parse_digits
from vae_desktop.gui.tabs.train.form_layout import (
    MODEL_ROWS,
    SHORT_LABELS,
    TRAIN_ROWS,
    SettingsGrid,
    line_up,
    planned_rows,
)
from vae_desktop.gui.widgets import tones
from vae_desktop.gui.widgets.range_spin import RangeDoubleSpinBox, RangeSpinBox

# How a person reads some values: the table's own text is for configs and the command line.
CHOICE_LABELS = {"arch": {"mlp": "MLP (784 → hidden → latent)", "conv": "Convolutional"}}
CHECKBOX_TEXT = {"conditional": "Conditional (CVAE)"}  # its tooltip says on what
LOWEST_TEXT = {"train_size": f"all {TRAIN_IMAGES:,}",  # shown instead of the lowest value (0)
               "beta_warmup": "none"}
SUFFIXES = {"train_size": " images"}
DEVICE = "device"  # not a table setting: the devices present on this machine
DIGITS = "digits"  # not a table setting either: the digits trained on (None: all), as --digits
MAX_DECIMALS = 6  # a float spin shows up to this many decimals for a value given with more
HIGH_LR = 0.01  # above this the loss often blows up
UNTICK = "Untick “Continue training the active model” to"
# Why a field is off while "Continue training" is ticked (its tooltip says it after its help).
KEEPS_SETTINGS = f"A continued model keeps its settings: {UNTICK} train a new model instead."
KEEPS_DIGITS = f"A continued model keeps the digits it was trained on: {UNTICK} choose others."
# Settings a continued model keeps besides the model's own: its training data.
KEPT_TRAIN_SETTINGS = ("train_size", DIGITS)


class SettingsForm(QWidget):
    changed = Signal()  # any field was edited (or set)
    refused = Signal(str)  # why a box did not take what was typed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.continue_box = QCheckBox("Continue training the active model")
        self.continue_box.setToolTip(
            "Train a copy of the active model further (with its optimizer state) instead of a "
            "new one; the model settings then come from it")
        self.continue_box.toggled.connect(self.changed)
        self.fields: dict[str, QWidget] = {}
        self._exact: dict[str, float] = {}  # float spin values given with more decimals than shown

        for name in (*MODEL_SETTINGS, *TRAIN_SETTINGS):
            self._add_field(SETTINGS[name])
        self.device_combo = QComboBox()
        auto = resolve_device("auto")
        for device, label in available_devices():
            self.device_combo.addItem(label, device)
            if device.split(":")[0] == auto.type and self.device_combo.currentData() == "cpu":
                self.device_combo.setCurrentIndex(self.device_combo.count() - 1)
        self.device_combo.setToolTip("Where to train: only the devices present on this machine")
        self.device_combo.currentIndexChanged.connect(self.changed)
        self.digits_row = DigitsRow()
        self.digits_row.changed.connect(self._describe_images)
        self.digits_row.changed.connect(self.changed)
        self.digits_row.refused.connect(self.refused)
        self._kept: KeptData | None = None  # a continued model's data, shown locked
        # As wide as the usual "all 60,000", wherever a continued model's data makes its text
        # longer ("3,000 images without 2s"): the column does not widen when Continue is ticked.
        images = self.fields["train_size"]
        images.setMinimumWidth(images.sizeHint().width())
        images.setSizePolicy(QSizePolicy.Ignored, images.sizePolicy().verticalPolicy())

        model_grid = SettingsGrid()
        model_grid.add_row([("", self.continue_box)])
        self._add_rows(model_grid, planned_rows(MODEL_ROWS, MODEL_SETTINGS))
        train_grid = SettingsGrid()
        self._add_rows(train_grid, planned_rows(TRAIN_ROWS, (*TRAIN_SETTINGS, DIGITS, DEVICE)))
        line_up((model_grid, train_grid))
        self.model_group = QGroupBox("Model")
        self.model_group.setLayout(model_grid)
        self.train_group = QGroupBox("Training")
        self.train_group.setLayout(train_grid)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.model_group)
        layout.addWidget(self.train_group)
        # Tab moves through the fields as they read, row by row, not in the table's order. The
        # digits in their order: one Tab stop (DigitsRow), the others follow it in the chain.
        chain = [box for widget in (*model_grid.fields, *train_grid.fields)
                 for box in (self.digits_row.boxes if widget is self.digits_row else [widget])]
        for before, after in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(before, after)

    # Building
    def _add_field(self, setting: Setting) -> None:
        widget = self._make_field(setting)
        widget.setToolTip(setting.tooltip)
        self.fields[setting.name] = widget

    def _add_rows(self, grid: SettingsGrid, rows: list[tuple[str, ...]]) -> None:
        for row in rows:
            cells = []
            for i, name in enumerate(row):
                labels = SHORT_LABELS if i else {}  # the second of a pair: a shorter label
                text = ({DEVICE: "Device", DIGITS: "Digits"}.get(name)
                        or labels.get(name, SETTINGS[name].label))
                cells.append((text, self.field(name)))
            grid.add_row(cells)

    def _make_field(self, setting: Setting) -> QWidget:
        if setting.choices:
            combo = QComboBox()
            labels = CHOICE_LABELS.get(setting.name, {})
            for choice in setting.choices:
                combo.addItem(labels.get(choice, str(choice)), choice)
            combo.setCurrentIndex(combo.findData(setting.default))
            combo.currentIndexChanged.connect(self.changed)
            return combo
        if setting.kind is bool:
            box = QCheckBox(CHECKBOX_TEXT.get(setting.name, setting.label))
            box.setChecked(setting.default)
            box.toggled.connect(self.changed)
            return box
        if setting.kind is float and setting.log:
            # A log-scale range spans decades a spin box steps through badly: typed as text.
            edit = QLineEdit(setting_text(setting.default))
            edit.textChanged.connect(self.changed)
            return edit
        if setting.kind is int:
            spin = RangeSpinBox(setting)
            spin.setGroupSeparatorShown(True)
        else:
            spin = RangeDoubleSpinBox(setting)
            spin.setDecimals(setting.decimals)
            spin.valueChanged.connect(lambda _v, name=setting.name: self._exact.pop(name, None))
        spin.setRange(setting.low, setting.high)
        spin.setSingleStep(setting.step)
        spin.setValue(setting.default)
        spin.setAccelerated(True)
        spin.setCorrectionMode(QAbstractSpinBox.CorrectToPreviousValue)
        if setting.name in LOWEST_TEXT:
            spin.setSpecialValueText(LOWEST_TEXT[setting.name])
        if setting.name in SUFFIXES:
            spin.setSuffix(SUFFIXES[setting.name])
        spin.valueChanged.connect(self.changed)
        spin.refused.connect(self.refused)
        return spin

    # Values
    def field(self, name: str) -> QWidget:
        """The widget of a setting (a table name, "device" or "digits")."""
        return {DEVICE: self.device_combo, DIGITS: self.digits_row}.get(name) or self.fields[name]

    def values(self) -> dict:
        """Table values plus "device" and "digits" (a sorted tuple, or None for all ten); a text
        field that holds no allowed value gives None."""
        out = {name: self._read(name, widget) for name, widget in self.fields.items()}
        out[DEVICE] = self.device_combo.currentData()
        out[DIGITS] = self.digits_row.digits()
        return out

    def _read(self, name: str, widget: QWidget):
        if isinstance(widget, QComboBox):
            return widget.currentData()
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        if isinstance(widget, QLineEdit):
            try:
                return SETTINGS[name].parse(widget.text())
            except ValueError:
                return None
        if isinstance(widget, QDoubleSpinBox):
            return self._exact.get(name, widget.value())
        return widget.value()

    def apply(self, values: dict) -> None:
        """Fill in saved or sent settings: core.settings names, or a checkpoint's config and
        train_config names, plus "device" and "digits" (a tuple or list of digits, or None for
        all ten; not named: as they are). A value the table refuses, digits that are not some of
        0 to 9, or a device this machine lacks, raises ValueError naming it (and its range), and
        then nothing changes."""
        checked = from_saved(values)
        if DIGITS in values:
            checked[DIGITS] = parse_digits(values[DIGITS])
        device = values.get(DEVICE)
        if device:
            index = self.device_index(str(device))
            if index < 0:
                here = ", ".join(self.device_combo.itemData(i)
                                 for i in range(self.device_combo.count()))
                raise ValueError(f"device {device!r} is not on this machine (it has {here})")
            checked[DEVICE] = self.device_combo.itemData(index)
        self.set_values(checked)

    def set_values(self, values: dict) -> None:
        """Fill in the fields named in `values`, which the table must allow (see `apply`);
        "device" must be one of this machine's."""
        for name, value in values.items():
            if name == DEVICE:
                index = self.device_combo.findData(value)
                if index >= 0:
                    self.device_combo.setCurrentIndex(index)
                continue
            if name == DIGITS:
                self.digits_row.set_digits(value)
                continue
            widget = self.fields.get(name)
            if isinstance(widget, QComboBox):
                widget.setCurrentIndex(widget.findData(value))
            elif isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QLineEdit):
                widget.setText(setting_text(value))  # every digit: text that parses back to the value
                widget.setCursorPosition(0)  # a long value shows its start, not its last digits
            elif isinstance(widget, QDoubleSpinBox):
                self._set_float(name, widget, float(value))
            elif isinstance(widget, QSpinBox):
                widget.setValue(int(value))

    def _set_float(self, name: str, spin: QDoubleSpinBox, value: float) -> None:
        """Show the value with as many decimals as it needs (up to MAX_DECIMALS) and keep it
        exact: a sweep's beta of 1.2345678 must not become 1.23 without a word."""
        decimals = SETTINGS[name].decimals
        while decimals < MAX_DECIMALS and not math.isclose(round(value, decimals), value,
                                                           rel_tol=0, abs_tol=1e-12):
            decimals += 1
        spin.setDecimals(decimals)
        spin.setValue(value)
        self._exact.pop(name, None)  # setValue is silent when the shown value stays the same
        if spin.value() != value:
            self._exact[name] = value

    def device_index(self, device: str) -> int:
        """The device's place in the device list, or -1 ("cuda" means the first GPU)."""
        index = self.device_combo.findData(device)
        if index < 0 and device and ":" not in device:
            index = self.device_combo.findData(f"{device}:0")
        return index

    # Checks
    def errors(self) -> list[str]:
        """Why the form's values cannot be used: a text field's value the table refuses."""
        out = []
        for name, widget in self.fields.items():
            if not isinstance(widget, QLineEdit):
                continue
            setting = SETTINGS[name]
            text = widget.text().strip()
            try:
                setting.parse(text)
                tones.set_outline(widget, False)
            except ValueError:
                tones.set_outline(widget, True)
                out.append(f"{setting.label} must be {setting.range_text()}: "
                           f"{text or 'nothing'} is not (try {setting.default:g}).")
        return out

    def warnings(self) -> list[str]:
        """Allowed values that may disappoint."""
        values = self.values()
        out = []
        if values["lr"] is not None and values["lr"] > HIGH_LR:
            out.append(f"A learning rate above {HIGH_LR:g} often makes the loss blow up; "
                       f"{SETTINGS['lr'].default:g} is the usual choice.")
        images = values["train_size"] or TRAIN_IMAGES
        if images < values["batch_size"]:
            out.append(f"The {images:,} training images are fewer than one batch: each step "
                       "will use all of them.")
        if values["beta"] == 0:
            out.append("Beta 0 drops the KL term: the model becomes a plain autoencoder and "
                       "its random samples will look poor.")
        return out

    def set_locked(self, running: bool, continuing: bool) -> None:
        """While a run goes on nothing can be changed; a continued model keeps its settings and
        its training data (`show_kept`), and their tooltips say why they are off."""
        for name in (*MODEL_SETTINGS, *TRAIN_SETTINGS):
            kept = name in MODEL_SETTINGS or name in KEPT_TRAIN_SETTINGS
            self.fields[name].setEnabled(not running and not (continuing and kept))
            if name in MODEL_SETTINGS:
                help_text = SETTINGS[name].tooltip
                self.fields[name].setToolTip(f"{help_text}\n\n{KEEPS_SETTINGS}" if continuing
                                             else help_text)
        self.device_combo.setEnabled(not running)
        self.continue_box.setEnabled(not running)
        for box in self.digits_row.boxes:
            box.setEnabled(not running and not continuing)
        self.digits_row.set_tooltips(KEEPS_DIGITS if continuing else None)

    def show_kept(self, data: KeptData | None) -> None:
        """The training data a continued model keeps, in the Training images box and the Digits
        row (off while "Continue training" is ticked: `set_locked`), e.g. "3,000 images without
        2s"; None: the box as usual (the tab gives the form its own digits back)."""
        self._kept = data
        if data is not None:
            self.set_values({"train_size": data.train_size, DIGITS: data.digits})
        self._describe_images()

    def _describe_images(self) -> None:
        """The Training images box says the digits too: "2,000 images without 2s", "all images
        without 2s"; its tooltip says why it is off for a continued model."""
        spin = self.fields["train_size"]
        setting = SETTINGS["train_size"]
        phrase = digits_phrase(self.digits_row.digits())
        spin.setSuffix(f"{SUFFIXES['train_size']} {phrase}".rstrip())
        spin.setSpecialValueText(f"all images {phrase}" if phrase else LOWEST_TEXT["train_size"])
        data = self._kept
        spin.setToolTip(setting.tooltip if data is None else
                        f"{setting.help}\n\nA continued model trains on the images it was "
                        f"trained on: {data_sentence(data)}. {UNTICK} choose others.")

    # Persistence: QSettings keys train/<name>, read back through the table
    def save(self, settings: QSettings) -> None:
        for name, widget in self.fields.items():
            value = widget.text() if isinstance(widget, QLineEdit) else self._read(name, widget)
            settings.setValue(f"train/{name}", setting_text(value))
        settings.setValue(f"train/{DEVICE}", self.device_combo.currentData())
        settings.setValue(f"train/{DIGITS}", digits_text(self.digits_row.digits()))

    def restore(self, settings: QSettings) -> None:
        """Fill in what was saved; a stored value the table refuses (or cannot read) falls back
        to the default."""
        values = {}
        for name, setting in SETTINGS.items():
            key = f"train/{name}"
            if not settings.contains(key):
                continue
            try:
                values[name] = setting.parse(str(settings.value(key)))
            except ValueError:
                values[name] = setting.default
        device = settings.value(f"train/{DEVICE}")
        if isinstance(device, str) and self.device_index(device) >= 0:
            values[DEVICE] = self.device_combo.itemData(self.device_index(device))
        if settings.contains(f"train/{DIGITS}"):
            try:
                values[DIGITS] = parse_digits(str(settings.value(f"train/{DIGITS}")))
            except ValueError:
                values[DIGITS] = None  # all of them, the default
        self.set_values(values)

