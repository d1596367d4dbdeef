"""Evaluate tab: a held-out model that was trained but not added to the models is never thrown
away without a word. Scoring the active model or training another held-out model asks first
(Keep it / Discard / Cancel, Cancel the default and Esc), and quitting says it would go.

The bug: "Score active model" replaced the held-out model, greyed "Add to models", and the
model (minutes of training at the default settings) was gone for good."""

from __future__ import annotations

import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from small_test_set import use_test_digits

from vae_desktop.core.anomaly import HoldoutOutcome, holdout_trainer, run_experiment
from vae_desktop.core.paths import models_dir
from vae_desktop.gui.state import AppState
from vae_desktop.gui.tabs.evaluate.anomaly_panel import CANCEL, DISCARD, KEEP, unkept_question
from vae_desktop.gui.tabs.evaluate.tab import EvaluateTab

N = 500  # test digits


@pytest.fixture(scope="module")
def outcome(mnist_test) -> HoldoutOutcome:
    """A real held-out run, as the panel's worker returns it: a model trained 1 epoch on 300
    training digits without 2, scored on the first 500 test digits."""
    trainer = holdout_trainer((2,), epochs=1, train_size=300, device="cpu")
    end = None
    for event in trainer.events():
        end = event
    assert end.status == "done" and end.epochs_trained == 1
    model = trainer.model.eval()
    result = run_experiment(model, trainer.train_data[0], mnist_test[0][:N], mnist_test[1][:N],
                            (2,), outlier_count=100)
    config = {**trainer.config.to_dict(), "train_size": 300,
              "digits": [0, 1, 3, 4, 5, 6, 7, 8, 9]}
    return HoldoutOutcome(model, (2,), end, trainer.train_data[0], list(trainer.history),
                          config, result)


@pytest.fixture(scope="module")
def shared_state(qapp, mnist_test):
    """The bundled models, the first 500 test digits (loaded once for the module)."""
    state = AppState()
    state.load_library()
    with pytest.MonkeyPatch.context() as patch:
        use_test_digits(state, mnist_test, patch, N)
        yield state
        state.workers.stop_all()
        state.workers.wait_all(30)


@pytest.fixture
def app_state(shared_state):
    """The shared state, its 16-D VAE active; its models folder is this test's own."""
    shared_state.set_active(shared_state.find_model(conditional=False, latent_dim=16))
    return shared_state


@pytest.fixture
def tab(qtbot, app_state):
    tab = EvaluateTab(app_state)
    qtbot.addWidget(tab)
    yield tab
    assert tab.shutdown()


def trained(panel, outcome) -> None:
    """The panel's held-out run has just finished with `outcome` (its worker's on_done)."""
    panel._on_holdout_done(outcome)
    assert panel.detector.model is outcome.model and panel.keep_button.isEnabled()


def answering(monkeypatch, panel, answer: str) -> list[str]:
    """Make the panel's question answer `answer`; returns what it was asked."""
    asked = []

    def ask(doing: str) -> str:
        asked.append(doing)
        return answer

    monkeypatch.setattr(panel, "ask_about_unkept", ask)
    return asked


def test_score_active_model_asks_and_cancel_keeps_the_held_out_model(tab, outcome, monkeypatch):
    panel = tab.anomaly
    trained(panel, outcome)
    result = panel.result
    asked = answering(monkeypatch, panel, CANCEL)
    panel.active_button.click()
    assert len(asked) == 1 and "score the active model" in asked[0].lower()
    # Nothing changed: the held-out model, its result and "Add to models" are all still there.
    assert panel.detector.model is outcome.model and panel.detector.source is None
    assert panel.result is result and panel.keep_button.isEnabled() and not panel.scoring


def test_discard_scores_the_active_model(tab, outcome, monkeypatch, app_state):
    panel = tab.anomaly
    trained(panel, outcome)
    models = len(app_state.models)
    asked = answering(monkeypatch, panel, DISCARD)
    panel.active_button.click()
    assert len(asked) == 1
    assert panel.detector.source is app_state.active and panel.scoring
    assert not panel.keep_button.isEnabled() and len(app_state.models) == models
    assert panel.unkept_model() is None  # nothing more to ask about


def test_keep_it_adds_the_model_then_scores_the_active_one(tab, outcome, monkeypatch, app_state):
    panel = tab.anomaly
    trained(panel, outcome)
    models = len(app_state.models)
    answering(monkeypatch, panel, KEEP)
    panel.active_button.click()
    assert len(app_state.models) == models + 1
    kept = app_state.models[-1]
    assert kept is panel.kept and "without 2" in kept.name and kept.path.parent == models_dir()
    for name, weights in outcome.model.state_dict().items():
        assert torch.equal(kept.model.state_dict()[name], weights)  # the very model trained
    assert panel.detector.source is app_state.active and panel.scoring


