"""LatentCanvas's points: a run's next snapshot moves the same digits, and only their
coordinates are replaced (their colours kept); new digits or a digit hidden are restyled."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF, QSizeF
from PySide6.QtGui import QColor

from vae_desktop.gui.widgets.latent_canvas import DIGIT_COLORS, LatentCanvas


@pytest.fixture
def canvas(qtbot):
    widget = LatentCanvas()
    qtbot.addWidget(widget)
    widget.resize(400, 400)
    widget.show()
    return widget


def drawn(canvas: LatentCanvas) -> tuple[np.ndarray, np.ndarray]:
    """(plane coordinates [n, 2], digit of each colour [n]) of the points the scatter holds."""
    data = canvas.scatter.data
    colours = {QColor(c).name(): digit for digit, c in enumerate(DIGIT_COLORS)}
    digits = np.array([colours[brush.color().name()] for brush in data["brush"]])
    return np.stack([data["x"], data["y"]], axis=1), digits


def same_points(canvas: LatentCanvas, xy: np.ndarray, labels: np.ndarray) -> None:
    """The scatter shows exactly the points (xy, labels) of the digits shown, each in its
    digit's colour (compared as sets of rows, since the scatter draws them shuffled)."""
    shown = canvas.shown_digits()[labels]
    expected = np.column_stack([xy[shown], labels[shown]])
    points, digits = drawn(canvas)
    actual = np.column_stack([points, digits])
    assert len(actual) == len(expected)
    np.testing.assert_array_equal(actual[np.lexsort(actual.T)], expected[np.lexsort(expected.T)])


def test_a_next_snapshot_moves_the_points_and_keeps_their_colours(canvas):
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 300)
    first = rng.normal(size=(300, 2))
    canvas.set_points(first, labels)
    same_points(canvas, first, labels)
    canvas.scatter.boundingRect()  # as a paint does: the bounds are cached from here on
    canvas.scatter.dataBounds(0)
    second = first * 5 + 20  # moved far: the bounds must follow
    canvas.set_points(second, labels.copy())
    same_points(canvas, second, labels)
    rect = canvas.scatter.boundingRect()
    assert rect.left() >= second[:, 0].min() - 1 and rect.top() >= second[:, 1].min() - 1
    assert canvas.scatter.dataBounds(0) == pytest.approx((second[:, 0].min(), second[:, 0].max()))
    canvas.fit_to_points()
    (x0, x1), (y0, y1) = canvas.visible_region()
    assert x0 < np.median(second[:, 0]) < x1 and y0 < np.median(second[:, 1]) < y1
    # The point under a spot is found at its new place.
    index = 17
    scene = canvas.vb.mapViewToScene(QPointF(*second[index]))
    found = canvas.nearest_point(scene)
    assert found == index or np.allclose(second[found], second[index], atol=0.1)


def test_hidden_digits_stay_hidden_when_the_points_move_and_new_labels_restyle(canvas):
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 10, 200)
    canvas.set_points(rng.normal(size=(200, 2)), labels)
    canvas._proxies[3].setVisible(False)  # what clicking the legend's 3 does
    moved = rng.normal(size=(200, 2))
    canvas.set_points(moved, labels)
    same_points(canvas, moved, labels)
    assert 3 not in drawn(canvas)[1]
    canvas._proxies[3].setVisible(True)
    same_points(canvas, moved, labels)
    # Other digits in the same number of points: every colour is set again.
    relabelled = (labels + 1) % 10
    canvas.set_points(moved, relabelled)
    same_points(canvas, moved, relabelled)
    # Fewer points: a new draw order, not a move.
    canvas.set_points(moved[:50], relabelled[:50])
    same_points(canvas, moved[:50], relabelled[:50])


def test_moving_a_different_number_of_points_is_refused(canvas):
    canvas.set_points(np.zeros((10, 2)), np.arange(10))
    with pytest.raises(ValueError, match="11 coordinates for 10 points"):
        canvas.scatter.move_points(np.zeros(11), np.zeros(11))


def test_the_drawing_label_clears_the_crosshair_readout(canvas, qtbot):
    """With the current point on the drawing (as after "Go to drawing", or a drawing near the
    origin) the star's "your drawing" and the crosshair's coordinates used to be drawn on top
    of each other, both above and to the right of the point."""
    canvas.set_crosshair(0.0, 0.0, "(0.00, 0.00)")
    canvas.set_drawing(np.zeros(2))
    qtbot.wait(20)
    drawing = canvas.drawing_text.sceneBoundingRect()
    readout = canvas.coord_text.sceneBoundingRect()
    assert not drawing.isEmpty() and not readout.isEmpty()
    assert not drawing.intersects(readout)
    # Nor does the label cover the star's body (16 px across, centred on the point).
    centre = canvas.vb.mapViewToScene(QPointF(0.0, 0.0))
    assert not drawing.intersects(QRectF(centre - QPointF(6, 6), QSizeF(12, 12)))
