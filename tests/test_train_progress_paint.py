"""The progress box paints with the rest of the window, never on its own. QProgressBar's
setValue repaints the bar at once, outside the event loop's one paint of the window: a second
paint and flush at every step update of a run, on a GUI thread whose every millisecond is taken
from the training's two threads on a 2-core machine (bench/gui_training_speed.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, QObject

from vae_desktop.core.training import StepEvent
from vae_desktop.gui.tabs.train.job import RunStarted
from vae_desktop.gui.tabs.train.progress import ProgressBox

EPOCHS, STEPS = 2, 100


class PaintCounter(QObject):
    def __init__(self, widget) -> None:
        super().__init__()
        self.paints = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Paint:
            self.paints += 1
        return False


def test_a_step_update_paints_the_bar_in_the_windows_next_paint_not_at_once(qtbot):
    box = ProgressBox()
    qtbot.addWidget(box)
    box.begin(0, EPOCHS)
    empty = np.zeros((28, 28), np.float32)
    box.started(RunStarted(EPOCHS, 0, STEPS, 12_800, 128, "cpu", 2, empty, empty))
    box.show()
    qtbot.waitExposed(box)
    counter = PaintCounter(box.bar)
    qtbot.wait(50)  # the first paints settle
    for step in (10, 30, 57):
        counter.paints = 0
        box.step(StepEvent(1, step, STEPS, 150.0, 140.0, 10.0, 2500.0, 1.0))
        assert counter.paints == 0  # no paint of its own, in the middle of the event
        assert box.bar.value() == step and box.bar.text() == f"{step // 2}%"
        qtbot.waitUntil(lambda: counter.paints >= 1, timeout=2000)  # the next paint shows it
    # The run's end and a stop show at once too, the same way.
    counter.paints = 0
    box.ended("done")
    assert counter.paints == 0 and box.bar.value() == EPOCHS * STEPS
    assert box.bar.text() == "Done"
    qtbot.waitUntil(lambda: counter.paints >= 1, timeout=2000)


def test_every_progress_bar_of_the_app_is_one_that_paints_with_the_window():
    """The sweep's trials, the scorings and the mixture fits feed bars as training does."""
    import vae_desktop.gui as gui

    root = Path(gui.__file__).parent
    made_here = [str(path.relative_to(root)) for path in root.rglob("*.py")
                 if "QProgressBar(" in path.read_text(encoding="utf-8")]
    assert made_here == [], made_here
    used = [path for path in root.rglob("*.py") if "ProgressBar()" in path.read_text("utf-8")]
    assert len(used) >= 7  # the Train, Evaluate (3), Latent space, sampler and Sweep bars
