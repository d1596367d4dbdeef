"""Sweep storage URLs: the default one (an SQLite file in the app's data folder), a URL as shown
(without its password) and with the password put back, the driver's reason for a failure with the
password hidden; the errors that name a storage (StorageUnusable, StudyNotFound); and the folder
of a study's trial checkpoints, one per storage and study."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from vae_desktop.core.paths import SWEEPS, app_data_dir

from .errors import SweepError


class StorageUnusable(SweepError):
    """Storage that cannot be opened. `shown`: its URL without the password; `reason`: why, in
    the driver's words; `path`: its file (SQLite, a journal), None for a server."""

    def __init__(self, message: str, shown: str, reason: str, path: str | None = None) -> None:
        super().__init__(message)
        self.shown, self.reason, self.path = shown, reason, path


class StudyNotFound(SweepError):
    """No study of that name in the storage (`shown`), which holds `names`."""

    def __init__(self, study: str, shown: str, names: list[str]) -> None:
        there = f"studies there: {', '.join(names)}" if names else "it holds no studies yet"
        super().__init__(f"no study named {study!r} in {shown}; {there}")
        self.study, self.shown, self.names = study, shown, names


def default_storage_url() -> str:
    return f"sqlite:///{(app_data_dir() / 'sweeps.db').as_posix()}"


def checkpoint_dir(study: str, storage: str | None = None) -> Path:
    """The folder of a study's trial checkpoints: one per storage and study, so that studies of
    the same name in two storages (or names that differ only in punctuation) never write over
    each other's models. Its name is the study's, made safe for a file system, then a short hash
    of the study's name and its storage URL without the password (which may change).

    Studies swept before this layout keep their files in sweeps/<name>; each trial records its
    own checkpoint's path, so they open from there."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", study).strip("._")[:60] or "study"
    url = display_url((storage or "").strip() or default_storage_url())
    tag = hashlib.sha256(f"{url}\n{study}".encode()).hexdigest()[:8]
    return app_data_dir() / SWEEPS / f"{safe}-{tag}"


def display_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - unparsable: it is shown as typed, minus anything after @
        return url.split("@")[-1] if "@" in url else url


HIDDEN_PASSWORD = "***"  # what display_url shows in a password's place


def with_password(typed: str, password: str | None) -> str:
    """The URL `typed`, which shows the password hidden as display_url does (and may have been
    edited since: another host or database), with `password` put back in its place; any other
    URL as it is."""
    if not password:
        return typed
    try:
        from sqlalchemy.engine import make_url

        url = make_url(typed)
        if url.password != HIDDEN_PASSWORD:
            return typed
        return url.set(password=password).render_as_string(hide_password=False)
    except Exception:  # noqa: BLE001 - not a URL: nothing to put back
        return typed


def password_of(url: str) -> str | None:
    """The URL's password, or None when it has none."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).password
    except Exception:  # noqa: BLE001 - no password to hide in what cannot be parsed
        return None


def driver_reason(exc: BaseException, url: str) -> str:
    """The driver's own words, first line only, with the password (if it appears) hidden."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    reason = " ".join((lines[0] if lines else type(exc).__name__).split())
    reason = re.sub(r"\s*\(Background on this error at: [^)]*\)", "", reason)[:200]
    password = password_of(url)
    return reason.replace(password, "***") if password else reason
