"""DigitView: a pyqtgraph view that shows one grey-level image (a digit or a grid of digits)
with square pixels, no axes and no mouse panning, updated in place with `set_image`."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from vae_desktop.gui.widgets.view_range import set_view_range

pg.setConfigOptions(imageAxisOrder="row-major", antialias=True)


class DigitView(pg.GraphicsLayoutWidget):
    """Shows a 2-D float array in [0, 1] (white ink on black), scaled to fit."""

    def __init__(self, parent: QWidget | None = None, title: str | None = None,
                 min_size: int = 120, colormap: str | None = None) -> None:
        super().__init__(parent)
        self.setBackground("#202124")
        self.setMinimumSize(min_size, min_size)
        self.view = self.addViewBox(lockAspect=True, enableMouse=False, invertY=True,
                                    enableMenu=False)
        self.image_item = pg.ImageItem(axisOrder="row-major")
        self.image_item.setLevels((0.0, 1.0))
        if colormap:
            self.image_item.setColorMap(pg.colormap.get(colormap))
        self.view.addItem(self.image_item)
        self._shape: tuple[int, ...] | None = None
        if title:
            self.setToolTip(title)
        self.setFocusPolicy(Qt.NoFocus)

    def set_image(self, image: np.ndarray | None, levels: tuple[float, float] = (0.0, 1.0)) -> None:
        """`image` in [0, 1] at `levels`; None: blank, in the shape shown (a grid cleared for a
        run keeps its place, and the view is not refitted twice), or a blank digit."""
        if image is None:
            image = np.zeros(self._shape or (28, 28), dtype=np.float32)
        image = np.asarray(image, dtype=np.float32)
        self.image_item.setImage(image, autoLevels=False, levels=levels)
        if image.shape != self._shape:
            self._shape = image.shape
            set_view_range(self.view, x=(0, image.shape[1]), y=(0, image.shape[0]))

    def image(self) -> np.ndarray | None:
        return self.image_item.image
