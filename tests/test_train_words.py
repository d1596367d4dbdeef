"""What the Train tab says is shown as written: an apostrophe in an error (a path in
"Permission denied: '/data/…'") is escaped for the label's markup, and the label must then be
read as markup, or the reader sees "&#x27;" (seen on 2026-12-05 with a read-only data folder)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from train_tab_support import make_tab

from vae_desktop.gui.tabs.train.job import RunSummary
from vae_desktop.gui.tabs.train.progress import run_report

ERROR = "Could not autosave to /data/m.pt: [Errno 13] Permission denied: '/data/.m.pt.x.tmp'"


def shown(label) -> str:
    """The label's text as Qt draws it (AutoText takes a line with no tag as plain text)."""
    text = label.text()
    rich = label.textFormat() == Qt.RichText or (
        label.textFormat() == Qt.AutoText and Qt.mightBeRichText(text))
    if not rich:
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def test_a_notice_with_an_apostrophe_is_shown_as_written(qtbot, state):
    tab = make_tab(qtbot, state)
    tab._set_notice(ERROR)
    assert shown(tab.message_label) == ERROR


def test_a_failed_run_s_message_is_shown_as_written(qtbot, state):
    tab = make_tab(qtbot, state)
    summary = RunSummary(status="failed", message=ERROR, start_epoch=0, epochs_trained=0)
    text, style = run_report(summary, kept=False)
    tab.progress.set_result(text(""), style)
    assert shown(tab.progress.result_label) == ERROR + ". The active model is unchanged."
