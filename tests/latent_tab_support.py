"""Fixtures and helpers shared by the Latent space tab's test modules."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PySide6.QtCore import QPointF

from vae_desktop.core import data as data_module
from vae_desktop.core.data import load_split
from vae_desktop.core.library import ModelLibrary
from vae_desktop.gui.state import AppState
from vae_desktop.gui.tabs.latent.tab import VIEW_PCA, LatentTab

# The tab shows whatever test set the state has; a part of it keeps each model's pass short.
TEST_IMAGES = 2000


@pytest.fixture(scope="module")
def shared(qapp, tmp_path_factory):
    """One AppState and one tab for the module: each model's test-set pass is made once. The
    state's library lives in a folder of its own (module fixtures run before the per-test
    isolation)."""
    folder = tmp_path_factory.mktemp("latent_tab")
    with pytest.MonkeyPatch.context() as patch:
        # The state reads its test split through core.data's CachedSplit, on first use.
        patch.setattr(data_module, "load_split", lambda split: load_split(split, size=TEST_IMAGES))
        state = AppState(library=ModelLibrary(index=folder / "library.json", scan=()))
        state.load_library()
        tab = LatentTab(state)
        tab.resize(1100, 700)
        tab.show()
        yield state, tab
        tab.close()
        state.workers.stop_all()
        state.workers.wait_all(30)
        tab.deleteLater()


@pytest.fixture
def tab_state(shared):
    return shared[0]


@pytest.fixture
def make_tab(shared, qtbot):
    state, tab = shared

    def make(conditional: bool = False, latent_dim: int = 2) -> tuple[LatentTab, torch.nn.Module]:
        # Undo what earlier tests changed that a model change does not reset.
        tab.plot.manifold_box.setChecked(False)
        tab.plot.points_box.setChecked(True)
        tab.plot.grid_spin.setValue(20)
        tab.samples.temp_slider.setValue(100)
        for proxy in tab.canvas._proxies:
            proxy.setVisible(True)
        tab.plot.prefer_view(VIEW_PCA)  # a model switch keeps the view an earlier test chose
        state.posterior_changed.emit(None)
        state.set_latent_point(None)
        ckpt = state.find_model(conditional=conditional, latent_dim=latent_dim)
        assert ckpt is not None, "bundled model missing"
        state.set_active(ckpt)
        qtbot.waitUntil(lambda: tab.stats is not None, timeout=60000)  # the model's test-set pass
        tab.set_label(0)
        qtbot.waitExposed(tab)
        return tab, ckpt.model

    return make


def decoded(model, z, label=None) -> np.ndarray:
    if label is not None and np.ndim(label) == 1:
        label = torch.as_tensor(label, dtype=torch.float32).reshape(1, -1)
    with torch.no_grad():
        return model.decode(torch.as_tensor(z, dtype=torch.float32).reshape(1, -1), label)[0, 0].numpy()


def viewport_pos(canvas, x: float, y: float):
    return canvas.mapFromScene(canvas.vb.mapViewToScene(QPointF(x, y)))
