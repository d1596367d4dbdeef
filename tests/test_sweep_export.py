"""Export trials as CSV: every trial of the study shown, with its state, value, settings, budget,
duration and worker, written atomically where the person chose; Ctrl+C copies the selected rows
as tab-separated text for a spreadsheet."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from vae_desktop.core.sweep import SweepStudy, TrialRecord, trial_rows, write_trials_csv
from vae_desktop.gui import save_dialog
from vae_desktop.gui.tabs.sweep.tab import SweepTab

HEADER = ["trial", "state", "test_loss", "last_epoch_value", "latent_dim", "hidden", "lr",
          "batch_size", "beta", "arch", "conditional", "seed", "epochs_trained",
          "epochs_per_trial", "training_images", "test_images", "duration_s", "host", "pid",
          "note"]


def records() -> list[TrialRecord]:
    def settings(lr, train_size):
        return {"latent_dim": 8, "hidden": 64, "lr": lr, "batch_size": 128, "beta": 1.0,
                "arch": "mlp", "conditional": False, "epochs": 2, "train_size": train_size,
                "test_size": 500, "seed": 3}

    return [TrialRecord(0, "COMPLETE", 151.25, {"lr": 0.003940278388674021},
                        settings(0.003940278388674021, 1000), {1: 160.5, 2: 151.25}, 12.5,
                        host="gpu-box", pid=4242),
            TrialRecord(1, "PRUNED", None, {"lr": 1e-5}, settings(1e-5, 0), {1: 300.0}, 4.0,
                        host="gpu-box", pid=4242, note="pruned after epoch 1: worse, \"really\""),
            TrialRecord(2, "RUNNING", None, {}, {}, {}, None)]


def test_trial_rows_hold_every_value_whole():
    header, rows = trial_rows(records(), "test_loss")
    assert header == HEADER
    first = dict(zip(header, rows[0], strict=True))
    assert first["lr"] == 0.003940278388674021  # whole, not as the table rounds it
    assert (first["trial"], first["state"], first["test_loss"], first["epochs_trained"],
            first["epochs_per_trial"], first["training_images"], first["test_images"],
            first["duration_s"], first["host"], first["pid"]) == \
        (0, "complete", 151.25, 2, 2, 1000, 500, 12.5, "gpu-box", 4242)
    pruned = dict(zip(header, rows[1], strict=True))
    assert (pruned["state"], pruned["test_loss"], pruned["last_epoch_value"]) == \
        ("pruned", None, 300.0)
    assert pruned["training_images"] == "all"
    running = dict(zip(header, rows[2], strict=True))
    assert running["state"] == "running" and running["lr"] is None


def test_write_trials_csv_writes_every_trial_atomically(tmp_path):
    path = tmp_path / "trials.csv"
    path.write_text("old")
    write_trials_csv(records(), "auroc", path)
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["trial"] for r in rows] == ["0", "1", "2"]
    assert rows[0]["auroc"] == "151.25" and rows[1]["auroc"] == ""
    assert float(rows[0]["lr"]) == 0.003940278388674021
    assert rows[1]["note"] == 'pruned after epoch 1: worse, "really"'
    assert [p.name for p in tmp_path.iterdir()] == ["trials.csv"]  # no temporary file left


def make_tab(qtbot, state) -> SweepTab:
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    tab.show_study(SweepStudy("my study", "sqlite:///x.db", "test_loss", None, "minimize",
                              records()))
    return tab


def test_export_asks_where_and_writes_the_study_shown(qtbot, state, tmp_path, monkeypatch):
    tab = make_tab(qtbot, state)
    asked = []

    def ask(parent, suggested, title, file_filter):
        asked.append((suggested, title, file_filter))
        return str(tmp_path / "out.csv")

    monkeypatch.setattr(save_dialog, "ask_save_path", ask)
    said = []
    state.status_message.connect(lambda text, ms: said.append(text))
    assert tab.view.export_button.isEnabled() and tab.view.export_button.toolTip()
    tab.view.export_button.click()
    assert asked == [("my-study-trials.csv", "Export trials as CSV", "CSV files (*.csv)")]
    with open(tmp_path / "out.csv", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == 3
    assert said[-1] == f"Exported 3 trials of study my study to {tmp_path / 'out.csv'}"


def test_an_export_that_cannot_be_written_is_said(qtbot, state, tmp_path):
    tab = make_tab(qtbot, state)
    path = tmp_path / "no-such-folder" / "out.csv"
    assert not tab.export_trials_csv(str(path))
    message = tab.study_message()
    assert message.startswith("The trials could not be exported to") and "does not exist" in message
    assert message.endswith(".") and not path.exists()


def test_export_is_off_with_no_trials(qtbot, state):
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    assert not tab.view.export_button.isEnabled()
    assert not tab.export_trials_csv("/tmp/never.csv") and not Path("/tmp/never.csv").exists()


def test_ctrl_c_copies_the_selected_rows_as_tab_separated_text(qtbot, state):
    tab = make_tab(qtbot, state)
    table = tab.view.table
    tab.select_trial(0)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key_C, Qt.ControlModifier)
    text = QGuiApplication.clipboard().text()
    lines = text.splitlines()
    assert lines[0].split("\t") == HEADER and len(lines) == 2
    assert lines[1].split("\t")[:3] == ["0", "complete", "151.25"]
    # Shift+click adds a range of rows: both are copied, in the table's order.
    second = table.visualItemRect(table.item(1, 0)).center()
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, Qt.ShiftModifier, second)
    assert tab.selected_trial().number == 1  # the row last clicked: what Open model opens
    qtbot.keyClick(table, Qt.Key_C, Qt.ControlModifier)
    rows = list(csv.reader(io.StringIO(QGuiApplication.clipboard().text()), delimiter="\t"))
    assert [r[0] for r in rows[1:]] == ["0", "1"]
    # Shift is let go (Qt keeps the last click's modifiers: a later test's selectRow would
    # extend a selection from nowhere and select nothing).
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, Qt.NoModifier, second)
    assert QGuiApplication.keyboardModifiers() == Qt.NoModifier


def test_the_context_menu_offers_copy_and_export(qtbot, state, monkeypatch):
    asked = []
    monkeypatch.setattr(save_dialog, "ask_save_path", lambda *args: asked.append(args) or "")
    tab = make_tab(qtbot, state)
    table = tab.view.table
    menu = table.context_menu(table.visualItemRect(table.item(0, 0)).center())
    actions = {a.text(): a for a in menu.actions() if a.text()}
    assert actions["Copy"].isEnabled() and actions["Copy"].shortcut().toString() == "Ctrl+C"
    assert actions["Export trials as CSV…"].isEnabled()
    assert all(a.toolTip() for a in actions.values())
    actions["Export trials as CSV…"].trigger()
    assert len(asked) == 1  # the tab asked where to write (and the person cancelled)
    # Below the last row: no trial to train with or open, but the table can still be exported.
    menu = table.context_menu(table.viewport().rect().bottomLeft())
    assert [a.text() for a in menu.actions()] == ["Export trials as CSV…"]
