"""The Train tab's keys and buttons: Ctrl+Enter starts a run from either Enter key (the keypad's
did nothing); Start is not drawn as a default button that Enter would not press; Ctrl+P, the
Pause key, never presses a focused button (Ctrl+Space, the key before, just after a run opened
"Save model as", where the focus had fallen); the focus goes back to Start when a run ends; and
"Save model as…" is off while a run goes on (it saved the model that was active before, not the
one training)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from train_tab_support import RUN_TIMEOUT_MS, make_tab
from typing_support import focus_window

from vae_desktop.core.checkpoint import Checkpoint
from vae_desktop.core.training import new_model
from vae_desktop.gui.model_files import file_name_for


@pytest.fixture
def tab(qtbot, state, monkeypatch):
    """A tiny run's Train tab, its window in focus, with an (untrained) active model to save."""
    model = new_model(1, latent_dim=2, hidden=32)
    state.add_model(Checkpoint(model, model.config), name="untrained")
    tab = make_tab(qtbot, state)
    tab.asked = []  # the "Save model as" dialogs opened (none is shown in a test)
    monkeypatch.setattr(tab, "_ask_save_path", lambda suggested: tab.asked.append(suggested) or "")
    focus_window(qtbot, tab)
    return tab


def run_with_keys(qtbot, tab, modifiers, key):
    """Press the keys where the focus is; the run they start, to its end."""
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS) as blocker:
        qtbot.keyClick(QApplication.focusWidget() or tab, key, modifiers)
        # A button's shortcut clicks it after a moment (animateClick): a short wait, not the
        # run's timeout, for keys that start nothing.
        qtbot.waitUntil(lambda: tab.is_training() or blocker.signal_triggered, timeout=3000)
    return blocker.args[0]


@pytest.mark.parametrize("key, modifiers", [
    (Qt.Key_Return, Qt.ControlModifier),
    (Qt.Key_Enter, Qt.ControlModifier | Qt.KeypadModifier),  # the keypad's Enter
])
def test_ctrl_enter_starts_a_run_from_either_enter_key(tab, qtbot, key, modifiers):
    assert run_with_keys(qtbot, tab, modifiers, key).status == "done"
    assert "Ctrl+Enter" in tab.start_button.toolTip()


def test_start_is_not_drawn_as_a_default_button(tab):
    """Enter in a field confirms its value; only Ctrl+Enter starts (a default button's frame said
    that Enter would)."""
    assert not tab.start_button.isDefault()
    for button in (tab.start_button, tab.pause_button, tab.stop_button, tab.save_button):
        assert not button.isDefault(), button.text()


def test_the_pause_key_just_after_a_run_opens_no_dialog(tab, qtbot):
    tab.start_button.setFocus()  # as after a click on it
    assert run_with_keys(qtbot, tab, Qt.ControlModifier, Qt.Key_Return).status == "done"
    assert not tab.pause_button.isEnabled() and tab.save_button.isEnabled()
    # The focus is back on Start, not on whichever button came next when the others went off.
    assert QApplication.focusWidget() is tab.start_button
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_P, Qt.ControlModifier)
    assert tab.asked == [] and not tab.is_training()


def test_the_pause_key_never_presses_a_focused_button(tab, qtbot):
    tab.save_button.setFocus()
    qtbot.keyClick(tab.save_button, Qt.Key_P, Qt.ControlModifier)
    assert tab.asked == []
    tab.continue_box.setFocus()
    qtbot.keyClick(tab.continue_box, Qt.Key_P, Qt.ControlModifier)
    assert not tab.continue_box.isChecked()
    # Space alone still presses the button in focus.
    qtbot.keyClick(tab.save_button, Qt.Key_Space)
    assert len(tab.asked) == 1


def test_save_model_as_is_off_while_a_run_goes_on(tab, qtbot, state):
    first = state.active
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS):
        tab.start_button.click()
        assert not tab.save_button.isEnabled()
        assert "when the run ends" in tab.save_button.toolTip()
        tab.save_as()  # e.g. from a key: nothing is saved, least of all the model before
        assert tab.asked == []
    assert state.active is not first
    assert tab.save_button.isEnabled() and "active model" in tab.save_button.toolTip()
    tab.save_button.click()
    assert tab.asked == [file_name_for(state.active.name)]  # the run's model, now active
