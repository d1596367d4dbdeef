"""A plot's menus, deleted with the plot.

pyqtgraph makes each plot's menus without a parent: the plot's options (a menu and six
submenus) always, and its view's (with the axes' controls, about 50 widgets) where the view has
a menu. Such menus outlived their plot until Python's cycle collector freed the plot's items,
each one sent every style and palette change meanwhile: in the tests, up to 1,300 of them alive
at once, and the Sweep tab's tests ran 0.92-0.95x the time once its plots' menus went with them
(2026-12-06). With the plot's view (the widget on screen) as their parent, Qt deletes them with
it.

The scene's menu has pyqtgraph's Export…, whose SVG choice failed on Qt 6 for every plot: its
dialog mends the exporter as it opens (widgets.svg_export), set up here, before any plot is made
(a scene connects that action when it is made)."""

from __future__ import annotations

import pyqtgraph as pg

from vae_desktop.gui.widgets.svg_export import mend_when_exporting

mend_when_exporting()


def menus_go_with(view: pg.GraphicsView, plot: pg.PlotItem | None = None) -> None:
    """Makes `view` the parent of the menus of `plot` (by default the PlotWidget `view`'s own).
    A menu is a window of its own: it keeps its flags, and no palette or style sheet comes to
    it from the plot."""
    plot = plot if plot is not None else view.getPlotItem()
    for menu in (plot.getViewBox().menu, plot.ctrlMenu):
        if menu is not None:
            menu.setParent(view, menu.windowFlags())
