"""One latent point, the state's: what the Latent space tab shows is what the Interpolate tab's
"Latent space point" end takes. Bug: after switching the active model (or a training run
finishing), Latent space showed a red point at (0.00, 0.00) with its decoded digit, while
Interpolate said "No point has been picked on the Latent space tab yet" and showed no frames:
the state had dropped its point and Latent space drew z = 0 without it."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from latent_tab_support import decoded

from vae_desktop.core import data as data_module
from vae_desktop.core.checkpoint import Checkpoint
from vae_desktop.core.data import load_split
from vae_desktop.gui.state import one_hot
from vae_desktop.gui.tabs.interpolate.tab import InterpolateTab
from vae_desktop.gui.tabs.latent.tab import LatentTab


@pytest.fixture
def tabs(app_state, qtbot, monkeypatch):
    monkeypatch.setattr(data_module, "load_split", lambda split: load_split(split, size=500))
    latent_tab, interpolate = LatentTab(app_state), InterpolateTab(app_state)
    for tab in (latent_tab, interpolate):
        qtbot.addWidget(tab)
        tab.resize(1200, 700)
        tab.show()
    interpolate.end_a.set_kind("index")
    interpolate.end_b.set_kind("latent")
    return latent_tab, interpolate


def assert_one_point(state, latent_tab, interpolate, code, weights=None) -> None:
    """The state holds `code` (under `weights`), Latent space shows it, Interpolate's B is it."""
    point = state.latent_point
    assert point is not None
    np.testing.assert_array_equal(point.code, code)
    if weights is None:
        assert point.label_weights is None
    else:
        np.testing.assert_array_equal(point.label_weights, weights)
    np.testing.assert_array_equal(latent_tab.z.numpy(), code)
    model = state.active.model
    np.testing.assert_array_equal(latent_tab.current_image(), decoded(model, code, weights))
    interpolate.refresh_now()
    assert "No point has been picked" not in interpolate.message.text()
    b = interpolate.ends[1]
    assert b.problem == "" and b.code.tolist() == code.tolist()
    if weights is not None:
        np.testing.assert_array_equal(b.weights, weights)
    assert interpolate.frames and interpolate.codes["linear"][-1].tolist() == code.tolist()


def test_a_new_active_model_starts_at_its_origin_everywhere(app_state, tabs, qtbot):
    latent_tab, interpolate = tabs
    app_state.set_active(app_state.find_model(conditional=False, latent_dim=2))
    qtbot.waitUntil(lambda: latent_tab.stats is not None, timeout=60000)
    latent_tab.pick(1.25, -0.5)
    assert_one_point(app_state, latent_tab, interpolate, np.array([1.25, -0.5], np.float32))
    # Another model: the origin of its 16 dimensions, on both tabs (a conditional model with
    # no label before it: decoded as a 0).
    app_state.set_active(app_state.find_model(conditional=True, latent_dim=16))
    qtbot.waitUntil(lambda: latent_tab.stats is not None, timeout=60000)
    assert app_state.latent_point.origin == "Latent space"
    assert_one_point(app_state, latent_tab, interpolate, np.zeros(16, np.float32), one_hot(0, 10))
    assert "at the origin" in interpolate.ends[1].caption
    # The next conditional model: its origin under the label the last point had.
    latent_tab.set_label(7)
    assert app_state.latent_point.label == 7
    app_state.set_active(app_state.find_model(conditional=True, latent_dim=2))
    qtbot.waitUntil(lambda: latent_tab.stats is not None, timeout=60000)
    assert latent_tab.label_box.checked_label() == 7
    assert_one_point(app_state, latent_tab, interpolate, np.zeros(2, np.float32), one_hot(7, 10))
    # No model: no point.
    app_state.set_active(None)
    assert app_state.latent_point is None


def test_a_model_a_run_just_trained_starts_at_its_origin(app_state, tabs, qtbot):
    """A run's model is added and made active (as the Train tab does when a run finishes),
    also while another tab is in view."""
    latent_tab, interpolate = tabs
    app_state.set_active(app_state.find_model(conditional=True, latent_dim=2))
    qtbot.waitUntil(lambda: latent_tab.stats is not None, timeout=60000)
    latent_tab.pick(0.5, 0.5)
    latent_tab.hide()  # the Train tab is in view
    base = app_state.find_model(conditional=False, latent_dim=2)
    model = copy.deepcopy(base.model)  # a model of its own, as a run's is
    trained = app_state.add_model(Checkpoint(model, base.config, name="just trained"))
    assert app_state.active is trained
    np.testing.assert_array_equal(app_state.latent_point.code, np.zeros(2, np.float32))
    assert app_state.latent_point.label_weights is None  # an unconditional model
    latent_tab.show()
    qtbot.waitUntil(lambda: latent_tab.stats is not None, timeout=60000)
    assert_one_point(app_state, latent_tab, interpolate, np.zeros(2, np.float32))
