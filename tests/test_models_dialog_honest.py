"""What the Models dialog and the status bar say about where a model's numbers come from.

A checkpoint trained on Fashion-MNIST (`vae-desktop train --dataset fashion-mnist`) was listed
as trained on "3,000 images" and used as an MNIST model without a word; and the Test loss column
set a loss measured on 1,000 test images, and binarised MNIST's 90.08, beside the others as if
they were the same measure (a student read the binarised model as the best)."""

from __future__ import annotations

import pytest
from quiet_window import QuietTab, quiet_window

from vae_desktop.core import checkpoint
from vae_desktop.core.model_words import loss_note, trained_on_text
from vae_desktop.core.paths import models_dir
from vae_desktop.core.training import new_model
from vae_desktop.gui.main_window import MainWindow


@pytest.fixture
def window(qtbot):
    return quiet_window(qtbot)


def saved(name, train_config, loss=171.25, conditional=False):
    model = new_model(1, latent_dim=2, hidden=16, num_classes=10 if conditional else 0)
    return checkpoint.load(checkpoint.save(models_dir() / f"{name}.pt", model,
                                           [{"epoch": 1, "test_loss": loss}], None, train_config))


def cell(dialog, window, ckpt, title):
    column = {dialog.table.horizontalHeaderItem(c).text(): c
              for c in range(dialog.table.columnCount())}
    return dialog.table.item(dialog.row_of(ckpt), column[title])


def test_a_fashion_model_says_so_in_the_dialog_and_the_status_bar(window, qtbot):
    state = window.state
    path = saved("fashion", {"train_size": 3000, "dataset": "fashion-mnist"},
                 conditional=True).path
    assert window.open_checkpoint(str(path))
    fashion = state.active
    assert trained_on_text(fashion) == "3,000 Fashion-MNIST images"
    dialog = window.show_models()
    assert cell(dialog, window, fashion, "Trained on").text() == "3,000 Fashion-MNIST images"
    assert "Fashion-MNIST" in dialog.detail.text()
    # The status bar's line, and the model selector's tooltip.
    assert "trained on Fashion-MNIST" in window.model_label.text()
    index = state.models.index(fashion)
    assert "Fashion-MNIST" in window.model_combo.itemData(index, 3)  # Qt.ToolTipRole
    # Made active: the status bar says once that the tabs show it MNIST digits.
    message = window.statusBar().currentMessage()
    assert message.startswith(f"Opened {path}. ")
    assert "Fashion-MNIST" in message and "MNIST digits" in message
    assert message[0].isupper() and message.endswith(".")
    window.statusBar().clearMessage()
    state.set_active(state.models[0])
    state.set_active(fashion)
    assert window.statusBar().currentMessage() == ""  # said once is enough
    # An MNIST model says nothing of its data.
    state.set_active(state.models[0])
    assert "trained on" not in window.model_label.text()


def test_the_test_loss_column_marks_losses_that_are_not_alike(window, bundled):
    state = window.state
    part = state.add_model(saved("part", {"train_size": 3000, "digits": [0, 1],
                                          "test_size": 1000}, loss=213.55),
                           origin="opened", activate=False)
    whole = state.add_model(saved("whole", {"train_size": 3000, "test_size": None}, loss=150.0),
                            origin="opened", activate=False)
    fashion = state.add_model(saved("fashion", {"dataset": "fashion-mnist"}, loss=240.0),
                              origin="opened", activate=False)
    binarised = next(m for m in state.models if m.config.binarized)
    dialog = window.show_models()

    loss = cell(dialog, window, part, "Test loss")
    assert loss.text() == "213.55*"
    assert "1,000 of the 10,000 test images" in loss.toolTip()
    assert cell(dialog, window, whole, "Test loss").text() == "150.00"
    plain = cell(dialog, window, state.models[0], "Test loss")  # a bundled MNIST model
    assert plain.text()[-1].isdigit() and "not comparable" not in plain.toolTip()
    for other, word in ((binarised, "binarised"), (fashion, "Fashion-MNIST")):
        item = cell(dialog, window, other, "Test loss")
        assert item.text().endswith("†"), item.text()
        assert word in item.toolTip() and "not comparable" in item.toolTip()
    # The marks are explained under the table.
    legend = dialog.legend.text()
    assert dialog.legend.isVisibleTo(dialog)
    assert "*" in legend and "†" in legend and "not comparable" in legend

    note = loss_note(binarised)
    assert not note.comparable and note.mark == "†"
    assert loss_note(part).comparable and loss_note(whole).mark == ""


def test_without_marks_there_is_no_legend(qtbot, tmp_path):
    from vae_desktop.core.library import ModelLibrary
    from vae_desktop.gui.state import AppState

    state = AppState(library=ModelLibrary(bundled=tmp_path / "none"))
    window = MainWindow(state=state, tabs=(("Draw", QuietTab),))
    qtbot.addWidget(window)
    state.add_model(saved("whole", {"train_size": 3000}), origin="opened")
    dialog = window.show_models()
    assert not dialog.legend.isVisibleTo(dialog)
