"""The Evaluate tab: numbers for a bundled model from the shared test-set pass, the gallery's
click, its size at 1280x720, a change of model, and the held-out workflow in the background."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PySide6.QtCore import QSize, Qt
from typing_support import focus_window

from vae_desktop.core.data import to_float
from vae_desktop.core.library import ModelLibrary
from vae_desktop.core.paths import models_dir
from vae_desktop.core.training import evaluate
from vae_desktop.gui.state import AppState
from vae_desktop.gui.tabs.evaluate.anomaly_panel import ACTIVE_THRESHOLD_IMAGES
from vae_desktop.gui.tabs.evaluate.report_view import GALLERY_COLUMNS, GALLERY_ROWS
from vae_desktop.gui.tabs.evaluate.tab import EvaluateTab
from vae_desktop.gui.widgets.gallery_pairs import MIN_SCALE
from vae_desktop.gui.widgets.hint_text import plain_text

N = 1000  # test digits the tab sees here (the app uses all 10,000)
# The tab's room in a 1280x720 window, less the menu, tool, tab and status bars.
ROOM_AT_720P = QSize(1280, 590)


@pytest.fixture(scope="module")
def small_state(qapp, mnist_test):
    state = AppState()
    state.load_library()
    images, labels = mnist_test[0][:N], mnist_test[1][:N]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(state, "test_set", lambda: (images, labels))
        patch.setattr(state, "test_images", lambda: to_float(images))
        state.set_active(state.find_model(conditional=False, latent_dim=16))
        yield state
        state.workers.stop_all()
        state.workers.wait_all(30)


@pytest.fixture(scope="module")
def tab(qapp, small_state, request):
    """One evaluated tab shared by the tests below (evaluating takes a few seconds)."""
    from pytestqt.qtbot import QtBot

    tab = EvaluateTab(small_state)

    def ask_about_unkept(doing):  # the real question would wait offscreen for a click
        raise AssertionError(f"asked whether to keep the held-out model, to {doing}")

    tab.anomaly.ask_about_unkept = ask_about_unkept
    tab.resize(1280, 790)
    with QtBot(request).waitSignal(tab.evaluated, timeout=120_000):
        tab.show()  # the first show asks for the test-set pass, made in the background
    yield tab
    assert tab.shutdown()
    tab.close()
    tab.deleteLater()


def test_tab_shows_the_shared_test_set_pass(tab, small_state, mnist_test):
    ckpt = small_state.active
    assert tab.report is small_state.test_pass(ckpt)  # the one pass, not one of its own
    direct = evaluate(ckpt.model, mnist_test[0][:N], mnist_test[1][:N])
    assert tab.cards["test_loss"].value.text() == f"{direct['test_loss']:.2f}"
    assert tab.cards["kl"].value.text() == f"{direct['kl']:.2f}"
    assert float(tab.cards["psnr"].value.text()) == pytest.approx(tab.report.psnr, abs=0.01)
    assert ckpt.name in tab.title.text()
    assert tab.table.rowCount() == 10
    for r in range(10):
        digit = int(tab.table.item(r, 0).text())
        row = next(x for x in tab.report.per_digit if x.digit == digit)
        assert tab.table.item(r, 1).text() == f"{row.count:,}"
        assert float(tab.table.item(r, 2).text()) == pytest.approx(row.loss, abs=0.05)
    assert "evaluated" in tab.status.text()
    assert len(tab.gallery_indices) == GALLERY_COLUMNS * tab.gallery.rows
    assert tab.gallery.rows >= GALLERY_ROWS
    assert tab.gallery_indices == [int(i) for i in tab.report.worst[:len(tab.gallery_indices)]]


def test_a_tall_window_shows_more_of_the_worst_reconstructions(qtbot, tab):
    """At 1920x1080 the 18 pairs sat about 45 px high in the middle of a tall dark column."""
    before = tab.gallery.rows
    tab.resize(1900, 1000)
    qtbot.waitUntil(lambda: tab.gallery.rows > before, timeout=3000)
    rows = tab.gallery.rows
    worst = torch.argsort(tab.report.scores["recon"], descending=True)
    assert len(tab.gallery_indices) == GALLERY_COLUMNS * rows == tab.gallery.count
    assert tab.gallery_indices == [int(i) for i in worst[:len(tab.gallery_indices)]]
    # The pairs fill the column's height: under one row of it is left over.
    cell_px = tab.gallery.cell_size()[1] * tab.gallery.pixel_scale()
    assert tab.gallery.height() - rows * cell_px < 1.5 * cell_px
    tab.resize(1280, 790)  # as the other tests have it
    qtbot.waitUntil(lambda: tab.gallery.rows == before, timeout=3000)
    assert len(tab.gallery_indices) == GALLERY_COLUMNS * before


def test_clicking_a_gallery_pair_opens_it_in_draw(qtbot, tab, small_state):
    index = 5
    scene_point = tab.gallery.view.mapViewToScene(tab.gallery.cell_center(index))
    pos = tab.gallery.mapFromScene(scene_point)
    requested = []
    small_state.tab_requested.connect(requested.append)
    with qtbot.waitSignal(small_state.drawing_changed, timeout=5000) as blocker:
        qtbot.mouseClick(tab.gallery.viewport(), Qt.LeftButton, pos=pos)
    drawing = blocker.args[0]
    test_index = tab.gallery_indices[index]
    assert drawing is small_state.drawing and drawing.origin == f"test image #{test_index}"
    expected = small_state.test_images()[test_index, 0].numpy()
    assert drawing.image.dtype == np.float32 and np.array_equal(drawing.image, expected)
    assert requested == ["Draw"]


def test_selecting_a_digit_filters_the_gallery(tab):
    row = next(r for r in range(10) if tab.table.item(r, 0).text() == "3")
    tab.table.selectRow(row)
    assert tab.selected_digit() == 3
    labels = tab.report.labels
    assert tab.gallery_indices and all(int(labels[i]) == 3 for i in tab.gallery_indices)
    worst_three = max((i for i in range(N) if int(labels[i]) == 3),
                      key=lambda i: float(tab.report.scores["recon"][i]))
    assert tab.gallery_indices[0] == worst_three
    tab.table.clearSelection()
    assert tab.selected_digit() is None and tab.gallery_indices[0] == int(tab.report.worst[0])


def test_gallery_digits_stay_readable_at_1280x720(qtbot, tab):
    """Bug: at 1280x720 the worst reconstructions shrank to specks (21 px a digit)."""
    # The main window gives a tab the room it has, or its minimum size and a scroll bar.
    assert tab.minimumSizeHint().height() <= ROOM_AT_720P.height()
    try:
        tab.resize(ROOM_AT_720P.expandedTo(tab.minimumSizeHint()))
        qtbot.waitUntil(lambda: tab.gallery.height() <= ROOM_AT_720P.height())
        qtbot.wait(50)
        assert tab.gallery.pixel_scale() >= MIN_SCALE - 0.01  # 28 px digits at 35 px or more
    finally:
        tab.resize(1280, 790)


def test_a_new_active_model_clears_the_report_and_asks_for_its_pass(qtbot, tab, small_state):
    """The report never shows another model's numbers."""
    first = small_state.active
    other = small_state.find_model(conditional=True, latent_dim=2)
    small_state.set_active(other)
    try:
        assert tab.report is None and tab.table.rowCount() == 0
        assert tab.cards["test_loss"].value.text() == "–" and other.name in tab.title.text()
        assert small_state.test_pass_running(other) or small_state.test_pass(other) is not None
        with qtbot.waitSignal(tab.evaluated, timeout=60_000):
            pass
        assert tab.report is small_state.test_pass(other)
    finally:
        small_state.set_active(first)
    assert tab.report is small_state.test_pass(first)  # ready: shown at once


