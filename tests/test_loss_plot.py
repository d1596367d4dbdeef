"""LossPlot: the axes hold still during a run, and the curves keep every point."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QGraphicsItem

from vae_desktop.gui.widgets.loss_plot import LossPlot


@pytest.fixture
def plot(qtbot):
    widget = LossPlot()
    widget.resize(800, 400)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def feed(plot, x0: float, x1: float, n: int, start: float, end: float) -> None:
    for x, loss in zip(np.linspace(x0, x1, n), np.linspace(start, end, n), strict=True):
        plot.add_step(float(x), float(loss), float(loss) * 0.9, float(loss) * 0.1)


def test_during_a_run_x_spans_the_run_and_y_moves_only_when_needed(plot):
    plot.begin_run(0, 4)
    feed(plot, 0.01, 0.5, 50, 220.0, 150.0)
    plot.redraw()
    (x0, x1), (y0, y1) = plot.plot.vb.viewRange()
    assert x0 <= 0.0 and 4.0 <= x1 < 4.2  # the whole run, from the first step on
    assert y0 <= 15.0 and y1 >= 220.0  # every curve inside, KL (15 to 22) included
    # A little more progress inside the same range: nothing moves (cached axes stay valid).
    feed(plot, 0.5, 1.0, 50, 150.0, 140.0)
    plot.redraw()
    assert plot.plot.vb.viewRange() == [[x0, x1], [y0, y1]]
    # A curve leaving the range moves y; x stays.
    feed(plot, 1.0, 1.1, 5, 140.0, 400.0)
    plot.redraw()
    (nx0, nx1), (ny0, ny1) = plot.plot.vb.viewRange()
    assert (nx0, nx1) == (x0, x1) and ny1 >= 400.0
    assert len(plot.curves["raw"].getData()[0]) == 105  # every point reaches its curve
    assert plot.plot.getAxis("left").cacheMode() == QGraphicsItem.DeviceCoordinateCache


def test_after_a_run_the_view_fits_the_data_again(plot, qtbot):
    plot.begin_run(0, 10)
    feed(plot, 0.01, 2.0, 40, 200.0, 120.0)
    plot.end_run()
    # No longer the planned 10 epochs: auto-range follows the data (on the next paint).
    qtbot.waitUntil(lambda: plot.plot.vb.viewRange()[0][1] < 3.0, timeout=2000)


def test_clear_then_same_length_data_is_still_drawn(plot):
    feed(plot, 0.0, 1.0, 10, 200.0, 100.0)
    plot.redraw()
    plot.clear()
    feed(plot, 0.0, 1.0, 10, 50.0, 40.0)
    plot.redraw()
    assert np.allclose(plot.curves["raw"].getData()[1], np.linspace(50.0, 40.0, 10))


def test_the_legend_fits_again_after_the_window_narrows(qtbot):
    """Wide, the legend is one row of five; narrowed (a window un-maximized), it must take more
    rows and fit. pyqtgraph's setColumnCount kept the wide grid: the legend stayed wide, its
    third entry was cut off and the plot pushed past the widget's right edge."""
    wide = LossPlot()
    qtbot.addWidget(wide)
    wide.resize(900, 400)
    wide.show()
    qtbot.waitExposed(wide)
    assert wide.legend.columnCount == 5
    for width, columns in ((520, 3), (900, 5), (430, 2), (700, 4)):
        wide.resize(width, 400)
        qtbot.wait(20)
        assert wide.legend.columnCount == columns, width
        right_edge = wide.plot_widget.width()
        for _sample, label in wide.legend.items:
            assert label.mapRectToScene(label.boundingRect()).right() <= right_edge, (width, label.text)
        assert wide.plot.mapRectToScene(wide.plot.boundingRect()).right() <= right_edge + 1, width
