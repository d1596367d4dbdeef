"""The test image under the point, from the keyboard. Hovering a test digit's dot on the Latent
space plot shows its test image beside the decoded point; a point moved with the arrow keys (on
the plot) or with a dimension's slider showed none, even when it sat on a dot. It now shows the
test image of the dot under the crosshair as a hover does (the same ring, image and caption), and
the hint again when the point leaves the dots."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from typing_support import focus_window

from vae_desktop.gui.tabs.latent.controls import HOVER_HINT
from vae_desktop.gui.widgets.latent_canvas import HOVER_RADIUS_PX, KEY_STEP

# The shared fixtures (shared, tab_state, make_tab) live beside the helpers.
pytest_plugins = ["latent_tab_support"]


def focused(qtbot, widget) -> None:
    focus_window(qtbot, widget)
    widget.setFocus(Qt.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus, timeout=2000)


def under(canvas, points: np.ndarray, x: float, y: float) -> int | None:
    """The dot nearest (x, y) on screen within the hover radius (None: no dot there), worked out
    here from the plot's pixel size."""
    pw, ph = canvas.vb.viewPixelSize()
    d2 = ((points[:, 0] - x) / pw) ** 2 + ((points[:, 1] - y) / ph) ** 2
    best = int(np.argmin(d2))
    return best if d2[best] <= HOVER_RADIUS_PX ** 2 else None


def assert_shows(tab, tab_state, index: int) -> None:
    images, labels = tab_state.test_set()
    assert tab.hovered_index == index
    assert tab.point_box.hover_label.text() == f"Test image #{index}\ndigit {int(labels[index])}"
    np.testing.assert_allclose(tab.point_box.hover_view.image(),
                               images[index].numpy().astype(np.float32) / 255.0)
    ring = tab.canvas.hover_ring
    assert ring.isVisible()
    xy = tab.plane.to_plane(tab.stats.mu).numpy()
    np.testing.assert_allclose([ring.data["x"][0], ring.data["y"][0]], xy[index], atol=1e-5)


def test_the_arrow_keys_show_the_test_image_under_the_point(make_tab, tab_state, qtbot):
    tab, _ = make_tab(latent_dim=2)  # the plot is (z0, z1) as it is
    canvas = tab.canvas
    focused(qtbot, canvas)
    xy = tab.plane.to_plane(tab.stats.mu).numpy()
    (x0, x1), (y0, y1) = canvas.visible_region()
    step = KEY_STEP * min(x1 - x0, y1 - y0)
    # The dot nearest the middle of the plot (far from the legend in its corner), and the point a
    # step to the left of it, where no dot is under the crosshair yet.
    index = int(np.argmin(np.hypot(xy[:, 0] - (x0 + x1) / 2, xy[:, 1] - (y0 + y1) / 2)))
    tab.pick(float(xy[index, 0] - step), float(xy[index, 1]))
    canvas.clear_hover()
    assert tab.hovered_index is None
    qtbot.keyClick(canvas, Qt.Key_Right)
    x, y = canvas.crosshair()
    np.testing.assert_allclose([x, y], xy[index], atol=1e-5)
    assert under(canvas, xy, x, y) == index
    assert_shows(tab, tab_state, index)
    # Off the cloud, Shift+Left a press at a time: the hint again once no dot is under it.
    for _ in range(40):
        qtbot.keyClick(canvas, Qt.Key_Left, Qt.ShiftModifier)
        x, y = canvas.crosshair()
        expected = under(canvas, xy, x, y)
        assert tab.hovered_index == expected
        if expected is None:
            break
    assert tab.hovered_index is None and not canvas.hover_ring.isVisible()
    assert tab.point_box.hover_label.text() == HOVER_HINT


def test_a_dimensions_slider_moved_with_the_keys_shows_the_test_image_under_the_point(
        make_tab, tab_state, qtbot):
    tab, _ = make_tab(latent_dim=2)
    tab.side.pages.setCurrentWidget(tab.sliders)
    canvas = tab.canvas
    xy = tab.plane.to_plane(tab.stats.mu).numpy()
    (x0, x1), (y0, y1) = canvas.visible_region()
    index = int(np.argmin(np.hypot(xy[:, 0] - (x0 + x1) / 2, xy[:, 1] - (y0 + y1) / 2)))
    # z0 a step of its slider (0.05) below the dot's: the Right arrow takes it onto the dot's
    # (to the multiple of 0.05 nearest it, as near as a position of the slider comes), a few
    # pixels from the dot at most.
    target = round(float(xy[index, 0]) / 0.05) * 0.05
    tab.pick(target - 0.05, float(xy[index, 1]))
    canvas.clear_hover()
    row = next(row for row in tab.slider_rows if row.dim == 0)
    focused(qtbot, row.slider)
    qtbot.keyClick(row.slider, Qt.Key_Right)
    x, y = canvas.crosshair()
    assert abs(x - target) <= row.limit / 2000 and abs(y - float(xy[index, 1])) < 1e-5
    expected = under(canvas, xy, x, y)
    assert expected is not None
    assert_shows(tab, tab_state, expected)
