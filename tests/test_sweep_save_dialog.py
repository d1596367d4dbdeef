"""One save step for the tabs that export (gui/save_dialog.py): the Sweep tab's Export CSV and the
Evaluate tab's exports ask through the same dialog, check the folder, write whole or not at all
and say why a file could not be written, in the same words.

Before, the Sweep tab wrote its own copy of the Evaluate tab's helper."""

from __future__ import annotations

import csv
from pathlib import Path

from vae_desktop.core.sweep import SweepStudy, TrialRecord


def records() -> list[TrialRecord]:
    settings = {"latent_dim": 8, "hidden": 64, "lr": 1e-3, "batch_size": 128, "beta": 1.0,
                "arch": "mlp", "conditional": False, "epochs": 1, "train_size": 500,
                "test_size": 200, "seed": 1}
    return [TrialRecord(n, "COMPLETE", 150.0 + n, {"lr": 1e-3}, dict(settings), {1: 150.0 + n},
                        2.0) for n in range(2)]


def shown_tab(qtbot, state):
    from vae_desktop.gui.tabs.sweep.tab import SweepTab

    tab = SweepTab(state)
    qtbot.addWidget(tab)
    tab.show_study(SweepStudy("saved", "sqlite:///x.db", "test_loss", None, "minimize",
                              records()))
    return tab


def test_both_tabs_save_through_the_one_helper(qtbot, state, tmp_path, monkeypatch):
    from vae_desktop.gui import save_dialog
    from vae_desktop.gui.tabs.evaluate import exports

    assert exports.save_with_dialog is save_dialog.save_with_dialog
    asked = []
    monkeypatch.setattr(save_dialog, "ask_save_path",
                        lambda parent, *args: asked.append(args) or str(tmp_path / "t.csv"))
    tab = shown_tab(qtbot, state)
    said = []
    state.status_message.connect(lambda text, _ms: said.append(text))
    tab.view.export_button.click()
    assert asked == [("saved-trials.csv", "Export trials as CSV", "CSV files (*.csv)")]
    with open(tmp_path / "t.csv", newline="") as fh:
        assert [row["trial"] for row in csv.DictReader(fh)] == ["0", "1"]
    assert said[-1] == f"Exported 2 trials of study saved to {tmp_path / 't.csv'}"
    assert tab.study_message() == ""


def test_a_file_the_system_refuses_is_said_in_the_same_words(qtbot, state, tmp_path,
                                                             monkeypatch):
    """A folder chosen as the file: the reason in words (core.fileio's, or the system's for a
    writer of its own, never "[Errno 21]"), in lower case after the colon; no temporary file left
    behind."""
    from vae_desktop.gui import save_dialog

    folder = tmp_path / "out" / "a-folder.csv"
    folder.mkdir(parents=True)
    tab = shown_tab(qtbot, state)
    assert not tab.export_trials_csv(str(folder))
    assert tab.study_message() == (f"The trials could not be exported to {folder}: it is a "
                                   "folder, not a file. Choose another file or folder.")
    assert list(folder.parent.iterdir()) == [folder] and not list(folder.iterdir())
    monkeypatch.setattr(save_dialog, "ask_save_path", lambda *args: str(folder))
    message = save_dialog.save_with_dialog(tab, "x.csv", "Export", "CSV files (*.csv)",
                                           lambda path: Path(path).write_text("x"))
    assert message == ("Could not save a-folder.csv: is a directory. Choose another folder or "
                       "name and try again.")


def test_a_full_disk_is_said_as_a_model_save_says_it(tmp_path):
    """An export onto a full disk said the system's "no space left on device" where a model's
    Save as says "the disk is full": one wording (core.fileio.write_problem) for both."""
    import errno

    from vae_desktop.core.checkpoint import cannot_save
    from vae_desktop.gui import save_dialog

    def full(path):
        raise OSError(errno.ENOSPC, "No space left on device", path)

    result = save_dialog.save_to(str(tmp_path / "t.csv"), full)
    assert result.why == "the disk is full"
    assert "the disk is full" in cannot_save(tmp_path / "m.pt", OSError(errno.ENOSPC, "x"))
