"""The Interpolate tab's strips from the keyboard: a strip is a Tab stop; the arrow keys (Home,
End) move a current frame, drawn with a frame around it while the strip has the focus; Enter
does what a click on that frame does: its code becomes the current latent point, shown on the
Latent space tab. The strips took mouse clicks only."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PySide6.QtCore import QPoint, Qt
from test_interpolate_tab import make_tab
from typing_support import focus_window

from vae_desktop.gui.tabs.interpolate.strip import FrameStrip


@pytest.fixture
def strip(qtbot) -> FrameStrip:
    """30 frames on two rows of 15."""
    widget = FrameStrip()
    qtbot.addWidget(widget)
    widget.resize(1240, 150)
    frames = torch.stack([torch.full((1, 28, 28), (i + 1) / 30) for i in range(30)])
    widget.set_frames(frames, [f"{i / 29:.2f}" for i in range(30)])
    focus_window(qtbot, widget)
    return widget


def marked(strip: FrameStrip) -> int | None:
    """The frame the marker is drawn around, if it is drawn."""
    if not strip.marker.isVisible():
        return None
    centre = strip.marker.rect().center()
    return strip.frame_at(centre.x(), centre.y())


def test_the_arrow_keys_move_a_current_frame_that_enter_picks(strip, qtbot):
    assert strip.focusPolicy() & Qt.TabFocus
    strip.clearFocus()  # (the window's only Tab stop, it took the focus when shown)
    assert marked(strip) is None  # no marker while the strip has no focus
    picked = []
    strip.frame_clicked.connect(picked.append)
    strip.setFocus(Qt.TabFocusReason)
    qtbot.waitUntil(strip.hasFocus, timeout=2000)
    assert strip.rows == 2 and marked(strip) == 0
    for key, frame in ((Qt.Key_Right, 1), (Qt.Key_Right, 2), (Qt.Key_Down, 17), (Qt.Key_End, 29),
                       (Qt.Key_Right, 29), (Qt.Key_Up, 14), (Qt.Key_Left, 13),
                       (Qt.Key_Home, 0), (Qt.Key_Left, 0)):
        qtbot.keyClick(strip, key)
        assert strip.current == frame and marked(strip) == frame
    qtbot.keyClick(strip, Qt.Key_Right)
    qtbot.keyClick(strip, Qt.Key_Return)
    qtbot.keyClick(strip, Qt.Key_Right)
    qtbot.keyClick(strip, Qt.Key_Enter)
    assert picked == [1, 2]
    # A click makes its frame the current one.
    centre = strip.mapFromScene(strip.view.mapViewToScene(strip.frame_rect(20).center()))
    qtbot.mouseClick(strip.viewport(), Qt.LeftButton, pos=QPoint(round(centre.x()), round(centre.y())))
    assert picked[-1] == 20 and strip.current == 20 and marked(strip) == 20
    strip.clearFocus()
    assert marked(strip) is None


def test_enter_on_a_strip_shows_the_frame_on_the_latent_space_tab(app_state, qtbot):
    tab = make_tab(app_state, qtbot, conditional=False)
    strip = tab.strips["linear"]
    focus_window(qtbot, tab)
    strip.setFocus(Qt.TabFocusReason)
    qtbot.waitUntil(strip.hasFocus, timeout=2000)
    requested = []
    app_state.tab_requested.connect(requested.append)
    for key in (Qt.Key_Right, Qt.Key_Right, Qt.Key_Return):
        qtbot.keyClick(strip, key)
    assert requested == ["Latent space"]
    assert np.array_equal(app_state.latent_point.code, tab.codes["linear"][2].numpy())
