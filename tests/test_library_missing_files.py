"""A model whose file is briefly not there (a USB stick unplugged, a folder renamed for a while)
stays listed: greyed in the Models dialog with "file not found" and its path, removable there, and
usable again once the file is back. Before, the first start without the file took the entry and
its name off the list for good, and the model was not listed again when the drive came back."""

from __future__ import annotations

from quiet_window import QuietTab

from vae_desktop.core import checkpoint
from vae_desktop.core.library import ModelLibrary
from vae_desktop.core.training import new_model
from vae_desktop.gui.main_window import MainWindow

NAME = "Mein Modèl ü"


def made(folder, name):
    folder.mkdir(parents=True, exist_ok=True)
    model = new_model(1, latent_dim=2, hidden=16)
    return checkpoint.load(checkpoint.save(folder / f"{name}.pt", model,
                                           [{"epoch": 1, "test_loss": 150.0}]))


def saved_on_a_stick(tmp_path):
    """A model saved as to "usb stick/Mein Modèl ü.pt" and listed under that name."""
    library = ModelLibrary()
    library.load()
    ckpt = made(tmp_path / "usb stick", NAME)
    library.add(ckpt, "saved", name=NAME)
    return ckpt.path


def test_an_entry_whose_file_is_away_is_kept_with_its_name(tmp_path):
    path = saved_on_a_stick(tmp_path)
    (tmp_path / "usb stick").rename(tmp_path / "elsewhere")
    away = ModelLibrary()
    notes = away.load()
    entry = away.find(path)
    assert entry is not None and entry.name == NAME and entry.origin == "saved"
    assert not any("No longer listed" in note for note in notes)
    (tmp_path / "elsewhere").rename(tmp_path / "usb stick")  # the drive is back
    back = ModelLibrary()
    assert back.load() == []
    assert back.find(path).name == NAME  # the index on disk kept it too


def test_the_window_greys_it_and_lists_it_again_when_the_file_is_back(qtbot, tmp_path,
                                                                        monkeypatch):
    path = saved_on_a_stick(tmp_path)
    (tmp_path / "usb stick").rename(tmp_path / "elsewhere")
    window = MainWindow(tabs=(("Draw", QuietTab),))
    qtbot.addWidget(window)
    state = window.state
    # No tab or selector offers it: it cannot be made active.
    assert all(m.name != NAME for m in state.models)
    combo = [window.model_combo.itemText(i) for i in range(window.model_combo.count())]
    assert NAME not in combo and len(combo) == len(state.models)
    notes = state.load_notes
    assert any(NAME in note and str(path) in note and "not found" in note for note in notes)

    dialog = window.show_models()
    table = dialog.table
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == NAME)
    assert table.item(row, 10).text() == "file not found"
    assert f"file not found: {path}" in table.item(row, 0).toolTip()
    table.selectRow(row)
    assert dialog.selected_entry().name == NAME and dialog.remove_button.isEnabled()
    assert not dialog.activate_button.isEnabled()
    assert f"file not found: {path}" in dialog.detail.text()
    dialog.close()

    # The drive is back: opening the dialog again lists the model as any other.
    (tmp_path / "elsewhere").rename(tmp_path / "usb stick")
    dialog = window.show_models()
    ckpt = next(m for m in state.models if m.name == NAME)
    assert dialog.row_of(ckpt) >= 0 and state.unlisted_entries() == []
    assert NAME in [window.model_combo.itemText(i) for i in range(window.model_combo.count())]
    state.set_active(ckpt)
    assert state.active is ckpt


def test_a_missing_entry_can_be_removed(qtbot, tmp_path, monkeypatch):
    path = saved_on_a_stick(tmp_path)
    (tmp_path / "usb stick").rename(tmp_path / "elsewhere")
    window = MainWindow(tabs=(("Draw", QuietTab),))
    qtbot.addWidget(window)
    dialog = window.show_models()
    table = dialog.table
    table.selectRow(next(r for r in range(table.rowCount())
                         if table.item(r, 0).text() == NAME))
    questions = []
    monkeypatch.setattr(dialog, "_confirm", lambda text: questions.append(text) or True)
    assert dialog.remove()
    assert f"file was not found ({path})" in questions[0]
    assert window.state.library.find(path) is None
    again = ModelLibrary()
    again.load()
    assert again.find(path) is None
