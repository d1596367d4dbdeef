"""The Sweep tab's plots from the keyboard: Tab reaches each (left plot, the setting it is drawn
against, right plot), a frame shows which has the focus, and the menu key or Shift+F10 opens the
menu a right-click opens (pyqtgraph's: View All, the axes, Export…) at the plot, where Up/Down
and Enter work it. The bug: that menu opened on a right-click only, and the plots took no Tab
stop, so a keyboard user could never fit a zoomed plot again or export one."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenu
from test_evaluate_plot_keys import KEYS, assert_one_menu_at_the_plot, at_the_plot, open_menu
from typing_support import focus_window

from vae_desktop.core.sweep import SweepStudy, TrialRecord
from vae_desktop.gui.tabs.sweep.tab import SweepTab

TRIALS = 6


def record(number: int, value: float, lr: float) -> TrialRecord:
    settings = {"latent_dim": 8, "hidden": 64, "lr": lr, "batch_size": 128, "beta": 1.0,
                "arch": "mlp", "conditional": False, "epochs": 1}
    return TrialRecord(number, "COMPLETE", value, {"lr": lr}, settings, {1: value}, 1.0)


@pytest.fixture
def tab(qtbot, state):
    """The Sweep tab (1280x720, active) showing a study of six complete trials."""
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    tab.resize(1280, 720)
    focus_window(qtbot, tab)
    tab.show_study(SweepStudy("keys", "sqlite:///x.db", "test_loss", 2, "minimize",
                              [record(n, 120.0 - 3 * n + (n % 2) * 5, 10 ** (-4 + n / 2))
                               for n in range(TRIALS)]))
    tab.view.plots.choose_setting("lr")
    return tab


def plots(tab):
    return {"by trial": tab.view.plots.by_trial, "by setting": tab.view.plots.by_setting}


def focus():
    return QApplication.focusWidget()


def test_tab_reaches_each_plot_in_reading_order_and_shows_its_focus(tab, qtbot):
    sweep = tab.view.plots
    before = {name: plot.grab().toImage() for name, plot in plots(tab).items()}
    tab.view.table.setFocus(Qt.TabFocusReason)
    seen = []
    for _ in range(80):
        qtbot.keyClick(focus(), Qt.Key_Tab)
        seen.append(focus())
        if focus() is sweep.by_setting:
            break
    assert sweep.by_trial in seen and sweep.by_setting in seen
    # Left plot, then the box that picks the right plot's setting (above it), then that plot.
    assert seen.index(sweep.by_trial) + 1 == seen.index(sweep.setting_combo)
    assert seen.index(sweep.setting_combo) + 1 == seen.index(sweep.by_setting)
    for name, plot in plots(tab).items():
        plot.setFocus(Qt.TabFocusReason)
        qtbot.wait(10)
        assert plot.grab().toImage() != before[name], name  # a frame around the focused plot


@pytest.mark.parametrize("name", ["by trial", "by setting"])
def test_each_plot_says_how_to_open_its_menu(tab, name):
    plot = plots(tab)[name]
    for words in (plot.toolTip(), plot.accessibleDescription()):
        assert "menu key" in words and "Shift+F10" in words and "View All" in words
    assert plot.accessibleName().endswith("plot")


@pytest.mark.parametrize("keys", list(KEYS))
@pytest.mark.parametrize("name", ["by trial", "by setting"])
def test_a_key_opens_the_plots_menu_and_view_all_fits_it_again(tab, qtbot, name, keys):
    plot = plots(tab)[name]
    assert plot.focusPolicy() & Qt.TabFocus
    x_all = sorted(plot.getViewBox().childrenBounds()[0])
    plot.setXRange(x_all[1] + 10, x_all[1] + 11, padding=0)  # zoomed away from every point
    plot.setFocus(Qt.TabFocusReason)
    key, modifiers = KEYS[keys]
    qtbot.keyClick(plot, key, modifiers)
    menu = open_menu()
    assert menu is not None
    texts = [action.text() for action in menu.actions()]
    assert texts[0] == "View All" and "Export..." in texts  # the right-click's menu
    assert at_the_plot(menu, plot)
    qtbot.keyClick(menu, Qt.Key_Down)
    qtbot.keyClick(menu, Qt.Key_Return)
    qtbot.waitUntil(lambda: open_menu() is None, timeout=3000)
    low, high = plot.getViewBox().viewRange()[0]
    assert low <= x_all[0] and high >= x_all[1], (low, high, x_all)


def test_esc_closes_the_menu_and_the_plot_keeps_the_focus(tab, qtbot):
    plot = plots(tab)["by trial"]
    plot.setFocus(Qt.TabFocusReason)
    qtbot.keyClick(plot, Qt.Key_F10, Qt.ShiftModifier)
    menu = open_menu()
    assert menu is not None
    qtbot.keyClick(menu, Qt.Key_Escape)
    qtbot.waitUntil(lambda: open_menu() is None, timeout=3000)
    assert focus() is plot


def test_the_platforms_own_menu_event_opens_one_menu_at_the_plot(tab, qtbot, after):
    """On X11 the menu key comes as a context-menu event at the mouse pointer too, and on
    Windows Shift+F10 does: the menu opens once, at the plot."""
    plot = plots(tab)["by setting"]
    plot.setFocus(Qt.TabFocusReason)
    assert_one_menu_at_the_plot(plot, qtbot, after)


def test_the_plots_menus_are_deleted_with_them(qtbot):
    # pyqtgraph makes a plot's menus (the view's, with its axis controls: about 50 widgets, and
    # the plot's options) without a parent, so they outlived the plots until Python's cycle
    # collector got to the plots' items: about 110 widgets a Sweep tab, each sent every style
    # and palette change meanwhile. They now go with the plot.
    import gc

    from PySide6.QtCore import QEvent

    from vae_desktop.gui.tabs.sweep.plots import TrialPlots

    def menus():
        return [w for w in QApplication.allWidgets() if isinstance(w, QMenu)]

    gc.collect()
    before = len(menus())
    enabled = gc.isenabled()  # off already where the session's GUI-thread collector runs
    gc.disable()  # as between the collector's passes
    try:
        plots = TrialPlots()
        plots.show()
        qtbot.waitExposed(plots)
        made = len(menus()) - before
        assert made >= 4  # each plot's view menu and options menu, at least
        plots.deleteLater()
        del plots
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        assert len(menus()) == before
    finally:
        if enabled:
            gc.enable()
