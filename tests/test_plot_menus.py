"""Every plot's menus are deleted with it (widgets.plot_menus): pyqtgraph makes them without a
parent, so they outlived their plots until Python's cycle collector freed the plots' items, each
sent every style and palette change meanwhile (up to 1,300 alive at once in the tests)."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from conftest import shared_window
from PySide6.QtWidgets import QApplication

from vae_desktop.gui.main_window import TABS


@pytest.fixture(scope="module")
def window(qapp, tmp_path_factory):
    yield from shared_window(tmp_path_factory, "plot_menus_window")


def plot_items(window) -> list[tuple[pg.GraphicsView, pg.PlotItem]]:
    found = []
    for view in window.findChildren(pg.GraphicsView):
        found += [(view, item) for item in view.scene().items() if isinstance(item, pg.PlotItem)]
    return found


def test_every_plot_in_every_tab_owns_its_menus(window):
    for title, _ in TABS:  # every tab built, as a person visiting each makes them
        window.show_tab(title)
        QApplication.processEvents()
    plots = plot_items(window)
    # The loss plot, the live and the Latent space tab's latent views, Draw's guess chart and
    # score histogram, Conditional's probabilities, Interpolate's norms, Evaluate's histogram,
    # anomaly histogram and ROC, the Sweep tab's two.
    assert len(plots) >= 12, [type(v).__name__ for v, _ in plots]
    orphans = [f"{type(view).__name__}: {menu.title() or type(menu).__name__}"
               for view, item in plots for menu in (item.ctrlMenu, item.getViewBox().menu)
               if menu is not None and menu.parent() is not view]
    assert not orphans
