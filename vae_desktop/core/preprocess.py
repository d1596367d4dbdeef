"""Turn a drawing or a picture of a digit into the 28x28 image an MNIST model expects.

MNIST was made this way (LeCun et al.): each digit's bounding box was scaled so its longer side is
20 pixels, keeping the aspect ratio, with antialiasing (so strokes get grey edges); the result was
placed in a 28x28 field so that the centre of mass of its intensity lies at the field's centre.
Measured on the MNIST test set, that centre is at row 14, column 14 (array indices, each image
within half a pixel of it), which is where `to_mnist` puts it.

Scaling down uses Pillow's BOX filter: each output pixel is the exact area-weighted mean of the
input pixels it covers, fractional edges included, which is what "area averaging" means.
torch's `interpolate(mode="area")` is adaptive average pooling, whose integer windows overlap or
skip input pixels when the ratio is not a whole number (280 -> 20 is, 213 -> 20 is not), and
LANCZOS rings (negative lobes around strokes). The rare drawing smaller than 20 pixels is scaled
up bilinearly, as BOX would make it blocky.
"""

from __future__ import annotations

import os
import struct

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

FIELD = 28  # MNIST image side
BOX = 20  # the longer side of the digit's bounding box after scaling
CENTRE = 14.0  # row and column of the intensity centre of mass in MNIST (array indices)
INK_LEVEL = 0.1  # a pixel is ink (for the bounding box) above this fraction of the brightest one
LOAD_MAX_SIDE = 1024  # loaded pictures are first shrunk to this; the digit ends up 20 px anyway
# The background of a picture (background_surface): the level of each of BLOCKS x BLOCKS patches
# (the BLOCK_PERCENTILE of its pixels), a smooth surface kept under them in FIT_ROUNDS rounds, a
# patch above it (ink) weighing ABOVE_WEIGHT.
BLOCKS, BLOCK_PERCENTILE, FIT_ROUNDS, ABOVE_WEIGHT = 12, 30.0, 10, 0.02


class EmptyImageError(ValueError):
    """The image holds no ink (blank, or one flat level): there is no digit to process."""


class AllInkError(EmptyImageError):
    """The image is ink all over, one flat level (a canvas painted over): it has ink but no
    shape to crop and centre."""


class ImageLoadError(ValueError):
    """A file could not be read as an image; the message says which and why."""


def _as_float(image: np.ndarray) -> np.ndarray:
    """A 2-D array of any numeric dtype -> float32 grey levels, validated."""
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError(
            f"expected a 2-D grey-level image (height x width), got an array of shape {image.shape}; "
            "convert colour images to grey first"
        )
    if image.size == 0:
        raise EmptyImageError("the image has no pixels")
    if image.dtype == bool:
        return image.astype(np.float32)
    if not (np.issubdtype(image.dtype, np.integer) or np.issubdtype(image.dtype, np.floating)):
        raise ValueError(f"expected a numeric image, got dtype {image.dtype}")
    image = image.astype(np.float32)
    if not np.isfinite(image).all():
        raise ValueError("the image contains NaN or infinite values")
    return image


def _unit_range(image: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Grey levels in [0, 1]: integers by their dtype's range, floats as they are (clipped)."""
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        image = image / float(info.max)
    return np.clip(image, 0.0, 1.0)


def to_mnist(image: np.ndarray) -> np.ndarray:
    """A grey-level image of one digit, white ink on black (2-D, uint8 or float, any size) ->
    float32 [28, 28] in [0, 1], made the way MNIST was: cropped to the ink, longer side scaled to
    20 px with area averaging, centre of mass at (14, 14). The ink is stretched so that its
    brightest pixel is 1 before scaling (a grey pen counts as white ink).

    Raises EmptyImageError when there is no ink (all black), AllInkError (an EmptyImageError)
    when it is one flat level of ink such as all white (no shape to find), ValueError for
    anything that is not a 2-D numeric image."""
    image = _as_float(image)
    low, high = float(image.min()), float(image.max())
    if high <= 0.0:
        raise EmptyImageError("the image is empty: draw a digit first")
    if high - low <= 1e-6 * max(abs(high), 1.0):
        raise AllInkError("the image is all ink, one flat level: there is no digit shape to find")
    ink = np.clip(image, 0.0, None) / high
    rows, cols = _ink_box(ink, 1.0)
    crop = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    patch = _scale_to_box(crop)
    return _centre_in_field(patch)


def ink_extent(image: np.ndarray) -> int:
    """The longer side, in pixels, of the box around the ink as `to_mnist` crops it (pixels above
    INK_LEVEL of the brightest); 0 when there is no ink. A drawing much smaller than the sheet
    is scaled up all the same: a dot becomes a blob 20 pixels wide."""
    image = _as_float(image)
    high = float(image.max()) if image.size else 0.0
    if high <= 0.0:
        return 0
    rows, cols = _ink_box(image, high)
    return int(max(rows[-1] - rows[0], cols[-1] - cols[0])) + 1


def _ink_box(image: np.ndarray, high: float) -> tuple[np.ndarray, np.ndarray]:
    """The rows and the columns that hold ink: a pixel above INK_LEVEL of `high`, the
    brightest level."""
    ink = image > INK_LEVEL * high
    return np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))


