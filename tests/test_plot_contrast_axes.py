"""The plots' axes (tick values and titles) read at WCAG AA (4.5:1) against what is behind them,
on the light palette and on a dark one, and after a theme switched while they are shown.
pyqtgraph's grey, #969696, reads at 5.4:1 on the app's dark plots but at 2.6:1 on a plot with no
background of its own on the light window (Interpolate's distance plot, Conditional's
probabilities), 4.2:1 on a dark one: plot_grid.readable_axes gives each plot's axes a grey made
for its background."""

from __future__ import annotations

import pyqtgraph as pg
from palette_support import AA, dark_palette, switched_to
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from test_plot_contrast import in_window

from vae_desktop.gui.tabs.evaluate.report_view import ReportView
from vae_desktop.gui.tabs.sweep.plots import TrialPlots
from vae_desktop.gui.widgets.loss_plot import LossPlot
from vae_desktop.gui.widgets.plot_grid import readable_axes
from vae_desktop.gui.widgets.tones import FOLLOWED, contrast


def background(view: pg.GraphicsView) -> QColor:
    """What the plot's words are drawn on: its own background, or (it has none) the window."""
    brush = view.backgroundBrush()
    if brush.style() != Qt.NoBrush and brush.color().alpha() == 255:
        return brush.color()
    return view.palette().color(QPalette.Window)


def assert_axes_readable(view: pg.GraphicsView, plot: pg.PlotItem, name: str = "") -> None:
    """The tick values and the title of each axis read on what is behind them."""
    behind = background(view)
    for side in ("left", "bottom"):
        axis = plot.getAxis(side)
        for words in (axis.textPen().color(), QColor(axis.labelStyle["color"])):
            assert contrast(words, behind) >= AA, (name, side, words.name(), behind.name())
        assert axis.labelStyle["color"] in axis.labelString()  # the title drawn in it


def my_plots(qtbot):
    """The plots of report_view, sweep/plots and loss_plot: (view, plot item) by name."""
    sweep = in_window(qtbot, TrialPlots())
    report = in_window(qtbot, ReportView())
    loss = in_window(qtbot, LossPlot())
    return {"sweep by trial": (sweep.by_trial, sweep.by_trial.getPlotItem()),
            "sweep by setting": (sweep.by_setting, sweep.by_setting.getPlotItem()),
            "per-image histogram": (report.hist_plot, report.hist_plot.getPlotItem()),
            "loss plot": (loss.plot_widget, loss.plot)}


def test_the_plots_axes_read_on_either_palette(qtbot, palette):
    for name, (view, plot) in my_plots(qtbot).items():
        assert_axes_readable(view, plot, name)
        # Their backgrounds are their own: coloured once, nothing watches their events (the
        # loss plot is on screen while a run trains, on a GUI thread that training shares).
        assert not view.property(FOLLOWED), name


def a_plot_on_the_window(qtbot) -> pg.PlotWidget:
    """A plot with no background of its own (as Interpolate's distance plot and Conditional's
    probabilities are), given readable axes."""
    plot = pg.PlotWidget()
    plot.setBackground(None)
    plot.setLabel("bottom", "t")
    plot.setLabel("left", "‖z‖")
    readable_axes(plot)
    return in_window(qtbot, plot, size=(400, 300))


def test_axes_on_the_window_read_on_either_palette(qtbot, palette):
    plot = a_plot_on_the_window(qtbot)
    assert_axes_readable(plot, plot.getPlotItem())


def test_axes_on_the_window_follow_a_palette_switched_while_shown(qtbot):
    plot = a_plot_on_the_window(qtbot)
    light = plot.getAxis("left").textPen().color()
    with switched_to(dark_palette()):
        assert plot.palette().color(QPalette.Window) == dark_palette().color(QPalette.Window)
        assert_axes_readable(plot, plot.getPlotItem())
        assert plot.getAxis("left").textPen().color() != light
    assert_axes_readable(plot, plot.getPlotItem())
