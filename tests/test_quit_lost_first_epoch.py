"""A new model stopped in its first epoch after some batches, whose autosave fails (a read-only
or full models folder), must not vanish on quit without a word.

Stopped with Stop, it is kept in memory, listed, and the quit question names it and offers
Save as…. Stopped by the quit itself (Ctrl+Q while it trains), the question said "quitting keeps
what the new model has learnt, and File ▸ Models lists it", the autosave then failed, and the
model was gone. The work stopped, the window now names each model that no file holds and offers
Save as… before it quits."""

from __future__ import annotations

import torch
from PySide6.QtCore import QTimer
from save_support import unwritable
from train_tab_support import RUN_TIMEOUT_MS, TINY

from vae_desktop.core import checkpoint
from vae_desktop.core.checkpoint import Checkpoint
from vae_desktop.core.paths import models_dir
from vae_desktop.core.training import new_model
from vae_desktop.gui.main_window import MainWindow
from vae_desktop.gui.tabs.train.tab import TrainTab
from vae_desktop.gui.widgets.message_tab import MessageTab

STEPS = 2  # single steps trained while paused


def read_only_models_folder(monkeypatch) -> None:
    folder = models_dir()
    folder.mkdir(parents=True, exist_ok=True)
    unwritable(folder, monkeypatch)


def window_with(qtbot, state, tab=TrainTab) -> MainWindow:
    window = MainWindow(state=state, load_library=False, tabs=(("Train", tab),))
    qtbot.addWidget(window)
    window.show()
    return window


def train_some_batches(qtbot, tab) -> None:
    """512 images (4 batches an epoch): start paused, train STEPS single batches."""
    tab.eval_size = 200
    assert tab.apply_settings(TINY)
    with qtbot.waitSignal(tab.run_started, timeout=RUN_TIMEOUT_MS):
        tab.start_button.click()
        tab.toggle_pause()
    for step in range(1, STEPS + 1):
        assert tab.live.step()
        qtbot.waitUntil(lambda step=step: tab.results.step_panel.event is not None
                        and tab.results.step_panel.event.step == step, timeout=RUN_TIMEOUT_MS)


def answer(window, seen: list, *clicks: str) -> None:
    """Answer the questions as they come with the buttons named in `clicks` (their text, "&"
    left out), noting each question's text, buttons and default button."""
    queue = list(clicks)

    def press():
        box = window.quit_box
        if box is None or not box.isVisible():  # between two questions: the work is stopping
            QTimer.singleShot(20, press)
            return
        buttons = {b.text().replace("&", ""): b for b in box.buttons()}
        default = box.defaultButton().text() if box.defaultButton() else ""
        seen.append((box.text(), sorted(buttons), default))
        buttons[queue.pop(0)].click()
        if queue:
            QTimer.singleShot(20, press)
    QTimer.singleShot(0, press)


def learnt_something(model) -> bool:
    """Not the initial weights of TINY's seed: the batches trained are in it."""
    initial = new_model(TINY["seed"], latent_dim=2, hidden=32).state_dict()
    return not torch.equal(initial["enc_body.0.weight"], model.state_dict()["enc_body.0.weight"])


def test_stopped_in_its_first_epoch_it_is_kept_in_memory_and_named_on_quit(qtbot, state,
                                                                           monkeypatch):
    read_only_models_folder(monkeypatch)
    window = window_with(qtbot, state)
    tab = window.train_tab
    train_some_batches(qtbot, tab)
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS) as blocker:
        tab.stop()
    summary = blocker.args[0]
    assert summary.usable and summary.steps == STEPS and summary.path is None
    assert "could not be autosaved" in summary.save_error
    [kept] = state.models
    assert kept.path is None and kept.epochs == 0 and learnt_something(kept.model)
    seen: list = []
    answer(window, seen, "Cancel")
    assert not window.close()
    text, buttons, default = seen[0]
    assert text.startswith(f"“{kept.name}” is not saved in any file: it is lost when you quit.")
    assert buttons == ["Cancel", "Quit anyway", "Save as…"] and default == "Save as…"
    state.remove_model(kept)  # the window closes unasked after the test


