"""The Train tab's time left is honest from the start: at 4% of a run of about 8 s it said
"about 39 s left", as it divided all the time since Start (reading the images, the first batch's
warm-up) by the steps done. The progress box's clock is a fake one, moved on as a run of known
pace would move it."""

from __future__ import annotations

import re
import types

import numpy as np
import pytest

from vae_desktop.core.training import StepEvent
from vae_desktop.gui.tabs.train import progress
from vae_desktop.gui.tabs.train.job import RunStarted
from vae_desktop.gui.tabs.train.progress import ProgressBox

EPOCHS, STEPS = 2, 50  # steps per epoch
LOADING_S, WARM_UP_S, STEP_S, TEST_S = 2.0, 0.6, 0.05, 0.2  # a run of about 7.6 s in all


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def seconds_left(text: str) -> float | None:
    """The figure of "about 1 min 05 s left" in seconds, or None ("estimating…")."""
    if "left" not in text or "about" not in text:
        return None
    minutes = re.search(r"(\d+) min", text)
    secs = re.search(r"(\d+) s", text)
    return (int(minutes.group(1)) * 60 if minutes else 0) + (int(secs.group(1)) if secs else 0)


def started() -> RunStarted:
    empty = np.zeros((28, 28), np.float32)
    return RunStarted(EPOCHS, 0, STEPS, 6400, 128, "cpu", 2, empty, empty)


def test_the_time_left_is_honest_from_the_first_steps(qtbot, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(progress, "time", types.SimpleNamespace(monotonic=clock))
    box = ProgressBox()
    qtbot.addWidget(box)
    box.begin(0, EPOCHS)
    clock.now += LOADING_S  # reading the images, building the model
    box.started(started())
    said = []
    for epoch in range(1, EPOCHS + 1):
        for step in range(1, STEPS + 1):
            clock.now += WARM_UP_S if (epoch, step) == (1, 1) else STEP_S
            if step % 2 and step != 1:  # the trainer reports about every 0.1 s
                continue
            box.step(StepEvent(epoch, step, STEPS, 150.0, 140.0, 10.0, 2500.0, 1.0))
            done = (epoch - 1) * STEPS + step
            truth = (EPOCHS * STEPS - done) * STEP_S + (EPOCHS - epoch + 1) * TEST_S
            said.append((done, truth, seconds_left(box.eta_label.text())))
        clock.now += TEST_S
    assert box.speed_label.text() == "2,500 samples/s · fp32"  # the run's precision beside it
    # Whenever a figure is given, it is of the right size: never 39 s for 8.
    for done, truth, left in said:
        if left is not None:
            assert truth / 2 - 1 <= left <= truth * 1.5 + 1, (done, truth, left)
    # And it is given early: by a third of the run, within 25%.
    third = [(truth, left) for done, truth, left in said if EPOCHS * STEPS / 3 <= done < 50]
    assert third and all(left is not None and left == pytest.approx(truth, rel=0.25, abs=1)
                         for truth, left in third), third
