"""The Interpolate tab's exports: the buttons are off while there is no strip (they opened a
full Save dialog, then only the status bar said "Could not export: there is no strip to export"),
and the strips' PNG says what it shows (it had no captions)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from vae_desktop.gui.tabs.interpolate import export
from vae_desktop.gui.tabs.interpolate.tab import InterpolateTab


@pytest.fixture
def tab(app_state, qtbot):
    app_state.set_active(app_state.find_model(conditional=True, latent_dim=2))
    widget = InterpolateTab(app_state)
    qtbot.addWidget(widget)
    widget.resize(1200, 720)
    widget.show()
    qtbot.waitExposed(widget)
    widget.end_a.set_kind("index")
    widget.end_b.set_kind("index")
    widget.end_b.index_spin.setValue(0)  # a 7; A is test #1, a 2
    widget.refresh_now()
    return widget


def test_the_export_buttons_are_off_while_there_is_no_strip(tab, app_state, qtbot):
    buttons = (tab.settings.png_button, tab.settings.gif_button)
    assert all(b.isEnabled() for b in buttons)
    assert tab.settings.png_button.toolTip() == "Save both strips, linear above spherical"
    tab.end_a.set_kind("drawing")  # and the canvas is empty
    tab.refresh_now()
    assert not tab.frames
    for button in buttons:
        assert not button.isEnabled()
        assert button.toolTip() == ("Nothing to export yet: both ends need a code (see the red "
                                    "line above the strips).")
    app_state.set_drawing(app_state.test_set()[0][3].numpy() / 255.0, origin="test image #3")
    qtbot.waitUntil(lambda: bool(tab.frames), timeout=3000)
    assert all(b.isEnabled() for b in buttons)
    assert tab.settings.gif_button.toolTip().startswith("Save the chosen path as an animation")
    app_state.set_active(None)
    assert not any(b.isEnabled() for b in buttons)


def test_the_strips_png_has_a_caption(tab, tmp_path):
    tab.steps_spin.setValue(6)
    tab.refresh_now()
    lines = tab.export_caption()
    assert lines == ["A: test #1, a 2  →  B: test #0, a 7",
                     "Linear (lerp) above, spherical (slerp) below · 6 frames, t from 0 to 1 · "
                     "labels blended from 2 to 7"]
    with Image.open(tab.export_png(tmp_path / "strip.png")) as img:
        picture = np.asarray(img.convert("L"), dtype=np.float32) / 255
    width, strips_height = (6 * 30 + 2) * 4, (2 * 30 + 2) * 4
    band = picture.shape[0] - strips_height
    assert picture.shape[1] == width and band > 0
    # The strips below, pixel for pixel; the caption band above has text in it.
    strips = np.kron(tab.strip_image(), np.ones((4, 4)))
    assert np.abs(picture[band:] - strips).max() < 0.01
    assert (picture[:band] > 0.5).mean() > 0.01
    # The bare image (for anyone who wants the frames alone) stays as it was.
    assert export.strip_image(tab.frames).shape == (2 * 30 + 2, 6 * 30 + 2)
