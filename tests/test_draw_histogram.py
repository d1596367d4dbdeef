"""The Draw tab's histogram: the x axis reaches a score off the chart, in steps with room to
grow (each new range redraws the whole plot), and goes back to the test set's tail after."""

from __future__ import annotations

import numpy as np
import pytest

from vae_desktop.gui.widgets.draw_histogram import GROW, TAIL, ScoreHistogram
from vae_desktop.gui.widgets.gap_bars import GapBars


def right_end(histogram) -> float:
    return histogram.getViewBox().viewRange()[0][1]


def test_the_axis_follows_a_score_off_the_chart_in_steps(qtbot):
    histogram = ScoreHistogram()
    qtbot.addWidget(histogram)
    histogram.resize(500, 300)
    histogram.show()
    scores = np.random.default_rng(0).normal(100.0, 15.0, 2000).astype(np.float32)
    histogram.set_reference(scores)
    top = float(np.percentile(scores, TAIL))
    histogram.set_score(110.0)
    tail_end = right_end(histogram)
    assert top <= tail_end < top * 1.1
    assert histogram.score_line.value() == pytest.approx(110.0, abs=1.0)

    ranges = []
    histogram.sigXRangeChanged.connect(lambda *_: ranges.append(right_end(histogram)))
    histogram.set_score(2 * top)  # off the chart: widened with room to grow
    assert right_end(histogram) >= 2 * top * GROW
    for score in np.linspace(2 * top, 2 * top * GROW, 20):  # climbing within that room
        histogram.set_score(float(score))
    assert len(ranges) == 1
    assert histogram.score_label.pos().x() == histogram.score_line.value()
    histogram.set_score(3 * GROW * top)
    assert len(ranges) == 2 and right_end(histogram) >= 3 * GROW * GROW * top
    histogram.set_score(90.0)  # back on the chart: the axis ends at the tail again
    assert right_end(histogram) == pytest.approx(tail_end)
    histogram.set_score(None)
    assert not histogram.score_line.isVisible() and not histogram.score_label.isVisible()


def test_gap_bars_clip_to_their_box_and_start_empty_for_a_new_count():
    bars = GapBars(10, top=40.0)
    brushes = [bars._brush] * 10
    bars.set_bars(np.array([0.0, 5.0, 100.0, -1.0, 0, 0, 0, 0, 0, 0]), brushes)
    assert bars.heights[:4].tolist() == [0.0, 5.0, 40.0, 0.0]
    assert bars.boundingRect().height() == 40.0 and bars.boundingRect().width() == 10.0
    bars.set_count(3)
    assert bars.heights.tolist() == [0.0, 0.0, 0.0] and bars.boundingRect().width() == 3.0
    with pytest.raises(ValueError, match="3 bars but 2 brushes"):
        bars.set_bars(np.zeros(3), brushes[:2])


def test_a_cut_bar_is_striped_every_few_pixels_and_a_whole_one_is_plain(qtbot):
    """The cut bars' stripes (a tile of them since 2026-12-07, lines before): bright stripes of
    the bar's colour over its faded fill, CUT_STRIPES px apart along a row; a bar under the top
    is one flat colour."""
    import pyqtgraph as pg

    from vae_desktop.gui.widgets.gap_bars import CUT_STRIPES, cut_brush

    view = pg.PlotWidget()
    view.resize(300, 200)
    qtbot.addWidget(view)
    bars = GapBars(2, top=40.0)
    view.addItem(bars)
    view.getPlotItem().vb.setRange(xRange=(-0.5, 1.5), yRange=(0, 40), padding=0)
    colour = (220, 120, 60)
    bars.set_bars(np.array([20.0, 90.0]), [pg.mkBrush(colour), cut_brush(colour)])
    view.show()
    qtbot.waitExposed(view)
    image = view.grab().toImage()
    vb = view.getPlotItem().vb

    def row_of(x0: float, x1: float, y: float) -> np.ndarray:
        left = vb.mapViewToDevice(pg.Point(x0, y))
        right = vb.mapViewToDevice(pg.Point(x1, y))
        return np.array([image.pixelColor(int(x), int(left.y())).red()
                         for x in range(int(left.x()) + 3, int(right.x()) - 3)])

    plain, striped = row_of(-0.3, 0.3, 10.0), row_of(0.7, 1.3, 20.0)
    assert plain.max() - plain.min() <= 2 and plain.mean() > 200  # the bar's own colour
    bright = striped > (striped.max() + striped.min()) / 2
    starts = np.flatnonzero(bright[1:] & ~bright[:-1])
    assert len(starts) >= 5 and striped.max() > 150 and striped.min() < 110
    assert np.allclose(np.diff(starts), CUT_STRIPES, atol=1)


