"""AppState: the one owner of what the tabs share. Tabs are views: they render from it, change it
through its methods, and re-render on its signals. No tab imports another.

It owns
- the models (listed by the ModelLibrary, so they last across restarts) and the active one;
- the current drawing, with where it came from;
- the current latent point: a code with the label (or label blend) it is decoded under;
- the latent snapshot opened from a training run's timeline (core.snapshots), if any;
- one test-set pass per model (core.evaluation), shared by Draw, Latent space, Evaluate and the
  anomaly panel, run once in a worker;
- the aggregate-posterior mixtures the samplers draw from (gui.mixture_cache), fitted once per
  model's weights in a worker;
- the workers that run every kind of background work.

What belongs to one model (a drawing's posterior, a latent point) is dropped when the active
model changes, so no view can show another model's information; the new model's latent point
is its origin.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass

import numpy as np
import torch
from PySide6.QtCore import QObject, Signal

from vae_desktop.core import checkpoint
from vae_desktop.core.checkpoint import Checkpoint
from vae_desktop.core.data import CachedSplit, to_float
from vae_desktop.core.evaluation import EvaluationReport, evaluation_steps
from vae_desktop.core.library import NOT_FOUND, ModelLibrary, Unlisted
from vae_desktop.core.library_index import ModelEntry, path_key
from vae_desktop.core.model_words import default_name, new_name
from vae_desktop.gui import model_files
from vae_desktop.gui.mixture_cache import MixtureSource
from vae_desktop.gui.workers import Job, Workers

FIRST_MODEL = "mnist-cvae-z2"  # the bundled model active at first launch
NEW_MODEL_POINT = "Latent space"  # the origin of the latent point a newly active model starts at


@dataclass(frozen=True)
class Drawing:
    """The digit the Draw tab shows, as the model sees it (28x28 float32 in [0, 1])."""

    image: np.ndarray
    origin: str  # what it is, for a person: "your drawing", "five.png", "test image #12"


@dataclass(frozen=True)
class LatentPoint:
    """A code of the active model, with the label it is decoded under."""

    code: np.ndarray  # [latent_dim] float32
    label_weights: np.ndarray | None  # [num_classes]: one-hot, or a blend; None: unconditional
    origin: str  # e.g. "interpolation 5→6, t = 0.53"

    @property
    def label(self) -> int | None:
        """The single label, when the weights are one-hot; None for a blend or no label."""
        w = self.label_weights
        if w is None or not np.isclose(w.max(), 1.0):
            return None
        return int(w.argmax())

    def label_tensor(self) -> torch.Tensor | None:
        """[1, num_classes] float, as VAE.decode takes soft labels."""
        if self.label_weights is None:
            return None
        return torch.as_tensor(self.label_weights, dtype=torch.float32).reshape(1, -1)


class AppState(QObject):
    # The list of models changed (added, renamed or removed).
    models_changed = Signal()
    # The active model changed (argument: Checkpoint or None).
    model_changed = Signal(object)
    # The current drawing changed (argument: Drawing or None).
    drawing_changed = Signal(object)
    # Draw tab: posterior of the drawing under the active model, dict(mu=, logvar=, label=), or
    # None; label: the digit a conditional model encoded it under (None for an unconditional one).
    posterior_changed = Signal(object)
    # The current latent point changed (argument: LatentPoint or None).
    latent_point_changed = Signal(object)
    # A training run's latent snapshot to show in the Latent space tab (core.snapshots.
    # LatentSnapshot), or None: show the active model again.
    latent_snapshot_changed = Signal(object)
    # A model's test-set pass: progress (Checkpoint, fraction), done (Checkpoint), failed
    # (Checkpoint, message).
    test_pass_progress = Signal(object, float)
    test_pass_ready = Signal(object)
    test_pass_failed = Signal(object, str)
    # Ask the main window to switch to the tab with this title.
    tab_requested = Signal(str)
    # Copy these training settings (core.settings names) into the Train tab.
    training_settings_requested = Signal(dict)
    # A line for the status bar (message, timeout in ms).
    status_message = Signal(str, int)

    def __init__(self, parent: QObject | None = None, library: ModelLibrary | None = None) -> None:
        super().__init__(parent)
        self.library = library if library is not None else ModelLibrary()
        self.workers = Workers(self)
        self.mixtures = MixtureSource(self.workers, self)  # aggregate-posterior samplers
        self.models: list[Checkpoint] = []
        self.active: Checkpoint | None = None
        self.drawing: Drawing | None = None
        self.latent_point: LatentPoint | None = None
        self.latent_snapshot = None  # core.snapshots.LatentSnapshot or None
        self.train_split = CachedSplit("train")  # read by the first run's worker, then kept
        self._test_split = CachedSplit("test")
        self._test_float: torch.Tensor | None = None
        self._passes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # model -> report
        self._pass_jobs: dict[int, Job] = {}  # id(model) -> running pass
        # What loading the list of models had to say (load_library's notes), for the Models
        # dialog; and what was found of the entries no model stands for, by file.
        self.load_notes: list[str] = []
        self._unlisted: dict[str, Unlisted] = {}

    # Models

    def load_library(self) -> list[str]:
        """List every model of the library (bundled ones included); returns what a person should
        be told (files that could not be read or were not found, an index that was rebuilt),
        kept as `load_notes`. An entry whose file cannot be loaded stays in the library (the
        Models dialog greys it) but is no model here: no tab can make it active."""
        notes = self.library.load()
        missing, refreshed = [], False
        self._unlisted = {}
        for entry in list(self.library.entries):
            ckpt = self._load_entry(entry)
            if ckpt == "":  # not there for now: said in one note below
                missing.append(entry)
                continue
            if isinstance(ckpt, str):  # why it cannot be read
                notes.append(ckpt)
                continue
            refreshed |= self.library.refresh(ckpt, entry)  # a default name, epochs behind
            ckpt.name = entry.name
            self._put(ckpt)
        if refreshed:
            try:
                self.library.save()
            except OSError:
                pass  # said by the library's own note (a read-only folder, a newer list)
        if missing:
            notes.append(missing_note(missing))
        self.load_notes = list(notes)
        self.models_changed.emit()
        if self.active is None and self.models:
            self.set_active(self._first_model())
        return notes

    def _load_entry(self, entry: ModelEntry) -> Checkpoint | str:
        """The model of an entry, or why not: "" for a file that is not there, else a sentence.
        What was found is kept (an Unlisted), so that the Models dialog can say why without
        reading the file again, and list_returned_models tries it again only once it has
        changed."""
        key = path_key(entry.path)
        try:
            stat = entry.file.stat()
        except OSError:
            self._unlisted[key] = Unlisted(None, NOT_FOUND)
            return ""
        try:
            ckpt = self.library.take_read(entry.path)  # what a rebuild just read, if it did
            if ckpt is None:
                ckpt = checkpoint.load(entry.path)
        except checkpoint.CheckpointError as exc:
            reason = refusal(exc)
            self._unlisted[key] = Unlisted((stat.st_mtime_ns, stat.st_size), reason)
            return f"{entry.name} cannot be used, since its file could not be read: {reason}"
        self._unlisted.pop(key, None)
        return ckpt

    def list_returned_models(self) -> list[Checkpoint]:
        """Entries of the list that no model here stands for, whose file may read now: one
        whose file was not there, or could not be read, when it was tried, and is there (or has
        changed) now, such as a model on a drive plugged back in; and one never tried, listed
        meanwhile by another window of the app. Each is listed as any model, in every tab's
        selector, if its file reads; returns those. A file is read once for each change."""
        shown = self._shown()
        back, changed = [], False
        for entry in list(self.library.entries):
            key = path_key(entry.path)
            if key in shown:
                continue
            found = self._unlisted.get(key)
            try:
                stat = entry.file.stat()
            except OSError:
                if found is None or not found.missing:  # gone since it was tried
                    self._unlisted[key], changed = Unlisted(None, NOT_FOUND), True
                continue
            if found is not None and found.stat == (stat.st_mtime_ns, stat.st_size):
                continue  # the same unreadable file
            changed = True
            ckpt = self._load_entry(entry)
            if isinstance(ckpt, str):
                continue
            ckpt.name = entry.name
            self._put(ckpt)
            back.append(ckpt)
        if changed:
            self.models_changed.emit()
        return back

    def unlisted_entries(self) -> list[tuple[ModelEntry, Unlisted]]:
        """The entries of the list that no model here stands for, with what was found when
        their files were tried (not there, or why they could not be read): the Models dialog
        greys them. Nothing is read here."""
        shown = self._shown()
        return [(entry, self._unlisted[key]) for entry in self.library.entries
                if (key := path_key(entry.path)) not in shown and key in self._unlisted]

    def _shown(self) -> set[str]:
        """The files that the models here stand for (as library_index.path_key gives them)."""
        return {path_key(m.path) for m in self.models if m.path is not None}

    def _first_model(self) -> Checkpoint | None:
        """The model of a first launch, mnist-cvae-z2 (the 2-D conditional model suits every
        tab: its latent plane maps directly and it can be asked for a digit), else the first."""
        preferred = [m for m in self.models if m.path is not None and m.path.stem == FIRST_MODEL]
        return (preferred or self.models or [None])[0]

    def add_model(self, ckpt: Checkpoint, activate: bool = True, origin: str = "opened",
                  name: str | None = None) -> Checkpoint:
        """Add a model (listed in the library if it has a file) and, by default, activate it."""
        if ckpt.path is not None:
            try:
                ckpt.name = self.library.add(ckpt, origin, name).name
            except OSError as exc:  # a read-only or full data folder: the model is still here
                ckpt.name = name or new_name(ckpt, origin)  # as the list would name it
                if origin in ("opened", "saved"):  # the user's own file: it stays
                    text = (f"{ckpt.name} is in {ckpt.path}, but the list of models could not "
                            f"take it ({exc}): it is shown until you quit, and File ▸ Open "
                            "opens it again.")
                else:
                    text = (f"{ckpt.name} could not be added to the list of models ({exc}). "
                            "You can use it until you quit; to keep it, save it with File ▸ "
                            "Save as.")
                self.status_message.emit(text, 0)
        elif name:
            ckpt.name = name
        elif not ckpt.name:
            ckpt.name = default_name(ckpt)
        self._put(ckpt)
        self.models_changed.emit()
        if activate:
            self.set_active(ckpt)
        return ckpt

    def _put(self, ckpt: Checkpoint) -> None:
        key = None if ckpt.path is None else path_key(ckpt.path)
        for i, existing in enumerate(self.models):
            if key is not None and existing.path is not None and path_key(existing.path) == key:
                self.models[i] = ckpt
                if self.active is existing:
                    self.active = ckpt
                return
        self.models.append(ckpt)

    def entry(self, ckpt: Checkpoint) -> ModelEntry | None:
        return self.library.find(ckpt.path) if ckpt.path is not None else None

    def save_model_as(self, ckpt: Checkpoint, path) -> Checkpoint:
        """Save a model to a file the user chose (OSError if it cannot be written); returns the
        model as listed from now on, named after the file. A model whose file the app made (an
        autosave) moves to the new file; a bundled model, or one in a file of the user's, stays
        as it is, and the new file is listed as a model of its own and made active. A model
        that was in memory only (its autosave failed) is from now on the model of that file."""
        saved = model_files.save_checkpoint_as(ckpt, path)
        if ckpt.path is None:
            ckpt.path = saved
            return self.add_model(ckpt, activate=ckpt is self.active, origin="saved",
                                  name=saved.stem)
        entry = self.entry(ckpt)
        same = entry is not None and path_key(entry.path) == path_key(saved)
        if entry is not None and self.library.owns_file(entry) and not same:
            old = entry.file
            try:
                self.library.relocate(old, saved, name=saved.stem)
            except OSError:  # the list cannot follow: the saved file is listed as a copy below
                pass
            else:
                ckpt.path, ckpt.name = saved, saved.stem
                old.unlink(missing_ok=True)  # the new file holds the very same model
                self.models_changed.emit()
                if ckpt is self.active:
                    self.model_changed.emit(ckpt)
                return ckpt
        elif same:  # saved over its own file
            try:
                self.library.add(ckpt, entry.origin)
            except OSError as exc:  # the file is written; only its summary in the list is old
                self.status_message.emit(f"Saved {saved}, but the list of models could not be "
                                         f"updated ({exc}).", 0)
            self.models_changed.emit()
            return ckpt
        copy = checkpoint.load(saved)  # add_model says so if the list cannot take it
        return self.add_model(copy, activate=ckpt is self.active or self.active is None,
                              origin="saved", name=saved.stem)

    def rename_model(self, ckpt: Checkpoint, name: str) -> None:
        """Give a model a new name (ValueError for an empty one)."""
        if ckpt.path is not None:
            name = self.library.rename(ckpt.path, name).name
        ckpt.name = name
        self.models_changed.emit()
        if ckpt is self.active:
            self.model_changed.emit(ckpt)

    def remove_model(self, ckpt: Checkpoint) -> bool:
        """Unlist a model (ValueError for a bundled one); returns whether its file was deleted.
        If it was active, another model becomes active."""
        deleted = False
        if ckpt.path is not None and self.library.find(ckpt.path) is not None:
            deleted = self.library.remove(ckpt.path)
        self.models = [m for m in self.models if m is not ckpt]
        self._passes.pop(ckpt.model, None)
        self.models_changed.emit()
        if ckpt is self.active:
            self.active = None
            self.set_active(self._first_model())
        return deleted

    def remove_entry(self, entry: ModelEntry) -> bool:
        """Take off the list an entry that no model here stands for (its file could not be
        read, or was not there: unlisted_entries), with what was found of its file. ValueError
        for a bundled one, OSError where the list cannot be written (it is still listed then).
        Returns whether its file was deleted: as remove_model, only a file the app made."""
        deleted = self.library.remove(entry.path)
        self._unlisted.pop(path_key(entry.path), None)
        self.models_changed.emit()
        return deleted

    def set_active(self, ckpt: Checkpoint | None) -> None:
        if ckpt is not None:
            if ckpt not in self.models:
                self.models.append(ckpt)
                self.models_changed.emit()
            ckpt.model.eval()
        changed = ckpt is not self.active
        self.active = ckpt
        if changed:
            # A latent point and a drawing's posterior belong to the model that made them. The
            # new model's point is its origin: the Latent space tab shows it, and the
            # Interpolate tab's "Latent space point" end takes it.
            self._start_latent_point(ckpt)
            self.posterior_changed.emit(None)
        self.model_changed.emit(ckpt)

    def find_model(self, conditional: bool | None = None, latent_dim: int | None = None):
        """The first model matching the wishes, or None."""
        for ckpt in self.models:
            if conditional is not None and ckpt.config.conditional != conditional:
                continue
            if latent_dim is not None and ckpt.config.latent_dim != latent_dim:
                continue
            return ckpt
        return None

    # The current drawing and latent point
    def set_drawing(self, image: np.ndarray | None, origin: str = "your drawing") -> None:
        self.drawing = None if image is None else Drawing(
            np.asarray(image, dtype=np.float32).reshape(28, 28).copy(), origin)
        self.drawing_changed.emit(self.drawing)

    def set_latent_point(self, code: np.ndarray | None, label_weights: np.ndarray | None = None,
                         origin: str = "") -> None:
        """Make `code` (of the active model) the current latent point. For a conditional model,
        `label_weights` is its label: one-hot or a blend (a label alone: `one_hot`)."""
        if code is None:
            point = None
        else:
            weights = None if label_weights is None else np.asarray(label_weights, np.float32).copy()
            point = LatentPoint(np.asarray(code, np.float32).reshape(-1).copy(), weights, origin)
        if point is None and self.latent_point is None:
            return
        self.latent_point = point
        self.latent_point_changed.emit(point)

    def _start_latent_point(self, ckpt: Checkpoint | None) -> None:
        """The latent point a newly active model starts with: its origin, for a conditional
        model under the digit the last point was decoded as (the largest share of a blend; 0
        when there is none); no point without a model."""
        if ckpt is None:
            self.set_latent_point(None)
            return
        model = ckpt.model
        weights = None
        if model.num_classes:
            last = self.latent_point
            label = 0
            if last is not None and last.label_weights is not None:
                label = int(np.argmax(last.label_weights))
            weights = one_hot(label if label < model.num_classes else 0, model.num_classes)
        self.set_latent_point(np.zeros(model.latent_dim, np.float32), weights, NEW_MODEL_POINT)

    def set_latent_snapshot(self, snapshot) -> None:
        """Open a training run's latent snapshot (None: close it)."""
        self.latent_snapshot = snapshot
        self.latent_snapshot_changed.emit(snapshot)

    # The data sets (each read once, on first use)
    def test_set(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The MNIST test split: uint8 images [N, 28, 28] and int64 labels [N]."""
        return self._test_split.get()

    def test_images(self) -> torch.Tensor:
        """The test images as float [N, 1, 28, 28] in [0, 1], on the CPU."""
        if self._test_float is None:
            self._test_float = to_float(self.test_set()[0])
        return self._test_float

    # One test-set pass per model
    def test_pass(self, ckpt: Checkpoint | None) -> EvaluationReport | None:
        """The model's test-set pass if it has been made, else None (see request_test_pass)."""
        return None if ckpt is None else self._passes.get(ckpt.model)

    def request_test_pass(self, ckpt: Checkpoint | None) -> EvaluationReport | None:
        """The pass if it is ready; otherwise start it (once) in a worker and return None:
        test_pass_ready(ckpt) follows."""
        if ckpt is None:
            return None
        report = self._passes.get(ckpt.model)
        if report is not None or id(ckpt.model) in self._pass_jobs:
            return report
        images, labels = self.test_set()
        model = ckpt.model

        def done(result: EvaluationReport) -> None:
            self._passes[model] = result
            self.test_pass_ready.emit(ckpt)

        def finished() -> None:
            self._pass_jobs.pop(id(model), None)

        self._pass_jobs[id(model)] = self.workers.start(
            f"test-set pass of {ckpt.name}", evaluation_steps, model, images, labels,
            on_event=lambda fraction: self.test_pass_progress.emit(ckpt, fraction),
            on_done=done, on_error=lambda message: self.test_pass_failed.emit(ckpt, message),
            on_finished=finished)
        return None

    def test_pass_running(self, ckpt: Checkpoint | None) -> bool:
        return ckpt is not None and id(ckpt.model) in self._pass_jobs


def refusal(exc: Exception) -> str:
    """Why a listed model's file could not be read, without File ▸ Open's advice to pick
    another file."""
    return re.sub(r"[:.]\s*[Pp]ick a \.pt file saved by vae-desktop\.$", ".", str(exc)) or \
        type(exc).__name__


def missing_note(entries: list[ModelEntry]) -> str:
    """What to say of listed models whose files were not found: they stay listed, greyed in
    the Models dialog, until the files are back or a person removes them."""
    if len(entries) == 1:
        entry = entries[0]
        return (f"The file of {entry.name} was not found ({entry.path}): the model stays on "
                "the list of models, greyed in File ▸ Models, and can be used again once the "
                "file is back (a drive plugged in, a folder renamed back). Remove it there if "
                "it is gone for good.")
    files = ", ".join(f"{e.name} ({e.path})" for e in entries)
    return (f"The files of {len(entries)} models were not found: {files}. They stay on the list "
            "of models, greyed in File ▸ Models, and can be used again once their files are "
            "back (a drive plugged in, a folder renamed back). Remove them there if they are "
            "gone for good.")


def one_hot(label: int, num_classes: int) -> np.ndarray:
    weights = np.zeros(num_classes, np.float32)
    weights[int(label)] = 1.0
    return weights
