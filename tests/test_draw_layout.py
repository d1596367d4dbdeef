"""The Draw tab's layout in the main window. Maximised on a 1280x720 screen under a window
manager the window is 1264x672: the tab needed a scrollbar (26 px), the guess's bars were 45 px
tall with their axis title cut to "nats behin", the histogram's axis title was cut off and its
"drawing" and "threshold" labels sat on its bars. At 1920x1080 the Score panel was mostly empty.
And a long message under the canvas was cut in the middle."""

from __future__ import annotations

import pytest
from draw_tab_support import SEVEN, settled, short_test_set, stroke, wait_for_test_pass
from PySide6.QtCore import QPointF, QRect, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QGraphicsTextItem

from vae_desktop.gui.main_window import MainWindow
from vae_desktop.gui.tabs.draw.tab import DrawTab

SMALL, LARGE = (1264, 672), (1920, 1080)


@pytest.fixture
def window(qtbot, app_state, mnist_test, monkeypatch):
    """The main window with the Draw tab, mnist-cvae-z2 scoring a drawn 7 reconstructed as a 1
    (the Score panel's extra row shown)."""
    state = short_test_set(app_state, mnist_test, monkeypatch)
    state.set_active(state.find_model(conditional=True, latent_dim=2))
    win = MainWindow(state=state, tabs=(("Draw", DrawTab),))
    qtbot.addWidget(win)
    win.resize(*SMALL)
    win.show()
    qtbot.waitExposed(win)
    win.show_tab("Draw")
    wait_for_test_pass(qtbot, state)
    tab = win.tab_widgets["Draw"]
    stroke(qtbot, tab.canvas, SEVEN)
    qtbot.waitUntil(lambda: settled(tab) and tab.histogram.reference is not None)
    tab.label_combo.setCurrentIndex(tab.label_combo.findData(1))
    return win


def resize(window, qtbot, size) -> DrawTab:
    window.resize(*size)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size)
    qtbot.wait(30)  # the layout settles
    return window.tab_widgets["Draw"]


def whole(widget) -> bool:
    """Shown in full: not cut by the scroll area or the window (for a plot, its viewport, which
    covers it)."""
    shown = widget.viewport() if isinstance(widget, QAbstractScrollArea) else widget
    return widget.isVisible() and shown.visibleRegion().boundingRect() == shown.rect()


def scene_rect(plot, item) -> QRect:
    """Where a plot's graphics item is painted, in the plot widget's pixels (for an axis title,
    its text, without the margin of its text document)."""
    rect = plot.mapFromScene(item.sceneBoundingRect()).boundingRect()
    if isinstance(item, QGraphicsTextItem):
        margin = round(item.document().documentMargin())
        rect = rect.adjusted(margin, margin, -margin, -margin)
    return rect


def test_the_tab_fits_a_maximised_window_on_a_1280x720_screen(window, qtbot):
    tab = resize(window, qtbot, SMALL)
    page = window._pages["Draw"]
    assert tab.minimumSizeHint().height() <= page.viewport().height()
    assert page.verticalScrollBar().maximum() == 0 and page.horizontalScrollBar().maximum() == 0
    assert tab.scores_panel.picked_caption.isVisible()  # with its tallest Score panel
    for widget in (tab.canvas, tab.scores_panel, tab.histogram, tab.guess_panel, tab.threshold_spin,
                   tab.label_combo, tab.guess_panel.bar_plot):
        assert whole(widget), type(widget).__name__
    # The bars are tall enough to read, their axis title is whole.
    bars = tab.guess_panel.bar_plot
    assert bars.height() >= 100
    left = bars.getAxis("left")
    assert scene_rect(bars, left.label).height() <= scene_rect(bars, left).height()
    # The histogram's axis title is in view.
    histogram = tab.histogram
    assert histogram.rect().contains(scene_rect(histogram, histogram.getAxis("bottom").label))


def test_the_histogram_labels_sit_above_its_bars(window, qtbot):
    for size in (SMALL, LARGE):
        tab = resize(window, qtbot, size)
        histogram = tab.histogram
        tab.threshold_spin.setValue(60.0)  # the dashed line where the bars are tallest
        counts = histogram.curve.yData
        view = histogram.getViewBox()
        top = histogram.mapFromScene(view.mapViewToScene(QPointF(0.0, float(counts.max())))).y()
        score, threshold = (scene_rect(histogram, label) for label in (
            histogram.score_label, histogram.threshold_line.label))
        assert histogram.score_label.isVisible() and histogram.threshold_line.label.isVisible()
        assert score.bottom() <= top and threshold.bottom() <= top, size
        assert not score.intersects(threshold)  # one row each
        assert histogram.rect().contains(score) and histogram.rect().contains(threshold)


def test_the_score_panel_is_not_mostly_empty_at_1920x1080(window, qtbot):
    tab = resize(window, qtbot, LARGE)
    panel = tab.scores_panel
    used = panel.layout().minimumSize().height()
    assert used >= 0.6 * panel.height(), f"{used} px of {panel.height()}"
    assert tab.canvas.width() >= 400  # the canvas grows with the window
    page = window._pages["Draw"]
    assert page.verticalScrollBar().maximum() == 0


def test_a_long_message_under_the_canvas_is_shown_whole(window, qtbot, tmp_path):
    """"bad.pt is not an image, or is damaged: it…BMP, TIFF or WebP, whatever its name says"."""
    tab = window.tab_widgets["Draw"]
    (tmp_path / "bad.pt").write_bytes(b"\x80\x02 a pickle, not a picture")
    assert not tab.open_file(str(tmp_path / "bad.pt"))
    for size in (SMALL, LARGE):  # beside the canvas, then under it
        tab = resize(window, qtbot, size)
        label = tab.canvas_panel.message_label
        assert tab.message.startswith("bad.pt is not an image") and label.text() == tab.message
        assert tab.message.endswith(".") and label.wordWrap() and whole(label)
        needed = label.fontMetrics().boundingRect(
            QRect(0, 0, label.contentsRect().width(), 10_000), Qt.TextWordWrap, label.text())
        assert needed.height() <= label.contentsRect().height(), size
        assert window._pages["Draw"].verticalScrollBar().maximum() == 0
