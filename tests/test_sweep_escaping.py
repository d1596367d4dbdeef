"""What a person typed (a study name, a storage URL) and what a driver said is shown on the Sweep
tab as written, never read as HTML.

The audit of 2026-12-05 named a study `<i>odd</i> & "q"/x é`: the tab showed it in italics with
the tags gone, after a sweep and after Load."""

from __future__ import annotations

import optuna
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel

from vae_desktop.core.sweep import SweepSpec, SweepStudy, TrialRecord, run_sweep
from vae_desktop.gui.tabs.sweep.tab import SweepTab

optuna.logging.set_verbosity(optuna.logging.WARNING)
ODD = '<i>odd</i> & "q"/x é'


def shown(label: QLabel) -> str:
    """The text a label shows: its HTML rendered when Qt reads it as rich text."""
    text = label.text()
    rich = label.textFormat() == Qt.RichText or (
        label.textFormat() == Qt.AutoText and Qt.mightBeRichText(text))
    if not rich:
        return text
    doc = QTextDocument()
    doc.setHtml(text)
    return doc.toPlainText()


def tip_shown(text: str) -> str:
    if not Qt.mightBeRichText(text):
        return text
    doc = QTextDocument()
    doc.setHtml(text)
    return doc.toPlainText()


def make_tab(qtbot, state) -> SweepTab:
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    return tab


def test_a_study_name_is_shown_as_typed_after_a_sweep_and_after_load(qtbot, state):
    run_sweep(SweepSpec(vary=("lr",), fixed={"latent_dim": 4, "hidden": 16}, trials=1, epochs=1,
                        train_size=200, test_size=100, study=ODD, seed=1))
    tab = make_tab(qtbot, state)
    tab.form.set_study_name(ODD)
    tab.load_study()
    qtbot.waitUntil(lambda: tab.view.table.rowCount() == 1, timeout=20_000)
    assert ODD in shown(tab.view.status_label)
    assert "In sqlite:" in shown(tab.view.status_label)

    # A sweep's own lines: started, finished.
    request = tab._request
    tab._on_event(request, {"kind": "sweep_started", "study": ODD, "storage": "x",
                            "existing_trials": 1, "trials": 2, "epochs": 1})
    assert f"Study {ODD} (1 earlier trial)" in shown(tab.view.status_label)
    tab._on_event(request, {"kind": "sweep_done", "study": ODD, "stopped": False,
                            "trials_run": 1, "best": None})
    assert f"in study {ODD}," in shown(tab.view.status_label)


def test_a_study_that_cannot_be_loaded_is_named_as_typed(qtbot, state):
    tab = make_tab(qtbot, state)
    tab.form.set_study_name(ODD)
    tab.load_study()
    qtbot.waitUntil(lambda: tab.study_message() != "", timeout=20_000)
    assert f"There is no study named '{ODD}'" in shown(tab.view.message_label)
    assert f"Study {ODD} is not shown" in shown(tab.view.status_label)


def test_storage_urls_and_driver_words_are_shown_as_written(qtbot, state, tmp_path):
    tab = make_tab(qtbot, state)
    url = f"journal://{tmp_path}/<b>no</b>/sweep.log"
    tab.form.set_storage(url)
    qtbot.waitUntil(lambda: tab.study_message() != "", timeout=20_000)
    assert "/<b>no</b> does not exist" in shown(tab.view.message_label)
    tab._watch_failed(f"Cannot read <b>{url}</b> & more.")
    assert tip_shown(tab.view.live_label.toolTip()) == f"Cannot read <b>{url}</b> & more."
    tab.show_error("Learning rate: '<i>1e-3</i>' is not a number.")
    assert shown(tab.error_label) == "Learning rate: '<i>1e-3</i>' is not a number."


def test_a_loaded_status_names_the_storage_as_written(qtbot, state):
    tab = make_tab(qtbot, state)
    record = TrialRecord(0, "COMPLETE", 100.0, {"lr": 1e-3}, {"lr": 1e-3}, {1: 100.0}, 1.0,
                         note="<b>bold</b> note")
    tab.show_study(SweepStudy(ODD, "postgresql://u:***@<host>/db", "test_loss", None, "minimize",
                              [record]))
    text = shown(tab.view.status_label)
    assert f"Study {ODD}: 1 trial" in text and "In postgresql://u:***@<host>/db" in text
    state_item = tab.view.table.item(0, 1)
    assert tip_shown(state_item.toolTip()) == "<b>bold</b> note."
