"""The Draw tab driven like a user: mouse strokes on the canvas, keys, the label combo, the
threshold, pictures from files and from other tabs, a change of model."""

from __future__ import annotations

import configparser

import numpy as np
import pytest
from draw_tab_support import (
    BAR,
    SEVEN,
    digit_image,
    settled,
    short_test_set,
    shown_tab,
    stroke,
    verdicts_shown,
)
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from vae_desktop.core.digit_analysis import analyse_digit
from vae_desktop.core.metrics import percentile_of
from vae_desktop.core.preprocess import to_mnist
from vae_desktop.gui import preferences
from vae_desktop.gui.tabs.draw.canvas_panel import HINT
from vae_desktop.gui.tabs.draw.tab import DrawTab
from vae_desktop.gui.widgets.draw_canvas import SIDE, DrawCanvas

TYPICAL_SHOWN, UNUSUAL_SHOWN = verdicts_shown()

@pytest.fixture
def app_state(app_state, mnist_test, monkeypatch):
    """The app's state with a 1,000-digit test set, so each model's test-set pass is quick."""
    return short_test_set(app_state, mnist_test, monkeypatch)


@pytest.fixture
def tab(qtbot, app_state):
    return shown_tab(qtbot, app_state, conditional=False, latent_dim=2)


def test_drawing_updates_reconstruction_scores_and_other_tabs(qtbot, tab, app_state):
    drawings, posteriors = [], []
    app_state.drawing_changed.connect(drawings.append)
    app_state.posterior_changed.connect(posteriors.append)
    assert tab.verdict == "Draw a digit"
    assert tab.analysis is None and not tab.recon_view.image().any()

    stroke(qtbot, tab.canvas, SEVEN)
    qtbot.waitUntil(lambda: settled(tab))
    first = tab.recon_view.image().copy()
    assert first.shape == (28, 28) and first.max() > 0.3  # a real reconstruction is shown
    assert tab.verdict in (TYPICAL_SHOWN, UNUSUAL_SHOWN,
                           "Scored (no test-set scores to compare with yet)")
    assert "nats" in tab.loss_label.text() and "dB" in tab.psnr_label.text()
    # "Reconstruction + KL: 93.9 nats = 88.0 + 5.9": the parts in the caption's order.
    assert tab.parts_label.text() == f"= {tab.analysis.recon:.1f} + {tab.analysis.kl:.1f}"
    qtbot.waitUntil(lambda: "%" in tab.percentile_label.text(), timeout=30_000)  # the pass came
    assert np.allclose(tab.input_view.image(), to_mnist(tab.canvas.to_array()))
    assert drawings[-1].image.shape == (28, 28) and drawings[-1].origin == "your drawing"
    assert np.array_equal(app_state.drawing.image, tab.model_input)
    assert set(posteriors[-1]) == {"mu", "logvar", "label"} and posteriors[-1]["mu"].shape == (2,)
    assert posteriors[-1]["label"] is None  # an unconditional model
    loss_before = tab.loss_label.text()
    # The histogram's line and its label sit at the drawing's score.
    histogram = tab.histogram
    assert histogram.score_line.isVisible() and histogram.score_label.isVisible()
    half_pixel = 0.5 * histogram.getViewBox().viewPixelSize()[0]
    assert abs(histogram.score_line.value() - tab.analysis.loss) <= half_pixel
    assert histogram.score_label.pos().x() == histogram.score_line.value()
    # The scores are plain labels; "Copy scores" (Ctrl+Shift+C anywhere in the tab) copies them.
    QApplication.clipboard().clear()
    QTest.keyClick(tab.canvas, Qt.Key_C, Qt.ControlModifier | Qt.ShiftModifier)
    copied = QApplication.clipboard().text().splitlines()
    assert copied[0] == tab.verdict
    assert copied[1] == f"Reconstruction + KL: {tab.analysis.loss:.1f} nats {tab.parts_label.text()}"
    assert copied[2] == f"PSNR: {tab.analysis.psnr:.1f} dB" and copied[3].startswith("SSIM: 0.")
    assert copied[4].startswith("Percentile: ") and copied[4].endswith("score as well or better")

    stroke(qtbot, tab.canvas, BAR)
    qtbot.waitUntil(lambda: settled(tab))
    assert not np.allclose(tab.recon_view.image(), first, atol=0.02)
    assert tab.loss_label.text() != loss_before
    assert tab.diff_view.image().max() > 0

    # Ctrl+Z takes the bar away again; Esc clears back to the friendly empty state.
    QTest.keyClick(tab.canvas, Qt.Key_Z, Qt.ControlModifier)
    qtbot.waitUntil(lambda: settled(tab))
    assert np.allclose(tab.recon_view.image(), first, atol=1e-3)
    QTest.keyClick(tab.canvas, Qt.Key_Escape)
    qtbot.waitUntil(lambda: tab.analysis is None)
    assert tab.canvas.is_empty() and tab.verdict == "Draw a digit"
    assert drawings[-1] is None and posteriors[-1] is None
    assert tab.loss_label.text() == "–"
    assert not tab.scores_panel.copy_action.isEnabled()  # no scores to copy


