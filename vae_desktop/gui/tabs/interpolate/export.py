"""The Interpolate tab's exports: both strips as one PNG (linear above spherical) and one path as
a there-and-back animated GIF."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from vae_desktop.core import interpolation as interp
from vae_desktop.core.images import grid, save_gif, save_png
from vae_desktop.gui.tabs.interpolate.controls import PATHS
from vae_desktop.gui.tabs.interpolate.strip import PAD

EXPORT_SCALE = 4


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


def write_png(frames: dict[str, torch.Tensor], path: str | Path) -> Path:
    return save_png(path, strip_image(frames), scale=EXPORT_SCALE)


def write_gif(frames: dict[str, torch.Tensor], which: str, frame_ms: int, path: str | Path) -> Path:
    return save_gif(path, gif_frames(frames, which), frame_ms=frame_ms, scale=EXPORT_SCALE)
