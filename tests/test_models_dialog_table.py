"""The Models dialog's table as a student with many models met it: clicking a column's title did
not sort; with ~15 models the Name column was squeezed until names wrapped onto two lines (now they
are cut in the middle where there is no room, never wrapped); and
removing the active model switched every tab to mnist-cvae-z2 while the dialog highlighted
another row."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from quiet_window import quiet_window

from vae_desktop.core import checkpoint
from vae_desktop.core.paths import models_dir
from vae_desktop.core.training import new_model


@pytest.fixture
def window(qtbot):
    return quiet_window(qtbot)


def saved(name, epochs=1, loss=150.0, **train_config):
    model = new_model(1, latent_dim=2, hidden=16)
    history = [{"epoch": e + 1, "test_loss": loss if e == epochs - 1 else None}
               for e in range(epochs)]
    path = checkpoint.save(models_dir() / f"{name}.pt", model, history if loss else [], None,
                           train_config or None)
    return checkpoint.load(path)


def column(dialog, title):
    return next(c for c in range(dialog.table.columnCount())
                if dialog.table.horizontalHeaderItem(c).text() == title)


def click_title(qtbot, dialog, title):
    header = dialog.table.horizontalHeader()
    c = column(dialog, title)
    x = header.sectionViewportPosition(c) + header.sectionSize(c) // 2
    qtbot.mouseClick(header.viewport(), Qt.LeftButton, pos=QPoint(x, header.height() // 2))


def shown(dialog, title):
    c = column(dialog, title)
    return [dialog.table.item(row, c).text() for row in range(dialog.table.rowCount())]


def test_clicking_a_title_sorts_by_what_the_column_means(window, qtbot):
    state = window.state
    five = state.add_model(saved("five", epochs=5, loss=120.0), origin="trained",
                           activate=False)
    untested = state.add_model(saved("untested", loss=None), origin="trained", activate=False)
    part = state.add_model(saved("part", loss=99.0, test_size=1000), origin="trained",
                           activate=False)
    dialog = window.show_models()
    qtbot.waitExposed(dialog)

    click_title(qtbot, dialog, "Epochs")  # numbers as numbers: 5 before 30, 423 last
    epochs = [int(t) for t in shown(dialog, "Epochs")]
    assert epochs == sorted(epochs) and epochs[-1] == 423 and 5 in epochs
    click_title(qtbot, dialog, "Epochs")
    assert [int(t) for t in shown(dialog, "Epochs")] == sorted(epochs, reverse=True)

    click_title(qtbot, dialog, "Test loss")
    losses = shown(dialog, "Test loss")
    # The comparable losses in order (part of the test set included), then binarised MNIST's
    # (not comparable), then the model never tested.
    assert losses[:3] == ["98.07", "99.00*", "102.96"]
    assert losses[-2:] == ["90.08†", "–"]
    assert dialog.model_at(dialog.table.rowCount() - 1) is untested
    click_title(qtbot, dialog, "Test loss")  # the other way: the set-apart ones stay last
    losses = shown(dialog, "Test loss")
    assert losses == ["148.80", "130.98", "120.00", "102.96", "99.00*", "98.07", "90.08†", "–"]

    click_title(qtbot, dialog, "Added")  # dates as dates; bundled models ("–") last
    added = shown(dialog, "Added")
    assert [dialog.model_at(row) for row in range(3)] == [five, untested, part]
    assert added[3:] == ["–"] * (len(added) - 3)
    click_title(qtbot, dialog, "Added")
    assert dialog.model_at(0) is part and shown(dialog, "Added")[-1] == "–"

    # Sorted rows still act on the model they show.
    dialog.select(five)
    assert dialog.selected() is five
    dialog.activate()
    assert state.active is five
    assert dialog.table.item(dialog.row_of(five), 0).text() == f"{five.name}  (active)"
    assert dialog.selected() is five


def test_names_are_never_squeezed_onto_two_lines(window, qtbot):
    state = window.state
    for i in range(10):
        state.add_model(saved(f"m{i}", epochs=30, train_size=3000,
                              digits=[d for d in range(10) if d != 2], dataset="fashion-mnist",
                              test_size=1000), origin="trained", activate=False)
    dialog = window.show_models()
    qtbot.waitExposed(dialog)
    table = dialog.table
    assert not table.wordWrap() and table.textElideMode() == Qt.ElideMiddle
    # Narrow, a name is cut in the middle, never wrapped, and its tooltip says it whole; Name
    # keeps its least width (a horizontal scroll bar if need be; tests/test_models_dialog_fit.py
    # has a 1280x720 screen's dialog, which needs none).
    dialog.resize(700, dialog.height())
    qtbot.wait(20)
    assert table.columnWidth(0) == 200 < table.sizeHintForColumn(0)
    assert table.horizontalScrollBar().isVisible()
    model = dialog.model_at(0)
    assert table.item(0, 0).toolTip() == f"{model.name}\n{model.path}"
    dialog.resize(1900, dialog.height())
    qtbot.wait(20)
    # With room to spare, Name takes it.
    others = sum(table.columnWidth(c) for c in range(1, table.columnCount()))
    assert table.columnWidth(0) + others >= table.viewport().width() - 1
    assert table.columnWidth(0) > table.sizeHintForColumn(0)


def test_removing_the_active_model_selects_the_one_that_became_active(window, monkeypatch):
    state = window.state
    models = [state.add_model(saved(f"r{i}"), origin="trained", activate=False)
              for i in range(3)]
    state.set_active(models[0])
    dialog = window.show_models()
    dialog.select(models[0])
    monkeypatch.setattr(dialog, "_confirm", lambda text: True)
    assert dialog.remove()
    assert models[0] not in state.models and state.active is not None
    assert dialog.selected() is state.active
    row = dialog.row_of(state.active)
    assert dialog.table.item(row, 0).text().endswith("(active)")
    assert window.statusBar().currentMessage() == (
        f"Removed {models[0].name}. {state.active.name} is now the active model.")