def test_held_out_workflow_runs_in_the_background(qtbot, tab):
    panel = tab.anomaly
    panel.digit_combo.setCurrentIndex(0)
    panel.epochs_spin.setValue(1)
    panel.train_size_spin.setValue(600)
    assert tab.busy_reason() is None
    with qtbot.waitSignal(panel.result_shown, timeout=180_000):
        panel.start_holdout()
        # start_holdout returned at once: training runs while the GUI thread is free.
        assert panel.training and tab.busy_reason() == "A held-out-digit model is training."
        assert panel.stop_button.isEnabled() and not panel.train_button.isEnabled()
    result = panel.result
    assert result.holdout == (0,) and 0.0 <= result.auroc <= 1.0
    assert len(result.anomalous) == int((tab.report.labels == 0).sum())
    assert "AUROC" in panel.summary.text() and "precision" in panel.summary.text()
    assert panel.outlier_table.item(0, 3).text() == f"{result.outlier_auroc['noise']:.3f}"
    qtbot.waitUntil(lambda: not panel.training, timeout=10_000)
    # Trained, not yet kept: quitting would lose it, and the quit question says so.
    assert tab.busy_reason() is None  # nothing runs
    assert tab.unkept_reason() == ("The model without 0 (1 epoch) trained on the Evaluate tab "
                                   "has not been added to the models.")
    assert panel.train_button.isEnabled() and panel.keep_button.isEnabled()
    # Moving the threshold re-counts at once (no model run).
    panel.percentile_spin.setValue(80.0)
    assert result.percentile == 80.0 and "80th percentile" in panel.summary.text()
    # Another score rescores the held-out model, in the background too.
    with qtbot.waitSignal(panel.result_shown, timeout=60_000):
        panel.score_combo.setCurrentIndex(panel.score_combo.findData("recon"))
    assert panel.result.score == "recon" and panel.result.holdout == (0,)
    assert panel.result.percentile == 80.0
    # The held-out model joins the models, saved in the models folder and listed in the
    # library, so the next session has it too.
    before = len(tab.state.models)
    panel.keep_button.click()
    kept = panel.kept
    assert len(tab.state.models) == before + 1 and tab.state.models[-1] is kept
    assert tab.unkept_reason() is None and tab.quit_note() is None
    assert "without 0" in kept.name and kept.path.parent == models_dir()
    assert tab.state.active is not kept and not kept.config.conditional
    next_session = ModelLibrary(index=tab.state.library.index)
    next_session.load()
    entry = next_session.find(kept.path)
    assert entry is not None and entry.origin == "holdout" and entry.name == kept.name
    panel.score_combo.setCurrentIndex(panel.score_combo.findData("elbo"))
    qtbot.waitUntil(lambda: not panel.busy, timeout=60_000)


