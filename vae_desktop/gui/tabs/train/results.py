"""The Train tab's results: a caption, the controls for a run as it goes, the loss plot with the
live latent view beside it, and the two digit grids (test digits over their reconstructions,
samples from fixed codes), in whose place a single step's batch is shown. Shows either a run as
it goes, or a model: its training history and its grids, computed here for it (a few dozen
images)."""

from __future__ import annotations

import html
import weakref
from collections.abc import Callable
from pathlib import Path

import torch
from PySide6.QtCore import QByteArray, QPoint, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from vae_desktop.core.checkpoint import Checkpoint
from vae_desktop.core.fileio import atomic_write
from vae_desktop.core.previews import Previews
from vae_desktop.gui.tabs.train.live_controls import RunBar, StepPanel
from vae_desktop.gui.tabs.train.live_latent import LiveLatentView
from vae_desktop.gui.widgets.hint_text import plain_text
from vae_desktop.gui.widgets.image_view import DigitView
from vae_desktop.gui.widgets.loss_plot import LossPlot, beta_weighted

NO_MODEL = "No model yet: choose the settings on the left and press <b>Start</b>"
EXPORT_WIDTH = 1600  # pixels of an exported plot: sharp on a slide or a printed page
TITLE_COLOR = QColor("#dddddd")  # an exported plot's title line: the legend's colour
TITLE_PAD = 10  # view pixels left and right of the title


class CaptionLabel(QLabel):
    """The header: always two lines tall, whatever it says, so that the plot and the controls
    under it stay where they are when a longer model name wraps it (a new model's name moved
    them down a line at 1280x720, and a wrapped header also overlapped the plot's check boxes
    with the grids' titles on a small window, whose layout counted one line). A single line sits
    in the middle; a header too long for two lines is cut, and its tooltip says it all."""

    LINES = 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        self.setText("<b>A</b>" + "<br>A" * (self.LINES - 1))
        self.setFixedHeight(self.sizeHint().height())
        self.setText("")

    def setText(self, text: str) -> None:
        super().setText(text)
        self._update_tip()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._update_tip()

    def _update_tip(self) -> None:
        cut = bool(self.text()) and self.heightForWidth(self.width()) > self.height()
        self.setToolTip(plain_text(self.text()) if cut else "")


