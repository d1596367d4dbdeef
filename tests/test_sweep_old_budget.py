"""Start on a study made by an older version of the app asks about another budget too.

Trials note their budget with their settings ("epochs", "train_size", "test_size"; 0: all) since
late 2026-12-05; before, a trial noted its epochs only, and the study its first run's budget, in
its "budget" user attribute ({"epochs", "train_size", "test_size"}; None: all images). The
question about mixing budgets read the trials' notes only, so Start with 2,000 training images on a
study of 200 added trials that do not compare, without a word. A trial that does not note part
of its budget now has the study's recorded one."""

from __future__ import annotations

import optuna
from optuna.distributions import FloatDistribution
from optuna.trial import create_trial

from vae_desktop.core.sweep import SweepSpec, budget_differences, load_trials, open_storage
from vae_desktop.gui.tabs.sweep.tab import SweepTab

optuna.logging.set_verbosity(optuna.logging.WARNING)
SMALL = dict(vary=("lr",), fixed={"latent_dim": 4, "hidden": 16}, seed=1)
OLD_SETTINGS = {"latent_dim": 4, "hidden": 16, "lr": 0.001, "batch_size": 128, "beta": 1.0,
                "arch": "mlp", "conditional": False, "epochs": 1}


def old_study(name: str = "old", noted: dict | None = None) -> None:
    """A study as the Sweep of early 2026-12-05 wrote it, in the default storage: two trials of
    1 epoch on 200 training images scored on all the test images, which note their epochs only
    (plus `noted`), and the study's budget beside them."""
    study = optuna.create_study(storage=open_storage(None), study_name=name)
    study.set_user_attr("objective", "test_loss")
    study.set_user_attr("budget", {"epochs": 1, "train_size": 200, "test_size": None})
    for number, (lr, value) in enumerate([(0.001, 212.5), (0.004, 198.25)]):
        study.add_trial(create_trial(
            params={"lr": lr}, distributions={"lr": FloatDistribution(1e-4, 1e-2, log=True)},
            value=value, intermediate_values={1: value},
            user_attrs={"settings": {**OLD_SETTINGS, "lr": lr, **(noted or {})}, "host": "box",
                        "epochs": 1, "checkpoint": f"/nowhere/trial-{number}.pt"}))


def spec(**budget) -> SweepSpec:
    return SweepSpec(trials=1, study="old", **{"epochs": 1, "train_size": 200,
                                               "test_size": None, **budget}, **SMALL)


def test_trials_without_their_budget_take_the_studys():
    old_study()
    study = load_trials(None, "old")
    assert all("train_size" not in t.settings for t in study.trials)  # the old form
    assert budget_differences(study.trials, spec(), study.budget) == []
    assert budget_differences(study.trials, spec(train_size=2000, test_size=500),
                              study.budget) == [
        "200 training images where these settings say 2,000",
        "all 10,000 test images where these settings say 500"]
    assert budget_differences(study.trials, spec(epochs=2), study.budget) == [
        "1 epoch per trial where these settings say 2"]


def test_what_a_trial_noted_itself_comes_first():
    """Trials that noted their training images but not yet their test images (a version of the
    same day): the images their own; the test images the study's."""
    old_study(noted={"train_size": 500})
    study = load_trials(None, "old")
    assert budget_differences(study.trials, spec(train_size=200, test_size=100),
                              study.budget) == [
        "500 training images where these settings say 200",
        "all 10,000 test images where these settings say 100"]


def test_start_on_an_old_study_of_another_budget_asks(qtbot, state, monkeypatch):
    old_study()
    asked: list[str] = []

    def ask(self, text: str) -> bool:
        asked.append(text)
        return False  # Don't mix

    monkeypatch.setattr(SweepTab, "ask_to_mix_budgets", ask)
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    tab.form.space.set_vary(["lr"])
    tab.form.space.set_fixed("latent_dim", 4)
    tab.form.space.set_fixed("hidden", 16)
    tab.form.set_study_name("old")
    tab.form.set_budget(trials=1, epochs=1, train_size=2000, test_size=0)
    assert tab.start()
    qtbot.waitUntil(lambda: not tab.is_running(), timeout=30_000)
    assert len(asked) == 1
    assert "200 training images where these settings say 2,000" in asked[0]
    assert len(load_trials(None, "old").trials) == 2  # nothing was added
    assert "No trial was run" in tab.view.status()


def test_the_table_and_the_export_show_the_images_the_study_recorded(qtbot, state, tmp_path):
    """The table's Images column, its copy and its CSV agree with the question: the images an
    old trial did not note are the study's ("–", not recorded, before)."""
    import csv

    from PySide6.QtGui import QGuiApplication

    from vae_desktop.gui.tabs.sweep.trial_table import IMAGES_COLUMN

    old_study()
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    tab.show_study(load_trials(None, "old"))
    table = tab.view.table
    assert table.column_texts(IMAGES_COLUMN) == ["200", "200"]
    assert table.item(0, IMAGES_COLUMN).toolTip() == \
        "Trained on 200 training images, scored on all 10,000 test images."
    assert tab.export_trials_csv(str(tmp_path / "old.csv"))
    with open(tmp_path / "old.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["epochs_per_trial"], r["training_images"], r["test_images"]) for r in rows] == \
        [("1", "200", "all")] * 2
    tab.select_trial(1)
    assert table.copy_selected()
    copied = list(csv.DictReader(QGuiApplication.clipboard().text().splitlines(),
                                 delimiter="\t"))
    assert (copied[0]["training_images"], copied[0]["test_images"]) == ("200", "all")


def test_the_command_line_notes_another_budget_on_an_old_study_too(capsys):
    """`vae-desktop sweep` adds trials of another budget with a note; on a study of the old
    form it read the trials' notes only and said nothing."""
    from vae_desktop.cli import main

    old_study()
    assert main(["sweep", "--study", "old", "--trials", "1", "--vary", "lr", "--epochs", "1",
                 "--train-size", "300", "--test-size", "100", "--hidden", "16",
                 "--latent-dim", "4", "--no-prune"]) == 0
    err = capsys.readouterr().err
    assert ("note: study old's trials used 200 training images where these settings say 300; "
            "all 10,000 test images where these settings say 100") in err
