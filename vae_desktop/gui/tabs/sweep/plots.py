"""The two plots of the Sweep tab: the objective by trial (with the best so far) and the objective
against one setting. A click on a point selects its trial."""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from vae_desktop.core import settings as table
from vae_desktop.core.sweep import OBJECTIVE_LABELS, SETTINGS, TrialRecord, best_trial
from vae_desktop.gui.widgets.empty_plot import add_hint, show_axis_values
from vae_desktop.gui.widgets.focus_frame import FocusFrame
from vae_desktop.gui.widgets.keyboard_menu import MENU_KEYS_TEXT, KeyboardMenu, plot_menu
from vae_desktop.gui.widgets.plot_grid import plain_axes, readable_axes, show_grid
from vae_desktop.gui.widgets.plot_menus import menus_go_with
from vae_desktop.gui.widgets.tones import follow_palette, readable

PLOT_BG = "#202124"
POINT_BRUSH = pg.mkBrush(90, 150, 255)
PRUNED_BRUSH = pg.mkBrush(150, 150, 150, 160)
BEST_PEN = pg.mkPen((255, 140, 40), width=2)
# The left plot's key, in its title (a legend inside the plot would hide points): each series'
# mark in its colour, made as dark (light window) or as light (dark one) as text must be to read
# there. In the plots' own colours it read at 2 to 2.6:1 on the light window.
KEY_TITLE = ("<b>Objective by trial</b>&nbsp;&nbsp; <span style='color:{complete}'>●</span> "
             "complete &nbsp;<span style='color:{pruned}'>✕</span> pruned/stopped "
             "&nbsp;<span style='color:{best}'>━</span> best so far")
# The plots' menu is pyqtgraph's: a right-click, or the keys once Tab has brought the focus there.
PLOT_KEYS = (f"Right-click (or, once Tab has brought the focus here, press {MENU_KEYS_TEXT}) for "
             f"its menu: View All fits the plot to its points again, Export… saves it.")
KEY_COLOURS = {"complete": POINT_BRUSH.color(), "pruned": QColor(PRUNED_BRUSH.color().rgb()),
               "best": BEST_PEN.color()}


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


