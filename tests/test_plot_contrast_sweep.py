"""The Sweep plots' title key reads at WCAG AA (4.5:1) on the light palette and on a dark one,
and after a theme switched while it is shown. It names the left plot's series in their colours:
#5a96ff, #969696 and #ff8c28 read at 2 to 2.6:1 on the light window, and the blue and the grey
at 4.2:1 on a dark one. The plotted points and line keep their bright colours; each mark of the
key is its series' hue, as dark or as light as the window needs."""

from __future__ import annotations

import re

from palette_support import assert_readable, colours, dark_palette, switched_to
from PySide6.QtGui import QColor
from test_plot_contrast import in_window, same_hue

from vae_desktop.gui.tabs.sweep.plots import BEST_PEN, POINT_BRUSH, PRUNED_BRUSH, TrialPlots


def test_the_sweep_title_key_reads_on_either_palette(qtbot, palette):
    plots = in_window(qtbot, TrialPlots())
    assert_sweep_key(plots)


def test_the_sweep_title_key_follows_a_palette_switched_while_shown(qtbot):
    plots = in_window(qtbot, TrialPlots())
    light = colours(plots.title_left)
    with switched_to(dark_palette()):
        assert_sweep_key(plots)
        assert colours(plots.title_left) != light
    assert_sweep_key(plots)


def assert_sweep_key(plots: TrialPlots) -> None:
    """Each word of the key reads on the window, and each mark is its series' hue."""
    label = plots.title_left
    assert_readable(label)
    text = label.text()
    for words in ("complete", "pruned/stopped", "best so far"):
        assert words in text
    marks = [QColor(c) for c in re.findall(r"color:\s*(#[0-9a-fA-F]{6})", text)]
    assert len(marks) == 3, text
    complete, pruned, best = marks
    assert same_hue(complete, POINT_BRUSH.color()), complete.name()
    assert same_hue(best, BEST_PEN.color()), best.name()
    assert pruned.hslSaturationF() == PRUNED_BRUSH.color().hslSaturationF() == 0  # a grey
