"""ModelLibrary: every model the app has made or opened, listed across restarts until removed.

The list is kept in a small index file (core.library_index: its format, reading and writing),
which holds, per model, the file, a name a person can read (and change; core.model_words makes
the names the library gives), where the model came from and a summary for listing (settings,
epochs, test loss), so listing needs no checkpoint loads. If the index is missing or damaged it
is rebuilt from the checkpoint files the app keeps: the bundled models, the models folder and
the sweep folders (a damaged one is kept as a backup first). The files are the truth; the index
is a cache of them plus the names people chose. An entry whose file is not there for now (a
drive unplugged) stays listed until a person removes it. An index written by a newer version is
read as far as it can be, and never written over.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from . import checkpoint
from .checkpoint import Checkpoint
from .fileio import write_problem
from .library_index import (
    ORIGINS,
    ModelEntry,
    NewerListError,
    as_stored,
    clear_stale_temporaries,
    index_path,
    index_text,
    inside,
    keep_damaged,
    path_key,
    read_index,
    summarize,
    write_index,
)
from .model_words import DEFAULT_NAME, check_name, default_name, new_name, what_model_is, written
from .paths import APP_FOLDERS, MODELS, SWEEPS, app_data_dir, bundled_models_dir
from .wording import count

NOT_FOUND = "file not found"  # why an entry gives no model, when its file is not there


@dataclass(frozen=True)
class Unlisted:
    """What was found when the file of a listed entry was tried and gave no model: the file's
    (mtime_ns, size) then, None where it was not there; and why, in plain words: NOT_FOUND, or
    why the file could not be read."""

    stat: tuple[int, int] | None
    reason: str

    @property
    def missing(self) -> bool:
        return self.stat is None


class ModelLibrary:
    def __init__(self, index: Path | None = None, bundled: Path | None = None,
                 scan: tuple[Path, ...] | None = None) -> None:
        """`scan`: the folders a rebuild looks in besides `bundled` (default: the models
        folder, the sweep folders and the autosave folder of earlier versions)."""
        self.index = Path(index) if index is not None else index_path()
        self.bundled_dir = Path(bundled) if bundled is not None else bundled_models_dir()
        data = app_data_dir()
        self.scan = scan if scan is not None else (
            self.index.parent, *(data / folder for folder in APP_FOLDERS if folder != MODELS))
        self.entries: list[ModelEntry] = []
        self.skipped: list[Path] = []  # the files the last rebuild could not read
        # Why the list in memory is not on disk (the folder could not be written when it was
        # loaded), None when it is: a change then writes the list as it is in memory.
        self.unsaved: str | None = None
        self.newer = False  # the index was written by a newer version: never written over
        self._on_disk: str | None = None  # the index's text as last read
        # The checkpoints the last load read to list them (a rebuild, a file found), by
        # path_key, with the file's (mtime_ns, size) then: take_read hands each on once, so
        # that a first start reads every file once, not once to list it and again to use it.
        self._read_now: dict[str, tuple[tuple[int, int], Checkpoint]] = {}

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
        self._read_now = {}
        clear_stale_temporaries(self.index.parent)
        self.unsaved, self.newer, self._on_disk = None, False, None
        try:
            self.entries, dropped, self.newer = self._read()
        except FileNotFoundError:
            self.rebuild(write=False)
            return self._save_loaded() + self._skipped_note()
        except (OSError, ValueError) as exc:
            kept = keep_damaged(self.index)
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
                         f"listed again under its default name.{keep_damaged(self.index)}")
        self._take_bundled_entries()
        known = {path_key(e.path) for e in self.entries}
        # Bundled models the index does not know yet (a new version shipped one).
        for path in sorted(self.bundled_dir.glob("*.pt")):
            if path_key(path) not in known:
                self._add_file(path, "bundled")
        # Checkpoints put in the models folder while the app was closed, such as
        # `vae-desktop train --out <data folder>/models/x.pt` (a rebuild would list them too).
        found = [entry for path in sorted(self.index.parent.glob("*.pt"))
                 if path_key(path) not in known and (entry := self._add_file(path, "trained"))]
        if found:
            notes.append(f"Listed {count(len(found), 'model')} found in the models folder: "
                         + ", ".join(f"{e.name} ({e.file.name})" for e in found))
        return notes + self._save_loaded()

    def take_read(self, path: str | os.PathLike) -> Checkpoint | None:
        """The checkpoint the last load read from `path` to list it, if the file is still as it
        was then; None otherwise, or when it was handed on already."""
        kept = self._read_now.pop(path_key(path), None)
        if kept is None:
            return None
        try:
            stat = Path(path).stat()
        except OSError:
            return None
        return kept[1] if kept[0] == (stat.st_mtime_ns, stat.st_size) else None

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
        """The index's entries, how many were dropped, and whether a newer version wrote it
        (library_index.read_index); the text is kept as last read."""
        entries, dropped, newer, self._on_disk = read_index(self.index, self.data_folder)
        return entries, dropped, newer

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
                origin = "sweep" if SWEEPS in path.parts else "trained"
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
            within = inside(path, base)
            shown.append(str(path.resolve().relative_to(base.resolve())) if within else str(path))
        names = ", ".join(shown[:most])
        if len(shown) > most:
            names += f" and {len(shown) - most} more"
        if any(inside(path, base) for path in self.skipped):
            names += f" (in {base})"
        n = len(self.skipped)
        what = ("1 file could not be read as a model and is not listed" if n == 1 else
                f"{n:,} files could not be read as models and are not listed")
        kept = "The file is not deleted." if n == 1 else "The files are not deleted."
        return [f"{what}: {names}. {kept}"]

    def _add_file(self, path: Path, origin: str) -> ModelEntry | None:
        try:
            before = path.stat()
            ckpt = checkpoint.load(path)
            summary = summarize(ckpt)
        except (checkpoint.CheckpointError, OSError, ValueError, TypeError, KeyError):
            return None  # not a model this app can list; the file is left alone
        self._read_now[path_key(path)] = ((before.st_mtime_ns, before.st_size), ckpt)
        name = ckpt.name if origin == "bundled" else default_name(ckpt, before.st_mtime)
        entry = ModelEntry(str(path.resolve()), name, origin, before.st_mtime, summary)
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
        before = (entry.name, as_stored(entry.summary))
        self._follow_file(entry, ckpt)
        entry.summary = summarize(ckpt)
        return (entry.name, as_stored(entry.summary)) != before

    def _follow_file(self, entry: ModelEntry, ckpt: Checkpoint) -> None:
        """A default name that no longer says what the model is (its epochs, say) is made
        again from the file, dated when the file was written; a name a person gave stays."""
        if entry.bundled or not DEFAULT_NAME.match(entry.name):
            return
        now = what_model_is(ckpt)
        if not entry.name.startswith(now + " · "):
            entry.name = self._unused(default_name(ckpt, written(ckpt.path)), entry)

    def save(self) -> None:
        """Write the list as it is in memory (OSError when it cannot be written)."""
        self._write()

    def owns_file(self, entry: ModelEntry) -> bool:
        """True when the app made the file in a folder of its own (not bundled, not the user's)."""
        return not entry.bundled and any(inside(entry.file, Path(folder)) for folder in self.scan)

    def find(self, path: str | os.PathLike) -> ModelEntry | None:
        key = path_key(path)
        for entry in self.entries:
            if path_key(entry.path) == key:
                return entry
        return None

    def _get(self, path: str | os.PathLike) -> ModelEntry:
        entry = self.find(path)
        if entry is None:
            raise ValueError(f"{Path(path).name} is no longer in the model list: another window "
                             "of vae-desktop may have removed it.")
        return entry

    def _text(self) -> str:
        """The index's text for the list in memory."""
        return index_text(self.entries, self.data_folder)

    def _write(self) -> None:
        if self.newer:
            raise NewerListError()
        text = self._text()
        write_index(self.index, text)
        self.unsaved, self._on_disk = None, text
