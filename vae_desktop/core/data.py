"""The bundled MNIST (verified, cached decompressed) and torchvision-style dataset folders (checked
for their files before torchvision reads them: nothing is ever downloaded).

Training never goes through per-sample transforms: a split is one uint8 tensor, turned into one
float tensor on the training device by `to_float`, and batches are slices of it.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import struct
import threading
import zlib
from pathlib import Path

import numpy as np
import torch

from .fileio import atomic_write
from .paths import resources_dir

SPLITS = ("train", "test")
DATASETS = ("mnist", "fashion-mnist", "kmnist")
FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
CACHE_ENV = "VAE_DESKTOP_CACHE_DIR"


class DataError(RuntimeError):
    """A data file is missing, corrupt or not what it claims to be. The message says what to do."""


def bundled_mnist_dir() -> Path:
    return resources_dir() / "mnist"


def cache_dir() -> Path:
    """Where decompressed copies live: $VAE_DESKTOP_CACHE_DIR or the platform's user cache dir."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("vae-desktop", appauthor=False))


def _read_checksums(folder: Path) -> dict[str, str]:
    path = folder / "SHA256SUMS.uncompressed"
    if not path.is_file():
        raise DataError(f"{path} is missing: restore resources/mnist/ from the repository")
    sums = {}
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) == 2:
            sums[parts[1]] = parts[0]
    return sums


def _decompress(path: Path) -> bytes:
    if not path.is_file():
        raise DataError(
            f"MNIST file {path} is missing: restore it from the repository "
            "(git checkout -- resources/mnist) or pass --data-dir with a torchvision dataset folder"
        )
    try:
        with gzip.open(path, "rb") as fh:
            return fh.read()
    except (OSError, EOFError, zlib.error) as exc:
        raise DataError(
            f"MNIST file {path} is corrupt ({exc}): restore it from the repository "
            "(git checkout -- resources/mnist)"
        ) from None


