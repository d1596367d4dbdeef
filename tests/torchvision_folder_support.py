"""A dataset folder laid out as torchvision's MNIST (ROOT/MNIST/raw/ with the four unpacked idx
files), made from the bundled MNIST: the test files real, the training files empty (they only
have to be there for a run that reads the test split)."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

from vae_desktop.core.data import FILES
from vae_desktop.core.paths import resources_dir

RAW = [*FILES["train"], *FILES["test"]]  # the file names, in the order a refusal lists them


def torchvision_mnist_folder(root: Path) -> Path:
    """Lay out `root` as torchvision's MNIST; returns `root`."""
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name in FILES["test"]:
        with gzip.open(resources_dir() / "mnist" / f"{name}.gz") as packed, \
                open(raw / name, "wb") as out:
            shutil.copyfileobj(packed, out)
    for name in FILES["train"]:
        (raw / name).write_bytes(b"")
    return root
