"""A latent-space timeline (core.snapshots) as an animated GIF, drawn with Pillow: the sample's
points coloured by digit on fixed axes (the same for every frame, so the motion is the model's),
captioned with epoch, step and loss, over a strip of the digits decoded from fixed codes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .fileio import atomic_write
from .snapshots import SNAPSHOT_EVERY, LatentSnapshot, LatentTimeline

# Ten distinguishable colours (Tableau 10), one per digit: the Latent space tab's too.
DIGIT_COLORS = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac")
PLOT_SIZE = 480  # pixels, square
CAPTION_HEIGHT = 30
BACKGROUND = (22, 23, 26)
TEXT = (230, 230, 230)
FRAME_MS = 120  # a frame's time on screen; the last one stays longer
LAST_FRAME_MS = 2_000
POINT_RADIUS = 1  # points are (2r + 1)-pixel squares


def fixed_bounds(snapshots: Sequence[LatentSnapshot]) -> tuple[np.ndarray, np.ndarray]:
    """(lo, hi) [2] holding the bulk of every frame's points (0.5 to 99.5 percentile of all of
    them, so a few strays do not shrink the rest), with a margin."""
    points = np.concatenate([s.points for s in snapshots if len(s.points)] or [np.zeros((1, 2))])
    lo = np.percentile(points, 0.5, axis=0)
    hi = np.percentile(points, 99.5, axis=0)
    span = np.maximum(hi - lo, 1e-3)
    return lo - 0.06 * span, hi + 0.06 * span


def render_frame(snapshot: LatentSnapshot, bounds: tuple[np.ndarray, np.ndarray],
                 size: int = PLOT_SIZE) -> Image.Image:
    """One frame: caption, the points on the plane within `bounds`, the decoded strip."""
    strip = _strip(snapshot.decodings, size)
    frame = np.empty((CAPTION_HEIGHT + size + strip.shape[0], size, 3), np.uint8)
    frame[:] = BACKGROUND
    plot = frame[CAPTION_HEIGHT:CAPTION_HEIGHT + size]
    lo, hi = bounds
    xy = (snapshot.points - lo) / np.maximum(hi - lo, 1e-9)
    cols = np.round(xy[:, 0] * (size - 1)).astype(np.int64)
    rows = np.round((1.0 - xy[:, 1]) * (size - 1)).astype(np.int64)  # y up
    colors = np.array([_rgb(c) for c in DIGIT_COLORS], np.uint8)[np.clip(snapshot.labels, 0, 9)]
    order = np.random.default_rng(0).permutation(len(cols))  # no digit always on top
    for dr in range(-POINT_RADIUS, POINT_RADIUS + 1):
        for dc in range(-POINT_RADIUS, POINT_RADIUS + 1):
            r, c = rows[order] + dr, cols[order] + dc
            inside = (r >= 0) & (r < size) & (c >= 0) & (c < size)
            plot[r[inside], c[inside]] = colors[order][inside]
    frame[CAPTION_HEIGHT + size:] = strip
    image = Image.fromarray(frame)
    draw = ImageDraw.Draw(image)
    draw.text((8, 6), snapshot.caption(), fill=TEXT, font=_font())
    x_axis, y_axis = snapshot.axes
    draw.text((size - 8, CAPTION_HEIGHT + size - 4), x_axis, fill=(160, 160, 160),
              font=_font(12), anchor="rd")
    if y_axis:
        draw.text((6, CAPTION_HEIGHT + 4), y_axis, fill=(160, 160, 160), font=_font(12))
    return image


def write_gif(snapshots: Sequence[LatentSnapshot], path: str | Path, size: int = PLOT_SIZE,
              frame_ms: int = FRAME_MS) -> Path:
    """Write the snapshots as an animated GIF that loops (atomically); returns the path."""
    if not snapshots:
        raise ValueError("there are no snapshots to make a movie of")
    bounds = fixed_bounds(snapshots)
    frames = [render_frame(s, bounds, size) for s in snapshots]
    durations = [frame_ms] * (len(frames) - 1) + [LAST_FRAME_MS]

    def write(tmp: str) -> None:
        frames[0].save(tmp, format="GIF", save_all=True, append_images=frames[1:],
                       duration=durations, loop=0, disposal=1, optimize=False)

    return atomic_write(Path(path), write)


class MovieRecorder:
    """A run's timeline for a movie (`vae-desktop train --movie`): pass every training event to
    `follow` (with a Trainer made with `snapshot_every=recorder.every`), then `write`."""

    def __init__(self, path: str | Path, model, test_data) -> None:
        self.path, self.every = Path(path), SNAPSHOT_EVERY
        self.timeline = LatentTimeline(test_data[0], test_data[1], model.latent_dim,
                                       model.num_classes)

    def follow(self, event, model) -> None:
        if getattr(event, "kind", None) == "snapshot_due":  # core.training.SnapshotDue
            self.timeline.take(model, event.epoch, event.step, event.at_epoch, event.loss,
                               event.beta, event.lr, event.precision)

    def write(self) -> Path | None:
        """The GIF (also after a stopped or failed run), or None when nothing was recorded."""
        return write_gif(self.timeline.snapshots, self.path) if len(self.timeline) else None


def _strip(decodings: np.ndarray, width: int) -> np.ndarray:
    """The decoded digits side by side, scaled by a whole number to fit `width`, as RGB."""
    k = max(len(decodings), 1)
    scale = max(1, (width - 4 * (k + 1)) // (28 * k))
    cell = 28 * scale
    height = cell + 8
    strip = np.empty((height, width, 3), np.uint8)
    strip[:] = BACKGROUND
    x = max(4, (width - k * cell - (k - 1) * 4) // 2)
    for digit in decodings:
        grey = np.clip(digit, 0.0, 1.0)
        grey = (np.kron(grey, np.ones((scale, scale))) * 255).astype(np.uint8)
        if x + cell > width:
            break
        strip[4:4 + cell, x:x + cell] = grey[..., None]
        x += cell + 4
    return strip


def _rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))


_FONTS: dict[int, ImageFont.ImageFont] = {}


def _font(size: int = 16):
    if size not in _FONTS:
        try:
            _FONTS[size] = ImageFont.load_default(size=size)
        except TypeError:  # Pillow before 10.1: one bitmap size
            _FONTS[size] = ImageFont.load_default()
    return _FONTS[size]


def frame_count(path: str | Path) -> int:
    """How many frames a GIF holds."""
    with Image.open(path) as image:
        return getattr(image, "n_frames", 1)

