"""Evaluate tab, anomaly detection's views: the histogram's axis and legend, and the words for
AUROC and the threshold, with a real result (the bundled 16-D VAE, held-out 2, a few hundred
test digits)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from small_test_set import use_test_digits

from vae_desktop.core.anomaly import SCORES, run_experiment
from vae_desktop.gui.tabs.evaluate.anomaly_controls import AnomalyControls
from vae_desktop.gui.tabs.evaluate.anomaly_panel import AnomalyPanel, Detector
from vae_desktop.gui.tabs.evaluate.anomaly_plots import AnomalyPlots
from vae_desktop.gui.widgets.hint_text import plain_text

N = 300


@pytest.fixture(scope="module")
def result(bundled, mnist_test, mnist_train_small):
    """Held-out 2 scored by the bundled 16-D VAE (it saw every digit: the AUROC is modest)."""
    model = bundled["mnist-vae-z16"].model.eval()
    return run_experiment(model, mnist_train_small[0][:N], mnist_test[0][:N], mnist_test[1][:N],
                          (2,), outlier_count=50)


def bottom_label(plot) -> str:
    return plot.getAxis("bottom").labelText


def test_the_empty_histogram_names_the_chosen_score(qtbot, app_state, mnist_test, monkeypatch,
                                                    result):
    """Bug: after a model change, picking Reconstruction error left the empty plot reading
    the first score's name, the label of the result that had gone."""
    use_test_digits(app_state, mnist_test, monkeypatch, N)
    first = app_state.find_model(conditional=False, latent_dim=16)
    app_state.set_active(first)
    panel = AnomalyPanel(app_state)
    qtbot.addWidget(panel)
    hist = panel.plots.hist_plot
    assert bottom_label(hist) == f"{SCORES['elbo']} (nats)"  # the score chosen, before any result
    panel.detector = Detector(first.model, first.name, None, (), [], {}, source=first)
    panel._show(result)
    assert bottom_label(hist) == f"{SCORES['elbo']} (nats)"
    panel.on_active_model_changed(app_state.find_model(conditional=True, latent_dim=2))
    assert panel.result is None and "No detector yet" in panel.summary.text()
    panel.score_combo.setCurrentIndex(panel.score_combo.findData("recon"))
    assert bottom_label(hist) == "reconstruction error (nats)"
    panel.score_combo.setCurrentIndex(panel.score_combo.findData("elbo"))
    assert bottom_label(hist) == f"{SCORES['elbo']} (nats)"


def test_the_legend_is_whole_at_1280x720(qtbot, result):
    """Bug: the legend, the histogram's title, was cut: 'threshold (95th pct'."""
    plots = AnomalyPlots()
    qtbot.addWidget(plots)
    plots.resize(655, 450)  # the anomaly half of the Evaluate tab in a 1264x672 window
    plots.show()
    qtbot.waitExposed(plots)
    plots.show_result(result, "model without 2 (1 epoch)")
    qtbot.wait(20)  # the layout settles
    legend = plots.hist_legend
    shown = plain_text(legend.text()).replace("\xa0", " ")
    for words in ("normal digits", "held-out 2", "threshold (95th percentile)"):
        assert words in shown
    assert legend.isVisible() and legend.wordWrap()
    assert legend.heightForWidth(legend.width()) <= legend.height()  # every line shown
    assert legend.width() <= plots.hist_plot.width() + 1  # above the histogram, not beyond it
    assert plots.hist_plot.plotItem.titleLabel.text == ""  # no single-line title to cut


def test_auroc_and_the_threshold_have_one_name_each(qtbot, result):
    """'AUROC 0.765' in the summary read 'ROC — AUC 0.765' over the curve; the threshold was
    '95th pct' in the legend and '95th percentile' elsewhere."""
    plots = AnomalyPlots()
    qtbot.addWidget(plots)
    plots.show_result(result, "model without 2 (1 epoch)")
    auroc = f"AUROC {result.auroc:.3f}"
    assert auroc in plots.summary.text() and auroc in plots.roc_plot.plotItem.titleLabel.text
    assert "AUC " not in plots.roc_plot.plotItem.titleLabel.text
    assert "95th percentile" in plots.summary.text() and "pct" not in plots.hist_legend.text()
    assert plots.outlier_table.horizontalHeaderItem(3).text() == "AUROC"
    # The score is named on the histogram's axis and, with the threshold in full, in the
    # summary's tooltip (in the summary it cost a third line at 1280x720). The threshold is a
    # percentile of the training digits' scores, said alike in the summary and the Threshold
    # box (the Draw tab's 'Unusual above' is one of the test digits').
    assert plots.hist_plot.getAxis("bottom").labelText == f"{SCORES[result.score]} (nats)"
    summary = plain_text(plots.summary.text())
    assert "(95th percentile of training scores)" in summary
    said = plain_text(plots.summary.toolTip())
    assert f"95th percentile of the training digits' scores ({SCORES['elbo']})" in said
    controls = AnomalyControls()
    qtbot.addWidget(controls)
    threshold_tip = plain_text(controls.percentile_spin.toolTip())
    assert "percentile of the training digits' scores" in threshold_tip and "Draw" in threshold_tip


def test_the_threshold_reads_as_an_ordinal_percentile(qtbot, result):
    """At 91 the summary and the legend said "91th percentile", and the box "91.0th percentile";
    the box now reads "percentile 91" (an ordinal that changes as one types cannot be a suffix)."""
    controls = AnomalyControls()
    qtbot.addWidget(controls)
    controls.percentile_spin.setValue(91.0)
    assert controls.percentile_spin.text() == "percentile 91"
    controls.percentile_spin.setValue(99.5)
    assert controls.percentile_spin.text() == "percentile 99.5"
    plots = AnomalyPlots()
    qtbot.addWidget(plots)
    plots.show_result(replace(result, percentile=91.0), "model without 2 (1 epoch)")
    assert "(91st percentile of training scores)" in plain_text(plots.summary.text())
    assert "91st percentile of the training digits' scores" in plain_text(plots.summary.toolTip())
    assert "threshold (91st percentile)" in plain_text(plots.hist_legend.text()).replace(
        "\xa0", " ")
