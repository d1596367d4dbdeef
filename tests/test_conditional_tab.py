"""The Conditional tab with the bundled models: the picked digit reaches the decoder (by button and
by key), seeds reproduce, the all-digits rows share a code, style transfer follows its source and
label, PNG export, and the state shown for an unconditional model."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from typing_support import focus_window

from vae_desktop.core import generate
from vae_desktop.gui.tabs.conditional.tab import ConditionalTab


@pytest.fixture
def tab(app_state, qtbot):
    app_state.set_active(app_state.find_model(conditional=True, latent_dim=2))
    widget = ConditionalTab(app_state)
    qtbot.addWidget(widget)
    widget.resize(1100, 720)
    widget.show()  # a hidden tab defers its redraws until shown
    qtbot.waitExposed(widget)
    widget.refresh_now()
    return widget


def test_picked_label_is_the_one_passed_to_decode(tab, app_state, qtbot, monkeypatch):
    model = app_state.active.model
    seen = []
    original = model.decode

    def recording_decode(z, y=None):
        seen.append(torch.as_tensor(y).clone())
        return original(z, y)

    monkeypatch.setattr(model, "decode", recording_decode)
    qtbot.mouseClick(tab.digit_group.button(3), Qt.LeftButton)
    assert tab.label == 3
    qtbot.waitUntil(lambda: bool(seen) and not tab._dirty, timeout=3000)
    n = tab.count_spin.value()
    assert any(y.shape == (n,) and bool((y == 3).all()) for y in seen)
    monkeypatch.undo()
    z = generate.sample_codes(model.latent_dim, n, tab.temperature, tab.seed_spin.value())
    with torch.no_grad():
        assert torch.allclose(tab.samples, model.decode(z, torch.full((n,), 3)))
    assert np.allclose(tab.samples_view.image(), tab.export_image("samples"))


def test_digit_keys_select_the_label(tab, qtbot):
    focus_window(qtbot, tab)
    tab.new_button.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_4)
    assert tab.label == 4 and tab.digit_group.button(4).isChecked()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_9)
    assert tab.label == 9
    # Typing in the seed box types digits there instead of switching labels.
    tab.seed_spin.setFocus()
    tab.seed_spin.selectAll()
    qtbot.keyClicks(tab.seed_spin, "25")
    assert tab.seed_spin.value() == 25 and tab.label == 9


def test_seed_reproduces_samples_and_new_samples_changes_them(tab):
    tab.seed_spin.setValue(42)
    tab.refresh_now()
    first = tab.samples.clone()
    tab.new_samples()
    assert tab.seed_spin.value() != 42
    tab.refresh_now()
    assert not torch.allclose(first, tab.samples)
    tab.seed_spin.setValue(42)
    tab.refresh_now()
    assert torch.equal(first, tab.samples)
    tab.count_spin.setValue(5)
    tab.refresh_now()
    assert tab.samples.shape == (5, 1, 28, 28)


def test_all_digits_rows_share_their_code(tab, app_state):
    tab.rows_spin.setValue(3)
    tab.refresh_now()
    view = tab.digits_view
    model = app_state.active.model
    assert view.codes.shape == (3, model.latent_dim) and view.images.shape == (30, 1, 28, 28)
    with torch.no_grad():
        for r in range(3):
            row = model.decode(view.codes[r].expand(10, -1), torch.arange(10))
            assert torch.allclose(view.images[r * 10:(r + 1) * 10], row)
    shown = tab.digits_view_widget.image()
    assert shown.shape == (3 * 30 + 2, 10 * 30 + 2)


def test_style_transfer_follows_source_and_label(tab, app_state, qtbot):
    images, labels = app_state.test_set()
    tab.test_index.setValue(0)  # a 7
    tab.refresh_now()
    assert tab.style.guessed and tab.style.label == int(labels[0])
    assert "encoded as a <b>7</b>" in tab.style_message.text()
    tab.label_combo.setCurrentIndex(1 + 2)  # "It is a 2"
    tab.refresh_now()
    assert tab.style.label == 2 and not tab.style.guessed
    # The drawing: nothing drawn yet, then a drawing arrives from the Draw tab.
    tab.src_drawing.setChecked(True)
    tab.refresh_now()
    assert tab.style is None and "Draw tab" in tab.style_message.text()
    with qtbot.waitSignal(app_state.tab_requested) as blocker:
        tab.style_message.linkActivated.emit("draw")
    assert blocker.args == ["Draw"]
    drawing = images[5].numpy().astype(np.float32) / 255.0
    app_state.set_drawing(drawing, origin="five.png")
    qtbot.waitUntil(lambda: tab.style is not None, timeout=3000)
    assert np.array_equal(tab.style_source, drawing)
    assert np.allclose(tab.source_view.image(), drawing)
    assert tab.source_caption.text() == "five.png"
    model = app_state.active.model
    expected = generate.style_transfer(model, torch.from_numpy(drawing), 2)
    assert torch.allclose(tab.style.images, expected.images)
    # The drawing is cleared: the view says so again.
    app_state.set_drawing(None)
    qtbot.waitUntil(lambda: tab.style is None, timeout=3000)
    assert "Draw tab" in tab.style_message.text() and not tab.source_view.image().any()


def test_export_png_writes_the_grid(tab, tmp_path):
    tab.count_spin.setValue(16)
    path = tab.export_png("samples", tmp_path / "samples.png")
    with Image.open(path) as img:
        assert img.size == ((4 * 30 + 2) * 4, (4 * 30 + 2) * 4)
    path = tab.export_png("style", tmp_path / "style.png")
    with Image.open(path) as img:
        assert img.size == ((11 * 30 + 2) * 4, 32 * 4)


def test_unconditional_model_shows_what_is_needed(app_state, qtbot):
    plain = app_state.find_model(conditional=False)
    app_state.set_active(plain)
    tab = ConditionalTab(app_state)
    qtbot.addWidget(tab)
    assert tab.pages.currentIndex() == 0
    assert plain.name in tab.needs_text.text() and "without labels" in tab.needs_text.text()
    target = app_state.find_model(conditional=True)
    assert not tab.switch_button.isHidden() and tab.switch_button.text() == f"Switch to {target.name}"

    emitted = []
    app_state.training_settings_requested.connect(lambda s: emitted.append(("settings", s)))
    app_state.tab_requested.connect(lambda title: emitted.append(("tab", title)))
    qtbot.mouseClick(tab.train_button, Qt.LeftButton)
    (kind, settings), (_, title) = emitted
    assert kind == "settings" and settings["conditional"] is True and settings["num_classes"] == 10
    assert title == "Train"

    qtbot.mouseClick(tab.switch_button, Qt.LeftButton)
    assert app_state.active is target and tab.pages.currentIndex() == 1
    tab.refresh_now()
    assert tab.samples is not None
    app_state.set_active(plain)
    assert tab.pages.currentIndex() == 0


def test_without_any_conditional_model_only_training_is_offered(qapp, qtbot, bundled):
    from vae_desktop.gui.state import AppState

    state = AppState()
    state.add_model(bundled["mnist-vae-z2"])
    tab = ConditionalTab(state)
    qtbot.addWidget(tab)
    assert tab.pages.currentIndex() == 0
    assert tab.switch_button.isHidden() and "No conditional model is loaded" in tab.needs_text.text()
    empty = ConditionalTab(AppState())
    qtbot.addWidget(empty)
    assert empty.pages.currentIndex() == 0 and "No model loaded" in empty.needs_text.text()


def test_hidden_tab_defers_its_redraw_until_shown(app_state, qtbot):
    app_state.set_active(app_state.find_model(conditional=True, latent_dim=2))
    widget = ConditionalTab(app_state)
    qtbot.addWidget(widget)
    qtbot.wait(50)
    assert widget.samples is None  # nothing computed while hidden
    widget.show()
    assert widget.samples is not None and widget.samples_view.image().any()


def test_a_model_change_shows_nothing_of_the_previous_model(tab, app_state, qtbot):
    """A hidden tab may wait to redraw, but it must not keep the previous model's pictures."""
    assert tab.samples is not None and tab.samples_view.image().any()
    tab.hide()
    z16 = app_state.find_model(conditional=True, latent_dim=16)
    app_state.set_active(z16)
    assert tab.samples is None and tab.style is None and tab.digits_view is None
    for view in (tab.samples_view, tab.digits_view_widget, tab.source_view, tab.style_view):
        assert not view.image().any()
    assert z16.name in tab.model_label.text()
    tab.show()  # redrawn for the new model at once, before it is painted
    expected = generate.conditional_samples(z16.model, tab.label, tab.count_spin.value(),
                                            tab.temperature, tab.seed_spin.value())
    assert torch.allclose(tab.samples, expected)
    assert np.allclose(tab.samples_view.image(), tab.export_image("samples"))


