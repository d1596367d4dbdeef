"""The Conditional tab from the keyboard: the digit keys go to a box that has the focus (a combo
box searches its entries, a number box types), Tab reaches the digit that is picked (as in a group
of radio buttons) and the arrow keys pick the next one, and "Switch to …" leaves the focus on the
picked digit, where a person goes next."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from typing_support import focus_window, press

from vae_desktop.gui.main_window import MainWindow
from vae_desktop.gui.tabs.conditional.tab import ConditionalTab
from vae_desktop.gui.widgets.message_tab import MessageTab


def stand_in(state):
    return MessageTab("Draw", "A stand-in tab.")


@pytest.fixture
def window(qtbot, app_state):
    app_state.set_active(app_state.find_model(conditional=True, latent_dim=2))
    win = MainWindow(state=app_state, tabs=(("Conditional", ConditionalTab), ("Draw", stand_in)))
    qtbot.addWidget(win)
    win.resize(1280, 720)
    focus_window(qtbot, win)
    win.show_tab("Conditional")
    return win


def test_a_digit_typed_in_a_box_goes_to_the_box(window, qtbot):
    """Bug: with the focus on a combo box, 3 picked the digit 3 instead of going to the box."""
    tab = window.tab_widgets["Conditional"]
    tab.set_label(7)
    label_box = tab.label_combo  # "Guess", "It is a 0", …
    label_box.setFocus()
    press(qtbot, Qt.Key_I)  # the box's own search: "It is a 0"
    assert label_box.currentData() == 0
    press(qtbot, Qt.Key_3)
    assert tab.label == 7
    seed = tab.seed_spin.value()
    press(qtbot, Qt.Key_R)
    assert tab.seed_spin.value() == seed  # R (new samples) is the tab's only elsewhere
    tab.count_spin.setFocus()
    tab.count_spin.selectAll()
    press(qtbot, Qt.Key_2)
    assert tab.label == 7
    # Anywhere else the digits pick the digit.
    tab.new_button.setFocus()
    press(qtbot, Qt.Key_3)
    assert tab.label == 3
    press(qtbot, Qt.Key_R)
    assert tab.seed_spin.value() != seed


def test_tab_reaches_the_picked_digit_and_the_arrows_pick_the_next(window, qtbot):
    """Bug: Tab into the digit buttons landed on 0 whichever digit was picked."""
    tab = window.tab_widgets["Conditional"]
    tab.set_label(3)
    after = tab.controls.sampler_choice.combo  # the next Tab stop after the digits
    after.setFocus()
    press(qtbot, Qt.Key_Backtab)
    assert QApplication.focusWidget() is tab.digit_group.button(3)
    press(qtbot, Qt.Key_Right)
    assert tab.label == 4 and QApplication.focusWidget() is tab.digit_group.button(4)
    press(qtbot, Qt.Key_Down)
    assert tab.label == 9
    press(qtbot, Qt.Key_Tab)
    assert QApplication.focusWidget() is after
    tab.set_label(6)  # by its key, elsewhere: Tab then goes to 6
    press(qtbot, Qt.Key_Backtab)
    assert QApplication.focusWidget() is tab.digit_group.button(6)


def test_switching_to_a_conditional_model_leaves_the_focus_on_the_picked_digit(window, qtbot,
                                                                               app_state):
    """Bug: after "Switch to mnist-cvae-z2" the focus went to the main tab bar; then it went to
    the picked digit without its ring."""
    tab = window.tab_widgets["Conditional"]
    app_state.set_active(app_state.find_model(conditional=False, latent_dim=2))
    assert tab.switch_button.isVisible()
    tab.switch_button.setFocus()
    press(qtbot, Qt.Key_Space)
    assert app_state.active.config.conditional
    assert QApplication.focusWidget() is tab.digit_group.checkedButton()
    # And drawn, as Tab draws it (widgets.tab_page.FocusKeeper): it moved silently.
    assert window.testAttribute(Qt.WA_KeyboardFocusChange)


def test_the_digit_button_with_the_focus_shows_it(window, qtbot):
    """The style's focus mark did not show on the digit buttons: Tab and the arrow keys moved an
    invisible focus."""
    tab = window.tab_widgets["Conditional"]
    tab.set_label(7)
    button = tab.digit_group.button(7)

    def looks(focused: bool):
        (button if focused else tab.new_button).setFocus(Qt.TabFocusReason)
        qtbot.waitUntil(lambda: button.hasFocus() == focused, timeout=2000)
        button.repaint()
        return button.grab().toImage()

    assert looks(True) != looks(False)  # picked
    tab.set_label(3)
    assert looks(True) != looks(False)  # not picked
