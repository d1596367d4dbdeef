"""Where studies live: opening Optuna storage (an SQLite file in the app's data folder unless a
database or journal-file URL is given), listing its studies, and the one line that says a storage
stopped answering. The storages themselves are in backends.py, their URLs in urls.py, the trials
read back from them in records.py.

Three kinds, for three set-ups: SQLite (one machine, a few processes), a journal file on a shared
file system (`journal:///path/sweep.log`, a cluster without a database server) and a database
server such as PostgreSQL (many machines). A worker that dies leaves its trial RUNNING; the
others mark it failed once its heartbeat is older than the grace period, and run it again when
asked to (`retry_failed`). A reader of the study (the Sweep tab) and a worker that starts mark it
failed at once when its worker ran on their machine and its process is gone (lost.py,
records.fail_lost_trials).
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

import optuna

from .backends import (
    JournalSweepStorage,
    RDBSweepStorage,
    RetryStaleTrial,
    StaleTrialCallback,
    SweepStorage,
    retry_callback,
)
from .errors import SweepError
from .spec import GRACE_S, HEARTBEAT_S
from .urls import StorageUnusable, default_storage_url, display_url, driver_reason

# SQLite lets one writer in at a time; other processes wait up to this long instead of failing.
SQLITE_TIMEOUT_S = 30
JOURNAL_SCHEME = "journal://"


def open_storage(url: str | None = None, heartbeat_s: int = HEARTBEAT_S, grace_s: int = GRACE_S,
                 retry_failed: int = 0) -> SweepStorage:
    """Optuna storage for a database or journal-file URL (default: the SQLite file in the data
    folder). Running trials send a heartbeat every `heartbeat_s`; one silent for `grace_s` is
    marked failed by the next worker to start a trial, which also queues it again, up to
    `retry_failed` times.

    Raises SweepError with a plain explanation when the URL cannot be used."""
    url = (url or "").strip() or default_storage_url()
    shown = display_url(url)
    callback = retry_callback(retry_failed)
    if url.startswith(JOURNAL_SCHEME):
        return _open_journal(url, heartbeat_s, grace_s, callback)
    if "://" not in url:
        like = ("sqlite:////path/sweeps.db, journal:///shared/path/sweep.log or "
                "postgresql://user:password@host/database")
        raise StorageUnusable(f"{shown!r} is not a database URL: use one like {like}", shown,
                              f"it is not a database URL (use one like {like})")
    return _open_database(url, heartbeat_s, grace_s, callback)


def _open_journal(url: str, heartbeat_s: int, grace_s: int,
                  callback: StaleTrialCallback | None) -> JournalSweepStorage:
    path = url[len(JOURNAL_SCHEME):]
    if not path.startswith("/"):
        reason = "it needs an absolute path after journal://, as in journal:///shared/path/sweep.log"
        raise StorageUnusable(f"{url!r} needs an absolute path after journal://, as in "
                              "journal:///shared/path/sweep.log", url, reason)
    if not Path(path).parent.is_dir():
        reason = f"the folder {Path(path).parent} does not exist"
        raise StorageUnusable(f"cannot create the sweep journal {path}: {reason}", url, reason)
    not_journal = StorageUnusable(
        f"cannot open the sweep journal {path}: {NOT_JOURNAL}; give another file name, or a "
        "file another sweep wrote", url, NOT_JOURNAL, path)
    try:
        if not _starts_as_journal(path):
            raise not_journal
        return JournalSweepStorage(url, path, heartbeat_s, grace_s, callback)
    except OSError as exc:
        reason = str(exc.strerror or exc)
        raise StorageUnusable(f"cannot open the sweep journal {path}: {reason}", url, reason,
                              path) from None
    except (ValueError, KeyError):  # lines that are not Optuna's records further on
        raise not_journal from None


NOT_JOURNAL = "it is not a sweep journal (an Optuna journal file)"


def _starts_as_journal(path: str) -> bool:
    """Whether the file is empty, absent or begins with an Optuna journal record (a JSON object
    with an op_code). Optuna itself takes a picture or a text file and fails on the first write,
    in JSON's words ("Expecting value: line 1 column 1"), or with a KeyError."""
    try:
        with open(path, "rb") as file:
            first = file.readline(1 << 20)
    except FileNotFoundError:
        return True
    if not first:
        return True
    try:
        record = json.loads(first)
    except ValueError:  # not JSON, or not text at all
        return False
    return isinstance(record, dict) and "op_code" in record


def _creation_race(exc: Exception) -> bool:
    """Whether opening failed because another process was creating the same tables at that
    moment: a duplicate row or table (PostgreSQL's catalog, Optuna's version row), or SQLite's
    lock. Anything else (a wrong password, no server) fails at once."""
    import sqlalchemy.exc

    if isinstance(exc, sqlalchemy.exc.IntegrityError):
        return True
    text = str(getattr(exc, "orig", None) or exc).lower()
    return isinstance(exc, sqlalchemy.exc.DBAPIError) and any(
        words in text for words in ("already exists", "duplicate", "locked", "deadlock"))


