"""SIGTERM (a logout, `kill`) closes the app without asking: nobody is there to answer. A model
that no file holds (its autosave failed: a full or read-only disk) was then lost without a word.
The window now says so on stderr, one plain line per model, naming it and why no file held it,
before the app exits; what a tab knows of why (an optional `in_no_file_reason(ckpt)`) is said
too."""

from __future__ import annotations

from test_quit_lost_first_epoch import (
    StrandingTab,
    read_only_models_folder,
    train_some_batches,
    window_with,
)
from test_quit_selector_no_active_model import saved
from test_quit_terminate import sigterm
from test_quit_words_in_no_file import in_no_file
from train_tab_support import RUN_TIMEOUT_MS

PREFIX = "vae-desktop: quit on SIGTERM; the model "


def lost_lines(capsys) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if line.startswith(PREFIX)]


class IdleTab(StrandingTab):
    """Nothing running: SIGTERM closes the window at once."""

    def __init__(self, state, parent=None):
        super().__init__(state, parent)
        self.running = False


class KnowsWhyTab(StrandingTab):
    """Its stopped work leaves a model in no file, and it can say why."""

    def in_no_file_reason(self, ckpt):
        return "its autosave failed: the disk is full" if ckpt.name == "stopped run" else None


def test_a_model_in_no_file_is_named_on_stderr_when_sigterm_closes_the_app(qtbot, state,
                                                                          capsys):
    saved(state, "kept in a file")  # no line for it: nothing of it is lost
    in_no_file(state, "draft")
    window = window_with(qtbot, state, IdleTab)
    capsys.readouterr()
    sigterm(window)
    assert window.closing_down and not window.isVisible()
    assert lost_lines(capsys) == [
        f"{PREFIX}“draft” was in no file (its autosave failed) and is lost."]


def test_the_tab_that_left_it_in_no_file_says_why(qtbot, state, capsys):
    in_no_file(state, "draft", activate=False)
    window = window_with(qtbot, state, KnowsWhyTab)
    capsys.readouterr()
    sigterm(window)  # while its work runs: it is stopped, and leaves "stopped run" in no file
    assert window.closing_down
    assert lost_lines(capsys) == [
        f"{PREFIX}“draft” was in no file (its autosave failed) and is lost.",
        f"{PREFIX}“stopped run” was in no file (its autosave failed: the disk is full) and is "
        "lost."]


def test_nothing_is_said_of_models_in_files_or_when_the_user_quits(qtbot, state, capsys,
                                                                  monkeypatch):
    """A quit that a person answered says nothing on stderr: they were asked."""
    in_no_file(state, "draft")
    window = window_with(qtbot, state, IdleTab)
    monkeypatch.setattr(window, "_ask_quit", lambda *args: True)  # "Quit anyway"
    capsys.readouterr()
    assert window.close()
    assert lost_lines(capsys) == []


def test_a_run_stopped_by_sigterm_whose_save_fails_is_named(qtbot, state, capsys, monkeypatch):
    """The real Train tab: a new model trained for some batches of its first epoch, the models
    folder read-only, then SIGTERM: its save as it stops fails, and stderr names it as File ▸
    Models would have listed it, with why the Train tab could not save it."""
    read_only_models_folder(monkeypatch)
    window = window_with(qtbot, state)
    train_some_batches(qtbot, window.train_tab)
    capsys.readouterr()
    sigterm(window)
    assert window.closing_down and not window.isVisible()
    [stranded] = state.models
    assert stranded.path is None
    [line] = lost_lines(capsys)
    assert line.startswith(f"{PREFIX}“VAE · MLP · z=2 · 0 epochs · ")
    assert line == (f"{PREFIX}“{stranded.name}” was in no file (its autosave failed: "
                    "permission denied) and is lost.")


def test_a_run_that_ended_before_sigterm_with_its_save_failed_is_named_with_why(
        qtbot, state, capsys, monkeypatch):
    """The run was stopped and ended (its save failed) while the app went on; SIGTERM came
    later: the line still says why, as the Train tab noted it when the run ended."""
    read_only_models_folder(monkeypatch)
    window = window_with(qtbot, state)
    tab = window.train_tab
    train_some_batches(qtbot, tab)
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS):
        tab.stop()
    [stranded] = state.models
    capsys.readouterr()
    sigterm(window)
    assert window.closing_down
    assert lost_lines(capsys) == [f"{PREFIX}“{stranded.name}” was in no file (its autosave "
                                  "failed: permission denied) and is lost."]
