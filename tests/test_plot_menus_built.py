"""No plot builds a right-click menu only to throw it away. pyqtgraph builds one for every view
(ViewBox) unless told otherwise as the view is made; 32 of a window's 34 were turned off at once,
0.1-0.2 s of building the window (2026-12-06), paid at every start and by every test that
makes one."""

from __future__ import annotations

import importlib

from vae_desktop.gui.main_window import MainWindow
from vae_desktop.gui.widgets.keyboard_menu import plot_menu


def test_a_window_builds_only_the_plot_menus_it_keeps(qtbot, monkeypatch):
    # The module, not the class of the same name its package exports.
    views = importlib.import_module("pyqtgraph.graphicsItems.ViewBox.ViewBox")
    real_menu = views.ViewBoxMenu
    built = []

    class CountedMenu(real_menu):
        def __init__(self, view) -> None:
            built.append(view)
            super().__init__(view)

    monkeypatch.setattr(views, "ViewBoxMenu", CountedMenu)
    window = MainWindow()
    qtbot.addWidget(window)
    kept = [view for view in built if view.menu is not None]
    assert len(built) == len(kept), f"{len(built) - len(kept)} of {len(built)} built and dropped"
    # The sweep's two plots keep theirs: View All, the axes, Export….
    sweep_plots = window.tab_widgets["Sweep"].view.plots
    for plot in (sweep_plots.by_trial, sweep_plots.by_setting):
        assert plot.getViewBox() in kept
        assert plot_menu(plot) is not None