def test_updates_are_throttled_not_per_mouse_event(qtbot, tab):
    tab.update_now()
    count = tab.update_count
    stroke(qtbot, tab.canvas, SEVEN, steps=20)  # 100 mouse moves in one go
    qtbot.waitUntil(lambda: tab.analysis is not None)
    qtbot.wait(100)
    assert tab.update_count - count <= 3


def test_pen_width_and_undo_on_the_canvas(qtbot):
    canvas = DrawCanvas()
    qtbot.addWidget(canvas)
    canvas.set_pen_width(10)
    stroke(qtbot, canvas, [(40, 140), (240, 140)])
    thin = canvas.to_array()
    canvas.undo()
    assert canvas.is_empty() and not canvas.to_array().any()
    canvas.set_pen_width(30)
    stroke(qtbot, canvas, [(40, 140), (240, 140)])
    thick = canvas.to_array()
    rows = lambda a: np.flatnonzero((a > 127).any(1))  # noqa: E731
    assert 8 <= len(rows(thin)) <= 12 and 28 <= len(rows(thick)) <= 32
    assert 0 < np.count_nonzero((thick > 0) & (thick < 255))  # antialiased edges
    canvas.set_pen_width(1000)
    assert canvas.pen_width() == 60
    canvas.clear()
    assert canvas.is_empty() and canvas.undo() and not canvas.is_empty()  # clear is undoable too
    assert canvas.to_array().shape == (SIDE, SIDE)


def test_conditional_model_shows_its_guess_and_uses_a_picked_label(qtbot, tab, app_state, mnist_test):
    app_state.set_active(app_state.find_model(conditional=True, latent_dim=2))
    assert tab.guess_panel.showing_guess and tab.label_combo.isEnabled()
    app_state.set_drawing(digit_image(mnist_test, 0), origin="test image #0")
    probs = tab.analysis.label_probs
    assert probs.sum() == pytest.approx(1.0, abs=1e-5) and tab.analysis.label == 7
    heights = tab.guess_panel.bars.heights
    losses = tab.analysis.label_losses
    assert np.allclose(heights, np.minimum(losses - losses.min(), 40.0)) and heights[7] == 0
    marker = tab.guess_panel.best_marker  # the best label has no bar: a marker names it
    assert marker.isVisible() and marker.pos().x() == 7
    # The same bars on screen again are not redrawn; a changed one is.
    redraws = []
    real_set_bars = tab.guess_panel.bars.set_bars
    tab.guess_panel.bars.set_bars = lambda heights, brushes: (
        redraws.append(heights), real_set_bars(heights, brushes))
    tab.guess_panel.show_analysis(tab.analysis)
    assert redraws == []
    tab.analysis.label_losses[3] = tab.analysis.label_losses[7] + 1.0
    tab.guess_panel.show_analysis(tab.analysis)
    assert len(redraws) == 1 and redraws[0][3] == pytest.approx(1.0)
    assert tab.guess_panel.bars.heights[3] == pytest.approx(1.0)
    del tab.guess_panel.bars.set_bars
    # Label 3 is now 1 nat behind the 7: too close to call.
    assert tab.guess_panel.guess_label.text() == (
        "Unsure: two labels explain it almost equally (best a 7, 1.0 nats ahead of a 3)")
    assert f"{tab.analysis.margin:.1f} nats ahead" in tab.guess_panel.guess_label.text()
    # A scribble gets p = 1.00 from a softmax, but the tab calls its guess unsure.
    rng = np.random.default_rng(0)
    app_state.set_drawing((rng.random((28, 28)) > 0.7).astype(np.float32), origin="scribble")
    qtbot.waitUntil(lambda: tab.analysis.percentile is not None, timeout=120_000)
    assert tab.analysis.label_probs.max() > 0.99 and tab.analysis.guess_is_unsure()
    assert "Unsure" in tab.guess_panel.guess_label.text()
    app_state.set_drawing(digit_image(mnist_test, 0), origin="test image #0")
    assert not tab.analysis.guess_is_unsure() and tab.analysis.margin > 3
    auto_recon = tab.recon_view.image().copy()
    tab.label_combo.setCurrentIndex(tab.label_combo.findData(3))
    assert tab.analysis.label == 3 and "reconstructed as a 3" in tab.guess_panel.guess_label.text()
    assert not np.allclose(tab.recon_view.image(), auto_recon, atol=0.05)

    app_state.set_active(app_state.find_model(conditional=False, latent_dim=16))
    assert not tab.guess_panel.showing_guess and not tab.label_combo.isEnabled()
    assert tab.analysis.label_probs is None and tab.analysis.mu.shape == (16,)