def test_stopped_by_the_quit_it_is_named_and_save_as_keeps_it(qtbot, state, monkeypatch,
                                                               tmp_path):
    read_only_models_folder(monkeypatch)
    window = window_with(qtbot, state)
    train_some_batches(qtbot, window.train_tab)
    monkeypatch.setattr(window, "_ask_save_path", lambda *args: str(tmp_path / "kept.pt"))
    seen: list = []
    answer(window, seen, "Yes", "Save as…")
    assert window.close() and window.closing_down
    assert seen[0][0].startswith("Training is paused. Stop it and quit?")
    assert len(seen) == 2, "quit without a word about the model it lost"
    text, buttons, default = seen[1]
    assert text.startswith("“VAE · MLP · z=2 · 0 epochs · ")  # the name File ▸ Models gives it
    assert "” could not be saved to a file when the work stopped" in text
    assert buttons == ["Quit without saving", "Save as…"] and default == "Save as…"
    [kept] = state.models
    assert kept.path == tmp_path / "kept.pt" and kept.name == "kept"
    assert learnt_something(checkpoint.load(tmp_path / "kept.pt").model)


class StrandingTab(MessageTab):
    """A stand-in for a tab whose work, stopped by the quit, leaves a model that no file holds
    (as the Train tab's run does when its autosave fails)."""

    def __init__(self, state, parent=None):
        super().__init__("Stranding", "A stand-in tab.", parent)
        self.state = state
        self.running = True

    def busy_reason(self):
        return "Training is running." if self.running else None

    def shutdown(self, timeout_s):
        if self.running:
            self.running = False
            model = new_model(1, latent_dim=2, hidden=32)
            self.state.add_model(Checkpoint(model, model.config), activate=False,
                                 name="stopped run")
        return True


def test_a_model_left_in_no_file_by_the_stopped_work_is_offered_save_as(qtbot, state,
                                                                        monkeypatch, tmp_path):
    window = window_with(qtbot, state, StrandingTab)
    asked = []
    monkeypatch.setattr(window, "_ask_save_path",
                        lambda *args: asked.append(args[1]) or str(tmp_path / "kept.pt"))
    seen: list = []
    answer(window, seen, "Yes", "Save as…")
    assert window.close() and window.closing_down
    text, buttons, default = seen[1]
    assert text == ("“stopped run” could not be saved to a file when the work stopped (its "
                    "autosave failed): it is lost when you quit.\n\nSave as… saves it in a "
                    "file you choose, then quits.")
    assert buttons == ["Quit without saving", "Save as…"] and default == "Save as…"
    assert asked == ["Save “stopped run” as"]
    [kept] = state.models
    assert kept.path == tmp_path / "kept.pt" and checkpoint.load(kept.path).epochs == 0


def test_a_cancelled_save_as_asks_again_and_quit_without_saving_quits(qtbot, state,
                                                                      monkeypatch):
    window = window_with(qtbot, state, StrandingTab)
    monkeypatch.setattr(window, "_ask_save_path", lambda *args: "")
    seen: list = []
    answer(window, seen, "Yes", "Save as…", "Quit without saving")
    assert window.close() and window.closing_down
    assert len(seen) == 3 and seen[1] == seen[2]
    assert [m.path for m in state.models] == [None]


def test_models_in_no_file_before_the_quit_are_not_asked_about_twice(qtbot, state):
    model = new_model(1, latent_dim=2, hidden=32)
    state.add_model(Checkpoint(model, model.config), name="in memory")
    window = window_with(qtbot, state, StrandingTab)
    window.tab_widgets["Train"].running = False  # nothing running: only the model is asked about
    seen: list = []
    answer(window, seen, "Quit anyway")
    assert window.close()
    qtbot.wait(100)
    assert len(seen) == 1 and seen[0][0].startswith("“in memory” is not saved in any file")