def test_nothing_is_asked_when_the_model_was_added_or_there_is_none(tab, outcome, monkeypatch):
    panel = tab.anomaly
    asked = answering(monkeypatch, panel, CANCEL)
    panel.active_button.click()  # no held-out model at all
    assert asked == [] and panel.detector.source is tab.state.active
    trained(panel, outcome)
    assert panel.keep_holdout_model() is not None
    panel.score_active()  # added to the models: nothing to lose
    assert asked == [] and panel.detector.source is tab.state.active


def test_training_another_held_out_model_asks_too(tab, outcome, monkeypatch):
    panel = tab.anomaly
    trained(panel, outcome)
    asked = answering(monkeypatch, panel, CANCEL)
    panel.train_button.click()
    assert len(asked) == 1 and "train another" in asked[0].lower()
    assert not panel.training and panel.detector.model is outcome.model
    assert panel.keep_button.isEnabled()


def test_a_model_change_keeps_the_held_out_model(tab, outcome, app_state):
    panel = tab.anomaly
    trained(panel, outcome)
    app_state.set_active(app_state.find_model(conditional=True, latent_dim=2))
    assert panel.detector.model is outcome.model and panel.keep_button.isEnabled()
    assert panel.unkept_model() is panel.detector


def test_quitting_says_the_held_out_model_would_be_lost(tab, outcome):
    assert tab.unkept_reason() is None and tab.quit_note() is None
    panel = tab.anomaly
    trained(panel, outcome)
    reason = tab.unkept_reason()
    assert reason == "The model without 2 (1 epoch) trained on the Evaluate tab has not been " \
                     "added to the models."
    assert tab.busy_reason() is None  # nothing runs: the question does not say "Stop it"
    assert "Add to models" in tab.quit_note() and "discards" in tab.quit_note()
    panel.keep_button.click()
    assert tab.unkept_reason() is None and tab.quit_note() is None


def test_the_question_defaults_to_cancel(qtbot):
    box = unkept_question(None, "model without 2 (1 epoch)", "score the active model")
    qtbot.addWidget(box)
    texts = {button.text(): button for button in box.buttons()}
    assert set(texts) == {"Keep it", "Discard", "Cancel"}
    assert box.defaultButton() is texts["Cancel"] and box.escapeButton() is texts["Cancel"]
    assert "model without 2 (1 epoch)" in box.text() and box.text().endswith(".")
    for name in ("Keep it", "Discard"):
        assert texts[name].toolTip().endswith(".")


@pytest.mark.parametrize(("key", "expected"), [(Qt.Key_Escape, CANCEL), (Qt.Key_Return, CANCEL)])
def test_esc_and_enter_answer_cancel(tab, outcome, key, expected, after):
    """The real dialog, answered from the keyboard."""
    panel = tab.anomaly
    trained(panel, outcome)
    rescued = []

    def press() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            after(10, press)
            return
        QTest.keyClick(box, key)

    def rescue() -> None:  # a dialog left open would hang the test
        box = QApplication.activeModalWidget()
        if box is not None:
            rescued.append(box)
            box.done(-1)

    after(0, press)
    after(3000, rescue)
    assert panel.ask_about_unkept("score the active model") == expected
    assert not rescued


def test_closing_waits_for_a_scoring_replaced_while_it_ran(tab, outcome, monkeypatch, qtbot):
    """A scoring replaced by another (the score changed while it ran) runs on to the end of its
    step. Closing the tab waits for it as for the one shown, so none of its callbacks comes
    after the tab is gone (it came, on deleted widgets, once pytest-qt's deletions were
    carried out at once)."""
    import threading
    import time

    import vae_desktop.gui.tabs.evaluate.anomaly_panel as anomaly_panel

    started = []

    def slow_steps(*args):
        started.append(threading.Event())
        first = len(started) == 1
        yield 0.05
        started[-1].set()
        time.sleep(1.0 if first else 0.1)  # one long step, the replaced scoring's the longer
        yield 0.5

    monkeypatch.setattr(anomaly_panel, "scoring_steps", slow_steps)
    panel = tab.anomaly
    trained(panel, outcome)
    panel.score_combo.setCurrentIndex(1)  # scores with the held-out model
    qtbot.waitUntil(lambda: bool(started) and started[0].is_set(), timeout=10_000)
    panel.score_combo.setCurrentIndex(0)  # replaces that scoring mid-step
    assert panel.scoring
    # (The shared state may still be making a test-set pass for an earlier test.)
    scorings = [job for job in tab.state.workers.jobs
                if job.running and job.name.startswith("anomaly scores")]
    assert len(scorings) == 2
    assert tab.shutdown(timeout_s=10)
    assert not [job for job in scorings if job.running]
