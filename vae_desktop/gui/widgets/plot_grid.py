"""The plots' grid: lines at the major and minor ticks only; and their axes, which read the
values as they are (plain_axes).

pyqtgraph also draws a third, finest level of grid lines, at about a tenth of the grid's opacity
(6 to 8 of 255 at alpha 0.15): invisible on our dark plots, yet drawing them doubled the cost of
every change of range. That cost is paid by the live latent view and the loss plot while a run
trains, on a GUI thread that shares two cores with training: 7.1 ms against 3.2 ms for a 420-px
latent view (tests/test_plot_grid.py; measured 2026-12-05)."""

from __future__ import annotations

import pyqtgraph as pg

GRID_LEVELS = 1  # pyqtgraph's maxTickLevel: 0 major, 1 minor (its default, 2, adds the finest)


def show_grid(plot: pg.PlotItem, alpha: float) -> None:
    """A grid on both axes of `plot`, at `alpha` opacity for its major lines."""
    plot.showGrid(x=True, y=True, alpha=alpha)
    for side in ("left", "bottom"):
        plot.getAxis(side).setStyle(maxTickLevel=GRID_LEVELS)


def plain_axes(plot: pg.PlotItem) -> None:
    """Tick labels that are the plotted values themselves. pyqtgraph otherwise rescales a small
    range by itself and says so after the axis title: "epoch (x0.001)" with ticks 20..80 for a run
    stopped early in its first epoch, "PC 1 (aligned) (x0.001)" with ticks -300..200 for the
    codes of a model that has not trained yet."""
    for side in ("left", "bottom"):
        plot.getAxis(side).enableAutoSIPrefix(False)
