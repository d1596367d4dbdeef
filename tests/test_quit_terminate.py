"""SIGTERM (a logout, `kill`) closes the window without asking: gui.app's handler calls the
window's `terminate`. Sent while a question of the quit is open (the quit question, the question
about a model that no file holds, or that question's Save as… file dialog), it waited for a click
nobody would give: the window's close was ignored (the quit was under way) or done behind the
open question, which stayed. Each open question is now closed unanswered, the work stops and the
window closes, as when no question was open."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog
from test_quit_lost_first_epoch import StrandingTab, answer, window_with

GRACE_MS = 1000  # after the SIGTERM, what is still open then is closed by the test, and noted


def sigterm(window) -> None:
    """What gui.app's SIGTERM handler does."""
    getattr(window, "terminate", window.close)()


def sigterm_when_open(window, dialog, left_open: list) -> None:
    """Once `dialog()` (a question or dialog of the quit) is open, send SIGTERM; what is left
    open GRACE_MS later (it, or a question of the quit) is noted in `left_open` and closed, so
    that the test ends either way."""

    def send():
        shown = dialog()
        if shown is None or not shown.isVisible():
            QTimer.singleShot(20, window, send)
            return
        sigterm(window)
        QTimer.singleShot(GRACE_MS, window, mop_up)

    def mop_up():
        for shown in (dialog(), window.quit_box):
            if shown is not None and shown.isVisible():
                left_open.append(shown.text() if hasattr(shown, "text") else shown.windowTitle())
                shown.reject()
                QTimer.singleShot(GRACE_MS, window, mop_up)  # a question asked again after it
                return
    QTimer.singleShot(0, window, send)  # none fires once the window is gone


def stranded_question(window):
    box = window.quit_box
    return box if box is not None and "could not be saved" in box.text() else None


def test_sigterm_while_the_quit_question_is_open_quits_without_a_click(qtbot, state):
    window = window_with(qtbot, state, StrandingTab)
    left_open: list = []
    sigterm_when_open(window, lambda: window.quit_box, left_open)
    assert window.close(), "the window stayed open"
    assert left_open == [], "a question waited for a click after SIGTERM"
    assert window.closing_down and not window.isVisible()
    # The work was stopped as when the question is answered Yes; under SIGTERM nobody is asked
    # about the model it left in no file.
    [stranded] = state.models
    assert stranded.name == "stopped run" and stranded.path is None


def test_sigterm_while_a_model_in_no_file_is_named_quits_without_a_click(qtbot, state,
                                                                        monkeypatch):
    window = window_with(qtbot, state, StrandingTab)
    asked = []
    monkeypatch.setattr(window, "_ask_save_path", lambda *args: asked.append(args) or "")
    seen: list = []
    answer(window, seen, "Yes")
    left_open: list = []
    sigterm_when_open(window, lambda: stranded_question(window), left_open)
    assert window.close(), "the window stayed open"
    assert left_open == [], "the question about the model in no file waited for a click"
    assert seen[0][0].startswith("Training is running. Stop it and quit?")
    assert window.closing_down and not window.isVisible() and asked == []
    assert [m.path for m in state.models] == [None]


def test_sigterm_while_save_as_asks_for_a_file_quits_without_a_click(qtbot, state, monkeypatch):
    """SIGTERM while the file dialog of the question's Save as… is open: the dialog closes
    unanswered, and the question is not asked again."""
    window = window_with(qtbot, state, StrandingTab)
    dialogs: list[QDialog] = []

    def ask_save_path(*args):  # a stand-in for the file dialog: modal, answered by nobody
        dialog = QDialog(window)
        dialog.setWindowTitle(args[1])
        dialogs.append(dialog)
        return "" if dialog.exec() != QDialog.Accepted else "never.pt"

    monkeypatch.setattr(window, "_ask_save_path", ask_save_path)
    seen: list = []
    answer(window, seen, "Yes", "Save as…")
    left_open: list = []
    sigterm_when_open(window, lambda: dialogs[-1] if dialogs else None, left_open)
    assert window.close(), "the window stayed open"
    assert left_open == [], "a dialog waited for a click after SIGTERM"
    assert len(dialogs) == 1 and [m.path for m in state.models] == [None]
    assert window.closing_down and not window.isVisible()
