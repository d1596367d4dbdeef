"""Trial checkpoints of studies of the same name in two storages never share a file, and Open
model opens a trial's own model or says why it cannot: never another trial's.

The audit of 2026-12-05 ran study "demo sqlite" on the default SQLite storage, then a study of
the same name in a journal file: the second wrote its trial 0 over the first's, and Open model on
the first study's trial 0 opened the journal study's model without a word."""

from __future__ import annotations

import shutil
from pathlib import Path

import optuna
import pytest

from vae_desktop.core import checkpoint
from vae_desktop.core.paths import app_data_dir
from vae_desktop.core.sweep import SweepSpec, checkpoint_dir, load_trials, run_sweep
from vae_desktop.gui.tabs.sweep.tab import SweepTab

optuna.logging.set_verbosity(optuna.logging.WARNING)
STUDY = "demo sqlite"
# One tiny trial each: one epoch on 200 images, scored on 100.
TINY = dict(vary=("lr",), trials=1, epochs=1, train_size=200, test_size=100, study=STUDY)


def journal_url(tmp_path: Path) -> str:
    return f"journal://{(tmp_path / 'x' / 'sweep.log').as_posix()}"


def two_studies_of_one_name(tmp_path: Path):
    """Trial 0 of "demo sqlite" on the default storage (latent 4, seed 1), then trial 0 of the
    same name in a journal file (latent 10, hidden 400, seed 7)."""
    (tmp_path / "x").mkdir()
    first = run_sweep(SweepSpec(fixed={"latent_dim": 4, "hidden": 16}, seed=1, **TINY))
    second = run_sweep(SweepSpec(fixed={"latent_dim": 10, "hidden": 400}, seed=7,
                                 storage=journal_url(tmp_path), **TINY))
    return first.trials[0], second.trials[0]


def test_the_same_study_name_in_two_storages_keeps_two_checkpoint_folders(tmp_path):
    sqlite_trial, journal_trial = two_studies_of_one_name(tmp_path)
    assert Path(sqlite_trial.checkpoint).parent != Path(journal_trial.checkpoint).parent
    # Each trial's file is still its own model.
    ours = checkpoint.load(sqlite_trial.checkpoint)
    assert (ours.config.latent_dim, ours.config.hidden, ours.train_config["seed"]) == (4, 16, 1)
    theirs = checkpoint.load(journal_trial.checkpoint)
    assert (theirs.config.latent_dim, theirs.config.hidden, theirs.train_config["seed"]) \
        == (10, 400, 7)
    # The folder is named for the study (readable) and its storage; a password is not part of it.
    folder = checkpoint_dir(STUDY)
    assert folder.parent == app_data_dir() / "sweeps" and folder.name.startswith("demo_sqlite-")
    assert Path(sqlite_trial.checkpoint).parent == folder
    url = "postgresql://vae:{}@db.example/sweeps"
    assert checkpoint_dir(STUDY, url.format("one")) == checkpoint_dir(STUDY, url.format("two"))
    assert checkpoint_dir(STUDY, url.format("one")) != checkpoint_dir(STUDY, journal_url(tmp_path))
    # Names that differ only in punctuation no longer share a folder either.
    assert checkpoint_dir("demo-sqlite") != checkpoint_dir("demo sqlite")


def test_open_model_opens_each_storages_own_trial(qtbot, state, tmp_path):
    two_studies_of_one_name(tmp_path)
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    tab.show_study(load_trials(None, STUDY))  # the SQLite study
    assert tab.select_trial(0) and tab.open_selected()
    assert (state.active.config.latent_dim, state.active.config.hidden) == (4, 16)


def test_a_checkpoint_that_is_not_the_trials_model_is_refused(qtbot, state, tmp_path):
    """A study swept before checkpoints had a folder per storage keeps its files where the trial
    says (sweeps/<study>/trial-<n>.pt); another study of that name may have written over one.
    Opening it checks that the file holds the trial's model: its settings and seed."""
    (tmp_path / "x").mkdir()
    ours = run_sweep(SweepSpec(fixed={"latent_dim": 4, "hidden": 16}, seed=1, **TINY)).trials[0]
    other = run_sweep(SweepSpec(fixed={"latent_dim": 10, "hidden": 400}, seed=7,
                                storage=journal_url(tmp_path), **TINY)).trials[0]
    old_layout = app_data_dir() / "sweeps" / "demo_sqlite" / "trial-0.pt"
    old_layout.parent.mkdir(parents=True)
    shutil.copy(ours.checkpoint, old_layout)
    study = load_trials(None, STUDY)
    study.trials[0].checkpoint = str(old_layout)  # as the old layout recorded it
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    tab.show_study(study)
    assert tab.select_trial(0) and tab.open_selected()  # the old layout still opens
    assert state.active.config.latent_dim == 4
    count = len(state.models)

    shutil.copy(other.checkpoint, old_layout)  # the other study's trial 0 written over it
    assert tab.select_trial(0) and not tab.open_selected()
    assert len(state.models) == count  # nothing was opened
    message = tab.study_message()
    assert str(old_layout) in message and "trial 0" in message.lower()
    assert "latent dimensions 10" in message and "4" in message, message
    assert message[0].isupper() and message.endswith("."), message


@pytest.mark.parametrize("key", ["seed", "lr"])
def test_a_checkpoint_of_the_same_shape_but_another_seed_or_rate_is_refused(qtbot, state,
                                                                          tmp_path, key):
    trial = run_sweep(SweepSpec(fixed={"latent_dim": 4, "hidden": 16}, seed=1, **TINY)).trials[0]
    ckpt = checkpoint.load(trial.checkpoint)
    changed = dict(ckpt.train_config)
    changed[key] = changed[key] + 1 if key == "seed" else changed[key] * 2
    checkpoint.save(trial.checkpoint, ckpt.model, ckpt.history, ckpt.optimizer_state, changed)
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    tab.show_study(load_trials(None, STUDY))
    assert tab.select_trial(0) and not tab.open_selected()
    assert "another model" in tab.study_message()


@pytest.mark.parametrize("objective, scored", [("test_loss", 100), ("auroc", None)])
def test_a_trials_checkpoint_says_how_many_test_images_its_test_loss_used(objective, scored):
    """The status bar said "test loss 153.59" for a trial's model, measured on its 100 test images
    (Evaluate says another number on all 10,000): the checkpoint records how many it used, for
    the app to say. For the AUROC objective the test loss leaves out the held-out digit."""
    trial = run_sweep(SweepSpec(fixed={"latent_dim": 4, "hidden": 16}, seed=1, objective=objective,
                                holdout=1, **TINY)).trials[0]
    config = checkpoint.load(trial.checkpoint).train_config
    from vae_desktop.core.data import load_split

    labels = load_split("test", size=100)[1]
    expected = scored if scored is not None else int((labels != 1).sum())
    assert config["test_size"] == expected
    assert expected < 100 if objective == "auroc" else expected == 100
