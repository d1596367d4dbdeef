"""The settings a sweep tries: for each one, a check box 'vary it' and either its one value or its
range (or choices). Every widget's range, step, default and tooltip comes from the settings
table (core.settings); the sweep's own defaults for ranges and choices come from SweepSpec.

Widgets hold what a person typed. Whether the values make a sweep is SweepSpec's to say, so a
range beyond the table's limits is refused with the table's words, never clamped.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings, Signal
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QWidget,
)

from vae_desktop.core import settings as table
from vae_desktop.core.sweep import (
    RANGED,
    SETTINGS,
    SweepError,
    SweepSpec,
    choice_problems,
    log_scale,
    range_problems,
)
from vae_desktop.core.wording import arch_name
from vae_desktop.gui import preferences as qs
from vae_desktop.gui.widgets import tones
from vae_desktop.gui.widgets.range_spin import RangeSpinBox

SPEC_DEFAULTS = SweepSpec()  # the sweep's default ranges and choices
# A row whose values cannot run is framed in the colour of the message under the form, so the
# message is seen next to what it is about (its red as seen on the window: tones.outline).
PROBLEM_STYLE = "QStackedWidget#problem {{ border: 1px solid {colour}; border-radius: 3px; }}"


def words(label: str) -> str:
    """A label inside a sentence: "Beta (KL weight)" -> "beta (KL weight)"."""
    return label[:1].lower() + label[1:]


def spin_for(setting: table.Setting, value: int | None = None) -> QSpinBox:
    """An integer spin box with the setting's range, step, default and help."""
    box = RangeSpinBox(setting)  # says what it did not take (SweepForm shows it)
    box.setRange(int(setting.low), int(setting.high))
    box.setSingleStep(int(setting.step))
    box.setValue(int(setting.default if value is None else value))
    box.setAccelerated(True)
    box.setToolTip(setting.help)
    return box


def _parse(setting: table.Setting, text: str):
    """A remembered value, or None when the table does not allow it."""
    try:
        return setting.parse(text)
    except ValueError:
        return None


class ValueField:
    """One value of a setting, in the widget that suits its kind (a spin box, a text field for
    a rate written like 1e-3, a list of choices)."""

    def __init__(self, setting: table.Setting, value) -> None:
        self.setting = setting
        if setting.choices:
            self.widget = QComboBox()
            for choice in setting.choices:
                self.widget.addItem(arch_name(str(choice)), choice)
            self.changed = self.widget.currentIndexChanged
        elif setting.kind is int:
            self.widget = spin_for(setting, value)
            self.changed = self.widget.valueChanged
        elif setting.log:  # a rate spans decades: typed as 1e-4, not stepped
            self.widget = QLineEdit()
            validator = QDoubleValidator(self.widget)
            validator.setNotation(QDoubleValidator.ScientificNotation)
            self.widget.setValidator(validator)
            self.changed = self.widget.textChanged
        else:
            self.widget = QDoubleSpinBox()
            self.widget.setRange(setting.low, setting.high)
            self.widget.setDecimals(setting.decimals)
            self.widget.setSingleStep(setting.step)
            self.changed = self.widget.valueChanged
        self.widget.setToolTip(setting.help)
        self.set_value(value)

    def value(self):
        """The value shown; SweepError when the text is not a number."""
        w = self.widget
        if isinstance(w, QComboBox):
            return w.currentData()
        if isinstance(w, QLineEdit):
            try:
                return float(w.text())
            except ValueError:
                raise SweepError(f"{words(self.setting.label)}: {w.text()!r} is not a number "
                                 "(write it like 1e-3)") from None
        return w.value()

    def set_value(self, value) -> None:
        w = self.widget
        if isinstance(w, QComboBox):
            w.setCurrentIndex(max(w.findData(value), 0))
        elif isinstance(w, QLineEdit):
            w.setText(f"{value:g}" if isinstance(value, (int, float)) else str(value))
        else:
            w.setValue(value)


class RangeField:
    """LOW to HIGH of a setting varied over a range."""

    def __init__(self, setting: table.Setting, pair) -> None:
        self.low, self.high = ValueField(setting, pair[0]), ValueField(setting, pair[1])
        self.widget = QWidget()
        row = QHBoxLayout(self.widget)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.low.widget, 1)
        row.addWidget(QLabel("to"))
        row.addWidget(self.high.widget, 1)
        self.changed = (self.low.changed, self.high.changed)

    def value(self) -> tuple:
        return (self.low.value(), self.high.value())

    def set_value(self, pair) -> None:
        self.low.set_value(pair[0])
        self.high.set_value(pair[1])