def _scale_to_box(crop: np.ndarray) -> np.ndarray:
    h, w = crop.shape
    ratio = BOX / max(h, w)
    size = (max(1, round(w * ratio)), max(1, round(h * ratio)))  # Pillow wants (width, height)
    resample = Image.BOX if ratio <= 1.0 else Image.BILINEAR
    scaled = Image.fromarray(crop.astype(np.float32), mode="F").resize(size, resample)
    return np.clip(np.asarray(scaled, dtype=np.float32), 0.0, 1.0)


def _centre_in_field(patch: np.ndarray) -> np.ndarray:
    """Place `patch` in a 28x28 field, shifted by whole pixels (as MNIST was, keeping strokes
    sharp) so its centre of mass lands within half a pixel of (14, 14). A digit whose mass is so
    lopsided that this would push ink off the field is shifted only as far as the edge."""
    h, w = patch.shape
    mass = float(patch.sum())
    com_r = float((patch.sum(axis=1) * np.arange(h)).sum() / mass)
    com_c = float((patch.sum(axis=0) * np.arange(w)).sum() / mass)
    top = int(np.clip(np.floor(CENTRE - com_r + 0.5), 0, FIELD - h))
    left = int(np.clip(np.floor(CENTRE - com_c + 0.5), 0, FIELD - w))
    field = np.zeros((FIELD, FIELD), dtype=np.float32)
    field[top:top + h, left:left + w] = patch
    return field


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    """(row, column) of the intensity centre of mass of a 2-D image with some ink."""
    image = _as_float(image)
    mass = float(image.sum())
    if mass <= 0.0:
        raise EmptyImageError("the image is empty")
    rows = float((image.sum(axis=1) * np.arange(image.shape[0])).sum() / mass)
    cols = float((image.sum(axis=0) * np.arange(image.shape[1])).sum() / mass)
    return rows, cols


