"""The Evaluate tab: numbers for a bundled model, the gallery's click, and the held-out workflow
running in the background."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from vae_desktop.core.data import to_float
from vae_desktop.core.training import evaluate
from vae_desktop.gui.tabs.evaluate.tab import GALLERY_COLUMNS, GALLERY_ROWS, EvaluateTab
from vae_desktop.gui.state import AppState

N = 1000  # test digits the tab sees here (the app uses all 10,000)


@pytest.fixture(scope="module")
def small_state(qapp, mnist_test):
    from vae_desktop.gui.state import AppState

    state = AppState()
    state.load_bundled()
    images, labels = mnist_test[0][:N], mnist_test[1][:N]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(state, "test_set", lambda: (images, labels))
        patch.setattr(state, "test_images", lambda: to_float(images))
        state.set_active(state.find_model(conditional=False, latent_dim=16))
        yield state


@pytest.fixture(scope="module")
def tab(qapp, small_state, request):
    """One evaluated tab shared by the tests below (evaluating takes a few seconds)."""
    from pytestqt.qtbot import QtBot

    tab = EvaluateTab(small_state)
    tab.resize(1280, 790)
    with QtBot(request).waitSignal(tab.evaluated, timeout=120_000):
        tab.show()  # the first show evaluates, in the background
    yield tab
    tab.shutdown()
    tab.close()
    tab.deleteLater()


def test_tab_shows_numbers_for_the_bundled_model(tab, small_state, mnist_test):
    ckpt = small_state.active
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
    assert len(tab.gallery_indices) == GALLERY_COLUMNS * GALLERY_ROWS
    assert tab.gallery_indices == [int(i) for i in tab.report.worst]


def test_clicking_a_gallery_pair_opens_it_in_draw(qtbot, tab, small_state):
    index = 5
    scene_point = tab.gallery.view.mapViewToScene(tab.gallery.cell_center(index))
    pos = tab.gallery.mapFromScene(scene_point)
    requested = []
    small_state.tab_requested.connect(requested.append)
    with qtbot.waitSignal(small_state.show_in_draw, timeout=5000) as blocker:
        qtbot.mouseClick(tab.gallery.viewport(), Qt.LeftButton, pos=pos)
    image = blocker.args[0]
    assert image.shape == (28, 28) and image.dtype == np.float32
    expected = small_state.test_images()[tab.gallery_indices[index], 0].numpy()
    assert np.array_equal(image, expected)
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


def test_held_out_workflow_runs_in_the_background(qtbot, tab):
    panel = tab.anomaly
    panel.digit_combo.setCurrentIndex(0)
    panel.epochs_spin.setValue(1)
    panel.subset_spin.setValue(600)
    with qtbot.waitSignal(panel.result_shown, timeout=180_000):
        panel.start_holdout()
        # start_holdout returned at once: training runs while the GUI thread is free.
        assert panel.run is not None and panel.run.isRunning()
        assert panel.stop_button.isEnabled() and not panel.train_button.isEnabled()
    result = panel.result
    assert result.holdout == (0,) and 0.0 <= result.auroc <= 1.0
    assert len(result.anomalous) == int((tab.report.labels == 0).sum())
    assert "AUROC" in panel.summary.text() and "precision" in panel.summary.text()
    assert panel.outlier_table.item(0, 3).text() == f"{result.outlier_auroc['noise']:.3f}"
    qtbot.waitUntil(lambda: panel.run is None, timeout=10_000)
    assert panel.train_button.isEnabled() and panel.keep_button.isEnabled()
    # Moving the threshold re-counts at once (no model run).
    panel.percentile_spin.setValue(80.0)
    assert result.percentile == 80.0 and "80th percentile" in panel.summary.text()
    # Another score rescoring the held-out model, in the background too.
    with qtbot.waitSignal(panel.result_shown, timeout=60_000):
        panel.score_combo.setCurrentIndex(panel.score_combo.findData("recon"))
    assert panel.result.score == "recon" and panel.result.holdout == (0,)
    assert panel.result.percentile == 80.0
    # The held-out model can join the model list, for the other tabs.
    before = len(tab.state.models)
    panel.keep_button.click()
    assert len(tab.state.models) == before + 1
    kept = tab.state.models[-1]
    assert kept.name == "mnist-vae-without-0" and kept.path.is_file()
    assert tab.state.active is not kept


def test_stopping_the_held_out_training(qtbot, tab):
    panel = tab.anomaly
    panel.subset_spin.setValue(20_000)
    panel.epochs_spin.setValue(5)
    panel.start_holdout()
    panel.stop_holdout()
    qtbot.waitUntil(lambda: panel.run is None, timeout=60_000)
    assert "did not finish" in panel.status.text() or "stopped" in panel.status.text()
    assert panel.train_button.isEnabled() and not panel.stop_button.isEnabled()


def test_tab_without_a_model(qtbot):
    state = AppState()
    tab = EvaluateTab(state)
    qtbot.addWidget(tab)
    tab.show()
    assert "No model" in tab.title.text()
    assert tab.report is None and tab.table.rowCount() == 0
    tab.anomaly.score_active()
    assert "No active model" in tab.anomaly.status.text()
