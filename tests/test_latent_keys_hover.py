"""The test image under the point, from the keyboard. Hovering a test digit's dot on the Latent
space plot shows its test image beside the decoded point; a point moved with the arrow keys (on
the plot) or with a dimension's slider showed none, even when it sat on a dot. It now shows the
test image of the dot under the crosshair as a hover does (the same ring, image and caption), and
the hint again when the point leaves the dots."""

from __future__ import annotations

import numpy as np
from latent_tab_support import viewport_pos
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


def onto_a_dot_with_the_keys(qtbot, tab) -> int:
    """The current point moved with the Right arrow onto the dot nearest the middle of the plot
    (far from the legend in its corner); that dot's index."""
    canvas = tab.canvas
    xy = tab.plane.to_plane(tab.stats.mu).numpy()
    (x0, x1), (y0, y1) = canvas.visible_region()
    step = KEY_STEP * min(x1 - x0, y1 - y0)
    index = int(np.argmin(np.hypot(xy[:, 0] - (x0 + x1) / 2, xy[:, 1] - (y0 + y1) / 2)))
    tab.pick(float(xy[index, 0] - step), float(xy[index, 1]))
    canvas.clear_hover()
    assert tab.hovered_index is None
    focused(qtbot, canvas)
    qtbot.keyClick(canvas, Qt.Key_Right)
    assert tab.hovered_index == index
    return index


def test_the_arrow_keys_show_the_test_image_under_the_point(make_tab, tab_state, qtbot):
    tab, _ = make_tab(latent_dim=2)  # the plot is (z0, z1) as it is
    canvas = tab.canvas
    index = onto_a_dot_with_the_keys(qtbot, tab)
    xy = tab.plane.to_plane(tab.stats.mu).numpy()
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


def test_hiding_the_digit_under_the_point_takes_its_test_image_away(make_tab, tab_state, qtbot):
    """Bug: with the keys' point on a dot, Alt+that digit hid the dot but left the ring on it
    and its test image in the side panel. Hidden, it is no longer hovered; shown again with the
    point still on it, its image comes back. Hiding another digit leaves it hovered."""
    tab, _ = make_tab(latent_dim=2)
    canvas = tab.canvas
    labels = tab.stats.labels.numpy()
    xy = tab.plane.to_plane(tab.stats.mu).numpy()
    index = onto_a_dot_with_the_keys(qtbot, tab)
    digit = int(labels[index])
    other = (digit + 1) % 10
    try:
        qtbot.keyClick(canvas, Qt.Key_0 + other, Qt.AltModifier)
        assert not canvas.shown_digits()[other]
        assert_shows(tab, tab_state, index)
        qtbot.keyClick(canvas, Qt.Key_0 + digit, Qt.AltModifier)
        assert not canvas.shown_digits()[digit]
        # The dot of a digit still shown under the point, if any, is the one hovered now.
        shown = canvas.shown_digits()[labels]
        x, y = canvas.crosshair()
        rest = under(canvas, np.where(shown[:, None], xy, np.inf), x, y)
        assert rest != index
        if rest is None:
            assert tab.hovered_index is None and not canvas.hover_ring.isVisible()
            assert tab.point_box.hover_label.text() == HOVER_HINT
        else:
            assert_shows(tab, tab_state, rest)
        # Shown again: the point is still on the dot, and its image is back.
        qtbot.keyClick(canvas, Qt.Key_0 + digit, Qt.AltModifier)
        assert canvas.shown_digits()[digit]
        assert_shows(tab, tab_state, index)
    finally:
        canvas.show_all_digits()


def test_a_click_on_the_plot_looks_the_dot_up_once(make_tab, tab_state, qtbot, monkeypatch):
    """A click (or a drag's end) on the plot: the dot under the mouse is looked up where the
    mouse is released, and not a second time under the crosshair the click put there (the tab
    did so on every point it was given, a click's included). The keys and the sliders still
    look under the crosshair."""
    tab, _ = make_tab(latent_dim=2)
    canvas = tab.canvas
    xy = tab.plane.to_plane(tab.stats.mu).numpy()
    (x0, x1), (y0, y1) = canvas.visible_region()
    index = int(np.argmin(np.hypot(xy[:, 0] - (x0 + x1) / 2, xy[:, 1] - (y0 + y1) / 2)))
    canvas.clear_hover()
    looked = []
    crosshair_lookup = canvas.hover_crosshair

    def counted() -> None:
        looked.append(canvas.crosshair())
        crosshair_lookup()

    monkeypatch.setattr(canvas, "hover_crosshair", counted)
    pos = viewport_pos(canvas, float(xy[index, 0]), float(xy[index, 1]))
    qtbot.mouseClick(canvas.viewport(), Qt.LeftButton, pos=pos)
    x, y = canvas.crosshair()
    assert abs(x - xy[index, 0]) < 0.05 and abs(y - xy[index, 1]) < 0.05  # the click's point
    assert looked == []
    expected = under(canvas, xy, x, y)
    assert expected is not None
    assert_shows(tab, tab_state, expected)
    focused(qtbot, canvas)
    qtbot.keyClick(canvas, Qt.Key_Right)
    assert len(looked) == 1


def test_points_turned_off_and_on_bring_the_test_image_under_the_point_back(make_tab,
                                                                           tab_state, qtbot):
    """P hides every point and with them the dot under the point; P again shows them, and the
    dot the keys' point is on is shown hovered again, as Alt+digit does for one digit."""
    tab, _ = make_tab(latent_dim=2)
    canvas = tab.canvas
    index = onto_a_dot_with_the_keys(qtbot, tab)
    qtbot.keyClick(canvas, Qt.Key_P)
    assert not canvas.points_visible()
    assert tab.hovered_index is None and not canvas.hover_ring.isVisible()
    qtbot.keyClick(canvas, Qt.Key_P)
    assert canvas.points_visible()
    assert_shows(tab, tab_state, index)
