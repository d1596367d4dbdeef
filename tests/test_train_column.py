"""The Train tab's left column at 1280x720: the button row (Start, Pause, Stop, Save model as…)
and the progress box are as wide as the form's groups (they stuck out 8 px to the right), and with
four messages under the buttons the form still shows every setting, Device included (it scrolled,
and Device was cut off at its bottom edge)."""

from __future__ import annotations

from PySide6.QtCore import QRect
from train_tab_support import shown_tab

from vae_desktop.core.checkpoint import Checkpoint
from vae_desktop.core.training import new_model

WIDTH, HEIGHT = 1264, 620  # the tab's room in a 1280x720 window


def right(widget, tab) -> int:
    return widget.mapTo(tab, widget.rect().topRight()).x()


def shown(qtbot, state):
    model = new_model(1, latent_dim=2, hidden=32)
    state.add_model(Checkpoint(model, model.config), name="my model")
    tab = shown_tab(qtbot, state, WIDTH, HEIGHT)
    assert tab.apply_settings({"latent_dim": 20, "hidden": 400})
    return tab


def test_the_buttons_and_the_progress_are_as_wide_as_the_form(qtbot, state):
    tab = shown(qtbot, state)
    tab.progress.set_result("Finished 2 epochs: test loss 185.13 nats per image.", "")
    qtbot.wait(20)
    edge = right(tab.form.model_group, tab)
    assert right(tab.form.train_group, tab) == edge
    assert right(tab.save_button, tab) == edge
    assert right(tab.progress, tab) == edge
    assert tab.start_button.mapTo(tab, tab.start_button.rect().topLeft()).x() == \
        tab.form.model_group.mapTo(tab, tab.form.model_group.rect().topLeft()).x()


def test_four_messages_leave_every_setting_in_view(qtbot, state):
    tab = shown(qtbot, state)
    assert tab.apply_settings({"lr": 0.5, "beta": 0.0, "train_size": 100, "batch_size": 128})
    tab.field("epochs").refused.emit("Epochs must be an integer from 1 to 10,000: 0 was not "
                                     "taken (it stays 1).")
    qtbot.wait(50)
    assert tab.message.count("\n") == 3  # four lines
    device = tab.field("device")
    scroll = tab.form.parentWidget().parentWidget().parentWidget()
    viewport = scroll.viewport()
    top_left = device.mapTo(viewport, device.rect().topLeft())
    assert viewport.rect().contains(QRect(top_left, device.size())), (top_left, viewport.rect())
    assert scroll.verticalScrollBar().maximum() == 0
    assert tab.message_label.visibleRegion().boundingRect() == tab.message_label.rect()
