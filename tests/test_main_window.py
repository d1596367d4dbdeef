"""The main window: tabs, bundled models, model selector, File menu, closing, QSettings."""

from __future__ import annotations

import csv
import os
import random
import sys

import pytest
import torch
from conftest import shared_window
from PySide6.QtCore import QSize, qVersion
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLabel
from quiet_window import QuietTab

from vae_desktop.core import checkpoint
from vae_desktop.gui import preferences as qs
from vae_desktop.gui.main_window import TABS, MainWindow
from vae_desktop.gui.tabs.train.tab import TrainTab


@pytest.fixture(scope="module")
def window(qapp, tmp_path_factory):
    yield from shared_window(tmp_path_factory, "shared_window")



LIGHT_TABS = (("Train", TrainTab), ("Draw", QuietTab), ("Latent space", QuietTab))


def light_window(qtbot) -> MainWindow:
    win = MainWindow(tabs=LIGHT_TABS)
    qtbot.addWidget(win)
    return win


@pytest.fixture
def own_window(qtbot):
    return light_window(qtbot)


def test_window_opens_with_pretrained_models(window, bundled):
    assert window.windowTitle() == "VAE Desktop"
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == [title for title, _ in TABS]
    assert titles[:5] == ["Train", "Draw", "Latent space", "Conditional", "Interpolate"]
    assert isinstance(window.train_tab, TrainTab)
    state = window.state
    assert len(state.models) == len(bundled) >= 3
    assert state.find_model(conditional=True, latent_dim=2) is not None
    assert state.find_model(conditional=False, latent_dim=2) is not None
    assert state.active is not None and state.active.epochs > 0
    # The status bar describes the active model and the device.
    text = window.model_label.text()
    assert state.active.name in text and f"latent {state.active.config.latent_dim}" in text
    assert f"{state.active.test_loss:.2f}" in text
    assert window.device_label.text().startswith("Device: ")
    assert window.model_combo.count() == len(state.models)


def test_model_selector_switches_every_tab(window, qtbot):
    state = window.state
    target = len(state.models) - 1
    with qtbot.waitSignal(state.model_changed) as blocker:
        window.model_combo.setCurrentIndex(target)
    assert blocker.args[0] is state.models[target] is state.active
    assert state.active.name in window.model_label.text()
    # A change made elsewhere (e.g. a tab) moves the selector too.
    state.set_active(state.models[0])
    assert window.model_combo.currentIndex() == 0
    assert state.models[0].name in window.model_label.text()


def test_corrupt_checkpoint_shows_an_error_and_keeps_the_model(window, tmp_path, monkeypatch):
    state = window.state
    active, count = state.active, len(state.models)
    errors = []
    monkeypatch.setattr(window, "_show_error", lambda title, text: errors.append((title, text)))
    garbage = tmp_path / "garbage.pt"
    # The same bytes each run: os.urandom's began with pickle's 0x80 one run in 256, and
    # torch's unpickler then warned of a "pickle protocol" taken from them.
    garbage.write_bytes(random.Random(75).randbytes(4096))
    truncated = tmp_path / "truncated.pt"
    truncated.write_bytes(active.path.read_bytes()[:5000])
    for bad in (garbage, truncated):
        monkeypatch.setattr(window, "_ask_open_path", lambda bad=bad: str(bad))
        window.open_action.trigger()
        assert errors and bad.name in errors[-1][1]
        assert state.active is active and len(state.models) == count
    assert len(errors) == 2
    assert str(garbage) not in qs.recent_files(window.settings)


def test_save_as_then_open_recent(own_window, tmp_path, monkeypatch):
    window = own_window
    state = window.state
    bundled, listed = state.active, len(state.models)
    target = tmp_path / "mine"
    monkeypatch.setattr(window, "_ask_save_path", lambda *args: str(target))
    assert window.save()  # a bundled model has no file of the user's: Save asks where
    saved = tmp_path / "mine.pt"
    # The saved file is a model of its own, now active; the bundled one stays as it was.
    ckpt = state.active
    assert ckpt is not bundled and ckpt.path == saved and ckpt.name == "mine"
    assert bundled in state.models and bundled.path.parent.name == "models"
    assert window.model_combo.currentText() == "mine" and "mine" in window.model_label.text()
    loaded = checkpoint.load(saved)
    assert loaded.history == bundled.history
    for key, value in bundled.model.state_dict().items():
        assert torch.equal(value, loaded.model.state_dict()[key])
    # Save now writes to that file without asking.
    monkeypatch.setattr(window, "_ask_save_path", lambda *args: pytest.fail("asked again"))
    saved.unlink()
    assert window.save() and saved.is_file()
    assert len(state.models) == listed + 1  # saving over its own file lists nothing twice
    # The recent-files menu reopens it.
    window._fill_recent_menu()
    actions = [a for a in window.recent_menu.actions() if a.text().endswith("mine.pt")]
    assert actions and qs.recent_files(window.settings)[0] == str(saved.resolve())
    state.set_active(bundled)
    actions[0].trigger()
    assert state.active.path.resolve() == saved.resolve() and state.active.name == "mine"


