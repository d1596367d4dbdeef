"""The Interpolate tab's exports: both strips as one PNG (linear above spherical, under a caption
that says what they show) and one path as a there-and-back animated GIF (each frame large, under
the same caption, with its mixing ratio under it)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter

from vae_desktop.core import interpolation as interp
from vae_desktop.core.images import grid, save_gif, save_png, to_uint8
from vae_desktop.gui.tabs.interpolate.controls import PATHS
from vae_desktop.gui.tabs.interpolate.strip import PAD

EXPORT_SCALE = 4
CAPTION_PX = 15  # the caption's font size, in pixels of the exported image
CAPTION_MARGIN = 8
CAPTION_GREY = 225  # light text on the strips' black
# The GIF: one digit at a time, 280 px across (square pixels, as in the PNG), for a slide.
GIF_SCALE = 10
GIF_CAPTION_PX = 14


def _check(frames: dict[str, torch.Tensor]) -> None:
    if not frames:
        raise ValueError("there is no strip to export: both ends need a code")


def strip_image(frames: dict[str, torch.Tensor]) -> np.ndarray:
    """Both strips ([steps, 1, 28, 28] per path) as one image, linear above spherical."""
    _check(frames)
    stacked = torch.cat([frames[key] for key, _ in PATHS])
    return grid(stacked, nrow=len(frames[PATHS[0][0]]), padding=PAD)


def gif_frames(frames: dict[str, torch.Tensor], path: str) -> list[np.ndarray]:
    """The frames of one path there and back: 2 * steps - 2 images (it loops)."""
    _check(frames)
    return interp.there_and_back([f[0].numpy() for f in frames[path]])


def caption_band(lines: list[str], width: int, px: int = CAPTION_PX,
                 align: Qt.AlignmentFlag = Qt.AlignLeft) -> np.ndarray:
    """The caption as uint8 grey text on black, `width` pixels wide, in a `px` pixel font (long
    lines wrapped between words, by Qt's own line breaking)."""
    font = QFont()
    font.setPixelSize(px)
    metrics = QFontMetrics(font)
    text = "\n".join(lines)
    flags = align | Qt.AlignTop | Qt.TextWordWrap
    room = QRect(CAPTION_MARGIN, CAPTION_MARGIN, width - 2 * CAPTION_MARGIN, 1 << 16)
    height = 2 * CAPTION_MARGIN + metrics.boundingRect(room, flags, text).height()
    image = QImage(width, height, QImage.Format_Grayscale8)
    image.fill(0)
    painter = QPainter(image)
    painter.setFont(font)
    painter.setPen(QColor(CAPTION_GREY, CAPTION_GREY, CAPTION_GREY))
    painter.drawText(room, flags, text)
    painter.end()
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(height, image.bytesPerLine())
    return rows[:, :width].copy()


def write_png(frames: dict[str, torch.Tensor], path: str | Path,
              caption: list[str] | None = None) -> Path:
    """Both strips, scaled up, under the lines of `caption` (none: the strips alone)."""
    strips = np.kron(to_uint8(strip_image(frames)), np.ones((EXPORT_SCALE, EXPORT_SCALE), np.uint8))
    if caption:
        strips = np.concatenate([caption_band(caption, strips.shape[1]), strips])
    return save_png(path, strips)


def gif_ratio_text(t: float) -> str:
    """What a GIF frame says under its digit."""
    return f"t = {t:.2f}"


def gif_images(frames: dict[str, torch.Tensor], which: str,
               caption: list[str] | None = None) -> list[np.ndarray]:
    """The GIF's frames as uint8 images: the caption's lines (if any), the digit scaled up
    GIF_SCALE times with square pixels, and its mixing ratio t under it; there and back."""
    digits = gif_frames(frames, which)
    ratios = interp.there_and_back(interp.mixing_ratios(len(frames[which])).tolist())
    width = 28 * GIF_SCALE
    band = caption_band(caption, width, GIF_CAPTION_PX) if caption else None
    images = []
    for digit, t in zip(digits, ratios, strict=True):
        big = np.kron(to_uint8(digit), np.ones((GIF_SCALE, GIF_SCALE), np.uint8))
        under = caption_band([gif_ratio_text(t)], width, GIF_CAPTION_PX, Qt.AlignHCenter)
        parts = [big, under] if band is None else [band, big, under]
        images.append(np.concatenate(parts))
    return images


def write_gif(frames: dict[str, torch.Tensor], which: str, frame_ms: int, path: str | Path,
              caption: list[str] | None = None) -> Path:
    """One path as an animated GIF, there and back, under the lines of `caption`."""
    return save_gif(path, gif_images(frames, which, caption), frame_ms=frame_ms)
