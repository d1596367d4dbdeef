"""Style transfer with a CVAE trained on binarised MNIST: the image is encoded (and its label
guessed) binarised, as the Draw tab scores a drawing for such a model (core.data.binarize_fixed,
the test digits' seeded draw). The bug: the grey levels went to an encoder that had only ever
seen pixels of 0 and 1. No bundled CVAE is binarised: a small one is trained here (1,500 digits,
one epoch)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from vae_desktop.core import generate
from vae_desktop.core.checkpoint import Checkpoint
from vae_desktop.core.data import binarize_fixed, load_split
from vae_desktop.core.training import TrainConfig, Trainer, new_model
from vae_desktop.gui.tabs.conditional.tab import ConditionalTab


@pytest.fixture(scope="module")
def binarized_cvae():
    model = new_model(1, latent_dim=2, hidden=128, num_classes=10, binarized=True)
    Trainer(model, load_split("train", size=1500), None,
            TrainConfig(epochs=1, batch_size=100, lr=3e-3, device="cpu")).run()
    return model.eval()


def grey_digit(mnist_test, index: int) -> torch.Tensor:
    return mnist_test[0][index].float().div(255.0)


def code_of(model, image: torch.Tensor, label: int) -> torch.Tensor:
    with torch.no_grad():
        return model.encode(image.reshape(1, 1, 28, 28), torch.tensor([label]))[0][0]


@pytest.mark.parametrize("label", [None, 3])  # guessed by the model, or given
def test_a_binarised_cvae_restyles_the_binarised_image(binarized_cvae, mnist_test, label):
    grey = grey_digit(mnist_test, 0)  # a 7, with many grey pixels at its edges
    binary = binarize_fixed(grey.reshape(1, 1, 28, 28), keep=False)[0, 0]
    assert set(binary.unique().tolist()) == {0.0, 1.0}
    style = generate.style_transfer(binarized_cvae, grey, label)
    as_binary = generate.style_transfer(binarized_cvae, binary, label)
    assert style.label == as_binary.label
    torch.testing.assert_close(style.code, as_binary.code)
    torch.testing.assert_close(style.images, as_binary.images)
    if label is None:
        torch.testing.assert_close(style.probs, as_binary.probs)
    # The grey image's own code is elsewhere: the encoder did get the binarised pixels.
    assert (style.code - code_of(binarized_cvae, grey, style.label)).abs().max() > 0.03


def test_a_grey_level_cvae_still_restyles_the_grey_image(bundled, mnist_test):
    model = bundled["mnist-cvae-z2"].model.eval()
    assert not model.config.binarized
    grey = grey_digit(mnist_test, 0)
    style = generate.style_transfer(model, grey, 7)
    torch.testing.assert_close(style.code, code_of(model, grey, 7))


def test_the_conditional_tab_restyles_a_binarised_cvaes_input_binarised(
        binarized_cvae, app_state, qtbot):
    app_state.add_model(Checkpoint(binarized_cvae, binarized_cvae.config),
                        name="tiny binarised cvae")
    tab = ConditionalTab(app_state)
    qtbot.addWidget(tab)
    tab.resize(1100, 720)
    tab.show()
    qtbot.waitExposed(tab)
    tab.test_index.setValue(0)
    tab.refresh_now()
    grey = app_state.test_set()[0][0].float().div(255.0)
    binary = binarize_fixed(grey.reshape(1, 1, 28, 28), keep=False)[0, 0]
    assert tab.style is not None
    torch.testing.assert_close(tab.style.code, code_of(binarized_cvae, binary, tab.style.label))
    assert (tab.style.code - code_of(binarized_cvae, grey, tab.style.label)).abs().max() > 0.03
    # The source is shown (and exported) as the model saw it, and the tab says so.
    assert np.array_equal(tab.source_view.image(), binary.numpy())
    assert tab.source_caption.text() == "test #0 (a 7), binarised"
    assert "binarised MNIST" in tab.source_view.toolTip()
    assert np.array_equal(tab.export_image("style")[2:30, 2:30], binary.numpy())  # 2 px frame
    # A grey-level model's source is the grey image, as before.
    app_state.set_active(app_state.find_model(conditional=True, latent_dim=2))
    tab.refresh_now()
    assert np.allclose(tab.source_view.image(), grey.numpy())
    assert tab.source_caption.text() == "test #0 (a 7)"
    assert "binarised" not in tab.source_view.toolTip()
