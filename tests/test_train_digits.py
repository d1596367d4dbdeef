"""The Train form's Digits row: the CLI's --digits in the app. Ten toggles 0-9, all on by default,
one of them always on; the Training images box says what the run trains on ("2,000 images without
2s"); kept with the form's settings; taken by apply_settings (what the Sweep tab calls) as a tuple
or None for all; used by the run and recorded in the checkpoint's train_config "digits", as the
CLI records it; and, with Continue ticked, the model's own digits, shown and locked."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from train_tab_support import make_tab, train
from typing_support import focus_window

from vae_desktop.core import checkpoint
from vae_desktop.core.checkpoint import Checkpoint
from vae_desktop.core.data import load_split
from vae_desktop.core.training import new_model
from vae_desktop.gui import preferences

ALL = tuple(range(10))
NOT_TWO = (0, 1, 3, 4, 5, 6, 7, 8, 9)


def shown(tab) -> tuple[int, ...]:
    """The digits the row has on."""
    return tuple(d for d, box in enumerate(tab.form.digits_row.boxes) if box.isChecked())


def test_all_digits_by_default_and_the_images_box_says_which(qtbot, state):
    tab = make_tab(qtbot, state)
    row = tab.form.digits_row
    assert shown(tab) == ALL and tab.settings_dict()["digits"] is None
    assert row.toolTip() and all(box.toolTip() for box in row.boxes)
    assert tab.apply_settings({"train_size": 2000})
    images = tab.field("train_size")
    assert images.text() == "2,000 images"
    qtbot.mouseClick(row.boxes[2], Qt.LeftButton)  # leave the 2s out
    assert shown(tab) == NOT_TWO and tab.settings_dict()["digits"] == NOT_TWO
    assert images.text() == "2,000 images without 2s"
    assert tab.apply_settings({"train_size": 0})
    assert images.text() == "all images without 2s"


def test_one_digit_always_stays_on(qtbot, state):
    tab = make_tab(qtbot, state)
    row = tab.form.digits_row
    for digit in range(9):
        qtbot.mouseClick(row.boxes[digit], Qt.LeftButton)
    assert shown(tab) == (9,) and tab.message == ""
    qtbot.mouseClick(row.boxes[9], Qt.LeftButton)  # the last one: refused, and said why
    assert shown(tab) == (9,)
    assert "at least one digit" in tab.message.lower() and tab.message.endswith(".")
    qtbot.mouseClick(row.boxes[4], Qt.LeftButton)  # a digit more: the refusal is old news
    assert shown(tab) == (4, 9) and tab.message == ""


def test_apply_settings_takes_digits_and_refuses_others(qtbot, state):
    tab = make_tab(qtbot, state)
    assert tab.apply_settings({"digits": (1, 7)})
    assert shown(tab) == (1, 7) and tab.settings_dict()["digits"] == (1, 7)
    assert tab.apply_settings({"digits": [7, 1, 1]})  # a checkpoint's list, in any order
    assert shown(tab) == (1, 7)
    assert tab.apply_settings({"epochs": 2})  # not named: as it was
    assert shown(tab) == (1, 7)
    assert tab.apply_settings({"digits": None})
    assert shown(tab) == ALL and tab.settings_dict()["digits"] is None
    for bad in ((), (3, 12), "two"):
        assert not tab.apply_settings({"digits": bad, "epochs": 5})
        assert "digits" in tab.message and shown(tab) == ALL
        assert tab.settings_dict()["epochs"] == 2  # nothing changed


def test_the_digits_are_kept_with_the_form(qtbot, state):
    tab = make_tab(qtbot, state)
    assert tab.apply_settings({"digits": (0, 5)})
    settings = preferences.open_settings()
    tab.save_settings(settings)
    again = make_tab(qtbot, state)
    assert shown(again) == ALL
    again.restore_settings(settings)
    assert shown(again) == (0, 5)
    settings.setValue("train/digits", "nonsense")  # a value that cannot be used: all digits
    again.restore_settings(settings)
    assert shown(again) == ALL


def test_a_run_trains_on_the_digits_and_records_them(qtbot, state):
    tab = make_tab(qtbot, state)
    assert tab.apply_settings({"train_size": 0, "digits": (0,)})  # every 0 of the training set
    started = []
    tab.run_started.connect(started.append)
    summary = train(qtbot, tab)
    assert summary.status == "done"
    zeros = int((load_split("train")[1] == 0).sum())
    assert started[0].train_size == zeros  # 5,923 zeros, not 60,000 images
    assert summary.train_config["digits"] == [0]
    saved = checkpoint.load(state.active.path)
    assert saved.train_config["digits"] == [0]
    assert "of 0" in state.active.name  # named as a model of some digits is


def test_continue_shows_the_models_digits_locked(qtbot, state):
    model = new_model(1, latent_dim=2, hidden=32)
    state.add_model(Checkpoint(model, model.config, [],
                               train_config={"train_size": 300, "digits": list(NOT_TWO)}),
                    name="VAE without 2")
    tab = make_tab(qtbot, state)
    assert tab.apply_settings({"digits": (3, 4)})  # the person's own, before ticking
    tab.continue_box.setChecked(True)
    assert shown(tab) == NOT_TWO
    assert not any(box.isEnabled() for box in tab.form.digits_row.boxes)
    assert "Untick" in tab.form.digits_row.toolTip()
    tab.continue_box.setChecked(False)
    assert shown(tab) == (3, 4) and all(box.isEnabled() for box in tab.form.digits_row.boxes)


def test_the_row_is_one_tab_stop_and_arrows_move_in_it(qtbot, state):
    tab = make_tab(qtbot, state)
    focus_window(qtbot, tab)
    row = tab.form.digits_row
    images = tab.field("train_size")
    images.setFocus()
    qtbot.keyClick(images, Qt.Key_Tab)
    assert QApplication.focusWidget() is row.boxes[0]
    qtbot.keyClick(row.boxes[0], Qt.Key_Right)
    qtbot.keyClick(row.boxes[1], Qt.Key_Right)
    assert QApplication.focusWidget() is row.boxes[2]
    qtbot.keyClick(row.boxes[2], Qt.Key_Space)
    assert shown(tab) == NOT_TWO
    qtbot.keyClick(row.boxes[2], Qt.Key_Tab)
    assert QApplication.focusWidget() is tab.field("device")
    row.boxes[4].setFocus()
    qtbot.keyClick(row.boxes[4], Qt.Key_Backtab, Qt.ShiftModifier)
    assert QApplication.focusWidget() is images  # out of the row, not to its first digit
