"""An epoch's time ("seconds" in the history, the CSV and the Train tab's "train 173.88, 20.0 s")
is the time it trained, not the time it sat paused: a pause of about 15 s in epoch 4 made it
20.0 s, where the other epochs took 0.3 to 3 s. The trainer's clock is a fake one here, moved on
by the pause alone, so the test takes no real time to pause and reads no wall clock."""

from __future__ import annotations

import types

import pytest

from vae_desktop.core import training
from vae_desktop.core.training import EpochEvent, StepEvent, TrainConfig, TrainControl, Trainer, new_model

PAUSE_S = 15.0


class Clock:
    """time.perf_counter for the trainer: the real one, plus the pauses' time."""

    def __init__(self) -> None:
        import time

        self._real = time.perf_counter
        self.offset = 0.0

    def __call__(self) -> float:
        return self._real() + self.offset


class PausedFor(TrainControl):
    """A TrainControl whose pauses last PAUSE_S on the trainer's clock: waiting out a pause
    moves the clock on and resumes, as a person pressing Resume 15 s later does."""

    def __init__(self, clock: Clock) -> None:
        super().__init__()
        self.clock = clock

    def wait_for_batch(self) -> tuple[bool, bool]:
        if not self.paused:
            return False, False
        self.clock.offset += PAUSE_S
        self.resume()
        return True, False


def test_a_pause_is_not_counted_in_the_epochs_time(monkeypatch, mnist_train_small, mnist_test):
    clock = Clock()
    monkeypatch.setattr(training, "time", types.SimpleNamespace(perf_counter=clock))
    control = PausedFor(clock)
    trainer = Trainer(new_model(3, latent_dim=2, hidden=32),
                      (mnist_train_small[0][:512], mnist_train_small[1][:512]),
                      (mnist_test[0][:200], mnist_test[1][:200]),
                      TrainConfig(epochs=2, seed=3, device="cpu", precision="fp32"),
                      control=control)
    epochs = []
    for event in trainer.events():
        if isinstance(event, StepEvent) and event.epoch == 2 and event.step == 2:
            control.pause()  # Pause pressed in epoch 2, Resume 15 s later
        elif isinstance(event, EpochEvent):
            epochs.append(event)
    assert clock.offset == pytest.approx(PAUSE_S)  # the pause did happen, once
    first, paused = (event.seconds for event in epochs)
    assert 0 < paused < PAUSE_S, (first, paused)  # tiny epochs: milliseconds, not 15 s
    assert paused < first + 5.0
    assert trainer.history[1]["seconds"] == paused  # as the history and its CSV keep it
