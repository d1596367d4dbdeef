"""The Conditional tab as a new user met it: the model's footer and the samples' title were cut
at 1280 and 1920 pixels wide, the Label box's tooltip described a softmax the tab no longer
shows, and New samples was R on Latent space but only Ctrl+R here."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from typing_support import focus_window

from vae_desktop.gui.tabs.conditional.tab import ConditionalTab


@pytest.fixture
def tab(app_state, qtbot):
    app_state.set_active(app_state.find_model(conditional=True, latent_dim=2))
    widget = ConditionalTab(app_state)
    qtbot.addWidget(widget)
    widget.resize(1260, 640)  # the tab's room in a 1280x720 window
    widget.show()
    qtbot.waitExposed(widget)
    widget.refresh_now()
    return widget


def test_the_model_footer_is_never_cut(tab, app_state, qtbot):
    ckpt = app_state.active
    ckpt.name = "CVAE · Conv · z=5 · 2 epochs · 5 Dec 03:59"  # as the library names a trained one
    app_state.set_active(None)
    app_state.set_active(ckpt)
    qtbot.wait(10)
    footer = tab.model_label
    assert ckpt.name in footer.text() and footer.wordWrap()
    # All its lines show: the label is as tall as its text needs at its width.
    assert footer.height() >= footer.heightForWidth(footer.width()) > 0
    assert footer.toolTip() == f"{ckpt.name}: {ckpt.config.describe()}"


def test_the_samples_title_fits_at_1280(tab, qtbot):
    tab.count_spin.setValue(100)
    tab.seed_spin.setValue(999_999)
    tab.temp_slider.setValue(200)
    tab.sampler_source.kind = lambda: "mixture"  # its longest title (fitting it takes seconds)
    tab.refresh_now()
    title = tab.samples_title
    text = title.text()
    assert text.startswith("100 mixture samples of 7") and "seed 999999" in text
    assert title.fontMetrics().horizontalAdvance(text) <= title.contentsRect().width(), text


def test_the_label_tooltip_says_how_the_tab_judges_labels(tab):
    tip = tab.label_combo.toolTip()
    assert "softmax" not in tip
    assert "nats" in tip and "lowest negative ELBO" in tip


def test_r_draws_new_samples_unless_a_box_is_being_typed_in(tab, qtbot):
    focus_window(qtbot, tab)
    tab.new_button.setFocus()
    seed = tab.seed_spin.value()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_R)
    assert tab.seed_spin.value() != seed
    seed = tab.seed_spin.value()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_R, Qt.ControlModifier)  # as before
    qtbot.waitUntil(lambda: tab.seed_spin.value() != seed, timeout=2000)  # an animated click
    seed = tab.seed_spin.value()
    tab.count_spin.setFocus()  # typing into a box: the box gets the key
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_R)
    assert tab.seed_spin.value() == seed
    assert "(R or Ctrl+R)" in tab.new_button.toolTip()
