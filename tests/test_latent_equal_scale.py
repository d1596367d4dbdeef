"""The Latent space tab shows latent space at equal scale: a unit along x is as long on screen as
a unit along y, so the round N(0, I) prior and a drawing's 2-sigma ellipse look as they are, and
the manifold's decoded digits are square. Bug: at 1280x720 the plot was about 757 x 460 px and
the 20 x 20 manifold stretched over it, every 28 x 28 digit squashed into a 38 x 23 px tile."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from latent_tab_support import decoded
from PySide6.QtCore import QRectF

from vae_desktop.core import data as data_module
from vae_desktop.core import latent
from vae_desktop.core.data import load_split
from vae_desktop.gui.main_window import MainWindow
from vae_desktop.gui.tabs.latent.tab import LatentTab


@pytest.fixture
def window(qtbot, app_state, monkeypatch):
    monkeypatch.setattr(data_module, "load_split", lambda split: load_split(split, size=1000))
    win = MainWindow(state=app_state, tabs=(("Latent space", LatentTab),))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def on_screen(item, rect: QRectF) -> QRectF:
    """A rectangle of the item's own coordinates, in the scene's pixels."""
    return item.mapRectToScene(rect)


def pixels_per_unit(canvas) -> tuple[float, float]:
    px, py = canvas.vb.viewPixelSize()  # plane units per pixel
    return 1 / px, 1 / py


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_the_plane_is_at_equal_scale_and_the_manifold_tiles_are_square(window, qtbot, size):
    state = window.state
    state.set_active(state.find_model(conditional=False, latent_dim=2))
    window.resize(*size)
    tab = window.tab_widgets["Latent space"]
    qtbot.waitUntil(lambda: tab.stats is not None, timeout=60000)
    canvas = tab.canvas
    qtbot.wait(20)  # the layout settles
    assert canvas.vb.width() > 1.3 * canvas.vb.height()  # a wide plot, as on a real screen
    tab.plot.grid_spin.setValue(20)
    tab.plot.manifold_box.setChecked(True)
    x_units, y_units = pixels_per_unit(canvas)
    assert x_units == pytest.approx(y_units, rel=1e-3)
    item = canvas.manifold
    rows, cols = item.image.shape[0] // 28, item.image.shape[1] // 28
    tile = on_screen(item, QRectF(0, 0, 28, 28))
    assert tile.width() == pytest.approx(tile.height(), rel=0.01)
    # N tiles across the plot's shorter side (its height), as many of that size across the
    # longer one: the grid covers the whole plot and no more than a tile past each edge.
    assert rows == 20 and cols > 20
    view = canvas.vb.sceneBoundingRect()
    grid = on_screen(item, item.boundingRect())
    assert grid.contains(view.adjusted(1, 1, -1, -1))
    assert grid.width() - view.width() < 2 * tile.width()
    assert grid.height() - view.height() < 2 * tile.height()
    # Each tile decodes the code at its centre, drawn where that code is on the plot.
    r, c = 3, cols - 2
    centre = item.mapToScene(c * 28 + 14, r * 28 + 14)
    code = canvas.vb.mapSceneToView(centre)
    np.testing.assert_allclose(item.image[r * 28:(r + 1) * 28, c * 28:(c + 1) * 28],
                               decoded(tab.model, [code.x(), code.y()]), atol=2e-3)


def test_fit_shows_every_point_at_equal_scale_after_zooming(window, qtbot):
    state = window.state
    state.set_active(state.find_model(conditional=False, latent_dim=16))
    window.resize(1280, 720)
    tab = window.tab_widgets["Latent space"]
    qtbot.waitUntil(lambda: tab.stats is not None, timeout=60000)
    canvas = tab.canvas
    canvas.vb.scaleBy((0.2, 0.2))  # zoomed in, as with the wheel
    canvas.vb.translateBy((1.0, -0.5))
    x_units, y_units = pixels_per_unit(canvas)
    assert x_units == pytest.approx(y_units, rel=1e-3)
    tab.fit_view()
    x_units, y_units = pixels_per_unit(canvas)
    assert x_units == pytest.approx(y_units, rel=1e-3)
    (x0, x1), (y0, y1) = canvas.visible_region()
    xy = canvas._xy
    lo, hi = np.percentile(xy, 0.5, axis=0), np.percentile(xy, 99.5, axis=0)
    assert x0 < lo[0] and hi[0] < x1 and y0 < lo[1] and hi[1] < y1
    # Tight along one axis at least: the bulk of the points fills the plot that way.
    assert min((hi[0] - lo[0]) / (x1 - x0), (hi[1] - lo[1]) / (y1 - y0)) < 0.9
    assert max((hi[0] - lo[0]) / (x1 - x0), (hi[1] - lo[1]) / (y1 - y0)) > 0.8


def test_the_square_grid_covers_the_region_with_square_cells():
    grid = latent.square_grid((-2.0, 3.0), (-1.0, 1.5), 10)
    (x0, x1), (y0, y1) = grid.x_range, grid.y_range
    assert (grid.rows, grid.cols) == (10, 20)
    assert (x1 - x0) / grid.cols == pytest.approx((y1 - y0) / grid.rows)
    assert x0 <= -2.0 and x1 >= 3.0 and y0 <= -1.0 and y1 >= 1.5
    # Centred on the region; a tall region gets its N across the width.
    assert (x0 + x1) / 2 == pytest.approx(0.5) and (y0 + y1) / 2 == pytest.approx(0.25)
    tall = latent.square_grid((0.0, 1.0), (0.0, 1.9), 12)
    assert (tall.cols, tall.rows) == (12, 23)
    # A very long region: at most twice N across its length, the cells still square.
    long = latent.square_grid((0.0, 10.0), (0.0, 1.0), 10)
    assert long.cols == 20 and long.rows == 2
    assert (long.x_range[1] - long.x_range[0]) / long.cols == pytest.approx(
        (long.y_range[1] - long.y_range[0]) / long.rows)
    points = grid.points()
    assert points.shape == (200, 2)
    # Reading order: row 0 at the top (largest y), column 0 at the left.
    cell = (x1 - x0) / grid.cols
    assert points[0].tolist() == pytest.approx([x0 + cell / 2, y1 - cell / 2])
    assert points[21].tolist() == pytest.approx([x0 + 1.5 * cell, y1 - 1.5 * cell])
    with pytest.raises(ValueError):
        latent.square_grid((0.0, 1.0), (0.0, 1.0), 9)


def test_decode_grid_tiles_rows_and_columns(bundled):
    model = bundled["mnist-vae-z2"].model
    grid = latent.square_grid((-2.0, 3.0), (-1.0, 1.5), 10)
    plane = latent.DimsPlane(0, 1, torch.zeros(2))
    image = latent.decode_grid(model, plane, grid)
    assert image.shape == (10 * 28, 20 * 28)
    codes = grid.points()
    np.testing.assert_allclose(image[28:56, 5 * 28:6 * 28], decoded(model, codes[20 + 5]), atol=1e-6)
