"""The guess chart's bars stop at GAP_SHOWN nats: a bar cut there is marked as cut (its own look,
and "40+" at the top of the axis), so that a clear digit's chart, nine bars at the top, says
"40 nats or more behind" instead of nine bars that look measured and equal.

The bug: for a clear 7 all nine other bars were identical and full height while the line above
said "Looks like a 7: 86.9 nats ahead of a 9"."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRectF

from vae_desktop.core.digit_analysis import analyse_digit
from vae_desktop.gui.tabs.draw.panels import GAP_SHOWN, GuessPanel


@pytest.fixture
def panel(qtbot):
    widget = GuessPanel()
    qtbot.addWidget(widget)
    widget.set_conditional(10)
    widget.resize(420, 260)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def axis_labels(panel) -> dict[float, str]:
    """The left axis's tick labels by value (the ticks given by setTicks, which pyqtgraph keeps
    as _tickLevels; None when the axis places its own)."""
    levels = panel.bar_plot.getAxis("left")._tickLevels
    return {} if levels is None else {value: text for level in levels for value, text in level}


def tint(brush) -> str:
    """Which of the chart's two colours a brush is: "blue" (a label's bar) or "orange" (the
    label picked in "Reconstruct as")."""
    colour = brush.color()
    return "orange" if colour.red() > colour.blue() else "blue"


def full_share(panel, label: int) -> float:
    """The share of the bar of `label`'s pixels on screen in its colour at full strength: all
    of a solid bar, the stripes of a hatched one (whose fill is faded)."""
    image = panel.bar_plot.grab().toImage()
    bars = panel.bars
    half = bars.bar_width / 2
    box = bars.mapRectToScene(QRectF(label - half, 0.0, bars.bar_width, bars.heights[label]))
    rect = panel.bar_plot.mapFromScene(box).boundingRect().adjusted(2, 2, -2, -2)
    ratio = image.devicePixelRatio()
    colour = panel.bar_brushes[label].color()
    strong = total = 0
    for x in range(rect.left(), rect.right()):
        for y in range(rect.top(), rect.bottom()):
            pixel = image.pixelColor(int(x * ratio), int(y * ratio))
            if (abs(pixel.red() - colour.red()) + abs(pixel.green() - colour.green())
                    + abs(pixel.blue() - colour.blue())) < 40:
                strong += 1
            total += 1
    return strong / total


def test_a_clear_digits_bars_are_marked_as_cut(panel, bundled, mnist_test):
    model = bundled["mnist-cvae-z2"].model
    seven = mnist_test[0][0].numpy().astype(np.float32) / 255.0  # test digit #0, a clear 7
    analysis = analyse_digit(model, seven)
    behind = analysis.label_losses - analysis.label_losses.min()
    assert analysis.best_labels[0] == 7 and np.sort(behind)[1] > GAP_SHOWN
    panel.show_analysis(analysis)
    assert panel.guess_label.text().startswith("Looks like a 7:")
    # Nine bars at the top, each marked as cut; the axis says what the top means.
    assert panel.cut == [d != 7 for d in range(10)]
    assert axis_labels(panel)[GAP_SHOWN] == f"{GAP_SHOWN:g}+"
    brushes = panel.bar_brushes
    assert all(brushes[d].color().alpha() < 255 for d in range(10) if d != 7)  # faded fill
    assert 0.1 < full_share(panel, 2) < 0.7  # and stripes over it
    assert "or more behind" in panel.bar_plot.toolTip()
    # Reconstructed as a 3 (picked): its bar keeps the picked colour, and is cut too.
    picked = analyse_digit(model, seven, label=3)
    panel.show_analysis(picked)
    assert panel.bar_brushes[3].color().alpha() < 255
    assert tint(panel.bar_brushes[3]) == "orange" and tint(panel.bar_brushes[1]) == "blue"


def test_bars_within_the_range_look_measured(panel, bundled, mnist_test):
    """A digit two labels explain about equally: its close bars are solid."""
    model = bundled["mnist-cvae-z2"].model
    images, labels = mnist_test
    close = None
    for i in range(300):
        analysis = analyse_digit(model, images[i].numpy().astype(np.float32) / 255.0)
        behind = analysis.label_losses - analysis.label_losses.min()
        if np.sort(behind)[1] < GAP_SHOWN / 2:
            close = analysis
            break
    assert close is not None
    panel.show_analysis(close)
    behind = close.label_losses - close.label_losses.min()
    assert panel.cut == [bool(b >= GAP_SHOWN) for b in behind]
    runner_up = close.best_labels[1]
    assert not panel.cut[runner_up]
    assert panel.bar_brushes[runner_up].color().alpha() == 255
    if close.label_losses[runner_up] - close.label_losses.min() > 5:  # a bar tall enough to look at
        assert full_share(panel, runner_up) > 0.9


def test_the_stripes_follow_the_bars_when_the_chart_is_resized(qtbot):
    """A cut bar's stripes are made once for each place on screen and kept: after a resize
    (and back) the chart is painted exactly as a new chart of that size is."""

    def chart(width: int, height: int) -> GuessPanel:
        widget = GuessPanel()
        qtbot.addWidget(widget)
        widget.set_conditional(10)
        widget.resize(width, height)
        widget.show()
        qtbot.waitExposed(widget)
        behind = np.full(10, GAP_SHOWN)
        behind[4] = 0.0
        brushes = [widget._cut_brush] * 10
        widget.bars.set_bars(behind, brushes)
        return widget

    def pixels(widget: GuessPanel) -> bytes:
        qtbot.wait(10)
        image = widget.bar_plot.grab().toImage()
        return bytes(image.constBits())

    reused = chart(420, 260)
    small = pixels(reused)
    reused.resize(560, 340)
    qtbot.waitUntil(lambda: reused.bar_plot.width() > 420)
    large = pixels(reused)
    assert large == pixels(chart(560, 340))
    reused.resize(420, 260)
    qtbot.waitUntil(lambda: reused.bar_plot.width() < 420)
    assert pixels(reused) == small
