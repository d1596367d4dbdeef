"""Sweep tab: choose which settings vary, run an Optuna study in the background, watch the trials
fill a table and two plots, then copy the best settings to the Train tab or open any trial's model.

The study lives in Optuna storage (by default an SQLite file in the app's data folder), so closing
the app loses nothing: load the study again, or resume it by starting with the same name. Trials
run in a QThread (`SweepWorker`) that reports core events as dicts through a queued signal.
"""

from __future__ import annotations

import math
import threading
import traceback

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt, QThread, Signal
from PySide6.QtGui import QColor, QDoubleValidator, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vae_desktop.core import checkpoint
from vae_desktop.core.device import available_devices
from vae_desktop.core.model import ARCHS
from vae_desktop.core.sweep import (
    DEFAULT_FIXED,
    DEFAULT_STUDY,
    OBJECTIVE_LABELS,
    SETTINGS,
    SweepError,
    SweepSpec,
    SweepStudy,
    TrialRecord,
    best_trial,
    default_storage_url,
    list_studies,
    load_trials,
    run_sweep,
)
from vae_desktop.core.threads import use_worker_threads
from vae_desktop.gui import preferences as qs
from vae_desktop.gui.background import BackgroundCall

SETTING_LABELS = {"latent_dim": "Latent dimensions", "hidden": "Hidden units",
                  "lr": "Learning rate", "batch_size": "Batch size", "beta": "Beta (KL weight)",
                  "arch": "Architecture"}
SHORT_LABELS = {"latent_dim": "latent", "hidden": "hidden", "lr": "lr", "batch_size": "batch",
                "beta": "beta", "arch": "arch"}
STATE_COLORS = {"complete": QColor(70, 160, 90), "pruned": QColor(140, 140, 140),
                "stopped": QColor(230, 140, 40), "fail": QColor(210, 70, 70),
                "running": QColor(70, 140, 255), "waiting": QColor(140, 140, 140)}
COLUMNS = ("#", "State", "Value", "Epochs", "Time") + tuple(SHORT_LABELS[s] for s in SETTINGS)
PLOT_BG = "#202124"
POINT_BRUSH = pg.mkBrush(90, 150, 255)
PRUNED_BRUSH = pg.mkBrush(150, 150, 150, 160)
BEST_PEN = pg.mkPen((255, 140, 40), width=2)


