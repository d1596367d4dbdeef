"""LossPlot: the live training plot of the Train tab.

Each curve is created once and given its growing numpy buffer at each redraw; the plot redraws on
a timer (not on every update), with peak downsampling to the view's width (the step curves are
`widgets.growing_curve.GrowingCurve`s), so 100,000 points stay smooth. The x axis counts epochs
(fractional within an epoch); y is in nats per image. A vertical marker shows where beta or the
learning rate was changed during a run (in the x range: a change in epoch 1 sits left of a saved
history's first point). A curve of a few points (a model
trained for one epoch, the first steps of a run) is drawn with markers, since a line of one point
draws nothing. The legend names what is drawn: a run's five curves from its start (built once
then, never as the curves get points), or a saved history's per-epoch means ("train loss, per
epoch": it has no steps). Its words are chosen at `set_history`, `begin_run` and `end_run` only;
with a beta other than 1 they say that the test loss is measured at beta 1. The values under the
mouse are written inside the plot, in the top corner away from the cursor, and go when it leaves.

During a run (`begin_run` .. `end_run`) the axes hold still: x spans the whole run from the start
and y moves only when a curve leaves it or fills much less of it. The axes, with their grid, are
drawn from cached pixmaps, so a redraw repaints the curves alone; re-rendering the axes on every
redraw took most of the GUI thread's time, and that time came out of training on a 2-core machine.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QRectF, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QGraphicsGridLayout,
    QGraphicsItem,
    QHBoxLayout,
    QVBoxLayout,
    QWidget,
)

from vae_desktop.gui.widgets.empty_plot import HINT_COLOR
from vae_desktop.gui.widgets.growing_curve import GrowingCurve
from vae_desktop.gui.widgets.plot_grid import plain_axes, readable_axes, show_grid
from vae_desktop.gui.widgets.plot_menus import menus_go_with
from vae_desktop.gui.widgets.view_range import set_view_range

# At most 5 redraws a second, whatever the rate of updates: on 2 cores every millisecond the GUI
# thread spends drawing is taken from training (bench/gui_training_speed.py).
REDRAW_MS = 200
SMOOTHING = 0.8  # exponential moving average weight of the past (TensorBoard-style, debiased)
Y_MARGIN = 0.05  # room above and below the curves, as a share of their span
Y_REFIT_FILL = 0.6  # during a run, y is refitted when the curves fill less than this of it
LEGEND_MARGINS_PX = 24  # the plot layout's margins either side of the legend, and a little room
MARKER_PEN = pg.mkPen((255, 216, 77, 170), width=1)
FEW_POINTS = 5  # a curve of at most this many points also shows each point as a marker
POINT_SIZE = 6  # px: the markers of such a curve (the test loss's, always shown, are 7)
EMPTY_TEXT = "No losses yet: they are drawn while a model trains."
# The legend's words for curves whose meaning depends on what is shown (`LossPlot._legend_name`).
PER_EPOCH_NAME = "train loss, per epoch"  # a saved history: the mean of each epoch's batches
# With beta other than 1 the training loss (recon + beta * KL, its tooltip says) is not the test
# loss's measure: the test entry says so, briefly (a longer train entry took the legend a third
# row at 1280x720).
WEIGHTED_TEST = "test loss (β = 1)"  # after each epoch: its tooltip and its markers say it
LEGEND_TIPS = {
    "raw": "The loss of single training batches: reconstruction + β·KL, with the β in force at "
           "that step.",
    "smooth": "The training loss: reconstruction + β·KL of the training batches, with the β in "
              "force at each step (rising from 0 during a KL warm-up). Smoothed during a run; a "
              "saved model keeps one mean per epoch.",
    "test": "The test loss after each epoch: the negative ELBO of test images, reconstruction + "
            "KL with β = 1, whatever β the model trains with. With β other than 1 it is not the "
            "training loss's measure, so the two curves differ by more than over-fitting.",
    "recon": "The reconstruction error of the training batches (nats per image).",
    "kl": "The KL divergence of the training batches' codes from the prior (nats per image), "
          "before β weighs it.",
}
RAW_TIP = "The loss of single batches (noisy)"
NO_RAW_TIP = ("The loss of single batches (noisy). A saved model keeps only one value per "
              "epoch, so a model opened from its file has none to show.")
CHANGE_NAMES = {"beta": "β", "lr": "lr"}
READOUT_MARGIN_PX = 6  # between the readout and the edges of the plot's data area
READOUT_MIN_PX = 180  # the readout's width on a plot too narrow for half of it to hold a line
READOUT_FILL = pg.mkBrush(32, 33, 36, 225)  # the plot's background, nearly opaque
READOUT_BORDER = pg.mkPen(110, 110, 110)


class GrowingSeries:
    """x and y float arrays that grow by doubling; `view()` returns the filled part. The
    lowest and highest finite y are kept as points come, for the y axis during a run."""

    def __init__(self, capacity: int = 1024) -> None:
        self._x = np.empty(capacity, dtype=np.float64)
        self._y = np.empty(capacity, dtype=np.float64)
        self.size = 0
        self.clear()

    def append(self, x: float, y: float) -> None:
        if self.size == len(self._x):
            self._x = np.concatenate([self._x, np.empty_like(self._x)])
            self._y = np.concatenate([self._y, np.empty_like(self._y)])
        self._x[self.size] = x
        self._y[self.size] = y
        self.size += 1
        if math.isfinite(y):
            self._lo, self._hi = min(self._lo, y), max(self._hi, y)
            if y > 0:
                self._lo_positive = min(self._lo_positive, y)

    def clear(self) -> None:
        self.size = 0
        self._lo = self._lo_positive = math.inf
        self._hi = -math.inf

    def y_bounds(self, log: bool = False) -> tuple[float, float] | None:
        """The lowest and highest finite y, or their log10 (of the positive ones) for a log
        axis; None if there is none."""
        if not log:
            return (self._lo, self._hi) if self._lo <= self._hi else None
        if self._hi <= 0 or self._lo_positive == math.inf:
            return None
        return math.log10(self._lo_positive), math.log10(self._hi)

    def view(self) -> tuple[np.ndarray, np.ndarray]:
        return self._x[:self.size], self._y[:self.size]

    def __len__(self) -> int:
        return self.size


class Smoother:
    """Debiased exponential moving average, restarted by `reset`."""

    def __init__(self, weight: float = SMOOTHING) -> None:
        self.weight = weight
        self.reset()

    def reset(self) -> None:
        self._value = 0.0
        self._count = 0

    def __call__(self, value: float) -> float:
        self._count += 1
        self._value = self.weight * self._value + (1.0 - self.weight) * value
        return self._value / (1.0 - self.weight ** self._count)


# key: (legend name, pen, symbol) -- created once, in this order. Solid pens: dashed and wide
# antialiased lines cost several times more to paint.
CURVES = {
    "raw": ("train loss, per step", pg.mkPen((120, 170, 255, 90), width=1), None),
    "smooth": ("train loss, smoothed", pg.mkPen((70, 140, 255), width=2), None),
    "test": ("test loss, per epoch", pg.mkPen((255, 140, 40), width=2), "o"),
    "recon": ("reconstruction (train)", pg.mkPen((80, 200, 120), width=1.5), None),
    "kl": ("KL (train)", pg.mkPen((220, 90, 200), width=1.5), None),
}


class LossPlot(QWidget):
    """Loss curves with toggles for reconstruction, KL and the raw steps, and a log scale."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # The legend sits in its own row above the plot, where it never hides a curve.
        self.plot_widget = pg.GraphicsLayoutWidget()
        self.plot_widget.setBackground("#202124")
        self.plot_widget.setAccessibleName("Loss plot")
        self.plot_widget.setAccessibleDescription(
            "The training and test losses by epoch, in nats per image; the check boxes under "
            "it show or hide curves and set a log scale.")
        # No Tab stop: nothing here is done with keys (the check boxes under it are), and a
        # plot that takes the focus draws none.
        self.plot_widget.setFocusPolicy(Qt.NoFocus)
        self.legend = pg.LegendItem(colCount=len(CURVES), labelTextColor="#dddddd",
                                    frame=False, horSpacing=4)
        self.plot_widget.addItem(self.legend, row=0, col=0)
        self.plot = self.plot_widget.addPlot(row=1, col=0, enableMenu=False)
        menus_go_with(self.plot_widget, self.plot)
        self.plot.setLabel("left", "loss (nats per image)")
        self.plot.setLabel("bottom", "epoch")
        show_grid(self.plot, alpha=0.2)
        plain_axes(self.plot)
        readable_axes(self.plot_widget, self.plot)  # once: the plot's background is its own
        # For the plot's PlotDataItems (the test loss, Rewind's earlier run), set before any
        # item is added: pyqtgraph applies them to every curve it holds, and GrowingCurves
        # downsample themselves.
        self.plot.setDownsampling(auto=True, mode="peak")
        self.plot.setClipToView(True)
        self.series = {key: GrowingSeries() for key in CURVES}
        self.curves: dict[str, GrowingCurve | pg.PlotDataItem] = {}
        for key, (_name, pen, symbol) in CURVES.items():
            if symbol:  # the test loss: a point an epoch, each marked
                test = self.plot.plot([], [], pen=pen, antialias=True, symbol=symbol,
                                      symbolSize=7, symbolBrush=pen.color(), symbolPen=None)
                # Painted from pixmaps, drawn again only when the curve or the axes change:
                # the other curves' redraws repaint the whole data area five times a second.
                for part in (test.curve, test.scatter):
                    part.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
                self.curves[key] = test
                continue
            # The curves that grow at every redraw of a run: PlotDataItem's setData cost about
            # 8x theirs (widgets.growing_curve). The raw steps are many and faint:
            # antialiasing them buys nothing visible.
            curve = GrowingCurve(pen, antialias=key != "raw", marker_size=POINT_SIZE,
                                 marker_brush=pen.color(), few=FEW_POINTS)
            self.plot.addItem(curve)
            self.curves[key] = curve
        self._legend_shown: tuple | None = None  # (curves listed, _per_epoch, _weighted)
        # What the curves are, for the legend's words (set with the data, never per step): a
        # saved history's per-epoch means, and a training loss weighted by a beta other than 1.
        self._per_epoch = False
        self._weighted = False
        # Said in the middle of the plot while no curve has a point, in the place of the tick
        # values (placed on each resize).
        self.empty_hint = pg.TextItem(EMPTY_TEXT, color=HINT_COLOR, anchor=(0.5, 0.5))
        self.empty_hint.setParentItem(self.plot.vb)
        self.plot.vb.sigResized.connect(self._place_hint)
        self._smoothers = {key: Smoother() for key in ("smooth", "recon", "kl")}
        self._dirty = False
        self._shown: dict[str, int] = {}  # points each curve was last given
        self._running = False
        self.markers: list[pg.InfiniteLine] = []  # changes of beta or lr, in the order made
        for axis in ("left", "bottom"):
            self.plot.getAxis(axis).setCacheMode(QGraphicsItem.DeviceCoordinateCache)

        self.cursor = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen((200, 200, 200, 90)))
        self.cursor.setVisible(False)
        self.plot.addItem(self.cursor, ignoreBounds=True)
        # The values under the mouse, written inside the plot, in the top corner away from the
        # cursor and wrapped to its width: beside the check boxes, a QLabel as wide as its
        # line widened the whole tab past a 1280x720 window (and stayed after the mouse left).
        self.readout = pg.TextItem("", color="#dddddd", anchor=(0, 0), fill=READOUT_FILL,
                                   border=READOUT_BORDER)
        self.readout.setParentItem(self.plot.vb)
        self.readout.setZValue(100)  # over the curves and the change markers
        self.readout.setVisible(False)
        self._readout_text = ""
        self.plot.scene().sigMouseMoved.connect(self._mouse_moved)
        for watched in (self.plot_widget, self.plot_widget.viewport()):
            watched.installEventFilter(self)

        self.toggles: dict[str, QCheckBox] = {}
        toggle_row = QHBoxLayout()
        toggle_row.setContentsMargins(0, 0, 0, 0)
        for key, text, tip in (
            ("raw", "Raw steps", RAW_TIP),
            ("recon", "Reconstruction", "Bernoulli reconstruction error, part of the loss"),
            ("kl", "KL", "KL divergence of the code from the prior, the other part of the loss"),
        ):
            box = QCheckBox(text)
            box.setChecked(True)
            box.setToolTip(tip)
            box.toggled.connect(self.curves[key].setVisible)
            box.toggled.connect(lambda _on: self._refit_y(force=True))  # other curves, other span
            # A click on the legend also hides a curve; keep the check box in step.
            self.curves[key].visibleChanged.connect(
                lambda key=key, box=box: box.setChecked(self.curves[key].isVisible()))
            self.toggles[key] = box
            toggle_row.addWidget(box)
        self.log_box = QCheckBox("Log scale")
        self.log_box.setToolTip("Logarithmic loss axis: the first steps no longer squash the rest")
        self.log_box.toggled.connect(self._set_log)
        toggle_row.addWidget(self.log_box)
        toggle_row.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget, 1)
        layout.addLayout(toggle_row)

        # Redraws new points at most every REDRAW_MS, ticking only while they come: started by
        # the first of them, stopped by a tick that finds none (an idle window wakes for nothing).
        # The Train tab's progress follows these ticks too, which holds as every step is a point.
        self.timer = QTimer(self)
        self.timer.setInterval(REDRAW_MS)
        self.timer.timeout.connect(self.redraw)
        self._update_legend()

    def resizeEvent(self, event) -> None:
        """The legend takes as many columns as fit, so that a narrow plot is not clipped."""
        super().resizeEvent(event)
        columns = self._legend_columns(self.plot_widget.width())
        if columns != self.legend.columnCount:
            self._arrange_legend(columns)

    def _legend_columns(self, width: float) -> int:
        """The most columns whose entries fit `width`, each column as wide as its widest entry."""
        legend = self.legend
        spacing = legend.layout.horizontalSpacing()
        entries = [sample.minimumWidth() + spacing + label.minimumWidth()
                   for sample, label in legend.items]
        for columns in range(len(entries), 1, -1):
            widest = [max(entries[c::columns]) for c in range(columns)]
            if sum(widest) + spacing * (columns - 1) + LEGEND_MARGINS_PX <= width:
                return columns
        return 1

    def _update_legend(self) -> None:
        """List the curves that have points (in CURVES order), and say so when none has; the
        raw steps' box is on while there are raw steps, or may be (during a run)."""
        # A run draws every curve: listed from its start, the legend holds still while the
        # curves get their first points (each rebuild lays the plot out anew, on the GUI thread
        # that the training's cores share). Its words change only with `_per_epoch` and
        # `_weighted`, which are set with the data, never per step.
        keys = list(CURVES) if self._running else [k for k in CURVES if len(self.series[k])]
        has_raw = self._running or bool(len(self.series["raw"]))
        if has_raw != self.toggles["raw"].isEnabled():
            self.toggles["raw"].setEnabled(has_raw)
            self.toggles["raw"].setToolTip(RAW_TIP if has_raw else NO_RAW_TIP)
        shown = (keys, self._per_epoch, self._weighted)  # what the legend's words depend on
        if shown == self._legend_shown:
            return
        self._legend_shown = shown
        entries = [(key, self._legend_name(key)) for key in keys]
        self.legend.clear()
        for key, name in entries:
            self.legend.addItem(self.curves[key], name)
            self.legend.items[-1][1].setToolTip(LEGEND_TIPS[key])
        self.empty_hint.setVisible(not entries)
        self._arrange_legend(self._legend_columns(self.plot_widget.width()))

    def _legend_name(self, key: str) -> str:
        if key == "smooth":
            return PER_EPOCH_NAME if self._per_epoch else CURVES[key][0]
        if key == "test" and self._weighted:
            return WEIGHTED_TEST
        return CURVES[key][0]

    def legend_names(self) -> list[str]:
        """The names the legend lists, in its order."""
        return [label.text for _sample, label in self.legend.items]

    def _place_hint(self) -> None:
        rect = self.plot.vb.boundingRect()
        self.empty_hint.setPos(rect.center())

    def _arrange_legend(self, columns: int) -> None:
        """The legend's entries on a fresh grid of `columns`. Not pyqtgraph's setColumnCount:
        its grid keeps the columns it had, so after a narrowing the entries land past them and
        the legend stays as wide as before, cutting off an entry and pushing the plot past the
        widget's edge."""
        legend = self.legend
        old = legend.layout
        for i in range(old.count() - 1, -1, -1):
            old.removeAt(i)  # the items stay; only the grid goes
        grid = QGraphicsGridLayout()
        grid.setVerticalSpacing(old.verticalSpacing())
        grid.setHorizontalSpacing(old.horizontalSpacing())
        for i, (sample, label) in enumerate(legend.items):
            row, column = divmod(i, columns)
            grid.addItem(sample, row, 2 * column, alignment=Qt.AlignVCenter)
            grid.addItem(label, row, 2 * column + 1)
        legend.layout = grid
        legend.setLayout(grid)  # deletes the old grid
        legend.columnCount, legend.rowCount = columns, math.ceil(len(legend.items) / columns)
        # Not legend.updateSize(): it sums the entries' widths as the old grid stretched them.
        legend.resize(grid.effectiveSizeHint(Qt.PreferredSize))
        legend.updateGeometry()
        # The view fitted its contents to its new size before this ran, held as wide as the old
        # legend: fit them again.
        view = self.plot_widget
        view.ci.setGeometry(QRectF(0, 0, view.width(), view.height()))

    # Runs: still axes
    def begin_run(self, first_epoch: float, last_epoch: float, weighted: bool = False) -> None:
        """A run will add steps from `first_epoch` to `last_epoch`: fix x to that span (and
        what the plot already shows) and manage y by hand until `end_run`. `weighted`: it
        trains with a beta other than 1 (or a KL warm-up), which the legend says."""
        x_lo = first_epoch
        for series in self.series.values():
            if len(series):
                x_lo = min(x_lo, float(series.view()[0][0]))
        self._running = True
        self._per_epoch, self._weighted = False, weighted
        self._dirty = True
        self.redraw()  # the curves as the run starts, under the run's legend (built once)
        self.plot.vb.disableAutoRange()
        set_view_range(self.plot.vb, x=(x_lo, max(last_epoch, x_lo + 1e-3)), padding=0.01)
        self._refit_y(force=True)

    def end_run(self, weighted: bool | None = None) -> None:
        """The run has ended; `weighted`: whether its loss was weighted by a beta other than 1
        after all (beta changed by hand during the run), if that is known."""
        self._running = False
        if weighted is not None:
            self._weighted = weighted
        self._dirty = True  # the raw steps' box, if the run ended without a step
        self.redraw()
        self.plot.vb.enableAutoRange()

    def _set_log(self, on: bool) -> None:
        self.plot.setLogMode(y=on)
        self._refit_y(force=True)

    def _refit_y(self, force: bool = False) -> None:
        """During a run: move y only if a visible curve left it, or fills too little of it."""
        if not self._running:
            return
        bounds = self._y_bounds()
        if bounds is None:
            return
        lo, hi = bounds
        span = max(hi - lo, 1e-6)
        y0, y1 = self.plot.vb.viewRange()[1]
        if force or lo < y0 or hi > y1 or span < Y_REFIT_FILL * (y1 - y0):
            set_view_range(self.plot.vb, y=(lo - Y_MARGIN * span, hi + Y_MARGIN * span))

    def _y_bounds(self) -> tuple[float, float] | None:
        """The lowest and highest y of what the plot shows (in the axis's units), from what
        each curve's series kept as its points came, and from any other data item (Rewind's
        faint earlier run). The view box's childrenBounds went through every item of the plot
        and the curves' whole arrays at each redraw of a run."""
        log = self.plot.ctrl.logYCheck.isChecked()
        found = [self.series[key].y_bounds(log) for key, curve in self.curves.items()
                 if curve.isVisible()]
        found += [_bounds(item.dataBounds(1)) for item in self.plot.dataItems
                  if item.isVisible() and not any(item is c for c in self.curves.values())]
        found = [pair for pair in found if pair is not None]
        if not found:
            return None
        return min(lo for lo, _ in found), max(hi for _, hi in found)

    # Feeding data
    def clear(self, redraw: bool = True) -> None:
        """Drop every point and change marker; `redraw` False when new points follow at once
        (drawn empty first, the legend and axes were laid out twice for nothing)."""
        for series in self.series.values():
            series.clear()
        for smoother in self._smoothers.values():
            smoother.reset()
        self._shown.clear()
        for marker in self.markers:
            self.plot.removeItem(marker)
        self.markers.clear()
        self._per_epoch = self._weighted = False
        self._dirty = True
        if redraw:
            self.redraw()

    def add_change(self, at_epoch: float, name: str, value: float) -> None:
        """Mark a change of beta or the learning rate (a ChangeEvent's) at x = `at_epoch`."""
        text = f"{CHANGE_NAMES.get(name, name)} {value:g}"
        # Each label a little lower than the last, so that close changes stay readable.
        position = 0.95 - 0.08 * (len(self.markers) % 6)
        marker = pg.InfiniteLine(pos=at_epoch, angle=90, movable=False, pen=MARKER_PEN,
                                 label=text, labelOpts={"position": position,
                                                        "color": (255, 216, 77),
                                                        "anchors": [(0, 0.5), (0, 0.5)]})
        marker.setToolTip(f"{name} set to {value:g} at epoch {at_epoch:.2f}")
        # In the x range (a vertical line has no y extent): a change in epoch 1 is at x < 1,
        # left of a saved history's first per-epoch point, and fell outside the view.
        self.plot.addItem(marker)
        self.markers.append(marker)

    def marked_changes(self) -> list[tuple[float, str]]:
        """(x, label) of each change marked."""
        return [(float(m.value()), m.label.format) for m in self.markers]

    def add_step(self, x: float, loss: float, recon: float, kl: float) -> None:
        """One training step at x epochs: the raw loss and the smoothed loss, recon and KL."""
        self.series["raw"].append(x, loss)
        self.series["smooth"].append(x, self._smoothers["smooth"](loss))
        self.series["recon"].append(x, self._smoothers["recon"](recon))
        self.series["kl"].append(x, self._smoothers["kl"](kl))
        self._redraw_soon()

    def add_epoch(self, epoch: float, test_loss: float) -> None:
        if math.isfinite(test_loss):
            self.series["test"].append(epoch, test_loss)
            self._redraw_soon()

    def set_history(self, history: list[dict], weighted: bool = False,
                    redraw: bool = True) -> None:
        """Show a finished model's per-epoch history (the epoch means stand for the smoothed
        curves; there are no raw steps). `weighted`: trained with a beta other than 1 (or a KL
        warm-up: `beta_weighted`); `redraw` False when a run begins at once (`begin_run`)."""
        self.clear(redraw=False)
        self._per_epoch, self._weighted = True, weighted
        for rec in history:
            epoch = rec.get("epoch")
            if epoch is None:
                continue
            for key, field in (("smooth", "train_loss"), ("recon", "train_recon"),
                               ("kl", "train_kl"), ("test", "test_loss")):
                value = rec.get(field)
                if value is not None and math.isfinite(value):
                    self.series[key].append(float(epoch), float(value))
            for change in rec.get("changes") or ():
                self.add_change(change["at_epoch"], change["name"], change["value"])
        self._dirty = True
        if redraw:
            self.redraw()

    def _redraw_soon(self) -> None:
        """New points: drawn at the timer's next tick."""
        self._dirty = True
        if not self.timer.isActive():
            self.timer.start()

    def redraw(self) -> None:
        if not self._dirty:
            self.timer.stop()  # nothing came since the last tick
            return
        self._dirty = False
        for key, curve in self.curves.items():
            x, y = self.series[key].view()
            if len(x) != self._shown.get(key):  # the test curve grows once an epoch
                if isinstance(curve, GrowingCurve):
                    curve.set_points(x, y)
                else:
                    curve.setData(x, y)
                self._shown[key] = len(x)
        self._update_legend()
        self._refit_y()

    def data(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """The points of one curve (what the plot shows after the next redraw)."""
        return self.series[key].view()

    # Value under the mouse
    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Leave:  # the mouse left the plot: nothing is under it
            self.hide_readout()
        return super().eventFilter(watched, event)

    def hide_readout(self) -> None:
        """No cursor line and no values (the mouse is not over the plot's data)."""
        self.cursor.setVisible(False)
        self.readout.setVisible(False)
        self.readout.setText("")
        self._readout_text = ""

    def readout_text(self) -> str:
        """What the readout says now ("" while hidden)."""
        return self._readout_text if self.readout.isVisible() else ""

    def _mouse_moved(self, pos) -> None:
        vb = self.plot.vb
        if not vb.sceneBoundingRect().contains(pos):
            self.hide_readout()
            return
        x = vb.mapSceneToView(pos).x()
        self.cursor.setPos(x)
        self.cursor.setVisible(True)
        self._show_readout(self.describe_at(x), vb.mapFromScene(pos).x())

    def _show_readout(self, text: str, cursor_px: float) -> None:
        """`text` in the data area's top corner away from the cursor (at `cursor_px` from its
        left edge), wrapped to half the area's width, so that it never hides the cursor."""
        item, area = self.readout, self.plot.vb.boundingRect()
        self._readout_text = text
        # Wrapped between its parts only: "recon 127.2", "test 132.1 (epoch 14)" stay whole.
        item.setText(" · ".join(part.replace(" ", "\u00a0") for part in text.split(" · ")))
        room = max(area.width() / 2 - 2 * READOUT_MARGIN_PX,
                   min(READOUT_MIN_PX, area.width() - 2 * READOUT_MARGIN_PX))
        item.textItem.setTextWidth(-1)  # its own width first, then at most the room
        if item.textItem.boundingRect().width() > room:
            item.textItem.setTextWidth(room)
        width = item.textItem.boundingRect().width()
        left = (area.left() + READOUT_MARGIN_PX if cursor_px > area.center().x()
                else area.right() - READOUT_MARGIN_PX - width)
        item.setPos(left, area.top() + READOUT_MARGIN_PX)
        item.setVisible(True)

    def describe_at(self, x: float) -> str:
        parts = [f"epoch {x:.2f}"]
        for key, label in (("smooth", "train"), ("recon", "recon"), ("kl", "KL")):
            value = _nearest(self.series[key], x)
            if value is not None:
                parts.append(f"{label} {value[1]:.1f}")
        test = _nearest(self.series["test"], x)
        if test is not None:
            parts.append(f"test {test[1]:.1f} (epoch {test[0]:g})")
        return " · ".join(parts) + " nats/image" if len(parts) > 1 else parts[0]


def beta_weighted(history: list[dict], beta: float = 1.0, warmup: int = 0) -> bool:
    """Whether a model's training loss is (or was) weighted by a beta other than 1: its beta,
    a KL warm-up, or a history with another beta in force or a change of beta."""
    if beta != 1.0 or warmup:
        return True
    for rec in history:
        value = rec.get("beta")
        if isinstance(value, (int, float)) and math.isfinite(value) and value != 1.0:
            return True
        if any(change.get("name") == "beta" for change in rec.get("changes") or ()):
            return True
    return False


def _bounds(pair) -> tuple[float, float] | None:
    """(lo, hi) from a pyqtgraph item's dataBounds, which may be None or hold None/NaN."""
    if pair is None or pair[0] is None or pair[1] is None:
        return None
    lo, hi = float(pair[0]), float(pair[1])
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return None
    return lo, hi


def _nearest(series: GrowingSeries, x: float) -> tuple[float, float] | None:
    xs, ys = series.view()
    if not len(xs):
        return None
    i = int(np.clip(np.searchsorted(xs, x), 1, len(xs) - 1)) if len(xs) > 1 else 0
    if i > 0 and abs(xs[i - 1] - x) <= abs(xs[i] - x):
        i -= 1
    return float(xs[i]), float(ys[i])
