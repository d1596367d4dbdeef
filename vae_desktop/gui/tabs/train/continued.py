"""What a continued model keeps of its training data, as `vae-desktop train --resume` does: the
digits it was trained on (a held-out model of the Evaluate tab stays without its digit) and how
many training images; binarised or not is a model setting and comes with the model. A run that
changed them would train another model under the old one's name: "VAE without 2" drew 2s after
a Continue that trained on every digit.

Words for them too: the form's "300 images without 2s"; the kept model is named by the library ("VAE
without 2s · MLP · z=20 · 2 epochs · 5 Dec 07:40")."""

from __future__ import annotations

from dataclasses import dataclass

from vae_desktop.core.checkpoint import Checkpoint
from vae_desktop.core.settings import TRAIN_IMAGES
from vae_desktop.core.trained_on import APP_DATASET, trained_on
from vae_desktop.core.wording import digits_phrase


@dataclass(frozen=True)
class KeptData:
    train_size: int  # the first N training images of those digits (0: all of them)
    digits: tuple[int, ...] | None  # the digits trained on (None: all ten)


def kept_data(ckpt: Checkpoint) -> KeptData:
    """What the model was trained on, as core.trained_on reads its checkpoint's train_config (a
    model without one, or with no digits, was trained on every digit). ValueError when the app
    cannot train on the same: another dataset, or values out of range."""
    seen = trained_on(ckpt.train_config)
    if seen.dataset != APP_DATASET:
        raise ValueError(f"it was trained on {seen.dataset}, and this app trains on MNIST only "
                         "(continue it with vae-desktop train --resume and --data-dir)")
    return KeptData(seen.size or 0, seen.digits)


def data_sentence(data: KeptData) -> str:
    """The images a continued run trains on, e.g. 'the first 3,000 training images without 2s'."""
    phrase = digits_phrase(data.digits)
    if data.train_size:
        return f"the first {data.train_size:,} training images {phrase}".rstrip()
    if phrase:
        return f"all the training images {phrase}"
    return f"all {TRAIN_IMAGES:,} training images"
