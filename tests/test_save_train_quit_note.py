"""The Train tab's part of the quit question while a run's autosave fails. Quitting mid-run keeps
the model of the last complete epoch through its autosave; with the autosave failing (a
read-only or full data folder) no file holds it, and the question said "File ▸ Models lists it
as …". The window asks where to save such a model once the run has stopped, but only if it stops
within the close's wait, so the note says that, and how to be sure."""

from __future__ import annotations

from save_support import unwritable
from train_tab_support import make_tab

from vae_desktop.core.paths import models_dir
from vae_desktop.gui.tabs.train.job import EpochDone


def test_the_quit_note_of_a_run_whose_autosave_fails_says_it_would_be_lost(qtbot, state,
                                                                          monkeypatch):
    folder = models_dir()
    folder.mkdir(parents=True, exist_ok=True)
    unwritable(folder, monkeypatch)
    tab = make_tab(qtbot, state)
    assert tab.apply_settings({"epochs": 50, "train_size": 256})
    paused = []

    def pause_after_an_epoch(event):
        if isinstance(event, EpochDone) and not paused:
            paused.append(True)
            tab.toggle_pause()

    real_on_event = tab._on_event
    monkeypatch.setattr(tab, "_on_event",
                        lambda event: (real_on_event(event), pause_after_an_epoch(event)))
    tab.start()
    qtbot.waitUntil(lambda: tab.epochs_received >= 1, timeout=30_000)
    note = tab.quit_note()
    assert "File ▸ Models lists it" not in note
    # The question after the quit comes only if the run stops within the close's wait (not in
    # one long step), and never under SIGTERM: the note promises no more than that.
    assert note == ("Its autosave failed, so no file holds the model of this run. If the run "
                    "stops within 5 seconds of quitting, you are asked where to save it before "
                    "the app quits; if not, it is lost. To be sure to keep it, do not quit yet: "
                    "press Stop, then Save model as….")
    tab.stop()
    qtbot.waitUntil(lambda: not tab.is_training(), timeout=30_000)
    assert state.active is not None and state.active.path is None  # kept in memory
