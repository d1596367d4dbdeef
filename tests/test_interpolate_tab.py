"""The Interpolate tab with the bundled models: the strip's ends decode the two end codes, label
blending for conditional models, every kind of end, clicking a frame, and PNG/GIF export."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image
from PySide6.QtCore import QPoint, QPointF, Qt

from vae_desktop.core import interpolation as interp
from vae_desktop.gui.tabs.interpolate import export
from vae_desktop.gui.tabs.interpolate.tab import InterpolateTab


def same_image(x: torch.Tensor, y: torch.Tensor) -> bool:
    """Equal up to float rounding (a batch of one and a batch of many take different BLAS paths);
    a different code or label changes pixels by orders of magnitude more."""
    return torch.allclose(x, y, rtol=1e-5, atol=1e-6)


def make_tab(state, qtbot, conditional: bool, latent_dim: int = 2,
             shown: bool = True) -> InterpolateTab:
    """`shown`: in view, as a person uses it (a hidden tab updates only once shown)."""
    state.set_active(state.find_model(conditional=conditional, latent_dim=latent_dim))
    tab = InterpolateTab(state)
    qtbot.addWidget(tab)
    tab.resize(1200, 720)
    if shown:
        tab.show()
        qtbot.waitExposed(tab)
    tab.end_a.set_kind("index")
    tab.end_a.index_spin.setValue(1)  # a 2
    tab.end_b.set_kind("index")
    tab.end_b.index_spin.setValue(0)  # a 7
    tab.refresh_now()
    return tab


def encode(model, image: torch.Tensor, label: int | None) -> torch.Tensor:
    x = image.float().div(255).reshape(1, 1, 28, 28)
    with torch.no_grad():
        return model.encode(x, None if label is None else torch.tensor([label]))[0][0]


def test_strip_ends_decode_exactly_the_end_codes(app_state, qtbot):
    tab = make_tab(app_state, qtbot, conditional=False)
    model = app_state.active.model
    images, _ = app_state.test_set()
    a, b = encode(model, images[1], None), encode(model, images[0], None)
    for path in ("linear", "spherical"):
        codes = tab.codes[path]
        assert torch.equal(codes[0], a) and torch.equal(codes[-1], b)
        with torch.no_grad():
            assert same_image(tab.frames[path][0], model.decode(a[None])[0])
            assert same_image(tab.frames[path][-1], model.decode(b[None])[0])
    tab.steps_spin.setValue(7)  # live update on the next event loop turn
    qtbot.waitUntil(lambda: len(tab.codes["linear"]) == 7, timeout=3000)
    assert tab.strips["spherical"].captions() == [f"{t:.2f}" for t in np.linspace(0, 1, 7)]
    assert tab.strips["linear"].image().shape == (32, 7 * 30 + 2)


def test_conditional_labels_blend_or_stay_fixed(app_state, qtbot):
    tab = make_tab(app_state, qtbot, conditional=True)
    model = app_state.active.model
    steps = tab.steps_spin.value()
    assert tab.blend_radio.isChecked()
    assert torch.allclose(tab.labels, interp.blend_labels(2, 7, interp.mixing_ratios(steps), 10))
    assert torch.allclose(tab.labels.sum(1), torch.ones(steps))
    images, _ = app_state.test_set()
    a = encode(model, images[1], 2)
    with torch.no_grad():
        assert same_image(tab.frames["linear"][0], model.decode(a[None], torch.tensor([2]))[0])
    tab.fixed_combo.setCurrentIndex(4)  # picking a label switches to "fixed"
    tab.refresh_now()
    assert tab.fixed_radio.isChecked()
    assert torch.equal(tab.labels, interp.fixed_labels(4, steps, 10))
    with torch.no_grad():
        assert same_image(tab.frames["spherical"][-1], model.decode(tab.codes["spherical"][-1:], 4)[0])
    assert "label fixed at 4" in tab.strip_titles["linear"].text()


def test_end_sources(app_state, qtbot):
    tab = make_tab(app_state, qtbot, conditional=True)
    _, labels = app_state.test_set()
    # A random test digit of the chosen digit; "Another" picks again.
    tab.end_a.set_kind("random_digit")
    tab.end_a.digit_combo.setCurrentIndex(5)
    tab.end_a.seed = 1
    tab.refresh_now()
    assert tab.ends[0].label == 5 and ", a 5" in tab.ends[0].caption
    first = tab.ends[0].caption
    tab.end_a.seed = 2
    tab.refresh_now()
    assert tab.ends[0].label == 5 and tab.ends[0].caption != first
    tab.end_a.reroll()
    assert tab.end_a.seed != 2
    # The drawing: empty canvas -> a clear message and no strip; then a drawing arrives.
    tab.end_a.set_kind("drawing")
    tab.refresh_now()
    assert "draw a digit" in tab.message.text() and not tab.frames
    with pytest.raises(ValueError, match="no strip"):
        tab.strip_image()
    image = app_state.test_set()[0][3].numpy().astype(np.float32) / 255  # a 0
    app_state.set_drawing(image, origin="test image #3")
    qtbot.waitUntil(lambda: bool(tab.frames), timeout=3000)
    assert tab.ends[0].label == int(labels[3])  # the model's guess of a clear 0
    assert tab.ends[0].caption == "test image #3, read as a 0"
    np.testing.assert_array_equal(tab.ends[0].image, image)
    model = app_state.active.model
    x = torch.from_numpy(image).reshape(1, 1, 28, 28)
    with torch.no_grad():
        expected = model.encode(x, torch.tensor([int(labels[3])]))[0][0]
    torch.testing.assert_close(tab.codes["linear"][0], expected)
    # A random code, reproducible from its seed, decoded with the end's label.
    tab.end_b.set_kind("random_code")
    tab.end_b.digit_combo.setCurrentIndex(8)
    tab.refresh_now()
    z = tab.ends[1].code.clone()
    assert tab.ends[1].label == 8
    tab.refresh_now()
    assert torch.equal(tab.ends[1].code, z)
    tab.end_b.reroll()
    tab.refresh_now()
    assert not torch.equal(tab.ends[1].code, z)
    assert tab.labels[-1].argmax() == 8
    # The drawing is cleared: the end says so again.
    app_state.set_drawing(None)
    qtbot.waitUntil(lambda: not tab.frames, timeout=3000)
    assert "draw a digit" in tab.message.text()


def test_latent_points_fill_the_listening_ends(app_state, qtbot):
    tab = make_tab(app_state, qtbot, conditional=False)
    tab.end_a.set_kind("latent")
    tab.end_b.set_kind("latent")
    tab.refresh_now()
    # Before any click, both ends are the model's point: its origin, as Latent space shows it.
    assert not tab.message.isVisibleTo(tab)
    assert not tab.codes["linear"].any()
    app_state.set_latent_point(np.array([0.5, -1.0], np.float32))
    app_state.set_latent_point(np.array([-2.0, 0.25], np.float32))
    tab.refresh_now()
    assert tab.codes["linear"][0].tolist() == [0.5, -1.0]
    assert tab.codes["linear"][-1].tolist() == [-2.0, 0.25]
    app_state.set_latent_point(np.array([1.0, 1.0], np.float32))  # replaces the older one, A
    tab.refresh_now()
    assert tab.codes["spherical"][0].tolist() == [1.0, 1.0]
    # The same code again (only its label changed) is no new point.
    app_state.set_latent_point(np.array([1.0, 1.0], np.float32), None, "relabelled")
    tab.refresh_now()
    assert tab.codes["linear"][-1].tolist() == [-2.0, 0.25]
    # A model change drops the points, even for a model with as many dimensions.
    app_state.set_active(app_state.find_model(conditional=True, latent_dim=2))
    # Nothing of the old model stays on show.
    assert not tab.frames and not tab.strips["linear"].captions()
    assert np.isnan(tab.end_a.preview.image()).all()  # shown empty, not as a black digit
    tab.refresh_now()
    # The new model's point, its origin, is both ends.
    assert not tab.message.isVisibleTo(tab) and tab.codes["linear"].shape == (10, 2)
    assert not tab.codes["linear"].any()


def test_a_latent_point_brings_its_label_to_a_conditional_end(app_state, qtbot):
    from vae_desktop.gui.state import one_hot

    tab = make_tab(app_state, qtbot, conditional=True)
    tab.end_b.set_kind("latent")
    app_state.set_latent_point(np.array([0.3, -0.2], np.float32), one_hot(4, 10), "Latent space")
    tab.refresh_now()
    assert tab.ends[1].label == 4
    model = app_state.active.model
    with torch.no_grad():
        expected = model.decode(torch.tensor([[0.3, -0.2]]), torch.tensor([4]))
    assert same_image(tab.frames["linear"][-1], expected[0])


def test_clicking_a_frame_makes_it_the_latent_point(app_state, qtbot):
    tab = make_tab(app_state, qtbot, conditional=False)
    tab.show()
    qtbot.waitExposed(tab)
    strip = tab.strips["spherical"]
    steps = tab.steps_spin.value()
    index = 3
    scene_pos = strip.view.mapViewToScene(QPointF(2 + index * 30 + 14, 16))
    widget_pos = strip.mapFromScene(scene_pos)
    click_at = QPoint(round(widget_pos.x()), round(widget_pos.y()))
    emitted = []
    app_state.latent_point_changed.connect(emitted.append)
    app_state.tab_requested.connect(emitted.append)
    qtbot.mouseClick(strip.viewport(), Qt.LeftButton, pos=click_at)
    point, title = emitted
    assert title == "Latent space" and point is app_state.latent_point
    assert np.array_equal(point.code, tab.codes["spherical"][index].numpy())
    assert point.label_weights is None  # an unconditional model
    assert point.origin == f"spherical interpolation A→B, t = {index / (steps - 1):.2f}"
    # The tab's own point is not taken as a new end: the latest is still the model's origin.
    assert not tab.last_click.any()
    assert strip.frame_at(2 + (steps - 1) * 30 + 5, 10) == steps - 1
    assert strip.frame_at(2 + steps * 30 + 5, 10) is None


def test_export_png_and_there_and_back_gif(app_state, qtbot, tmp_path):
    tab = make_tab(app_state, qtbot, conditional=True)
    tab.steps_spin.setValue(6)
    tab.frame_ms.setValue(80)
    png = tab.export_png(tmp_path / "strip.png")
    with Image.open(png) as img:  # the strips under their caption (test_interpolate_exports)
        width, height = img.size
        assert width == (6 * 30 + 2) * 4 and height > (2 * 30 + 2) * 4
    gif = tab.export_gif(tmp_path / "walk.gif")
    scale = export.GIF_SCALE  # large frames under a caption (test_interpolate_gif)
    band = export.caption_band(tab.gif_caption(), 28 * scale, export.GIF_CAPTION_PX).shape[0]
    with Image.open(gif) as img:
        assert img.n_frames == 2 * 6 - 2
        assert img.size[0] == 28 * scale
        assert img.info["duration"] == 80
        frames = []
        for i in range(img.n_frames):
            img.seek(i)
            frames.append(np.asarray(img.convert("L"), dtype=np.float32))
    # There and back: frame k of the way back is frame (steps - 1) - (k - (steps - 1)).
    assert np.array_equal(frames[6], frames[4]) and np.array_equal(frames[9], frames[1])
    expected_first = np.kron(tab.frames["spherical"][0, 0].numpy(), np.ones((scale, scale)))
    assert np.abs(frames[0][band:band + 28 * scale] / 255 - expected_first).max() < 0.01


def test_a_hidden_tab_catches_up_when_shown(app_state, qtbot):
    """Another tab in view: a new model, a new drawing or a new latent point cost this tab
    nothing until it is shown (each decoded both strips on the spot: about 7 ms at the end of
    every training run, and on every stroke or drag step with a "drawing" or "latent" end). Shown,
    it is up to date before its first paint."""
    tab = make_tab(app_state, qtbot, conditional=False, shown=False)
    decoded = []
    real = interp.decode_strip

    def counted(*args, **kwargs):
        decoded.append(1)
        return real(*args, **kwargs)

    from vae_desktop.gui.tabs.interpolate import tab as tab_module

    old = app_state.active
    app_state.set_active(app_state.find_model(conditional=False, latent_dim=16))
    assert app_state.active is not old
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tab_module.interp, "decode_strip", counted)
        qtbot.wait(50)  # event loop turns: a visible tab would have refreshed by now
        assert not tab.isVisible() and decoded == [] and tab.frames == {}
        tab.show()
        qtbot.waitExposed(tab)
        assert len(decoded) == 2  # the two strips, once
    model = app_state.active.model
    assert tab.codes["linear"].shape[1] == model.latent_dim == 16
    with torch.no_grad():
        assert same_image(tab.frames["linear"][-1], model.decode(tab.codes["linear"][-1:])[0])


def test_an_end_following_the_latent_point_takes_the_points_label(app_state, qtbot):
    """Bug: a point Latent space decoded as an 8 (or with "Decode as 2" chosen) went to End (B)
    as "label 6", the digit left in the end's box by "Random test digit of…", and was decoded as
    a 6. The end takes the point's label (one-hot or a blend) with its code, and follows it when
    only the label changes."""
    from vae_desktop.gui.state import one_hot

    tab = make_tab(app_state, qtbot, conditional=True)
    model = app_state.active.model
    tab.end_b.set_kind("random_digit")
    tab.end_b.digit_combo.setCurrentIndex(6)
    tab.refresh_now()
    code = np.array([0.3, -0.2], np.float32)
    app_state.set_latent_point(code, one_hot(8, 10), "Latent space")  # clicked, as an 8
    tab.end_b.set_kind("latent")
    tab.refresh_now()

    def decoded_b(weights) -> torch.Tensor:
        with torch.no_grad():
            return model.decode(torch.from_numpy(code)[None], torch.from_numpy(weights)[None])[0]

    b = tab.ends[1]
    assert b.label == 8 and "label 8" in b.caption and "label 6" not in b.caption
    assert tab.labels[-1].argmax() == 8
    assert same_image(tab.frames["linear"][-1], decoded_b(one_hot(8, 10)))
    assert "labels blended from 2 to 8" in tab.strip_titles["linear"].text()
    # "Decode as 2" on Latent space: the same code under another label.
    app_state.set_latent_point(code, one_hot(2, 10), "Latent space")
    qtbot.waitUntil(lambda: tab.ends[1].label == 2, timeout=3000)
    assert same_image(tab.frames["spherical"][-1], decoded_b(one_hot(2, 10)))
    # A blend of labels (a frame of a blended walk, shown on Latent space) stays a blend.
    blend = np.zeros(10, np.float32)
    blend[[5, 6]] = 0.25, 0.75
    app_state.set_latent_point(code, blend, "Latent space")
    qtbot.waitUntil(lambda: tab.ends[1].label is None, timeout=3000)
    np.testing.assert_allclose(tab.labels[-1].numpy(), blend)
    np.testing.assert_allclose(tab.labels[0].numpy(), one_hot(2, 10))  # A: the test digit's 2
    assert same_image(tab.frames["linear"][-1], decoded_b(blend))
    assert "label 5→6 blend: 25% 5, 75% 6" in tab.ends[1].caption
    assert "from 2 to 5→6 blend" in tab.strip_titles["linear"].text()
    # A frame of this walk carries its blend to the Latent space tab.
    tab.select_frame("linear", tab.steps_spin.value() - 1)
    np.testing.assert_allclose(app_state.latent_point.label_weights, blend)
    assert "None" not in app_state.latent_point.origin


def test_strip_titles_drop_the_labels_of_a_previous_model(app_state, qtbot):
    """Bug: after switching to the unconditional mnist-vae-z16, both empty strips still read
    "labels blended from 7 to 5"."""
    tab = make_tab(app_state, qtbot, conditional=True)
    assert "labels blended from 2 to 7" in tab.strip_titles["linear"].text()
    assert app_state.drawing is None
    tab.end_b.set_kind("drawing")  # nothing drawn: no strips
    tab.refresh_now()
    assert not tab.frames
    for title in tab.strip_titles.values():
        assert "label" not in title.text()
    tab.end_b.set_kind("index")
    tab.refresh_now()
    assert "labels blended" in tab.strip_titles["spherical"].text()
    app_state.set_active(app_state.find_model(conditional=False, latent_dim=16))
    for title in tab.strip_titles.values():
        assert "label" not in title.text() and "frames" not in title.text()
    tab.refresh_now()
    for title in tab.strip_titles.values():
        assert "label" not in title.text() and "10 frames" in title.text()
