"""The Train tab's live latent view and the Latent space tab's snapshot page draw a snapshot at
equal scale, as the Latent space tab draws the plane: a unit along x is as long on screen as a
unit along y, so the codes' cloud keeps its shape. Bug: each axis fitted its own range, and a
round cloud was drawn as wide as the plot and as tall, whatever the plot's proportions."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PySide6.QtWidgets import QStackedWidget
from train_tab_support import shown_tab

from vae_desktop.core.snapshots import LatentTimeline
from vae_desktop.gui.tabs.latent.snapshot_page import SnapshotPage


@pytest.fixture(scope="module")
def snapshots(bundled, mnist_test):
    """Two snapshots of the bundled 2-D VAE, as a run takes them: 1,000 test digits each."""
    images, labels = mnist_test
    timeline = LatentTimeline(images[:1000], labels[:1000], latent_dim=2, size=1000)
    model = bundled["mnist-vae-z2"].model
    return [timeline.take(model, 1, step, step / 100, 150.0, 1.0) for step in (50, 100)]


def pixels_per_unit(canvas) -> tuple[float, float]:
    width, height = canvas.vb.viewPixelSize()  # units per pixel
    return 1 / width, 1 / height


def assert_equal_scale(view) -> None:
    x, y = pixels_per_unit(view.canvas)
    assert x == pytest.approx(y, rel=0.03)
    # Every point in view: the plot is fitted to the cloud, one axis with room to spare.
    (x0, x1), (y0, y1) = view.canvas.visible_region()
    points = view.snapshot.points
    inside = ((points[:, 0] > x0) & (points[:, 0] < x1) & (points[:, 1] > y0)
              & (points[:, 1] < y1)).mean()
    assert inside > 0.99


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_the_live_view_is_at_equal_scale(qtbot, state, snapshots, size):
    tab = shown_tab(qtbot, state, *size)
    live = tab.results.live_view
    live.set_snapshots(list(snapshots))
    qtbot.wait(10)  # the layout settles
    view = live.view
    assert view.canvas.vb.width() != pytest.approx(view.canvas.vb.height(), rel=0.1)
    assert_equal_scale(view)
    live.show_index(0)  # scrubbing keeps it so
    assert_equal_scale(view)


@pytest.mark.parametrize("size", [(1280, 620), (700, 900)])
def test_the_snapshot_page_is_at_equal_scale(qtbot, state, snapshots, size):
    pages = QStackedWidget()
    qtbot.addWidget(pages)
    page = SnapshotPage(state, pages, back=lambda: None)
    pages.resize(*size)
    pages.show()
    qtbot.waitExposed(pages)
    state.set_latent_snapshot(snapshots[1])
    qtbot.wait(10)
    assert pages.currentWidget() is page
    assert_equal_scale(page.view)


def moved(snapshot, scale, shift=(0.0, 0.0)):
    return dataclasses.replace(snapshot, points=snapshot.points * np.array(scale) + shift)


def test_a_long_cloud_holds_the_view_still_until_it_shrinks(qtbot, state, snapshots):
    """While following a run, the view is refitted only when the points leave it or shrink to a
    small part of it. At equal scale a long cloud fills the plot one way only; measured by its
    area it counted as shrunk, and the view was refitted (it jumped) at every snapshot."""
    tab = shown_tab(qtbot, state, 1280, 720)
    live = tab.results.live_view
    canvas = live.view.canvas
    long = moved(snapshots[0], (4.0, 1.0))
    live.add(long)  # the first snapshot: fitted
    fitted = np.array(canvas.visible_region())
    live.add(moved(long, (1.0, 1.0), (0.05, 0.05)))  # the next, a little further on
    np.testing.assert_allclose(canvas.visible_region(), fitted)
    live.add(moved(long, (0.5, 0.5)))  # half as far across both ways: fitted to it
    (x0, x1), (y0, y1) = canvas.visible_region()
    assert x1 - x0 == pytest.approx((fitted[0][1] - fitted[0][0]) / 2, rel=0.05)
    assert pixels_per_unit(canvas)[0] == pytest.approx(pixels_per_unit(canvas)[1], rel=0.03)
