"""The Models dialog says why a listed model's file cannot be read from what the app state found
when it tried the file, without reading the file again. Before, the dialog loaded every such
file once more, just to say why, each time the app was started and the dialog first opened (a
large damaged file read twice). A file that changes is tried again, once for each change."""

from __future__ import annotations

from pathlib import Path

import pytest
from quiet_window import QuietTab

from vae_desktop.core import checkpoint
from vae_desktop.core.library import ModelLibrary
from vae_desktop.core.paths import models_dir
from vae_desktop.core.training import new_model
from vae_desktop.gui.main_window import MainWindow
from vae_desktop.gui.state import refusal

NAME = "Old autosave"


def made(name):
    model = new_model(1, latent_dim=2, hidden=16)
    return checkpoint.load(checkpoint.save(models_dir() / f"{name}.pt", model,
                                           [{"epoch": 1, "test_loss": 150.0}]))


def why(path) -> str:
    """What reading the file says, in the dialog's words (File ▸ Open's advice left out)."""
    with pytest.raises(checkpoint.CheckpointError) as caught:
        checkpoint.load(path)
    return refusal(caught.value)


def row_named(dialog, name):
    return next(r for r in range(dialog.table.rowCount())
                if dialog.table.item(r, 0).text() == name)


@pytest.fixture
def loads(monkeypatch):
    """The files checkpoint.load reads from now on."""
    seen, real = [], checkpoint.load
    monkeypatch.setattr(checkpoint, "load",
                        lambda path, *a, **k: seen.append(path) or real(path, *a, **k))
    return seen


def damaged_window(qtbot):
    library = ModelLibrary()
    library.load()
    ckpt = made("autosave")
    library.add(ckpt, "trained", name=NAME)
    ckpt.path.write_bytes(b"damaged")
    window = MainWindow(tabs=(("Draw", QuietTab),))  # reads the list: tries the file once
    qtbot.addWidget(window)
    return window, ckpt.path


def test_the_dialog_says_why_without_reading_the_file_again(qtbot, loads):
    window, path = damaged_window(qtbot)
    reason = why(path)
    assert reason == "autosave.pt is not a vae-desktop checkpoint: it is not a PyTorch file at all."
    loads.clear()
    dialog = window.show_models()
    assert loads == []
    row = row_named(dialog, NAME)
    tip = f"This model cannot be used, since its file could not be read: {reason}\n{path}"
    assert dialog.table.item(row, 0).toolTip() == f"{NAME}\n{tip}"
    assert dialog.table.item(row, 10).text() == "file cannot be read"
    dialog.table.selectRow(row)
    assert f"since its file could not be read: {reason} File: {path}." in dialog.detail.text()
    dialog.close()
    window.show_models()
    assert loads == []  # nor when it is opened again


def test_a_file_that_changed_is_tried_again_once(qtbot, loads):
    window, path = damaged_window(qtbot)
    path.write_bytes(b"")  # damaged otherwise now: an empty file
    loads.clear()
    dialog = window.show_models()
    assert [str(p) for p in loads] == [str(path)]
    row = row_named(dialog, NAME)
    assert why(path) in dialog.table.item(row, 0).toolTip()
    assert "is empty" in dialog.table.item(row, 0).toolTip()
    loads.clear()
    dialog.close()
    window.show_models()
    assert loads == []


def test_a_model_another_window_listed_is_listed_here_when_the_dialog_opens(qtbot, loads):
    window = MainWindow(tabs=(("Draw", QuietTab),))
    qtbot.addWidget(window)
    state = window.state
    other = ModelLibrary()  # another window of the app, started before this one changed the list
    other.load()
    good, bad = made("theirs"), made("broken")
    other.add(good, "trained", name="Their model")
    other.add(bad, "trained", name="Their broken model")
    bad.path.write_bytes(b"damaged")
    state.add_model(made("mine"), origin="trained", activate=False)  # reads their list first
    loads.clear()
    dialog = window.show_models()
    assert sorted(Path(p).name for p in loads) == ["broken.pt", "theirs.pt"]  # once each
    theirs = next(m for m in state.models if m.name == "Their model")
    assert dialog.row_of(theirs) >= 0
    assert "not a PyTorch file" in dialog.table.item(row_named(dialog, "Their broken model"),
                                                     0).toolTip()
