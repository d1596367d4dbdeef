"""The plots' grid: lines at the major and minor ticks only; and their axes, which read the
values as they are (plain_axes) in words readable on the plot (readable_axes).

pyqtgraph also draws a third, finest level of grid lines, at about a tenth of the grid's opacity
(6 to 8 of 255 at alpha 0.15): invisible on our dark plots, yet drawing them doubled the cost of
every change of range. That cost is paid by the live latent view and the loss plot while a run
trains, on a GUI thread that shares two cores with training: 7.1 ms against 3.2 ms for a 420-px
latent view (tests/test_plot_grid.py; measured 2026-12-05)."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette

from vae_desktop.gui.widgets.tones import BORDER_CONTRAST, follow_palette, readable

GRID_LEVELS = 1  # pyqtgraph's maxTickLevel: 0 major, 1 minor (its default, 2, adds the finest)
# pyqtgraph's own grey for an axis ("d"): 5.4:1 on the dark plots (#202124), but 2.6:1 on a plot
# drawn on the light window (no background of its own) and 4.2:1 on a dark theme's.
AXIS_GREY = "#969696"


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


def readable_axes(view: pg.GraphicsView, plot: pg.PlotItem | None = None) -> None:
    """The axes of `plot` (by default the PlotWidget `view`'s own) in pyqtgraph's grey, made as
    dark or as light as they must be to read against the plot's background: tick values and
    titles at 4.5:1 (WCAG AA, for text), axis lines and ticks at 3:1. Call it once, when the
    plot is made.

    A plot with a background of its own (the app's dark plots) keeps its colours whatever the
    theme: they are set once, and nothing is watched. One drawn on the window (no background)
    is coloured again when the palette changes (tones.follow_palette), not on each paint."""
    item = plot if plot is not None else view.getPlotItem()

    def colour() -> None:
        behind = plot_background(view)
        text = readable(AXIS_GREY, behind)
        line = readable(AXIS_GREY, behind, ratio=BORDER_CONTRAST)
        for axis in item.axes.values():
            axis = axis["item"]
            axis.setPen(line)  # sets the title's colour too: the text's pen after it
            axis.setTextPen(text)

    colour()
    if not _own_background(view):
        follow_palette(view, colour)


def plot_background(view: pg.GraphicsView) -> QColor:
    """What a plot's words are drawn on: its own background, or (it has none) the window's."""
    if _own_background(view):
        return view.backgroundBrush().color()
    return view.palette().color(QPalette.Window)


def _own_background(view: pg.GraphicsView) -> bool:
    brush = view.backgroundBrush()
    return brush.style() != Qt.NoBrush and brush.color().alpha() == 255
