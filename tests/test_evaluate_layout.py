"""Evaluate tab in the main window at the first-launch size on a 1280x720 screen (a client area
of 1264x672) and at 1920x1080: everything fits, with no scroll bar.

The bug: at 1264x672 the tab needed a vertical scroll bar (its minimum height was 583 px in a
575 px page)."""

from __future__ import annotations

import pytest
from small_test_set import use_test_digits

from vae_desktop.gui.main_window import MainWindow
from vae_desktop.gui.tabs.evaluate.tab import EvaluateTab
from vae_desktop.gui.widgets.gallery_pairs import MIN_SCALE


@pytest.fixture
def window(qtbot, app_state, mnist_test, monkeypatch):
    use_test_digits(app_state, mnist_test, monkeypatch, 500)
    app_state.set_active(app_state.find_model(conditional=False, latent_dim=16))
    win = MainWindow(state=app_state, tabs=[("Evaluate", EvaluateTab)])
    qtbot.addWidget(win)
    tab = win.tab_widgets["Evaluate"]
    with qtbot.waitSignal(tab.evaluated, timeout=60_000):
        win.show()
    yield win
    assert tab.shutdown()


def fits(qtbot, win, width: int, height: int) -> None:
    win.resize(width, height)
    page = win._pages["Evaluate"]
    tab = win.tab_widgets["Evaluate"]
    qtbot.waitUntil(lambda: tab.width() >= page.viewport().width() - 20
                    and page.viewport().width() >= width - 20)
    qtbot.wait(30)  # the layout settles
    assert not page.verticalScrollBar().isVisible(), (tab.minimumSizeHint(), page.viewport().size())
    assert not page.horizontalScrollBar().isVisible()
    assert tab.size() == page.viewport().size()
    assert tab.report_view.gallery.pixel_scale() >= MIN_SCALE - 0.01  # digits stay readable
    view = tab.report_view
    # Nothing is squeezed under its own height: the last line is whole, inside the tab.
    info = view.gallery_info
    bottom = info.mapTo(tab, info.rect().bottomLeft()).y()
    assert info.height() >= info.fontMetrics().height() and bottom < tab.height()


def test_the_tab_fits_1280x720_and_1920x1080_without_scrolling(qtbot, window):
    fits(qtbot, window, 1264, 672)
    rows = window.tab_widgets["Evaluate"].report_view.gallery.rows
    fits(qtbot, window, 1904, 1032)
    assert window.tab_widgets["Evaluate"].report_view.gallery.rows > max(rows, 9)  # more shown
