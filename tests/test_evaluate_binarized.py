"""Evaluate tab, a model trained on binarised MNIST: what is shown is what the model was scored
on. The gallery's test digits are the binarised inputs the report scored (not the grey-level
images beside reconstructions of binarised ones), one digit's gallery decodes them too, and the
anomaly scores binarise the threshold's training images and the outliers as the test digits are.

The bug: for mnist-vae-z50-binarized "Worst reconstructions" showed grey-level test digits beside
reconstructions of their binarisations, and selecting a digit decoded the grey levels, while
the cards and the hover's PSNR were of the binarised inputs; the anomaly threshold was set on
grey-level training images while the test digits' scores were of binarised ones."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from small_test_set import use_test_digits

from vae_desktop.core.anomaly import anomaly_scores
from vae_desktop.core.data import binarize_fixed
from vae_desktop.core.evaluation import reconstruct
from vae_desktop.gui.tabs.evaluate.tab import EvaluateTab

N = 300


@pytest.fixture
def tab(qtbot, app_state, mnist_test, monkeypatch):
    use_test_digits(app_state, mnist_test, monkeypatch, N)
    app_state.set_active(next(m for m in app_state.models if m.config.binarized))
    tab = EvaluateTab(app_state)
    qtbot.addWidget(tab)
    shown = []
    gallery = tab.report_view.gallery
    real = gallery.set_pairs
    monkeypatch.setattr(gallery, "set_pairs",
                        lambda inputs, recons: (shown.append((inputs, recons)), real(inputs, recons)))
    tab.shown = shown
    with qtbot.waitSignal(tab.evaluated, timeout=60_000):
        tab.show()
    yield tab
    assert tab.shutdown()


def test_the_gallery_shows_the_binarised_digits_the_model_was_scored_on(tab, app_state,
                                                                         mnist_test):
    model = app_state.active.model
    scored = binarize_fixed(mnist_test[0][:N])
    report = tab.report
    assert report.binarized
    inputs, recons = tab.shown[-1]
    indices = tab.gallery_indices
    assert set(np.unique(inputs).tolist()) <= {0.0, 1.0}
    assert np.array_equal(inputs, scored[indices, 0].numpy())
    assert np.allclose(recons, report.reconstructions[:len(indices)].numpy())
    assert "binarised" in tab.report_view.gallery_info.text().lower()
    # One digit: decoded from the binarised inputs too.
    row = next(r for r in range(10) if tab.table.item(r, 0).value == 3)
    tab.table.selectRow(row)
    inputs, recons = tab.shown[-1]
    indices = tab.gallery_indices
    assert all(int(report.labels[i]) == 3 for i in indices)
    assert np.array_equal(inputs, scored[indices, 0].numpy())
    expected = reconstruct(model, scored[indices], report.labels[indices])[:, 0]
    assert np.allclose(recons, expected.numpy(), atol=1e-6)


def test_the_anomaly_threshold_is_set_on_binarised_training_images(qtbot, tab, app_state):
    panel = tab.anomaly
    with qtbot.waitSignal(panel.result_shown, timeout=60_000):
        panel.score_active()
    result = panel.result
    model = app_state.active.model
    train = binarize_fixed(panel.detector.train_images)
    assert torch.allclose(result.train, anomaly_scores(model, train), atol=1e-3)
    # The test digits' scores are the report's (binarised) ones, on the same footing.
    assert torch.equal(result.normal, tab.report.scores["loss"])
    for name, image in result.outlier_examples.items():
        assert set(image.unique().tolist()) <= {0.0, 1.0}, name  # shown as scored
    # Binarised noise is random pixels, not a second blank image (binarised with the noise's
    # own seed, every pixel came out 0).
    assert 0.4 < float(result.outlier_examples["noise"].mean()) < 0.6
    assert float(result.outliers["noise"].mean()) > 2 * float(result.outliers["blank"].mean())


def test_a_pair_opens_in_draw_as_it_is_shown(tab, app_state, mnist_test):
    index = tab.gallery_indices[0]
    tab.open_in_draw(index)
    drawing = app_state.drawing
    assert np.array_equal(drawing.image, binarize_fixed(mnist_test[0][:N])[index, 0].numpy())
    assert drawing.origin == f"test image #{index} (binarised)"
