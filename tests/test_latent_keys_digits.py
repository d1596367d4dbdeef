"""Hiding a digit's points from the keyboard on the Latent space tab. A click on a digit's row
of the plot's legend hides or shows that digit's points; with no mouse there was no way to do it.
Alt+0 ... Alt+9 now do what a click on that digit's row does, wherever the focus is in the tab
(Ctrl+1 ... Ctrl+7 stay the window's tabs, the plain digits a box's), and on a training run's
snapshot shown in the tab they act on the snapshot's points."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from typing_support import focus_window

# The shared fixtures (shared, tab_state, make_tab) live beside the helpers.
pytest_plugins = ["latent_tab_support"]


def press(qtbot, key, modifiers=Qt.AltModifier) -> None:
    """A key typed where the keyboard focus is, as a person types it."""
    qtbot.keyClick(QApplication.focusWidget(), key, modifiers)


def focus_on(qtbot, widget) -> None:
    focus_window(qtbot, widget)
    widget.setFocus(Qt.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus, timeout=2000)


def test_alt_and_a_digit_hide_and_show_that_digits_points(make_tab, tab_state, qtbot):
    tab, _ = make_tab(latent_dim=2)
    canvas = tab.canvas
    labels = tab.stats.labels.numpy()
    messages = []

    def said(text, _ms):
        messages.append(text)

    tab_state.status_message.connect(said)
    try:
        focus_on(qtbot, tab.plot.fit_button)  # not the plot: the keys are the tab's
        press(qtbot, Qt.Key_3)
        assert canvas.shown_digits().tolist() == [d != 3 for d in range(10)]
        assert len(canvas.scatter.data) == int((labels != 3).sum())
        # The legend's row says so, as after a click (pyqtgraph draws an eye crossed out).
        sample, _label = canvas.legend.items[3]
        assert not sample.item.isVisible()
        assert messages[-1] == ("Latent space: the points of digit 3 are hidden. Press Alt+3 "
                                "to show them again.")
        # On the plot, and in the grid size box (which takes the plain digits), the same keys.
        focus_on(qtbot, canvas)
        press(qtbot, Qt.Key_7)
        focus_on(qtbot, tab.plot.grid_spin)
        press(qtbot, Qt.Key_3)
        assert canvas.shown_digits().tolist() == [d != 7 for d in range(10)]
        assert len(canvas.scatter.data) == int((labels != 7).sum())
        assert messages[-1] == "Latent space: the points of digit 3 are shown again."
        assert tab.plot.grid_spin.value() == 20  # the box got no 3
        # A plain digit on the plot and Ctrl+digit (the window's tabs) hide nothing.
        focus_on(qtbot, canvas)
        press(qtbot, Qt.Key_5, Qt.NoModifier)
        press(qtbot, Qt.Key_5, Qt.ControlModifier)
        assert canvas.shown_digits().tolist() == [d != 7 for d in range(10)]
        # With the points off there is nothing to hide: said, and nothing changes.
        press(qtbot, Qt.Key_P, Qt.NoModifier)
        assert not canvas.points_visible()
        press(qtbot, Qt.Key_5)
        assert canvas.shown_digits().tolist() == [d != 7 for d in range(10)]
        assert messages[-1] == ("Latent space: the points are off, so no digit can be hidden. "
                                "Press P to show them first.")
        press(qtbot, Qt.Key_P, Qt.NoModifier)
        press(qtbot, Qt.Key_7)
        assert canvas.shown_digits().all()
        assert len(canvas.scatter.data) == len(labels)
    finally:
        tab_state.status_message.disconnect(said)
        canvas.show_all_digits()


def test_on_a_snapshot_alt_and_a_digit_act_on_its_points(make_tab, tab_state, qtbot):
    from vae_desktop.core.snapshots import LatentTimeline

    tab, model = make_tab(latent_dim=2)
    images, labels = tab_state.test_set()
    snapshot = LatentTimeline(images, labels, 2, size=300).take(model, 1, 10, 0.5)
    tab_state.set_latent_snapshot(snapshot)
    view = tab.snapshot_page.view
    try:
        assert tab.pages.currentWidget() is tab.snapshot_page
        focus_on(qtbot, tab.snapshot_page.back_button)
        press(qtbot, Qt.Key_4)
        assert view.canvas.shown_digits().tolist() == [d != 4 for d in range(10)]
        assert len(view.canvas.scatter.data) == int((snapshot.labels != 4).sum())
        assert tab.canvas.shown_digits().all()  # the model's plot, not shown, is left alone
    finally:
        tab_state.set_latent_snapshot(None)
        view.canvas.show_all_digits()


def test_the_tooltips_name_the_keys(make_tab):
    tab, _ = make_tab(latent_dim=2)
    for tip in (tab.canvas.legend.toolTip(), tab.canvas.toolTip(), tab.plot.points_box.toolTip()):
        assert "Alt+" in tip, tip
    assert np.all(tab.canvas.shown_digits())
