"""The plots' grids: every grid line drawn is one a person can see.

pyqtgraph draws a third, finest level of grid lines at a tenth of the grid's opacity (6 of 255
at alpha 0.15): invisible on the dark plots, yet drawing them doubled the cost of every change
of range, as when the live latent view follows a run (7.1 ms against 3.2 ms for a 420-px plot,
measured 2026-12-05)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QPainter, QPicture

VISIBLE_ALPHA = 15  # of 255: lines fainter than this do not show on the plots' dark grounds


def grid_lines(axis) -> list:
    """(pen, start, end) of each line the axis draws (its grid lines among them)."""
    picture = QPicture()
    painter = QPainter(picture)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return specs[1]


def plots(qtbot):
    from vae_desktop.gui.tabs.sweep.plots import TrialPlots
    from vae_desktop.gui.widgets.latent_canvas import LatentCanvas
    from vae_desktop.gui.widgets.loss_plot import LossPlot

    canvas = LatentCanvas()
    loss = LossPlot()
    sweep = TrialPlots()
    for widget in (canvas, loss, sweep):
        qtbot.addWidget(widget)
        widget.resize(600, 450)
        widget.show()
    return {"latent canvas": canvas.getPlotItem(), "loss plot": loss.plot,
            "sweep by trial": sweep.by_trial.getPlotItem(),
            "sweep by setting": sweep.by_setting.getPlotItem()}


def test_every_grid_line_drawn_can_be_seen(qtbot):
    for name, plot in plots(qtbot).items():
        plot.setRange(xRange=(-3.3, 4.1), yRange=(-2.2, 5.7), padding=0)
        qtbot.wait(10)
        for side in ("left", "bottom"):
            lines = grid_lines(plot.getAxis(side))
            assert len(lines) >= 8, (name, side)  # a grid at the major and minor ticks
            alphas = sorted({pen.color().alpha() for pen, _start, _end in lines})
            assert alphas[0] >= VISIBLE_ALPHA, (name, side, alphas)


@pytest.mark.parametrize("log", [False, True])
def test_the_loss_plot_grid_keeps_its_major_and_minor_lines(qtbot, log):
    from vae_desktop.gui.widgets.loss_plot import LossPlot

    loss = LossPlot()
    qtbot.addWidget(loss)
    loss.resize(600, 450)
    loss.show()
    loss.add_step(0.5, 300.0, 280.0, 20.0)  # curves, and so the legend's row above the plot
    loss.redraw()
    loss.log_box.setChecked(log)
    # Linear: 90 to 560 nats. Log: 10^1.5 to 10^3.5, about 32 to 3,162 nats.
    loss.plot.setRange(xRange=(0, 10), yRange=(1.5, 3.5) if log else (90, 560), padding=0)
    qtbot.wait(10)
    lines = grid_lines(loss.plot.getAxis("left"))
    alphas = {pen.color().alpha() for pen, _s, _e in lines}
    if log:  # pyqtgraph draws a log axis's lines, at 1 to 9 times each power of ten, as one level
        assert len(lines) == 18 and len(alphas) == 1, (len(lines), alphas)
    else:  # every 200 nats and every 100 between (a finest level would add one every 20)
        assert len(alphas) == 2 and len(lines) == 5, (len(lines), alphas)
