"""The Interpolate tab's animated GIF is for slides: frames large enough to be seen (they were
112 x 112 px), scaled with square pixels as the PNG export is, under a caption naming the ends
and the path, with each frame's mixing ratio under it; and still a small file."""

from __future__ import annotations

import numpy as np
import pytest
from latent_window_support import module_window
from PIL import Image

from vae_desktop.gui.tabs.interpolate import export
from vae_desktop.gui.tabs.interpolate.tab import InterpolateTab


@pytest.fixture(scope="module")
def window(qapp, tmp_path_factory):
    with module_window(tmp_path_factory, (("Interpolate", InterpolateTab),)) as win:
        yield win


@pytest.fixture
def tab(window):
    state = window.state
    state.set_active(state.find_model(conditional=True, latent_dim=2))
    window.resize(1280, 720)
    tab = window.tab_widgets["Interpolate"]
    window.show_tab("Interpolate")
    tab.end_a.set_kind("index")
    tab.end_a.index_spin.setValue(1)  # a 2
    tab.end_b.set_kind("index")
    tab.end_b.index_spin.setValue(0)  # a 7
    tab.blend_radio.setChecked(True)
    tab.refresh_now()
    return tab


def read_gif(path) -> list[np.ndarray]:
    with Image.open(path) as img:
        frames = []
        for i in range(img.n_frames):
            img.seek(i)
            frames.append(np.asarray(img.convert("L"), dtype=np.float32) / 255)
    return frames


def test_the_gif_is_large_and_captioned(tab, tmp_path):
    tab.steps_spin.setValue(6)
    tab.frame_ms.setValue(80)
    tab.gif_path.setCurrentIndex(tab.gif_path.findData("linear"))
    tab.refresh_now()
    caption = tab.gif_caption()
    assert caption == ["A: test #1, a 2  →  B: test #0, a 7",
                       "Linear (lerp) · 6 frames, A to B and back · labels blended from 2 to 7"]
    gif = tab.export_gif(tmp_path / "walk.gif")
    with Image.open(gif) as img:
        assert img.n_frames == 2 * 6 - 2 and img.info["duration"] == 80
        width, height = img.size
    scale = export.GIF_SCALE
    assert width == 28 * scale >= 224
    frames = read_gif(gif)
    digit = 28 * scale
    # Each frame: the caption band, the digit scaled with square pixels, its t under it.
    band = export.caption_band(caption, width, export.GIF_CAPTION_PX).shape[0]
    t_band = height - band - digit
    assert band > 0 and t_band > 0
    for k, index in ((0, 0), (3, 3), (6, 4), (9, 1)):  # there and back: frame 6 is frame 4
        expected = np.kron(tab.frames["linear"][index, 0].numpy(), np.ones((scale, scale)))
        assert np.abs(frames[k][band:band + digit] - expected).max() < 0.01
    # The caption is the same on every frame and has text in it; the t under the digit differs.
    assert (frames[0][:band] > 0.5).mean() > 0.01
    assert np.array_equal(frames[0][:band], frames[5][:band])
    assert (frames[0][band + digit:] > 0.5).any()
    assert not np.array_equal(frames[0][band + digit:], frames[1][band + digit:])
    assert np.array_equal(frames[4][band + digit:], frames[6][band + digit:])  # both t = 0.80
    assert export.gif_ratio_text(0.8) == "t = 0.80"


def test_a_long_walks_gif_stays_small(tab, tmp_path):
    tab.steps_spin.setValue(30)
    tab.refresh_now()
    gif = tab.export_gif(tmp_path / "long.gif")
    assert len(read_gif(gif)) == 58
    assert gif.stat().st_size < 1_000_000  # 58 frames of about 280 x 380 px