class TrialPlots(QWidget):
    """Objective by trial (with the best so far) and objective against one setting."""

    trial_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.by_trial = pg.PlotWidget(background=PLOT_BG)
        self.by_trial.setLabel("bottom", "trial")
        show_grid(self.by_trial.getPlotItem(), alpha=0.15)
        self.done_curve = self.by_trial.plot([], [], pen=None, symbol="o", symbolSize=8,
                                             symbolBrush=POINT_BRUSH, symbolPen=None)
        self.pruned_curve = self.by_trial.plot([], [], pen=None, symbol="x", symbolSize=9,
                                               symbolBrush=PRUNED_BRUSH, symbolPen=None)
        self.best_curve = self.by_trial.plot([], [], pen=BEST_PEN)
        self.by_setting = pg.PlotWidget(background=PLOT_BG)
        show_grid(self.by_setting.getPlotItem(), alpha=0.15)
        self.setting_curve = self.by_setting.plot([], [], pen=None, symbol="o", symbolSize=8,
                                                  symbolBrush=POINT_BRUSH, symbolPen=None)
        self.best_marker = self.by_setting.plot([], [], pen=None, symbol="star", symbolSize=16,
                                                symbolBrush=pg.mkBrush(255, 140, 40),
                                                symbolPen=None)
        self._hints = {}
        for plot, text in ((self.by_trial, "Trials appear here as they end"),
                           (self.by_setting, "Complete trials appear here,\n"
                                             "against the setting chosen above")):
            plot.getViewBox().setDefaultPadding(0.08)
            # The values themselves on both axes: no "(x0.001)" on AUROCs or learning rates.
            plain_axes(plot.getPlotItem())
            readable_axes(plot)
            self._hints[plot] = add_hint(plot, text)
        for curve in (self.done_curve, self.pruned_curve, self.setting_curve):
            curve.sigPointsClicked.connect(self._clicked)
        self.setting_combo = QComboBox()
        for name in SETTINGS:
            self.setting_combo.addItem(table.SETTINGS[name].label, name)
        self.setting_combo.setToolTip("The setting on the x axis of the right plot")
        self.setting_combo.currentIndexChanged.connect(lambda _: self._draw_setting())
        self.title_left = QLabel()
        self._show_key()
        follow_palette(self.title_left, self._show_key)  # readable on a theme switched to
        self.title_right = QLabel("<b>Objective against</b>")
        self.title_right.setBuddy(self.setting_combo)
        for plot, name, what in (
                (self.by_trial, "Objective by trial plot",
                 "Each trial's objective against its number, with the best so far."),
                (self.by_setting, "Objective against a setting plot",
                 "Each complete trial's objective against the setting chosen above it.")):
            plot.setAccessibleName(name)
            plot.setToolTip(f"{what} Click a point to select its trial. {PLOT_KEYS}")
            plot.setAccessibleDescription(
                f"{what} The trial table holds the same values. {PLOT_KEYS}")
            # A Tab stop for its menu, with a frame while it has the focus; a click on a point
            # leaves the focus where it was (the trial table, which the click selects in).
            plot.setFocusPolicy(Qt.TabFocus)
            plot.focus_frame = FocusFrame(plot)
            plot.keyboard_menu = KeyboardMenu(plot, lambda plot=plot: plot_menu(plot))
            menus_go_with(plot)
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
        # Tab in reading order: the left plot, the setting the right one is drawn against, it.
        QWidget.setTabOrder(self.by_trial, self.setting_combo)
        QWidget.setTabOrder(self.setting_combo, self.by_setting)
        self._trials: list[TrialRecord] = []
        self._direction = "minimize"
        # Whole trial numbers and a titled x axis before the first trial arrives.
        self.show_trials([], self._direction)

    def _show_key(self) -> None:
        """The left plot's title with its key, in colours readable on the window."""
        window = self.title_left.palette().color(QPalette.Window)
        self.title_left.setText(KEY_TITLE.format(
            **{name: readable(colour, window).name() for name, colour in KEY_COLOURS.items()}))

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
        self._show_empty(self.by_trial, not done and not cut)
        self._draw_setting()

    def _show_empty(self, plot: pg.PlotWidget, empty: bool) -> None:
        """An empty plot shows its hint and no tick values."""
        hint = self._hints[plot]
        was_empty = hint.isVisible()
        hint.setVisible(empty)
        show_axis_values(plot, not empty)
        if empty:
            plot.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)
        elif was_empty:  # the first points: fit them (later, a zoom the user chose stays)
            plot.enableAutoRange()

    def choose_setting(self, name: str) -> None:
        index = self.setting_combo.findData(name)
        if index >= 0:
            self.setting_combo.setCurrentIndex(index)

    def _draw_setting(self) -> None:
        name = self.setting_combo.currentData()
        setting = table.SETTINGS[name]
        done = [t for t in self._trials if t.state == "COMPLETE" and t.value is not None
                and name in t.settings]
        axis = self.by_setting.getAxis("bottom")
        # A rate is shown as log10 on a plain axis, labelled like 1e-3 (pyqtgraph's log mode
        # would label it 10^-3). Latent sizes are sampled on a log scale but read best as is.
        log_axis = setting.log
        self.by_setting.setLabel("bottom", setting.label + (" (log scale)" if log_axis else ""))
        axis.setTickSpacing()
        axis.setTicks(None)
        if setting.choices:
            axis.setTicks([list(enumerate(setting.choices))])
            xs = [setting.choices.index(t.settings[name]) if t.settings[name] in setting.choices
                  else -1 for t in done]
        elif log_axis:
            xs = [math.log10(float(t.settings[name])) for t in done]
            if xs:
                axis.setTicks(log_ticks(min(xs), max(xs)))
        else:
            xs = [float(t.settings[name]) for t in done]
            if setting.kind is int:
                integer_ticks(axis, min(xs, default=0), max(xs, default=0))
        ys = [t.value for t in done]
        self.setting_curve.setData(xs, ys, data=[t.number for t in done])
        best = best_trial(done, self._direction)
        if best is not None:
            i = done.index(best)
            self.best_marker.setData([xs[i]], [ys[i]])
        else:
            self.best_marker.setData([], [])
        self._show_empty(self.by_setting, not done)
        if done:
            self.by_setting.enableAutoRange()

    def _clicked(self, item, points, *args) -> None:
        if len(points):
            self.trial_clicked.emit(int(points[0].data()))
