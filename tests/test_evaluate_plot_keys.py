"""The Evaluate tab's plots (the per-image histogram, the anomaly histogram and the ROC curve)
from the keyboard: Tab reaches each, its focus is drawn, and the menu key or Shift+F10 opens
its menu (Save plot as PNG…) at the plot, where Up/Down and Enter work it. The bug: the menu
opened on a right-click only (the plots zoom and pan not at all, so saving is what it offers)."""

from __future__ import annotations

import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu
from small_test_set import evaluated_tab
from test_evaluate_exports import answering
from typing_support import focus_window

N = 300
KEYS = {"menu key": (Qt.Key_Menu, Qt.NoModifier), "Shift+F10": (Qt.Key_F10, Qt.ShiftModifier)}


@pytest.fixture
def tab(qtbot, app_state, mnist_test, monkeypatch):
    tab = evaluated_tab(qtbot, app_state, mnist_test, monkeypatch, N)
    focus_window(qtbot, tab)
    yield tab
    assert tab.shutdown()


def plots(tab):
    return {"report": tab.report_view.hist_plot, "anomaly": tab.anomaly.plots.hist_plot,
            "roc": tab.anomaly.plots.roc_plot}


def at_the_plot(menu, plot) -> bool:
    """Whether the menu opened at the plot's top left quarter (moved in only as far as the
    offscreen screen, 800 px wide, needs: the plot may lie past its edge)."""
    asked = plot.mapToGlobal(QPoint(plot.width() // 4, plot.height() // 4))
    screen = QApplication.primaryScreen().availableGeometry()
    x = min(asked.x(), screen.right() + 1 - menu.width())
    y = min(asked.y(), screen.bottom() + 1 - menu.height())
    return menu.pos() == QPoint(x, y)


def open_menu() -> QMenu | None:
    menu = QApplication.activePopupWidget()
    return menu if isinstance(menu, QMenu) and menu.isVisible() else None


def test_tab_reaches_the_report_plot_and_shows_where_the_focus_is(tab, qtbot):
    plot = plots(tab)["report"]
    before = plot.grab().toImage()
    tab.report_view.hist_combo.setFocus()  # the score it plots, above it
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Tab)
    assert QApplication.focusWidget() is plot
    assert plot.grab().toImage() != before  # a frame is drawn around the focused plot
    assert "Shift+F10" in plot.toolTip() and "menu key" in plot.toolTip()


@pytest.mark.parametrize("keys", list(KEYS))
@pytest.mark.parametrize("which", ["report", "anomaly", "roc"])
def test_a_key_opens_the_focused_plots_menu_and_enter_saves_it(tab, qtbot, monkeypatch,
                                                                tmp_path, which, keys):
    plot = plots(tab)[which]
    assert plot.focusPolicy() & Qt.TabFocus
    plot.setFocus()
    key, modifiers = KEYS[keys]
    qtbot.keyClick(plot, key, modifiers)
    menu = open_menu()
    assert menu is not None
    assert [action.text() for action in menu.actions()] == ["Save plot as PNG…"]
    assert at_the_plot(menu, plot)
    answering(monkeypatch, tmp_path / f"{which}.png")
    qtbot.keyClick(menu, Qt.Key_Down)
    qtbot.keyClick(menu, Qt.Key_Return)
    qtbot.waitUntil(lambda: (tmp_path / f"{which}.png").exists(), timeout=3000)
    with Image.open(tmp_path / f"{which}.png") as image:
        assert image.format == "PNG" and image.width >= plot.width()
    assert open_menu() is None


def test_the_platforms_own_menu_event_opens_one_menu_at_the_plot(tab, qtbot, after):
    """On X11 the menu key comes as a context-menu event at the mouse pointer too, and on
    Windows Shift+F10 does: the menu opens once, at the plot."""
    plot = plots(tab)["roc"]
    plot.setFocus()
    assert_one_menu_at_the_plot(plot, qtbot, after)


def assert_one_menu_at_the_plot(plot, qtbot, after) -> None:
    """The platform's own menu event, with the pointer far away, opens the menu at the plot
    (`plot` has the focus); the menu key and then that event for the same press: one menu."""
    far = plot.mapToGlobal(QPoint(-500, -500))  # the pointer, well away from the plot
    event = QContextMenuEvent(QContextMenuEvent.Keyboard, QPoint(-500, -500), far)
    seen = []  # a menu that waits for its answer (QMenu.exec) is looked at, and closed

    def look() -> None:
        if (menu := open_menu()) is not None:
            seen.append(menu.pos())
            menu.close()

    after(1000, look)
    QApplication.sendEvent(plot, event)
    menu = open_menu()
    assert seen == [], "the menu opened at the pointer, and waited there for its answer"
    assert menu is not None and at_the_plot(menu, plot)  # not at the pointer
    menu.close()
    # The key and then the platform's event for the same press: one menu, not one after the
    # other.
    qtbot.keyClick(plot, Qt.Key_Menu)
    first = open_menu()
    assert first is not None
    QApplication.sendEvent(plot, QContextMenuEvent(QContextMenuEvent.Keyboard, QPoint(5, 5),
                                                   plot.mapToGlobal(QPoint(5, 5))))
    assert open_menu() is first
    first.close()
