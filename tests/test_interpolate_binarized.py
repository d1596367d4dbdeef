"""The Interpolate tab with a model trained on binarised MNIST (mnist-vae-z50-binarized): an end
taken from an image (a test digit, the drawing) is encoded binarised, as the model's test-set
pass (Latent space) and the Draw tab see it, and its preview shows the pixels the model saw. The
bug: the grey levels were encoded, so the drawing's end was not where Latent space and the Draw
tab put the drawing."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from vae_desktop.core.data import binarize_fixed
from vae_desktop.core.digit_analysis import analyse_digit
from vae_desktop.gui.tabs.interpolate.tab import InterpolateTab


@pytest.fixture
def tab(app_state, qtbot):
    app_state.set_active(next(m for m in app_state.models if m.config.binarized))
    widget = InterpolateTab(app_state)
    qtbot.addWidget(widget)
    widget.resize(1200, 720)
    widget.show()
    qtbot.waitExposed(widget)
    widget.end_a.set_kind("index")
    widget.end_a.index_spin.setValue(1)  # a 2
    widget.end_b.set_kind("drawing")
    return widget


def encoded(model, image) -> torch.Tensor:
    with torch.no_grad():
        return model.encode(torch.as_tensor(image).reshape(1, 1, 28, 28))[0][0]


def binarised(image: np.ndarray) -> np.ndarray:
    return binarize_fixed(torch.from_numpy(image).reshape(1, 1, 28, 28), keep=False)[0, 0].numpy()


def test_image_ends_are_encoded_binarised_as_the_model_sees_them(tab, app_state):
    model = app_state.active.model
    grey = app_state.test_set()[0][1].numpy().astype(np.float32) / 255
    drawing = app_state.test_set()[0][0].numpy().astype(np.float32) / 255  # a 7, as a drawing
    app_state.set_drawing(drawing, origin="seven.png")
    tab.refresh_now()
    a, b = tab.ends
    assert np.array_equal(a.image, binarised(grey))
    assert a.caption == "test #1, a 2, binarised"
    torch.testing.assert_close(a.code, encoded(model, binarised(grey)))
    assert (a.code - encoded(model, grey)).abs().max() > 0.05
    # The drawing's end is where the Draw tab (and so Latent space) puts the drawing.
    assert np.array_equal(b.image, binarised(drawing))
    assert b.caption == "seven.png, binarised"
    np.testing.assert_allclose(b.code.numpy(), analyse_digit(model, drawing).mu, atol=1e-5)
    torch.testing.assert_close(tab.codes["linear"][0], a.code)
