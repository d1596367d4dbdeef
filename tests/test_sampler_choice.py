"""The sampler choice on the Latent space tab's Random samples page and the Conditional tab: the
prior by default, the mixture fitted in the background with its status shown, the newest model
winning when the model changes mid-fit, and a refit when the weights change."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from vae_desktop.core import data as data_module
from vae_desktop.core import mixture
from vae_desktop.core.data import load_split
from vae_desktop.core.library import ModelLibrary
from vae_desktop.gui.mixture_cache import MixtureSource
from vae_desktop.gui.state import AppState
from vae_desktop.gui.tabs.conditional.tab import ConditionalTab
from vae_desktop.gui.tabs.latent.controls import SAMPLE_COUNT
from vae_desktop.gui.tabs.latent.tab import LatentTab

SMALL = mixture.FitSettings(components=20, label_components=4)
TRAIN = 2000  # the models are marked as trained on the first 2,000 images: a fit takes a second


@pytest.fixture
def small_state(qapp, tmp_path, monkeypatch):
    monkeypatch.setattr(data_module, "load_split", lambda split: load_split(split, size=2000))
    state = AppState(library=ModelLibrary(index=tmp_path / "library.json", scan=()))
    state.mixtures = MixtureSource(state.workers, state, mixture.MixtureCache(tmp_path / "mix"), SMALL)
    state.load_library()
    for ckpt in state.models:
        ckpt.train_config = {**ckpt.train_config, "train_size": TRAIN}
    yield state
    state.workers.stop_all()
    state.workers.wait_all(30)


def grid_cell(image: np.ndarray, k: int) -> np.ndarray:
    r, c = divmod(k, 8)
    return image[2 + r * 30:30 + r * 30, 2 + c * 30:30 + c * 30]


def decoded(model, z, label=None) -> np.ndarray:
    with torch.no_grad():
        return model.decode(z.reshape(1, -1), label)[0, 0].numpy()


def test_latent_samples_switch_to_the_mixture_in_the_background(small_state, qtbot):
    state = small_state
    first = state.find_model(conditional=False, latent_dim=16)
    second = state.find_model(conditional=False, latent_dim=2)
    state.set_active(first)
    tab = LatentTab(state)
    qtbot.addWidget(tab)
    tab.resize(1100, 700)
    tab.show()
    qtbot.waitExposed(tab)
    choice, page = tab.samples.sampler_choice, tab.samples
    assert choice.kind() == "prior" and choice.status_text() == ""
    prior = mixture.Sampler(16).codes(SAMPLE_COUNT, 1.0, page.seed)
    assert torch.equal(tab.sample_codes(), prior)

    # Picking the mixture starts a fit in a worker; meanwhile the page says so and shows the prior.
    choice.set_kind("mixture")
    assert state.mixtures.status(first.model) is not None
    assert "mixture" in choice.status_text() and choice.bar.isVisibleTo(choice)
    assert "Prior samples are shown until it is ready" in choice.status.toolTip()
    assert torch.equal(tab.sample_codes(), prior)
    # The model changes mid-fit: that fit is stopped, and the new model's is the one shown.
    state.set_active(second)
    assert state.mixtures.status(second.model) is not None
    qtbot.waitUntil(lambda: tab.sampler_source.kind() == "mixture", timeout=60000)
    # Stopped, or (a fit of 2,000 codes can end before the stop is seen) kept for its own model.
    kept = state.mixtures.posterior(first.model)
    assert kept is None or kept.latent_dim == 16
    posterior = state.mixtures.posterior(second.model)
    assert posterior is not None and posterior.count == TRAIN and posterior.latent_dim == 2
    assert choice.status_text() == "" and not choice.bar.isVisibleTo(choice)  # done: the line goes
    assert f"Now: a mixture of 20 Gaussians, fitted to {TRAIN:,} training codes" in choice.combo.toolTip()
    codes = mixture.MixtureSampler(posterior).codes(SAMPLE_COUNT, 1.0, page.seed)
    assert torch.equal(tab.sample_codes(), codes)
    np.testing.assert_allclose(grid_cell(page.view.image(), 5), decoded(second.model, codes[5]), atol=1e-6)
    # The temperature slider rescales the same mixture samples about their components.
    page.temp_slider.setValue(0)
    centre = mixture.MixtureSampler(posterior).codes(SAMPLE_COUNT, 0.0, page.seed)
    np.testing.assert_allclose(grid_cell(page.view.image(), 5), decoded(second.model, centre[5]), atol=1e-6)
    page.temp_slider.setValue(100)

    # Weights changed in place: asked again, the old mixture is dropped and a new one fitted.
    with torch.no_grad():
        second.model.dec_body[0].bias += 0.05
    tab.sampler_source.refresh()
    assert tab.sampler_source.kind() == "prior" and state.mixtures.status(second.model) is not None
    qtbot.waitUntil(lambda: tab.sampler_source.kind() == "mixture", timeout=60000)
    refit = state.mixtures.posterior(second.model)
    assert refit.key != posterior.key
    # Back to the prior: the prior's samples again, no status line.
    choice.set_kind("prior")
    assert choice.status_text() == ""
    assert torch.equal(tab.sample_codes(), mixture.Sampler(2).codes(SAMPLE_COUNT, 1.0, page.seed))


def test_conditional_samples_come_from_the_labels_mixture(small_state, qtbot):
    state = small_state
    cvae = state.find_model(conditional=True, latent_dim=2)
    state.set_active(cvae)
    tab = ConditionalTab(state)
    qtbot.addWidget(tab)
    tab.resize(1100, 720)
    tab.show()
    qtbot.waitExposed(tab)
    tab.set_label(4)
    tab.refresh_now()
    assert tab.samples_title.text().startswith("36 prior samples of 4 · t = 1.00")
    choice = tab.controls.sampler_choice
    choice.set_kind("mixture")
    assert "Fitting the mixtures" in choice.status_text() or "Starting" in choice.status_text()
    qtbot.waitUntil(lambda: tab.sampler_source.kind() == "mixture", timeout=60000)
    tab.refresh_now()
    posterior = state.mixtures.posterior(cvae.model)
    assert posterior.conditional and len(posterior.mixtures) == 10
    assert f"a mixture of 4 Gaussians per digit, fitted to {TRAIN:,} training codes" in choice.combo.toolTip()
    n, t, seed = tab.count_spin.value(), tab.temperature, tab.seed_spin.value()
    sampler = mixture.MixtureSampler(posterior)
    with torch.no_grad():
        expected = cvae.model.decode(sampler.codes(n, t, seed, 4), torch.full((n,), 4))
    torch.testing.assert_close(tab.samples, expected)
    assert tab.samples_title.text().startswith("36 mixture samples of 4")
    # The all-digits view's styles come from every digit's mixture, pooled.
    torch.testing.assert_close(tab.digits_view.codes, sampler.codes(tab.rows_spin.value(), t, seed, None))


def test_the_visible_line_says_prior_samples_are_shown_while_the_mixture_is_fitted(small_state,
                                                                                  qtbot):
    """The status said only "Fitting the mixture to 60,000 codes…" while the grid showed prior
    samples; that they were prior samples was in its tooltip alone."""
    from vae_desktop.gui.tabs.sampling import SamplerChoice, SamplerSource

    state = small_state
    ckpt = state.find_model(conditional=False, latent_dim=2)
    choice = SamplerChoice()
    qtbot.addWidget(choice)
    choice.resize(260, choice.sizeHint().height())
    choice.show()
    source = SamplerSource(state, choice, lambda: ckpt)
    choice.set_kind("mixture")
    assert source.kind() == "prior"  # not ready yet: the prior's samples are drawn
    lines = choice.status_text().split("\n")
    assert lines[-1] == "Prior samples are shown until it is ready."
    assert "mixture" in lines[0].lower()
    # Each line is whole in a column as narrow as the Latent space tab's at 1280x720.
    metrics = choice.status.fontMetrics()
    assert all(metrics.horizontalAdvance(line) <= choice.status.width() for line in lines)
    qtbot.waitUntil(lambda: source.kind() == "mixture", timeout=60000)
    assert choice.status_text() == ""