def test_a_cut_bar_fills_its_place_at_every_size_of_the_chart(qtbot):
    """A cut bar is copied from a picture of it made for its size: after the chart is resized
    the bar still reaches from the axis to the top, striped, and no further."""
    import pyqtgraph as pg

    from vae_desktop.gui.widgets.gap_bars import cut_brush

    view = pg.PlotWidget()
    qtbot.addWidget(view)
    bars = GapBars(2, top=40.0)
    view.addItem(bars)
    vb = view.getPlotItem().vb
    colour = (220, 120, 60)
    bars.set_bars(np.array([90.0, 90.0]), [cut_brush(colour)] * 2)
    view.show()
    for width, height in ((300, 200), (520, 380), (260, 150)):
        view.resize(width, height)
        vb.setRange(xRange=(-0.5, 1.5), yRange=(0, 50), padding=0)
        qtbot.waitUntil(lambda w=width: view.width() == w)
        image = view.grab().toImage()

        def reds(x0: float, x1: float, y: float, image=image) -> np.ndarray:
            left = vb.mapViewToDevice(pg.Point(x0, y))
            right = vb.mapViewToDevice(pg.Point(x1, y))
            return np.array([image.pixelColor(int(x), int(left.y())).red()
                             for x in range(int(left.x()), int(right.x()))])

        for y in (1.0, 20.0, 39.0):  # near the axis, halfway, near the top
            row = reds(0.72, 1.28, y)
            assert row.max() > 150 and row.min() < 110, (width, y)  # striped
        assert reds(0.72, 1.28, 45.0).max() < 60, width  # nothing above the top
        assert reds(0.39, 0.61, 20.0).max() < 60, width  # nor between the bars


def test_the_stripes_are_drawn_at_the_screens_pixel_ratio(qtbot):
    """On a HiDPI screen (2 device pixels a point) the stripes are drawn at the screen's own
    resolution: a tile made at 1 was magnified, every stripe a staircase of 2x2 blocks."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtWidgets import QGraphicsScene

    from vae_desktop.gui.widgets.gap_bars import CUT_STRIPES, cut_brush

    bars = GapBars(1, top=40.0)
    bars.set_bars(np.array([90.0]), [cut_brush((220, 120, 60))])
    scene = QGraphicsScene()
    scene.addItem(bars)
    image = QImage(200, 400, QImage.Format_ARGB32_Premultiplied)  # 100x200 points at ratio 2
    image.setDevicePixelRatio(2.0)
    image.fill(Qt.black)  # the chart's dark background: the faded fill and its stripes differ
    painter = QPainter(image)
    scene.render(painter, QRectF(0, 0, 100, 200), QRectF(-0.5, 0.0, 1.0, 40.0),
                 Qt.IgnoreAspectRatio)
    painter.end()
    row = np.array([image.pixelColor(x, 200).red() for x in range(40, 160)])
    bright = row > (row.max() + row.min()) / 2
    starts = np.flatnonzero(bright[1:] & ~bright[:-1])
    assert len(starts) >= 4 and np.allclose(np.diff(starts), 2 * CUT_STRIPES, atol=1)
    # A magnified tile repeats each of its pixels twice along the row.
    assert np.mean(row[0::2] == row[1::2]) < 0.8, row[:24]
