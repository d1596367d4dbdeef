"""The Draw tab's export: one PNG for a slide (at least 1200 px wide) with the drawing, the
model input, the reconstruction and where they differ, the scores and the guess, captioned with
the model's name; saved through the app's one save step (gui.save_dialog), from a button or
Ctrl+E. Before, the tab had no export at all."""

from __future__ import annotations

import numpy as np
import pytest
from draw_tab_support import digit_image, short_test_set, shown_tab, wait_for_test_pass
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from vae_desktop.gui import save_dialog
from vae_desktop.gui.tabs.draw.export import EXPORT_WIDTH

PNG = "PNG images (*.png)"


@pytest.fixture
def app_state(app_state, mnist_test, monkeypatch):
    return short_test_set(app_state, mnist_test, monkeypatch)


class Asked(list):
    """The save dialog's questions (suggested name, title, filter), and its next answer: a file
    name in the test's folder, or None for Cancel."""

    answer: str | None = "slide.png"


@pytest.fixture
def asked(monkeypatch, tmp_path):
    calls = Asked()

    def ask(parent, suggested, title, file_filter):
        calls.append((suggested, title, file_filter))
        return "" if calls.answer is None else str(tmp_path / calls.answer)

    monkeypatch.setattr(save_dialog, "ask_save_path", ask)
    return calls


def pixels_of(picture: np.ndarray, rect) -> np.ndarray:
    """The 28x28 image painted, each of its pixels a square, in `rect` of `picture` (RGB):
    the grey level at each square's centre."""
    cell = rect.width() / 28
    rows = (rect.top() + cell * (np.arange(28) + 0.5)).astype(int)
    cols = (rect.left() + cell * (np.arange(28) + 0.5)).astype(int)
    return picture[np.ix_(rows, cols)][..., 0].astype(np.float32) / 255.0


def test_ctrl_e_exports_the_drawing_its_reconstruction_scores_and_guess(qtbot, app_state, asked,
                                                                         mnist_test, tmp_path):
    tab = shown_tab(qtbot, app_state, conditional=True, latent_dim=2)
    wait_for_test_pass(qtbot, app_state)
    app_state.set_drawing(digit_image(mnist_test, 0), origin="test image #0")
    qtbot.waitUntil(lambda: tab.analysis is not None and tab.analysis.percentile is not None)
    said = []
    app_state.status_message.connect(lambda text, _ms: said.append(text))
    assert tab.export_action.isEnabled() and "Ctrl+E" in tab.canvas_panel.export_button.toolTip()
    QTest.keyClick(tab.canvas, Qt.Key_E, Qt.ControlModifier)
    name = app_state.active.name
    assert asked == [(f"{name}-draw.png", "Export the drawing and its scores as PNG", PNG)]
    saved = tmp_path / "slide.png"
    assert said[-1] == f"Saved {saved}."
    picture = np.asarray(Image.open(saved).convert("RGB"))
    assert picture.shape[1] == EXPORT_WIDTH >= 1200
    # What it shows is what the tab shows: the model's pictures, pixel for pixel...
    export = tab.export_picture()
    assert export.image.width() == picture.shape[1] and export.image.height() == picture.shape[0]
    assert np.abs(pixels_of(picture, export.rects["input"]) - tab.input_view.image()).max() <= 1 / 255
    assert np.abs(pixels_of(picture, export.rects["reconstruction"])
                  - tab.recon_view.image()).max() <= 1 / 255
    # ... captioned with the model's name and the drawing's origin, with the scores and guess.
    assert export.title == f"{name} · test image #0"
    text = "\n".join(export.lines)
    assert tab.loss_label.text() in text and tab.percentile_label.text() in text
    assert tab.verdict in text and tab.guess_panel.guess_label.text() in text
    # The button does the same; a cancelled dialog writes nothing and says nothing.
    asked.answer = None
    tab.canvas_panel.export_button.click()
    assert len(asked) == 2 and said[-1] == f"Saved {saved}."
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".png") == ["slide.png"]


def test_nothing_to_export_is_said_and_no_dialog_opens(qtbot, app_state, asked):
    tab = shown_tab(qtbot, app_state, conditional=False, latent_dim=2)
    assert not tab.export_action.isEnabled()
    assert "draw a digit or open a picture first" in tab.canvas_panel.export_button.toolTip()
    tab.export_png()
    assert asked == []
    assert tab.message == "Nothing to export yet: draw a digit or open a picture first."