class ChoicesField:
    """The values a setting varied over choices is picked from: a list typed as "64, 128" for
    numbers, a check box each for named choices."""

    def __init__(self, setting: table.Setting, choices) -> None:
        self.setting = setting
        self.checks: dict[str, QCheckBox] = {}
        if setting.choices:
            self.widget = QWidget()
            row = QHBoxLayout(self.widget)
            row.setContentsMargins(0, 0, 0, 0)
            for choice in setting.choices:
                box = QCheckBox(arch_name(str(choice)))
                self.checks[choice] = box
                row.addWidget(box)
            row.addStretch(1)
            self.changed = tuple(box.toggled for box in self.checks.values())
        else:
            self.text = QLineEdit()
            self.text.setPlaceholderText("e.g. 64, 128, 256")
            self.widget = self.text
            self.changed = (self.text.textChanged,)
        self.set_value(choices)

    def value(self) -> tuple:
        if self.checks:
            return tuple(c for c, box in self.checks.items() if box.isChecked())
        parts = [p.strip() for p in self.text.text().replace(";", ",").split(",") if p.strip()]
        try:
            return tuple(int(p) for p in parts)
        except ValueError:
            raise SweepError(f"{words(self.setting.label)} choices: write integers separated by "
                             f"commas, e.g. 128, 256 (got {self.text.text()!r})") from None

    def set_value(self, choices) -> None:
        if self.checks:
            for choice, box in self.checks.items():
                box.setChecked(choice in choices)
        else:
            self.text.setText(", ".join(str(c) for c in choices))


class SettingRow:
    """One setting: a check box 'vary it', and a stack showing its one value or its range."""

    def __init__(self, name: str) -> None:
        setting = table.SETTINGS[name]
        self.name = name
        self.fixed = ValueField(setting, SPEC_DEFAULTS.fixed[name])
        ranged = name in RANGED
        self.varied = (RangeField if ranged else ChoicesField)(setting, getattr(SPEC_DEFAULTS, name))
        self.check = QCheckBox(setting.label)
        self.check.setToolTip(f"Vary {words(setting.label)} across trials (unchecked: every trial "
                              "uses the one value on the right)")
        if ranged:
            scale = "on a log scale" if log_scale(name) else "uniformly"
            how = f"when varied, sampled {scale} from the range"
        else:
            how = "when varied, the choices to pick from"
        tip = f"{setting.help}; {how} ({setting.range_text()})"
        self.varied.widget.setToolTip(tip)
        self._name_fields(setting.label)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.fixed.widget)
        self.stack.addWidget(self.varied.widget)
        self.stack.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.check.toggled.connect(lambda on: self.stack.setCurrentIndex(int(on)))

    def _name_fields(self, label: str) -> None:
        """Names a screen reader says for the row's fields, which sit beside its check box with
        no label of their own: "Latent dimensions" (the one value), "Latent dimensions from"
        and "… to" (a range), "Hidden units choices" (a list), "Architecture: MLP"."""
        self.fixed.widget.setAccessibleName(label)
        self.fixed.widget.setAccessibleDescription("The one value every trial uses; tick the "
                                                   "box beside it to vary it.")
        varied = self.varied
        if isinstance(varied, RangeField):
            varied.low.widget.setAccessibleName(f"{label} from")
            varied.high.widget.setAccessibleName(f"{label} to")
        elif varied.checks:
            for box in varied.checks.values():
                box.setAccessibleName(f"{label}: {box.text()}")
        else:
            varied.text.setAccessibleName(f"{label} choices")

    def signals(self) -> list:
        varied = self.varied.changed
        return [self.check.toggled, self.fixed.changed,
                *(varied if isinstance(varied, tuple) else (varied,))]

    def problems(self) -> list[str]:
        """Why this row's values cannot run (SweepSpec says the same for the whole form)."""
        varied = self.check.isChecked()
        try:
            value = (self.varied if varied else self.fixed).value()
        except SweepError as exc:
            return exc.problems
        if varied:
            return (range_problems if self.name in RANGED else choice_problems)(self.name, value)
        problem = table.SETTINGS[self.name].problem(value)
        return [problem] if problem else []

    def mark(self, problem: bool) -> None:
        name = "problem" if problem else ""
        if self.stack.objectName() != name:
            self.stack.setObjectName(name)
            tones.set_outline(self.stack, problem, PROBLEM_STYLE)


