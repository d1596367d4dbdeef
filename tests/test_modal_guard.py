"""The suite's guard against modal dialogs nobody answers (tests/conftest.py): the static
QMessageBox calls fail at once; a dialog opened with exec() and left unanswered (the quit
question is one, kept open to follow the work) is closed after a while and named, instead of
hanging the suite until CI's limit."""

from __future__ import annotations

import conftest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox


def test_an_unanswered_dialog_is_closed_and_named(qapp, monkeypatch):
    monkeypatch.setattr(conftest, "MODAL_WAIT_MS", 200)
    box = QMessageBox(QMessageBox.Question, "Quit?", "Training is running. Stop it and quit?")
    answer = box.exec()
    assert answer != QMessageBox.Yes
    assert conftest.unanswered_dialogs == ["Training is running. Stop it and quit?"]
    conftest.unanswered_dialogs.clear()  # this test's own, expected


def test_an_answered_dialog_is_left_alone(qapp, monkeypatch):
    monkeypatch.setattr(conftest, "MODAL_WAIT_MS", 5000)
    box = QMessageBox(QMessageBox.Question, "Quit?", "Stop it and quit?",
                      QMessageBox.Yes | QMessageBox.No)
    QTimer.singleShot(50, lambda: box.button(QMessageBox.Yes).click())
    assert box.exec() == QMessageBox.Yes and conftest.unanswered_dialogs == []
