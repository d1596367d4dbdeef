"""FrameStrip: one interpolation path as a row of frames, each with its mixing ratio under it;
clicking a frame reports its index."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import torch
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QWidget

from vae_desktop.core.images import grid
from vae_desktop.gui.widgets.image_view import DigitView

PAD = 2  # pixels between frames, as images.grid lays them out


class FrameStrip(DigitView):
    """A row of frames with a caption under each; clicking a frame emits its index."""

    frame_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None, title: str | None = None) -> None:
        super().__init__(parent, title=title, min_size=60)
        self.setMinimumHeight(110)
        self.setCursor(Qt.PointingHandCursor)
        self._captions: list[pg.TextItem] = []
        self._count = 0
        self.scene().sigMouseClicked.connect(self._on_click)
        self.caption_font = QFont()
        self.caption_font.setPointSize(8)

    def set_frames(self, frames: torch.Tensor | None, captions: list[str]) -> None:
        if frames is None or len(frames) == 0:
            self._count = 0
            self.set_image(np.zeros((28 + 2 * PAD, 28 + 2 * PAD), np.float32))
            captions = []
        else:
            self._count = len(frames)
            self.set_image(grid(frames, nrow=len(frames), padding=PAD))
        while len(self._captions) < len(captions):
            item = pg.TextItem(color="#bdc1c6", anchor=(0.5, 0.0))
            item.setFont(self.caption_font)
            self.view.addItem(item)
            self._captions.append(item)
        for i, item in enumerate(self._captions):
            if i < len(captions):
                item.setText(captions[i])
                item.setPos(PAD + i * (28 + PAD) + 14, 28 + 2 * PAD)
                item.show()
            else:
                item.hide()
        h, w = self.image().shape
        # Room under the frames for their captions (in image pixels; the text itself does not scale).
        self.view.setRange(xRange=(0, w), yRange=(0, h + 10), padding=0.0)

    def captions(self) -> list[str]:
        return [item.toPlainText() for item in self._captions if item.isVisible()]

    def frame_at(self, x: float, y: float) -> int | None:
        """The frame under image coordinates (x, y), or None."""
        if self._count == 0 or not 0 <= y <= 28 + 2 * PAD + 10:
            return None
        index = int((x - PAD / 2) // (28 + PAD))
        return index if 0 <= index < self._count else None

    def _on_click(self, event) -> None:
        if event.button() != Qt.LeftButton:
            return
        pos = self.view.mapSceneToView(event.scenePos())
        index = self.frame_at(pos.x(), pos.y())
        if index is not None:
            self.frame_clicked.emit(index)