def test_a_typed_number_out_of_range_is_refused_with_a_message(tab, qtbot):
    """Qt's spin boxes dropped what they could not take without a word: "500" samples became 50
    and test digit # "99999" became 9999. They still cannot take it, and now the column under
    the boxes says so, naming the box and its range (as the Train and Sweep forms do); the box
    is back at its value from before the edit."""
    focus_window(qtbot, tab)
    assert tab.controls.message_label.isHidden()
    tab.seed_spin.setValue(42)
    cases = ((tab.count_spin, "500", 36, "Samples must be from 1 to 100"),
             (tab.test_index, "99999", 0, "Test digit # must be from 0 to 9,999"),
             (tab.seed_spin, "1234567", 42, "Seed must be from 0 to 999,999"),
             (tab.rows_spin, "0", 8, "Styles must be from 1 to 12"))
    for (box, typed, kept, rule), key in zip(cases, [Qt.Key_Tab, Qt.Key_Return] * 2, strict=True):
        box.setFocus()
        box.selectAll()
        qtbot.keyClicks(box.lineEdit(), typed)
        # Leaving the box, or Enter (which sends the value kept again: still not a value taken).
        qtbot.keyClick(box.lineEdit(), key)
        assert box.value() == kept
        text = tab.controls.message_label.text()
        assert tab.controls.message_label.isVisible(), rule
        assert f"{rule}: {typed} was not taken (it stays {kept})." == text, text
    tab.count_spin.setFocus()
    tab.count_spin.selectAll()
    qtbot.keyClicks(tab.count_spin.lineEdit(), "12")  # a value taken clears the message
    qtbot.keyClick(tab.count_spin.lineEdit(), Qt.Key_Return)
    assert tab.count_spin.value() == 12 and tab.controls.message_label.isHidden()


