"""How a model is named and described for a person: the name the list of models gives it (what
it is and when it was made: "VAE without 2s · MLP · z=2 · 3 epochs · 5 Dec 14:05"), the names
people may type, what it was trained on ("3,000 Fashion-MNIST images") and what its test loss
can be compared with (LossNote, and the marks the Models dialog and the status bar put on it).
Read from the checkpoint alone; the list of models (core.library) stores the names."""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from .checkpoint import Checkpoint
from .data import TORCHVISION_FOLDERS
from .memory import TEST_IMAGES
from .settings import TRAIN_IMAGES
from .trained_on import APP_DATASET, TrainedOn, trained_on_or_none
from .wording import arch_name, count, digits_phrase

# A name the library gave (default_name), "(2)" and all: "VAE without 2s · MLP · z=2 · 3 epochs ·
# 5 Dec 14:05 (2)". A name a person typed is never of this shape, or only by design.
DEFAULT_NAME = re.compile(r"^C?VAE(?: [^·]+)? · [^·]+ · z=\d+ · [\d,]+ epochs? · "
                          r"\d{1,2} \S+ \d{2}:\d{2}(?: \(\d+\))?$")
MAX_NAME = 80
DATASET_NAMES = {name: shown for name, (_folder, shown) in TORCHVISION_FOLDERS.items()}
PART_MARK, OTHER_DATA_MARK = "*", "†"  # a test loss of part of the test set; of other data


def train_images(ckpt: Checkpoint) -> int | None:
    """How many training images the model was trained on, as the checkpoint records it (all of
    them, TRAIN_IMAGES, before any digits were left out), or None where the file does not say
    (or says what this version cannot read). What trained_on_text words and the Models dialog
    sorts by."""
    seen = trained_on_or_none(ckpt.train_config)
    return None if seen is None else seen.size or TRAIN_IMAGES


def what_it_is(conditional: bool, arch: str, latent_dim: int, epochs: int,
               digits=None) -> str:
    """The start of a model's default name, e.g. "CVAE · MLP · z=2 · 10 epochs", with the
    digits of a model trained on some only after its kind: "VAE without 2s · MLP · …"."""
    kind = "CVAE" if conditional else "VAE"
    phrase = digits_phrase(digits)
    kind = f"{kind} {phrase}" if phrase else kind
    return f"{kind} · {arch_name(arch)} · z={latent_dim} · {count(epochs, 'epoch')}"


def what_model_is(ckpt: Checkpoint) -> str:
    """what_it_is for a checkpoint: the start of its default name."""
    cfg, seen = ckpt.config, trained_on_or_none(ckpt.train_config)
    digits = None if seen is None else seen.digits
    return what_it_is(cfg.conditional, cfg.arch, cfg.latent_dim, ckpt.epochs, digits)


def default_name(ckpt: Checkpoint, when: float | None = None) -> str:
    """What the model is: kind, the digits it was trained on when not all ten, architecture,
    latent size, epochs and date, e.g. "CVAE · MLP · z=2 · 10 epochs · 2 Dec 14:05" or
    "VAE without 2s · MLP · z=2 · 3 epochs · 2 Dec 14:05", however it was trained (the Train
    tab, `vae-desktop train --digits`, a sweep)."""
    local = time.localtime(when if when is not None else time.time())
    stamp = f"{local.tm_mday} {time.strftime('%b %H:%M', local)}"  # no %-d: not on Windows
    return f"{what_model_is(ckpt)} · {stamp}"


def other_dataset(ckpt: Checkpoint) -> str | None:
    """The name of the dataset the model was trained on when it is not MNIST ("Fashion-MNIST"),
    else None. A checkpoint that does not say (or says what this version cannot read) names
    none: loss_note tells the two apart."""
    return dataset_name(trained_on_or_none(ckpt.train_config))


def dataset_name(seen: TrainedOn | None) -> str | None:
    """other_dataset of a reading (trained_on_or_none's) already made."""
    return None if seen is None or seen.dataset == APP_DATASET else DATASET_NAMES[seen.dataset]


