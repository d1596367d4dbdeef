"""The status bar's model line never pushes the device off the window: at 1280 px a long model
name (a library name with a note of the person's own, on another dataset, measured on part of the
test set) ran under "Device: CPU" and off the edge. The line is cut with "…" and its tooltip
holds it whole."""

from __future__ import annotations

from vae_desktop.gui.main_window import MainWindow


def test_a_long_model_line_is_cut_and_the_device_stays(qtbot, state):
    window = MainWindow(state=state, tabs=())
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    active = state.active
    active.name = "VAE without 2s · MLP · z=20 · 12 epochs · 5 Dec 07:25 · " + "kept for the seminar " * 8
    window._update_status()
    label, device = window.model_label, window.device_label
    qtbot.waitUntil(lambda: label.width() > 0)
    assert label.text().startswith(active.name) and label.toolTip() == label.text()
    shown = label.shown_text()
    assert shown.endswith("…") and len(shown) < len(label.text())
    assert label.fontMetrics().horizontalAdvance(shown) <= label.contentsRect().width()
    # The device label keeps its room, inside the window.
    assert device.isVisible() and device.geometry().right() <= window.statusBar().width()
    assert label.geometry().right() < device.geometry().left()
    # A short line is drawn whole.
    active.name = "mine"
    window._update_status()
    assert label.shown_text() == label.text()
