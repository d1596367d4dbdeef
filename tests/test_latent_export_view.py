"""Latent space's Export view… makes a picture for a slide: the plot drawn afresh at least 1600 px
wide, in its on-screen proportions, under a line naming the model and what the axes are. It was
a grab of the widget at screen size (792 x 500 px at 1280x720) with nothing saying what it shows."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from vae_desktop.gui.tabs.latent import export
from vae_desktop.gui.tabs.latent.tab import VIEW_DIMS

# The shared fixtures (shared, tab_state, make_tab) live beside the helpers.
pytest_plugins = ["latent_tab_support"]


def read(path) -> np.ndarray:
    with Image.open(path) as img:
        return np.asarray(img.convert("RGB"), dtype=np.int16)


def test_the_exported_view_is_large_and_captioned(make_tab, tab_state, tmp_path):
    tab, _ = make_tab(latent_dim=16)
    tab.plot.manifold_box.setChecked(True)
    name = tab_state.active.name
    caption = tab.export_caption()
    pc1, pc2 = tab.plane.axis_labels()
    assert caption == f"{name} · PCA of the test digits' means: {pc1} across, {pc2} up"
    saved = tab.export_view(str(tmp_path / "view.png"))
    assert saved == str(tmp_path / "view.png")
    picture = read(saved)
    height, width, _ = picture.shape
    assert width >= export.VIEW_WIDTH >= 1600
    canvas = tab.canvas.viewport().size()
    band = round(height - canvas.height() * width / canvas.width())
    assert band > 0  # the caption line above the plot, in the plot's proportions below it
    # The line has light text on the plot's dark background.
    top = picture[:band]
    assert (top.max(axis=2) > 150).mean() > 0.005
    # The plot below is the plot drawn large, not the small grab stretched: the points and the
    # manifold's digits are there, and edges stay sharp (many distinct colours).
    plot = picture[band:].astype(np.int32)
    colours = (plot[..., 0] << 16) | (plot[..., 1] << 8) | plot[..., 2]
    assert len(np.unique(colours)) > 500
    tab.plot.manifold_box.setChecked(False)


def test_the_caption_names_the_dimensions_shown(make_tab, tab_state, qtbot):
    tab, _ = make_tab(latent_dim=16)
    combo = tab.plot.view_combo
    combo.setCurrentIndex(combo.findData(VIEW_DIMS))
    i, j = tab.plane.i, tab.plane.j
    assert tab.export_caption() == (f"{tab_state.active.name} · latent dimensions z{i} across, "
                                    f"z{j} up, the other 14 held at the current point")
    tab, _ = make_tab(latent_dim=2)
    assert tab.export_caption() == f"{tab_state.active.name} · latent dimensions z0 across, z1 up"


def test_a_view_that_cannot_be_written_says_so(make_tab, tab_state, tmp_path):
    tab, _ = make_tab(latent_dim=2)
    messages = []
    tab_state.status_message.connect(lambda text, _ms: messages.append(text))
    (tmp_path / "a file").write_text("not a folder")
    assert tab.export_view(str(tmp_path / "a file" / "view.png")) is None
    assert messages and messages[-1].startswith("Could not write")


@pytest.fixture(autouse=True)
def _points_view_back(shared):
    yield
    shared[1].plot.prefer_view("pca")