def scribble() -> np.ndarray:
    """A crossed-out box: no digit at all."""
    image = np.zeros((28, 28), np.float32)
    image[4:24, 4:6] = image[4:24, 22:24] = image[4:6, 4:24] = image[22:24, 4:24] = 1.0
    for i in range(4, 24):
        image[i, i - 1:i + 1] = image[i, 27 - i:29 - i] = 1.0
    return image


def test_style_transfer_reads_a_scribble_as_the_draw_tab_does(tab, app_state, qtbot):
    """Draw said "Unsure: the drawing is unusual for this model" while style transfer said "the
    model reads it as an 8 (99%)": a softmax over ELBO gaps of tens of nats is always sure."""
    from vae_desktop.core.digit_analysis import analyse_digit, guess_sentence

    with qtbot.waitSignal(app_state.test_pass_ready, timeout=120_000):
        app_state.request_test_pass(app_state.active)
    tab.src_drawing.setChecked(True)
    app_state.set_drawing(scribble(), origin="your drawing")
    tab.refresh_now()
    assert np.array_equal(tab.style_source, scribble())
    reference = app_state.test_pass(app_state.active).scores["loss"]
    analysis = analyse_digit(app_state.active.model, scribble(), reference=reference)
    said = guess_sentence(analysis, what="the image")
    assert said.startswith("Unsure: the image is unusual for this model")
    message = tab.style_message.text()
    assert said in message and "%" not in message
    # The bars show how far each label is behind the best, as on the Draw tab.
    behind = tab.style_panel.gap_bars.heights
    assert behind[analysis.best_labels[0]] == 0 and behind.max() > 0


def test_a_removed_model_is_not_kept_alive_by_the_tab(qapp, qtbot, bundled):
    """The tab remembers the conditional models last used, for "Switch to …"; a model removed
    from the list stayed in that memory, its weights with it, for the rest of the session."""
    import gc
    import weakref

    from vae_desktop.core import checkpoint
    from vae_desktop.gui.state import AppState

    state = AppState()
    state.add_model(bundled["mnist-vae-z2"])
    tab = ConditionalTab(state)
    qtbot.addWidget(tab)
    extra = checkpoint.load(bundled["mnist-cvae-z2"].path)
    state.add_model(extra, activate=False)
    assert tab.switch_target() is extra
    gone = weakref.ref(extra)
    state.remove_model(extra)
    del extra
    gc.collect()
    assert gone() is None
    assert tab.switch_target() is None  # nothing conditional is listed now


def test_style_transfer_bars_cut_at_the_top_are_marked_as_on_the_draw_tab(tab, qtbot):
    """The chart's bars stop at 40 nats; for a clear digit nine full bars looked like nine equal
    measurements. As on the Draw tab, a cut bar is faded and hatched, and the axis's top reads
    "40+"."""
    from vae_desktop.gui.tabs.conditional.style_transfer import GAP_SHOWN

    tab.test_index.setValue(0)  # a clear 7
    tab.refresh_now()
    bars = tab.style_panel.gap_bars
    cut = [d for d in range(10) if bars.heights[d] >= GAP_SHOWN]
    assert len(cut) >= 5 and tab.style.label not in cut
    assert all(bars._brushes[d].color().alpha() < 255 for d in cut)
    assert all(bars._brushes[d].color().alpha() == 255 for d in range(10) if d not in cut)
    levels = tab.style_panel.probs_plot.getAxis("left")._tickLevels
    assert levels is not None and (GAP_SHOWN, f"{GAP_SHOWN:g}+") in levels[0]
