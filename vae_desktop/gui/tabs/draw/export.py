"""The Draw tab's export: one picture for a slide (EXPORT_WIDTH px wide, about 16:9) with the
drawing, the 28x28 image the model saw, its reconstruction and where the two differ, under a title
naming the model and the drawing, and over the scores and the guess as the tab words them.

The model's pictures are painted pixel for pixel (each of the 28x28 pixels a CELL px square), as
the tab paints them; the drawing is scaled smoothly, as the canvas shows it. The PNG is written
whole or not at all (core.fileio.atomic_write), through the app's one save step
(gui.save_dialog)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter

from vae_desktop.core.fileio import atomic_write, check_folder

PNG_FILTER = "PNG images (*.png)"
CELL = 12  # px a side for each of a model picture's 28x28 pixels
SIDE = 28 * CELL  # 336 px: each picture's side
MARGIN, GAP = 48, 32
EXPORT_WIDTH = 2 * MARGIN + 4 * SIDE + 3 * GAP  # 1536 px: four pictures in a row
TITLE_PX, CAPTION_PX, TEXT_PX = 30, 22, 22  # font sizes
LINE = 34  # px from one line of text to the next
PAPER, INK, FRAME = QColor("#ffffff"), QColor("#202124"), QColor("#202124")


@dataclass
class Panel:
    """One picture of the export: its caption, key (for `ExportPicture.rects`) and pixels (2-D
    floats in [0, 1]); `colormap` a pyqtgraph colour map's name, None for grey; `crisp` paints
    each pixel as a square (the model's 28x28 pictures), else the picture is scaled smoothly."""

    key: str
    caption: str
    pixels: np.ndarray
    colormap: str | None = None
    crisp: bool = True


@dataclass
class ExportPicture:
    """The picture made, with what it says (`title`, `lines`) and where each panel's picture
    lies in it (`rects`, by Panel.key)."""

    image: QImage
    title: str
    lines: list[str]
    rects: dict[str, QRect] = field(default_factory=dict)


def compose(title: str, panels: list[Panel], lines: list[str],
            first_colour: QColor | None = None) -> ExportPicture:
    """Paint `panels` in a row under `title`, over `lines` of text (the first, the verdict, in
    bold and in `first_colour`)."""
    height = (MARGIN + TITLE_PX + 20 + CAPTION_PX + 12 + SIDE + GAP + LINE * max(len(lines), 1)
              + MARGIN)
    image = QImage(EXPORT_WIDTH, height, QImage.Format_RGB32)
    image.fill(PAPER)
    picture = ExportPicture(image, title, list(lines))
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.TextAntialiasing)
        painter.setPen(INK)
        painter.setFont(_font(TITLE_PX, bold=True))
        top = MARGIN
        painter.drawText(QRect(MARGIN, top, EXPORT_WIDTH - 2 * MARGIN, TITLE_PX + 10),
                         Qt.AlignLeft | Qt.AlignVCenter, title)
        top += TITLE_PX + 20
        painter.setFont(_font(CAPTION_PX, bold=True))
        for i, panel in enumerate(panels[:4]):
            left = MARGIN + i * (SIDE + GAP)
            painter.setPen(INK)
            painter.drawText(QRect(left, top, SIDE, CAPTION_PX + 4), Qt.AlignCenter, panel.caption)
            rect = QRect(left, top + CAPTION_PX + 12, SIDE, SIDE)
            painter.fillRect(rect, FRAME)
            painter.drawImage(rect, _scaled(panel))
            picture.rects[panel.key] = rect
        top += CAPTION_PX + 12 + SIDE + GAP
        for i, line in enumerate(lines):
            bold = i == 0
            painter.setFont(_font(TEXT_PX, bold=bold))
            painter.setPen(first_colour if bold and first_colour is not None else INK)
            painter.drawText(QRect(MARGIN, top + i * LINE, EXPORT_WIDTH - 2 * MARGIN, LINE),
                             Qt.AlignLeft | Qt.AlignVCenter, line)
    finally:
        painter.end()
    return picture


def write_png(path: str | Path, image: QImage) -> Path:
    """`image` as a PNG file at `path`, whole or not at all; returns the path."""
    check_folder(path)

    def write(tmp: str) -> None:
        if not image.save(tmp, "PNG"):
            raise OSError("the image could not be written")

    return atomic_write(path, write)


def _font(pixels: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(pixels)
    font.setBold(bold)
    return font


def _scaled(panel: Panel) -> QImage:
    """The panel's pixels as a SIDE x SIDE image: squares for a crisp one, smooth otherwise."""
    levels = (np.clip(np.asarray(panel.pixels, dtype=np.float32), 0.0, 1.0) * 255.0 + 0.5)
    levels = np.ascontiguousarray(levels.astype(np.uint8))
    h, w = levels.shape
    if panel.colormap is None:
        source = QImage(levels.data, w, h, w, QImage.Format_Grayscale8)
    else:
        table = pg.colormap.get(panel.colormap).getLookupTable(nPts=256, alpha=False)
        rgb = np.ascontiguousarray(table[levels].astype(np.uint8))
        source = QImage(rgb.data, w, h, 3 * w, QImage.Format_RGB888)
    mode = Qt.FastTransformation if panel.crisp else Qt.SmoothTransformation
    # Scaled (a copy) before `levels` goes: the QImage above only borrows its memory.
    return source.scaled(SIDE, SIDE, Qt.KeepAspectRatio, mode)
