"""The Interpolate tab's ends as a person sets them elsewhere: the drawing under the label the Draw
tab reconstructs it as, a Latent space point described by the dimensions it uses, and the end
previews under a fixed label."""

from __future__ import annotations

import numpy as np
import torch

from vae_desktop.gui.tabs.draw.tab import DrawTab
from vae_desktop.gui.tabs.interpolate.ends import SOURCES
from vae_desktop.gui.tabs.interpolate.tab import InterpolateTab


def make_tab(state, qtbot, conditional: bool = True, latent_dim: int = 2) -> InterpolateTab:
    state.set_active(state.find_model(conditional=conditional, latent_dim=latent_dim))
    tab = InterpolateTab(state)
    qtbot.addWidget(tab)
    tab.resize(1200, 720)
    tab.show()
    qtbot.waitExposed(tab)
    tab.end_a.set_kind("index")  # test #1, a 2
    tab.end_b.set_kind("index")
    tab.end_b.index_spin.setValue(0)  # a 7
    tab.refresh_now()
    return tab


def encoded(model, image: np.ndarray, label: int) -> torch.Tensor:
    with torch.no_grad():
        return model.encode(torch.from_numpy(image).reshape(1, 1, 28, 28), torch.tensor([label]))[0][0]


def test_the_drawing_end_takes_the_draw_tabs_label(app_state, qtbot):
    """Bug: with Reconstruct as = 7 on the Draw tab and the model's guess 4, Latent space put the
    drawing under 7 but Interpolate said "your drawing, read as a 4" and encoded it under 4."""
    tab = make_tab(app_state, qtbot)
    model = app_state.active.model
    draw = DrawTab(app_state)
    qtbot.addWidget(draw)
    draw.label_combo.setCurrentIndex(draw.label_combo.findData(6))  # Reconstruct as 6
    image = app_state.test_set()[0][3].numpy().astype(np.float32) / 255  # a 0, read as a 0
    app_state.set_drawing(image, origin="test image #3")
    tab.end_a.set_kind("drawing")
    tab.refresh_now()
    a = tab.ends[0]
    assert a.label == 6
    assert a.caption == "test image #3, as a 6 (Reconstruct as on the Draw tab)"
    torch.testing.assert_close(tab.codes["linear"][0], encoded(model, image, 6))
    assert "labels blended from 6 to 7" in tab.strip_titles["linear"].text()
    draw.label_combo.setCurrentIndex(0)  # Guess: the model's reading again
    qtbot.waitUntil(lambda: tab.ends[0].label == 0, timeout=3000)
    assert tab.ends[0].caption == "test image #3, read as a 0"
    torch.testing.assert_close(tab.codes["linear"][0], encoded(model, image, 0))


def test_without_the_draw_tabs_label_the_drawing_is_read_by_the_model(app_state, qtbot):
    """A label the Draw tab gave another drawing is not this one's: the model's guess is."""
    tab = make_tab(app_state, qtbot)
    images = app_state.test_set()[0]
    app_state.set_drawing(images[2].numpy() / 255.0, origin="test image #2")
    app_state.posterior_changed.emit({"mu": np.zeros(2), "logvar": np.zeros(2), "label": 6})
    app_state.set_drawing(images[3].numpy() / 255.0, origin="test image #3")  # no Draw tab
    tab.end_a.set_kind("drawing")
    tab.refresh_now()
    assert tab.ends[0].label == 0 and tab.ends[0].caption == "test image #3, read as a 0"


def test_a_latent_space_end_names_the_dimensions_it_uses(app_state, qtbot):
    """Bug: B, "Point clicked on Latent space" (cut to "Point clicked on Latent spac" in its
    box), read "clicked: (0.00, 0.00, 0.00, …)" for the binarized model's point at z17 = 0.04:
    its first three dimensions by index, all unused."""
    tab = make_tab(app_state, qtbot, conditional=False, latent_dim=2)
    tab.end_b.set_kind("latent")
    tab.refresh_now()
    # The model's point before any click: its origin, as the Latent space tab shows it.
    assert tab.ends[1].caption == "Latent space point at the origin"
    box = tab.end_b.source
    text = dict(SOURCES)["latent"]
    assert box.currentText() == text
    assert box.fontMetrics().horizontalAdvance(text) < box.width() - 30  # room for the arrow
    app_state.set_latent_point(np.array([0.5, -1.0], np.float32))
    tab.refresh_now()
    assert tab.ends[1].caption == "Latent space point z0 = +0.50, z1 = −1.00"
    binarized = app_state.find_model(conditional=False, latent_dim=50)
    app_state.set_active(binarized)
    code = np.zeros(50, np.float32)
    code[17] = 0.04
    app_state.set_latent_point(code)
    tab.refresh_now()
    assert tab.ends[1].caption == "Latent space point z17 = +0.04 (the other 49 are 0)"
    code[[3, 40, 8]] = 1.5, -2.25, 0.75
    app_state.set_latent_point(code)
    tab.refresh_now()
    assert tab.ends[1].caption == ("Latent space point z40 = −2.25, z3 = +1.50, z8 = +0.75 and 1 "
                                   "more (|z| = 2.81)")
    app_state.set_latent_point(np.zeros(50, np.float32))
    tab.refresh_now()
    assert tab.ends[1].caption == "Latent space point at the origin"


def test_with_a_fixed_label_the_end_previews_show_it(app_state, qtbot):
    """Bug: with "Fixed" at 4 every frame was decoded as a 4 but a random code's preview still
    showed its own label's digit."""
    tab = make_tab(app_state, qtbot)
    model = app_state.active.model
    tab.end_b.set_kind("random_code")
    tab.end_b.digit_combo.setCurrentIndex(8)
    tab.refresh_now()
    b = tab.ends[1]
    assert b.caption.endswith(", label 8")
    tab.fixed_combo.setCurrentIndex(4)  # picks "Fixed"
    tab.refresh_now()
    b = tab.ends[1]
    with torch.no_grad():
        as_4 = model.decode(b.code[None], torch.tensor([4]))[0, 0].numpy()
    np.testing.assert_allclose(tab.end_b.preview.image(), as_4, atol=1e-5)
    np.testing.assert_allclose(tab.frames["linear"][-1, 0].numpy(), as_4, atol=1e-5)
    assert b.caption.endswith(", shown as a 4 (label fixed)")
    assert tab.ends[0].caption == "test #1, a 2"  # a test digit's preview is the digit itself
    tab.blend_radio.setChecked(True)
    tab.refresh_now()
    assert tab.ends[1].caption.endswith(", label 8")
