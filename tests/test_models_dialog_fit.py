"""The Models dialog fits a 1280x720 screen: at 1240 px wide (what the dialog takes there) the
table has no horizontal scroll bar; Name and Trained on give up room, their text cut in the
middle ("VAE without 2s · M…5 Dec 12:39"), never wrapped, and a cut cell's tooltip says it
whole. Before, Name and Trained on kept their full widths and the table scrolled sideways."""

from __future__ import annotations

from PySide6.QtCore import Qt
from quiet_window import quiet_window

from vae_desktop.core import checkpoint
from vae_desktop.core.paths import models_dir
from vae_desktop.core.training import new_model

NOT_TWO = [d for d in range(10) if d != 2]


def saved(name, **train_config):
    model = new_model(1, latent_dim=16, hidden=64, num_classes=10)
    path = checkpoint.save(models_dir() / f"{name}.pt", model,
                           [{"epoch": e + 1, "test_loss": 240.0} for e in range(12)], None,
                           train_config)
    return checkpoint.load(path)


def column(dialog, title):
    return next(c for c in range(dialog.table.columnCount())
                if dialog.table.horizontalHeaderItem(c).text() == title)


def test_the_dialog_fits_1280_by_720_without_losing_a_word(qtbot):
    window = quiet_window(qtbot)
    state = window.state
    long_one = state.add_model(saved("fashion", train_size=3000, digits=NOT_TWO,
                                     dataset="fashion-mnist", test_size=1000),
                               origin="holdout", activate=False,
                               name="A model with a long name of my own choosing, seminar week 3")
    few = state.add_model(saved("few", train_size=2000, digits=[1, 2, 3]), origin="trained",
                          activate=False)
    dialog = window.show_models()
    qtbot.waitExposed(dialog)
    dialog.resize(1240, 460)  # the widest a dialog is on a 1280x720 screen
    qtbot.wait(20)
    table = dialog.table
    assert not table.horizontalScrollBar().isVisible()
    widths = [table.columnWidth(c) for c in range(table.columnCount())]
    assert sum(widths) <= table.viewport().width()
    assert table.textElideMode() == Qt.ElideMiddle and not table.wordWrap()
    # The short columns keep what they need; the long ones are cut, and say it all on hover.
    for title in ("Kind", "Latent", "Hidden", "Epochs", "Test loss", "Added", "From"):
        c = column(dialog, title)
        assert table.columnWidth(c) >= table.sizeHintForColumn(c), title
    name, trained = column(dialog, "Name"), column(dialog, "Trained on")
    assert table.columnWidth(name) < table.sizeHintForColumn(name)
    assert table.columnWidth(name) >= 200 and table.columnWidth(trained) >= 140
    row = dialog.row_of(long_one)
    assert table.item(row, name).toolTip().startswith(long_one.name + "\n")
    assert table.item(dialog.row_of(few), trained).toolTip().startswith(
        "Trained on 2,000 images of 1s, 2s and 3s only.\n")
    # The description under the table wraps instead of widening the dialog.
    dialog.select(long_one)
    assert dialog.detail.wordWrap() and dialog.width() == 1240
    # With room to spare, nothing is cut and Name takes the rest.
    dialog.resize(1900, 460)
    qtbot.wait(20)
    assert table.columnWidth(name) > table.sizeHintForColumn(name)
    assert table.columnWidth(trained) >= table.sizeHintForColumn(trained)
    assert sum(table.columnWidth(c) for c in range(table.columnCount())) \
        == table.viewport().width()


def test_the_dialog_opens_no_wider_than_the_screen(qtbot):
    window = quiet_window(qtbot)
    for i in range(3):
        window.state.add_model(saved(f"m{i}", train_size=3000, digits=NOT_TWO,
                                     dataset="fashion-mnist"), origin="trained", activate=False)
    dialog = window.show_models()
    qtbot.waitExposed(dialog)
    room = dialog.screen().availableGeometry().width()  # 800 px on the offscreen platform
    assert dialog.width() <= room - 40
