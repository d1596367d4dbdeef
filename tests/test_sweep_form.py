"""The Sweep tab's form: widgets built from the settings table, values checked as they change,
the message next to the form cleared once the values are fixed, and Start and Stop always in
view."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QLineEdit, QSpinBox

from vae_desktop.core import settings as table
from vae_desktop.core.sweep import RANGED, SETTINGS
from vae_desktop.gui import preferences as qs
from vae_desktop.gui.state import AppState
from vae_desktop.gui.tabs.sweep.form import SweepForm
from vae_desktop.gui.tabs.sweep.tab import SweepTab


@pytest.fixture
def tab(qtbot, qapp):
    state = AppState()
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    yield tab
    state.workers.stop_all()
    state.workers.wait_all(30)


def test_a_sweep_error_clears_once_the_values_are_fixed(tab):
    space = tab.form.space
    space.set_vary(["lr", "latent_dim"])
    space.set_varied("lr", (1e-2, 1e-4))
    assert not tab.start()
    assert tab.error_text() == ("Learning rate range: the lowest value (0.01) is above the "
                                "highest (0.0001).")
    space.set_varied("lr", (1e-4, 1e-2))  # fixed: no Start needed to clear the message
    assert tab.error_text() == ""
    assert tab.error_label.isHidden() and tab.start_button.isEnabled()


def test_the_rows_that_cannot_run_are_framed_and_every_problem_is_said(tab):
    space = tab.form.space
    space.set_vary(["latent_dim", "hidden"])
    space.set_varied("latent_dim", (30, 3))
    space.rows["hidden"].varied.text.setText("12x")  # not a number: checked before the ranges
    framed = [name for name, row in space.rows.items() if row.stack.objectName() == "problem"]
    assert framed == ["latent_dim", "hidden"]
    assert tab.error_text().splitlines() == [
        "Hidden units choices: write integers separated by commas, e.g. 128, 256 (got '12x').",
        "Latent dimensions range: the lowest value (30) is above the highest (3)."]
    assert not tab.start_button.isEnabled()
    space.set_varied("latent_dim", (3, 30))
    space.rows["hidden"].varied.text.setText("128, 256")
    assert not any(row.stack.objectName() for row in space.rows.values())
    assert tab.error_text() == "" and tab.start_button.isEnabled()


def test_values_are_checked_live_and_start_waits_for_good_ones(tab):
    space = tab.form.space
    space.set_vary(["latent_dim", "hidden"])
    space.set_varied("latent_dim", (40, 8))
    assert tab.error_text() == ("Latent dimensions range: the lowest value (40) is above the "
                                "highest (8).")
    assert not tab.start_button.isEnabled()
    space.rows["hidden"].varied.text.setText("64, 9000")
    hidden = table.SETTINGS["hidden"]
    assert tab.error_text().splitlines() == [
        "Latent dimensions range: the lowest value (40) is above the highest (8).",
        f"Hidden units choices: each must be {hidden.range_text()}, got 9000."]
    space.set_varied("latent_dim", (8, 40))
    space.set_varied("hidden", (64, 128))
    assert tab.error_text() == "" and tab.start_button.isEnabled()
    # A value typed in the wrong shape is explained the same way.
    space.rows["lr"].fixed.widget.setText("")
    assert tab.error_text() == "Learning rate: '' is not a number (write it like 1e-3)."
    space.set_fixed("lr", 3e-4)
    assert tab.error_text() == ""


def test_a_storage_error_goes_once_the_storage_is_edited(qtbot, tab):
    tab.form.set_storage("nosuchdb://somewhere/sweeps")
    tab.form.set_budget(trials=1, epochs=1, train_size=500, test_size=200)
    assert tab.start()
    qtbot.waitUntil(lambda: not tab.is_running(), timeout=30_000)
    assert "unknown database kind 'nosuchdb'" in tab.study_message()
    tab.form.set_storage("")
    assert tab.study_message() == ""


def test_a_long_message_leaves_start_and_stop_in_view(qtbot, tab):
    tab.resize(1100, 480)  # shorter than the form, which has to scroll
    tab.show()
    qtbot.waitExposed(tab)
    space = tab.form.space
    space.set_vary(SETTINGS)
    for name in ("latent_dim", "lr", "beta"):
        space.set_varied(name, (space.rows[name].varied.high.setting.high,
                                space.rows[name].varied.low.setting.low))
    space.set_varied("hidden", ())
    space.set_varied("batch_size", ())
    space.set_varied("arch", ())
    qtbot.wait(50)  # the layout settles
    assert tab.height() < tab.form.sizeHint().height()  # the form itself has to scroll
    assert len(tab.error_text().splitlines()) == 6
    for widget in (tab.start_button, tab.stop_button, tab.error_label):
        assert widget.isVisible()
        assert widget.visibleRegion().boundingRect() == widget.rect()  # not scrolled away


def test_widgets_take_ranges_defaults_and_help_from_the_settings_table(tab):
    for name in SETTINGS:
        setting = table.SETTINGS[name]
        row = tab.form.space.rows[name]
        assert row.check.text() == setting.label
        for widget in [row.fixed.widget] + ([row.varied.low.widget, row.varied.high.widget]
                                            if hasattr(row.varied, "low") else []):
            assert widget.toolTip().startswith(setting.help)
            if isinstance(widget, (QSpinBox, QDoubleSpinBox)):
                assert (widget.minimum(), widget.maximum()) == (setting.low, setting.high)
            elif isinstance(widget, QComboBox):
                assert tuple(widget.itemData(i) for i in range(widget.count())) == setting.choices
            else:
                assert isinstance(widget, QLineEdit) and setting.log
        assert row.fixed.value() == setting.default
    for spin, name in ((tab.form.epochs_spin, "epochs"), (tab.form.seed_spin, "seed"),
                       (tab.form.train_spin, "train_size")):
        setting = table.SETTINGS[name]
        assert (spin.minimum(), spin.maximum()) == (setting.low, setting.high)
    assert tab.form.space.conditional.toolTip().startswith(table.SETTINGS["conditional"].help)


def test_a_remembered_value_out_of_range_is_not_clamped(qtbot, qapp):
    s = qs.open_settings()
    s.setValue("sweep/study", "kept")
    s.setValue("sweep/epochs", 99_999)  # beyond the table's limit: the default stays
    s.setValue("sweep/trials", 7)
    s.sync()
    state = AppState()
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    assert tab.form.epochs_spin.value() == 3 and tab.form.trials_spin.value() == 7
    assert tab.form.study_name() == "kept"


def test_the_settings_to_try_come_back_with_their_ranges(qtbot, qapp):
    """Latent dimensions varied from 2 to 16 came back as 2 to 32: only which settings vary was
    remembered. Now every range, list of choices and fixed value is."""
    form = SweepForm()
    qtbot.addWidget(form)
    space = form.space
    space.set_vary(["latent_dim", "lr", "hidden", "arch"])
    space.set_varied("latent_dim", (2, 16))
    space.set_varied("lr", (3e-4, 0.00512))
    space.set_varied("beta", (0.75, 1.5))  # not varied now: its range is kept for next time
    space.set_varied("hidden", (64, 128))
    space.set_varied("batch_size", (32,))
    space.set_varied("arch", ("conv",))
    for name, value in (("latent_dim", 8), ("hidden", 256), ("lr", 2e-4), ("batch_size", 64),
                        ("beta", 2.5), ("arch", "conv")):
        space.set_fixed(name, value)
    space.conditional.setChecked(True)
    saved = space.spec_kwargs()
    assert saved["latent_dim"] == (2, 16) and saved["fixed"]["beta"] == 2.5  # as set
    s = qs.open_settings()
    form.save(s)
    s.sync()

    again = SweepForm()  # the next session's
    qtbot.addWidget(again)
    assert again.space.spec_kwargs() != saved
    again.restore(qs.open_settings())
    assert again.space.spec_kwargs() == saved
    assert {name: row.varied.value() for name, row in again.space.rows.items()} == {
        "latent_dim": (2, 16), "hidden": (64, 128), "lr": (3e-4, 0.00512),
        "batch_size": (32,), "beta": (0.75, 1.5), "arch": ("conv",)}
    assert again.problems() == []


def test_remembered_ranges_that_cannot_be_used_fall_back_to_the_defaults(qtbot, qapp):
    default = SweepForm()
    qtbot.addWidget(default)
    defaults = {name: (row.varied.value(), row.fixed.value())
                for name, row in default.space.rows.items()}
    s = qs.open_settings()
    s.setValue("sweep/study", "kept")
    s.setValue("sweep/vary", "latent_dim,lr,beta,hidden,batch_size,arch")
    corrupt = {"latent_dim": (["2", "lots"], "0"),  # not a number; below the table's lowest
               "lr": (["0.01", "0.0001"], "2"),  # the wrong way round; above 1
               "beta": (["-1", "5000"], "nan"),  # beyond the table's limits; not finite
               "hidden": (["64", "x"], "4.5"),  # not integers
               "batch_size": ([], "999999999"),  # none; too many
               "arch": (["mlp", "mlp"], "rnn")}  # twice; not a choice
    for name, (varied, fixed) in corrupt.items():
        s.setValue(f"sweep/space/{name}/{'range' if name in RANGED else 'choices'}", varied)
        s.setValue(f"sweep/space/{name}/value", fixed)
    s.setValue("sweep/space/conditional", "perhaps")
    s.sync()
    form = SweepForm()
    qtbot.addWidget(form)
    form.restore(qs.open_settings())  # no exception
    assert {name: (row.varied.value(), row.fixed.value())
            for name, row in form.space.rows.items()} == defaults
    assert form.space.vary() == SETTINGS and not form.space.conditional.isChecked()
    assert form.study_name() == "kept" and form.problems() == []
