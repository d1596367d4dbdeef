"""GrowingCurve, the loss plot's curves that grow at each redraw of a run: what PlotDataItem did
for them (peak downsampling to the plot's width, again when zoomed; a log axis; markers while the
points are few), and the y axis of a run, now from what each series kept as its points came."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest

from vae_desktop.gui.tabs.train.earlier_run import EarlierCurve
from vae_desktop.gui.widgets.growing_curve import GrowingCurve
from vae_desktop.gui.widgets.loss_plot import LossPlot

WIDTH = 800


@pytest.fixture
def plot(qtbot):
    widget = pg.PlotWidget()
    widget.resize(WIDTH, 400)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget.getPlotItem()  # the widget held until the test ends


def curve_on(plot) -> GrowingCurve:
    curve = GrowingCurve(pg.mkPen("w"), antialias=True, marker_size=6, marker_brush="w", few=5)
    plot.addItem(curve)
    return curve


def test_a_long_curve_is_drawn_as_each_columns_lowest_and_highest_point(plot):
    curve = curve_on(plot)
    n = 100_000
    x = np.linspace(0, 10, n)
    y = 100 + np.sin(x) + np.random.default_rng(0).normal(0, 0.1, n)
    y[54_321] = 900.0  # one diverging batch
    y[77_777] = -50.0
    plot.vb.disableAutoRange()
    plot.vb.setRange(xRange=(0, 10), padding=0)
    curve.set_points(x, y)
    shown_x, shown_y = curve.getData()
    columns = int(plot.vb.width())
    assert columns > 400
    assert 2 * columns - 4 <= len(shown_x) <= 2 * columns + 2 * (n // columns)
    assert shown_y.max() == 900.0 and shown_y.min() == -50.0  # the spikes stay in sight
    assert np.all(np.diff(shown_x) >= 0)
    # Each drawn bin holds the lowest and highest of its own points, nothing else.
    size = n // columns
    k = 123
    assert shown_y[2 * k] == y[k * size:(k + 1) * size].min()
    assert shown_y[2 * k + 1] == y[k * size:(k + 1) * size].max()
    assert curve.points()[0] is x  # every point kept, for a zoom


def test_zoomed_in_the_points_in_view_are_drawn_one_for_one(plot, qtbot):
    curve = curve_on(plot)
    x = np.linspace(0, 10, 100_000)
    y = np.cos(7 * x)
    plot.vb.disableAutoRange()
    plot.vb.setRange(xRange=(0, 10), padding=0)
    curve.set_points(x, y)
    assert len(curve.getData()[0]) < 5_000
    plot.vb.setRange(xRange=(5.0, 5.2), padding=0)  # 2,000 points: at most two a column
    inside = (x >= 5.0) & (x <= 5.2)
    qtbot.waitUntil(lambda: len(curve.getData()[0]) >= inside.sum(), timeout=2000)
    shown_x, shown_y = curve.getData()
    assert inside.sum() <= len(shown_x) <= inside.sum() + 2  # and one either side
    assert np.array_equal(shown_y[1:-1], y[inside])


def test_few_points_are_marked_and_many_are_not(plot):
    curve = curve_on(plot)
    curve.set_points(np.array([1.0, 2.0, 3.0]), np.array([5.0, 4.0, 3.0]))
    assert curve.scatter.isVisible() and len(curve.scatter.points()) == 3
    assert curve.opts["symbol"] == "o"  # the legend's sample shows the marker too
    curve.set_points(np.arange(6.0), np.arange(6.0))
    assert not curve.scatter.isVisible() and curve.opts["symbol"] is None


def test_on_a_log_axis_the_curve_is_drawn_in_log10_without_its_non_positive_points(plot):
    curve = curve_on(plot)
    x = np.arange(8.0)
    y = np.array([1000.0, 100.0, 10.0, 0.0, -3.0, 1.0, np.nan, 0.1])
    curve.set_points(x, y)
    plot.setLogMode(y=True)
    shown = curve.getData()[1]
    assert np.allclose(shown[[0, 1, 2, 5, 7]], [3.0, 2.0, 1.0, 0.0, -1.0])
    assert np.isnan(shown[[3, 4, 6]]).all()
    assert curve.opts["connect"] == "finite"  # the gaps stay gaps
    plot.setLogMode(y=False)
    assert np.array_equal(curve.getData()[1][:3], [1000.0, 100.0, 10.0])


def feed(loss_plot, n, start, end, x0=0.0, x1=1.0):
    for x, loss in zip(np.linspace(x0, x1, n), np.linspace(start, end, n), strict=True):
        loss_plot.add_step(float(x), float(loss), float(loss) * 0.9, float(loss) * 0.1)


@pytest.fixture
def loss_plot(qtbot):
    widget = LossPlot()
    widget.resize(WIDTH, 400)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_a_runs_y_axis_holds_the_shown_curves_and_rewinds_earlier_run(loss_plot):
    earlier = EarlierCurve(loss_plot)
    earlier.keep(np.linspace(0.0, 2.0, 50), np.linspace(600.0, 300.0, 50))
    loss_plot.begin_run(0, 2)
    feed(loss_plot, 40, 200.0, 150.0)
    loss_plot.redraw()
    y0, y1 = loss_plot.plot.vb.viewRange()[1]
    assert y0 <= 15.0 and 200.0 <= y1 < 300.0  # the run's curves, KL (15 to 20) included
    earlier.show(True)  # the run before a rewind, faint under this one
    loss_plot._refit_y(force=True)
    y0, y1 = loss_plot.plot.vb.viewRange()[1]
    assert y0 <= 15.0 and y1 >= 600.0
    earlier.show(False)
    loss_plot.toggles["kl"].setChecked(False)  # a hidden curve leaves the range to the others
    y0, y1 = loss_plot.plot.vb.viewRange()[1]
    shown = np.concatenate([loss_plot.data(key)[1] for key in ("raw", "smooth", "recon")])
    lo, hi = shown.min(), shown.max()
    assert lo - 0.1 * (hi - lo) <= y0 <= lo and hi <= y1 <= hi + 0.1 * (hi - lo)
    assert y0 > 100.0  # KL's 15 to 20 no longer in it


def test_a_runs_y_axis_on_a_log_scale_and_with_a_diverging_step(loss_plot):
    loss_plot.log_box.setChecked(True)
    loss_plot.begin_run(0, 2)
    feed(loss_plot, 40, 1000.0, 100.0)
    loss_plot.add_step(1.01, float("nan"), float("inf"), -1.0)  # a batch gone wrong
    loss_plot.redraw()
    y0, y1 = loss_plot.plot.vb.viewRange()[1]  # in log10 units
    shown = np.concatenate([loss_plot.data(key)[1] for key in ("raw", "smooth", "recon", "kl")])
    lo, hi = np.log10(shown[np.isfinite(shown) & (shown > 0)].min()), np.log10(1000.0)
    assert 1.0 <= lo < 1.3  # the smoothed KL, from 100 towards 10
    assert lo - 0.1 * (hi - lo) <= y0 <= lo and hi <= y1 <= hi + 0.1 * (hi - lo)
