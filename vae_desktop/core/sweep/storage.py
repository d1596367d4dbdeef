"""Where studies live: Optuna storage (an SQLite file in the app's data folder unless a database
URL is given), and the trials read back from it for the table and plots."""

from __future__ import annotations

import re
import time
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import optuna
from optuna.trial import FrozenTrial, TrialState

from vae_desktop.core.paths import app_data_dir

from .spec import SweepError

# SQLite lets one writer in at a time; other processes wait up to this long instead of failing.
SQLITE_TIMEOUT_S = 30
# A worker that dies leaves its trial RUNNING; other workers mark it failed once its heartbeat,
# sent this often, is older than the grace period.
HEARTBEAT_S = 30
GRACE_S = 120


def default_storage_url() -> str:
    return f"sqlite:///{(app_data_dir() / 'sweeps.db').as_posix()}"


def checkpoint_dir(study: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", study).strip("._") or "study"
    return app_data_dir() / "sweeps" / safe


def display_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - unparsable: it is shown as typed, minus anything after @
        return url.split("@")[-1] if "@" in url else url


def open_storage(url: str | None = None) -> optuna.storages.RDBStorage:
    """Optuna storage for a database URL (default: the SQLite file in the data folder).

    Raises SweepError with a plain explanation when the URL cannot be used."""
    import sqlalchemy.exc

    url = (url or "").strip() or default_storage_url()
    shown = display_url(url)
    if "://" not in url:
        raise SweepError(f"{shown!r} is not a database URL: use one like sqlite:////path/sweeps.db "
                         "or postgresql://user:password@host/database")
    engine_kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        engine_kwargs = {"connect_args": {"timeout": SQLITE_TIMEOUT_S}}
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:" and not Path(path).parent.is_dir():
            raise SweepError(f"cannot create the sweep database {path}: the folder "
                             f"{Path(path).parent} does not exist")
    last_exc: Exception | None = None
    # Processes that open a brand-new SQLite file at the same moment race to create its tables;
    # the losers see "table already exists" or a lock and simply try again.
    for attempt in range(6):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
                return optuna.storages.RDBStorage(url, engine_kwargs=engine_kwargs,
                                                  heartbeat_interval=HEARTBEAT_S,
                                                  grace_period=GRACE_S)
        except ImportError as exc:
            driver = exc.__cause__ or exc
            raise SweepError(f"cannot open the sweep storage {shown}: its database driver is not "
                             f"installed ({driver}); install it with pip (for PostgreSQL: "
                             f"pip install 'psycopg[binary]')") from None
        except (sqlalchemy.exc.OperationalError, sqlalchemy.exc.IntegrityError) as exc:
            last_exc = exc
            if not url.startswith("sqlite"):
                break
            time.sleep(0.2 * (attempt + 1))
        except (sqlalchemy.exc.ArgumentError, ValueError) as exc:
            last_exc = exc
            break
        except Exception as exc:  # noqa: BLE001 - drivers raise many kinds; all mean "unusable"
            last_exc = exc
            break
    reason = " ".join(str(getattr(last_exc, "orig", None) or last_exc).split())[:200]
    if last_exc is not None and type(last_exc).__name__ == "NoSuchModuleError":
        reason = f"unknown database kind {url.split('://')[0]!r}"
    raise SweepError(f"cannot open the sweep storage {shown}: {reason}")


def list_studies(storage: str | None = None) -> list[str]:
    return sorted(optuna.get_all_study_names(open_storage(storage)))


# Trial records (what the table shows)


@dataclass
class TrialRecord:
    number: int
    state: str  # Optuna's: COMPLETE, PRUNED, FAIL, RUNNING, WAITING
    value: float | None
    params: dict[str, Any]  # the sampled settings
    settings: dict[str, Any]  # every setting the trial trained with (Train tab keys)
    intermediate: dict[int, float]  # epoch -> objective
    duration_s: float | None
    checkpoint: str | None = None
    stopped: bool = False  # the user stopped the sweep during this trial
    note: str = ""
    host: str = ""  # the machine that ran it (and keeps its checkpoint)

    @property
    def label(self) -> str:
        return "stopped" if self.stopped else self.state.lower()

    @property
    def last_value(self) -> float | None:
        """The final value, or the last epoch's for a pruned or stopped trial."""
        if self.value is not None:
            return self.value
        if self.intermediate:
            return self.intermediate[max(self.intermediate)]
        return None

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_frozen(cls, trial: FrozenTrial) -> TrialRecord:
        attrs = trial.user_attrs
        duration = trial.duration.total_seconds() if trial.duration is not None else None
        value = trial.value if trial.state == TrialState.COMPLETE else None
        return cls(trial.number, trial.state.name, value, dict(trial.params),
                   dict(attrs.get("settings") or {}),
                   {int(k): float(v) for k, v in trial.intermediate_values.items()},
                   duration, attrs.get("checkpoint"), bool(attrs.get("stopped")),
                   str(attrs.get("note", "")), str(attrs.get("host", "")))


@dataclass
class SweepStudy:
    name: str
    storage: str
    objective: str
    holdout: int | None
    direction: str
    trials: list[TrialRecord]

    @property
    def best(self) -> TrialRecord | None:
        return best_trial(self.trials, self.direction)


def best_trial(trials: list[TrialRecord], direction: str) -> TrialRecord | None:
    done = [t for t in trials if t.state == "COMPLETE" and t.value is not None]
    if not done:
        return None
    pick = min if direction == "minimize" else max
    return pick(done, key=lambda t: t.value)


def load_trials(storage: str | optuna.storages.RDBStorage | None, study: str) -> SweepStudy:
    """Every trial of `study` in `storage` (a URL, None for the default), for the table and plots."""
    store = storage if isinstance(storage, optuna.storages.RDBStorage) else open_storage(storage)
    try:
        loaded = optuna.load_study(study_name=study, storage=store)
    except KeyError:
        names = sorted(optuna.get_all_study_names(store))
        there = f"studies there: {', '.join(names)}" if names else "it holds no studies yet"
        raise SweepError(f"no study named {study!r} in {display_url(store.url)}; {there}") from None
    attrs = loaded.user_attrs
    direction = loaded.direction.name.lower()
    objective = attrs.get("objective", "test_loss" if direction == "minimize" else "auroc")
    trials = [TrialRecord.from_frozen(t) for t in loaded.get_trials(deepcopy=False)]
    return SweepStudy(study, display_url(store.url), objective, attrs.get("holdout"), direction,
                      trials)
