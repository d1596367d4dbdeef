"""The list of models on disk: `library.json` in the app's models folder, its format and how it
is read and written. core.library's ModelLibrary is the list itself and its operations; this is
the file behind it.

The file is JSON: {"version": INDEX_VERSION, "models": [entry, ...]}, each entry a ModelEntry's
fields. A file in the data folder is written as its path in that folder ("models/x.pt"), so a
data folder moved or copied elsewhere keeps its list; a file elsewhere (the user's own) by its
whole path, and an absolute path of an earlier version that points into another data folder is
read as this one's file (localized). An entry that is not one (a hand-edited or damaged entry)
is dropped alone; a file that is not an index at all is kept as a backup (keep_damaged) before
the list is rebuilt. An index written by a newer version is read as far as this version knows
its fields, and never written over (NewerListError). Writes are atomic (core.fileio).
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from .checkpoint import Checkpoint
from .fileio import atomic_write
from .paths import APP_FOLDERS, models_dir

INDEX_VERSION = 1
NEWER = ("the list of models was written by a newer version of vae-desktop, and this version "
         "does not write over it")
ORIGINS = ("bundled", "trained", "sweep", "holdout", "opened", "saved")


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


FIELDS = tuple(ModelEntry.__dataclass_fields__)


def summarize(ckpt: Checkpoint) -> dict:
    cfg = ckpt.config
    return {"kind": "CVAE" if cfg.conditional else "VAE", "arch": cfg.arch,
            "latent_dim": cfg.latent_dim, "hidden": cfg.hidden, "beta": cfg.beta,
            "epochs": ckpt.epochs, "test_loss": ckpt.test_loss}


class NewerListError(OSError):
    """The index was written by a newer version of vae-desktop: this one leaves it as it is."""

    def __init__(self) -> None:
        super().__init__(NEWER)


def path_key(path: str | os.PathLike) -> str:
    """What tells two paths of one file apart from two files: the resolved path."""
    return str(Path(path).resolve())


def read_index(index: Path, data_folder: Path) -> tuple[list[ModelEntry], int, bool, str]:
    """The index's entries, how many were dropped as unreadable (a hand-edited or damaged
    entry costs only itself, not every name in the list), whether a newer version wrote it
    (its entries are read as far as this version knows their fields), and the file's text.
    ValueError when the file as a whole is not an index (OSError when it cannot be read)."""
    try:
        text = index.read_text(encoding="utf-8")
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
    root = data_folder.resolve()  # once: every entry is compared with it
    for item in data["models"]:
        entry = _entry(item, data_folder, lenient=newer)
        if entry is None:
            continue
        resolved = Path(entry.path).resolve()  # once: it is also the entry's key (path_key)
        if not entry.bundled and not resolved.is_relative_to(root):
            entry.path = localized(entry.path, data_folder, index.name)
            resolved = Path(entry.path).resolve()
        key = str(resolved)
        if key not in seen:  # one entry to a file
            seen.add(key)
            entries.append(entry)
    return entries, len(data["models"]) - len(entries), newer, text


def localized(path: str, data_folder: Path, index_name: str) -> str:
    """An absolute path outside `data_folder`, as earlier versions wrote them, that points
    into another data folder (this one's before it was moved or copied): the file of this
    data folder with the same part after the data folder ("models/x.pt"), where there is one
    and the old file, if still there, is the same size. Else the path as it is. The old root
    must be a data folder (its list of models is there) or gone: a folder of the user's that
    is called "models" (~/models/x.pt) is not one, and its file stays the user's."""
    old = Path(path)
    parts = old.parts
    for i in range(len(parts) - 2, 0, -1):
        if parts[i] not in APP_FOLDERS:
            continue
        root = Path(*parts[:i])
        try:
            if root.exists() and not (root / "models" / index_name).is_file():
                continue
        except OSError:
            continue
        here = data_folder.joinpath(*parts[i:])
        try:
            if here.is_file() and (not old.is_file()
                                   or old.stat().st_size == here.stat().st_size):
                return str(here.resolve())
        except OSError:
            continue
    return path


def index_text(entries: list[ModelEntry], data_folder: Path) -> str:
    """The index's text for a list: paths in the data folder relative to it."""
    # The folder resolved once and each file once, and the entries copied shallowly (asdict
    # copied each summary deeply): the list is written on every change, and each entry took
    # 0.13 ms before (2026-12-05).
    models = []
    root = data_folder.resolve()
    for entry in entries:
        item = {name: getattr(entry, name) for name in FIELDS}
        if not entry.bundled:
            file = entry.file.resolve()
            if file.is_relative_to(root):
                item["path"] = file.relative_to(root).as_posix()
        models.append(item)
    payload = {"version": INDEX_VERSION, "models": models}
    return json.dumps(payload, indent=1, allow_nan=False, default=_nan_free)


def write_index(index: Path, text: str) -> None:
    """Write the index's text, atomically (OSError when it cannot be written)."""

    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())

    atomic_write(index, write)


def today() -> str:
    """The local date as a backup's name gives it, 2026-12-07."""
    return time.strftime("%Y-%m-%d")


def keep_damaged(index: Path) -> str:
    """Copy the index, which is about to be replaced, to library.damaged-<date>.json (-2,
    -3… when there is one already) beside it; returns the sentence that says so ("" for an
    empty file, or when it could not be copied)."""
    try:
        data = index.read_bytes()
    except OSError:
        return ""
    if not data.strip():
        return ""
    stamp, n = today(), 1
    while True:
        suffix = "" if n == 1 else f"-{n}"
        backup = index.with_name(f"{index.stem}.damaged-{stamp}{suffix}.json")
        try:
            with open(backup, "xb") as fh:  # never over an earlier backup
                fh.write(data)
        except FileExistsError:
            n += 1
            continue
        except OSError:
            return ""
        return f" The damaged list is kept as {backup.name} in {backup.parent}."


def clear_stale_temporaries(folder: Path) -> None:
    """Half-written files of a write the process did not live to finish (`kill -9` while
    a model or the index was saved). An hour old at least: another window may be writing."""
    limit = time.time() - 3600
    for tmp in folder.glob(".*.tmp"):
        try:
            if tmp.stat().st_mtime < limit:
                tmp.unlink()
        except OSError:
            pass


def _nan_free(value):
    raise TypeError(f"{type(value).__name__} is not JSON")


def inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def as_stored(value):
    """A value as the index holds it (tuples as lists), to compare with what was read back."""
    return json.loads(json.dumps(value, default=str))


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
