"""What the Train tab says is shown as written: an apostrophe in an error (a path in
"Permission denied: '/data/…'") is escaped for the label's markup, and the label must then be
read as markup, or the reader sees "&#x27;" (seen on 2026-12-05 with a read-only data folder)."""

from __future__ import annotations

import html

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


def report(message: str, start_epoch: int, epochs_trained: int) -> str:
    summary = RunSummary(status="stopped", message=message, start_epoch=start_epoch,
                         epochs_trained=epochs_trained, usable=True)
    text, _style = run_report(summary, kept=True)
    return html.unescape(text("vae-mlp-z2"))  # markup: the model's name is bold


def test_a_stopped_run_says_once_which_epoch_its_model_is_kept_at():
    """The line said it twice: "Stopped during epoch 2; the model is kept as it was after epoch
    1, after 1 complete epoch." (the core's words, then the tab's)."""
    assert report("stopped during epoch 2; the model is kept as it was after epoch 1", 0, 1) == (
        "Stopped during epoch 2; the model is kept as it was after epoch 1. "
        "<b>vae-mlp-z2</b> is now the active model.")
    # A model trained further: what this run added, which the epoch alone does not say.
    assert report("stopped during epoch 8; the model is kept as it was after epoch 7", 5, 7) == (
        "Stopped during epoch 8; the model is kept as it was after epoch 7, 2 epochs more than "
        "it started with. <b>vae-mlp-z2</b> is now the active model.")
    assert report("stopped during epoch 7's test evaluation; the model is kept as it was after "
                  "epoch 6", 5, 6).startswith(
        "Stopped during epoch 7's test evaluation; the model is kept as it was after epoch 6, 1 "
        "epoch more than it started with.")
