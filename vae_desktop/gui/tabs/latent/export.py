"""Saving the Latent space tab's pictures as PNG: the plot (drawn afresh for a slide, under a line
saying what it shows), the decoded digit and the random samples (arrays, scaled up with square
pixels)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

from vae_desktop.core.fileio import atomic_write
from vae_desktop.core.images import save_png
from vae_desktop.gui.model_files import ask_save_path

DIGIT_SCALE = 10
VIEW_WIDTH = 1600  # pixels of an exported plot: sharp on a slide, as the Train tab's loss plot
SAMPLES_SCALE = 4
PNG_FILTER = "PNG images (*.png)"


def ask_png_path(parent: QWidget, title: str, name: str) -> str | None:
    """The app's save dialog (in the folder the last save went to; ".png" added), None if
    cancelled."""
    return ask_save_path(parent, name, title, PNG_FILTER) or None


def image_writer(image: QImage) -> Callable[[str], None]:
    """Write `image` as a PNG, atomically (a failed write leaves no file behind)."""

    def write(path: str) -> None:
        def save(tmp: str) -> None:
            if not image.save(tmp, "PNG"):
                raise OSError("the image could not be written")

        atomic_write(Path(path), save)

    return write


def array_writer(image: np.ndarray, scale: int) -> Callable[[str], None]:
    return lambda path: save_png(path, np.asarray(image), scale=scale)


def export(parent: QWidget, report: Callable[[str, int], None], write: Callable[[str], None],
           title: str, name: str, path: str | None) -> str | None:
    """Write to `path` (asked for when None); report the outcome as a status line. Returns the
    path written, or None."""
    path = path or ask_png_path(parent, title, name)
    if path is None:
        return None
    try:
        write(path)
    except OSError as exc:
        report(f"Could not write {path}: {exc}", 6000)
        return None
    report(f"Saved {path}", 4000)
    return path
