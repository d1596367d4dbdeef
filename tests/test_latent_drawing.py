"""The Latent space tab with the Draw tab beside it, as in the app: Go to drawing decodes the
drawing under the label it was encoded with, and the star says which drawing it marks."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from small_test_set import use_test_digits

from vae_desktop.gui.state import one_hot
from vae_desktop.gui.tabs.draw.tab import DrawTab
from vae_desktop.gui.tabs.latent.tab import LatentTab

N = 2000  # test digits in each model's test-set pass here (test image #1790 is among them)


@pytest.fixture
def app_state(app_state, mnist_test, monkeypatch):
    return use_test_digits(app_state, mnist_test, monkeypatch, N)


@pytest.fixture
def tabs(app_state, qtbot):
    draw, latent = DrawTab(app_state), LatentTab(app_state)
    for tab in (draw, latent):
        qtbot.addWidget(tab)
        tab.resize(1200, 700)
    latent.show()
    qtbot.waitExposed(latent)
    return draw, latent


def activate(state, qtbot, latent, conditional: bool, latent_dim: int = 2):
    state.set_active(state.find_model(conditional=conditional, latent_dim=latent_dim))
    qtbot.waitUntil(lambda: latent.stats is not None, timeout=60_000)
    return state.active.model


def mnist_digit(state, index: int) -> np.ndarray:
    return state.test_set()[0][index].numpy().astype(np.float32) / 255


def decoded(model, z, weights) -> np.ndarray:
    with torch.no_grad():
        return model.decode(torch.as_tensor(z).reshape(1, -1),
                            torch.as_tensor(weights).reshape(1, -1))[0, 0].numpy()


@pytest.mark.parametrize("latent_dim", [2, 16])
def test_go_to_drawing_decodes_it_under_the_label_it_was_encoded_with(app_state, qtbot, tabs,
                                                                      latent_dim):
    """Bug: Draw said "Looks like a 7", but Go to drawing read "decoded as 0" and showed a 0 (with
    test image #1790, read as a 9, a 5): the Decode-as label stayed as it was."""
    draw, latent = tabs
    model = activate(app_state, qtbot, latent, conditional=True, latent_dim=latent_dim)
    latent.set_label(5)
    app_state.set_drawing(mnist_digit(app_state, 1790), origin="test image #1790")
    guess = draw.analysis.best_labels[0]
    assert draw.analysis.label == guess != 5
    latent.point_box.drawing_button.click()
    point = app_state.latent_point
    np.testing.assert_array_equal(point.code, draw.analysis.mu)
    assert point.label == guess and latent.label == guess
    assert latent.label_box.checked_label() == guess
    assert f"decoded as <b>{guess}</b>" in latent.point_box.coord_label.text()
    np.testing.assert_allclose(latent.current_image(),
                               decoded(model, point.code, one_hot(guess, 10)), atol=1e-6)
    # A label chosen on Draw's "Reconstruct as": the drawing is encoded, and decoded, as that.
    draw.label_combo.setCurrentIndex(draw.label_combo.findData(3))
    assert draw.analysis.label == 3
    latent.point_box.drawing_button.click()
    np.testing.assert_array_equal(app_state.latent_point.code, draw.analysis.mu)
    assert app_state.latent_point.label == 3 and latent.label_box.checked_label() == 3
    np.testing.assert_allclose(latent.current_image(),
                               decoded(model, draw.analysis.mu, one_hot(3, 10)), atol=1e-6)


def test_go_to_drawing_with_an_unconditional_model(app_state, qtbot, tabs):
    draw, latent = tabs
    model = activate(app_state, qtbot, latent, conditional=False)
    app_state.set_drawing(mnist_digit(app_state, 0), origin="test image #0")
    latent.point_box.drawing_button.click()
    point = app_state.latent_point
    np.testing.assert_array_equal(point.code, draw.analysis.mu)
    assert point.label_weights is None and latent.label is None
    with torch.no_grad():
        expected = model.decode(torch.from_numpy(point.code)[None])[0, 0].numpy()
    np.testing.assert_allclose(latent.current_image(), expected, atol=1e-6)


def test_the_star_is_captioned_with_where_the_drawing_came_from(app_state, qtbot, tabs, tmp_path):
    """Bug: the star read "your drawing" for test image #1790 and for a loaded "huge.png"."""
    from PIL import Image

    draw, latent = tabs
    activate(app_state, qtbot, latent, conditional=True)
    caption = latent.canvas.drawing_text
    app_state.set_drawing(mnist_digit(app_state, 1790), origin="test image #1790")
    assert latent.canvas.drawing_mark.isVisible() and caption.toPlainText() == "test image #1790"
    picture = tmp_path / "huge.png"
    Image.fromarray((mnist_digit(app_state, 3) * 255).astype(np.uint8)).resize((900, 900)).save(picture)
    assert draw.open_file(str(picture))
    assert app_state.drawing.origin == "huge.png" and caption.toPlainText() == "huge.png"
    draw.canvas.clear()  # drawn on from scratch: the user's own
    app_state.set_drawing(mnist_digit(app_state, 1), origin="your drawing")
    assert caption.toPlainText() == "your drawing"
    # The caption of a long file name is cut, not the plot's width.
    app_state.set_drawing(mnist_digit(app_state, 2), origin="a" * 80 + ".png")
    assert len(caption.toPlainText()) <= 40 and caption.toPlainText().endswith("…")
    assert "a" * 80 in caption.toolTip()