def _with_driver(url: str) -> str:
    """postgresql://... with the driver installed by vae-desktop[postgres] (psycopg 3), where
    SQLAlchemy would otherwise look for psycopg2."""
    import importlib.util

    scheme, _, rest = url.partition("://")
    if scheme in ("postgresql", "postgres") and importlib.util.find_spec("psycopg2") is None \
            and importlib.util.find_spec("psycopg") is not None:
        return f"postgresql+psycopg://{rest}"
    return url


def _open_database(url: str, heartbeat_s: int, grace_s: int,
                   callback: StaleTrialCallback | None) -> RDBSweepStorage:
    import sqlalchemy.exc

    shown = display_url(url)
    url = _with_driver(url)
    engine_kwargs: dict[str, Any] = {}
    path = None
    if url.startswith("sqlite"):
        engine_kwargs = {"connect_args": {"timeout": SQLITE_TIMEOUT_S}}
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:" and not Path(path).parent.is_dir():
            reason = f"the folder {Path(path).parent} does not exist"
            raise StorageUnusable(f"cannot create the sweep database {path}: {reason}", shown,
                                  reason)
    heartbeat = {"heartbeat_interval": heartbeat_s, "grace_period": grace_s}
    if callback is not None:
        name = ("heartbeat_stale_trial_callback" if RetryStaleTrial is not
                optuna.storages.RetryFailedTrialCallback else "failed_trial_callback")
        heartbeat[name] = callback
    last_exc: Exception | None = None
    # Workers that open a brand-new database at the same moment race to create its tables; the
    # losers see a duplicate table, type or row (or SQLite's lock) and simply try again.
    for attempt in range(8):
        try:
            return RDBSweepStorage(url, engine_kwargs=engine_kwargs, **heartbeat)
        except ImportError as exc:
            driver = exc.__cause__ or exc
            reason = (f"its database driver is not installed ({driver}); install it with pip (for "
                      "PostgreSQL: pip install 'vae-desktop[postgres]')")
            raise StorageUnusable(f"cannot open the sweep storage {shown}: {reason}", shown,
                                  reason) from None
        except sqlalchemy.exc.DBAPIError as exc:  # the driver's own errors
            last_exc = exc
            if not _creation_race(exc):
                break
            time.sleep(0.1 * (attempt + 1) + random.uniform(0, 0.1))  # spread out the retries
        except Exception as exc:  # noqa: BLE001 - drivers raise many kinds; all mean "unusable"
            last_exc = exc
            break
    reason = driver_reason(last_exc, url) if last_exc is not None else "unknown"
    if last_exc is not None and type(last_exc).__name__ == "NoSuchModuleError":
        reason = f"unknown database kind {url.split('://')[0]!r}"
    raise StorageUnusable(f"cannot open the sweep storage {shown}: {reason}", shown, reason,
                          path if path and path != ":memory:" else None)


def storage_failure(exc: BaseException, storage: SweepStorage,
                    kept: bool = True) -> SweepError | None:
    """The one-line message for a storage that stopped answering in the middle of a sweep (a
    server stopped, a network or shared folder gone), or None when `exc` is something else.

    The driver's error may sit deep in `exc`'s chain: Optuna wraps it, and may even fail on it
    with an error of its own."""
    import sqlalchemy.exc

    shown = display_url(storage.url)
    journal = storage.url[len(JOURNAL_SCHEME):] if storage.url.startswith(JOURNAL_SCHEME) else None
    seen: list[BaseException] = []
    link: BaseException | None = exc
    while link is not None and link not in seen and len(seen) < 20:
        seen.append(link)
        link = link.__cause__ or link.__context__
    lost = (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError)
    found = [link for link in seen if isinstance(link, lost)] or seen
    for link in found:
        reason = driver_reason(link, storage.url)
        if isinstance(link, lost):
            what = "lost the connection to"
        elif isinstance(link, sqlalchemy.exc.PendingRollbackError):
            # A connection that broke in the middle of a transaction, met again by the next call.
            what, reason = "lost the connection to", "the connection broke during a transaction"
        elif isinstance(link, sqlalchemy.exc.SQLAlchemyError):
            what = "error in"
        elif journal and isinstance(link, OSError) and str(link.filename or "").startswith(journal):
            what = "cannot use"
        else:
            continue
        tail = "; the trials that finished are kept there" if kept else ""
        return SweepError(f"{what} the sweep storage {shown}: {reason}{tail}")
    return None


def list_studies(storage: str | None = None) -> list[str]:
    return sorted(optuna.get_all_study_names(open_storage(storage)))