def test_export_history_csv_and_plot_png(window, tmp_path):
    ckpt = window.state.active
    out = tmp_path / "history.csv"
    assert window.export_history_csv(str(out))
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == ckpt.epochs
    assert [int(r["epoch"]) for r in rows] == list(range(1, ckpt.epochs + 1))
    assert float(rows[-1]["test_loss"]) == pytest.approx(ckpt.test_loss)
    png = tmp_path / "plot.png"
    assert window.export_plot_png(str(png))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_about_names_the_versions(window):
    about = window.help.show_about()  # Help ▸ About (vae_desktop/gui/about.py; tests/test_help.py)
    text = about.details()
    assert torch.__version__ in text and qVersion() in text and "available: CPU" in text
    about.close()


def test_settings_request_switches_to_the_train_tab(window):
    window.show_tab("Sweep")
    window.state.training_settings_requested.emit({"latent_dim": 3, "epochs": 2})
    assert window.current_tab_title() == "Train"
    assert window.train_tab.settings_dict()["latent_dim"] == 3


def test_settings_persist_across_a_restart(qtbot):
    first = light_window(qtbot)
    first.show()
    first.resize(760, 640)  # the offscreen screen is 800 wide: restoreGeometry keeps it on it
    first.show_tab("Latent space")
    chosen = first.state.models[-1]
    first.model_combo.setCurrentIndex(len(first.state.models) - 1)
    first.train_tab.apply_settings({"latent_dim": 5, "lr": 5e-4, "train_size": 3000,
                                    "conditional": True, "epochs": 3})
    first.close()

    second = light_window(qtbot)
    second.show()
    assert second.current_tab_title() == "Latent space"
    assert second.state.active.name == chosen.name
    assert second.model_combo.currentText().startswith(chosen.name)
    assert second.size() == QSize(760, 640)
    values = second.train_tab.settings_dict()
    assert (values["latent_dim"], values["lr"], values["train_size"], values["conditional"],
            values["epochs"]) == (5, 5e-4, 3000, True, 3)


def test_none_survives_many_qt_calls(qapp):
    """PySide6 6.12 on Python 3.11 drops a reference to None on every void call; without
    vae_desktop.gui.compat the app would abort ("deallocating None") within this loop."""
    label = QLabel()
    for _ in range(150_000):
        label.setText("x")
    assert sys.getrefcount(None) > 10_000


def test_a_message_shown_before_the_window_does_not_overlap_the_model_line(qtbot):
    """QStatusBar hides its normal widgets for a message only if they are visible then, so a
    message from loading (before the window is shown) was drawn over the model's description."""
    window = light_window(qtbot)
    window._status_message("No longer listed: their files are gone", 5000)
    window.show()
    qtbot.waitExposed(window)
    assert window.statusBar().currentMessage().startswith("No longer listed")
    assert not window.model_label.isVisible()
    window.statusBar().clearMessage()
    assert window.model_label.isVisible() and window.model_label.text()


def test_every_window_action_a_user_reaches_often_has_a_shortcut(window):
    """Quit has Ctrl+Q even where the platform names no Quit key (Qt's Quit binding is empty on
    Windows and on bare X11 sessions)."""
    for action in (window.new_action, window.open_action, window.save_action,
                   window.save_as_action, window.models_action, window.quit_action):
        assert not action.shortcut().isEmpty(), action.text()
    assert window.quit_action.shortcut().toString() in ("Ctrl+Q", QKeySequence(
        QKeySequence.Quit).toString())


def test_both_save_as_commands_suggest_the_same_portable_name_in_the_last_folder(
        own_window, tmp_path, monkeypatch):
    """File > Save as and the Train tab's "Save model as…" suggest one file name, without the
    characters a model's name has and file systems refuse (":" on Windows), and both start in
    the folder the last save went to (the Train tab's started wherever the app was launched)."""
    from PySide6.QtWidgets import QFileDialog
    window = own_window
    state = window.state
    ckpt = state.active
    ckpt.name = "VAE · MLP · z=2 · 1 epoch · 5 Dec 03:59"  # as the library names a trained model
    asked = []

    def dialog(parent, title, start, file_filter):
        asked.append(start)
        return str(tmp_path / "first.pt"), file_filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    assert window.save_as()
    state.set_active(ckpt)
    window.train_tab.save_as()
    menu_start, tab_start = asked
    assert os.path.basename(menu_start) == os.path.basename(tab_start)
    assert os.path.basename(menu_start) == "VAE-MLP-z=2-1-epoch-5-Dec-03-59.pt"
    assert os.path.dirname(tab_start) == str(tmp_path)  # where the first save went


