"""A change of a plot's range is drawn with one repaint, not two (view_range.set_view_range): the
views that change their range while a run trains (the live latent view, the loss plot, the digit
grids) paint once for each change."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QEvent, QObject

from vae_desktop.gui.widgets.image_view import DigitView
from vae_desktop.gui.widgets.latent_canvas import LatentCanvas
from vae_desktop.gui.widgets.loss_plot import LossPlot
from vae_desktop.gui.widgets.view_range import set_view_range


class PaintCounter(QObject):
    def __init__(self, widget) -> None:
        super().__init__()
        self.paints = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Paint:
            self.paints += 1
        return False


def settle(qtbot, widget, view=None) -> PaintCounter:
    """`widget` shown, laid out and painted; then a counter of the later paints of `view` (a
    graphics view in it; by default `widget` itself)."""
    qtbot.addWidget(widget)
    widget.resize(400, 300)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.wait(50)
    return PaintCounter((view or widget).viewport())


def test_a_latent_view_fitted_to_new_points_paints_once(qtbot):
    canvas = LatentCanvas(equal_scale=True)
    rng = np.random.default_rng(0)
    canvas.set_points(rng.normal(size=(2000, 2)), rng.integers(0, 10, 2000))
    canvas.fit_to_points()
    counter = settle(qtbot, canvas)
    # The next snapshot: the same digits, spread three times wider.
    canvas.set_points(3 * rng.normal(size=(2000, 2)), rng.integers(0, 10, 2000))
    canvas.fit_to_points()
    qtbot.wait(80)
    assert counter.paints == 1
    (x0, x1), _ = canvas.visible_region()
    assert x1 - x0 > 12  # the wider points are in view


def test_a_digit_grid_of_another_shape_paints_once(qtbot):
    view = DigitView()
    view.set_image(np.zeros((28, 28), np.float32))
    counter = settle(qtbot, view)
    view.set_image(np.ones((60, 120), np.float32))
    qtbot.wait(80)
    assert counter.paints == 1
    (x0, x1), (y0, y1) = view.view.viewRange()
    assert x1 - x0 >= 120 and y1 - y0 >= 60


def test_the_loss_plot_refitted_during_a_run_paints_once(qtbot):
    plot = LossPlot()
    plot.begin_run(0, 2)
    for step in range(50):
        plot.add_step(step / 100, 500 - step, 400 - step, 20)
    plot.redraw()
    counter = settle(qtbot, plot, plot.plot_widget)
    for step in range(50, 100):  # the loss falls below the range shown: y is refitted
        plot.add_step(step / 100, 100 - step, 80 - step, 20)
    before = plot.plot.vb.viewRange()[1]
    plot.redraw()
    qtbot.wait(80)
    assert plot.plot.vb.viewRange()[1][0] < before[0]
    assert counter.paints == 1


@pytest.mark.parametrize("x, y", [((2.0, 4.0), None), (None, (-1.0, 1.0))])
def test_one_axis_set_the_other_kept(qtbot, x, y):
    widget = pg.PlotWidget()
    widget.setRange(xRange=(0, 10), yRange=(5, 6), padding=0)
    settle(qtbot, widget)
    before = widget.getViewBox().viewRange()
    set_view_range(widget.getViewBox(), x=x, y=y)
    after = widget.getViewBox().viewRange()
    for axis, wanted in enumerate((x, y)):
        if wanted is None:
            assert after[axis] == pytest.approx(before[axis])
        else:
            assert after[axis] == pytest.approx(list(wanted))


def test_a_cleared_digit_grid_keeps_its_shape_and_range(qtbot):
    """A run clears the Train tab's grids until its first ones come: blank grids of the same
    shape, so the view neither jumps to a 28x28 square nor refits twice."""
    view = DigitView()
    view.set_image(np.ones((60, 120), np.float32))
    counter = settle(qtbot, view)
    before = view.view.viewRange()
    view.set_image(None)
    qtbot.wait(80)
    assert view.image().shape == (60, 120) and not view.image().any()
    assert view.view.viewRange() == before
    assert counter.paints == 1
    fresh = DigitView()  # nothing shown yet: a blank digit
    fresh.set_image(None)
    assert fresh.image().shape == (28, 28)


@pytest.mark.parametrize("move", ["pan", "zoom"])
def test_a_latent_view_panned_or_zoomed_paints_once_a_move(qtbot, move):
    """A drag or a wheel turn in the Latent tab moves the view by pyqtgraph's own calls: each
    move is drawn with one paint too."""
    canvas = LatentCanvas(equal_scale=True)
    rng = np.random.default_rng(1)
    canvas.set_points(rng.normal(size=(2000, 2)), rng.integers(0, 10, 2000))
    canvas.fit_to_points()
    counter = settle(qtbot, canvas)
    for _ in range(3):  # after the first, the axes' widths have settled
        canvas.vb.translateBy((0.05, 0.05)) if move == "pan" else canvas.vb.scaleBy((0.9, 0.9))
        qtbot.wait(60)
    counter.paints = 0
    before = canvas.visible_region()
    canvas.vb.translateBy((0.05, 0.05)) if move == "pan" else canvas.vb.scaleBy((0.9, 0.9))
    qtbot.wait(80)
    assert canvas.visible_region() != before
    assert counter.paints == 1
