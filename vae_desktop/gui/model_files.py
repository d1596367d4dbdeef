"""Opening and saving checkpoints from the GUI (the main window, the Train tab and the Models
dialog share these), and the files the app writes for the models it makes."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from vae_desktop.core import checkpoint
from vae_desktop.core.checkpoint import Checkpoint
from vae_desktop.core.fileio import check_folder
from vae_desktop.core.model_words import loss_note, other_dataset, what_model_is
from vae_desktop.core.paths import bundled_models_dir, models_dir
from vae_desktop.core.wording import arch_name, count
from vae_desktop.gui import preferences

CHECKPOINT_FILTER = "vae-desktop checkpoints (*.pt);;All files (*)"
LAST_DIR = "last_dir"  # the settings key: where the last file was saved or opened


def new_model_path(ckpt_or_stem: Checkpoint | str) -> Path:
    """A free file in the app's models folder for a model the app makes (training, a held-out
    run): e.g. cvae-mlp-z2-20261202-140312.pt. The file name only has to be unique; people
    see the model's library name."""
    if isinstance(ckpt_or_stem, str):
        base = re.sub(r"[^A-Za-z0-9._-]+", "-", ckpt_or_stem).strip("-.") or "model"
    else:
        cfg = ckpt_or_stem.config
        base = f"{'cvae' if cfg.conditional else 'vae'}-{cfg.arch}-z{cfg.latent_dim}"
    folder = models_dir()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path, n = folder / f"{base}-{stamp}.pt", 2
    while path.exists():
        path, n = folder / f"{base}-{stamp}-{n}.pt", n + 1
    return path


def file_name_for(name: str, suffix: str = ".pt") -> str:
    """A file name for what is called `name`: a model's readable name ("VAE · MLP · z=2 · 5 Dec
    03:59") has characters file systems refuse (":" on Windows) or make awkward."""
    stem = re.sub(r"[^A-Za-z0-9._=-]+", "-", name).strip("-.") or "model"
    return stem + suffix


def filter_suffixes(name_filter: str) -> list[str]:
    """The extensions one dialog filter names, in its order: "PNG images (*.png)" gives
    [".png"]; "All files (*)" gives none."""
    found = re.search(r"\(([^)]*)\)", name_filter)
    patterns = found.group(1).split() if found else []
    return [p[1:] for p in patterns if re.fullmatch(r"\*\.[A-Za-z0-9]+", p)]


def with_filter_suffix(path: str, name_filter: str) -> str:
    """`path` with the filter's first extension added when it ends in none of the filter's, so
    "plot" and "run.v2" become "plot.png" and "run.v2.png" while "walk.PNG" stays."""
    suffixes = filter_suffixes(name_filter)
    if not suffixes or any(path.lower().endswith(s.lower()) for s in suffixes):
        return path
    return path.removesuffix(".") + suffixes[0]


def _last_folder(settings) -> Path:
    """Where the last file was saved, while that folder exists; the home folder otherwise."""
    folder = Path(preferences.read_str(settings, LAST_DIR, str(Path.home())))
    return folder if folder.is_dir() else Path.home()


def ask_save_path(parent: QWidget, suggested: str, title: str, file_filter: str) -> str:
    """The one save dialog of the app ("" if cancelled): it starts in the folder the last save
    went to (the home folder before any), remembers the folder chosen, and adds the chosen
    filter's extension to a name typed without it (asking before that name replaces a file,
    which the dialog did not ask about)."""
    settings = preferences.open_settings()
    start = str(_last_folder(settings) / suggested)
    while True:
        path, chosen = QFileDialog.getSaveFileName(parent, title, start, file_filter)
        if not path:
            return ""
        full = with_filter_suffix(path, (chosen or file_filter).split(";;")[0])
        if full == path or not Path(full).exists() or _may_replace(parent, title, Path(full)):
            break
        start = full
    settings.setValue(LAST_DIR, str(Path(full).parent))
    return full


def _may_replace(parent: QWidget, title: str, path: Path) -> bool:
    answer = QMessageBox.question(parent, title,
                                  f"{path.name} already exists in {path.parent}. Replace it?",
                                  QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
    return answer == QMessageBox.Yes


def checkpoint_path(path: str | os.PathLike) -> Path:
    """The file a model chosen to be saved at `path` goes to: ".pt" added if missing."""
    path = Path(path)
    return path if path.suffix == ".pt" else path.with_name(path.name + ".pt")


def save_checkpoint_as(ckpt: Checkpoint, path: str | os.PathLike) -> Path:
    """Write `ckpt` to `path` (atomically, ".pt" added if missing) and put the file first in
    File > Open recent; returns the path. The model itself is not changed: AppState.save_model_as
    decides what the list of models shows afterwards."""
    path = checkpoint_path(path)
    check_folder(path)
    checkpoint.save(path, ckpt.model, ckpt.history, ckpt.optimizer_state, ckpt.train_config)
    preferences.remember_recent(preferences.open_settings(), str(path.resolve()))
    return path


def is_user_file(ckpt: Checkpoint) -> bool:
    """True when the model lives in a file the user chose (not bundled, not one the app made),
    so File > Save may overwrite it without asking."""
    if ckpt.path is None:
        return False
    folder = Path(ckpt.path).resolve().parent
    return folder not in (bundled_models_dir().resolve(), models_dir().resolve())


def describe_model(ckpt: Checkpoint | None) -> str:
    """The status bar's line for a model (and the model selector's tooltip): name, architecture,
    latent size, conditional or not, epochs, the dataset when it is not MNIST, and the test loss
    marked as the Models dialog marks it (core.model_words.loss_note: * part of the test set, † other
    data), with a few words saying which. A name the library gave already says what the model is
    ("VAE · MLP · z=16 · 2 epochs · …"): the facts are not repeated after it."""
    if ckpt is None:
        return "No model loaded: train one on the Train tab or open a checkpoint (Ctrl+O)."
    cfg = ckpt.config
    kind = "conditional" if cfg.conditional else "unconditional"
    dataset = other_dataset(ckpt)
    data = f" · trained on {dataset}" if dataset is not None else ""
    loss = ckpt.test_loss
    if loss is None:
        loss_text = "test loss not measured"
    else:
        note = loss_note(ckpt)
        loss_text = f"test loss {loss:.2f}{note.mark} nats/image"
        if note.brief:
            loss_text += f" ({note.brief})"
    named = what_model_is(ckpt)
    facts = ("" if (ckpt.name or "").startswith(named) else
             f" · {arch_name(cfg.arch)} · latent {cfg.latent_dim} · {kind} · "
             f"{count(ckpt.epochs, 'epoch')}")
    return f"{ckpt.name}{facts}{data} · {loss_text}"
