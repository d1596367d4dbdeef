"""MixtureSource: a fit asked for as the last one is done is started, not taken for the one
still running.

The bug: a fit's result arrives (`ready`) before its job's end is seen; a request made in
between (the weights changed in place, the tab asks again) found the finished fit still noted as
running for that model and started nothing, so the tab waited on the prior for ever. The suite's
sampler test hit it on a loaded machine (test_sampler_choice, 60 s timeout)."""

from __future__ import annotations

import torch

from vae_desktop.core import mixture
from vae_desktop.core.data import load_split
from vae_desktop.core.library import ModelLibrary
from vae_desktop.gui.mixture_cache import MixtureSource
from vae_desktop.gui.state import AppState

SMALL = mixture.FitSettings(components=4, label_components=2)


def test_a_request_made_as_the_last_fit_ends_starts_a_new_fit(qapp, qtbot, tmp_path, monkeypatch):
    from vae_desktop.core import data as data_module

    monkeypatch.setattr(data_module, "load_split", lambda split: load_split(split, size=500))
    state = AppState(library=ModelLibrary(index=tmp_path / "library.json", scan=()))
    source = MixtureSource(state.workers, state, mixture.MixtureCache(tmp_path / "mix"), SMALL)
    state.load_library()
    ckpt = state.find_model(conditional=False, latent_dim=2)
    ckpt.train_config = {**ckpt.train_config, "train_size": 500}
    asked_again = []

    def on_ready(model) -> None:  # in the same turn as the result: the job's end not yet seen
        if not asked_again:
            with torch.no_grad():
                model.dec_body[0].bias += 0.05
            asked_again.append(source.request(ckpt))

    source.ready.connect(on_ready)
    try:
        assert source.request(ckpt) is None
        qtbot.waitUntil(lambda: bool(asked_again), timeout=30_000)
        assert asked_again == [None] and source.status(ckpt.model) is not None  # a new fit
        qtbot.waitUntil(lambda: source.posterior(ckpt.model) is not None, timeout=30_000)
        assert source.request(ckpt) is source.posterior(ckpt.model)  # for the new weights
    finally:
        state.workers.stop_all()
        state.workers.wait_all(30)
