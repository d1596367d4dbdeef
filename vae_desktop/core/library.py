"""ModelLibrary: every model the app has made or opened, listed across restarts until removed.

The index is a small JSON file (`library.json` in the app's models folder), written atomically.
It holds, per model, the file, a name a person can read (and change), where the model came from
and a summary for listing (settings, epochs, test loss), so listing needs no checkpoint loads.
A file in the data folder is written as its path in that folder ("models/x.pt"), so a data folder
moved or copied elsewhere keeps its list; a file elsewhere (the user's own) by its whole path.
If the index is missing or damaged it is rebuilt from the checkpoint files the app keeps:
the bundled models, the models folder and the sweep folders (a damaged one is kept as a backup
first). The files are the truth; the index is a cache of them plus the names people chose. An
entry whose file is not there for now (a drive unplugged) stays listed until a person removes it.
An index written by a newer version is read as far as it can be, and never written over.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import checkpoint
from .checkpoint import Checkpoint
from .fileio import atomic_write, write_problem
from .memory import TEST_IMAGES
from .paths import app_data_dir, bundled_models_dir
from .settings import TRAIN_IMAGES
from .wording import arch_name, count, digits_phrase

INDEX_VERSION = 1
APP_FOLDERS = ("models", "sweeps", "autosave")  # the data folder's folders that hold models
# A name the library gave (default_name), "(2)" and all: "VAE without 2s · MLP · z=2 · 3 epochs ·
# 5 Dec 14:05 (2)". A name a person typed is never of this shape, or only by design.
DEFAULT_NAME = re.compile(r"^C?VAE(?: [^·]+)? · [^·]+ · z=\d+ · [\d,]+ epochs? · "
                          r"\d{1,2} \S+ \d{2}:\d{2}(?: \(\d+\))?$")
NEWER = ("the list of models was written by a newer version of vae-desktop, and this version "
         "does not write over it")
ORIGINS = ("bundled", "trained", "sweep", "holdout", "opened", "saved")
MAX_NAME = 80
APP_DATASET = "mnist"  # what every tab shows a model, whatever it was trained on
DATASET_NAMES = {"mnist": "MNIST", "fashion-mnist": "Fashion-MNIST", "kmnist": "KMNIST"}
PART_MARK, OTHER_DATA_MARK = "*", "†"  # a test loss of part of the test set; of other data


def models_dir() -> Path:
    """Where the app writes the models it trains (autosaves included)."""
    return app_data_dir() / "models"


def index_path() -> Path:
    return models_dir() / "library.json"


@dataclass
class ModelEntry:
    path: str  # absolute (in the index: relative to the data folder when inside it)
    name: str
    origin: str  # one of ORIGINS
    added: float  # seconds since the epoch
    summary: dict = field(default_factory=dict)  # kind, arch, latent_dim, hidden, beta, epochs, test_loss

    @property
    def bundled(self) -> bool:
        return self.origin == "bundled"

    @property
    def file(self) -> Path:
        return Path(self.path)


def summarize(ckpt: Checkpoint) -> dict:
    cfg = ckpt.config
    return {"kind": "CVAE" if cfg.conditional else "VAE", "arch": cfg.arch,
            "latent_dim": cfg.latent_dim, "hidden": cfg.hidden, "beta": cfg.beta,
            "epochs": ckpt.epochs, "test_loss": ckpt.test_loss}


def _train_size(ckpt: Checkpoint) -> int | None:
    """The number of training images the checkpoint records, None for all of them."""
    saved = ckpt.train_config or {}
    size = saved.get("train_size", saved.get("subset"))  # "subset": its name in early files
    return size if isinstance(size, int) and not isinstance(size, bool) and size > 0 else None


def train_images(ckpt: Checkpoint) -> int | None:
    """How many training images the model was trained on, as the checkpoint records it (all of
    them, TRAIN_IMAGES, before any digits were left out), or None where the file does not say.
    What trained_on_text words and the Models dialog sorts by."""
    if not ckpt.train_config:
        return None
    size = _train_size(ckpt)
    return TRAIN_IMAGES if size is None else size


def what_it_is(conditional: bool, arch: str, latent_dim: int, epochs: int,
               digits=None) -> str:
    """The start of a model's default name, e.g. "CVAE · MLP · z=2 · 10 epochs", with the
    digits of a model trained on some only after its kind: "VAE without 2s · MLP · …"."""
    kind = "CVAE" if conditional else "VAE"
    phrase = digits_phrase(digits)
    kind = f"{kind} {phrase}" if phrase else kind
    return f"{kind} · {arch_name(arch)} · z={latent_dim} · {count(epochs, 'epoch')}"


def trained_digits(ckpt: Checkpoint) -> list[int] | None:
    """The digits the model was trained on, as its file records them (None: every digit, or the
    file does not say)."""
    digits = (ckpt.train_config or {}).get("digits")
    return list(digits) if isinstance(digits, (list, tuple)) else None


def default_name(ckpt: Checkpoint, when: float | None = None) -> str:
    """What the model is: kind, the digits it was trained on when not all ten, architecture,
    latent size, epochs and date, e.g. "CVAE · MLP · z=2 · 10 epochs · 2 Dec 14:05" or
    "VAE without 2s · MLP · z=2 · 3 epochs · 2 Dec 14:05", however it was trained (the Train
    tab, `vae-desktop train --digits`, a sweep)."""
    s = summarize(ckpt)
    local = time.localtime(when if when is not None else time.time())
    stamp = f"{local.tm_mday} {time.strftime('%b %H:%M', local)}"  # no %-d: not on Windows
    start = what_it_is(s["kind"] == "CVAE", s["arch"], s["latent_dim"], s["epochs"],
                       trained_digits(ckpt))
    return f"{start} · {stamp}"


def other_dataset(ckpt: Checkpoint) -> str | None:
    """The name of the dataset the model was trained on when it is not MNIST ("Fashion-MNIST"),
    else None. A checkpoint that does not say was trained by this app, on MNIST."""
    dataset = (ckpt.train_config or {}).get("dataset") or APP_DATASET
    return None if dataset == APP_DATASET else DATASET_NAMES.get(dataset, dataset)


def trained_on_text(ckpt: Checkpoint) -> str:
    """The training images as the checkpoint records them: "all 60,000 images", "3,000 images
    without 2s", "3,000 Fashion-MNIST images", with ", binarised" for binarised MNIST ("–"
    where the file does not say)."""
    saved = ckpt.train_config or {}
    size, digits, dataset = _train_size(ckpt), trained_digits(ckpt), other_dataset(ckpt)
    if not saved:
        text = "–"
    else:
        if size is not None:
            text = count(size, f"{dataset} image" if dataset else "image")
        else:
            # As the Train form says it ("all 60,000").
            text = f"every {dataset} image" if dataset else f"all {TRAIN_IMAGES:,} images"
        if digits is not None:
            text = f"{text} {digits_phrase(digits)}".rstrip()  # as the Train tab words it
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
    """What to say next to the model's test loss (see LossNote)."""
    saved = ckpt.train_config or {}
    sentences, comparable, mark = [], True, ""
    size = saved.get("test_size")
    part = isinstance(size, int) and not isinstance(size, bool) and 0 < size < TEST_IMAGES
    if part:
        sentences.append(f"Measured on {size:,} of the {TEST_IMAGES:,} test images: close to "
                         "what the whole test set gives, but not exactly.")
        mark = PART_MARK
    images = f"{size:,} of {TEST_IMAGES:,} " if part else ""  # "1,000 of 10,000 "
    dataset = other_dataset(ckpt)
    if dataset is not None:
        sentences.append(f"Measured on {dataset} test images: not comparable with the losses of "
                         "models trained on MNIST.")
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
    return default_name(ckpt, _written(ckpt.path) if ckpt.path is not None else None)


