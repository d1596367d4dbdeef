"""The Conditional tab's style transfer view: the image being restyled, the same style written as
every digit, and how the model reads the image (each label's gap behind the best, in nats, as bars)."""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from vae_desktop.core import generate
from vae_desktop.core.digit_analysis import DigitAnalysis, guess_sentence
from vae_desktop.core.images import grid
from vae_desktop.core.wording import article
from vae_desktop.gui.tabs.conditional.panels import export_button, panel
from vae_desktop.gui.widgets import tones
from vae_desktop.gui.widgets.gap_bars import GapBars, axis_ticks, cut_brush
from vae_desktop.gui.widgets.hint_text import HINT_COLOUR
from vae_desktop.gui.widgets.image_view import DigitView
from vae_desktop.gui.widgets.plot_grid import readable_axes
from vae_desktop.gui.widgets.plot_menus import menus_go_with

DIGITS = 10
GAP_SHOWN = 40.0  # nats, as on the Draw tab: further behind is as good as ruled out
BAR_COLOUR, CHOSEN_COLOUR = "#8ab4f8", "#1a73e8"
MARK_ROOM = 5.0  # nats of room under the bars for the mark of the label encoded with
EXPORT_TIP = "Save the source and its ten rewritings as a PNG."
SOURCE_TIP = "The image being restyled"
# A model trained on binarised MNIST (core.generate.as_seen): what it sees of the image.
BINARISED_TIP = ("The image being restyled, as the model sees it: this model was trained on "
                 "binarised MNIST, so the image is binarised as its test digits were (each pixel "
                 "white with its grey level as the chance, one fixed draw), as on the Draw tab.")