def test_stopping_the_held_out_training(qtbot, tab):
    panel = tab.anomaly
    panel.train_size_spin.setValue(20_000)
    panel.epochs_spin.setValue(5)
    panel.start_holdout()
    panel.stop_holdout()
    qtbot.waitUntil(lambda: not panel.training, timeout=60_000)
    assert "did not finish" in panel.status.text() or "stopped" in panel.status.text()
    assert panel.train_button.isEnabled() and not panel.stop_button.isEnabled()


def test_the_active_models_anomaly_scores_use_the_pass_and_go_with_the_model(qtbot, tab,
                                                                             small_state):
    """The unconditional active model's test scores are its pass's; on a model change its
    results go, even while a held-out model trains (the bug: they stayed on screen then)."""
    panel = tab.anomaly
    first = small_state.active
    axes = [panel.plots.hist_plot.getAxis(side) for side in ("left", "bottom")]
    with qtbot.waitSignal(panel.result_shown, timeout=60_000):
        panel.score_active()
    assert panel.result.holdout == () and first.name in panel.summary.text()
    # The digits above the threshold are false alarms, not "all normal" beside "5.6% flagged".
    assert "are normal" not in panel.summary.text() and "false alarms" in panel.summary.text()
    assert all(axis.style["showValues"] for axis in axes)
    report = small_state.test_pass(first)
    assert np.array_equal(panel.result.normal.numpy(), report.scores["loss"].numpy())
    # Its threshold's training images are the first of the app's training split, read once
    # for the whole app (the Train tab's runs take theirs from it too), not read again.
    threshold_images = panel.detector.train_images
    assert len(threshold_images) == ACTIVE_THRESHOLD_IMAGES
    assert threshold_images.data_ptr() == small_state.train_split.get()[0].data_ptr()

    panel.train_size_spin.setValue(600)
    panel.epochs_spin.setValue(200)  # long enough to still be training below
    panel.start_holdout()
    try:
        other = small_state.find_model(conditional=False, latent_dim=2)
        small_state.set_active(other)
        assert panel.training
        assert panel.result is None and first.name not in panel.summary.text()
        assert "No detector yet" in panel.summary.text()
        assert not any(axis.style["showValues"] for axis in axes)  # no made-up 0..1 values
    finally:
        panel.stop_holdout()
        qtbot.waitUntil(lambda: not panel.training, timeout=60_000)
        small_state.set_active(first)
        qtbot.waitUntil(lambda: tab.report is not None, timeout=60_000)


def test_shutdown_stops_a_held_out_run(qtbot, small_state):
    tab = EvaluateTab(small_state)
    qtbot.addWidget(tab)
    tab.anomaly.train_size_spin.setValue(600)
    tab.anomaly.epochs_spin.setValue(200)
    tab.anomaly.start_holdout()
    assert tab.busy_reason() == "A held-out-digit model is training."
    assert tab.shutdown()  # stopped and ended within its 2 s
    qtbot.waitUntil(lambda: not tab.anomaly.training, timeout=5000)
    assert tab.busy_reason() is None


