"""What a plot shows before it has data: a grey note in its middle, and no tick values (a
0..1 of nats, trials or percent would mean nothing)."""

from __future__ import annotations

import pyqtgraph as pg

HINT_COLOR = (170, 170, 170)
SIDES = ("left", "bottom")


def add_hint(plot: pg.PlotItem | pg.PlotWidget, text: str) -> pg.TextItem:
    """`text` centred in the plot's 0..1 view, above its items and left out of its auto-range.
    Show that view with `plot.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)`."""
    hint = pg.TextItem(text, color=HINT_COLOR, anchor=(0.5, 0.5))
    hint.setZValue(20)
    plot.addItem(hint, ignoreBounds=True)
    hint.setPos(0.5, 0.5)
    return hint


def show_axis_values(plot: pg.PlotItem | pg.PlotWidget, shown: bool) -> None:
    for side in SIDES:
        plot.getAxis(side).setStyle(showValues=shown)
