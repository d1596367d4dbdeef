"""Evaluate tab: one name per figure. The cards' negative ELBO samples z (a true bound on
-log p(x)); what the table, the histogram and the anomaly score compute decodes z = mu (the
reconstruction of the mean code plus the KL), which is no bound and is not called an ELBO.

The bug: for mnist-vae-z50-binarized, K = 50 gave -log p(x) 86.29 while the line under the
cards read "z = mu: mean -ELBO 82.48": a negative ELBO can never fall below -log p(x). The same
figure was "-ELBO" in the table, "negative ELBO (nats)" on the histogram and "Negative ELBO: the
bound on -log p(x)" in the anomaly score's tooltip (anomaly scores decode z = mu too)."""

from __future__ import annotations

import pytest
import torch

from vae_desktop.core.anomaly import SCORES, anomaly_scores
from vae_desktop.core.evaluation import AT_MU, SCORE_NAMES, evaluate_model, reconstruct
from vae_desktop.core.evaluation import test_inputs as scored_inputs
from vae_desktop.gui.tabs.evaluate.anomaly_controls import AnomalyControls
from vae_desktop.gui.tabs.evaluate.anomaly_plots import AnomalyPlots
from vae_desktop.gui.tabs.evaluate.report_view import ReportView
from vae_desktop.gui.widgets.hint_text import plain_text

N = 300


@pytest.fixture(scope="module")
def binarized(bundled, mnist_test):
    model = bundled["mnist-vae-z50-binarized"].model.eval()
    images, labels = mnist_test[0][:N], mnist_test[1][:N]
    return model, images, labels, evaluate_model(model, images, labels)


def test_the_anomaly_score_is_the_tables_z_mu_figure(binarized):
    """Which is the anomaly "negative ELBO"? The z = mu figure of the table, image by image."""
    model, images, labels, report = binarized
    scores = anomaly_scores(model, scored_inputs(model, images), "elbo")
    assert torch.allclose(scores, report.scores["loss"], atol=1e-3)
    assert SCORES["elbo"] == AT_MU and SCORE_NAMES["loss"] == f"{AT_MU} (nats)"
    assert "ELBO" not in AT_MU


def test_the_report_names_the_z_mu_figure_without_calling_it_an_elbo(qtbot, binarized):
    model, images, labels, report = binarized
    view = ReportView()
    qtbot.addWidget(view)
    view.show_report(report, scored_inputs(model, images),
                     lambda x, y: reconstruct(model, x, y))
    at_mu = float(report.scores["loss"].mean())
    assert at_mu < report.test_loss  # this model: the z = mu figure is the lower one
    note = view.basis_note.text()
    assert f"{at_mu:.2f}" in note and "ELBO" not in note and AT_MU in note
    assert "not a bound" in plain_text(view.basis_note.toolTip())
    headers = [view.table.horizontalHeaderItem(c) for c in range(view.table.columnCount())]
    assert not any("ELBO" in h.text() for h in headers)
    loss_column = next(h for h in headers if "KL" in h.text() and "+" in h.text())
    assert "not a bound" in plain_text(loss_column.toolTip())
    assert all("ELBO" not in view.hist_combo.itemText(i) for i in range(view.hist_combo.count()))
    view.hist_combo.setCurrentIndex(view.hist_combo.findData("loss"))
    assert view.hist_plot.getAxis("bottom").labelText == SCORE_NAMES["loss"]
    # The cards keep the true, sampled negative ELBO's name.
    assert view.cards["test_loss"].findChildren(type(view.basis_note))[0].text() == "Negative ELBO"
    assert view.cards["test_loss"].value.text() == f"{report.test_loss:.2f}"


def test_the_anomaly_score_is_named_as_the_table_names_it(qtbot):
    controls = AnomalyControls()
    qtbot.addWidget(controls)
    combo = controls.score_combo
    texts = [combo.itemText(i) for i in range(combo.count())]
    assert texts[combo.findData("elbo")] == AT_MU[0].upper() + AT_MU[1:]
    tip = plain_text(combo.toolTip())
    assert "the bound on" not in tip and "not a bound" in tip and "z = μ" in tip
    plots = AnomalyPlots()
    qtbot.addWidget(plots)
    plots.name_score("elbo")
    assert plots.hist_plot.getAxis("bottom").labelText == f"{AT_MU} (nats)"