class ResultsPanel(QWidget):
    def __init__(self, test_set: Callable[[], tuple[torch.Tensor, torch.Tensor]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._test_set = test_set  # loaded on first use
        self._previews: Previews | None = None
        self._shown_model: weakref.ref | None = None  # the model whose grids are shown
        self._plot_of: weakref.ref | None = None  # the model whose run the plot shows, step by step
        self._grids: tuple | None = None
        self._caption_of: Checkpoint | None = None  # the model the caption is about (no run)
        self._title = ""  # what the plot shows, for an exported PNG's title line
        self._continuing = False  # "Continue training the active model" is ticked
        # The last run's model and its latent timeline, shown while that model is the active one.
        self._timeline_of: tuple[weakref.ref, list] | None = None

        self.plot = LossPlot()
        self.plot.setMinimumHeight(260)
        self.run_bar = RunBar()
        self.live_view = LiveLatentView()
        self.step_panel = StepPanel()
        self.pairs_view = DigitView(title="Test digits (odd rows) and their reconstructions "
                                          "(the row below each)")
        self.samples_view = DigitView(title="Decoded from fixed random codes")
        grids_page = QWidget()
        grids = QGridLayout(grids_page)
        grids.setContentsMargins(0, 0, 0, 0)
        grids.addWidget(QLabel("<b>Test digits</b> with their reconstructions below"), 0, 0)
        grids.addWidget(QLabel("<b>Random samples</b> from fixed codes"), 0, 1)
        grids.addWidget(self.pairs_view, 1, 0)
        grids.addWidget(self.samples_view, 1, 1)
        for view in (self.pairs_view, self.samples_view):
            view.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.caption_label = CaptionLabel()
        # The live view beside the plot; the splitter lets a person give either more room.
        self.splitter = QSplitter(Qt.Horizontal)
        self.splitter.addWidget(self.plot)
        self.splitter.addWidget(self.live_view)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        # Never less than the live view needs, whatever the row below asks for.
        self.splitter.setMinimumHeight(self.live_view.minimumSizeHint().height())
        self.below = QStackedWidget()  # the grids, or the last single step's batch
        self.below.addWidget(grids_page)
        self.below.addWidget(self.step_panel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption_label)
        layout.addWidget(self.run_bar)
        layout.addWidget(self.splitter, 3)
        layout.addWidget(self.below, 2)

    @property
    def caption(self) -> str:
        return self.caption_label.text()

    def restore_layout(self, state) -> bool:
        """The plot's and the live view's widths as the splitter's `saveState` kept them (from
        the settings of an earlier session). Anything else, or a state that leaves a pane no
        room, changes nothing; returns whether it was taken."""
        if isinstance(state, bytes):
            state = QByteArray(state)
        if not isinstance(state, QByteArray) or state.isEmpty():
            return False
        splitter = self.splitter
        before = splitter.saveState()
        if not splitter.restoreState(state):
            return False
        sizes = splitter.sizes()
        if len(sizes) != splitter.count() or min(sizes, default=0) <= 0:
            splitter.restoreState(before)
            return False
        return True

    def grids(self):
        """The grids shown: (reconstructions, samples) 2-D arrays, or None when cleared."""
        return self._grids

    # A model
    def show_model(self, ckpt: Checkpoint | None, continuing: bool = False) -> None:
        """Its history, its name and settings, its grids; or an invitation to train one.
        `continuing`: Start trains it further rather than a new model."""
        self._show_timeline_of(ckpt)
        self._caption_of, self._continuing = ckpt, continuing
        self._title = "" if ckpt is None else f"{ckpt.name} ({ckpt.config.describe()})"
        if ckpt is None:
            self._plot_of = None
            self.plot.clear()
            self.caption_label.setText(NO_MODEL)
            self.show_grids(None)
            return
        model = ckpt.model
        if self._plot_of is None or self._plot_of() is not model:
            self._plot_of = None
            # Epochs only: the steps of a run are not kept.
            self.plot.set_history(ckpt.history, weighted=model_weighted(ckpt))
        self._show_model_caption()
        if self._shown_model is not None and self._shown_model() is model:
            return  # its grids are on screen already (a model's weights never change in place)
        if self._previews is None:
            self._previews = Previews(*self._test_set())
        self.show_grids(self._previews.grids(model))
        self._shown_model = weakref.ref(model)

    def set_continuing(self, continuing: bool) -> None:
        """"Continue training" was ticked or unticked: the caption says what Start will do."""
        self._continuing = continuing
        if self._caption_of is not None:
            self._show_model_caption()

    def _show_model_caption(self) -> None:
        ckpt = self._caption_of
        then = "train it further" if self._continuing else "train a new one"
        self.caption_label.setText(
            f"Training history of the active model <b>{html.escape(ckpt.name)}</b> "
            f"({ckpt.config.describe()}): press Start to {then}")

    # A run
    def begin_run(self, caption: str, history: list[dict], first_epoch: int,
                  last_epoch: int, weighted: bool = False) -> None:
        """`history`: the epochs the model had before (a continued model), shown before the run;
        `weighted`: the run trains with a beta other than 1 or a KL warm-up (`beta_weighted`)."""
        self._plot_of = None
        if history:
            self.plot.set_history(history, redraw=False)  # drawn as the run's plot at once
        else:
            self.plot.clear(redraw=False)
        self.plot.begin_run(first_epoch, last_epoch, weighted)
        self._caption_of = None
        self.caption_label.setText(caption)
        self._title = plain_text(caption)
        self.show_grids(None)  # the run's own grids come with its first event

    def end_run(self, model, weighted: bool | None = None) -> None:
        """`model`: the run's model, if kept: while it is shown the plot keeps the run's steps
        and the live view its snapshots. `weighted`: its loss was weighted by a beta other than
        1 after all (a change by hand), if known."""
        self.plot.end_run(weighted)
        self._plot_of = None if model is None else weakref.ref(model)
        if model is not None and self._grids is not None:
            # The grids on screen came with the run's last event (its start or its last epoch),
            # made from the weights it ends with: a stop goes back to the last complete epoch.
            # Showing the kept model need not decode them again on the GUI thread.
            self._shown_model = weakref.ref(model)
        self._timeline_of = None if model is None else (weakref.ref(model),
                                                        self.live_view.snapshots)

    def _show_timeline_of(self, ckpt: Checkpoint | None) -> None:
        known = self._timeline_of
        if known is not None and ckpt is not None and known[0]() is ckpt.model:
            if self.live_view.snapshots is not known[1]:
                self.live_view.set_snapshots(known[1])
        elif self.live_view.snapshots:
            self.live_view.clear()

    def show_step_panel(self, shown: bool) -> None:
        """The last single step's batch in place of the grids (or the grids again)."""
        self.below.setCurrentWidget(self.step_panel if shown else self.below.widget(0))

    def show_grids(self, grids: tuple | None) -> None:
        self._grids = grids
        self._shown_model = None
        self.pairs_view.set_image(None if grids is None else grids[0])
        self.samples_view.set_image(None if grids is None else grids[1])

    def export_png(self, path: str | Path) -> Path:
        """Save the loss plot (its legend, axes and curves, not the check boxes under it) under a
        title line naming the model, as a PNG EXPORT_WIDTH pixels wide, in its on-screen
        proportions (atomically)."""
        image = self.plot_image()

        def write(tmp: str) -> None:
            if not image.save(tmp, "PNG"):
                raise OSError(f"could not write {path}")

        return atomic_write(Path(path), write)

    def plot_title(self) -> str:
        """The exported plot's title line: the model shown (its name and settings), or the run
        going on; "" when there is neither."""
        return self._title

    def title_font(self) -> QFont:
        font = QFont(self.font())
        font.setBold(True)
        return font

    def title_band(self) -> int:
        """The height of the exported plot's title line, in the view's pixels (0: no title)."""
        return round(QFontMetrics(self.title_font()).height() * 1.8) if self._title else 0

    def plot_image(self, width: int = EXPORT_WIDTH) -> QImage:
        """The plot drawn afresh `width` pixels wide, under a line that names the model: text,
        lines and markers are scaled with it, so the picture looks as it does on screen, only
        sharper."""
        self.plot.redraw()
        self.plot.hide_readout()  # the values under the mouse are no part of the picture
        view = self.plot.plot_widget
        size = view.viewport().size()
        scale = width / max(1, size.width())
        band = self.title_band()
        image = QImage(width, max(1, round((size.height() + band) * scale)), QImage.Format_ARGB32)
        image.setDevicePixelRatio(scale)  # draws in the view's own units: pens keep their look
        image.fill(view.backgroundBrush().color())
        painter = QPainter(image)
        try:
            painter.setRenderHint(QPainter.Antialiasing)
            painter.setRenderHint(QPainter.TextAntialiasing)
            if band:
                painter.setFont(self.title_font())
                painter.setPen(TITLE_COLOR)
                room = max(1, size.width() - 2 * TITLE_PAD)
                text = painter.fontMetrics().elidedText(self._title, Qt.ElideRight, room)
                painter.drawText(QRectF(TITLE_PAD, 0, room, band),
                                 Qt.AlignLeft | Qt.AlignVCenter, text)
            view.render(painter, QRectF(0, band, size.width(), size.height()),
                        QRect(QPoint(0, 0), size))
        finally:
            painter.end()
        image.setDevicePixelRatio(1.0)  # saved as plain pixels, EXPORT_WIDTH of them
        return image


def model_weighted(ckpt: Checkpoint) -> bool:
    """Whether the model's training loss was weighted by a beta other than 1 (loss_plot's
    legend then says that the test loss is at beta 1)."""
    warmup = (ckpt.train_config or {}).get("beta_warmup") or 0
    return beta_weighted(ckpt.history, float(ckpt.config.beta), warmup)
