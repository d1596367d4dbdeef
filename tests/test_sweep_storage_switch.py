"""The table, plots and header of the Sweep tab belong to the storage named in the form: another
storage typed there clears them (and stops watching the one before), and a storage that can be
opened again takes back the message that it could not.

The audit of 2026-12-05 changed to an unusable storage: the table and plots still showed the
previous storage's study under "● Live". After the missing folder was made and the same URL
typed again, the header still said the storage could not be opened, with no message under it."""

from __future__ import annotations

import optuna

from vae_desktop.core.sweep import SweepSpec, run_sweep
from vae_desktop.gui.tabs.sweep.tab import SweepTab

optuna.logging.set_verbosity(optuna.logging.WARNING)


def test_another_storage_clears_the_study_shown_and_a_usable_one_clears_the_header(
        qtbot, state, tmp_path):
    run_sweep(SweepSpec(vary=("lr",), fixed={"latent_dim": 4, "hidden": 16}, trials=1, epochs=1,
                        train_size=200, test_size=100, study="demo", seed=1))
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitExposed(tab)
    tab.form.set_study_name("demo")
    tab.load_study()
    qtbot.waitUntil(lambda: tab.view.live_label.text().startswith("● Live"), timeout=20_000)
    assert tab.view.table.rowCount() == 1 and "demo" in tab.view.status()

    url = f"journal://{tmp_path}/later/sweep.log"
    tab.form.set_storage(url)  # its folder does not exist yet
    assert tab.view.table.rowCount() == 0
    assert tab.view.plots.done_curve.getData()[0] is None or \
        len(tab.view.plots.done_curve.getData()[0]) == 0
    assert not tab.view.live_label.isVisible() and tab.watcher.watched is None
    assert "Best: –" == tab.view.best_label.text()
    qtbot.waitUntil(lambda: tab.study_message() != "", timeout=20_000)
    assert "later does not exist" in tab.study_message()
    assert tab.view.status() == "The sweep storage cannot be opened: see the message below."
    # Nothing of the old storage comes back: no read is due, and none starts.
    assert not tab.watcher.timer.isActive() and not tab.watcher.read_now()
    assert tab.view.table.rowCount() == 0 and not tab.view.live_label.isVisible()

    (tmp_path / "later").mkdir()
    tab.form.set_storage(url)  # the same URL, typed again
    qtbot.waitUntil(lambda: tab.study_message() == "", timeout=20_000)
    qtbot.wait(200)  # the study list's reply
    assert "cannot be opened" not in tab.view.status()
    assert tab.view.status().endswith(".") and "Start" in tab.view.status()


def test_typing_the_storage_shown_again_keeps_its_study(qtbot, state):
    run_sweep(SweepSpec(vary=("lr",), fixed={"latent_dim": 4, "hidden": 16}, trials=1, epochs=1,
                        train_size=200, test_size=100, study="demo", seed=1))
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    tab.form.set_study_name("demo")
    tab.load_study()
    qtbot.waitUntil(lambda: tab.view.table.rowCount() == 1, timeout=20_000)
    tab.form.set_storage("")  # the default storage, which the study is in
    assert tab.view.table.rowCount() == 1 and "demo" in tab.view.status()
