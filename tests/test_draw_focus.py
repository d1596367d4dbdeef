"""The Draw tab's Tab stops: the canvas shows that it has the focus (a frame in the highlight
colour: Esc and Ctrl+Z go there), and the histogram and the guess chart, which do nothing with
keys, are no Tab stops (their numbers are in the lines beside them)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from typing_support import focus_window

from vae_desktop.gui.tabs.draw.tab import DrawTab


def test_the_canvas_shows_its_focus_and_the_plots_take_none(app_state, qtbot):
    app_state.set_active(app_state.find_model(conditional=True, latent_dim=2))
    tab = DrawTab(app_state)
    qtbot.addWidget(tab)
    tab.resize(1264, 640)
    focus_window(qtbot, tab)
    frame = tab.canvas.focus_frame
    tab.threshold_spin.setFocus()
    qtbot.waitUntil(tab.threshold_spin.hasFocus, timeout=2000)
    assert not frame.isVisible()
    tab.canvas.setFocus(Qt.TabFocusReason)
    qtbot.waitUntil(tab.canvas.hasFocus, timeout=2000)
    assert frame.isVisible() and frame.geometry() == tab.canvas.rect()
    for plot in (tab.histogram, tab.guess_panel.bar_plot):
        assert not plot.focusPolicy() & Qt.TabFocus
        assert plot.accessibleName()


def test_the_focus_frame_covers_the_canvas_edge_only(app_state, qtbot):
    """The frame is a widget over the canvas: unmasked, each stroke's small update of the canvas
    painted the whole frame again in Python. Masked to its ring, it leaves the inside alone."""
    app_state.set_active(app_state.find_model(conditional=True, latent_dim=2))
    tab = DrawTab(app_state)
    qtbot.addWidget(tab)
    tab.resize(1264, 640)
    focus_window(qtbot, tab)
    tab.canvas.setFocus(Qt.TabFocusReason)
    qtbot.waitUntil(tab.canvas.hasFocus, timeout=2000)
    frame, rect = tab.canvas.focus_frame, tab.canvas.rect()
    ring = frame.mask()
    assert ring.contains(rect.topLeft()) and ring.contains(rect.bottomRight())
    assert not ring.contains(rect.center())
    qtbot.wait(50)  # the frame's own first paint, as it shows
    painted = []
    frame.paintEvent = lambda event: painted.append(event.rect())
    tab.canvas.update(rect.adjusted(40, 40, -40, -40))  # a stroke's few pixels, inside
    qtbot.wait(50)
    assert painted == []