def trained_on_text(ckpt: Checkpoint) -> str:
    """The training images as the checkpoint records them: "all 60,000 images", "3,000 images
    without 2s", "3,000 Fashion-MNIST images", with ", binarised" for binarised MNIST ("–"
    where the file does not say, or says what this version cannot read)."""
    seen = trained_on_or_none(ckpt.train_config)
    if seen is None:
        text = "–"
    else:
        dataset = dataset_name(seen)
        if seen.size is not None:
            text = count(seen.size, f"{dataset} image" if dataset else "image")
        else:
            # As the Train form says it ("all 60,000").
            text = f"every {dataset} image" if dataset else f"all {TRAIN_IMAGES:,} images"
        text = f"{text} {digits_phrase(seen.digits)}".rstrip()  # as the Train tab words it
    return text + (", binarised" if ckpt.config.binarized else "")


@dataclass(frozen=True)
class LossNote:
    """How a model's test loss compares with the others'. `comparable`: measured as the
    bundled MNIST models' losses are (grey-level MNIST test images); `mark`: "" for the whole
    test set, PART_MARK for part of it (close, if not exact), OTHER_DATA_MARK for other data
    (not comparable at all); `text`: that in sentences ("" when there is nothing to say);
    `brief`: that in a few words for a status line that names another dataset already ("trained
    on Fashion-MNIST"): "on 1,000 of 10,000 test images", "on binarised MNIST, not comparable",
    "not comparable" ("" when there is nothing to say)."""

    comparable: bool
    mark: str
    text: str
    brief: str = ""


def loss_note(ckpt: Checkpoint) -> LossNote:
    """What to say next to the model's test loss (see LossNote). A record of the training data
    that this version cannot read (only a model made in memory can hold one: checkpoint.load
    refuses such a file) leaves the data the loss was measured on unknown: not comparable. A
    checkpoint with no record at all is read as trained_on reads it, MNIST."""
    saved = ckpt.train_config if isinstance(ckpt.train_config, dict) else {}
    seen = trained_on_or_none(saved)
    unknown = bool(ckpt.train_config) and seen is None
    sentences, comparable, mark = [], True, ""
    size = saved.get("test_size")
    part = isinstance(size, int) and not isinstance(size, bool) and 0 < size < TEST_IMAGES
    if part:
        sentences.append(f"Measured on {size:,} of the {TEST_IMAGES:,} test images: close to "
                         "what the whole test set gives, but not exactly.")
        mark = PART_MARK
    images = f"{size:,} of {TEST_IMAGES:,} " if part else ""  # "1,000 of 10,000 "
    dataset = dataset_name(seen)
    if dataset is not None or unknown:
        sentences.append(f"Measured on {dataset} test images: not comparable with the losses of "
                         "models trained on MNIST." if dataset is not None else
                         "Measured on data the file does not name (its record of the training "
                         "data is not one this version can read): not comparable with the "
                         "losses of models trained on MNIST.")
        comparable, mark = False, OTHER_DATA_MARK
        brief = f"on {images}test images, not comparable" if part else "not comparable"
    elif ckpt.config.binarized:
        sentences.append("Measured on binarised MNIST (every pixel black or white), which gives "
                         "lower losses: not comparable with the losses of models trained on "
                         "MNIST's grey levels.")
        comparable, mark = False, OTHER_DATA_MARK
        brief = (f"on {images}binarised test images, not comparable" if part
                 else "on binarised MNIST, not comparable")
    else:
        brief = f"on {images}test images" if part else ""
    return LossNote(comparable, mark, " ".join(sentences), brief)


def new_name(ckpt: Checkpoint, origin: str) -> str:
    """The name a model is first listed under when nobody gave one. A file the user opened is
    theirs and already named: its stem, as Save as names the model after the file it writes.
    A model the app made (a training run's autosave, a sweep trial) is named for what it is and
    dated when its file was written, as a rebuild of the index names it (default_name)."""
    if origin == "opened" and ckpt.path is not None:
        stem = " ".join(Path(ckpt.path).stem.split())[:MAX_NAME]
        if stem:
            return stem
    return default_name(ckpt, written(ckpt.path) if ckpt.path is not None else None)


def written(path: str | os.PathLike) -> float:
    """When the file was last written (now, where that cannot be read)."""
    try:
        return Path(path).stat().st_mtime
    except OSError:
        return time.time()


def check_name(name: str) -> str:
    """A name as typed, stripped; ValueError when it cannot be used."""
    name = " ".join(str(name).split())
    if not name:
        raise ValueError("A model's name cannot be empty.")
    if len(name) > MAX_NAME:
        raise ValueError(f"A model's name can have at most {MAX_NAME} characters.")
    return name
