"""The sweep as a job (core.sweep.sweep_steps): the generator yields run_sweep's events, returns
the study, starts with the trials a resumed study has, and stops or aborts through its control."""

from __future__ import annotations

import time

import optuna
import pytest

from vae_desktop.core import checkpoint
from vae_desktop.core import settings as table
from vae_desktop.core.jobs import run_to_end
from vae_desktop.core.sweep import SweepControl, SweepSpec, load_trials, sweep_steps

optuna.logging.set_verbosity(optuna.logging.WARNING)
TINY = dict(train_size=500, test_size=200, epochs=1, fixed={"hidden": 16, "latent_dim": 4})


def url(tmp_path) -> str:
    return f"sqlite:///{(tmp_path / 'sweeps.db').as_posix()}"


def collect(steps) -> tuple[list, object]:
    events: list = []
    return events, run_to_end(steps, events.append)


def test_the_job_yields_the_events_and_returns_the_study(tmp_path):
    spec = SweepSpec(vary=("lr",), trials=2, storage=url(tmp_path), study="job", seed=1,
                     conditional=True, **TINY)
    events, study = collect(sweep_steps(spec))
    kinds = [e["kind"] for e in events if e["kind"] != "step"]
    # A new study: nothing to show before the first trial.
    assert kinds == ["sweep_started"] + ["trial_started", "epoch", "trial_finished"] * 2 + ["sweep_done"]
    assert [t.state for t in study.trials] == ["COMPLETE", "COMPLETE"]
    ckpt = checkpoint.load(study.trials[0].checkpoint)
    assert ckpt.config.num_classes == table.num_classes(True)

    # Resumed, the first event holds the trials the study already has.
    again = sweep_steps(SweepSpec(**{**spec.__dict__, "trials": 1}))
    first = next(again)
    assert first["kind"] == "study" and [t.number for t in first["study"].trials] == [0, 1]
    assert [t.number for t in run_to_end(again).trials] == [0, 1, 2]


def test_stop_ends_after_the_epoch_and_closing_aborts_at_once(tmp_path):
    control = SweepControl()
    spec = SweepSpec(vary=("lr",), trials=3, storage=url(tmp_path), study="stop", seed=2,
                     **{**TINY, "epochs": 2})
    steps = sweep_steps(spec, control)
    for event in steps:
        if event["kind"] == "step" and event["number"] == 1:
            control.stop()
    study = load_trials(spec.storage, "stop")
    assert [(t.state, t.stopped, len(t.intermediate)) for t in study.trials] == [
        ("COMPLETE", False, 2), ("PRUNED", True, 1)]

    # A consumer that leaves (a generator closed early) aborts the trial within a batch.
    long = SweepSpec(**{**spec.__dict__, "study": "abort", "epochs": 500, "train_size": 5000})
    steps = sweep_steps(long)
    while next(steps)["kind"] != "step":
        pass
    t0 = time.perf_counter()
    steps.close()
    assert time.perf_counter() - t0 < 10
    stored = optuna.load_study(study_name="abort", storage=spec.storage).trials
    assert [(t.state.name, t.user_attrs.get("stopped")) for t in stored] == [("PRUNED", True)]


def test_a_failure_reaches_the_consumer(tmp_path):
    spec = SweepSpec(storage="nosuchdb://host/db", **TINY)
    with pytest.raises(Exception, match="unknown database kind 'nosuchdb'"):
        run_to_end(sweep_steps(spec))
