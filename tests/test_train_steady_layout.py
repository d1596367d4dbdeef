"""The Train tab's controls stay where a person is about to click: a message under the form (a
value not taken, a risky setting) no longer pushes Start down (it moved 35 px, and a click meant
for it missed), and a longer header (a new model's name wraps it at 1280x720) no longer pushes the
plot and its controls down. At the tab's smallest size nothing is cut or drawn over something
else (at 900x600 "Save model as…" read "ave model as.." and the plot's check boxes overlapped
the grids' titles)."""

from __future__ import annotations

import pytest
from train_tab_support import make_tab

from vae_desktop.core.checkpoint import Checkpoint
from vae_desktop.core.training import new_model

LONG_NAME = "VAE without 2 · MLP · z=20 · 12 epochs · 5 Dec 07:25 · my best one so far, kept"


def top(widget, tab) -> int:
    return widget.mapTo(tab, widget.rect().topLeft()).y()


def bottom(widget, tab) -> int:
    return widget.mapTo(tab, widget.rect().bottomLeft()).y()


@pytest.fixture
def tab(qtbot, state):
    model = new_model(1, latent_dim=2, hidden=32)
    state.add_model(Checkpoint(model, model.config), name="short")
    tab = make_tab(qtbot, state)
    tab.resize(1264, 620)  # the tab's room in a 1280x720 window
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def test_a_message_under_the_form_does_not_move_the_buttons(tab, qtbot):
    before = [top(b, tab) for b in (tab.start_button, tab.save_button)]
    assert tab.message == ""
    assert tab.apply_settings({"lr": 0.5, "beta": 0.0})  # two warnings
    tab.field("epochs").refused.emit("Epochs must be an integer from 1 to 10,000: 0 was not "
                                     "taken (it stays 1).")  # and a value not taken
    qtbot.wait(20)
    assert tab.message.count("\n") == 2 and tab.message_label.isVisible()
    assert [top(b, tab) for b in (tab.start_button, tab.save_button)] == before
    # The message sits under the buttons, in view.
    assert top(tab.message_label, tab) > bottom(tab.start_button, tab)
    assert tab.message_label.visibleRegion().boundingRect() == tab.message_label.rect()


def test_a_longer_header_does_not_move_the_plot(tab, qtbot, state):
    results = tab.results
    before = [top(w, tab) for w in (results.run_bar, results.plot, results.below)]
    assert "short" in tab.caption and results.caption_label.toolTip() == ""
    model = new_model(2, latent_dim=2, hidden=32)
    state.add_model(Checkpoint(model, model.config), name=LONG_NAME)
    qtbot.wait(20)
    label = results.caption_label
    assert LONG_NAME in tab.caption and label.heightForWidth(label.width()) > \
        label.fontMetrics().height() * 1.5  # it wraps: two lines
    assert [top(w, tab) for w in (results.run_bar, results.plot, results.below)] == before
    # Too narrow for two lines: still in place, cut, and the whole header is in its tooltip.
    tab.resize(tab.minimumSizeHint().width(), 620)
    qtbot.wait(20)
    if label.heightForWidth(label.width()) > label.height():
        assert LONG_NAME in label.toolTip()


def test_at_its_smallest_nothing_is_cut_or_drawn_over(tab, qtbot):
    tab.resize(tab.minimumSizeHint())
    qtbot.wait(20)
    for button in (tab.start_button, tab.pause_button, tab.stop_button, tab.save_button):
        assert button.width() >= button.sizeHint().width(), button.text()
    results = tab.results
    # The plot's check boxes end above the grids' titles; the header above the run's row.
    assert bottom(results.plot, tab) < top(results.below, tab)
    assert bottom(results.caption_label, tab) < top(results.run_bar, tab)