def test_with_no_models_the_selector_says_so_not_loading(qtbot, tmp_path):
    """An install without its bundled models, or a library emptied: the model selector said
    "Loading the bundled models…" for ever."""
    from vae_desktop.core.library import ModelLibrary
    from vae_desktop.gui.state import AppState
    state = AppState(library=ModelLibrary(bundled=tmp_path / "no-models"))
    window = MainWindow(state=state, tabs=LIGHT_TABS)
    qtbot.addWidget(window)
    assert state.models == []
    assert window.model_combo.currentIndex() == -1
    assert "Loading" not in window.model_combo.placeholderText()
    assert "No models" in window.model_combo.placeholderText()


def test_exports_to_a_missing_folder_are_refused_in_words(window, tmp_path, monkeypatch):
    errors = []
    monkeypatch.setattr(window, "_show_error", lambda title, text: errors.append(text))
    missing = tmp_path / "no such folder"
    assert not window.export_history_csv(str(missing / "history.csv"))
    assert not window._save_to(window.state.active, str(missing / "m.pt"))
    assert len(errors) == 2 and all("does not exist" in e and "no such folder" in e for e in errors)
    assert not missing.exists()


def test_the_sweep_form_is_remembered_when_the_window_closes(qtbot):
    """It was saved only when a sweep started: settings made and then left were lost."""
    from vae_desktop.gui.tabs.sweep.tab import SweepTab

    def sweep_window():
        win = MainWindow(tabs=(("Sweep", SweepTab),))
        qtbot.addWidget(win)
        win.show()
        qtbot.waitUntil(lambda: isinstance(win.tab_widgets.get("Sweep"), SweepTab), timeout=30_000)
        return win, win.tab_widgets["Sweep"]

    first, tab = sweep_window()
    tab.form.set_budget(trials=7, epochs=2, train_size=3000)
    tab.form.space.set_vary(["latent_dim", "beta"])
    first.close()
    second, again = sweep_window()
    spec = again.form.spec()
    assert (spec.trials, spec.epochs, spec.train_size) == (7, 2, 3000)
    assert set(again.form.space.vary()) == {"latent_dim", "beta"}


def test_the_last_model_of_another_install_is_found_by_its_name(qtbot, tmp_path, bundled):
    # A pipx install and a clone's `make run` share the data folder and the settings: the last
    # model may be the other install's copy of a bundled model. Ours is made active, and the
    # other's file is not listed again as an opened model.
    import shutil

    from vae_desktop.core.paths import bundled_models_dir

    other = tmp_path / "other-install" / "mnist-vae-z16.pt"
    other.parent.mkdir()
    shutil.copy(bundled_models_dir() / "mnist-vae-z16.pt", other)
    settings = qs.open_settings()
    settings.setValue("last_model/path", str(other))
    settings.setValue("last_model/name", "mnist-vae-z16")
    window = light_window(qtbot)
    window.show()
    qtbot.waitUntil(lambda: window.state is not None and window.state.active is not None)
    assert window.state.active.path == (bundled_models_dir() / "mnist-vae-z16.pt").resolve()
    assert len(window.state.models) == len(bundled)


class RememberingTab(QuietTab):
    """A tab with settings of its own, as Latent space and Evaluate have."""

    def save_settings(self, settings):
        settings.setValue("remembering/value", "kept")

    def restore_settings(self, settings):
        self.restored = settings.value("remembering/value")


def test_every_tab_with_settings_gets_them_back(qtbot):
    tabs = (("Train", TrainTab), ("Draw", RememberingTab))
    first = MainWindow(tabs=tabs)
    qtbot.addWidget(first)
    first.close()
    second = MainWindow(tabs=tabs)
    qtbot.addWidget(second)
    assert second.tab_widgets["Draw"].restored == "kept"


class UnkeptTab(QuietTab):
    """A tab holding work that is done but not kept (the Evaluate tab's held-out model)."""

    def unkept_reason(self):
        return "The model without 2 (1 epoch) has not been added to the models."

    def quit_note(self):
        return "Quitting discards it."


def test_quitting_with_work_not_kept_asks_without_stop(qtbot, monkeypatch):
    window = MainWindow(tabs=(("Train", TrainTab), ("Evaluate", UnkeptTab)))
    qtbot.addWidget(window)
    asked = []
    monkeypatch.setattr(window, "_ask_quit", lambda reasons, unkept=(): asked.append(
        window.quit_question(reasons, unkept)) or False)
    assert not window.close()  # answered No: the window stays
    question = asked[0]
    assert question.startswith("The model without 2 (1 epoch) has not been added")
    assert "Stop" not in question and "Quit anyway?" in question
    assert question.endswith("Quitting discards it.")