def _border(image: np.ndarray) -> np.ndarray:
    """The pixels of the outer frame (about 5% of each side, at least one pixel)."""
    h, w = image.shape
    dh, dw = max(1, h // 20), max(1, w // 20)
    return np.concatenate([image[:dh].ravel(), image[-dh:].ravel(),
                           image[:, :dw].ravel(), image[:, -dw:].ravel()])


def is_dark_on_light(image: np.ndarray) -> bool:
    """True when the picture is dark ink on a light background (paper, a scan, a drawing app),
    judged by its border: the background is what the frame mostly shows."""
    image = _as_float(image)
    low, high = float(image.min()), float(image.max())
    if high - low <= 1e-6 * max(abs(high), 1.0):
        return False
    background = float(np.median(_border(image)))
    return background > (low + high) / 2.0


def to_white_on_black(image: np.ndarray, noise_floor: float = 0.1) -> np.ndarray:
    """Any grey-level picture of a digit -> float32 white ink on black in [0, 1]: inverted when
    it is dark on light, the background's level across the picture (`background_surface`:
    uneven light, a shadow's gradient, vignetting) taken away, the strongest ink mapped to 1, and
    the faintest `noise_floor` of the range (paper texture, JPEG noise) to 0 so that it does not
    widen the digit's bounding box.

    On paper the ink's darkness is a share of the light falling on it, so a dark-on-light
    picture is divided by its paper's brightness (ink as dark in the shade as in the light); a
    light-on-dark one (chalk, a drawing app's canvas) has its background subtracted."""
    raw = np.asarray(image)
    grey = _unit_range(_as_float(raw), raw.dtype)
    paper = is_dark_on_light(grey)
    if paper:
        grey = 1.0 - grey
    background = background_surface(grey)
    flat = grey - background
    if paper:  # the share of the paper's light the ink takes
        flat = flat / np.maximum(1.0 - background, 0.05)
    peak = float(flat.max())
    if peak <= 1e-6:
        return np.zeros_like(grey, dtype=np.float32)
    start = noise_floor * peak
    return np.clip((flat - start) / (peak - start), 0.0, 1.0).astype(np.float32)


def background_surface(grey: np.ndarray) -> np.ndarray:
    """The background's level at each pixel of a light-on-dark picture (ink bright): a smooth
    surface (a quadratic in x and y) fitted to the background's level in each of BLOCKS x BLOCKS
    patches of the picture.

    Light across a sheet changes slowly, so a smooth surface follows it (a gradient from a
    window, a lamp's hot spot, dark corners) but never a stroke, however bold: a blur or a
    morphological closing narrower than the strokes would hollow them. A patch's level is a
    low percentile of its pixels (BLOCK_PERCENTILE: right while less than about two thirds of the
    patch is ink); a patch that a bold stroke fills stands out above the surface, and the fit
    keeps under those (a lower envelope), then fits the paper's patches alone. A flat
    background (a canvas, a clean scan) gives a flat surface at its level."""
    h, w = grey.shape
    rows, cols = min(BLOCKS, h), min(BLOCKS, w)
    bh, bw = h // rows, w // cols
    top, left = (h - rows * bh) // 2, (w - cols * bw) // 2
    patches = grey[top:top + rows * bh, left:left + cols * bw].reshape(rows, bh, cols, bw)
    levels = np.percentile(patches.transpose(0, 2, 1, 3).reshape(rows, cols, bh * bw),
                           BLOCK_PERCENTILE, axis=2).astype(np.float64)
    # Patch centres and pixels on one scale: -1 at the first pixel, 1 at the last.
    def scale(index: np.ndarray, size: int) -> np.ndarray:
        return 2.0 * index / max(size - 1, 1) - 1.0

    y = scale(top + bh * (np.arange(rows) + 0.5) - 0.5, h)[:, None] * np.ones((1, cols))
    x = scale(left + bw * (np.arange(cols) + 0.5) - 0.5, w)[None, :] * np.ones((rows, 1))
    terms = np.stack([np.ones_like(x), x, y, x * x, x * y, y * y], axis=-1).reshape(-1, 6)
    values = levels.ravel()
    # The surface under the patches (asymmetric least squares, as a spectrum's baseline is
    # found): a patch above it, ink, weighs ABOVE_WEIGHT, one under it, paper, the rest.
    weights = np.ones(values.shape)
    for _ in range(FIT_ROUNDS):
        root = np.sqrt(weights)
        coef = np.linalg.lstsq(terms * root[:, None], values * root, rcond=None)[0]
        rise = values - terms @ coef
        weights = np.where(rise > 0.0, ABOVE_WEIGHT, 1.0 - ABOVE_WEIGHT)
    # Then fitted to the paper alone: the patches within the paper's own spread of it (judged
    # by those under it, which hold no ink).
    under = np.abs(rise[rise <= 0.0])
    paper = rise <= _paper_spread(under)
    for _ in range(3):
        if np.count_nonzero(paper) < 2 * terms.shape[1]:
            break
        coef = np.linalg.lstsq(terms[paper], values[paper], rcond=None)[0]
        rise = values - terms @ coef
        closer = rise <= _paper_spread(np.abs(rise[paper]))
        if np.array_equal(closer, paper):
            break
        paper = closer
    col = scale(np.arange(w), w)[None, :]
    row = scale(np.arange(h), h)[:, None]
    surface = (coef[0] + coef[1] * col + coef[2] * row + coef[3] * col * col
               + coef[4] * row * col + coef[5] * row * row)
    return np.clip(surface, 0.0, 1.0).astype(np.float32)


def _paper_spread(off: np.ndarray) -> float:
    """How far above the surface a patch may stand and still be paper: three robust standard
    deviations of the paper's patches (`off`: their distances from it), at least half a percent
    of the range."""
    spread = 1.4826 * float(np.median(off)) if off.size else 0.0
    return max(3.0 * spread, 0.005)


def load_image(path: str | os.PathLike) -> np.ndarray:
    """Read a PNG, JPEG or other picture of a digit (any size, either polarity, with or without
    transparency) as a float32 2-D array, white ink on black, ready for `to_mnist`.
    Raises ImageLoadError with a plain message when the file cannot be read."""
    name = os.path.basename(os.fspath(path))
    try:
        with Image.open(path) as opened:
            picture = ImageOps.exif_transpose(opened)
            picture.load()
    except FileNotFoundError:
        raise ImageLoadError(f"{name}: no such file. It may have been moved, renamed or "
                             "deleted.") from None
    except UnidentifiedImageError:
        raise ImageLoadError(f"{name} is not an image, or is damaged: its contents are not PNG, "
                             "JPEG, GIF, BMP, TIFF or WebP, whatever its name says. Open a "
                             "picture in one of these formats.") from None
    except Image.DecompressionBombError:
        raise ImageLoadError(_too_large(name, path)) from None
    except (OSError, ValueError) as exc:
        raise ImageLoadError(f"{name} could not be read: {str(exc).rstrip('.')}.") from None
    if max(picture.size) > LOAD_MAX_SIDE:
        picture.thumbnail((LOAD_MAX_SIDE, LOAD_MAX_SIDE), Image.BOX)
    grey = _grey_levels(picture)
    if grey.max() - grey.min() <= 1e-6:
        raise EmptyImageError(f"{name} is blank: it shows no digit.")
    return to_white_on_black(grey)


def _too_large(name: str, path: str | os.PathLike) -> str:
    """Why a picture over Pillow's limit (twice Image.MAX_IMAGE_PIXELS: beyond it Pillow takes
    a file for a decompression bomb and reads none of it) is not opened, in words."""
    limit = 2 * int(Image.MAX_IMAGE_PIXELS or 0)
    side = round(limit ** 0.5, -3)
    size = _header_size(path)
    what = f" ({size[0]:,} × {size[1]:,} pixels)" if size else ""
    return (f"{name} is too large to open{what}; the largest this app opens is {limit:,} pixels "
            f"(about {side:,.0f} × {side:,.0f}). Make it smaller in an image editor and open it "
            "again.")


def _header_size(path: str | os.PathLike) -> tuple[int, int] | None:
    """(width, height) as a picture's header says, read by the format's own reader without
    Image.open's size check (which refuses a huge picture before saying its size); None when no
    reader knows the file."""
    Image.init()
    try:
        with open(path, "rb") as file:
            prefix = file.read(16)
            for kind in Image.ID:
                reader, accept = Image.OPEN[kind]
                if accept is not None and not accept(prefix):
                    continue
                file.seek(0)
                try:
                    return tuple(reader(file, os.fspath(path)).size)
                except (OSError, ValueError, SyntaxError, IndexError, TypeError, struct.error):
                    continue
    except OSError:
        return None
    return None


def _grey_levels(picture: Image.Image) -> np.ndarray:
    """float [0, 1] grey levels. Transparent pictures are flattened onto white and onto black,
    keeping whichever shows the ink (dark ink on a transparent sheet vanishes on black)."""
    if picture.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        values = np.asarray(picture, dtype=np.float32)
        top = float(values.max())
        return values / top if top > 0 else values
    has_alpha = picture.mode in ("RGBA", "LA", "PA") or (
        picture.mode == "P" and "transparency" in picture.info)
    if has_alpha:
        rgba = picture.convert("RGBA")
        alpha = np.asarray(rgba.getchannel("A"), dtype=np.float32) / 255.0
        if alpha.min() < 1.0:
            colour = np.asarray(rgba.convert("L"), dtype=np.float32) / 255.0
            on_white = colour * alpha + (1.0 - alpha)
            on_black = colour * alpha
            return on_white if on_white.std() >= on_black.std() else on_black
    return np.asarray(picture.convert("L"), dtype=np.float32) / 255.0
