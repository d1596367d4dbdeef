"""The two plots drawn straight on the window, with no background of their own (Interpolate's
distance plot and Conditional's label scores), read at WCAG AA (4.5:1) on the light palette and
a dark one, after a theme switched while shown too: their axes through plot_grid.readable_axes,
and the scores' title in the window's text colour (pyqtgraph's grey read at 2.6:1 on the light
window)."""

from __future__ import annotations

import pytest
from palette_support import AA, dark_palette, switched_to
from PySide6.QtGui import QColor, QPalette
from test_plot_contrast import in_window
from test_plot_contrast_axes import assert_axes_readable

from vae_desktop.gui.tabs.conditional.style_transfer import StyleTransferView
from vae_desktop.gui.tabs.interpolate.controls import NormPlot
from vae_desktop.gui.widgets.tones import contrast


def window_plots(qtbot):
    norm = in_window(qtbot, NormPlot(), size=(400, 300))
    scores = in_window(qtbot, StyleTransferView()).probs_plot
    return {"distance plot": norm, "label scores": scores}


def title_colour(plot) -> QColor:
    return QColor(plot.getPlotItem().titleLabel.opts["color"])


def assert_readable(plot, name: str) -> None:
    assert_axes_readable(plot, plot.getPlotItem(), name)
    behind = plot.palette().color(QPalette.Window)
    assert contrast(title_colour(plot), behind) >= AA, (name, title_colour(plot).name())


def test_the_plots_on_the_window_read_on_either_palette(qtbot, palette):
    for name, plot in window_plots(qtbot).items():
        assert_readable(plot, name)


@pytest.mark.parametrize("name", ["distance plot", "label scores"])
def test_they_follow_a_palette_switched_while_shown(qtbot, name):
    plot = window_plots(qtbot)[name]
    with switched_to(dark_palette()):
        assert_readable(plot, name)
    assert_readable(plot, name)
