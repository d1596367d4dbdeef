"""In a 1280x700 window, a maximized window on a 1280x720 screen under a window manager's title
bar (the smallest the app is made for), the Draw and Latent space tabs fit their page without a
scrollbar, for a conditional model (the first launch's) and an unconditional one. A conditional
model's label picker, and on Draw the rows under the canvas, used to push each tab a little past
the page, hiding the Latent space tab's overlay controls behind a scrollbar."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from vae_desktop.core import data as data_module
from vae_desktop.core.data import load_split
from vae_desktop.gui.main_window import MainWindow
from vae_desktop.gui.tabs.draw.tab import DrawTab
from vae_desktop.gui.tabs.latent.tab import LatentTab
from vae_desktop.gui.widgets.draw_canvas import SIDE

TEST_IMAGES = 1000  # a part of the test set keeps each model's test-set pass short
WINDOW = (1280, 700)


@pytest.fixture
def window(qtbot, app_state, monkeypatch):
    # The state reads its test split on first use, after this.
    monkeypatch.setattr(data_module, "load_split", lambda split: load_split(split, size=TEST_IMAGES))
    win = MainWindow(state=app_state, tabs=(("Draw", DrawTab), ("Latent space", LatentTab)))
    qtbot.addWidget(win)
    win.resize(*WINDOW)
    win.show()
    qtbot.waitExposed(win)
    return win


def activate(window, qtbot, conditional: bool) -> None:
    state = window.state
    state.set_active(state.find_model(conditional=conditional, latent_dim=2))
    latent = window.tab_widgets["Latent space"]
    window.show_tab("Latent space")
    qtbot.waitUntil(lambda: latent.stats is not None, timeout=60000)


def assert_fits(window, qtbot, title: str) -> None:
    window.show_tab(title)
    qtbot.wait(20)  # the layout settles
    page = window._pages[title]
    needed = page.widget().minimumSizeHint()
    room = page.viewport().size()
    assert needed.height() <= room.height(), f"{title} needs {needed.height()} px, has {room.height()}"
    assert needed.width() <= room.width(), f"{title} needs {needed.width()} px, has {room.width()}"
    assert page.verticalScrollBar().maximum() == 0
    assert page.horizontalScrollBar().maximum() == 0


@pytest.mark.parametrize("conditional", [True, False], ids=["conditional", "unconditional"])
def test_the_tabs_fit_the_smallest_window(window, qtbot, conditional):
    activate(window, qtbot, conditional)
    assert window.tab_widgets["Latent space"].label_box.isVisibleTo(window) == conditional
    for title in ("Latent space", "Draw"):
        assert_fits(window, qtbot, title)


def test_the_random_samples_keep_their_size_in_the_smallest_window(window, qtbot):
    """The page is short there: its buttons move beside the grid rather than take a row from it."""
    activate(window, qtbot, conditional=True)
    tab = window.tab_widgets["Latent space"]
    tab.side.pages.setCurrentWidget(tab.samples)
    qtbot.wait(20)
    assert min(tab.samples.view.width(), tab.samples.view.height()) >= 160


def test_a_label_blend_keeps_the_latent_tab_in_view(window, qtbot):
    """A blend of labels says so under the digit buttons: on the line the note was on, so the
    tab stays as tall."""
    activate(window, qtbot, conditional=True)
    tab = window.tab_widgets["Latent space"]
    weights = np.zeros(10, np.float32)
    weights[[5, 6]] = 0.5
    window.state.set_latent_point(np.zeros(2, np.float32), weights, "test")
    assert "blend" in tab.label_box.blend_text()
    assert_fits(window, qtbot, "Latent space")


def test_the_drawing_canvas_grows_with_a_large_window_and_still_draws_true(window, qtbot):
    """At 1920x1080 the canvas was the smallest picture of the Draw tab (fixed at 280 px while
    the views beside it grew to 470). It grows with the window, the tab still fits, and a stroke
    lands where the mouse is: the model's 280x280 sheet is the same whatever the canvas's size."""
    activate(window, qtbot, conditional=True)
    window.resize(1920, 1080)
    window.show_tab("Draw")
    qtbot.wait(50)
    canvas = window.tab_widgets["Draw"].canvas
    assert canvas.width() == canvas.height() >= 400
    assert_fits(window, qtbot, "Draw")
    side = canvas.width()
    qtbot.mousePress(canvas, Qt.LeftButton, pos=QPoint(side // 4, side // 4))
    qtbot.mouseRelease(canvas, Qt.LeftButton, pos=QPoint(side // 4, side // 4))
    ink = canvas.to_array()
    assert ink.shape == (SIDE, SIDE)
    rows, cols = np.nonzero(ink > 128)
    assert abs(rows.mean() - SIDE / 4) < 2 and abs(cols.mean() - SIDE / 4) < 2
    window.resize(*WINDOW)  # and back to the smallest window: the canvas shrinks again
    qtbot.wait(50)
    assert canvas.width() == SIDE
    assert_fits(window, qtbot, "Draw")
