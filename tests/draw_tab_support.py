"""The Draw tab in tests (shared by its test modules): mouse strokes on the canvas, a test digit
as a drawing, a tab on a short test set, and waiting for an analysis of what is on the canvas."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPoint, Qt
from small_test_set import use_test_digits

from vae_desktop.core.preprocess import to_mnist

TEST_DIGITS = 1000  # test digits in the shared test-set pass (the app has 10,000)

SEVEN = [(70, 60), (190, 55), (200, 62), (165, 125), (135, 185), (122, 235)]
BAR = [(110, 140), (185, 135)]
# A five-pointed star in one stroke, as a person draws it (each point to the second next).
STAR = [(round(140 + 100 * math.cos(-math.pi / 2 + k * 4 * math.pi / 5)),
         round(150 + 100 * math.sin(-math.pi / 2 + k * 4 * math.pi / 5))) for k in range(6)]


def stroke(qtbot, canvas, points, steps: int = 5) -> None:
    """Press, drag through `points` (with intermediate moves, like a real mouse), release."""
    qtbot.mousePress(canvas, Qt.LeftButton, pos=QPoint(*points[0]))
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        for t in np.linspace(0, 1, steps + 1)[1:]:
            qtbot.mouseMove(canvas, QPoint(round(x0 + (x1 - x0) * t), round(y0 + (y1 - y0) * t)))
    qtbot.mouseRelease(canvas, Qt.LeftButton, pos=QPoint(*points[-1]))


def settled(tab) -> bool:
    """The analysis shown is of the canvas as it is now (no update pending)."""
    if tab._timer.isActive():
        return False
    if tab.canvas.is_empty():
        return tab.model_input is None
    return tab.model_input is not None and np.allclose(tab.model_input, to_mnist(tab.canvas.to_array()))


def short_test_set(app_state, mnist_test, monkeypatch):
    """`app_state` with the first TEST_DIGITS test digits, so each model's test-set pass is quick."""
    return use_test_digits(app_state, mnist_test, monkeypatch, TEST_DIGITS)


def digit_image(mnist_test, i: int) -> np.ndarray:
    return mnist_test[0][i].numpy().astype(np.float32) / 255.0


def wait_for_test_pass(qtbot, state) -> None:
    """The active model's test-set pass is done (started if need be)."""
    state.request_test_pass(state.active)
    qtbot.waitUntil(lambda: state.test_pass(state.active) is not None, timeout=60_000)


def verdicts_shown() -> tuple[str, str]:
    """The two verdicts as the tab shows them (capitalised): typical, unusual."""
    from vae_desktop.core.digit_analysis import TYPICAL, UNUSUAL

    return TYPICAL[0].upper() + TYPICAL[1:], UNUSUAL[0].upper() + UNUSUAL[1:]


def shown_tab(qtbot, app_state, **model):
    """The Draw tab with the model `model` picks (find_model's keywords) active, shown at a
    size where its whole layout fits."""
    from vae_desktop.gui.tabs.draw.tab import DrawTab

    app_state.set_active(app_state.find_model(**model))
    widget = DrawTab(app_state)
    qtbot.addWidget(widget)
    widget.resize(1260, 740)
    widget.show()
    qtbot.waitExposed(widget)
    return widget
