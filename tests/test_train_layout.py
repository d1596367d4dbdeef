"""The Train tab in a 1280x720 window: its buttons ("Save model as…" included, which used to sit
at the bottom of the scrolling column, cut off) and every setting of the form are in view without
scrolling, before and after a run (whose report makes the progress box taller), and the live
latent view reads well: before a run it says what will appear instead of showing empty axes, and
after one its strip of decoded digits is big enough to read."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QScrollArea

from vae_desktop.core.snapshots import LatentSnapshot
from vae_desktop.gui.main_window import MainWindow
from vae_desktop.gui.tabs.train.tab import TrainTab

# What the progress box says after a run of the default settings (the longest lines it shows).
EPOCH_RECORD = {"epoch": 2, "test_loss": 185.13, "test_recon": 181.23, "test_kl": 3.90,
                "train_loss": 186.55, "seconds": 0.3}
FINISHED = ("Finished 2 epochs: test loss 185.13 nats per image. <b>VAE · MLP · z=2 · 2 epochs · "
            "5 Dec 02:55</b> is now the active model.")
READABLE_DIGIT_PX = 24  # a 28-pixel digit drawn smaller than this is hard to make out


@pytest.fixture
def window(qtbot, app_state):
    win = MainWindow(state=app_state, tabs=(("Train", TrainTab),))
    qtbot.addWidget(win)
    win.resize(1280, 720)
    win.show()
    qtbot.waitExposed(win)
    return win


def _settings(tab):
    """Every widget of the form a person sets: (what it is called, the widget)."""
    form = tab.form
    return [("continue", form.continue_box), *form.fields.items(), ("device", form.device_combo)]


def _scroll(tab) -> QScrollArea:
    """The scroll area the form sits in (a fallback for windows too short for it)."""
    widget = tab.form.parentWidget()
    while not isinstance(widget, QScrollArea):
        widget = widget.parentWidget()
    return widget


def _out_of_view(tab) -> list[str]:
    """The settings not wholly inside the scrolling column's viewport (so hidden or cut off
    until the column is scrolled)."""
    scroll = _scroll(tab)
    viewport = scroll.viewport()
    out = []
    for name, widget in _settings(tab):
        top_left = widget.mapTo(viewport, widget.rect().topLeft())
        if not viewport.rect().contains(QRect(top_left, widget.size())):
            out.append(name)
    return out


def _shown_text(widget) -> str:
    if isinstance(widget, QAbstractSpinBox):
        return widget.lineEdit().text()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    return widget.text()  # a line edit, or a check box's label


def _too_narrow(tab) -> list[str]:
    """Settings whose box is narrower than the value it shows (plus the arrows or the frame)."""
    return [name for name, widget in _settings(tab)
            if widget.width() < widget.fontMetrics().horizontalAdvance(_shown_text(widget)) + 24]


def _after_a_run(tab, qtbot) -> None:
    progress = tab.progress
    progress.begin(0, 2)
    progress.epoch(EPOCH_RECORD)
    progress.ended("done")
    progress.set_result(FINISHED, "")
    qtbot.wait(50)


# 1264 x 672: the room a window has on a 1280 x 720 screen under openbox's title bar and frame,
# where after a run the Device row was half hidden behind a scroll bar until the two check
# boxes shared a row.
@pytest.mark.parametrize("size", [(1264, 672), (1280, 720), (1920, 1080)])
def test_every_setting_is_in_view_before_and_after_a_run(window, qtbot, size):
    window.resize(*size)
    qtbot.wait(50)
    tab = window.train_tab
    assert _out_of_view(tab) == []
    assert _too_narrow(tab) == []
    assert _scroll(tab).verticalScrollBar().maximum() == 0  # nothing to scroll to
    _after_a_run(tab, qtbot)
    assert _out_of_view(tab) == []
    assert "test loss 185.13" in tab.progress_text


def test_the_form_still_scrolls_when_its_column_is_short_of_room(window, qtbot):
    tab = window.train_tab
    # Three warnings under the form (risky values, each explained) and a run's report take its
    # room.
    assert tab.apply_settings({"lr": 0.5, "beta": 0.0, "train_size": 100, "batch_size": 128})
    _after_a_run(tab, qtbot)
    assert tab.message.count("\n") == 2
    assert _scroll(tab).verticalScrollBar().maximum() > 0
    _scroll(tab).ensureWidgetVisible(tab.form.device_combo)
    qtbot.wait(20)
    assert "device" not in _out_of_view(tab)


def _snapshot() -> LatentSnapshot:
    rng = np.random.default_rng(0)
    return LatentSnapshot(epoch=1, step=16, at_epoch=1.0, loss=180.0, beta=1.0, lr=1e-3,
                          points=rng.normal(size=(200, 2)).astype(np.float32),
                          labels=np.arange(200) % 10, axes=("z0", "z1"),
                          decodings=rng.random((10, 28, 28), dtype=np.float32))


def _tick_labels_shown(canvas) -> bool:
    plot = canvas.getPlotItem()
    return any(plot.getAxis(side).style["showValues"] for side in ("left", "bottom"))


def _hint(canvas) -> str:
    """The text written inside the plot (not a point's coordinates: those are hidden here)."""
    return " ".join(item.toPlainText().replace("\n", " ") for item in canvas.getPlotItem().items
                    if isinstance(item, pg.TextItem) and item.isVisible())


def test_the_live_view_before_a_run_shows_a_hint_not_empty_axes(window, qtbot):
    view = window.train_tab.results.live_view.view
    assert not _tick_labels_shown(view.canvas)  # no meaningless 0.2 ... 0.8
    assert "while a model trains" in _hint(view.canvas)
    assert not view.decodings.isVisible()  # no black square where the digits will be


def test_the_live_view_shows_a_snapshot_with_readable_digits(window, qtbot):
    live = window.train_tab.results.live_view
    live.add(_snapshot())
    qtbot.wait(50)
    view = live.view
    assert _tick_labels_shown(view.canvas) and _hint(view.canvas) == ""
    assert view.decodings.isVisible()
    strip = view.decodings.view
    digit = strip.mapViewToDevice(QRect(0, 0, 28, 28)).boundingRect()
    assert digit.height() >= READABLE_DIGIT_PX, digit
    # The plot keeps its room: at least as tall as it was wide at the least.
    assert view.canvas.height() >= 140
    live.clear()  # back to the empty state, hint and all
    assert not _tick_labels_shown(view.canvas) and "while a model trains" in _hint(view.canvas)


def fully_visible(widget) -> bool:
    """Not clipped by a scroll area or the window, and as wide as its text needs."""
    return (widget.isVisible() and widget.visibleRegion().boundingRect() == widget.rect()
            and widget.width() >= widget.sizeHint().width())


def test_the_buttons_are_in_view_at_1280x720(qtbot, window):
    tab = window.train_tab
    # A long report (a NaN failure's advice) makes the progress box taller.
    tab.progress.set_result("The loss became NaN or infinite at epoch 1, step 16; training "
                            "stopped and no epoch completed, so there is no model to keep. Try a "
                            "lower learning rate (now 1). The active model is unchanged.", "")
    qtbot.wait(50)
    for button in (tab.start_button, tab.pause_button, tab.stop_button, tab.save_button):
        assert fully_visible(button), button.text()
    assert tab.save_button.text() == "Save model as…" and tab.save_button.isEnabled()
    assert fully_visible(tab.progress.bar)
    # Its whole height is on screen: the window's bottom edge is below the button.
    bottom = tab.save_button.mapTo(window, tab.save_button.rect().bottomLeft()).y()
    assert bottom < window.statusBar().mapTo(window, window.statusBar().rect().topLeft()).y()


def test_on_a_tall_window_the_buttons_follow_the_form(qtbot, window):
    """At 1920x1080 the Start row sat about 500 px below the form, at the window's bottom edge."""
    window.resize(1920, 1080)
    qtbot.wait(50)
    tab = window.train_tab
    scroll = _scroll(tab)
    assert scroll.verticalScrollBar().maximum() == 0
    form_bottom = tab.form.mapTo(tab, tab.form.rect().bottomLeft()).y()
    start_top = tab.start_button.mapTo(tab, tab.start_button.rect().topLeft()).y()
    assert 0 < start_top - form_bottom < 40, (form_bottom, start_top)
    # (A short column still scrolls the form: the test above.)