def _written(path: str | os.PathLike) -> float:
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


class NewerListError(OSError):
    """The index was written by a newer version of vae-desktop: this one leaves it as it is."""

    def __init__(self) -> None:
        super().__init__(NEWER)


class ModelLibrary:
    def __init__(self, index: Path | None = None, bundled: Path | None = None,
                 scan: tuple[Path, ...] | None = None) -> None:
        """`scan`: the folders a rebuild looks in besides `bundled` (default: the models
        folder, the sweep folders and the autosave folder of earlier versions)."""
        self.index = Path(index) if index is not None else index_path()
        self.bundled_dir = Path(bundled) if bundled is not None else bundled_models_dir()
        data = app_data_dir()
        self.scan = scan if scan is not None else (self.index.parent, data / "sweeps", data / "autosave")
        self.entries: list[ModelEntry] = []
        self.skipped: list[Path] = []  # the files the last rebuild could not read
        # Why the list in memory is not on disk (the folder could not be written when it was
        # loaded), None when it is: a change then writes the list as it is in memory.
        self.unsaved: str | None = None
        self.newer = False  # the index was written by a newer version: never written over
        self._on_disk: str | None = None  # the index's text as last read

    @property
    def data_folder(self) -> Path:
        """The folder that holds models/, sweeps/ and autosave/ (paths in it are written
        relative to it)."""
        return self.index.parent.parent

    # Reading
    def load(self) -> list[str]:
        """Read the index (rebuilding it if it is missing or damaged, a damaged one kept as a
        backup first). An entry whose file is not there is kept: the file may be back later.
        Returns what a person should be told, e.g. that the index was rebuilt. A folder that
        cannot be written is no reason to fail: the list is used as read, and a note says so."""
        notes: list[str] = []
        self._clear_stale_temporaries()
        self.unsaved, self.newer, self._on_disk = None, False, None
        try:
            self.entries, dropped, self.newer = self._read()
        except FileNotFoundError:
            self.rebuild(write=False)
            return self._save_loaded() + self._skipped_note()
        except (OSError, ValueError) as exc:
            kept = self._keep_damaged()
            found = self.rebuild(write=False)
            notes.append(f"The list of models could not be read ({exc}), so it was rebuilt "
                         f"from {count(found, 'model file')}. Names you had given are lost; the "
                         f"models are not.{kept}")
            return notes + self._save_loaded() + self._skipped_note()
        if self.newer:
            notes.append("The list of models was written by a newer version of vae-desktop, "
                         "so this version leaves it as it is: the models it lists are shown, but "
                         "new models, names and removals are kept only until you quit.")
        elif dropped:
            were = "entry of the model list could not be read and was" if dropped == 1 else \
                "entries of the model list could not be read and were"
            notes.append(f"{dropped} {were} dropped. A model file in the models folder is "
                         f"listed again under its default name.{self._keep_damaged()}")
        self._take_bundled_entries()
        known = {self._key(e.path) for e in self.entries}
        # Bundled models the index does not know yet (a new version shipped one).
        for path in sorted(self.bundled_dir.glob("*.pt")):
            if self._key(path) not in known:
                self._add_file(path, "bundled")
        # Checkpoints put in the models folder while the app was closed, such as
        # `vae-desktop train --out <data folder>/models/x.pt` (a rebuild would list them too).
        found = [entry for path in sorted(self.index.parent.glob("*.pt"))
                 if self._key(path) not in known and (entry := self._add_file(path, "trained"))]
        if found:
            notes.append(f"Listed {count(len(found), 'model')} found in the models folder: "
                         + ", ".join(f"{e.name} ({e.file.name})" for e in found))
        return notes + self._save_loaded()

    def _save_loaded(self) -> list[str]:
        """Write the list just loaded where it differs from the file (paths made relative,
        entries added or mended), unless a newer version wrote the file. What to say when it
        cannot be written: nothing is lost, but changes last only until the app quits."""
        if self.newer or self._text() == self._on_disk:
            return []
        try:
            self._write()
        except OSError as exc:
            self.unsaved = write_problem(exc)[0]  # as every save says it: "permission denied"
            return [f"The list of models could not be saved in {self.index.parent} "
                    f"({self.unsaved}): the models are listed, but new models, names and "
                    "removals are kept only until you quit. Check that the folder can be "
                    "written to and that the disk has room."]
        return []

    def _keep_damaged(self) -> str:
        """Copy the index, which is about to be replaced, to library.damaged-<date>.json (-2,
        -3… when there is one already) beside it; returns the sentence that says so ("" for an
        empty file, or when it could not be copied)."""
        try:
            data = self.index.read_bytes()
        except OSError:
            return ""
        if not data.strip():
            return ""
        stamp, n = time.strftime("%Y-%m-%d"), 1
        while True:
            suffix = "" if n == 1 else f"-{n}"
            backup = self.index.with_name(f"{self.index.stem}.damaged-{stamp}{suffix}.json")
            try:
                with open(backup, "xb") as fh:  # never over an earlier backup
                    fh.write(data)
            except FileExistsError:
                n += 1
                continue
            except OSError:
                return ""
            return f" The damaged list is kept as {backup.name} in {backup.parent}."

    def _take_bundled_entries(self) -> None:
        """Make the bundled entries this install's. Two installs can share one data folder (a
        clone's `make run` and a pipx install), each shipping the same models in its own folder:
        an entry for the other install's file is pointed at ours, keeping the name it was given,
        or dropped when ours is listed already or we do not ship it. Names such as
        "mnist-vae-z2 (2)", which earlier versions gave when both were listed, lose the "(2)"."""
        ours = self.bundled_dir.resolve()
        for entry in [e for e in self.entries if e.bundled and e.file.parent.resolve() != ours]:
            mine = ours / entry.file.name
            if self.find(mine) is not None or not mine.is_file():
                self.entries.remove(entry)
            else:
                entry.path = str(mine)
        for entry in self.entries:
            plain = re.sub(r" \(\d+\)$", "", entry.name)
            if (entry.bundled and plain != entry.name and plain == entry.file.stem
                    and self._holder(plain, entry) is None):
                entry.name = plain

    def _read(self) -> tuple[list[ModelEntry], int, bool]:
        """The index's entries, how many were dropped as unreadable (a hand-edited or damaged
        entry costs only itself, not every name in the list), and whether a newer version wrote
        it (its entries are read as far as this version knows their fields). ValueError when
        the file as a whole is not an index."""
        try:
            text = self.index.read_text(encoding="utf-8")
            data = json.loads(text)
        except UnicodeDecodeError:
            raise ValueError("it is not text") from None
        except json.JSONDecodeError as exc:
            # "Unterminated string starting at" ends with "at": said once, before the line.
            what = re.sub(r"\s+at$", "", exc.msg)
            what = what[:1].lower() + what[1:]
            raise ValueError(f"it is not valid JSON: {what} at line {exc.lineno}") from None
        version = data.get("version") if isinstance(data, dict) else None
        if (not isinstance(version, int) or isinstance(version, bool) or version < INDEX_VERSION
                or not isinstance(data.get("models"), list)):
            raise ValueError("it is not a vae-desktop model list of this version")
        newer = version > INDEX_VERSION
        entries, seen = [], set()
        for item in data["models"]:
            entry = _entry(item, self.data_folder, lenient=newer)
            if entry is None:
                continue
            if not entry.bundled:
                entry.path = self._localized(entry.path)
            if self._key(entry.path) not in seen:  # one entry to a file
                seen.add(self._key(entry.path))
                entries.append(entry)
        self._on_disk = text
        return entries, len(data["models"]) - len(entries), newer

    def _localized(self, path: str) -> str:
        """An absolute path, as earlier versions wrote them, that points into another data
        folder (this one's before it was moved or copied): the file of this data folder with
        the same part after the data folder ("models/x.pt"), where there is one and the old
        file, if still there, is the same size. Else the path as it is. The old root must be
        a data folder (its list of models is there) or gone: a folder of the user's that is
        called "models" (~/models/x.pt) is not one, and its file stays the user's."""
        old = Path(path)
        if _inside(old, self.data_folder):
            return path
        parts = old.parts
        for i in range(len(parts) - 2, 0, -1):
            if parts[i] not in APP_FOLDERS:
                continue
            root = Path(*parts[:i])
            try:
                if root.exists() and not (root / "models" / self.index.name).is_file():
                    continue
            except OSError:
                continue
            here = self.data_folder.joinpath(*parts[i:])
            try:
                if here.is_file() and (not old.is_file()
                                       or old.stat().st_size == here.stat().st_size):
                    return str(here.resolve())
            except OSError:
                continue
        return path

    def _fresh(self) -> None:
        """Before a change, the index as it is on disk now: another window of the app may have
        changed it since this one read it (the last writer's list would win otherwise). Not
        where the list in memory is ahead of the file (it could not be written when loaded)."""
        if self.unsaved is not None or self.newer:
            return
        try:
            self.entries, _, _ = self._read()
        except (OSError, ValueError):
            pass  # not readable: this window's list is the best there is

    def _clear_stale_temporaries(self) -> None:
        """Half-written files of a write the process did not live to finish (`kill -9` while
        a model or the index was saved). An hour old at least: another window may be writing."""
        limit = time.time() - 3600
        for tmp in self.index.parent.glob(".*.tmp"):
            try:
                if tmp.stat().st_mtime < limit:
                    tmp.unlink()
            except OSError:
                pass

    def rebuild(self, write: bool = True) -> int:
        """List every readable checkpoint in the bundled folder and the scanned folders, with
        default names, and write the index unless `write` is False; returns how many were
        found. Unreadable files are left alone, and kept in `skipped` for the note that names
        them."""
        self.entries, self.skipped = [], []
        for path in sorted(self.bundled_dir.glob("*.pt")):
            if self._add_file(path, "bundled") is None:
                self.skipped.append(path)
        for folder in self.scan:
            for path in sorted(Path(folder).rglob("*.pt")) if Path(folder).is_dir() else ():
                origin = "sweep" if "sweeps" in path.parts else "trained"
                if self._add_file(path, origin) is None:
                    self.skipped.append(path)
        if write:
            self._write()
        return len(self.entries)

    def _skipped_note(self, most: int = 10) -> list[str]:
        """What to say of the files the last rebuild could not read (nothing if none): how
        many, and their names (the first `most`), as paths in the data folder where they are."""
        if not self.skipped:
            return []
        base = self.data_folder
        shown = []
        for path in self.skipped:
            inside = _inside(path, base)
            shown.append(str(path.resolve().relative_to(base.resolve())) if inside else str(path))
        names = ", ".join(shown[:most])
        if len(shown) > most:
            names += f" and {len(shown) - most} more"
        if any(_inside(path, base) for path in self.skipped):
            names += f" (in {base})"
        n = len(self.skipped)
        what = ("1 file could not be read as a model and is not listed" if n == 1 else
                f"{n:,} files could not be read as models and are not listed")
        kept = "The file is not deleted." if n == 1 else "The files are not deleted."
        return [f"{what}: {names}. {kept}"]

    def _add_file(self, path: Path, origin: str) -> ModelEntry | None:
        try:
            ckpt = checkpoint.load(path)
            summary = summarize(ckpt)
        except (checkpoint.CheckpointError, OSError, ValueError, TypeError, KeyError):
            return None  # not a model this app can list; the file is left alone
        name = ckpt.name if origin == "bundled" else default_name(ckpt, path.stat().st_mtime)
        entry = ModelEntry(str(path.resolve()), name, origin, path.stat().st_mtime, summary)
        entry.name = self._unused(name, entry)
        self.entries.append(entry)
        return entry

    # Names: one model to a name (the model list shows names only), whatever their case
    def _holder(self, name: str, entry: ModelEntry) -> ModelEntry | None:
        """Another listed model called `name`, if any."""
        key = name.casefold()
        return next((e for e in self.entries if e is not entry and e.name.casefold() == key), None)

    def _unused(self, name: str, entry: ModelEntry) -> str:
        """`name`, or "name (2)", "name (3)"… when another model has it (a name that comes from a
        file name or the date, not one the user typed)."""
        candidate, n = name, 2
        while self._holder(candidate, entry) is not None:
            candidate, n = f"{name} ({n})", n + 1
        return candidate

    # Changing
    def add(self, ckpt: Checkpoint, origin: str, name: str | None = None) -> ModelEntry:
        """List a model that has a file (or refresh its summary if listed); returns its entry."""
        if ckpt.path is None:
            raise ValueError("only a model saved to a file can be listed")
        if origin not in ORIGINS:
            raise ValueError(f"origin must be one of {', '.join(ORIGINS)}")
        self._fresh()
        entry = self.find(ckpt.path)
        before = list(self.entries), None if entry is None else asdict(entry)
        if entry is None:
            entry = ModelEntry(str(Path(ckpt.path).resolve()), "", origin, time.time())
            entry.name = self._unused(check_name(name) if name else new_name(ckpt, origin),
                                      entry)
            self.entries.append(entry)
        elif name:
            entry.name = self._unused(check_name(name), entry)
        else:
            self._follow_file(entry, ckpt)
        entry.summary = summarize(ckpt)
        try:
            self._write()
        except BaseException:  # the list in memory stays what the file on disk says
            self.entries = before[0]
            if before[1] is not None:
                entry.__dict__.update(before[1])
            raise
        return entry

    def relocate(self, old: str | os.PathLike, new: str | os.PathLike,
                 name: str | None = None) -> ModelEntry:
        """The model's file moved (saved elsewhere by the user): list it under the new path."""
        self._fresh()
        entry = self._get(old)
        before = asdict(entry)
        entry.path = str(Path(new).resolve())
        entry.origin = "saved"
        try:
            if name:
                entry.name = self._unused(check_name(name), entry)
            self._write()
        except BaseException:  # the list in memory stays what the file on disk says
            entry.__dict__.update(before)
            raise
        return entry

    def rename(self, path: str | os.PathLike, name: str) -> ModelEntry:
        """A name typed by the user: refused (ValueError) if another model has it."""
        self._fresh()
        entry = self._get(path)
        name = check_name(name)
        holder = self._holder(name, entry)
        if holder is not None:
            raise ValueError(f'Another model is already called "{holder.name}", and the list of '
                             "models could not tell them apart: choose another name.")
        old, entry.name = entry.name, name
        try:
            self._write()
        except BaseException:
            entry.name = old
            raise
        return entry

    def remove(self, path: str | os.PathLike) -> bool:
        """Unlist a model. A file in the app's models folder is deleted with it (the app made
        it, and a rebuild would list it again); a file the user keeps elsewhere stays. Returns
        whether a file was deleted. Bundled models cannot be removed."""
        self._fresh()
        entry = self._get(path)
        if entry.bundled:
            raise ValueError(f"{entry.name} comes with vae-desktop and cannot be removed")
        before = list(self.entries)
        self.entries.remove(entry)
        try:
            self._write()
        except BaseException:  # still listed, in memory as on disk, and its file is kept
            self.entries = before
            raise
        if self.owns_file(entry):
            entry.file.unlink(missing_ok=True)
            return True
        return False

    def refresh(self, ckpt: Checkpoint, entry: ModelEntry) -> bool:
        """Bring the entry of a model just read from its file up to date with the file (epochs
        added by `vae-desktop train --resume`): its summary, and its name where that is still
        the default name the library gave and no longer says what the file is. Returns whether
        anything changed, in memory only (`save` writes it)."""
        before = (entry.name, _plain(entry.summary))
        self._follow_file(entry, ckpt)
        entry.summary = summarize(ckpt)
        return (entry.name, _plain(entry.summary)) != before

    def _follow_file(self, entry: ModelEntry, ckpt: Checkpoint) -> None:
        """A default name that no longer says what the model is (its epochs, say) is made
        again from the file, dated when the file was written; a name a person gave stays."""
        if entry.bundled or not DEFAULT_NAME.match(entry.name):
            return
        s = summarize(ckpt)
        now = what_it_is(s["kind"] == "CVAE", s["arch"], s["latent_dim"], s["epochs"],
                         trained_digits(ckpt))
        if not entry.name.startswith(now + " · "):
            entry.name = self._unused(default_name(ckpt, _written(ckpt.path)), entry)

    def save(self) -> None:
        """Write the list as it is in memory (OSError when it cannot be written)."""
        self._write()

    def owns_file(self, entry: ModelEntry) -> bool:
        """True when the app made the file in a folder of its own (not bundled, not the user's)."""
        return not entry.bundled and any(_inside(entry.file, Path(folder)) for folder in self.scan)

    def find(self, path: str | os.PathLike) -> ModelEntry | None:
        key = self._key(path)
        for entry in self.entries:
            if self._key(entry.path) == key:
                return entry
        return None

    def _get(self, path: str | os.PathLike) -> ModelEntry:
        entry = self.find(path)
        if entry is None:
            raise ValueError(f"{Path(path).name} is no longer in the model list: another window "
                             "of vae-desktop may have removed it.")
        return entry

    @staticmethod
    def _key(path: str | os.PathLike) -> str:
        return str(Path(path).resolve())

    def _text(self) -> str:
        """The index's text for the list in memory: paths in the data folder relative to it."""
        models = []
        for entry in self.entries:
            item = asdict(entry)
            if not entry.bundled and _inside(entry.file, self.data_folder):
                item["path"] = entry.file.resolve().relative_to(
                    self.data_folder.resolve()).as_posix()
            models.append(item)
        payload = {"version": INDEX_VERSION, "models": models}
        return json.dumps(payload, indent=1, allow_nan=False, default=_nan_free)

    def _write(self) -> None:
        if self.newer:
            raise NewerListError()
        text = self._text()

        def write(tmp: str) -> None:
            with open(tmp, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())

        atomic_write(self.index, write)
        self.unsaved, self._on_disk = None, text


def _nan_free(value):
    raise TypeError(f"{type(value).__name__} is not JSON")


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _plain(value):
    """A value as the index holds it (tuples as lists), to compare with what was read back."""
    return json.loads(json.dumps(value, default=str))


FIELDS = tuple(ModelEntry.__dataclass_fields__)


def _entry(item, base: Path, lenient: bool = False) -> ModelEntry | None:
    """One entry of the index, or None when it is not one (wrong fields or types). A relative
    path is one in the data folder `base`. `lenient`: fields this version does not know (an
    index of a newer version) are left out rather than refused."""
    if not isinstance(item, dict):
        return None
    if lenient:
        item = {key: value for key, value in item.items() if key in FIELDS}
    try:
        entry = ModelEntry(**item)
    except TypeError:
        return None
    number = (int, float)
    if (not isinstance(entry.path, str) or not entry.path or not isinstance(entry.name, str)
            or entry.origin not in ORIGINS or isinstance(entry.added, bool)
            or not isinstance(entry.added, number) or not isinstance(entry.summary, dict)):
        return None
    entry.added = float(entry.added)
    if not Path(entry.path).is_absolute():
        entry.path = str((base / entry.path).resolve())
    return entry
