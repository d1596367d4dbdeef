"""The Latent space plot's legend: a click anywhere on a digit's row (its coloured dot, its
number, the space between) hides or shows that digit's points, as the guide says, and never moves
the decoded point. Bug: only the 9-px dot toggled; a click on the number fell through to the plot
and moved the point there. The legend is drawn above the crosshair and the current point."""

from __future__ import annotations

import numpy as np
import pytest
from latent_tab_support import viewport_pos
from PySide6.QtCore import QPoint, QPointF, Qt

LEGEND_BACKGROUND = (22, 23, 26)  # the plot's own background colour

# The shared fixtures (shared, tab_state, make_tab) live beside the helpers.
pytest_plugins = ["latent_tab_support"]


def row_rects(canvas, digit: int):
    """The scene rectangles of a legend row's dot and number."""
    sample, label = canvas.legend.items[digit]
    return sample.sceneBoundingRect(), label.sceneBoundingRect()


def click_scene(canvas, qtbot, scene_pos: QPointF) -> None:
    pos = canvas.mapFromScene(scene_pos)
    qtbot.mouseClick(canvas.viewport(), Qt.LeftButton, pos=QPoint(pos.x(), pos.y()))


def test_a_click_on_a_digits_number_hides_it_and_leaves_the_point(make_tab, tab_state, qtbot):
    tab, _ = make_tab(latent_dim=2)
    canvas = tab.canvas
    tab.pick(0.5, -0.5)
    before = tab_state.latent_point.code.copy()
    points = []
    tab_state.latent_point_changed.connect(points.append)
    try:
        labels = tab.stats.labels.numpy()
        dot, number = row_rects(canvas, 3)
        click_scene(canvas, qtbot, number.center())
        assert not canvas.shown_digits()[3]
        assert len(canvas.scatter.data) == int((labels != 3).sum())
        # Between the dot and the number, and at the row's right end: the same row.
        gap = QPointF((dot.right() + number.left()) / 2, number.center().y())
        click_scene(canvas, qtbot, gap)
        assert canvas.shown_digits()[3]
        click_scene(canvas, qtbot, QPointF(number.right() - 2, number.center().y()))
        assert not canvas.shown_digits()[3]
        # The dot itself still toggles, as it did.
        click_scene(canvas, qtbot, dot.center())
        assert canvas.shown_digits().all()
        # Another row: another digit (the legend is in two columns).
        click_scene(canvas, qtbot, row_rects(canvas, 8)[1].center())
        assert not canvas.shown_digits()[8] and canvas.shown_digits()[3]
        # A click on the legend's frame, between the rows, picks nothing either.
        legend = canvas.legend.sceneBoundingRect()
        click_scene(canvas, qtbot, QPointF(legend.left() + 2, legend.bottom() - 2))
        assert points == []
        np.testing.assert_array_equal(tab_state.latent_point.code, before)
        assert canvas.crosshair() == (float(before[0]), float(before[1]))
        # Nor does hovering the legend preview the points hidden under it.
        assert canvas.nearest_point(number.center()) == -1
        # A click beside the legend still picks a point.
        with qtbot.waitSignal(tab_state.latent_point_changed, timeout=2000):
            qtbot.mouseClick(canvas.viewport(), Qt.LeftButton, pos=viewport_pos(canvas, -1.0, 0.0))
    finally:
        tab_state.latent_point_changed.disconnect(points.append)
        canvas.show_all_digits()


def test_the_legend_is_drawn_over_the_crosshair(make_tab, qtbot):
    tab, _ = make_tab(latent_dim=2)
    canvas = tab.canvas
    number = row_rects(canvas, 5)[1]
    # The current point right under the legend's 5.
    spot = canvas.vb.mapSceneToView(number.center())
    tab.pick(spot.x(), spot.y())
    assert canvas.crosshair() == pytest.approx((spot.x(), spot.y()), abs=1e-5)
    stacked = canvas.scene().items(number.center())  # topmost first
    legend_items = [canvas.legend, *canvas.legend.items[5]]
    first_legend = min(stacked.index(item) for item in legend_items if item in stacked)
    for item in (canvas.vline, canvas.hline, canvas.target):
        assert item in stacked and stacked.index(item) > first_legend
    # And the legend's background hides them: the red point does not show through it (it
    # did, through a background four fifths opaque, as did the manifold's digits).
    number0, dot1 = row_rects(canvas, 0)[1], row_rects(canvas, 1)[0]
    gap = QPointF((number0.right() + dot1.left()) / 2, number0.center().y())
    spot = canvas.vb.mapSceneToView(gap)
    tab.pick(spot.x(), spot.y())
    qtbot.wait(20)
    image = canvas.grab().toImage()
    pixel = canvas.mapFromScene(gap)
    colour = image.pixelColor(round(pixel.x() * image.devicePixelRatio()),
                              round(pixel.y() * image.devicePixelRatio()))
    assert canvas.target.isVisible()
    assert (colour.red(), colour.green(), colour.blue()) == LEGEND_BACKGROUND
