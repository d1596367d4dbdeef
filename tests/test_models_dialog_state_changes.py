"""The Models dialog changes the list of models only through the app state, and shows what the
state knows of the list while it is open. Before, removing an entry whose file cannot be read
went to the library behind the state's back: the state kept what it had found of the file, and
no other view heard that the list had changed. And an entry listed meanwhile by another window
(read in by this window's next change of the list) was in no row, neither a model nor greyed,
until the dialog was opened again."""

from __future__ import annotations

from pathlib import Path

import pytest
from quiet_window import QuietTab, quiet_window

from vae_desktop.core import checkpoint
from vae_desktop.core.library import NOT_FOUND, ModelLibrary, Unlisted
from vae_desktop.core.library_index import path_key
from vae_desktop.core.paths import models_dir
from vae_desktop.core.training import new_model
from vae_desktop.gui.main_window import MainWindow

NAME = "Old autosave"


def made(name):
    model = new_model(1, latent_dim=2, hidden=16)
    return checkpoint.load(checkpoint.save(models_dir() / f"{name}.pt", model,
                                           [{"epoch": 1, "test_loss": 150.0}]))


def row_named(dialog, name):
    return next((r for r in range(dialog.table.rowCount())
                 if dialog.table.item(r, 0).text() == name), -1)


@pytest.fixture
def loads(monkeypatch):
    """The files checkpoint.load reads from now on."""
    seen, real = [], checkpoint.load
    monkeypatch.setattr(checkpoint, "load",
                        lambda path, *a, **k: seen.append(path) or real(path, *a, **k))
    return seen


def damaged_window(qtbot):
    """A window started after the file of a listed model (one the app made) was damaged."""
    library = ModelLibrary()
    library.load()
    ckpt = made("autosave")
    library.add(ckpt, "trained", name=NAME)
    ckpt.path.write_bytes(b"damaged")
    window = MainWindow(tabs=(("Draw", QuietTab),))
    qtbot.addWidget(window)
    return window, ckpt.path


def test_removing_an_unreadable_entry_goes_through_the_state(qtbot, monkeypatch):
    window, path = damaged_window(qtbot)
    state = window.state
    assert [entry.name for entry, _found in state.unlisted_entries()] == [NAME]
    dialog = window.show_models()
    dialog.table.selectRow(row_named(dialog, NAME))
    monkeypatch.setattr(dialog, "_confirm", lambda text: True)
    heard = []
    state.models_changed.connect(lambda: heard.append(len(state.library.entries)))
    assert dialog.remove()
    # Every view hears of it, once, with the entry gone; the state forgets what it found.
    assert heard == [len(state.library.entries)]
    assert state.library.find(path) is None and not path.exists()
    assert path_key(path) not in state._unlisted
    assert row_named(dialog, NAME) == -1
    assert window.statusBar().currentMessage() == f"Removed {NAME} from the list of models."


def test_the_state_removes_an_entry_and_what_it_found(qtbot):
    window, path = damaged_window(qtbot)
    state = window.state
    entry, found = state.unlisted_entries()[0]
    assert "not a PyTorch file" in found.reason
    with qtbot.waitSignal(state.models_changed, timeout=1000):
        assert state.remove_entry(entry) is True  # the app made the file: deleted
    assert state.unlisted_entries() == [] and path_key(path) not in state._unlisted
    assert state.library.find(path) is None
    again = ModelLibrary()
    again.load()
    assert again.find(path) is None
    bundled = state.entry(state.models[0])
    assert bundled.bundled
    with pytest.raises(ValueError, match="comes with vae-desktop and cannot be removed"):
        state.remove_entry(bundled)


def test_entries_another_window_listed_show_while_the_dialog_is_open(qtbot, loads):
    window = quiet_window(qtbot)
    state = window.state
    dialog = window.show_models()
    rows = dialog.table.rowCount()
    other = ModelLibrary()  # another window of the app
    other.load()
    good, bad = made("theirs"), made("broken")
    other.add(good, "trained", name="Their model")
    other.add(bad, "trained", name="Their broken model")
    bad.path.write_bytes(b"damaged")
    mine = made("mine")
    loads.clear()
    state.add_model(mine, origin="trained", activate=False)  # reads their list first
    assert dialog.isVisible()
    theirs = next(m for m in state.models if m.name == "Their model")
    assert dialog.row_of(theirs) >= 0  # listed as any model: Use works on it
    broken = row_named(dialog, "Their broken model")
    assert broken >= 0 and dialog.table.item(broken, 10).text() == "file cannot be read"
    assert "not a PyTorch file" in dialog.table.item(broken, 0).toolTip()
    assert dialog.table.rowCount() == rows + 3
    # Each file is tried once, however often the dialog is drawn again.
    state.set_active(theirs)
    state.set_active(state.models[0])
    dialog.refresh()
    assert sorted(Path(p).name for p in loads) == ["broken.pt", "theirs.pt"]


def test_what_was_found_of_a_file_always_says_why(qtbot, tmp_path):
    with pytest.raises(TypeError):
        Unlisted(None)  # a record without why: the dialog would have nothing to say
    library = ModelLibrary()
    library.load()
    ckpt = made("away")
    library.add(ckpt, "trained", name="Away")
    ckpt.path.unlink()
    window = quiet_window(qtbot)
    [(entry, found)] = window.state.unlisted_entries()
    assert entry.name == "Away" and found == Unlisted(None, NOT_FOUND) and found.missing
