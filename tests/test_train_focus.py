"""Where the keyboard focus goes when the Train tab turns off the control that has it: to the
control a person presses next, with its focus drawn, and never away from a control they are using.

The audit: after Ctrl+Enter (the focus in a field the run locks) the focus went silently to Pause,
no focus drawn; after the run ended or was stopped it landed anywhere (the Epochs field, the loss
plot, a check box under it), never on Start. Now: Pause while a run goes on (a safe key to press:
Space pauses, where on Stop it would end the run), Start once it has ended. The plots take no Tab
stop: nothing in them is done with keys."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from train_tab_support import RUN_TIMEOUT_MS, make_tab
from typing_support import focus_window

LONG = {"epochs": 1000}  # a run that goes on until it is stopped


@pytest.fixture
def tab(qtbot, state):
    tab = make_tab(qtbot, state)
    tab.resize(1264, 620)
    focus_window(qtbot, tab)
    return tab


def focus() -> object:
    return QApplication.focusWidget()


def drawn(tab) -> bool:
    """Whether the focus is drawn (the style draws it after a keyboard focus change only)."""
    return tab.window().testAttribute(Qt.WA_KeyboardFocusChange)


def start_with_keys(qtbot, tab) -> None:
    field = tab.field("epochs")
    field.setFocus(Qt.TabFocusReason)
    qtbot.keyClick(field, Qt.Key_Return, Qt.ControlModifier)
    qtbot.waitUntil(tab.is_training, timeout=3000)


def test_ctrl_enter_puts_the_focus_on_pause_and_draws_it(tab, qtbot):
    assert tab.apply_settings(LONG)
    start_with_keys(qtbot, tab)
    assert focus() is tab.pause_button and drawn(tab)
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS):
        qtbot.keyClick(tab.stop_button, Qt.Key_Period, Qt.ControlModifier)


def test_a_click_on_start_puts_the_focus_on_pause(tab, qtbot):
    assert tab.apply_settings(LONG)
    qtbot.mouseClick(tab.start_button, Qt.LeftButton)
    qtbot.waitUntil(tab.is_training, timeout=3000)
    assert focus() is tab.pause_button
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS):
        tab.stop()


def test_when_a_run_ends_the_focus_goes_to_start(tab, qtbot):
    """Ctrl+Enter in the Epochs field: the focus is on Start after the run, drawn (it went back
    to the field)."""
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS):
        start_with_keys(qtbot, tab)
    assert focus() is tab.start_button and drawn(tab)


@pytest.mark.parametrize("how", ["Space on Stop", "Ctrl+. on Pause"])
def test_when_a_run_is_stopped_the_focus_goes_to_start(tab, qtbot, how):
    """Stop (Space on it, or its key) turns Stop and Pause off at once; Qt passed the focus on
    to the While-training fields, then, as they went off at the end, to the plot's check boxes."""
    assert tab.apply_settings(LONG)
    start_with_keys(qtbot, tab)
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS):
        if how == "Space on Stop":
            tab.stop_button.setFocus(Qt.TabFocusReason)
            qtbot.keyClick(tab.stop_button, Qt.Key_Space)
        else:
            qtbot.keyClick(tab.pause_button, Qt.Key_Period, Qt.ControlModifier)
    assert focus() is tab.start_button and drawn(tab)


def test_a_control_in_use_keeps_the_focus_when_a_run_ends(tab, qtbot):
    """A person on the Log scale box (on during and after a run) keeps it: nothing was taken
    from them."""
    assert tab.apply_settings(LONG)
    start_with_keys(qtbot, tab)
    log_box = tab.results.plot.log_box
    log_box.setFocus(Qt.TabFocusReason)
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS):
        tab.stop()
    assert focus() is log_box


def test_a_person_who_moved_on_while_a_run_stopped_keeps_their_place(tab, qtbot):
    """Stopped with Space on Stop, then Tab to Log scale before the run has ended: the focus
    stays there."""
    assert tab.apply_settings(LONG)
    start_with_keys(qtbot, tab)
    tab.pause_button.click()  # paused: the run ends only when the stop is taken
    tab.stop_button.setFocus(Qt.TabFocusReason)
    log_box = tab.results.plot.log_box
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS):
        qtbot.keyClick(tab.stop_button, Qt.Key_Space)
        log_box.setFocus(Qt.TabFocusReason)  # the person's own move
    assert focus() is log_box


def test_tab_never_stops_on_the_plots(tab, qtbot):
    """From Start, Tab goes round the tab's controls and never stops on the loss plot or the live
    latent plot, which did nothing with keys and drew no focus."""
    plots = {tab.results.plot.plot_widget, tab.results.live_view.view.canvas}
    tab.start_button.setFocus(Qt.TabFocusReason)
    seen = []
    for _ in range(60):
        qtbot.keyClick(focus(), Qt.Key_Tab)
        seen.append(focus())
        if focus() is tab.start_button:
            break
    assert not plots & set(seen)
    assert tab.results.plot.log_box in seen  # the plot's own controls are reached


def test_resuming_from_step_puts_the_focus_on_pause(tab, qtbot):
    """Step is on only while paused: pressed with Space, then Ctrl+P to go on, its focus goes
    to the button that pauses again (it went on to Rewind)."""
    assert tab.apply_settings(LONG)
    start_with_keys(qtbot, tab)
    qtbot.keyClick(focus(), Qt.Key_P, Qt.ControlModifier)
    qtbot.waitUntil(lambda: tab.paused, timeout=2000)
    step = tab.results.run_bar.step_button
    assert step.isEnabled()
    step.setFocus(Qt.TabFocusReason)
    qtbot.keyClick(step, Qt.Key_P, Qt.ControlModifier)
    qtbot.waitUntil(lambda: not tab.paused, timeout=2000)
    assert not step.isEnabled() and focus() is tab.pause_button
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS):
        tab.stop()