class SearchSpaceBox(QGroupBox):
    """The settings to try: for each one, vary it over a range or choices, or fix it."""

    changed = Signal()  # any value, or which settings vary

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Settings to try", parent)
        self.rows = {name: SettingRow(name) for name in SETTINGS}
        conditional = table.SETTINGS["conditional"]
        self.conditional = QCheckBox(f"{conditional.label} on the digit label (CVAE)")
        self.conditional.setToolTip(f"{conditional.help}. Every trial trains such a model (not "
                                    "for the AUROC objective, which must not see the held-out "
                                    "digit's label)")
        grid = QGridLayout(self)
        grid.setColumnStretch(1, 1)
        grid.setHorizontalSpacing(10)
        hint = QLabel("Tick a setting to vary it; the others keep one value.")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(placeholder-text);")
        grid.addWidget(hint, 0, 0, 1, 2)
        for i, row in enumerate(self.rows.values(), start=1):
            grid.addWidget(row.check, i, 0)
            grid.addWidget(row.stack, i, 1)
        grid.addWidget(self.conditional, len(self.rows) + 1, 0, 1, 2)
        self.set_vary(SPEC_DEFAULTS.vary)
        for row in self.rows.values():
            for signal in row.signals():
                signal.connect(self._emit_changed)
        self.conditional.toggled.connect(self._emit_changed)

    def _emit_changed(self, *_) -> None:
        self.mark_problems()
        self.changed.emit()

    def mark_problems(self) -> list[str]:
        """Frame each row whose values cannot run; returns the names of those rows."""
        bad = []
        for name, row in self.rows.items():
            problem = bool(row.problems())
            row.mark(problem)
            if problem:
                bad.append(name)
        return bad

    def problems(self) -> list[str]:
        """Every row's problems, in the form's order."""
        return [problem for row in self.rows.values() for problem in row.problems()]

    def vary(self) -> tuple[str, ...]:
        return tuple(name for name, row in self.rows.items() if row.check.isChecked())

    def set_vary(self, names) -> None:
        for name, row in self.rows.items():
            row.check.setChecked(name in names)

    def set_fixed(self, name: str, value) -> None:
        """The one value every trial uses when `name` is not varied."""
        self.rows[name].fixed.set_value(value)

    def set_varied(self, name: str, values) -> None:
        """The range (low, high) or the choices of a varied setting."""
        self.rows[name].varied.set_value(values)

    # Remembered between sessions (SweepForm.save and restore)
    def save(self, s: QSettings, group: str) -> None:
        """Each setting's one value, and its range or choices, varied or not (so a range set
        aside comes back with it), as text; and whether the model is conditional. A value
        that is not a number is not saved (the default comes back)."""
        for name, row in self.rows.items():
            key = f"{group}/{name}"
            for field, suffix in ((row.fixed, "value"),
                                  (row.varied, "range" if name in RANGED else "choices")):
                try:
                    value = field.value()
                except SweepError:
                    s.remove(f"{key}/{suffix}")
                    continue
                s.setValue(f"{key}/{suffix}", [qs.setting_text(v) for v in value]
                           if isinstance(value, tuple) else qs.setting_text(value))
        s.setValue(f"{group}/conditional", self.conditional.isChecked())

    def restore(self, s: QSettings, group: str) -> None:
        """What `save` wrote. A value the sweep could not use (beyond the table's limits, not a
        number, a range the wrong way round, no choices) keeps the default, never clamped."""
        for name, row in self.rows.items():
            key = f"{group}/{name}"
            setting = table.SETTINGS[name]
            if s.contains(f"{key}/value"):
                value = _parse(setting, qs.read_str(s, f"{key}/value"))
                if value is not None:
                    row.fixed.set_value(value)
            ranged = name in RANGED
            suffix = "range" if ranged else "choices"
            if s.contains(f"{key}/{suffix}"):
                values = tuple(_parse(setting, text) for text in qs.read_list(s, f"{key}/{suffix}"))
                check = range_problems if ranged else choice_problems
                if None not in values and not check(name, values):
                    row.varied.set_value(values)
        if s.contains(f"{group}/conditional") and self.conditional.isEnabled():
            self.conditional.setChecked(qs.read_bool(s, f"{group}/conditional", False))

    def spec_kwargs(self) -> dict:
        """SweepSpec keyword arguments; raises SweepError for text that is not a number."""
        kwargs: dict = {"vary": self.vary(), "fixed": {}, "conditional": self.conditional.isChecked()}
        problems = []
        for name, row in self.rows.items():
            field: Callable = row.varied.value if name in kwargs["vary"] else row.fixed.value
            try:
                value = field()
            except SweepError as exc:
                problems += exc.problems
                continue
            if name in kwargs["vary"]:
                kwargs[name] = value
            else:
                kwargs["fixed"][name] = value
        if problems:
            raise SweepError("; ".join(problems), problems)
        return kwargs
