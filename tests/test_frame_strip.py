"""The Interpolate tab's frame strip: a long walk in a tall strip wraps onto rows so that its
frames are larger, and a click still finds the frame under it (its caption too)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PySide6.QtCore import QPoint, Qt

from vae_desktop.gui.tabs.interpolate.strip import CELL, ROW, FrameStrip, rows_for


def strip_of(qtbot, count: int, width: int, height: int) -> FrameStrip:
    strip = FrameStrip()
    qtbot.addWidget(strip)
    strip.resize(width, height)
    strip.show()
    qtbot.waitExposed(strip)
    # Frame i is filled with (i + 1) / count, so a pixel says which frame it came from.
    frames = torch.stack([torch.full((1, 28, 28), (i + 1) / count) for i in range(count)])
    strip.set_frames(frames, [f"{i / (count - 1):.2f}" for i in range(count)])
    return strip


def frame_px(strip: FrameStrip) -> float:
    """A frame's width on screen, in pixels."""
    rect = strip.view.mapViewToScene(strip.frame_rect(0)).boundingRect()
    return rect.width()


@pytest.mark.parametrize(("count", "width", "height", "rows"), [
    (10, 1880, 340, 1),  # the default walk, 1920x1080: one row already fills the width
    (18, 1880, 340, 2),  # 18 frames at 1920x1080: 2 rows of 9
    (30, 1240, 150, 2),  # the longest walk at 1280x720: 2 rows of 15
    (30, 400, 900, 8),   # a tall, narrow strip: 8 rows of 4
    (1, 100, 100, 1),
])
def test_rows_are_the_arrangement_with_the_largest_frames(count, width, height, rows):
    assert rows_for(count, width, height) == rows


def test_a_long_walk_wraps_and_its_frames_grow(qtbot):
    one_row = strip_of(qtbot, 30, 1240, 45)  # too short for two rows
    assert one_row.rows == 1 and one_row.image().shape == (32, 30 * CELL + 2)
    wrapped = strip_of(qtbot, 30, 1240, 150)
    assert (wrapped.rows, wrapped.columns) == (2, 15)
    # Both rows fill the image; the band for the first row's captions is left transparent.
    image = wrapped.image()
    assert image.shape == (2 * ROW - 10, 15 * CELL + 2)
    assert np.isnan(image[32:ROW]).all() and not np.isnan(image[:32]).any()
    assert not np.isnan(image[ROW:]).any()
    # Frame 16 (the second row's second) is where frame_rect says, with its own pixels.
    rect = wrapped.frame_rect(16)
    assert (rect.x(), rect.y()) == (2 + CELL, ROW + 2)
    assert image[int(rect.y()) + 14, int(rect.x()) + 14] == pytest.approx(17 / 30)
    # The frames are larger than one row of the same width allows (44 px against 38), and each
    # caption sits under its frame.
    assert frame_px(wrapped) > 1.1 * 28 * 1240 / (30 * CELL + 2)
    assert wrapped.captions()[16] == f"{16 / 29:.2f}"
    caption = wrapped._captions[16].pos()
    assert caption.x() == pytest.approx(rect.center().x()) and caption.y() > rect.bottom()


def test_a_resize_rearranges_the_rows(qtbot):
    strip = strip_of(qtbot, 18, 1240, 150)
    assert strip.rows == 1
    strip.resize(1880, 340)
    qtbot.waitUntil(lambda: strip.rows == 2)
    assert strip.image().shape[0] == 2 * ROW - 10
    strip.set_frames(None, [])
    assert strip.rows == 1 and strip.captions() == []


def test_a_click_on_the_second_row_picks_its_frame(qtbot):
    strip = strip_of(qtbot, 30, 1240, 150)
    clicked = []
    strip.frame_clicked.connect(clicked.append)
    for index in (0, 16, 29):
        centre = strip.view.mapViewToScene(strip.frame_rect(index).center())
        at = strip.mapFromScene(centre)
        qtbot.mouseClick(strip.viewport(), Qt.LeftButton, pos=QPoint(round(at.x()), round(at.y())))
    assert clicked == [0, 16, 29]
    # The caption band under a frame belongs to it; past the last frame there is none.
    assert strip.frame_at(2 + CELL + 5, ROW - 3) == 1
    assert strip.frame_at(2 + 15 * CELL + 5, ROW + 10) is None
    assert strip.frame_at(2 + 5, 2 * ROW + 10) is None


def test_an_empty_strip_shows_no_black_square(qtbot):
    """An empty strip (an end without a code) showed a lone black square, as if a frame; it
    shows nothing but a word saying it is empty."""
    strip = strip_of(qtbot, 10, 1240, 150)
    assert not strip.empty_note.isVisible()
    strip.set_frames(None, [])
    assert np.isnan(strip.image()).all()
    assert strip.empty_note.isVisible() and strip.empty_note.toPlainText() == "No frames"
    strip.set_frames(torch.zeros(3, 1, 28, 28), ["0.00", "0.50", "1.00"])
    assert not strip.empty_note.isVisible() and not np.isnan(strip.image()[:32]).any()
