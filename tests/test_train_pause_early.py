"""A run paused before its first batch says so: Ctrl+Enter then Ctrl+P within half a second left
the button saying Resume while the Progress box said where the run would compute ("cpu, 2
threads, precision fp32") and the status bar "Training…", as if it went on: the run's start,
arriving after the pause, wrote over the box's "Paused"."""

from __future__ import annotations

import pytest
from train_tab_support import RUN_TIMEOUT_MS, make_tab

LONG = {"epochs": 1000}  # a run that goes on until it is stopped


@pytest.fixture
def tab(qtbot, state):
    tab = make_tab(qtbot, state)
    assert tab.apply_settings(LONG)
    tab.said = []
    state.status_message.connect(lambda text, _ms: tab.said.append(text))
    return tab


def stop(qtbot, tab) -> None:
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS):
        tab.stop()


def test_a_run_paused_before_it_started_says_paused(tab, qtbot):
    with qtbot.waitSignal(tab.run_started, timeout=RUN_TIMEOUT_MS):
        assert tab.start()
        tab.toggle_pause()  # before the worker has read its images
        assert tab.paused and tab.pause_button.text() == "Resume"
    speed = tab.progress.speed_label
    assert speed.isVisibleTo(tab.progress) and speed.text().startswith("Paused")
    assert tab.said[-1].startswith("Paused")
    assert tab.paused and tab.steps_received == 0

    tab.toggle_pause()  # on again: the box and the status bar say so
    assert not speed.text().startswith("Paused") and not tab.said[-1].startswith("Paused")
    qtbot.waitUntil(lambda: tab.steps_received > 0, timeout=RUN_TIMEOUT_MS)
    stop(qtbot, tab)


def test_a_run_paused_after_it_started_says_paused_until_resumed(tab, qtbot):
    with qtbot.waitSignal(tab.run_started, timeout=RUN_TIMEOUT_MS):
        assert tab.start()
    tab.toggle_pause()
    speed = tab.progress.speed_label
    assert speed.text().startswith("Paused") and tab.said[-1].startswith("Paused")
    qtbot.wait(300)  # the redraw tick shows the last step taken before the pause
    assert speed.text().startswith("Paused")
    stop(qtbot, tab)
