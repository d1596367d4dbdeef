"""Load puts the study's own sweep in the form: its objective, held-out digit and search space
(what varies, its ranges or choices, the fixed values) besides its budget, so Start continues
that study instead of failing with "Study ... already optimises ...".

The audit of 2026-12-05 loaded an AUROC study into a form set for the test loss: the form kept
"Test loss", and Start failed."""

from __future__ import annotations

import optuna
import pytest

from vae_desktop.core.sweep import SweepSpec, load_trials, run_sweep
from vae_desktop.gui.tabs.sweep.tab import SweepTab

optuna.logging.set_verbosity(optuna.logging.WARNING)


def auroc_study():
    """One trial of an AUROC study holding out 3: learning rate and hidden units vary."""
    return run_sweep(SweepSpec(
        vary=("lr", "hidden"), lr=(2e-4, 5e-3), hidden=(16, 32), trials=1, epochs=1,
        train_size=300, test_size=200, objective="auroc", holdout=3, study="auroc-3", seed=4,
        fixed={"latent_dim": 5, "batch_size": 64, "beta": 1.5, "arch": "mlp"}))


def test_a_loaded_study_says_its_search_space():
    space = load_trials(None, auroc_study().name).space
    assert space == {"vary": ["hidden", "lr"], "ranges": {"hidden": [16, 32], "lr": [2e-4, 5e-3]},
                     "fixed": {"latent_dim": 5, "batch_size": 64, "beta": 1.5, "arch": "mlp"},
                     "conditional": False}


def test_load_puts_the_objective_digit_and_search_space_in_the_form(qtbot, state):
    study = auroc_study()
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    form = tab.form
    assert form.objective() == "test_loss" and form.space.vary() == ("latent_dim", "lr")
    form.set_study_name(study.name)
    tab.load_study()
    qtbot.waitUntil(lambda: tab.view.table.rowCount() == 1, timeout=20_000)
    spec = form.spec()
    assert (spec.objective, spec.holdout) == ("auroc", 3)
    assert form.objective_combo.currentText().startswith("Held-out digit AUROC")
    assert form.holdout_spin.isEnabled() and form.holdout_spin.value() == 3
    assert spec.vary == ("hidden", "lr")
    assert spec.hidden == (16, 32) and spec.lr == pytest.approx((2e-4, 5e-3))
    assert {k: spec.fixed[k] for k in ("latent_dim", "batch_size", "beta", "arch")} == \
        {"latent_dim": 5, "batch_size": 64, "beta": 1.5, "arch": "mlp"}
    assert (spec.epochs, spec.train_size, spec.test_size) == (1, 300, 200)
    assert not spec.conditional and tab.error_text() == ""

    # Start continues that study: a second trial, no refusal.
    form.set_budget(trials=1)
    assert tab.start()
    qtbot.waitUntil(lambda: not tab.is_running(), timeout=60_000)
    assert tab.study_message() == ""
    trials = load_trials(None, study.name).trials
    assert len(trials) == 2 and trials[1].state == "COMPLETE" and 0.0 <= trials[1].value <= 1.0
