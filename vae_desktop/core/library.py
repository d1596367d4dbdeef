"""ModelLibrary: every model the app has made or opened, listed across restarts until removed.

The index is a small JSON file (`library.json` in the app's models folder), written atomically.
It holds, per model, the file, a name a person can read (and change), where the model came from
and a summary for listing (settings, epochs, test loss), so listing needs no checkpoint loads.
If the index is missing or damaged it is rebuilt from the checkpoint files the app keeps:
the bundled models, the models folder and the sweep folders. The files are the truth; the index
is a cache of them plus the names people chose.
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
from .fileio import atomic_write
from .memory import TEST_IMAGES
from .paths import app_data_dir, bundled_models_dir
from .settings import TRAIN_IMAGES
from .wording import arch_name, count, digits_phrase

INDEX_VERSION = 1
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
    path: str  # absolute
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
            "epochs": ckpt.epochs, "test_loss": ckpt.test_loss,
            "train_images": train_images(ckpt)}


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

    # Reading
    def load(self) -> list[str]:
        """Read the index (rebuilding it if it is missing or damaged) and drop entries whose file
        is gone. Returns what a person should be told, e.g. that the index was rebuilt."""
        notes: list[str] = []
        self._clear_stale_temporaries()
        try:
            self.entries, dropped = self._read()
        except FileNotFoundError:
            self.rebuild()
            return notes + self._skipped_note()
        except (OSError, ValueError) as exc:
            found = self.rebuild()
            notes.append(f"The model list could not be read ({exc}), so it was rebuilt from "
                         f"{count(found, 'model file')}. Names you had given are lost; the "
                         "models are not.")
            return notes + self._skipped_note()
        if dropped:
            were = "entry of the model list could not be read and was" if dropped == 1 else \
                "entries of the model list could not be read and were"
            notes.append(f"{dropped} {were} dropped. A model file in the models folder is "
                         "listed again under its default name.")
        changed = self._take_bundled_entries() or bool(dropped)
        gone = [e for e in self.entries if not e.file.is_file()]
        if gone:
            self.entries = [e for e in self.entries if e not in gone]
            notes.append("No longer listed, since their files are gone: "
                         + ", ".join(e.name for e in gone))
        known = {self._key(e.path) for e in self.entries}
        # Bundled models the index does not know yet (a new version shipped one).
        for path in sorted(self.bundled_dir.glob("*.pt")):
            if self._key(path) not in known:
                changed |= self._add_file(path, "bundled") is not None
        # Checkpoints put in the models folder while the app was closed, such as
        # `vae-desktop train --out <data folder>/models/x.pt` (a rebuild would list them too).
        found = [entry for path in sorted(self.index.parent.glob("*.pt"))
                 if self._key(path) not in known and (entry := self._add_file(path, "trained"))]
        if found:
            notes.append(f"Listed {count(len(found), 'model')} found in the models folder: "
                         + ", ".join(f"{e.name} ({e.file.name})" for e in found))
        if changed or gone or found:
            self._write()
        return notes

    def _take_bundled_entries(self) -> bool:
        """Make the bundled entries this install's. Two installs can share one data folder (a
        clone's `make run` and a pipx install), each shipping the same models in its own folder:
        an entry for the other install's file is pointed at ours, keeping the name it was given,
        or dropped when ours is listed already or we do not ship it. Names such as
        "mnist-vae-z2 (2)", which earlier versions gave when both were listed, lose the "(2)".
        Returns whether anything changed."""
        ours = self.bundled_dir.resolve()
        changed = False
        for entry in [e for e in self.entries if e.bundled and e.file.parent.resolve() != ours]:
            mine = ours / entry.file.name
            if self.find(mine) is not None or not mine.is_file():
                self.entries.remove(entry)
            else:
                entry.path = str(mine)
            changed = True
        for entry in self.entries:
            plain = re.sub(r" \(\d+\)$", "", entry.name)
            if (entry.bundled and plain != entry.name and plain == entry.file.stem
                    and self._holder(plain, entry) is None):
                entry.name, changed = plain, True
        return changed

    def _read(self) -> tuple[list[ModelEntry], int]:
        """The index's entries, and how many were dropped as unreadable (a hand-edited or
        damaged entry costs only itself, not every name in the list). ValueError when the file
        as a whole is not an index."""
        try:
            data = json.loads(self.index.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            raise ValueError("it is not text") from None
        except json.JSONDecodeError as exc:
            raise ValueError(f"it is not valid JSON: {exc.msg} at line {exc.lineno}") from None
        if (not isinstance(data, dict) or data.get("version") != INDEX_VERSION
                or not isinstance(data.get("models"), list)):
            raise ValueError("it is not a vae-desktop model list of this version")
        entries = [entry for item in data["models"] if (entry := _entry(item)) is not None]
        return entries, len(data["models"]) - len(entries)

    def _fresh(self) -> None:
        """Before a change, the index as it is on disk now: another window of the app may have
        changed it since this one read it (the last writer's list would win otherwise)."""
        try:
            self.entries, _ = self._read()
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

    def rebuild(self) -> int:
        """List every readable checkpoint in the bundled folder and the scanned folders, with
        default names; returns how many were found. Unreadable files are left alone, and kept
        in `skipped` for the note that names them."""
        self.entries, self.skipped = [], []
        for path in sorted(self.bundled_dir.glob("*.pt")):
            if self._add_file(path, "bundled") is None:
                self.skipped.append(path)
        for folder in self.scan:
            for path in sorted(Path(folder).rglob("*.pt")) if Path(folder).is_dir() else ():
                origin = "sweep" if "sweeps" in path.parts else "trained"
                if self._add_file(path, origin) is None:
                    self.skipped.append(path)
        self._write()
        return len(self.entries)

    def _skipped_note(self, most: int = 10) -> list[str]:
        """What to say of the files the last rebuild could not read (nothing if none): how
        many, and their names (the first `most`), as paths in the data folder where they are."""
        if not self.skipped:
            return []
        base = self.index.parent.parent  # the data folder: models/, sweeps/, autosave/
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

    def _write(self) -> None:
        payload = {"version": INDEX_VERSION, "models": [asdict(e) for e in self.entries]}
        text = json.dumps(payload, indent=1, allow_nan=False, default=_nan_free)

        def write(tmp: str) -> None:
            with open(tmp, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())

        atomic_write(self.index, write)


def _nan_free(value):
    raise TypeError(f"{type(value).__name__} is not JSON")


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _entry(item) -> ModelEntry | None:
    """One entry of the index, or None when it is not one (wrong fields or types)."""
    if not isinstance(item, dict):
        return None
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
    return entry
