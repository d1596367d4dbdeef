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

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

FIELD = 28  # MNIST image side
BOX = 20  # the longer side of the digit's bounding box after scaling
CENTRE = 14.0  # row and column of the intensity centre of mass in MNIST (array indices)
INK_LEVEL = 0.1  # a pixel is ink (for the bounding box) above this fraction of the brightest one
LOAD_MAX_SIDE = 1024  # loaded pictures are first shrunk to this; the digit ends up 20 px anyway


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
    it is dark on light, background level mapped to 0, strongest ink to 1, and the faintest
    `noise_floor` of the range (paper texture, JPEG noise, shadows) to 0 so that it does not
    widen the digit's bounding box."""
    raw = np.asarray(image)
    grey = _unit_range(_as_float(raw), raw.dtype)
    if is_dark_on_light(grey):
        grey = 1.0 - grey
    background = float(np.median(_border(grey)))
    peak = float(grey.max())
    if peak - background <= 1e-6:
        return np.zeros_like(grey, dtype=np.float32)
    start = background + noise_floor * (peak - background)
    return np.clip((grey - start) / (peak - start), 0.0, 1.0).astype(np.float32)


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
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageLoadError(f"{name} could not be read: {str(exc).rstrip('.')}.") from None
    if max(picture.size) > LOAD_MAX_SIDE:
        picture.thumbnail((LOAD_MAX_SIDE, LOAD_MAX_SIDE), Image.BOX)
    grey = _grey_levels(picture)
    if grey.max() - grey.min() <= 1e-6:
        raise EmptyImageError(f"{name} is blank: it shows no digit.")
    return to_white_on_black(grey)


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
