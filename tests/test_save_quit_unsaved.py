"""A model that exists only in memory is not lost on quit without a word. With the data folder
read-only a run's autosave failed, the run's model became the active model anyway (in no file),
and Ctrl+Q right after quit without a question: the model was gone. The quit question now names
such a model and offers Save as… (then quits), Quit anyway and Cancel."""

from __future__ import annotations

import torch
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from vae_desktop.core import checkpoint
from vae_desktop.core.paths import bundled_models_dir
from vae_desktop.gui.main_window import MainWindow
from vae_desktop.gui.widgets.message_tab import MessageTab


class QuietTab(MessageTab):
    def __init__(self, state, parent=None):
        super().__init__("Quiet", "A stand-in tab.", parent)


class RunningTab(MessageTab):
    """A stand-in for a tab with a run in progress, until `epoch` is 3."""

    def __init__(self, state, parent=None):
        super().__init__("Running", "A stand-in tab.", parent)
        self.epoch = 1

    def busy_reason(self):
        return "Training is running." if self.epoch < 3 else None


def in_memory(state, name="VAE · MLP · z=2 · 30 epochs · 5 Dec 12:38"):
    """A trained model in no file (its autosave failed), active, as the Train tab leaves it."""
    ckpt = checkpoint.load(bundled_models_dir() / "mnist-vae-z2.pt")
    ckpt.path = None
    return state.add_model(ckpt, origin="trained", name=name)


def window_of(qtbot, state, tab=QuietTab) -> MainWindow:
    window = MainWindow(state=state, load_library=False, tabs=(("Draw", tab),))
    qtbot.addWidget(window)
    window.show()
    return window


def answer(window, seen: list, which: str) -> None:
    """Note the question's text and buttons, then press the button whose text is `which`; a
    question that did not come is noted as None."""
    def press():
        box = window.quit_box
        if box is None:
            seen.append(None)
            return
        seen.append((box.text(), [b.text() for b in box.buttons()],
                     box.defaultButton().text() if box.defaultButton() else ""))
        for button in box.buttons():
            if button.text() == which:
                button.click()
                return
        box.button(QMessageBox.No).click() if box.button(QMessageBox.No) else box.reject()
    QTimer.singleShot(100, press)


def test_quitting_with_a_model_in_memory_only_asks_and_cancel_keeps_it(qtbot, state):
    model = in_memory(state)
    window = window_of(qtbot, state)
    seen: list = []
    answer(window, seen, "Cancel")
    assert not window.close()
    text, buttons, default = seen[0]
    assert text.startswith("“VAE · MLP · z=2 · 30 epochs · 5 Dec 12:38” is not saved in any "
                           "file: it is lost when you quit.")
    assert sorted(buttons) == ["Cancel", "Quit anyway", "Save as…"] and default == "Save as…"
    assert window.isVisible() and model in state.models
    state.remove_model(model)  # the window closes unasked after the test


def test_quit_anyway_quits(qtbot, state):
    in_memory(state)
    window = window_of(qtbot, state)
    seen: list = []
    answer(window, seen, "Quit anyway")
    assert window.close() and seen[0] is not None and window.closing_down


def test_save_as_saves_the_model_then_quits(qtbot, state, tmp_path, monkeypatch):
    model = in_memory(state)
    window = window_of(qtbot, state)
    asked = []

    def ask(suggested, title, file_filter):
        asked.append((suggested, title))
        return str(tmp_path / "kept.pt")

    monkeypatch.setattr(window, "_ask_save_path", ask)
    seen: list = []
    answer(window, seen, "Save as…")
    assert window.close() and window.closing_down
    assert asked == [("VAE-MLP-z=2-30-epochs-5-Dec-12-38.pt",
                      "Save “VAE · MLP · z=2 · 30 epochs · 5 Dec 12:38” as")]
    saved = checkpoint.load(tmp_path / "kept.pt")
    assert model.path == tmp_path / "kept.pt"
    for key, value in model.model.state_dict().items():
        assert torch.equal(value, saved.model.state_dict()[key])


def test_a_cancelled_save_as_does_not_quit(qtbot, state, monkeypatch):
    model = in_memory(state)
    window = window_of(qtbot, state)
    monkeypatch.setattr(window, "_ask_save_path", lambda *args: "")
    seen: list = []
    answer(window, seen, "Save as…")
    assert not window.close() and window.isVisible() and model.path is None
    state.remove_model(model)


def test_models_in_files_ask_nothing(qtbot, state):
    state.add_model(checkpoint.load(bundled_models_dir() / "mnist-vae-z2.pt"))
    window = window_of(qtbot, state)
    seen: list = []
    answer(window, seen, "Quit anyway")
    assert window.close()
    qtbot.wait(200)
    assert seen == [None]


def test_a_run_and_a_model_in_memory_are_both_said(qtbot, state):
    model = in_memory(state)
    window = window_of(qtbot, state, RunningTab)
    seen: list = []
    answer(window, seen, "Cancel")
    assert not window.close()
    text = seen[0][0]
    assert text.startswith("Training is running. “VAE · MLP · z=2 · 30 epochs · 5 Dec 12:38” is "
                           "not saved in any file")
    assert "Stop it and quit?" in text
    window.tab_widgets["Draw"].epoch = 3
    state.remove_model(model)

