"""Opening a sweep's database storage prints no warning, whatever other threads do with theirs.

Optuna warns that its heartbeat is experimental each time a database storage is made. The app
silenced it with `warnings.catch_warnings()` around the call, which swaps the process's one
filter list: when another thread's catch_warnings (the GUI thread's, in gui.workers) began
before the sweep's and ended while the sweep was making its storage, it put back a list without
the sweep's filter, and the warning reached the terminal. The app's storage now sets its
heartbeat without Optuna's warning (core.sweep.backends.RDBSweepStorage)."""

from __future__ import annotations

import threading
import warnings

import optuna
import pytest

from vae_desktop.core.sweep import storage as storage_module

HEARTBEAT_WARNING = "Argument ``heartbeat_interval`` is an experimental feature"


def recording():
    """Record every warning shown, without the suite's own filter for this one (pyproject's
    filterwarnings); "always", last, so that a warning shown before in this process is not
    held back as already seen."""
    recorder = warnings.catch_warnings(record=True)
    seen = recorder.__enter__()
    warnings.filters[:] = [f for f in warnings.filters
                           if not (f[1] is not None and HEARTBEAT_WARNING in f[1].pattern)]
    warnings.simplefilter("always", optuna.exceptions.ExperimentalWarning, append=True)
    return recorder, seen


def heartbeat_warnings(seen) -> list:
    return [w for w in seen if HEARTBEAT_WARNING in str(w.message)]


def test_opening_a_database_storage_warns_nothing(tmp_path):
    recorder, seen = recording()
    try:
        storage_module.open_storage(f"sqlite:///{tmp_path / 'sweeps.db'}")
    finally:
        recorder.__exit__(None, None, None)
    assert heartbeat_warnings(seen) == []


def test_another_threads_catch_warnings_ending_meanwhile_lets_nothing_through(tmp_path,
                                                                             monkeypatch):
    inside, other_done = threading.Event(), threading.Event()
    real = storage_module.RDBSweepStorage

    def made_after_the_other_thread(*args, **kwargs):
        inside.set()  # the sweep's thread is about to make its storage
        assert other_done.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(storage_module, "RDBSweepStorage", made_after_the_other_thread)
    recorder, seen = recording()
    try:
        other = warnings.catch_warnings()  # another thread's, begun before the sweep's
        other.__enter__()
        failed = []

        def sweep() -> None:
            try:
                storage_module.open_storage(f"sqlite:///{tmp_path / 'sweeps.db'}")
            except Exception as exc:  # noqa: BLE001 - reported below
                failed.append(exc)

        thread = threading.Thread(target=sweep)
        thread.start()
        assert inside.wait(30)
        other.__exit__(None, None, None)  # ends while the sweep makes its storage
        other_done.set()
        thread.join(30)
    finally:
        recorder.__exit__(None, None, None)
    assert failed == []
    assert heartbeat_warnings(seen) == []


def test_the_storage_keeps_its_heartbeat_and_refuses_one_that_is_not_positive(tmp_path):
    """Set by the app's storage, not Optuna's constructor: Optuna's check and its reading of it
    (get_heartbeat_interval, which runs the heartbeat) stay as they were."""
    url = f"sqlite:///{tmp_path / 'sweeps.db'}"
    storage = storage_module.open_storage(url, heartbeat_s=7, grace_s=20)
    assert storage.get_heartbeat_interval() == 7
    assert storage.grace_period == 20
    for bad in (0, -1):
        with pytest.raises(ValueError, match="heartbeat_interval"):
            storage_module.RDBSweepStorage(url, heartbeat_interval=bad)