def test_tab_without_a_model(qtbot):
    state = AppState()
    tab = EvaluateTab(state)
    qtbot.addWidget(tab)
    tab.show()
    assert "No model" in tab.title.text()
    assert tab.report is None and tab.table.rowCount() == 0
    tab.anomaly.score_active()
    assert "No active model" in tab.anomaly.status.text()


def test_log_likelihood_on_demand_with_gap_and_active_units(tab, small_state, mnist_test, qtbot):
    from vae_desktop.core.likelihood import importance_nll

    panel = tab.likelihood
    assert panel.units.text() == "16 of 16 latent dimensions active"
    assert "not estimated yet" in panel.result.text()
    panel.k_combo.setCurrentIndex(panel.k_combo.findData(50))
    panel.run_button.click()
    assert panel.run_button.text() == "Stop" and not panel.k_combo.isEnabled()
    qtbot.waitUntil(lambda: panel.estimate(50) is not None and panel._job is None,
                    timeout=120_000)
    images, labels = mnist_test[0][:N], mnist_test[1][:N]
    direct = importance_nll(small_state.active.model, to_float(images), labels, k=50)
    assert panel.estimate(50).nll == pytest.approx(direct.nll, abs=1e-6)  # the same seeded figure
    gap = tab.report.test_loss - direct.nll
    assert gap > 1 and f"{direct.nll:.2f}" in panel.result.text()
    assert f"{gap:.2f}" in panel.result.text()
    # Another K has its own figure; coming back to K = 50 shows the kept one.
    panel.k_combo.setCurrentIndex(panel.k_combo.findData(5000))
    assert "not estimated yet" in panel.result.text()
    panel.k_combo.setCurrentIndex(panel.k_combo.findData(50))
    assert f"{direct.nll:.2f}" in panel.result.text()


def test_stopping_the_estimate_keeps_nothing_half_done_and_says_so(tab, qtbot):
    """A stopped estimate went back to 'not estimated yet' without a word."""
    panel = tab.likelihood
    panel.k_combo.setCurrentIndex(panel.k_combo.findData(5000))
    panel.run_button.click()
    assert tab.busy_reason() == "A log-likelihood estimate is running."
    panel.run_button.click()  # Stop
    assert panel.run_button.text() == "Estimate" and panel.k_combo.isEnabled()
    assert tab.busy_reason() is None
    qtbot.wait(300)
    assert panel.estimate(5000) is None
    said = plain_text(panel.result.text())
    assert "not estimated yet" not in said
    assert said.startswith("The estimate with K = 5,000 was stopped at ") and said.endswith(
        "%: press Estimate to run it again.")
    # Another K has nothing to say; K = 5,000 still says it was stopped.
    panel.k_combo.setCurrentIndex(panel.k_combo.findData(500))
    assert "not estimated yet" in panel.result.text()
    panel.k_combo.setCurrentIndex(panel.k_combo.findData(5000))
    assert plain_text(panel.result.text()) == said


def test_an_estimate_cut_short_by_a_model_change_is_said(tab, qtbot, small_state):
    """Switching the model stopped a K = 5,000 estimate without a word."""
    panel = tab.likelihood
    first = small_state.active
    said = []
    small_state.status_message.connect(lambda text, _ms: said.append(text))
    panel.k_combo.setCurrentIndex(panel.k_combo.findData(5000))
    panel.run_button.click()
    assert tab.busy_reason() == "A log-likelihood estimate is running."
    small_state.set_active(next(m for m in small_state.models if m is not first))
    assert tab.busy_reason() is None
    assert any("estimate of " + first.name + " stopped" in text for text in said), said
    assert "not estimated yet" in panel.result.text()  # the new model's: nothing was run on it
    small_state.set_active(first)  # as the tests after this one expect (the tab is shared)
    # Back on the first model, its row says what happened to its estimate.
    assert plain_text(panel.result.text()) == (
        "The estimate with K = 5,000 was dropped when the active model changed: press Estimate "
        "to run it again.")


def _anomaly_panel_in_focus(tab, qtbot):
    """The anomaly panel, its window shown and active so that typed keys reach its boxes."""
    focus_window(qtbot, tab.anomaly)
    return tab.anomaly