def test_a_drawing_from_another_tab_is_analysed_exactly(qtbot, tab, app_state, mnist_test):
    digit = digit_image(mnist_test, 1)
    posteriors = []
    app_state.posterior_changed.connect(posteriors.append)
    app_state.set_drawing(digit, origin="test image #1")
    assert np.array_equal(tab.model_input, digit)  # not re-processed: exactly what was sent
    assert not tab.canvas.is_empty() and tab.canvas.to_array().max() > 200
    assert np.allclose(posteriors[-1]["mu"], tab.analysis.mu)
    assert app_state.drawing.origin == "test image #1"  # the tab did not re-publish it as its own
    with pytest.raises(ValueError):  # a wrong size cannot become the drawing
        app_state.set_drawing(np.zeros((5, 5), np.float32), origin="a speck")
    assert np.array_equal(tab.model_input, digit)
    # Drawing on it switches back to analysing the canvas, as the user's own drawing.
    stroke(qtbot, tab.canvas, BAR)
    qtbot.waitUntil(lambda: not np.array_equal(tab.model_input, digit))
    assert app_state.drawing.origin == "your drawing"
    # Another tab clearing the drawing clears the canvas.
    app_state.set_drawing(None)
    assert tab.canvas.is_empty() and tab.analysis is None and tab.verdict == "Draw a digit"


def test_the_caption_names_the_drawing_shown(qtbot, tab, app_state, tmp_path, mnist_test):
    """Bug: after a file was loaded, an image from Evaluate still said "Loaded five.png"."""
    Image.fromarray(mnist_test[0][0].numpy()).save(tmp_path / "five.png")
    assert tab.open_file(str(tmp_path / "five.png"))
    assert tab.message == "Loaded five.png" and app_state.drawing.origin == "five.png"

    app_state.set_drawing(digit_image(mnist_test, 12), origin="test image #12")
    assert "test image #12" in tab.message and "five.png" not in tab.message
    assert np.array_equal(tab.model_input, digit_image(mnist_test, 12))

    stroke(qtbot, tab.canvas, BAR)  # the user's strokes make it theirs
    qtbot.waitUntil(lambda: settled(tab))
    assert app_state.drawing.origin == "your drawing"
    assert "test image" not in tab.message and tab.message == HINT


def test_draw_settings_live_in_the_ini_file(qtbot, tab, app_state):
    """Bug: the Draw tab kept its settings in a second store (native QSettings())."""
    tab.canvas_panel.pen_spin.setValue(31)
    tab.threshold_spin.setValue(97.5)
    settings = preferences.open_settings()
    settings.sync()
    ini = configparser.ConfigParser()
    assert ini.read(settings.fileName()) == [settings.fileName()]
    assert ini["draw"]["pen_width"] == "31" and float(ini["draw"]["threshold"]) == 97.5
    again = DrawTab(app_state)  # the next session starts where this one stopped
    qtbot.addWidget(again)
    assert again.canvas.pen_width() == 31 and again.threshold_spin.value() == 97.5


