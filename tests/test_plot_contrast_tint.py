"""A translucent fill over an opaque colour, worked out once for the app (tones.over): Evaluate's
per-digit table (its Rec+KL tint over the rows) and the Sweep's trial table (the best trial's row
over the rows) each blended it in a copy of their own. And the table's deepest readable tint,
which depends on the palette only, is looked for once per fill or theme switched to: it was looked
for again for every tinted cell (up to 55 steps of 2 contrast checks each, 10 times)."""

from __future__ import annotations

import sys

import pytest
from palette_support import dark_palette, switched_to
from PySide6.QtGui import QColor, QPalette
from test_plot_contrast import assert_tints_readable, in_window

from vae_desktop.core.evaluation import evaluate_model, reconstruct
from vae_desktop.core.evaluation import test_inputs as scored_inputs
from vae_desktop.gui.tabs.evaluate import report_view
from vae_desktop.gui.widgets import tones

N = 300


@pytest.fixture(scope="module")
def report(bundled, mnist_test):
    """The bundled z16 model's report on the first 300 test digits."""
    model = bundled["mnist-vae-z16"].model.eval()
    images, labels = mnist_test[0][:N], mnist_test[1][:N]
    return model, scored_inputs(model, images), evaluate_model(model, images, labels)


def test_over_blends_a_translucent_fill_over_an_opaque_colour():
    white, dark = QColor(255, 255, 255), QColor(35, 35, 35)
    orange = QColor(255, 140, 40, 60)  # the best trial's row
    share = 60 / 255
    blended = tones.over(orange, white)
    assert blended.alpha() == 255
    for got, fill in ((blended.redF(), 1.0), (blended.greenF(), 140 / 255),
                      (blended.blueF(), 40 / 255)):
        assert got == pytest.approx(share * fill + (1 - share), abs=1e-4)
    assert tones.over(QColor(255, 140, 40, 0), dark) == dark
    assert tones.over(QColor(255, 140, 40, 255), dark) == QColor(255, 140, 40)
    # On the dark rows the same fill is darker than on the light ones, and lighter than them.
    on_dark = tones.over(orange, dark)
    assert tones.luminance(dark) < tones.luminance(on_dark) < tones.luminance(blended)


def tint_checks(monkeypatch, view: report_view.ReportView) -> list[tuple[int, int]]:
    """The contrasts `view` measures itself (its tint's search), as they are made (other report
    views, left by earlier tests, make theirs on a theme switched to as well)."""
    made: list[tuple[int, int]] = []
    measure = tones.contrast

    def spied(a: QColor, b: QColor) -> float:
        frame = sys._getframe(1)
        if frame.f_code.co_filename == report_view.__file__:
            while frame is not None and "self" not in frame.f_locals:
                frame = frame.f_back  # out of the search's generator, to its method
            if frame is not None and frame.f_locals["self"] is view:
                made.append((a.rgba(), b.rgba()))
        return measure(a, b)

    monkeypatch.setattr(tones, "contrast", spied)
    return made


def test_the_deepest_readable_tint_is_looked_for_once_per_fill(qtbot, report, monkeypatch):
    view = in_window(qtbot, report_view.ReportView())
    made = tint_checks(monkeypatch, view)
    model, images, result = report
    view.show_report(result, images, lambda x, y: reconstruct(model, x, y), unseen=(2,))
    assert_tints_readable(view)
    words = view.table.palette().color(QPalette.Text)
    # Words over the deepest tint, on a plain row and an alternate one: each measured once.
    assert len(made) >= 2 and all(a == words.rgba() for a, _ in made)
    assert len(set(made)) == len(made), f"{len(made)} checks, {len(set(made))} different"
    made.clear()
    with switched_to(dark_palette()):
        assert_tints_readable(view)
        # On the dark rows the search goes further down, still once for the table.
        assert len(made) > 2 and len(set(made)) == len(made)
