"""What "Use best in Train tab" and "Train with these settings" hand over: everything that defined
the trial's training (its images, seed, and the settings a sweep never varies) so the Train tab
trains the same thing, and the budget's image counts written as the Train tab writes them."""

from __future__ import annotations

from vae_desktop.core.sweep import SweepSpec, SweepStudy, TrialRecord, load_trials, run_sweep
from vae_desktop.gui.tabs.sweep.tab import SweepTab
from vae_desktop.gui.tabs.train.tab import TrainTab


def _record(number: int, value: float, **settings) -> TrialRecord:
    trained = {"latent_dim": 8, "hidden": 64, "lr": 1e-3, "batch_size": 128, "beta": 1.0,
               "arch": "mlp", "conditional": False, "epochs": 2, **settings}
    return TrialRecord(number, "COMPLETE", value, {"lr": 1e-3}, trained, {1: value}, 3.0)


def tabs(qtbot, state) -> tuple[SweepTab, TrainTab]:
    sweep_tab, train = SweepTab(state), TrainTab(state)
    qtbot.addWidget(sweep_tab)
    qtbot.addWidget(train)
    # The Train tab holds what a person set before: 3 layers, all images, warm-up, seed 42.
    assert train.apply_settings({"layers": 3, "train_size": 0, "beta_warmup": 5, "seed": 42,
                                 "binarized": True})
    return sweep_tab, train


def test_a_trial_records_its_images_and_seed_and_use_best_sends_them(qtbot, state, tmp_path):
    url = f"sqlite:///{(tmp_path / 'sweeps.db').as_posix()}"
    run_sweep(SweepSpec(vary=("lr",), fixed={"hidden": 16, "latent_dim": 2}, trials=1, epochs=1,
                        train_size=300, test_size=100, storage=url, study="handover", seed=7,
                        prune=False))
    [trial] = load_trials(url, "handover").trials
    assert (trial.settings["train_size"], trial.settings["seed"]) == (300, 7 + trial.number)
    sweep_tab, train = tabs(qtbot, state)
    sweep_tab.show_study(load_trials(url, "handover"))
    sweep_tab.use_best()
    values = train.settings_dict()
    assert train.message == ""
    assert (values["train_size"], values["seed"], values["epochs"], values["lr"]) == (
        300, 7 + trial.number, 1, float(f"{trial.params['lr']:.3g}"))
    assert (values["layers"], values["beta_warmup"], values["binarized"]) == (1, 0, False)


def test_an_older_trial_takes_its_images_from_the_study_budget(qtbot, state):
    """Trials swept before they noted their images: the study's budget says them (its first,
    which Load puts in the form); their seed is not known, so the Train tab keeps its own."""
    sweep_tab, train = tabs(qtbot, state)
    study = SweepStudy("older", "sqlite:///x.db", "test_loss", None, "minimize",
                       [_record(0, 200.0)], budget={"epochs": 2, "train_size": 2000,
                                                    "test_size": 500})
    sweep_tab.show_study(study)
    with qtbot.waitSignal(state.training_settings_requested, timeout=1000) as blocker:
        sweep_tab.use_best()
    assert blocker.args[0]["train_size"] == 2000 and "seed" not in blocker.args[0]
    values = train.settings_dict()
    assert (values["train_size"], values["seed"], values["layers"]) == (2000, 42, 1)

    # A study whose budget was never recorded: the images are not known either.
    sweep_tab.show_study(SweepStudy("oldest", "sqlite:///x.db", "test_loss", None, "minimize",
                                    [_record(0, 200.0)]))
    with qtbot.waitSignal(state.training_settings_requested, timeout=1000) as blocker:
        sweep_tab.use_best()
    assert "train_size" not in blocker.args[0]
    assert train.settings_dict()["train_size"] == 2000  # as it was


def test_image_counts_read_as_in_the_train_tab(qtbot, state):
    sweep_tab, train = tabs(qtbot, state)
    form = sweep_tab.form
    form.set_budget(train_size=10_000, test_size=2_000)
    # Thousands separated, as the Train tab writes them (its label says "images" already).
    assert (form.train_spin.text(), form.test_spin.text()) == ("10,000", "2,000")
    train.apply_settings({"train_size": 2000})
    assert train.field("train_size").text() == "2,000 images"
    form.set_budget(train_size=0, test_size=0)
    assert (form.train_spin.text(), form.test_spin.text()) == ("all 60,000", "all 10,000")
    sweep_tab.resize(1280, 720)
    sweep_tab.show()
    qtbot.waitExposed(sweep_tab)
    form.set_budget(train_size=60_000, test_size=10_000)
    for spin in (form.train_spin, form.test_spin):  # the widest value fits its box
        edit = spin.lineEdit()
        assert edit.fontMetrics().horizontalAdvance(edit.text()) < edit.contentsRect().width()
    scroll = form.parentWidget().parentWidget()
    assert form.width() <= scroll.viewport().width()  # and the form fits its column


def test_an_auroc_studys_trial_goes_with_the_digits_it_was_trained_on(qtbot, state):
    """Use best on a study of the held-out-2 AUROC sent no digits: the Train tab then trained
    on every digit, another model than the trial's, without a word. A test-loss study's trial
    sends every digit explicitly, so digits left out in the form before come back."""
    sweep_tab, train = tabs(qtbot, state)
    assert train.apply_settings({"digits": (0, 1)})
    auroc = SweepStudy("held out", "sqlite:///x.db", "auroc", 2, "maximize", [_record(0, 0.8)],
                       budget={"epochs": 2, "train_size": 2000, "test_size": 500})
    sweep_tab.show_study(auroc)
    sweep_tab.use_best()
    assert train.settings_dict()["digits"] == (0, 1, 3, 4, 5, 6, 7, 8, 9)
    sweep_tab.show_study(SweepStudy("loss", "sqlite:///x.db", "test_loss", None, "minimize",
                                    [_record(0, 200.0)]))
    sweep_tab.use_best()
    assert train.settings_dict()["digits"] is None


def test_settings_sent_while_a_model_trains_wait_for_no_run(qtbot, state, monkeypatch):
    """Ctrl+Shift+B during a run filled the Train tab's disabled form with the trial's
    settings, under a header naming the run's: nothing is filled in then, and it says why."""
    sweep_tab, train = tabs(qtbot, state)
    before = train.settings_dict()
    monkeypatch.setattr(TrainTab, "is_training", lambda self: True)
    said = []
    state.status_message.connect(lambda text, *_: said.append(text))
    sweep_tab.train_with(_record(0, 200.0, latent_dim=5))
    assert train.settings_dict() == before
    assert "A model is training" in said[-1] and "not filled in" in said[-1]  # the last word
