"""The Latent space tab's point moved from the keyboard: the arrow keys on the plot move it as a
drag would (a small step, a larger one with Shift), through the state, and keep it in view; an
arrow key on a dimension's slider moves that dimension by a twentieth of a unit, PageUp and
PageDown by half a unit, to round values (one position of the slider is a thousandth of its
span: a press moved it by 0.003)."""

from __future__ import annotations

import numpy as np
import pytest
from latent_tab_support import decoded
from PySide6.QtCore import Qt
from typing_support import focus_window

from vae_desktop.gui.widgets.latent_canvas import KEY_STEP, KEY_STEP_LARGE

pytest_plugins = ["latent_tab_support"]


def focused(qtbot, widget) -> None:
    focus_window(qtbot, widget)
    widget.setFocus(Qt.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus, timeout=2000)


def test_the_arrow_keys_move_the_point_on_the_plot(make_tab, qtbot):
    tab, model = make_tab(latent_dim=2)  # the plot is (z0, z1) as it is
    canvas = tab.canvas
    focused(qtbot, canvas)
    (x0, x1), (y0, y1) = canvas.visible_region()
    side = min(x1 - x0, y1 - y0)
    qtbot.keyClick(canvas, Qt.Key_Right)
    point = tab.state.latent_point
    assert point.origin == "Latent space"
    np.testing.assert_allclose(point.code, [KEY_STEP * side, 0.0], atol=1e-6)
    qtbot.keyClick(canvas, Qt.Key_Up, Qt.ShiftModifier)
    np.testing.assert_allclose(tab.state.latent_point.code,
                               [KEY_STEP * side, KEY_STEP_LARGE * side], atol=1e-5)
    np.testing.assert_allclose(tab.current_image(), decoded(model, tab.state.latent_point.code,
                                                            tab.weights), atol=1e-6)
    assert canvas.crosshair() == pytest.approx(tuple(tab.state.latent_point.code), abs=1e-6)
    # Far to the left: the view follows the point.
    for _ in range(round(1.5 / KEY_STEP_LARGE)):
        qtbot.keyClick(canvas, Qt.Key_Left, Qt.ShiftModifier)
    x = tab.state.latent_point.code[0]
    (x0, x1), _ = canvas.visible_region()
    assert x < -0.5 * side and x0 <= x <= x1


def test_an_arrow_key_moves_a_dimension_by_a_twentieth_of_a_unit(make_tab, qtbot):
    tab, _ = make_tab(latent_dim=16)
    tab.side.pages.setCurrentWidget(tab.sliders)
    row = tab.slider_rows[0]
    focused(qtbot, row.slider)
    # Each press goes to the next multiple of its step: 0.05, or 0.5 for PageUp and PageDown.
    for key, shown in ((Qt.Key_Right, 0.05), (Qt.Key_Up, 0.10), (Qt.Key_PageUp, 0.50),
                       (Qt.Key_Right, 0.55), (Qt.Key_PageUp, 1.0), (Qt.Key_Left, 0.95),
                       (Qt.Key_PageDown, 0.5), (Qt.Key_PageDown, 0.0), (Qt.Key_Down, -0.05),
                       (Qt.Key_PageDown, -0.5)):
        qtbot.keyClick(row.slider, key)
        assert row.value.text() == f"{shown:+.2f}"
        # As near as a position of the slider (a thousandth of its span) comes.
        assert tab.state.latent_point.code[row.dim] == pytest.approx(shown,
                                                                     abs=row.limit / 2000)


def test_the_decode_as_button_with_the_focus_shows_it(make_tab, qtbot):
    """The style's focus mark did not show on the Decode as buttons."""
    tab, _ = make_tab(conditional=True, latent_dim=2)
    focus_window(qtbot, tab)
    picked, other = tab.label_box.group.button(0), tab.label_box.group.button(4)
    for button in (picked, other):
        elsewhere = tab.point_box.export_button
        elsewhere.setFocus(Qt.TabFocusReason)
        qtbot.waitUntil(elsewhere.hasFocus, timeout=2000)
        button.repaint()
        before = button.grab().toImage()
        button.setFocus(Qt.TabFocusReason)
        qtbot.waitUntil(button.hasFocus, timeout=2000)
        button.repaint()
        assert button.grab().toImage() != before
