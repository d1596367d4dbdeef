"""Optuna sweeps: trials land in SQLite, studies resume, the median pruner prunes, stop keeps the
finished trials, two processes share one study, and bad settings or storage get clear messages."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import optuna
import pytest
from optuna.distributions import CategoricalDistribution

from vae_desktop.core import checkpoint
from vae_desktop.core.data import load_split
from vae_desktop.core.sweep import (
    SweepError,
    SweepSpec,
    holdout_auroc,
    load_trials,
    open_storage,
    run_sweep,
    spec_settings_from_text,
)

optuna.logging.set_verbosity(optuna.logging.WARNING)
ROOT = Path(__file__).resolve().parents[1]
# Small enough for a contended CPU: a trial is a fraction of a second.
TINY = dict(train_size=500, test_size=200, epochs=1, fixed={"hidden": 16, "latent_dim": 4})


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{(tmp_path / 'sweeps.db').as_posix()}"


def test_tiny_sweep_lands_in_sqlite_and_resumes(tmp_path):
    url = sqlite_url(tmp_path)
    events = []
    spec = SweepSpec(vary=("latent_dim", "lr"), latent_dim=(2, 8), trials=3, storage=url,
                     study="tiny", seed=5, **{**TINY, "fixed": {"hidden": 16}})
    result = run_sweep(spec, events.append)

    study = optuna.load_study(study_name="tiny", storage=url)
    trials = study.get_trials()
    assert [t.number for t in trials] == [0, 1, 2]
    assert all(t.state == optuna.trial.TrialState.COMPLETE for t in trials)
    assert all(set(t.params) == {"latent_dim", "lr"} for t in trials)
    assert study.user_attrs["objective"] == "test_loss"
    for t in trials:
        ckpt = checkpoint.load(t.user_attrs["checkpoint"])
        assert Path(ckpt.path).name == f"trial-{t.number}.pt"
        assert ckpt.config.latent_dim == t.params["latent_dim"] and ckpt.config.hidden == 16
        assert ckpt.test_loss == pytest.approx(t.value)  # the objective is the saved test loss
        assert t.user_attrs["settings"]["lr"] == t.params["lr"]
    kinds = [e["kind"] for e in events if e["kind"] != "step"]
    assert kinds == ["sweep_started"] + ["trial_started", "epoch", "trial_finished"] * 3 + ["sweep_done"]
    assert events[-1]["trials_run"] == 3
    assert result.best.value == min(t.value for t in trials)

    # Running again with the same storage and study adds to it, with fresh suggestions.
    run_sweep(SweepSpec(**{**spec.__dict__, "trials": 1}))
    again = optuna.load_study(study_name="tiny", storage=url).get_trials()
    assert [t.number for t in again] == [0, 1, 2, 3]
    assert again[3].params not in [t.params for t in trials]
    assert len(load_trials(url, "tiny").trials) == 4


def test_median_pruner_prunes_a_clearly_worse_trial(tmp_path):
    # The first trial learns (lr 1e-2); the second barely moves (lr 1e-6), so after its first
    # epoch its test loss is far above the median of the completed trial at that epoch.
    spec = SweepSpec(vary=("lr",), lr=(1e-6, 1e-2), trials=2, storage=sqlite_url(tmp_path),
                     study="prune", seed=1, pruner_startup_trials=1,
                     enqueue=({"lr": 1e-2}, {"lr": 1e-6}), **{**TINY, "epochs": 2})
    result = run_sweep(spec)
    good, bad = result.trials
    assert good.state == "COMPLETE" and sorted(good.intermediate) == [1, 2]
    assert bad.params == {"lr": 1e-6}
    assert bad.state == "PRUNED" and not bad.stopped
    assert sorted(bad.intermediate) == [1]  # pruned right after epoch 1, epoch 2 never ran
    assert bad.intermediate[1] > good.intermediate[1]
    assert "pruned after epoch 1" in bad.note
    assert len(checkpoint.load(bad.checkpoint).history) == 1


def test_stop_ends_after_the_current_epoch_and_keeps_finished_trials(tmp_path):
    stop = threading.Event()

    def on_event(event):
        # Ask to stop in the middle of trial 1's first epoch (its last batch).
        if event["kind"] == "step" and event["number"] == 1:
            stop.set()

    spec = SweepSpec(vary=("lr",), trials=3, storage=sqlite_url(tmp_path), study="stop",
                     seed=2, **{**TINY, "epochs": 2})
    result = run_sweep(spec, on_event, stop_flag=stop)
    assert [t.number for t in result.trials] == [0, 1]  # trial 2 never started
    done, stopped = result.trials
    assert done.state == "COMPLETE" and sorted(done.intermediate) == [1, 2]
    # The epoch under way finished and was recorded; the trial is not left RUNNING.
    assert stopped.state == "PRUNED" and stopped.stopped and stopped.label == "stopped"
    assert sorted(stopped.intermediate) == [1]
    assert len(checkpoint.load(stopped.checkpoint).history) == 1
    states = {t.state for t in optuna.load_study(study_name="stop", storage=spec.storage).trials}
    assert optuna.trial.TrialState.RUNNING not in states


def test_auroc_objective_scores_the_held_out_digit(tmp_path):
    spec = SweepSpec(vary=("lr",), trials=1, storage=sqlite_url(tmp_path), study="auroc",
                     objective="auroc", holdout=1, seed=3, **TINY)
    trial = run_sweep(spec).trials[0]
    ckpt = checkpoint.load(trial.checkpoint)
    assert ckpt.train_config["digits"] == [0, 2, 3, 4, 5, 6, 7, 8, 9]
    # One name for the training images' count, the one the Train tab and the CLI read.
    assert ckpt.train_config["train_size"] == spec.train_size and "subset" not in ckpt.train_config
    images, labels = load_split("test", size=200)
    assert 0.0 <= trial.value <= 1.0
    assert trial.value == pytest.approx(holdout_auroc(ckpt.model, images, labels, 1), abs=1e-6)
    assert load_trials(spec.storage, "auroc").direction == "maximize"


@pytest.mark.parametrize("url, words", [
    ("not a url", "is not a database URL"),
    ("nosuchdb://host/db", "unknown database kind 'nosuchdb'"),
    ("sqlite:////no/such/folder/sweeps.db", "folder /no/such/folder does not exist"),
])
def test_bad_storage_url_gets_a_clear_message(url, words):
    with pytest.raises(SweepError, match=words):
        open_storage(url)
    with pytest.raises(SweepError, match=words):
        run_sweep(SweepSpec(storage=url, **TINY))


@pytest.mark.parametrize("content", [b"\x89PNG\r\n\x1a\n" + bytes(range(256)), b"not json\n",
                                     b'{"a": 1}\n'])
def test_a_file_that_is_no_journal_is_refused_in_words(tmp_path, content):
    """A PNG or a text file given as the journal was refused in Python's words: "'utf-8' codec
    can't decode byte 0x89 in position 0" or "Expecting value: line 1 column 1 (char 0)", or
    with a KeyError traceback; the file stays as it was."""
    path = tmp_path / "picture.png"
    path.write_bytes(content)
    with pytest.raises(SweepError, match=f"cannot open the sweep journal {path}: it is not a "
                                         "sweep journal .an Optuna journal file."):
        open_storage(f"journal://{path}")
    assert path.read_bytes() == content


def test_password_never_shown_in_messages():
    with pytest.raises(SweepError) as info:
        open_storage("nosuchdb://user:hunter2@db.example/sweeps")
    assert "hunter2" not in str(info.value) and "***" in str(info.value)


def test_default_storage_is_sqlite_in_the_data_folder():
    spec = SweepSpec()
    assert spec.storage_url.startswith("sqlite:///") and spec.storage_url.endswith("/sweeps.db")
    assert os.environ["VAE_DESKTOP_DATA_DIR"] in spec.storage_url


def test_resuming_with_another_objective_or_other_choices_is_refused(tmp_path):
    url = sqlite_url(tmp_path)
    study = optuna.create_study(storage=url, study_name="old", direction="minimize")
    study.set_user_attr("objective", "test_loss")
    study.add_trial(optuna.trial.create_trial(
        params={"hidden": 128}, distributions={"hidden": CategoricalDistribution((128, 256))},
        value=200.0))
    with pytest.raises(SweepError, match=re.escape(
            "study 'old' already optimises the test negative ELBO (nats/image) (test_loss); use "
            "the same objective or another study name")):
        run_sweep(SweepSpec(storage=url, study="old", objective="auroc", **TINY))
    with pytest.raises(SweepError, match=re.escape(
            "study 'old' sampled hidden units (hidden) as choices 128, 256; keep that or start a "
            "new study (another name)")):
        run_sweep(SweepSpec(storage=url, study="old", vary=("hidden",), hidden=(64, 128), **TINY))
    assert len(optuna.load_study(study_name="old", storage=url).trials) == 1  # nothing added


def test_loading_a_missing_study_names_those_there(tmp_path):
    url = sqlite_url(tmp_path)
    optuna.create_study(storage=url, study_name="alpha")
    with pytest.raises(SweepError, match="no study named 'beta'.*studies there: alpha"):
        load_trials(url, "beta")


def test_impossible_settings_are_refused_with_reasons():
    with pytest.raises(SweepError) as info:
        SweepSpec(vary=("lr", "depth", "hidden"), lr=(1e-2, 1e-4), hidden=(), trials=0)
    assert info.value.problems == [
        "cannot vary depth: choose from latent_dim, hidden, lr, batch_size, beta, arch",
        "hidden units choices: give at least one",
        "learning rate range: the lowest value (0.01) is above the highest (0.0001)",
        "trials must be an integer from 1 to 100,000, got 0"]
    assert str(info.value) == "; ".join(info.value.problems)
    with pytest.raises(SweepError, match="unconditional"):
        SweepSpec(objective="auroc", conditional=True)


def test_command_line_ranges_and_values():
    kwargs = spec_settings_from_text("lr,hidden", {"lr": "1e-4:3e-3", "hidden": "64,128",
                                                   "beta": "0.5", "arch": None})
    spec = SweepSpec(**kwargs)
    assert spec.lr == (1e-4, 3e-3) and spec.hidden == (64, 128) and spec.fixed["beta"] == 0.5
    with pytest.raises(SweepError, match="add it to --vary"):
        spec_settings_from_text("lr", {"hidden": "64,128"})
    with pytest.raises(SweepError, match="give a range LOW:HIGH"):
        spec_settings_from_text("lr", {"lr": "0.1"})
    with pytest.raises(SweepError, match="expected integers .hidden units must be an integer"):
        spec_settings_from_text("hidden", {"hidden": "64,1.5"})



def test_a_study_records_its_first_budget(tmp_path):
    """For the Sweep tab's Load to put it back in the form: a Start there with the form's budget
    added trials trained and scored on other images, ranked against the study's own."""
    url = sqlite_url(tmp_path)
    first = SweepSpec(storage=url, study="budget", **{**TINY, "trials": 1})
    run_sweep(first)
    want = {"epochs": first.epochs, "train_size": first.train_size, "test_size": first.test_size}
    assert load_trials(url, "budget").budget == want
    run_sweep(SweepSpec(storage=url, study="budget", **{**TINY, "trials": 1, "epochs": 2}))
    assert load_trials(url, "budget").budget == want  # the first stays
