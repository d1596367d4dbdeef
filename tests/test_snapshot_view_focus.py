"""A training run's latent snapshot (widgets.snapshot_view) is a picture of the past: nothing in
it is done with keys, so its plot is no Tab stop. On the Latent space tab's snapshot page Tab
went from "Back to the active model" to the plot, which drew no focus and where the arrow keys
did nothing (the Train tab's live view had turned its own plot off the Tab chain)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QStackedWidget, QVBoxLayout, QWidget
from typing_support import focus_window

from vae_desktop.gui.tabs.latent.snapshot_page import SnapshotPage
from vae_desktop.gui.tabs.train.live_latent import LiveLatentView
from vae_desktop.gui.widgets.snapshot_view import SnapshotView


def test_a_snapshots_plot_is_no_tab_stop(qtbot, state):
    window = QWidget()
    qtbot.addWidget(window)
    pages = QStackedWidget()
    page = SnapshotPage(state, pages, back=lambda: None)
    after = QPushButton("After")
    column = QVBoxLayout(window)
    column.addWidget(pages)
    column.addWidget(after)
    window.resize(700, 600)
    focus_window(qtbot, window)
    page.back_button.setFocus(Qt.TabFocusReason)
    qtbot.keyClick(page.back_button, Qt.Key_Tab)
    assert QApplication.focusWidget() is after  # past the plot, which was the next stop
    assert page.view.canvas.focusPolicy() == Qt.NoFocus


def test_every_snapshot_view_leaves_its_plot_off_the_tab_chain(qtbot):
    """The view itself does, for the Train tab's live view as for the snapshot page."""
    view = SnapshotView(min_size=120)
    qtbot.addWidget(view)
    live = LiveLatentView()
    qtbot.addWidget(live)
    for canvas in (view.canvas, live.view.canvas):
        assert canvas.focusPolicy() == Qt.NoFocus
