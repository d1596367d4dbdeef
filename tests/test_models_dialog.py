"""File > Models: every model with its settings, epochs, test loss and date; rename, remove (asks
first; bundled models stay) and show in folder. Open starts in the models folder, and recent files
hold every file opened or saved."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QDesktopServices
from quiet_window import QuietTab, quiet_window

from vae_desktop.core import checkpoint
from vae_desktop.core.paths import models_dir
from vae_desktop.core.training import new_model
from vae_desktop.gui import preferences
from vae_desktop.gui.main_window import MainWindow


@pytest.fixture
def window(qtbot):
    return quiet_window(qtbot)


def trained(name="t", latent_dim=3):
    model = new_model(1, latent_dim=latent_dim, hidden=16)
    return checkpoint.load(checkpoint.save(models_dir() / f"{name}.pt", model,
                                           [{"epoch": 1, "test_loss": 171.25}]))


def bundled_count() -> int:
    from vae_desktop.core.paths import bundled_models_dir

    return len(list(bundled_models_dir().glob("*.pt")))


def test_the_dialog_lists_every_model_with_its_numbers(window):
    ckpt = window.state.add_model(trained(), origin="trained")
    dialog = window.show_models()
    table = dialog.table
    assert table.rowCount() == len(window.state.models) == bundled_count() + 1
    row = window.state.models.index(ckpt)
    cells = [table.item(row, c).text() for c in range(table.columnCount())]
    assert cells[0] == f"{ckpt.name}  (active)" and cells[1:8] == [
        "VAE", "MLP", "3", "16", "1", "1", "171.25"]
    assert cells[10] == "trained here" and cells[9].startswith("20")


def test_rename_from_the_dialog_renames_everywhere(window, monkeypatch):
    ckpt = window.state.add_model(trained(), origin="trained")
    dialog = window.show_models()
    errors = []
    monkeypatch.setattr(dialog, "_show_error", lambda title, text: errors.append(text))
    dialog.select(ckpt)
    assert dialog.rename("Seminar model")
    assert window.model_combo.currentText() == "Seminar model"
    assert "Seminar model" in window.model_label.text()
    assert window.state.library.find(ckpt.path).name == "Seminar model"
    assert not dialog.rename("   ")
    assert errors == ["A model's name cannot be empty."] and ckpt.name == "Seminar model"


def test_the_rename_button_and_f2_ask_for_the_name(window, monkeypatch, qtbot):
    """The button's clicked(bool) used to arrive as the name: one click renamed the model to
    "False", without asking."""
    from PySide6.QtCore import Qt

    ckpt = window.state.add_model(trained(), origin="trained")
    dialog = window.show_models()
    asked = []
    answers = iter([("From the button", True), ("ignored", False), ("From F2", True)])
    monkeypatch.setattr(dialog, "_ask_name", lambda current: asked.append(current) or next(answers))
    dialog.select(ckpt)
    old_name = ckpt.name
    qtbot.mouseClick(dialog.rename_button, Qt.LeftButton)
    assert asked == [old_name] and ckpt.name == "From the button"
    qtbot.mouseClick(dialog.rename_button, Qt.LeftButton)  # cancelled: nothing changes
    assert ckpt.name == "From the button"
    dialog.rename_button.animateClick()  # what its F2 shortcut does
    qtbot.waitUntil(lambda: len(asked) == 3)
    assert ckpt.name == "From F2" and "False" not in [m.name for m in window.state.models]


def test_remove_asks_first_and_bundled_models_stay(window, monkeypatch):
    ckpt = window.state.add_model(trained(), origin="trained")
    dialog = window.show_models()
    dialog.select(ckpt)
    questions = []
    monkeypatch.setattr(dialog, "_confirm", lambda text: questions.append(text) or False)
    assert not dialog.remove() and ckpt in window.state.models and ckpt.path.exists()
    assert "will be deleted" in questions[0] and str(ckpt.path) in questions[0]
    monkeypatch.setattr(dialog, "_confirm", lambda text: True)
    assert dialog.remove()
    assert ckpt not in window.state.models and not ckpt.path.exists()
    assert window.model_combo.count() == len(window.state.models) == bundled_count()
    dialog.select(window.state.models[0])
    assert not dialog.remove_button.isEnabled() and not dialog.remove()


def test_show_in_folder_opens_the_models_folder(window, monkeypatch):
    ckpt = window.state.add_model(trained(), origin="trained")
    dialog = window.show_models()
    dialog.select(ckpt)
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        lambda url: opened.append(url.toLocalFile()) or True)
    assert dialog.show_in_folder()
    assert opened == [str(models_dir())]


def test_open_starts_in_the_models_folder_and_recent_holds_opened_and_saved(window, tmp_path,
                                                                             monkeypatch):
    assert window.open_dialog_folder() == models_dir()
    outside = tmp_path / "elsewhere.pt"
    checkpoint.save(outside, new_model(1, latent_dim=2, hidden=16))
    monkeypatch.setattr(window, "_ask_open_path", lambda: str(outside))
    assert window.open_checkpoint()
    monkeypatch.setattr(window, "_ask_save_path", lambda *a: str(tmp_path / "saved.pt"))
    assert window.save_as()
    recent = preferences.recent_files(window.settings)
    assert recent[:2] == [str((tmp_path / "saved.pt").resolve()), str(outside.resolve())]


def test_opened_files_are_listed_after_a_restart(qtbot, tmp_path, monkeypatch):
    first = MainWindow(tabs=(("Draw", QuietTab),))
    qtbot.addWidget(first)
    outside = tmp_path / "lecture.pt"
    checkpoint.save(outside, new_model(1, latent_dim=4, hidden=16))
    assert first.open_checkpoint(str(outside))
    first.close()
    second = MainWindow(tabs=(("Draw", QuietTab),))
    qtbot.addWidget(second)
    paths = [m.path.resolve() for m in second.state.models if m.path]
    assert outside.resolve() in paths and second.state.active.path.resolve() == outside.resolve()


def held_out(name="h"):
    model = new_model(1, latent_dim=4, hidden=16, layers=2, binarized=True)
    config = {"train_size": 3000, "digits": [d for d in range(10) if d != 2]}
    return checkpoint.load(checkpoint.save(models_dir() / f"{name}.pt", model,
                                           [{"epoch": 1}], None, config))


def test_the_dialog_says_what_each_model_was_trained_on(window):
    ckpt = window.state.add_model(held_out(), origin="holdout", activate=False)
    plain = window.state.add_model(trained(), origin="trained", activate=False)  # no record
    every = checkpoint.load(checkpoint.save(models_dir() / "all.pt", new_model(1, hidden=16), [],
                                            None, {"train_size": None, "digits": None}))
    every = window.state.add_model(every, origin="trained", activate=False)
    dialog = window.show_models()
    column = {dialog.table.horizontalHeaderItem(c).text(): c
              for c in range(dialog.table.columnCount())}

    def cell(model, title):
        return dialog.table.item(window.state.models.index(model), column[title]).text()

    assert cell(ckpt, "Hidden") == "2×16"  # as the Train and Evaluate headers say "2x500"
    assert cell(ckpt, "Trained on") == "3,000 images without 2s, binarised"
    assert cell(plain, "Hidden") == "16" and cell(plain, "Trained on") == "–"
    assert cell(every, "Trained on") == "all 60,000 images"


def test_the_dialog_opens_on_the_active_model(window):
    other = window.state.add_model(trained("other"), origin="trained", activate=False)
    dialog = window.show_models()
    dialog.select(other)
    dialog.close()
    dialog = window.show_models()
    assert dialog.selected() is window.state.active


def test_name_errors_are_sentences_and_the_name_box_is_wide(window, monkeypatch):
    ckpt = window.state.add_model(trained(), origin="trained")
    dialog = window.show_models()
    errors = []
    monkeypatch.setattr(dialog, "_show_error", lambda title, text: errors.append(text))
    dialog.select(ckpt)
    taken = next(m.name for m in window.state.models if m is not ckpt)
    assert not dialog.rename(taken)
    assert errors[0][0].isupper() and errors[0].endswith(".")
    box = dialog._name_dialog(ckpt.name)
    assert box.windowTitle() == "Rename model" and box.minimumWidth() >= 400
