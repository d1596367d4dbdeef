"""At a run's end the Train tab keeps the grids its last event brought (reconstructions and
samples of the model as the run leaves it) instead of making them again on the GUI thread: the
run's model becomes the active one, and showing it used to decode the same grids a second time.
What stays on screen must be exactly the kept model's grids, also after a Stop, which takes the
model back to its last complete epoch."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from train_tab_support import make_tab, train

from vae_desktop.core.previews import Previews

GUI_THREAD = threading.get_ident()


@pytest.fixture
def gui_thread_grids(monkeypatch):
    """Previews.grids calls made on the GUI thread (the worker's are its own business)."""
    calls = []
    real = Previews.grids

    def counted(self, model):
        if threading.get_ident() == GUI_THREAD:
            calls.append(model)
        return real(self, model)

    monkeypatch.setattr(Previews, "grids", counted)
    return calls


def assert_shows_grids_of(tab, state, model) -> None:
    pairs, samples = Previews(*state.test_set()).grids(model)
    np.testing.assert_allclose(tab.results.pairs_view.image(), pairs, atol=1e-6)
    np.testing.assert_allclose(tab.results.samples_view.image(), samples, atol=1e-6)


def test_a_finished_run_keeps_its_last_grids(qtbot, app_state, gui_thread_grids):
    tab = make_tab(qtbot, app_state)
    assert tab.apply_settings({"epochs": 2})
    gui_thread_grids.clear()  # the active model's, shown before the run
    summary = train(qtbot, tab)
    assert summary.status == "done"
    assert app_state.active.model is summary.model
    assert gui_thread_grids == []  # not decoded again for the active model
    assert_shows_grids_of(tab, app_state, summary.model)


def test_a_stopped_run_keeps_the_grids_of_its_last_complete_epoch(qtbot, app_state,
                                                                  gui_thread_grids):
    tab = make_tab(qtbot, app_state)
    # Epochs long enough (469 steps) that the Stop lands in the second: it is asked between
    # two batches, so the run ends at once.
    assert tab.apply_settings({"epochs": 3, "train_size": 60_000})
    real = tab._on_event  # bound at Start: wrapped to press Stop after the first epoch

    def on_event(event) -> None:
        real(event)
        if tab.epochs_received == 1 and tab.is_training():
            tab.stop()

    tab._on_event = on_event
    gui_thread_grids.clear()
    summary = train(qtbot, tab)
    assert summary.status == "stopped" and summary.epochs_trained < 3, summary
    assert app_state.active.model is summary.model
    assert gui_thread_grids == []
    assert_shows_grids_of(tab, app_state, summary.model)


def test_another_model_made_active_gets_its_own_grids(qtbot, app_state, gui_thread_grids):
    tab = make_tab(qtbot, app_state)
    train(qtbot, tab)
    gui_thread_grids.clear()
    other = app_state.find_model(conditional=True, latent_dim=16)
    app_state.set_active(other)
    assert gui_thread_grids == [other.model]
    assert_shows_grids_of(tab, app_state, other.model)
