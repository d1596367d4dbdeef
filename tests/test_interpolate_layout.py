"""The Interpolate tab's layout at 1280x720 (the logical size of 1920x1080 at 150 %) and 1920x1080:
the ends' sources read in full, the two strips show their frames at one size, one above the
other, the frames' captions grow with the frames, and the plot of |z| has room to be read.

Bugs: "From" read "The drawing on the Draw ta" with a conditional model (the Labels row widened
the Walk box); the spherical strip was a few pixels narrower than the linear one and off centre;
the captions were 8 pt under 185 px frames; the |z| plot was squeezed into the top right corner;
its title named two paths while only one line showed (two frames: the paths are the same)."""

from __future__ import annotations

import pytest
from latent_window_support import module_window
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QFontInfo
from PySide6.QtWidgets import QComboBox

from vae_desktop.gui.tabs.interpolate.tab import InterpolateTab

OLD_CAPTION_PT = 8


@pytest.fixture(scope="module")
def window(qapp, tmp_path_factory):
    with module_window(tmp_path_factory, (("Interpolate", InterpolateTab),)) as win:
        yield win


def shown(window, qtbot, size, conditional=True, steps=10) -> InterpolateTab:
    state = window.state
    state.set_active(state.find_model(conditional=conditional, latent_dim=2))
    state.set_drawing(state.test_set()[0][3].numpy() / 255.0, origin="your drawing")
    window.resize(*size)
    tab = window.tab_widgets["Interpolate"]
    tab.end_a.set_kind("drawing")  # the longest source's name
    tab.end_b.set_kind("random_digit")
    tab.steps_spin.setValue(steps)
    tab.refresh_now()
    qtbot.wait(30)  # the layout settles
    return tab


def needed_width(combo: QComboBox) -> int:
    """The width that shows the combo box's current text whole."""
    whole = QComboBox()
    whole.setFont(combo.font())
    whole.addItem(combo.currentText())
    whole.setSizeAdjustPolicy(QComboBox.AdjustToContents)
    return whole.sizeHint().width()


def frame_on_screen(strip, index: int = 0) -> QRectF:
    """Frame `index` of a strip, in the window's pixels."""
    scene = strip.view.mapViewToScene(strip.frame_rect(index)).boundingRect()
    top_left = strip.mapTo(strip.window(), strip.mapFromScene(scene.topLeft()))
    return QRectF(top_left.x(), top_left.y(), scene.width(), scene.height())


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080), (1281, 721)])
def test_the_ends_read_whole_and_the_strips_match(window, qtbot, size):
    tab = shown(window, qtbot, size)
    assert tab.settings.labels_row.isVisible()  # a conditional model's Labels row
    for picker in (tab.end_a, tab.end_b):
        combo = picker.source
        assert combo.width() >= needed_width(combo), combo.currentText()
    page = window._pages["Interpolate"]
    assert page.horizontalScrollBar().maximum() == 0 and page.verticalScrollBar().maximum() == 0
    linear, spherical = (tab.strips[key] for key in ("linear", "spherical"))
    assert linear.size() == spherical.size()
    for index in (0, 9):
        a, b = frame_on_screen(linear, index), frame_on_screen(spherical, index)
        assert a.width() == pytest.approx(b.width(), abs=0.01)
        assert a.left() == pytest.approx(b.left(), abs=0.01)
    # The plot of |z| has room: about as wide as a strip is tall, and as tall as both strips.
    plot = tab.norm_plot.getPlotItem().vb
    assert plot.width() >= 200 and plot.height() >= 150
    assert tab.norm_plot.height() > 1.5 * linear.height()


def test_the_captions_grow_with_the_frames(window, qtbot):
    small = shown(window, qtbot, (1280, 720))
    app_px = QFontInfo(QFont()).pixelSize()
    old_px = OLD_CAPTION_PT * small.logicalDpiY() / 72
    strip = small.strips["linear"]

    def caption_px() -> float:
        return QFontInfo(strip._captions[0].textItem.font()).pixelSize()

    small_frame, small_caption = frame_on_screen(strip).width(), caption_px()
    assert small_caption >= 0.85 * app_px
    window.resize(1920, 1080)
    qtbot.waitUntil(lambda: frame_on_screen(strip).width() > 1.3 * small_frame, timeout=2000)
    qtbot.wait(20)
    large_frame, large_caption = frame_on_screen(strip).width(), caption_px()
    assert large_caption > small_caption and large_caption >= 1.4 * old_px
    assert large_caption >= 0.1 * large_frame
    # Each caption stays in its band under its frame, clear of the next row's frames.
    band = strip.view.mapViewToScene(QRectF(0, 0, 1, 10)).boundingRect().height()
    assert strip._captions[0].boundingRect().height() <= band + 4


def test_the_norm_plot_says_when_its_two_lines_coincide(window, qtbot):
    tab = shown(window, qtbot, (1280, 720), conditional=False, steps=2)
    title = tab.norm_plot.getPlotItem().titleLabel.text
    assert "coincide" in title
    tab.steps_spin.setValue(10)
    tab.refresh_now()
    title = tab.norm_plot.getPlotItem().titleLabel.text
    assert "coincide" not in title and "linear" in title and "spherical" in title
