"""The Draw tab with a model trained on binarised MNIST (mnist-vae-z50-binarized): the drawing is
scored binarised, as the Evaluate pass scored the test digits its histogram and percentile come
from, the model input shows the black-and-white pixels the model saw, and the tab says so.

The bug: the drawing went to the model as grey levels while its histogram was of binarised test
digits, so every drawing scored about 4.6 nats worse than a test digit like it."""

from __future__ import annotations

import numpy as np
import pytest
from draw_tab_support import (
    SEVEN,
    digit_image,
    settled,
    short_test_set,
    stroke,
    wait_for_test_pass,
)

from vae_desktop.core.data import binarize_fixed
from vae_desktop.core.metrics import percentile_of
from vae_desktop.gui.tabs.draw.tab import DrawTab

DIGITS = 40  # grey test digits opened as drawings


@pytest.fixture
def tab(qtbot, app_state, mnist_test, monkeypatch):
    state = short_test_set(app_state, mnist_test, monkeypatch)
    state.set_active(next(m for m in state.models if m.config.binarized))
    widget = DrawTab(state)
    qtbot.addWidget(widget)
    widget.resize(1260, 740)
    widget.show()
    qtbot.waitExposed(widget)
    wait_for_test_pass(qtbot, state)
    qtbot.waitUntil(lambda: widget.histogram.reference is not None)
    return widget


def test_a_test_digit_scores_in_the_draw_tab_as_in_the_evaluate_pass(tab, app_state, mnist_test):
    report = app_state.test_pass(app_state.active)
    assert report.binarized
    scores = report.scores["loss"].numpy()
    # As the Evaluate tab opens one: binarised as it was scored. Its score is the pass's.
    scored = binarize_fixed(app_state.test_set()[0], keep=False)
    for i in (0, 5, 77):
        app_state.set_drawing(scored[i, 0].numpy(), origin=f"test image #{i} (binarised)")
        assert tab.analysis.loss == pytest.approx(float(scores[i]), abs=1e-3)
    # The grey levels of a test digit (a scan of one, a digit drawn like it): scored binarised,
    # so on average as the pass scored the same digits (before: 4.6 nats worse).
    drawn, seen = [], set()
    for i in range(DIGITS):
        app_state.set_drawing(digit_image(mnist_test, i), origin="a grey test digit")
        drawn.append(tab.analysis.loss)
        seen |= set(np.unique(tab.input_view.image()).tolist())
    assert abs(np.mean(drawn) - scores[:DIGITS].mean()) < 1.5
    assert seen == {0.0, 1.0}  # the model input shows the pixels it scored
    assert tab.analysis.percentile == pytest.approx(percentile_of(drawn[-1], report.scores["loss"]))


def test_a_drawing_is_shown_and_explained_as_the_model_sees_it(qtbot, tab, app_state):
    stroke(qtbot, tab.canvas, SEVEN)
    qtbot.waitUntil(lambda: settled(tab))
    seen = tab.input_view.image()
    assert set(np.unique(seen).tolist()) == {0.0, 1.0}  # the black-and-white pixels it scored
    assert np.array_equal(seen, tab.analysis.image)
    assert np.array_equal(tab.diff_view.image(), np.abs(tab.analysis.reconstruction - seen))
    # The grey-level drawing stays the tab's drawing (other tabs get it as drawn).
    assert not set(np.unique(tab.model_input).tolist()) <= {0.0, 1.0}
    assert np.array_equal(app_state.drawing.image, tab.model_input)
    # Where the score is explained, it says so.
    assert "binarised" in tab.images_panel.input_caption.text()
    assert "binarised" in tab.images_panel.input_caption.toolTip()
    assert "binarised" in tab.loss_label.toolTip() and "same score" in tab.loss_label.toolTip()
    assert "binarised" in tab.histogram.toolTip()
    # A grey-level model: nothing of it.
    app_state.set_active(app_state.find_model(conditional=False, latent_dim=2))
    assert "binarised" not in tab.images_panel.input_caption.text()
    assert "binarised" not in tab.loss_label.toolTip() and "binarised" not in tab.histogram.toolTip()
    assert np.array_equal(tab.input_view.image(), tab.model_input)
