"""An entry of the model list whose file cannot be read (damaged, or gone) can be removed from
the Models dialog, which says what is removed: the entry, and the file only where there is one the
app made. Before, such an entry was in no row of the dialog and stayed in the list for good."""

from __future__ import annotations

from quiet_window import QuietTab

from vae_desktop.core import checkpoint
from vae_desktop.core.library import ModelLibrary
from vae_desktop.core.paths import models_dir
from vae_desktop.core.training import new_model
from vae_desktop.gui.main_window import MainWindow


def made(folder, name):
    model = new_model(1, latent_dim=2, hidden=16)
    return checkpoint.load(checkpoint.save(folder / f"{name}.pt", model,
                                           [{"epoch": 1, "test_loss": 150.0}]))


def window_with_damaged_files(qtbot, tmp_path):
    """A window started after two listed files were damaged: one the app made, one of the
    user's."""
    library = ModelLibrary()
    library.load()
    owned, users = made(models_dir(), "autosave"), made(tmp_path, "lecture")
    library.add(owned, "trained", name="Old autosave")
    library.add(users, "opened", name="Lecture model")
    for ckpt in (owned, users):
        ckpt.path.write_bytes(b"damaged")
    window = MainWindow(tabs=(("Draw", QuietTab),))
    qtbot.addWidget(window)
    return window, owned.path, users.path


def row_named(dialog, name):
    return next(r for r in range(dialog.table.rowCount())
                if dialog.table.item(r, 0).text() == name)


def test_an_unreadable_entry_is_shown_and_can_be_removed(qtbot, tmp_path, monkeypatch):
    window, owned, users = window_with_damaged_files(qtbot, tmp_path)
    state = window.state
    assert all(m.path.resolve() not in (owned, users) for m in state.models if m.path)
    dialog = window.show_models()
    table = dialog.table
    assert table.rowCount() == len(state.models) + 2
    row = row_named(dialog, "Old autosave")
    cells = [table.item(row, c).text() for c in range(table.columnCount())]
    assert cells[1:9] == ["–"] * 8 and cells[10] == "file cannot be read"
    assert "not a PyTorch file" in table.item(row, 0).toolTip()
    table.selectRow(row)
    assert dialog.selected() is None and dialog.selected_entry().name == "Old autosave"
    assert dialog.remove_button.isEnabled() and not dialog.activate_button.isEnabled()
    assert not dialog.rename_button.isEnabled() and dialog.folder_button.isEnabled()
    detail = dialog.detail.text()
    assert "cannot be used" in detail and "not a PyTorch file at all." in detail
    assert str(owned) in detail and "Pick" not in detail  # the advice of File > Open

    questions, errors = [], []
    monkeypatch.setattr(dialog, "_confirm", lambda text: questions.append(text) or True)
    monkeypatch.setattr(dialog, "_show_error", lambda title, text: errors.append(text))
    assert dialog.remove()
    assert questions[0] == ("Remove Old autosave from the list of models?\n\nIts file could not "
                            "be read, so the model cannot be used. The file, which vae-desktop "
                            f"made, will be deleted:\n{owned}")
    assert not owned.exists() and state.library.find(owned) is None
    assert table.rowCount() == len(state.models) + 1 and errors == []
    assert window.statusBar().currentMessage() == "Removed Old autosave from the list of models."

    # The user's own file stays where it is, and the question says so.
    table.selectRow(row_named(dialog, "Lecture model"))
    assert dialog.remove()
    assert questions[1].endswith("The file stays where it is:\n" + str(users))
    assert users.exists() and state.library.find(users) is None
    assert table.rowCount() == len(state.models)
    again = ModelLibrary()
    again.load()
    assert again.find(owned) is None and again.find(users) is None


def test_a_model_whose_file_went_away_is_removed_as_an_entry_only(qtbot, tmp_path, monkeypatch):
    window = MainWindow(tabs=(("Draw", QuietTab),))
    qtbot.addWidget(window)
    ckpt = window.state.add_model(made(models_dir(), "gone"), origin="trained", activate=False)
    ckpt.path.unlink()  # deleted by hand while the app runs: the model is still in memory
    dialog = window.show_models()
    dialog.select(ckpt)
    assert "no longer there" in dialog.detail.text()
    questions = []
    monkeypatch.setattr(dialog, "_confirm", lambda text: questions.append(text) or True)
    assert dialog.remove()
    assert questions[0] == (f"Remove {ckpt.name} from the list of models?\n\nIts file is no "
                            f"longer there ({ckpt.path}): only the entry in the list is "
                            "removed.")
    assert ckpt not in window.state.models and window.state.library.find(ckpt.path) is None