class StyleTransferView(QWidget):
    """Shows a StyleTransfer result (or why there is none). `frame` is the titled panel."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        source_col = QVBoxLayout()
        self.source_view = DigitView(title=SOURCE_TIP, min_size=96)
        self.source_view.setFixedSize(112, 112)
        self.source_caption = QLabel()
        self.source_caption.setAlignment(Qt.AlignCenter)
        tones.set_tone(self.source_caption, HINT_COLOUR)
        source_col.addWidget(self.source_view)
        source_col.addWidget(self.source_caption)
        source_col.addStretch(1)
        row.addLayout(source_col)
        arrow = QLabel("→")
        font = arrow.font()
        font.setPixelSize(26)
        arrow.setFont(font)
        tones.set_tone(arrow, HINT_COLOUR)
        row.addWidget(arrow)
        self.style_view = DigitView(title="The same style written as 0 to 9", min_size=80)
        self.style_view.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        row.addWidget(self.style_view, 1)
        # How far each label is behind the best at explaining the image, in nats, as the Draw
        # tab's guess shows it (a softmax of these gaps would say p = 1.00 even for a scribble).
        self.probs_plot = pg.PlotWidget(enableMenu=False)
        menus_go_with(self.probs_plot)
        self.probs_plot.setFixedWidth(250)
        # Nothing to do on it with the keys: no Tab stop, but named for a screen reader.
        self.probs_plot.setFocusPolicy(Qt.NoFocus)
        self.probs_plot.setAccessibleName("Label scores chart")
        self.probs_plot.setAccessibleDescription(
            "How many nats each label, 0 to 9, is behind the one that explains the image best.")
        self.probs_plot.setBackground(None)
        readable_axes(self.probs_plot)
        self.probs_plot.setMouseEnabled(False, False)
        self.probs_plot.hideButtons()
        self.probs_plot.setXRange(-0.6, 9.6, padding=0)
        self._show_scores_title()
        tones.follow_palette(self.probs_plot, self._show_scores_title)  # a theme switched to
        self.probs_plot.getAxis("bottom").setTicks([[(d, str(d)) for d in range(DIGITS)]])
        self.gap_bars = GapBars(DIGITS, top=GAP_SHOWN, colour=BAR_COLOUR)
        self.probs_plot.addItem(self.gap_bars)
        self._brush, self._chosen = pg.mkBrush(BAR_COLOUR), pg.mkBrush(CHOSEN_COLOUR)
        self._cut, self._chosen_cut = cut_brush(BAR_COLOUR), cut_brush(CHOSEN_COLOUR)
        # A triangle under the label the image was encoded with: a guessed label is the best
        # one, whose bar has no height, so its darker colour alone never showed. Room above the
        # top for its tick's "40+": a bar cut there is hatched, as on the Draw tab.
        self.probs_plot.setYRange(-MARK_ROOM, GAP_SHOWN * 1.06, padding=0.0)
        self.probs_plot.getAxis("left").setTicks(axis_ticks(GAP_SHOWN))
        self.chosen_mark = pg.ScatterPlotItem(symbol="t1", size=10, pen=pg.mkPen(CHOSEN_COLOUR),
                                              brush=self._chosen)
        self.probs_plot.addItem(self.chosen_mark)
        self.probs_plot.setToolTip(
            "How much worse each label explains the image than the best one: its negative ELBO "
            f"minus the best's, in nats. A hatched bar at the top is {GAP_SHOWN:g} nats or more "
            "behind: as good as ruled out. The label the image was "
            "encoded with is marked ▲ and its bar is darker (a guessed label is the best one: "
            "no bar)")
        row.addWidget(self.probs_plot)

        self.title = QLabel("Style transfer")
        self.message = QLabel()
        self.message.setTextFormat(Qt.RichText)
        self.export = export_button(EXPORT_TIP)
        self._chosen_label: int | None = None
        self.frame: QFrame = panel(self.title, self, self.export, self.message)
        self.frame.setMaximumHeight(250)

    def _show_scores_title(self) -> None:
        """The scores' title in the window's text colour (pyqtgraph's grey read at 2.6:1 on the
        light window)."""
        self.probs_plot.setTitle("nats behind the best label", size="9pt",
                                 color=self.probs_plot.palette().color(QPalette.WindowText))

    def show_none(self, message: str, why: str, error: bool = False) -> None:
        """No source image: empty views, the message (rich text) saying why, and Export PNG…
        off, its tooltip saying why (`why`, a sentence). `error`: the message is an error's
        words (plain text), shown in red, readable on a light or dark window (widgets.tones)."""
        self.source_caption.setText("")
        self.source_view.setToolTip(SOURCE_TIP)
        self.source_view.set_image(None)
        self.style_view.set_image(np.zeros((28, 28 * DIGITS), np.float32))
        self.gap_bars.set_bars(np.zeros(DIGITS), [self._brush] * DIGITS)
        self.chosen_mark.setData([], [])
        self._chosen_label = None
        tones.set_tone(self.message, tones.ERROR if error else None)
        self.message.setText(html.escape(message) if error else message)
        self.export.setEnabled(False)
        self.export.setToolTip(why)

    def chosen_label(self) -> int | None:
        """The label marked as the one the image was encoded with (None: no image)."""
        return self._chosen_label

    def show_result(self, caption: str, style: generate.StyleTransfer, reading: DigitAnalysis,
                    binarized: bool = False) -> None:
        """The image as the model saw it (style.seen), under `caption`. `reading`: the image
        analysed under style.label (core.digit_analysis), ranked among the test set's scores
        when they are known. `binarized`: the model sees the image binarised."""
        self.source_caption.setText(f"{caption}, binarised" if binarized else caption)
        self.source_view.setToolTip(BINARISED_TIP if binarized else SOURCE_TIP)
        self.source_view.set_image(style.seen.numpy())
        self.style_view.set_image(grid(style.images, nrow=DIGITS))
        losses = reading.label_losses
        behind = np.minimum(losses - losses.min(), GAP_SHOWN)
        brushes = [(self._chosen_cut if cut else self._chosen) if d == style.label
                   else (self._cut if cut else self._brush)
                   for d, cut in enumerate(behind >= GAP_SHOWN)]
        self.gap_bars.set_bars(behind, brushes)
        self.chosen_mark.setData([style.label], [-MARK_ROOM / 2])
        self._chosen_label = style.label
        self.export.setEnabled(True)
        self.export.setToolTip(EXPORT_TIP)
        how = "its guessed label" if style.guessed else "the given label"
        said = guess_sentence(reading, what="the image")
        tones.set_tone(self.message, None)
        self.message.setText(
            f"encoded as {article(style.label)} <b>{style.label}</b> ({how}). "
            f"{html.escape(said)}")