def test_a_new_active_model_rescores_the_drawing(qtbot, tab, app_state, mnist_test):
    """The tab never shows the previous model's numbers: not its scores, not its test-set pass
    (even one that finishes after the switch)."""
    z2, z16 = (app_state.find_model(conditional=False, latent_dim=d) for d in (2, 16))
    stroke(qtbot, tab.canvas, SEVEN)
    qtbot.waitUntil(lambda: settled(tab))
    qtbot.waitUntil(lambda: app_state.test_pass(z2) is not None, timeout=30_000)
    image = tab.model_input.copy()
    assert tab.analysis.mu.shape == (2,)

    conditional = app_state.find_model(conditional=True, latent_dim=16)
    app_state.set_active(conditional)  # its pass starts; switch away before it is done
    assert app_state.test_pass_running(conditional)
    app_state.set_active(z16)
    expected = analyse_digit(z16.model, image)
    assert tab.analysis.mu.shape == (16,)
    assert tab.analysis.loss == pytest.approx(expected.loss, rel=1e-5)
    assert tab.histogram.reference is None and tab.analysis.percentile is None
    assert "%" not in tab.percentile_label.text()
    qtbot.waitUntil(lambda: app_state.test_pass(conditional) is not None, timeout=30_000)
    shown = tab.histogram.reference
    if app_state.test_pass(z16) is None:
        assert shown is None
    else:
        assert np.array_equal(shown, app_state.test_pass(z16).scores["loss"].numpy())
    qtbot.waitUntil(lambda: tab.analysis.percentile is not None, timeout=30_000)
    reference = app_state.test_pass(z16).scores["loss"]
    assert tab.analysis.percentile == pytest.approx(percentile_of(tab.analysis.loss, reference))
    assert np.array_equal(tab.histogram.reference, reference.numpy())
    # Clearing the canvas clears the drawing for everyone.
    QTest.keyClick(tab.canvas, Qt.Key_Escape)
    qtbot.waitUntil(lambda: app_state.drawing is None)


def test_threshold_moves_the_verdict(qtbot, tab, app_state, mnist_test):
    qtbot.waitUntil(lambda: tab.reference_scores is not None, timeout=30_000)
    reference = tab.reference_scores
    # A test digit that ranks between the 70th and the 95th percentile of the test set.
    ranks = np.array([percentile_of(float(v), app_state.test_pass(app_state.active).scores["loss"])
                      for v in reference])
    i = int(np.flatnonzero((ranks > 70) & (ranks < 95))[0])
    app_state.set_drawing(digit_image(mnist_test, i), origin=f"test image #{i}")
    percentile = tab.analysis.percentile
    assert percentile == pytest.approx(ranks[i], abs=0.2)
    assert tab.verdict == TYPICAL_SHOWN  # below the default 99th percentile
    tab.threshold_spin.setValue(percentile - 5)
    assert tab.verdict == UNUSUAL_SHOWN
    tab.threshold_spin.setValue(99.0)
    assert tab.verdict == TYPICAL_SHOWN
    # Dragging the dashed line in the histogram moves the threshold too.
    tab.histogram.drag_threshold_to(float(np.percentile(reference, 80)))
    assert tab.threshold_spin.value() == pytest.approx(80, abs=0.5)
    expected = UNUSUAL_SHOWN if percentile > 80 else TYPICAL_SHOWN
    assert tab.verdict == expected


def test_open_image_files(qtbot, tab, tmp_path, mnist_test):
    digit = mnist_test[0][2].numpy()
    Image.fromarray(255 - digit).resize((300, 300), Image.BICUBIC).save(tmp_path / "paper.png")
    assert tab.open_file(str(tmp_path / "paper.png"))
    qtbot.waitUntil(lambda: settled(tab))
    assert tab.message == "Loaded paper.png"
    error = np.mean((tab.model_input - digit / 255.0) ** 2)
    assert 10 * np.log10(1 / error) > 18  # dark-on-light, 300 px: back to (nearly) the original
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    assert not tab.open_file(str(tmp_path / "broken.jpg"))
    assert "broken.jpg" in tab.message
    assert tab.analysis is not None  # the earlier picture stays


def test_no_model_still_shows_the_model_input(qtbot, app_state):
    app_state.set_active(None)
    widget = DrawTab(app_state)
    qtbot.addWidget(widget)
    widget.show()
    stroke(qtbot, widget.canvas, SEVEN)
    qtbot.waitUntil(lambda: widget.model_input is not None)
    assert widget.analysis is None and "No model" in widget.verdict
    assert widget.input_view.image().max() > 0.5


def test_a_picked_label_goes_with_an_unconditional_model(qtbot):
    """"Reconstruct as 7" picked with a CVAE stayed picked, its box hidden, once an
    unconditional VAE was active: the scores showed an "As a 7:" row for a model with no labels."""
    from vae_desktop.gui.tabs.draw.panels import ImagesPanel

    panel = ImagesPanel()
    qtbot.addWidget(panel)
    panel.set_conditional(10)
    panel.label_combo.setCurrentIndex(panel.label_combo.findData(7))
    assert panel.chosen_label == 7
    panel.set_conditional(None)
    assert panel.chosen_label is None
    panel.set_conditional(10)
    assert panel.chosen_label is None  # the best guess again
