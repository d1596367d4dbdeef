"""What the Train tab says while a run goes on: the header follows beta and the learning rate
changed from the While-training row (it kept "beta 1" after beta 3 was applied); a change applied
while paused is confirmed at once (nothing showed until the next Step); and Save movie… starts in
the folder the app last saved to, not the process's working directory."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from train_tab_support import RUN_TIMEOUT_MS, make_tab

from vae_desktop.core.training import ChangeEvent
from vae_desktop.gui import preferences
from vae_desktop.gui.model_files import LAST_DIR


def test_a_change_while_paused_is_confirmed_and_the_header_follows_it(qtbot, state):
    tab = make_tab(qtbot, state)
    said = []
    state.status_message.connect(lambda text, _ms: said.append(text))
    changes = []
    original = tab.live.on_event
    tab.live.on_event = lambda event: (changes.append(event) if isinstance(event, ChangeEvent)
                                       else None, original(event))
    tab.start_button.click()
    qtbot.mouseClick(tab.pause_button, Qt.LeftButton)
    assert tab.paused and "beta 1" in tab.caption
    bar = tab.results.run_bar

    bar.beta_spin.setValue(3.0)
    bar.lr_edit.setText("0.0005")
    bar.apply_button.click()
    # At once, while paused: the row and the status line say what will happen.
    assert "β 3" in bar.note_text() and "lr 0.0005" in bar.note_text()
    assert "next batch" in bar.note_text()
    assert any("β 3" in text and "Step" in text and "Resume" in text for text in said)

    bar.step_button.click()
    qtbot.waitUntil(lambda: len(changes) == 2, timeout=RUN_TIMEOUT_MS)
    assert "beta 3" in tab.caption and "beta 1" not in tab.caption
    assert "lr 0.0005" in tab.caption
    assert bar.note_text() == ""  # in force now: the header says it
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS):
        tab.stop()
    assert bar.note_text() == ""


def test_save_movie_starts_in_the_folder_last_saved_to(qtbot, state, monkeypatch, tmp_path,
                                                      mnist_test):
    from vae_desktop.core.snapshots import LatentTimeline
    from vae_desktop.core.training import new_model

    tab = make_tab(qtbot, state)
    timeline = LatentTimeline(mnist_test[0][:100], mnist_test[1][:100], latent_dim=2, size=50)
    tab.results.live_view.add(timeline.take(new_model(1, latent_dim=2, hidden=32), 0, 0, 0.0))
    folder = tmp_path / "my pictures"
    folder.mkdir()
    preferences.open_settings().setValue(LAST_DIR, str(folder))
    asked = []

    def dialog(_parent, _title, start, _filter):
        asked.append(start)
        return str(folder / "run.gif"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(dialog))
    assert tab.live.save_movie() == str(folder / "run.gif")
    assert Path(asked[0]) == folder / "latent-space.gif"