def test_the_held_out_boxes_say_what_they_did_not_take(tab, qtbot):
    """As on the Train and Sweep forms: "0" epochs went back to 10 without a word."""
    panel = _anomaly_panel_in_focus(tab, qtbot)
    epochs = panel.epochs_spin
    kept = epochs.value()
    epochs.setFocus()
    epochs.selectAll()
    qtbot.keyClicks(epochs, "0")
    panel.train_size_spin.setFocus()  # leaving the box
    assert epochs.value() == kept
    assert (f"Epochs must be an integer from 1 to 10,000: 0 was not taken (it stays {kept})."
            in panel.status.text())


def test_the_threshold_box_says_what_it_did_not_take(tab, qtbot):
    """Typing "150" into Threshold showed "15th percentile" and went back to 95.0 on Tab without a
    word. It is still not taken, and the status line says why, quoting all that was typed; a
    value in range typed with or without the "percentile" prefix is taken."""
    panel = _anomaly_panel_in_focus(tab, qtbot)
    box = panel.percentile_spin
    box.setValue(95.0)
    box.setFocus()
    box.selectAll()  # the number, not the prefix
    qtbot.keyClicks(box.lineEdit(), "150")
    rule = "Threshold must be from 50 to 99.9"
    assert f"{rule}: 150 was not taken (it stays percentile 95)." in panel.status.text()
    qtbot.keyClick(box.lineEdit(), Qt.Key_Tab)  # leaving the box: 95.0 stays, and the message
    assert box.value() == 95.0 and box.text() == "percentile 95"
    assert f"{rule}: 150 was not taken (it stays percentile 95)." in panel.status.text()
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box.lineEdit(), "40")
    qtbot.keyClick(box.lineEdit(), Qt.Key_Return)  # sends 95.0 again: still not a value taken
    assert box.value() == 95.0
    assert f"{rule}: 40 was not taken (it stays percentile 95)." in panel.status.text()
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box.lineEdit(), "97.5")
    qtbot.keyClick(box.lineEdit(), Qt.Key_Return)
    assert box.value() == 97.5 and box.text() == "percentile 97.5"
    box.setFocus()
    box.lineEdit().selectAll()  # the whole text, prefix and all: typed without it
    qtbot.keyClicks(box.lineEdit(), "90")
    qtbot.keyClick(box.lineEdit(), Qt.Key_Return)
    assert box.value() == 90.0 and box.text() == "percentile 90"
    assert "must be" not in panel.status.text()
    box.setValue(95.0)


def test_the_two_negative_elbos_are_told_apart_where_they_meet(tab):
    """The card's tooltip said the table's z = mu -ELBO "is lower"; on some models it is higher
    (a conv VAE: card 212.42, table 252). Each figure is now said for what it is, visibly, in
    the line under the cards."""
    report = tab.report
    card_tip = plain_text(tab.cards["test_loss"].toolTip())
    assert "is lower" not in card_tip and "sampled z" in card_tip and "z = posterior mean" in card_tip
    note = plain_text(tab.report_view.basis_note.text())
    at_mu = float(report.scores["loss"].mean())
    assert tab.report_view.basis_note.isVisible()
    assert "sampled z" in note and "z = μ" in note and f"{at_mu:.2f}" in note
    # Between the cards and the table it explains.
    view = tab.report_view
    y = [w.mapTo(view, w.rect().topLeft()).y() for w in (view.cards["test_loss"], view.basis_note,
                                                          view.table)]
    assert y == sorted(y)
    note_tip = plain_text(view.basis_note.toolTip())
    gap = at_mu - report.test_loss
    assert f"{abs(gap):.2f} nats {'higher' if gap > 0 else 'lower'}" in note_tip
    assert f"{report.test_loss:.2f}" in note_tip


def test_a_posterior_mean_above_the_sampled_figure_is_said_as_higher(tab):
    """The case the old tooltip got wrong: the same report, its sampled figure set 30 nats
    under the z = mu mean (as on the audit's conv VAE)."""
    import dataclasses

    report = tab.report
    at_mu = float(report.scores["loss"].mean())
    lower = dataclasses.replace(report, test_loss=at_mu - 30.0)
    try:
        tab.report_view.show_report(lower, tab.state.test_images(), tab.report_view._reconstruct)
        assert "30.00 nats higher" in plain_text(tab.report_view.basis_note.toolTip())
        assert tab.cards["test_loss"].value.text() == f"{at_mu - 30.0:.2f}"
    finally:
        tab.report_view.show_report(report, tab.state.test_images(), tab.report_view._reconstruct)