def fmt(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1e-2 or abs(value) >= 1e4 else f"{value:.4g}"
    return str(value)


def fmt_value(value) -> str:
    """An objective value: nats with one decimal, an AUROC with three."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.1f}" if abs(value) >= 10 else f"{value:.3f}"


def integer_ticks(axis: pg.AxisItem, low: float, high: float) -> None:
    """Label whole numbers only (trial numbers, layer sizes), about eight of them."""
    span = max(high - low, 1.0)
    step = 1
    for candidate in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000):
        step = candidate
        if span / candidate <= 8:
            break
    axis.setTickSpacing(step, step)


def log_ticks(low: float, high: float) -> list[list[tuple[float, str]]]:
    """Ticks for an axis in log10 units: 1, 2 and 5 times each power of ten, as 1e-3, 2e-3, ..."""
    major, minor = [], []
    for exponent in range(math.floor(low) - 1, math.ceil(high) + 2):
        for mantissa in (1, 2, 5):
            x = exponent + math.log10(mantissa)
            (major if mantissa == 1 else minor).append((x, f"{mantissa}e{exponent}"))
    if high - low > 2.5:  # many decades: label the powers of ten only
        minor = [(x, "") for x, _ in minor]
    return [major, minor]


def parse_ints(text: str, what: str) -> tuple[int, ...]:
    try:
        values = tuple(int(part) for part in text.replace(";", ",").split(",") if part.strip())
    except ValueError:
        raise SweepError(f"{what}: write whole numbers separated by commas, e.g. 128, 256") from None
    if not values:
        raise SweepError(f"{what}: give at least one choice")
    return values


def parse_float(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise SweepError(f"{what}: {text!r} is not a number (write e.g. 1e-3)") from None
    return value


def _spin(low: int, high: int, value: int, step: int = 1) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    box.setSingleStep(step)
    box.setAccelerated(True)
    return box


def _double(low: float, high: float, value: float, step: float = 0.1) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setDecimals(2)
    box.setSingleStep(step)
    box.setValue(value)
    return box


def _number_edit(text: str) -> QLineEdit:
    edit = QLineEdit(text)
    validator = QDoubleValidator(0.0, 10.0, 12, edit)
    validator.setNotation(QDoubleValidator.ScientificNotation)
    edit.setValidator(validator)
    return edit


def _pair(low: QWidget, high: QWidget) -> QWidget:
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(low, 1)
    row.addWidget(QLabel("to"))
    row.addWidget(high, 1)
    return box


class SortableItem(QTableWidgetItem):
    """A cell that shows formatted text and sorts by the value behind it (numbers before text)."""

    def __init__(self, text: str, value) -> None:
        super().__init__(text)
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        self.key = (0, float(value), "") if number else (1, 0.0, str(value))

    def __lt__(self, other) -> bool:
        return self.key < getattr(other, "key", (1, 0.0, other.text()))


class SettingRow:
    """One setting: a check box 'vary it', a fixed-value widget and range/choice widgets, of which
    a stacked widget shows the one that applies."""

    def __init__(self, name: str, fixed: QWidget, varied: QWidget, tip: str) -> None:
        self.name = name
        self.check = QCheckBox(SETTING_LABELS[name])
        self.check.setToolTip(f"Vary {SETTING_LABELS[name].lower()} across trials (unchecked: "
                              "every trial uses the one value on the right)")
        self.stack = QStackedWidget()
        self.stack.addWidget(fixed)
        self.stack.addWidget(varied)
        self.stack.setToolTip(tip)
        self.stack.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.check.toggled.connect(lambda on: self.stack.setCurrentIndex(int(on)))


class SearchSpaceBox(QGroupBox):
    """The settings to try: for each one, vary it over a range or choices, or fix it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Settings to try", parent)
        d = DEFAULT_FIXED
        self.latent_fixed = _spin(1, 512, d["latent_dim"])
        self.latent_low, self.latent_high = _spin(1, 512, 2), _spin(1, 512, 32)
        self.hidden_fixed = _spin(8, 8192, d["hidden"], 50)
        self.hidden_choices = QLineEdit("128, 256, 400, 512")
        self.lr_fixed = _number_edit(f"{d['lr']:g}")
        self.lr_low, self.lr_high = _number_edit("1e-4"), _number_edit("1e-2")
        self.batch_fixed = _spin(1, 65536, d["batch_size"], 32)
        self.batch_choices = QLineEdit("64, 128, 256")
        self.beta_fixed = _double(0.0, 1000.0, d["beta"])
        self.beta_low, self.beta_high = _double(0.0, 1000.0, 0.5), _double(0.0, 1000.0, 2.0)
        self.arch_fixed = QComboBox()
        for arch in ARCHS:
            self.arch_fixed.addItem(arch.upper() if arch == "mlp" else "Convolutional", arch)
        self.arch_checks = {arch: QCheckBox("MLP" if arch == "mlp" else "Conv") for arch in ARCHS}
        arch_box = QWidget()
        arch_row = QHBoxLayout(arch_box)
        arch_row.setContentsMargins(0, 0, 0, 0)
        for box in self.arch_checks.values():
            box.setChecked(True)
            arch_row.addWidget(box)
        arch_row.addStretch(1)
        self.rows = {
            "latent_dim": SettingRow("latent_dim", self.latent_fixed,
                                     _pair(self.latent_low, self.latent_high),
                                     "Size of the latent code; sampled on a log scale when varied"),
            "hidden": SettingRow("hidden", self.hidden_fixed, self.hidden_choices,
                                 "Units in the hidden layer; when varied, the choices to pick from"),
            "lr": SettingRow("lr", self.lr_fixed, _pair(self.lr_low, self.lr_high),
                             "Adam learning rate; sampled on a log scale when varied"),
            "batch_size": SettingRow("batch_size", self.batch_fixed, self.batch_choices,
                                     "Images per step; when varied, the choices to pick from"),
            "beta": SettingRow("beta", self.beta_fixed, _pair(self.beta_low, self.beta_high),
                               "Weight of the KL term (1: the true ELBO); uniform when varied"),
            "arch": SettingRow("arch", self.arch_fixed, arch_box,
                               "MLP or convolutional encoder and decoder"),
        }
        self.conditional = QCheckBox("Conditional on the digit label (CVAE)")
        self.conditional.setToolTip("Every trial trains a conditional VAE (not for the AUROC "
                                    "objective, which must not see the held-out digit's label)")
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
        self.rows["latent_dim"].check.setChecked(True)
        self.rows["lr"].check.setChecked(True)

    def vary(self) -> tuple[str, ...]:
        return tuple(name for name, row in self.rows.items() if row.check.isChecked())

    def set_vary(self, names) -> None:
        for name, row in self.rows.items():
            row.check.setChecked(name in names)

    def spec_kwargs(self) -> dict:
        """SweepSpec keyword arguments; raises SweepError for text that is not a number."""
        return {
            "vary": self.vary(),
            "latent_dim": (self.latent_low.value(), self.latent_high.value()),
            "hidden": parse_ints(self.hidden_choices.text(), "hidden units"),
            "lr": (parse_float(self.lr_low.text(), "lowest learning rate"),
                   parse_float(self.lr_high.text(), "highest learning rate")),
            "batch_size": parse_ints(self.batch_choices.text(), "batch sizes"),
            "beta": (self.beta_low.value(), self.beta_high.value()),
            "arch": tuple(a for a, box in self.arch_checks.items() if box.isChecked()),
            "fixed": {"latent_dim": self.latent_fixed.value(), "hidden": self.hidden_fixed.value(),
                      "lr": parse_float(self.lr_fixed.text(), "learning rate"),
                      "batch_size": self.batch_fixed.value(), "beta": self.beta_fixed.value(),
                      "arch": self.arch_fixed.currentData()},
            "conditional": self.conditional.isChecked(),
        }


class SweepWorker(QThread):
    """Runs `run_sweep` off the GUI thread. `event(dict)` carries every core event, plus `study`
    events holding the whole stored study (before the first trial and after the last);
    `failed(str)` a plain message."""

    event = Signal(dict)
    failed = Signal(str)

    def __init__(self, spec: SweepSpec, parent=None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.stop_flag = threading.Event()  # end after the current epoch
        self.abort_flag = threading.Event()  # end within a batch

    def run(self) -> None:
        use_worker_threads()
        try:
            try:  # show the trials a resumed study already has, before the first new one
                self.event.emit({"kind": "study",
                                 "study": load_trials(self.spec.storage, self.spec.study)})
            except SweepError:
                pass  # a new study, or storage run_sweep will explain
            study = run_sweep(self.spec, self.event.emit, self.stop_flag, self.abort_flag)
            # The whole study again: other workers may have added trials meanwhile.
            self.event.emit({"kind": "study", "study": study})
        except SweepError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - anything else is shown, not lost
            traceback.print_exc()
            self.failed.emit(f"{type(exc).__name__}: {exc}")


class TrialPlots(QWidget):
    """Objective by trial (with the best so far) and objective against one setting."""

    trial_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.by_trial = pg.PlotWidget(background=PLOT_BG)
        self.by_trial.setLabel("bottom", "trial")
        self.by_trial.showGrid(x=True, y=True, alpha=0.15)
        self.done_curve = self.by_trial.plot([], [], pen=None, symbol="o", symbolSize=8,
                                             symbolBrush=POINT_BRUSH, symbolPen=None)
        self.pruned_curve = self.by_trial.plot([], [], pen=None, symbol="x", symbolSize=9,
                                               symbolBrush=PRUNED_BRUSH, symbolPen=None)
        self.best_curve = self.by_trial.plot([], [], pen=BEST_PEN)
        self.by_setting = pg.PlotWidget(background=PLOT_BG)
        self.by_setting.showGrid(x=True, y=True, alpha=0.15)
        self.setting_curve = self.by_setting.plot([], [], pen=None, symbol="o", symbolSize=8,
                                                  symbolBrush=POINT_BRUSH, symbolPen=None)
        self.best_marker = self.by_setting.plot([], [], pen=None, symbol="star", symbolSize=16,
                                                symbolBrush=pg.mkBrush(255, 140, 40),
                                                symbolPen=None)
        for plot in (self.by_trial, self.by_setting):
            plot.getViewBox().setDefaultPadding(0.08)
            plot.getAxis("bottom").enableAutoSIPrefix(False)  # no "(x0.001)" on learning rates
        for curve in (self.done_curve, self.pruned_curve, self.setting_curve):
            curve.sigPointsClicked.connect(self._clicked)
        self.setting_combo = QComboBox()
        for name in SETTINGS:
            self.setting_combo.addItem(SETTING_LABELS[name], name)
        self.setting_combo.setToolTip("The setting on the x axis of the right plot")
        self.setting_combo.currentIndexChanged.connect(lambda _: self._draw_setting())
        # The key sits in the title: a legend inside the plot would hide points.
        self.title_left = QLabel(
            "<b>Objective by trial</b>&nbsp;&nbsp; <span style='color:#5a96ff'>●</span> complete "
            "&nbsp;<span style='color:#969696'>✕</span> pruned/stopped "
            "&nbsp;<span style='color:#ff8c28'>━</span> best so far")
        self.title_right = QLabel("<b>Objective against</b>")
        # Same height for both title rows, so the two plots line up.
        self.title_left.setMinimumHeight(self.setting_combo.sizeHint().height())
        left = QVBoxLayout()
        left.addWidget(self.title_left)
        left.addWidget(self.by_trial, 1)
        right_title = QHBoxLayout()
        right_title.addWidget(self.title_right)
        right_title.addWidget(self.setting_combo)
        right_title.addStretch(1)
        right = QVBoxLayout()
        right.addLayout(right_title)
        right.addWidget(self.by_setting, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(left, 1)
        layout.addLayout(right, 1)
        self._trials: list[TrialRecord] = []
        self._direction = "minimize"

    def set_objective(self, objective: str) -> None:
        label = OBJECTIVE_LABELS.get(objective, objective)
        self.by_trial.setLabel("left", label)
        self.by_setting.setLabel("left", label)

    def show_trials(self, trials: list[TrialRecord], direction: str) -> None:
        self._trials = sorted(trials, key=lambda t: t.number)
        self._direction = direction
        done = [t for t in self._trials if t.state == "COMPLETE" and t.value is not None]
        self.done_curve.setData([t.number for t in done], [t.value for t in done],
                                data=[t.number for t in done])
        cut = [t for t in self._trials if t.state == "PRUNED" and t.last_value is not None]
        self.pruned_curve.setData([t.number for t in cut], [t.last_value for t in cut],
                                  data=[t.number for t in cut])
        xs, ys = [], []
        best = None
        pick = min if direction == "minimize" else max
        for t in done:
            best = t.value if best is None else pick(best, t.value)
            if xs:  # a step: hold the previous best up to this trial
                xs.append(t.number)
                ys.append(ys[-1])
            xs.append(t.number)
            ys.append(best)
        self.best_curve.setData(xs, ys)
        numbers = [t.number for t in self._trials] or [0]
        integer_ticks(self.by_trial.getAxis("bottom"), min(numbers), max(numbers))
        self._draw_setting()

    def choose_setting(self, name: str) -> None:
        index = self.setting_combo.findData(name)
        if index >= 0:
            self.setting_combo.setCurrentIndex(index)

    def _draw_setting(self) -> None:
        name = self.setting_combo.currentData()
        done = [t for t in self._trials if t.state == "COMPLETE" and t.value is not None
                and name in t.settings]
        axis = self.by_setting.getAxis("bottom")
        self.by_setting.setLabel("bottom", SETTING_LABELS[name] + (" (log scale)" if name == "lr"
                                                                    else ""))
        axis.setTickSpacing()
        axis.setTicks(None)
        if name == "arch":
            axis.setTicks([list(enumerate(ARCHS))])
            xs = [ARCHS.index(t.settings[name]) if t.settings[name] in ARCHS else -1 for t in done]
        elif name == "lr":  # log10 of the rate on a plain axis, labelled like 1e-3
            xs = [math.log10(float(t.settings[name])) for t in done]
            if xs:
                axis.setTicks(log_ticks(min(xs), max(xs)))
        else:
            xs = [float(t.settings[name]) for t in done]
            if name in ("latent_dim", "hidden", "batch_size") and xs:
                integer_ticks(axis, min(xs), max(xs))
        ys = [t.value for t in done]
        self.setting_curve.setData(xs, ys, data=[t.number for t in done])
        best = best_trial(done, self._direction)
        if best is not None:
            i = done.index(best)
            self.best_marker.setData([xs[i]], [ys[i]])
        else:
            self.best_marker.setData([], [])
        self.by_setting.enableAutoRange()

    def _clicked(self, item, points, *args) -> None:
        if len(points):
            self.trial_clicked.emit(int(points[0].data()))


class SweepTab(QWidget):
    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.settings = qs.open_settings()
        self.worker: SweepWorker | None = None
        self._background: list[BackgroundCall] = []
        self.trials: dict[int, TrialRecord] = {}
        self.objective = "test_loss"
        self.direction = "minimize"
        self.study_name = ""
        self._run_total = 0
        self._run_done = 0
        self._studies_listed = False

        left = QWidget()
        form = QVBoxLayout(left)
        form.setContentsMargins(0, 0, 6, 0)
        self.space = SearchSpaceBox()
        form.addWidget(self.space)
        form.addWidget(self._build_budget())
        form.addWidget(self._build_study())
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #d9534f;")
        self.error_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.error_label.hide()
        form.addWidget(self.error_label)
        buttons = QHBoxLayout()
        self.start_button = QPushButton("Start sweep")
        self.start_button.setToolTip("Run the trials in the background (Ctrl+Return). A study that "
                                     "already exists gets more trials")
        self.start_button.setDefault(True)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("End after the current epoch; finished trials are kept (Esc). "
                                    "Press again to stop at once")
        self.start_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.stop_button)
        form.addLayout(buttons)
        form.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(left)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(390)
        scroll.setMaximumWidth(440)

        right = QWidget()
        side = QVBoxLayout(right)
        side.setContentsMargins(6, 0, 0, 0)
        status = QHBoxLayout()
        self.status_label = QLabel("No sweep running. Choose the settings to try and press Start, "
                                   "or load a study.")
        # One line, never wrapped: a wrapping label gives the tab a height-for-width, and the
        # main window's scroll area would then size the tab to its preferred height and scroll.
        self.status_label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(220)
        status.addWidget(self.status_label, 1)
        status.addWidget(self.progress)
        side.addLayout(status)

        best_row = QHBoxLayout()
        self.best_label = QLabel("Best: –")
        self.best_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.use_best_button = QPushButton("Use best in Train tab")
        self.use_best_button.setToolTip("Copy the best trial's settings into the Train tab "
                                        "(Ctrl+Shift+B)")
        self.use_best_button.clicked.connect(self.use_best)
        self.open_button = QPushButton("Open checkpoint")
        self.open_button.setToolTip("Load the selected trial's model and make it the active model")
        self.open_button.clicked.connect(self.open_selected)
        best_row.addWidget(self.best_label, 1)
        best_row.addWidget(self.use_best_button)
        best_row.addWidget(self.open_button)
        side.addLayout(best_row)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.AscendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeToContents)
        self.table.setContextMenuPolicy(Qt.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._table_menu)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _: self.open_selected())
        self.table.setToolTip("Double-click a trial to open its model; right-click for more")

        self.plots = TrialPlots()
        self.plots.trial_clicked.connect(self.select_trial)
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.plots)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([330, 400])
        side.addWidget(split, 1)

        layout = QHBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(right, 1)

        QShortcut(QKeySequence("Ctrl+Return"), self, self.start, context=Qt.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence(Qt.Key_Escape), self, self.stop, context=Qt.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Ctrl+Shift+B"), self, self.use_best,
                  context=Qt.WidgetWithChildrenShortcut)
        app = QCoreApplication.instance()
        if app is not None:  # the thread must end before Python tears the widgets down
            app.aboutToQuit.connect(self.shutdown)
        self.plots.set_objective(self.objective)
        self._restore_form()
        self._objective_changed()
        self._set_running(False)

    # Form
    def _build_budget(self) -> QGroupBox:
        box = QGroupBox("Budget and objective")
        self.trials_spin = _spin(1, 10_000, 20)
        self.trials_spin.setToolTip("Trials this run adds to the study")
        self.epochs_spin = _spin(1, 1000, 3)
        self.epochs_spin.setToolTip("Epochs each trial trains; the median pruner may stop a trial "
                                    "early when its test loss trails the others' at the same epoch")
        self.train_spin = _spin(0, 60_000, 10_000, 1000)
        self.train_spin.setSpecialValueText("all 60,000")
        self.train_spin.setToolTip("Train each trial on the first N training images (0: all). "
                                   "Small subsets make quick, rough comparisons")
        self.test_spin = _spin(0, 10_000, 2_000, 500)
        self.test_spin.setSpecialValueText("all 10,000")
        self.test_spin.setToolTip("Evaluate on the first N test images (0: all)")
        self.objective_combo = QComboBox()
        self.objective_combo.addItem("Test loss (negative ELBO, lower is better)", "test_loss")
        self.objective_combo.addItem("Held-out digit AUROC (higher is better)", "auroc")
        self.objective_combo.setToolTip(
            "Test loss: how well the model explains test digits. AUROC: train without one digit, "
            "then how well the negative ELBO tells that digit from the others (anomaly detection)")
        self.prune_box = QCheckBox("Prune unpromising trials")
        self.prune_box.setChecked(True)
        self.prune_box.setToolTip("Median rule: after each epoch, stop a trial whose objective is "
                                  "worse than the median of the completed trials at that epoch")
        self.holdout_spin = _spin(0, 9, 9)
        self.holdout_spin.setToolTip("The digit left out of training for the AUROC objective")
        self.objective_combo.currentIndexChanged.connect(lambda _: self._objective_changed())
        form = QFormLayout(box)
        form.addRow("Trials", self.trials_spin)
        form.addRow("Epochs per trial", self.epochs_spin)
        form.addRow("Training images", self.train_spin)
        form.addRow("Test images", self.test_spin)
        form.addRow("", self.prune_box)
        form.addRow("Objective", self.objective_combo)
        form.addRow("Held-out digit", self.holdout_spin)
        return box

    def _build_study(self) -> QGroupBox:
        box = QGroupBox("Study")
        self.storage_edit = QLineEdit()
        self.storage_edit.setPlaceholderText(default_storage_url())
        self.storage_edit.setToolTip(
            "Optuna storage URL. Empty: the SQLite file shown, in the app's data folder. A "
            "database server (postgresql://user:password@host/db) lets several machines work on "
            "one study: run `vae-desktop sweep --storage URL --study NAME` on each")
        self.storage_edit.setClearButtonEnabled(True)
        self.study_combo = QComboBox()
        self.study_combo.setEditable(True)
        self.study_combo.setInsertPolicy(QComboBox.NoInsert)
        self.study_combo.setEditText(DEFAULT_STUDY)
        self.study_combo.setToolTip("A new name starts a study; an existing one is resumed "
                                    "(pick it from the list to see its trials)")
        self.study_combo.activated.connect(lambda _: self.load_study())
        self.load_button = QPushButton("Load")
        self.load_button.setToolTip("Show the trials of this study without running any")
        self.load_button.clicked.connect(self.load_study)
        study_row = QHBoxLayout()
        study_row.addWidget(self.study_combo, 1)
        study_row.addWidget(self.load_button)
        self.seed_spin = _spin(0, 1_000_000, 1)
        self.seed_spin.setToolTip("Seeds the sampler and each trial's training; the same seed "
                                  "repeats a sweep exactly")
        self.device_combo = QComboBox()
        self.device_combo.addItem("Automatic", "auto")
        for name, label in available_devices():
            self.device_combo.addItem(label, name)
        form = QFormLayout(box)
        form.addRow("Storage", self.storage_edit)
        form.addRow("Study name", study_row)
        form.addRow("Seed", self.seed_spin)
        form.addRow("Device", self.device_combo)
        self.storage_edit.editingFinished.connect(self._list_studies)
        return box

    def _objective_changed(self) -> None:
        auroc = self.objective_combo.currentData() == "auroc"
        self.holdout_spin.setEnabled(auroc)
        if auroc:
            self.space.conditional.setChecked(False)
        self.space.conditional.setEnabled(not auroc)

    def build_spec(self) -> SweepSpec:
        """The sweep the form describes; raises SweepError saying what to fix."""
        return SweepSpec(
            **self.space.spec_kwargs(),
            trials=self.trials_spin.value(), epochs=self.epochs_spin.value(),
            train_size=self.train_spin.value() or None, test_size=self.test_spin.value() or None,
            objective=self.objective_combo.currentData(), holdout=self.holdout_spin.value(),
            storage=self.storage_edit.text().strip() or None, study=self.study_name_text(),
            seed=self.seed_spin.value(), device=self.device_combo.currentData(),
            prune=self.prune_box.isChecked())

    def study_name_text(self) -> str:
        return self.study_combo.currentText().strip()

    # Running
    def is_running(self) -> bool:
        return self.worker is not None and self.worker.isRunning()

    def start(self) -> bool:
        if self.is_running():
            return False
        try:
            spec = self.build_spec()
        except SweepError as exc:
            self.show_error(str(exc))
            return False
        self.show_error("")
        self._save_form()
        self._set_study(spec.study, spec.objective, spec.direction, [])
        self._run_total, self._run_done = spec.trials, 0
        self.worker = SweepWorker(spec, self)
        self.worker.event.connect(self._on_event)
        self.worker.failed.connect(self._on_failed)
        self.worker.finished.connect(self._on_finished)
        self._set_running(True)
        self.status_label.setText(f"Opening study {spec.study}…")
        self.progress.setValue(0)
        self.worker.start()
        return True

    def stop(self) -> None:
        if not self.is_running():
            return
        if self.worker.stop_flag.is_set():
            self.worker.abort_flag.set()
            self.status_label.setText("Stopping now…")
        else:
            self.worker.stop_flag.set()
            self.stop_button.setText("Stop now")
            self.status_label.setText("Stopping after this epoch… (press Stop again to stop now)")

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Stop a running sweep at once and wait for its thread; True when nothing runs."""
        if self.worker is None:
            return True
        self.worker.abort_flag.set()
        return self.worker.wait(timeout_ms)

    def _set_running(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.start_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        self.stop_button.setText("Stop")
        self.load_button.setEnabled(not running)
        for box in self.findChildren(QGroupBox):
            box.setEnabled(not running)
        self._update_buttons()

    def _on_event(self, event: dict) -> None:
        kind = event["kind"]
        if kind == "study":
            study: SweepStudy = event["study"]
            self._set_study(study.name, study.objective, study.direction, study.trials)
        elif kind == "sweep_started":
            self.status_label.setText(
                f"Study <b>{event['study']}</b> ({event['existing_trials']} earlier trials): "
                f"running {event['trials']} trials of {event['epochs']} epoch(s)")
        elif kind == "trial_started":
            n = event["number"]
            self.trials[n] = TrialRecord(n, "RUNNING", None, event["params"], event["settings"], {},
                                         None)
            self._refresh(select=None)
            self._show_progress(n, 0, 1, "starting")
        elif kind == "step":
            self._show_progress(event["number"], event["epoch"] - 1 + event["step"] / event["steps"],
                                event["epochs"], f"epoch {event['epoch']} of {event['epochs']}")
        elif kind == "epoch":
            record = self.trials.get(event["number"])
            if record is not None:
                record.intermediate[event["epoch"]] = event["value"]
                self._refresh(select=None)
            self._show_progress(event["number"], event["epoch"], event["epochs"],
                                f"epoch {event['epoch']} of {event['epochs']}: {fmt_value(event['value'])}")
        elif kind == "trial_finished":
            fields = {k: v for k, v in event.items() if k != "kind"}
            fields["intermediate"] = {int(k): v for k, v in fields["intermediate"].items()}
            self.trials[event["number"]] = TrialRecord(**fields)
            self._run_done += 1
            self._refresh(select=None)
        elif kind == "sweep_done":
            self.progress.setValue(self.progress.maximum())
            stopped = " (stopped)" if event["stopped"] else ""
            self.status_label.setText(f"Sweep finished{stopped}: {event['trials_run']} trial(s) run "
                                      f"in study <b>{self.study_name}</b>, {len(self.trials)} in all")
            self.state.status_message.emit(f"Sweep {self.study_name} finished{stopped}", 5000)

    def _show_progress(self, number: int, epochs_done: float, epochs: int, text: str) -> None:
        fraction = (self._run_done + epochs_done / max(epochs, 1)) / max(self._run_total, 1)
        self.progress.setValue(int(1000 * min(fraction, 1.0)))
        self.status_label.setText(f"Trial {number} ({self._run_done + 1} of {self._run_total} in "
                                  f"this run), {text}")

    def _on_failed(self, message: str) -> None:
        self.show_error(message)
        self.status_label.setText("The sweep could not run: see the message on the left.")

    def _on_finished(self) -> None:
        self._set_running(False)
        self._list_studies()  # the study may be new

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    # Studies
    def load_study(self) -> None:
        """Show the trials of the named study (in a background thread: storage may be remote)."""
        if self.is_running():
            return
        name = self.study_name_text()
        storage = self.storage_edit.text().strip() or None
        if not name:
            self.show_error("Type the name of a study to load.")
            return
        self.show_error("")
        self.status_label.setText(f"Loading study {name}…")
        self._call(lambda: load_trials(storage, name), self._loaded)

    def _loaded(self, study: SweepStudy) -> None:
        self._set_study(study.name, study.objective, study.direction, study.trials)
        best = study.best
        self.status_label.setText(f"Study <b>{study.name}</b>: {len(study.trials)} trial(s)"
                                  + (f", best {fmt_value(best.value)}" if best else "")
                                  + ". Start adds more trials to it.")

    def _list_studies(self) -> None:
        storage = self.storage_edit.text().strip() or None
        self._studies_listed = True
        self._call(lambda: list_studies(storage), self._fill_studies, quiet=True)

    def _fill_studies(self, names: list[str]) -> None:
        text = self.study_combo.currentText()
        self.study_combo.blockSignals(True)
        self.study_combo.clear()
        self.study_combo.addItems(names)
        self.study_combo.setEditText(text)
        self.study_combo.blockSignals(False)

    def _call(self, fn, on_done, quiet: bool = False) -> None:
        call = BackgroundCall(fn, self)
        call.done.connect(on_done)
        if not quiet:
            call.failed.connect(self._load_failed)
        call.finished.connect(lambda: self._background.remove(call))
        self._background.append(call)
        call.start()

    def _load_failed(self, message: str) -> None:
        self.show_error(message)
        self.status_label.setText("Could not load the study: see the message on the left.")

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._studies_listed:
            self._list_studies()

    def _set_study(self, name: str, objective: str, direction: str, trials) -> None:
        self.study_name, self.objective, self.direction = name, objective, direction
        self.trials = {t.number: t for t in trials}
        self.plots.set_objective(objective)
        value_header = "AUROC" if objective == "auroc" else "Test loss"
        self.table.horizontalHeaderItem(2).setText(value_header)
        varied = [n for n in SETTINGS if any(n in t.params for t in trials)] or list(self.space.vary())
        if varied and self.plots.setting_combo.currentData() not in varied:
            self.plots.choose_setting(varied[0])  # keep the user's pick when it still applies
        self._refresh(select=None)

    # Table and plots
    def _refresh(self, select: int | None) -> None:
        keep = self.selected_trial()
        wanted = select if select is not None else (keep.number if keep else None)
        records = sorted(self.trials.values(), key=lambda t: t.number)
        best = best_trial(records, self.direction)
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(records))
        bold = QFont()
        bold.setBold(True)
        for row, record in enumerate(records):
            value = record.value if record.value is not None else record.last_value
            seconds = record.duration_s
            cells = [record.number, record.label, value, len(record.intermediate) or None,
                     f"{seconds:.1f} s" if seconds is not None else "–"]
            cells += [record.settings.get(name, record.params.get(name)) for name in SETTINGS]
            for col, content in enumerate(cells):
                item = SortableItem(fmt_value(content) if col == 2 else fmt(content), content)
                item.setTextAlignment(Qt.AlignCenter)
                if col == 0:
                    item.setData(Qt.UserRole, record.number)
                elif col == 1:
                    item.setForeground(STATE_COLORS.get(record.label, QColor(140, 140, 140)))
                    item.setToolTip(record.note or record.label)
                elif col == 2 and record.value is None and value is not None:
                    item.setToolTip("The last epoch's value: the trial did not complete")
                    item.setForeground(QColor(140, 140, 140))
                elif col >= 5 and SETTINGS[col - 5] in record.params:
                    item.setToolTip("Sampled by the sweep")
                    item.setFont(bold)
                if best is not None and record.number == best.number:
                    item.setBackground(QColor(255, 140, 40, 60))
                self.table.setItem(row, col, item)
        self.table.setSortingEnabled(True)
        if wanted is not None:
            self.select_trial(wanted)
        self.plots.show_trials(records, self.direction)
        self.best_label.setText(self._best_text(best))
        self._update_buttons()

    def _best_text(self, best: TrialRecord | None) -> str:
        if best is None:
            return "Best: – (no trial has completed yet)" if self.trials else "Best: –"
        params = ", ".join(f"{SHORT_LABELS[k]} {fmt(best.params[k])}" for k in SETTINGS
                           if k in best.params)
        what = "AUROC" if self.objective == "auroc" else "test loss"
        return (f"<b>Best:</b> trial {best.number}, {what} {fmt_value(best.value)}"
                + (f" ({params})" if params else ""))

    def selected_trial(self) -> TrialRecord | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        return self.trials.get(item.data(Qt.UserRole)) if item is not None else None

    def select_trial(self, number: int) -> None:
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(Qt.UserRole) == number:
                self.table.selectRow(row)
                self.table.scrollToItem(item)
                return

    def _update_buttons(self) -> None:
        best = best_trial(list(self.trials.values()), self.direction)
        self.use_best_button.setEnabled(best is not None)
        selected = self.selected_trial()
        self.open_button.setEnabled(selected is not None and bool(selected.checkpoint))

    def _table_menu(self, pos) -> None:
        item = self.table.itemAt(pos)
        if item is None:
            return
        self.table.selectRow(item.row())
        record = self.selected_trial()
        if record is None:
            return
        menu = QMenu(self)
        use = menu.addAction("Use these settings in the Train tab")
        use.setEnabled(bool(record.settings))
        use.triggered.connect(lambda: self.use_settings(record))
        opened = menu.addAction("Open checkpoint")
        opened.setEnabled(bool(record.checkpoint))
        opened.triggered.connect(self.open_selected)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    # Actions
    def best_settings(self) -> dict | None:
        best = best_trial(list(self.trials.values()), self.direction)
        return self.train_settings(best) if best is not None else None

    @staticmethod
    def train_settings(record: TrialRecord) -> dict:
        s = {**DEFAULT_FIXED, "conditional": False, "epochs": 10, **record.settings,
             **record.params}
        return {"latent_dim": int(s["latent_dim"]), "hidden": int(s["hidden"]), "arch": s["arch"],
                "lr": float(s["lr"]), "batch_size": int(s["batch_size"]), "beta": float(s["beta"]),
                "epochs": int(s["epochs"]), "conditional": bool(s["conditional"])}

    def use_best(self) -> None:
        best = best_trial(list(self.trials.values()), self.direction)
        if best is not None:
            self.use_settings(best)

    def use_settings(self, record: TrialRecord) -> None:
        self.state.training_settings_requested.emit(self.train_settings(record))
        self.state.status_message.emit(f"Settings of trial {record.number} sent to the Train tab",
                                       5000)

    def open_selected(self) -> bool:
        record = self.selected_trial()
        if record is None or not record.checkpoint:
            return False
        try:
            ckpt = checkpoint.load(record.checkpoint)
        except checkpoint.CheckpointError as exc:
            where = f" on {record.host}" if record.host else ""
            self.show_error(f"Trial {record.number}'s model could not be opened: {exc}. The "
                            f"trial ran{where}; a trial run on another machine keeps its "
                            "checkpoint there.")
            return False
        ckpt.name = f"{self.study_name}-trial-{record.number}"
        self.show_error("")
        self.state.add_model(ckpt)
        self.state.status_message.emit(f"Opened {ckpt.name} ({ckpt.config.describe()})", 5000)
        return True

    # Remembered form
    def _form_values(self) -> dict:
        return {"vary": ",".join(self.space.vary()), "trials": self.trials_spin.value(),
                "epochs": self.epochs_spin.value(), "train": self.train_spin.value(),
                "test": self.test_spin.value(), "objective": self.objective_combo.currentData(),
                "holdout": self.holdout_spin.value(), "storage": self.storage_edit.text().strip(),
                "study": self.study_name_text(), "seed": self.seed_spin.value(),
                "prune": self.prune_box.isChecked()}

    def _save_form(self) -> None:
        for key, value in self._form_values().items():
            self.settings.setValue(f"sweep/{key}", value)

    def _restore_form(self) -> None:
        s = self.settings
        if not s.contains("sweep/study"):
            return
        vary = [v for v in qs.read_str(s, "sweep/vary", "latent_dim,lr").split(",") if v]
        self.space.set_vary(vary)
        self.trials_spin.setValue(qs.read_int(s, "sweep/trials", 20))
        self.epochs_spin.setValue(qs.read_int(s, "sweep/epochs", 3))
        self.train_spin.setValue(qs.read_int(s, "sweep/train", 10_000))
        self.test_spin.setValue(qs.read_int(s, "sweep/test", 2_000))
        index = self.objective_combo.findData(qs.read_str(s, "sweep/objective", "test_loss"))
        self.objective_combo.setCurrentIndex(max(index, 0))
        self.holdout_spin.setValue(qs.read_int(s, "sweep/holdout", 9))
        self.storage_edit.setText(qs.read_str(s, "sweep/storage"))
        self.study_combo.setEditText(qs.read_str(s, "sweep/study", DEFAULT_STUDY))
        self.seed_spin.setValue(qs.read_int(s, "sweep/seed", 1))
        self.prune_box.setChecked(qs.read_bool(s, "sweep/prune", True))
