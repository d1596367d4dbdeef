"""A tab's own keys, one rule for every tab that has them: a tab's single keys (M, P, 0-9, Esc,
Ctrl+Z) work wherever the keyboard focus is while the tab is shown (the toolbar's model box, the
tab bar), except where the focused widget uses the key itself. A letter or a digit goes to a
combo box (which jumps to the entry that starts with it), a spin box or a text box; Esc and
Ctrl+Z go to a box being typed in. Everywhere else the tab's shortcut acts.

And a group of checkable buttons that stands for one choice (the digit buttons) is reached with
Tab at the button that is checked, as a group of radio buttons is; the arrow keys then pick the
next one (Qt moves the check with the focus in an exclusive group)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QButtonGroup,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

TEXT_BOXES = (QLineEdit, QAbstractSpinBox, QTextEdit, QPlainTextEdit)
NOT_TAB_FOCUS = Qt.FocusPolicy(Qt.StrongFocus.value & ~Qt.TabFocus.value)


def typed_key(keys: QKeySequence) -> bool:
    """Whether `keys` is one key that types a character: a letter, a digit, a space or a
    punctuation mark, with no modifier but Shift."""
    if keys.count() != 1:
        return False
    combination = keys[0]
    modifiers = combination.keyboardModifiers() & ~(Qt.ShiftModifier | Qt.KeypadModifier)
    return modifiers == Qt.NoModifier and Qt.Key_Space <= combination.key() <= Qt.Key_AsciiTilde


def editing_keys() -> list[QKeySequence]:
    """Esc and the platform's Undo and Redo (a standard key's sequences come from the platform's
    theme, so they are read once the application exists, not on import)."""
    return [QKeySequence(Qt.Key_Escape), *QKeySequence.keyBindings(QKeySequence.Undo),
            *QKeySequence.keyBindings(QKeySequence.Redo)]


def text_box(widget: QWidget | None) -> bool:
    """A widget that is typed in: a line edit, a spin box, a text edit or an editable combo box."""
    return isinstance(widget, TEXT_BOXES) or (isinstance(widget, QComboBox) and widget.isEditable())


def takes_typing(widget: QWidget | None) -> bool:
    """Whether `widget` takes typed characters itself: a text box, a combo box or a list (which
    searches its entries). A widget that does not keeps no key at all (keeps_key)."""
    return text_box(widget) or isinstance(widget, (QComboBox, QAbstractItemView))


def keeps_key(widget: QWidget | None, keys: QKeySequence) -> bool:
    """Whether `widget`, having the focus, uses `keys` itself (then a tab's shortcut for them
    must wait): a typed character goes to a widget that takes typing, Esc and Undo to a text
    box."""
    if widget is None:
        return False
    if typed_key(keys):
        return takes_typing(widget)
    return text_box(widget) and any(keys.matches(k) == QKeySequence.ExactMatch
                                    for k in editing_keys())


class TabKeys(QObject):
    """A tab's shortcuts: in the window's context, scoped by `scope`'s visibility and enabled
    state (a hidden tab's keys are off), each switched off while the focus is on a widget that
    keeps its key (`keeps_key`)."""

    def __init__(self, scope: QWidget) -> None:
        super().__init__(scope)
        self.scope = scope
        self.shortcuts: list[QShortcut] = []
        QApplication.instance().focusChanged.connect(self._on_focus_changed)

    def add(self, keys, slot, what: str = "") -> QShortcut:
        """A shortcut for `keys` (a QKeySequence, its text or a key) that calls `slot`; `what` it
        does, in words (its What's This)."""
        shortcut = QShortcut(QKeySequence(keys), self.scope)
        shortcut.activated.connect(slot)
        if what:
            shortcut.setWhatsThis(what)
        shortcut.setEnabled(not keeps_key(QApplication.focusWidget(), shortcut.key()))
        self.shortcuts.append(shortcut)
        return shortcut

    def _on_focus_changed(self, _old, now) -> None:
        # Most widgets keep no key (a button, a plot): every shortcut on, without asking for
        # each (a run's start and end move the focus, 200 checks a run on the GUI thread).
        keeps = takes_typing(now)
        for shortcut in self.shortcuts:
            enabled = not (keeps and keeps_key(now, shortcut.key()))
            if shortcut.isEnabled() != enabled:
                shortcut.setEnabled(enabled)


def tab_to_checked(group: QButtonGroup) -> None:
    """Make the checked button of `group` (exclusive, checkable buttons) the group's one Tab stop,
    now and whenever the check moves; the others still take a click's focus and the arrow keys'."""
    def follow(*_) -> None:
        checked = group.checkedButton()
        if checked is None:
            return  # none checked (a blend of labels): the last one checked stays the stop
        for button in group.buttons():
            button.setFocusPolicy(Qt.StrongFocus if button is checked else NOT_TAB_FOCUS)

    group.buttonToggled.connect(follow)
    follow()