def parse_idx(raw: bytes, name: str) -> np.ndarray:
    """Parse an IDX file (unsigned bytes only, as MNIST uses) into a uint8 array."""
    if len(raw) < 4:
        raise DataError(f"{name} is too short to be an IDX file")
    zero, dtype, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype != 0x08 or ndim not in (1, 3):
        raise DataError(f"{name} is not an IDX file of unsigned bytes (header {raw[:4].hex()})")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataError(f"{name} is truncated inside its header")
    dims = struct.unpack(">" + "I" * ndim, raw[4:header])
    expected = int(np.prod(dims))
    if len(raw) - header != expected:
        raise DataError(f"{name} holds {len(raw) - header:,} bytes of data, expected {expected:,}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


def _atomic_save_npy(path: Path, array: np.ndarray) -> None:
    def write(tmp: str) -> None:
        with open(tmp, "wb") as fh:
            np.save(fh, array)

    atomic_write(path, write)


def _load_verified(folder: Path, name: str, digest: str, cache: Path | None) -> np.ndarray:
    cached = cache / f"{name}-{digest[:16]}.npy" if cache is not None else None
    if cached is not None and cached.is_file():
        try:
            return np.load(cached, allow_pickle=False)
        except (OSError, ValueError):
            cached.unlink(missing_ok=True)  # a broken cache is rebuilt from the bundled file
    raw = _decompress(folder / f"{name}.gz")
    actual = hashlib.sha256(raw).hexdigest()
    if actual != digest:
        raise DataError(
            f"MNIST file {folder / (name + '.gz')} fails its checksum (sha256 {actual[:12]}..., "
            f"expected {digest[:12]}...): restore it from the repository"
        )
    array = parse_idx(raw, name)
    if cached is not None:
        try:
            _atomic_save_npy(cached, array)
        except OSError:
            pass  # a read-only cache only costs speed
    return array


def load_mnist(
    split: str = "train", folder: str | Path | None = None, cache: str | Path | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """The bundled MNIST split as (uint8 images [N, 28, 28], int64 labels [N])."""
    if split not in SPLITS:
        raise DataError(f"unknown split {split!r}: use 'train' or 'test'")
    folder = Path(folder) if folder is not None else bundled_mnist_dir()
    cache_path = Path(cache) if cache is not None else cache_dir()
    sums = _read_checksums(folder)
    arrays = []
    for name in FILES[split]:
        if name not in sums:
            raise DataError(f"{folder / 'SHA256SUMS.uncompressed'} has no checksum for {name}")
        arrays.append(_load_verified(folder, name, sums[name], cache_path))
    images, labels = arrays
    if images.ndim != 3 or images.shape[1:] != (28, 28) or labels.ndim != 1:
        raise DataError(f"MNIST {split} files have unexpected shapes {images.shape}, {labels.shape}")
    if len(images) != len(labels):
        raise DataError(f"MNIST {split}: {len(images)} images but {len(labels)} labels")
    return torch.from_numpy(images.copy()), torch.from_numpy(labels.astype(np.int64))


# Where torchvision's MNIST-like data sets lie in a dataset folder, as (folder, name shown): the
# four unpacked files of FILES in ROOT/<folder>/raw/.
TORCHVISION_FOLDERS = {"mnist": ("MNIST", "MNIST"), "fashion-mnist": ("FashionMNIST", "Fashion-MNIST"),
                       "kmnist": ("KMNIST", "KMNIST")}


def check_torchvision_dir(root: str | Path, name: str) -> None:
    """Refuse a dataset folder without the data set's files, saying which files belong where
    (torchvision's own refusal says "You can use download=True", which vae-desktop never does)."""
    if name not in TORCHVISION_FOLDERS:
        raise DataError(f"unknown dataset {name!r}: choose one of {', '.join(DATASETS)}")
    if not Path(root).is_dir():
        raise DataError(f"{root}: no such folder.")
    folder, shown = TORCHVISION_FOLDERS[name]
    raw = os.path.join(root, folder, "raw")
    missing = [file for file in (*FILES["train"], *FILES["test"])
               if not os.path.isfile(os.path.join(raw, file))]
    if not missing:
        return
    files = (", ".join(missing[:-1]) + " and " + missing[-1]) if len(missing) > 1 else missing[0]
    bundled = (", or leave --data-dir out to use the bundled MNIST" if name == "mnist" else "")
    raise DataError(f"{root} holds no {shown}: it needs {files}, unpacked, in {raw}. "
                    f"vae-desktop does not download data sets: copy "
                    f"{'them' if len(missing) > 1 else 'it'} there{bundled}.")


def load_torchvision(
    name: str, split: str, root: str | Path
) -> tuple[torch.Tensor, torch.Tensor]:
    """MNIST, FashionMNIST or KMNIST from a torchvision dataset folder (never downloads): a missing
    file is refused before torchvision reads, a file it cannot read is named (DataError)."""
    check_torchvision_dir(root, name)
    from torchvision import datasets

    classes = {"mnist": datasets.MNIST, "fashion-mnist": datasets.FashionMNIST,
               "kmnist": datasets.KMNIST}  # check_torchvision_dir refused any other
    if split not in SPLITS:
        raise DataError(f"unknown split {split!r}: use 'train' or 'test'")
    try:
        ds = classes[name](str(root), train=split == "train", download=False)
    except (RuntimeError, ValueError, AssertionError, IndexError, KeyError, OSError,
            EOFError) as exc:  # torchvision's own, as it meets a file it cannot read
        raise DataError(_unreadable(root, name, split, exc)) from None
    return ds.data.to(torch.uint8).clone(), ds.targets.to(torch.int64).clone()


def _unreadable(root: str | Path, name: str, split: str, exc: Exception) -> str:
    """Why torchvision could not read a split of a folder that has all its files (as
    check_torchvision_dir saw it): the first of the split's files that is no whole IDX file
    of bytes, named, and what to do."""
    folder, shown = TORCHVISION_FOLDERS[name]
    raw = Path(root) / folder / "raw"
    bundled = ", or leave --data-dir out to use the bundled MNIST" if name == "mnist" else ""
    for file in FILES[split]:
        path = raw / file
        try:
            parse_idx(path.read_bytes(), "it")
        except OSError as error:
            return (f"{path} could not be read: {(error.strerror or str(error)).lower()}. Check "
                    f"that it is a file you may read{bundled}.")
        except DataError as problem:
            return (f"{path} could not be read: {problem}. It may be truncated or damaged: copy "
                    f"it there again{bundled}.")
    said = str(exc) or type(exc).__name__
    return (f"The {shown} {split} files in {raw} could not be read ({said}). They may be "
            f"damaged: copy them there again{bundled}.")


def load_split(
    split: str,
    *,
    digits: tuple[int, ...] | list[int] | None = None,
    size: int | None = None,
    dataset: str = "mnist",
    data_dir: str | Path | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """A split, optionally restricted to some digits and then to its first `size` images."""
    if data_dir is None:
        if dataset != "mnist":
            raise DataError(f"only MNIST is bundled; pass --data-dir for {dataset}")
        images, labels = load_mnist(split)
    else:
        images, labels = load_torchvision(dataset, split, data_dir)
    return _restrict(images, labels, digits, size)


def _restrict(images: torch.Tensor, labels: torch.Tensor, digits, size: int | None
              ) -> tuple[torch.Tensor, torch.Tensor]:
    """The images of `digits` (None: all; a copy), then the first `size` of them (None: all)."""
    if digits is not None:
        digits = sorted(set(int(d) for d in digits))
        if not digits or any(d < 0 or d > 9 for d in digits):
            raise DataError(f"digits must be a non-empty subset of 0..9, got {digits}")
        keep = torch.isin(labels, torch.tensor(digits, dtype=labels.dtype))
        images, labels = images[keep], labels[keep]
    return _first(images, labels, size)


def _first(images: torch.Tensor, labels: torch.Tensor,
           size: int | None) -> tuple[torch.Tensor, torch.Tensor]:
    """The first `size` images and labels (None: all), as views."""
    if size is None:
        return images, labels
    if size < 1:
        raise DataError(f"subset size must be at least 1, got {size}")
    return images[:size], labels[:size]


class CachedSplit:
    """A bundled MNIST split read once, on first use, and kept: for an app that trains again and
    again (reading the 60,000 training images took 19 to 140 ms of every run in a worker, 1 to
    8% of a short run, measured 2026-12-05). Thread-safe: the first caller, whichever thread it
    is in, reads the split; the others wait for it. The tensors it gives out are shared and never
    changed in place (training copies them with `to_float`)."""

    def __init__(self, split: str) -> None:
        if split not in SPLITS:
            raise DataError(f"unknown split {split!r}: use 'train' or 'test'")
        self.split = split
        self._lock = threading.Lock()
        self._data: tuple[torch.Tensor, torch.Tensor] | None = None

    def get(self, size: int | None = None, digits=None) -> tuple[torch.Tensor, torch.Tensor]:
        """Its first `size` images and labels (None: all) of `digits` (None: every digit), as
        `load_split(split, digits=digits, size=size)` gives them."""
        with self._lock:
            if self._data is None:
                self._data = load_split(self.split)
            images, labels = self._data
        return _restrict(images, labels, digits, size)


def to_float(images: torch.Tensor, device: torch.device | str = "cpu") -> torch.Tensor:
    """uint8 [N, 28, 28] -> float32 [N, 1, 28, 28] in [0, 1] on `device`, in one copy."""
    return images.to(device).unsqueeze(1).float().div_(255.0)


# The test set of a binarised model is one fixed binarisation, the same on every device and run,
# so its figures can be compared (Burda et al. redraw the training pixels every batch, as
# `binarize` does, and score a binarised test set).
TEST_BINARIZATION_SEED = 0


def binarize(images: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """Each pixel drawn as 0 or 1 with its grey level as probability: float in, float out."""
    return torch.bernoulli(images, generator=generator)


def binarize_fixed(images: torch.Tensor, seed: int = TEST_BINARIZATION_SEED,
                   keep: bool = True) -> torch.Tensor:
    """The one seeded binarisation of `images` (uint8 [N, 28, 28] or float [N, 1, 28, 28]),
    drawn on the CPU so that every device gets the same pixels; float, on the images' device.

    The last one is kept, for images binarised again and again (the test set). `keep` False:
    images scored once (a training set, synthetic outliers) are drawn without replacing it."""
    device = images.device
    if not keep:  # images scored once (a drawing, a training set): no key, nothing kept
        return _binarized(images, seed).to(device)
    key = (images.data_ptr(), images.shape, images.stride(), images.dtype, images.device,
           images._version, seed)
    last = list(_last_binarization)  # at once: another thread may put its own in meanwhile
    if last and last[0] == key:
        return last[2].clone()
    binary = _binarized(images, seed).to(device)
    # Every evaluation of a binarised model draws the same test set again (37 ms of a 0.5 s
    # report): the last one is kept, with its source so that its memory is not reused.
    _last_binarization[:] = [key, images, binary]
    return binary.clone()


def _binarized(images: torch.Tensor, seed: int) -> torch.Tensor:
    """The seeded draw itself, on the CPU."""
    grey = to_float(images.cpu()) if images.dtype == torch.uint8 else images.float().cpu()
    return binarize(grey, torch.Generator().manual_seed(seed))


_last_binarization: list = []  # [key, source images, their binarisation]
