"""What start-up has to say about the list of models (entries dropped, files refused, files not
found) is a short status line and a button that stays, and the whole text is at the top of the
Models dialog. Before, the notes were joined on one status line, cut off even at 1920 px, and
gone after 15 s, again at every start."""

from __future__ import annotations

import json

from quiet_window import QuietTab

from vae_desktop.core import checkpoint
from vae_desktop.core.library import ModelLibrary
from vae_desktop.core.library_index import index_path
from vae_desktop.core.paths import models_dir
from vae_desktop.core.training import new_model
from vae_desktop.gui.main_window import MainWindow


def troubled_list(tmp_path):
    """A list of models with two damaged entries, a model whose file is damaged and one whose
    file is not there."""
    library = ModelLibrary()
    library.load()
    model = new_model(1, latent_dim=2, hidden=16)
    damaged = checkpoint.save(models_dir() / "damaged.pt", model, [{"epoch": 1, "test_loss": 1.0}])
    away = checkpoint.save(tmp_path / "away.pt", model, [{"epoch": 1, "test_loss": 1.0}])
    library.add(checkpoint.load(damaged), "trained", name="Damaged one")
    library.add(checkpoint.load(away), "opened", name="Away one")
    damaged.write_bytes(b"damaged")
    away.unlink()
    payload = json.loads(index_path().read_text(encoding="utf-8"))
    payload["models"] += [{"path": 1}, "nothing"]
    index_path().write_text(json.dumps(payload), encoding="utf-8")


def test_the_notes_are_a_short_line_a_button_and_the_dialog(qtbot, tmp_path):
    troubled_list(tmp_path)
    window = MainWindow(tabs=(("Draw", QuietTab),))
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    notes = window.state.load_notes
    assert len(notes) == 3
    line = window.statusBar().currentMessage()
    assert line == "3 notes on the list of models: see File ▸ Models."
    bar = window.statusBar()
    assert bar.fontMetrics().horizontalAdvance(line) < bar.width() // 2
    button = window.model_notes_button
    assert button.isVisible() and button.text() == "3 notes on the models"
    assert "File ▸ Models" in button.toolTip()

    button.click()
    dialog = window.models_dialog
    assert dialog is not None and dialog.isVisible()
    notice = dialog.notice.text.text()
    for note in notes:
        assert note.split(":")[0] in notice
    assert "2 entries of the model list could not be read" in notice
    assert "Damaged one" in notice and "Away one" in notice
    assert dialog.notice.isVisible() and not button.isVisible()  # read: the button goes
    assert dialog.focusWidget() is dialog.table  # the keys work on the list, not on Hide
    # Hidden for this session when the person has read it.
    dialog.notice.hide_button.click()
    assert not dialog.notice.isVisible()
    dialog.close()
    assert not window.show_models().notice.isVisible()


def test_a_start_with_nothing_to_say_shows_no_button(qtbot):
    window = MainWindow(tabs=(("Draw", QuietTab),))
    qtbot.addWidget(window)
    window.show()
    assert window.state.load_notes == []
    assert window.statusBar().currentMessage() == ""
    button = getattr(window, "model_notes_button", None)
    assert button is None or not button.isVisible()
    assert not window.show_models().notice.isVisible()
