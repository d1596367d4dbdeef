"""The Train tab's form comes from the one settings table; settings sent from elsewhere are
refused with a message when out of range, never clamped; the form persists through QSettings."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLineEdit, QSpinBox
from train_tab_support import shown_tab

from vae_desktop.core.settings import MODEL_SETTINGS, SETTINGS, TRAIN_SETTINGS, defaults
from vae_desktop.gui import preferences
from vae_desktop.gui.tabs.train.form_settings import SPLITTER_KEY
from vae_desktop.gui.tabs.train.tab import TrainTab


@pytest.fixture
def tab(qtbot, state):
    widget = TrainTab(state)
    qtbot.addWidget(widget)
    return widget


def test_every_field_takes_its_range_default_step_and_help_from_the_table(tab):
    assert set(MODEL_SETTINGS + TRAIN_SETTINGS) == set(SETTINGS)
    values = tab.settings_dict()
    assert {name: values[name] for name in SETTINGS} == defaults()
    assert tab.field("lr").toolTip().endswith("(a number above 0 and at most 1)")
    for name, setting in SETTINGS.items():
        widget = tab.field(name)
        assert widget.toolTip() == setting.tooltip and setting.help in setting.tooltip, name
        if isinstance(widget, (QSpinBox, QDoubleSpinBox)):
            assert (widget.minimum(), widget.maximum()) == (setting.low, setting.high), name
            assert widget.singleStep() == setting.step, name
            if isinstance(widget, QDoubleSpinBox):
                assert widget.decimals() == setting.decimals, name
        elif isinstance(widget, QComboBox):
            assert tuple(widget.itemData(i) for i in range(widget.count())) == setting.choices
        elif isinstance(widget, QLineEdit):
            assert setting.log and float(widget.text()) == setting.default
        else:
            assert isinstance(widget, QCheckBox) and setting.kind is bool, name
    # The labels a person reads.
    arch = tab.field("arch")
    assert arch.itemText(arch.findData("mlp")) == "MLP (784 → hidden → latent)"
    assert tab.field("conditional").text() == "Conditional (CVAE)"
    assert tab.field("train_size").specialValueText() == "all 60,000"
    assert tab.field("train_size").text() == "all 60,000"  # 0, the default


def test_a_sweep_winner_with_8192_hidden_units_arrives_unchanged(tab, qtbot, state):
    """It used to become 4096 (the form's own limit) without a word."""
    winner = {"latent_dim": 16, "hidden": 8192, "arch": "mlp", "lr": 0.00123456789,
              "batch_size": 256, "beta": 1.23456789, "epochs": 10, "conditional": False}
    state.training_settings_requested.emit(winner)
    values = tab.settings_dict()
    assert {k: values[k] for k in winner} == winner
    assert tab.field("hidden").value() == 8192 and tab.message == ""
    # The beta's extra digits are kept until the field is set or edited again.
    assert tab.apply_settings({"beta": 1.234568}) and tab.settings_dict()["beta"] == 1.234568
    tab.field("beta").setValue(1.5)
    assert tab.settings_dict()["beta"] == 1.5


@pytest.mark.parametrize("bad, words", [
    ({"hidden": 9000}, "hidden units must be an integer from 8 to 8,192, got 9000"),
    ({"latent_dim": 0}, "latent dimensions must be an integer from 1 to 512"),
    ({"lr": 2.0}, "learning rate must be " + SETTINGS["lr"].range_text()),
    ({"arch": "rnn"}, "architecture must be one of mlp, conv"),
    ({"batch_size": 100_000}, "batch size must be an integer from 1 to 65,536"),
    ({"device": "tpu"}, "device 'tpu' is not on this machine"),
])
def test_out_of_range_settings_are_refused_with_a_message_and_change_nothing(tab, qtbot, state,
                                                                            bad, words):
    before = tab.settings_dict()
    with qtbot.waitSignal(state.tab_requested):
        state.training_settings_requested.emit({"latent_dim": 7, "epochs": 3, **bad})
    assert tab.settings_dict() == before  # nothing of the request, not even its good values
    assert words in tab.message and "not applied" in tab.message
    assert not tab.message_label.isHidden()
    assert tab.apply_settings({"latent_dim": 7}) and tab.message == ""  # the next one is fine


def test_the_form_persists_under_train_keys_and_bad_stored_values_fall_back(qtbot, state, tmp_path):
    store = preferences.open_settings()
    first = TrainTab(state)
    qtbot.addWidget(first)
    wanted = {"arch": "conv", "latent_dim": 5, "hidden": 8192, "conditional": True, "beta": 0.25,
              "lr": 5e-4, "batch_size": 64, "epochs": 3, "seed": 11, "train_size": 3000}
    assert first.apply_settings(wanted)
    first.save_settings(store)
    store.sync()
    assert {k.split("/", 1)[1] for k in store.allKeys() if k.startswith("train/")} == (
        set(SETTINGS) | {"device", "digits"})

    second = TrainTab(state)
    qtbot.addWidget(second)
    second.restore_settings(preferences.open_settings())
    values = second.settings_dict()
    assert {k: values[k] for k in wanted} == wanted

    for key, text in (("hidden", "99999"), ("lr", "abc"), ("arch", "rnn"), ("epochs", "2.5"),
                      ("conditional", "maybe"), ("device", "cuda:7")):
        store.setValue(f"train/{key}", text)
    store.sync()
    third = TrainTab(state)
    qtbot.addWidget(third)
    third.restore_settings(preferences.open_settings())
    values = third.settings_dict()
    for key in ("hidden", "lr", "arch", "epochs", "conditional"):
        assert values[key] == SETTINGS[key].default, key
    assert values["latent_dim"] == 5  # the good ones are kept
    assert values["device"] == TrainTab(state).settings_dict()["device"]  # the default device
    assert third.message == ""  # a stale stored value is not the user's doing now



def test_the_plot_and_live_view_split_is_kept_between_sessions(qtbot, state):
    """The splitter between the loss plot and the live latent view went back to 3:2 at every
    start; a stored value that is not a splitter's state, or gives a pane nothing, is ignored."""
    first = shown_tab(qtbot, state)
    default = first.results.splitter.sizes()
    total = sum(default)
    first.results.splitter.setSizes([total - 500, 500])  # a wide live view, as a person drags
    chosen = first.results.splitter.sizes()
    assert chosen != default and chosen[1] == 500
    store = preferences.open_settings()
    first.save_settings(store)
    store.sync()

    second = shown_tab(qtbot, state)
    second.restore_settings(preferences.open_settings())
    qtbot.wait(20)
    assert second.results.splitter.sizes() == chosen

    third = shown_tab(qtbot, state)
    broken = preferences.open_settings()
    for stored in ("3:2", b"\x00\xff not a splitter", 42):
        broken.setValue(SPLITTER_KEY, stored)
        broken.sync()
        third.restore_settings(preferences.open_settings())
        qtbot.wait(20)
        assert third.results.splitter.sizes() == default, stored
    # A state that would squeeze a pane to nothing is not taken either.
    first.results.splitter.setSizes([total, 0])
    squeezed = first.results.splitter.saveState()
    assert not third.results.restore_layout(squeezed) or min(third.results.splitter.sizes()) > 0


def test_a_long_value_sent_to_a_text_field_shows_its_start(tab, qtbot):
    """A learning rate sent from elsewhere showed only its last digits ("88674021")."""
    tab.resize(1280, 720)
    tab.show()
    qtbot.waitExposed(tab)
    assert tab.apply_settings({"lr": 0.003940278388674021})
    edit = tab.form.fields["lr"]
    assert edit.text() == "0.003940278388674021" and edit.cursorPosition() == 0


def test_unticking_continue_puts_back_the_settings_from_before_ticking(qtbot, app_state):
    """Ticking "Continue training" fills in the active model's settings (the bundled CVAE z=16:
    latent 16, conditional); unticking it brings back what the form held before."""
    tab = TrainTab(app_state)
    qtbot.addWidget(tab)
    mine = {"latent_dim": 2, "hidden": 48, "conditional": False, "beta": 2.5, "arch": "mlp"}
    assert tab.apply_settings(mine)
    app_state.set_active(app_state.find_model(conditional=True, latent_dim=16))
    tab.continue_box.setChecked(True)
    values = tab.settings_dict()
    assert values["latent_dim"] == 16 and values["conditional"]
    tab.continue_box.setChecked(False)
    values = tab.settings_dict()
    assert {name: values[name] for name in mine} == mine
    assert tab.field("latent_dim").isEnabled()
