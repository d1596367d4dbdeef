"""Where the keyboard focus goes when the Sweep tab turns off the control that has it: to the
control a person presses next, drawn as focused.

The audit: after Ctrl+Enter in the form (which a sweep turns off) the focus was nowhere for the
whole run and after it; after the "Mix trials of another budget?" question closed it went to the
window's tab bar. Now: Stop while a sweep runs, Start sweep once it has ended. The plots are Tab
stops, for their menu (test_sweep_plot_keys.py)."""

from __future__ import annotations

import optuna
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from test_sweep_budget_guard import first_run
from test_sweep_tab import make_tab, tiny_form
from typing_support import focus_window

optuna.logging.set_verbosity(optuna.logging.WARNING)
SWEEP_TIMEOUT_MS = 60_000


@pytest.fixture
def tab(qtbot, state):
    tab = make_tab(qtbot, state)
    tab.resize(1280, 620)
    focus_window(qtbot, tab)
    return tab


def focus():
    return QApplication.focusWidget()


def drawn(tab) -> bool:
    return tab.window().testAttribute(Qt.WA_KeyboardFocusChange)


def start_with_keys(qtbot, tab) -> None:
    """Ctrl+Enter in the Trials box, as a keyboard user starts a sweep."""
    field = tab.form.trials_spin
    field.setFocus(Qt.TabFocusReason)
    qtbot.keyClick(field, Qt.Key_Return, Qt.ControlModifier)
    assert tab.is_running()


def test_ctrl_enter_puts_the_focus_on_stop_and_then_on_start(tab, qtbot):
    tiny_form(tab, "focus", trials=1, train_size=200)
    start_with_keys(qtbot, tab)
    assert focus() is tab.stop_button and drawn(tab)
    qtbot.waitUntil(lambda: not tab.is_running(), timeout=SWEEP_TIMEOUT_MS)
    assert focus() is tab.start_button and drawn(tab)


def test_a_control_in_use_keeps_the_focus_when_a_sweep_ends(tab, qtbot):
    """The trial table stays on during a sweep: a person reading it keeps their place."""
    tiny_form(tab, "focus", trials=1, train_size=200)
    assert tab.start()
    tab.view.table.setFocus(Qt.TabFocusReason)
    qtbot.waitUntil(lambda: not tab.is_running(), timeout=SWEEP_TIMEOUT_MS)
    assert focus() is tab.view.table


@pytest.mark.parametrize("mix", [False, True])
def test_after_the_budget_question_the_focus_is_where_a_person_goes_on(tab, qtbot, mix):
    """The question answered from the keyboard: "Don't mix" (Enter) runs nothing, and the focus
    is on Start sweep; "Add trials anyway" runs the trials, and it is on Stop while they run,
    then on Start sweep. (Whether Qt draws it when the window is active again is Qt's: it draws
    the focus after a key moved it only.)"""
    first_run()  # study "demo": 1 epoch on 200 images
    tiny_form(tab, "demo", trials=1, train_size=300)  # another budget: the question comes
    tab.form.set_budget(trials=1, epochs=1, train_size=300, test_size=100)
    answered = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or QApplication.activeWindow() is not box:
            QTimer.singleShot(20, answer)  # not shown yet, or not the active window yet
            return
        wanted = [b for b in box.buttons() if ("Add" in b.text()) == mix][0]
        answered.append(wanted.text())
        if mix:  # Tab to it; Enter presses the button with the focus
            wanted.setFocus(Qt.TabFocusReason)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Return)

    QTimer.singleShot(20, answer)
    start_with_keys(qtbot, tab)
    qtbot.waitUntil(lambda: bool(answered), timeout=SWEEP_TIMEOUT_MS)
    assert answered == ["Add trials anyway" if mix else "Don't mix"]
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=3000)
    focus_window(qtbot, tab)  # the window active again, as the desktop makes it
    if tab.is_running():  # the trials added ("Don't mix" ends the sweep at once)
        assert mix and focus() is tab.stop_button
    qtbot.waitUntil(lambda: not tab.is_running(), timeout=SWEEP_TIMEOUT_MS)
    assert focus() is tab.start_button
