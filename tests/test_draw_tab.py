"""The Draw tab driven like a user: mouse strokes on the canvas, keys, the label combo, the
threshold, pictures from files and from other tabs."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from vae_desktop.core.preprocess import to_mnist
from vae_desktop.gui.widgets.draw_canvas import SIDE, DrawCanvas
from vae_desktop.gui.tabs.draw.tab import DrawTab

SEVEN = [(70, 60), (190, 55), (200, 62), (165, 125), (135, 185), (122, 235)]
BAR = [(110, 140), (185, 135)]


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


@pytest.fixture
def tab(qtbot, app_state):
    app_state.set_active(app_state.find_model(conditional=False, latent_dim=2))
    widget = DrawTab(app_state)
    qtbot.addWidget(widget)
    widget.resize(1260, 740)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_drawing_updates_reconstruction_scores_and_other_tabs(qtbot, tab, app_state):
    drawings, posteriors = [], []
    app_state.drawing_changed.connect(drawings.append)
    app_state.posterior_changed.connect(posteriors.append)
    assert tab.verdict_label.text() == "Draw a digit"
    assert tab.analysis is None and not tab.recon_view.image().any()

    stroke(qtbot, tab.canvas, SEVEN)
    qtbot.waitUntil(lambda: settled(tab))
    first = tab.recon_view.image().copy()
    assert first.shape == (28, 28) and first.max() > 0.3  # a real reconstruction is shown
    assert tab.verdict_label.text() in ("Looks like a typical digit", "Unusual for this model")
    assert "nats" in tab.loss_label.text() and "dB" in tab.psnr_label.text()
    assert "KL" in tab.parts_label.text() and "%" in tab.percentile_label.text()
    assert np.allclose(tab.input_view.image(), to_mnist(tab.canvas.to_array()))
    assert drawings[-1].shape == (28, 28)
    assert set(posteriors[-1]) == {"mu", "logvar"} and posteriors[-1]["mu"].shape == (2,)
    loss_before = tab.loss_label.text()

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
    assert tab.canvas.is_empty() and tab.verdict_label.text() == "Draw a digit"
    assert drawings[-1] is None and posteriors[-1] is None
    assert tab.loss_label.text() == "–"


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
    assert tab.guess_stack.currentIndex() == 1 and tab.label_combo.isEnabled()
    seven = mnist_test[0][0].numpy().astype(np.float32) / 255.0
    app_state.show_in_draw.emit(seven)
    probs = tab.analysis.label_probs
    assert probs.sum() == pytest.approx(1.0, abs=1e-5) and tab.analysis.label == 7
    heights = tab.bars.opts["height"]
    assert np.allclose(heights, probs)
    assert "<b>7</b>" in tab.guess_label.text()
    auto_recon = tab.recon_view.image().copy()
    tab.label_combo.setCurrentIndex(tab.label_combo.findData(3))
    assert tab.analysis.label == 3 and "reconstructed as 3" in tab.guess_label.text()
    assert not np.allclose(tab.recon_view.image(), auto_recon, atol=0.05)

    app_state.set_active(app_state.find_model(conditional=False, latent_dim=16))
    assert tab.guess_stack.currentIndex() == 0 and not tab.label_combo.isEnabled()
    assert tab.analysis.label_probs is None and tab.analysis.mu.shape == (16,)


def test_show_in_draw_analyses_the_exact_image_and_asks_for_the_tab(qtbot, tab, app_state, mnist_test):
    requested = []
    app_state.tab_requested.connect(requested.append)
    digit = mnist_test[0][1].numpy().astype(np.float32) / 255.0
    app_state.show_in_draw.emit(digit)
    assert requested == ["Draw"]
    assert np.array_equal(tab.model_input, digit)  # not re-processed: exactly what was sent
    assert not tab.canvas.is_empty() and tab.canvas.to_array().max() > 200
    app_state.show_in_draw.emit(np.zeros((5, 5), np.float32))  # a wrong size is refused politely
    assert "expected 28x28" in tab.canvas_message.toolTip() and np.array_equal(tab.model_input, digit)
    # Drawing on it switches back to analysing the canvas.
    stroke(qtbot, tab.canvas, BAR)
    qtbot.waitUntil(lambda: not np.array_equal(tab.model_input, digit))


def test_threshold_moves_the_verdict(qtbot, tab, app_state, mnist_test):
    app_state.show_in_draw.emit(mnist_test[0][0].numpy().astype(np.float32) / 255.0)
    percentile = tab.analysis.percentile
    assert 0 < percentile < 99
    assert tab.verdict_label.text() == "Looks like a typical digit"
    tab.threshold_spin.setValue(max(50.0, percentile - 5))
    if percentile - 5 >= 50:
        assert tab.verdict_label.text() == "Unusual for this model"
    tab.threshold_spin.setValue(99.0)
    assert tab.verdict_label.text() == "Looks like a typical digit"
    # Dragging the dashed line in the histogram moves the threshold too.
    reference = tab.reference.cached(app_state.active.model).numpy()
    tab.threshold_line.setValue(float(np.percentile(reference, 80)))
    assert tab.threshold_spin.value() == pytest.approx(80, abs=0.5)


def test_open_image_files(qtbot, tab, tmp_path, mnist_test):
    digit = mnist_test[0][2].numpy()
    Image.fromarray(255 - digit).resize((300, 300), Image.BICUBIC).save(tmp_path / "paper.png")
    assert tab.open_file(str(tmp_path / "paper.png"))
    qtbot.waitUntil(lambda: settled(tab))
    assert "Loaded paper.png" in tab.canvas_message.toolTip()
    error = np.mean((tab.model_input - digit / 255.0) ** 2)
    assert 10 * np.log10(1 / error) > 18  # dark-on-light, 300 px: back to (nearly) the original
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    assert not tab.open_file(str(tmp_path / "broken.jpg"))
    assert "broken.jpg" in tab.canvas_message.toolTip()
    assert tab.analysis is not None  # the earlier picture stays


def test_no_model_still_shows_the_model_input(qtbot, app_state):
    app_state.active = None
    widget = DrawTab(app_state)
    qtbot.addWidget(widget)
    widget.show()
    stroke(qtbot, widget.canvas, SEVEN)
    qtbot.waitUntil(lambda: widget.model_input is not None)
    assert widget.analysis is None and "No model" in widget.verdict_label.text()
    assert widget.input_view.image().max() > 0.5
