"""Rewind's side of the Train tab's loss plot and run bar: the curve of the run before a rewind,
kept faintly under the new one to compare, and the words that say which run Rewind trains again.

Rewind acts on the run on screen: the one going on, or the last one while the model it kept is
the active one. Once another model is active, its own history is on screen and there is nothing
to rewind (LiveRun decides; this module only draws and words it)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from vae_desktop.core.wording import count
from vae_desktop.gui.widgets.hint_text import plain_text

EARLIER_PEN = pg.mkPen((150, 190, 255, 110), width=2)  # the smoothed train loss's colour, faint
REWIND_NONE = ("Rewind: train the run on screen again from its very same start (same seed, "
               "settings and initial weights). No run is on screen now: the plot shows the "
               "active model's history, which was not trained here. Press Start to train.")
CAPTION_NOTE = " — again from the same start; the faint line is the run before"


class EarlierCurve:
    """One faint curve on a LossPlot, made once and fed with setData: the smoothed training loss
    of the run before a rewind. Left out of the axes' range while hidden."""

    def __init__(self, loss_plot) -> None:
        self.item = pg.PlotDataItem([], [], pen=EARLIER_PEN, antialias=True)
        self.item.setZValue(-1)  # under the run's own curves
        self.item.setVisible(False)
        loss_plot.plot.addItem(self.item)
        self.kept = False

    def keep(self, x: np.ndarray, y: np.ndarray) -> None:
        """The run now on screen, about to be trained again (copies: the plot's buffers grow)."""
        self.item.setData(np.array(x, dtype=float), np.array(y, dtype=float))
        self.kept = len(x) > 0

    def forget(self) -> None:
        self.item.setData([], [])
        self.kept = False
        self.item.setVisible(False)

    def show(self, shown: bool) -> None:
        self.item.setVisible(shown and self.kept)


def rewind_tip(caption: str, epochs: int) -> str:
    """Rewind's tooltip while it can act: which run it trains again (`caption`: the run's header,
    e.g. "Training a new model (MLP, latent 2, hidden 32, beta 1)")."""
    what = plain_text(caption)
    what = what[0].lower() + what[1:] if what else "this run"
    return (f"Train the run on screen again from its very same start: {what}, "
            f"{count(epochs, 'epoch')}, with the same seed, settings and initial weights. The "
            "run before stays on the plot as a faint line, to compare what a change does.")

