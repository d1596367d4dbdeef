"""Image grids and atomic PNG/GIF writing (Pillow), shared by the CLI and the GUI."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from .fileio import atomic_write


def to_uint8(images: torch.Tensor | np.ndarray) -> np.ndarray:
    """Probabilities in [0, 1] (any shape ending in 28x28 or HxW) -> uint8 array."""
    if torch.is_tensor(images):
        images = images.detach().float().cpu().numpy()
    return (np.clip(images, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def image_stack(images: torch.Tensor | np.ndarray) -> np.ndarray:
    """Images [N, (1,) H, W] (a tensor on any device, or an array) as a float32 array
    [N, H, W]."""
    if torch.is_tensor(images):
        images = images.detach().float().cpu().numpy()
    images = np.asarray(images, dtype=np.float32)
    return images[:, 0] if images.ndim == 4 else images


def grid(images: torch.Tensor | np.ndarray, nrow: int = 8, padding: int = 2,
         pad_value: float = 0.0) -> np.ndarray:
    """Tile images [N, (1,) H, W] in rows of `nrow`; returns float array [H', W'] in [0, 1]."""
    images = image_stack(images)
    n, h, w = images.shape
    nrow = max(1, min(nrow, n))
    rows = (n + nrow - 1) // nrow
    out = np.full((rows * (h + padding) + padding, nrow * (w + padding) + padding), pad_value,
                  dtype=np.float32)
    for i in range(n):
        r, c = divmod(i, nrow)
        y, x = padding + r * (h + padding), padding + c * (w + padding)
        out[y:y + h, x:x + w] = images[i]
    return out


def save_png(path: str | os.PathLike, image: np.ndarray, scale: int = 1) -> Path:
    """Save a 2-D float [0, 1] or uint8 array (or HxWx3/4 uint8) as PNG, atomically."""
    arr = image if image.dtype == np.uint8 else to_uint8(image)
    pil = Image.fromarray(arr)
    if scale > 1:
        pil = pil.resize((pil.width * scale, pil.height * scale), Image.NEAREST)
    return atomic_write(Path(path), lambda tmp: pil.save(tmp, format="PNG"))


def save_gif(path: str | os.PathLike, frames: Sequence[np.ndarray], frame_ms: int = 100,
             scale: int = 1, loop: int = 0) -> Path:
    """Save 2-D frames (float [0, 1] or uint8) as an animated GIF, atomically."""
    if not frames:
        raise ValueError("a GIF needs at least one frame")
    pils = []
    for frame in frames:
        arr = frame if frame.dtype == np.uint8 else to_uint8(frame)
        pil = Image.fromarray(arr).convert("L")
        if scale > 1:
            pil = pil.resize((pil.width * scale, pil.height * scale), Image.NEAREST)
        pils.append(pil)

    def write(tmp: str) -> None:
        pils[0].save(tmp, format="GIF", save_all=True, append_images=pils[1:],
                     duration=int(frame_ms), loop=loop, optimize=False, disposal=1)

    return atomic_write(Path(path), write)
