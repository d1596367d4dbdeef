"""Evaluate tab: a model trained without some digits, scored as the active model, is scored as
the held-out experiment scored it: its held-out digits are the anomalies (AUROC, ROC curve) and
its threshold comes from its own training images, so the figures are the same. The per-digit
table marks the digits it never saw.

The bug: the auditor trained a model without 2 (2 epochs, 3,000 images: AUROC 0.855, threshold
218.6, rotated digits flagged 43.6%), added it to the models, made it active and pressed Score
active model: "with every test digit taken as normal: threshold 240.4 nats ... Hold out a digit
for an ROC curve", rotated flagged 25.1%. Every test digit was taken as normal and the threshold
came from the first 10,000 training images, 2s included."""

from __future__ import annotations

import pytest
from small_test_set import use_test_digits

from vae_desktop.core.anomaly import holdout_steps
from vae_desktop.core.jobs import run_to_end
from vae_desktop.gui.model_files import describe_model
from vae_desktop.gui.tabs.evaluate.tab import EvaluateTab
from vae_desktop.gui.widgets.hint_text import plain_text

N = 300  # test digits


@pytest.fixture
def tab(qtbot, app_state, mnist_test, monkeypatch):
    use_test_digits(app_state, mnist_test, monkeypatch, N)
    app_state.set_active(app_state.find_model(conditional=False, latent_dim=16))
    tab = EvaluateTab(app_state)
    qtbot.addWidget(tab)
    tab.anomaly.ask_about_unkept = lambda doing: pytest.fail(f"asked, to {doing}")
    yield tab
    assert tab.shutdown()


def test_a_held_out_model_scored_as_active_gives_the_held_out_figures(qtbot, tab, app_state):
    panel = tab.anomaly
    # The panel's held-out job, run to its end here: 1 epoch (one batch) on 128 training
    # digits without 2.
    outcome = run_to_end(holdout_steps((2,), app_state.test_set(), epochs=1, train_size=128,
                                       device="cpu"))
    held_out = outcome.result
    assert held_out.auroc is not None
    panel._on_holdout_done(outcome)  # as its worker hands it over
    kept = panel.keep_holdout_model()
    assert kept is not None and kept.train_config["digits"] == [0, 1, 3, 4, 5, 6, 7, 8, 9]

    app_state.set_active(kept)
    with qtbot.waitSignal(tab.evaluated, timeout=60_000):
        tab.show()
    # Its checkpoint records the test loss the Evaluate cards show (the status bar said "test
    # loss not measured" beside the tab's 169.74).
    assert kept.test_loss == pytest.approx(tab.report.test_loss, abs=1e-9)
    assert kept.history[-1]["test_recon"] == pytest.approx(tab.report.recon, abs=1e-9)
    assert "not measured" not in describe_model(kept)
    with qtbot.waitSignal(panel.result_shown, timeout=60_000):
        panel.score_active()
    result = panel.result
    assert panel.detector.source is kept and result.holdout == (2,)
    assert result.auroc == pytest.approx(held_out.auroc, abs=1e-4)
    assert result.threshold == pytest.approx(held_out.threshold, rel=1e-6)
    assert result.at_threshold["recall"] == pytest.approx(held_out.at_threshold["recall"],
                                                          abs=1e-3)
    for name, flagged in held_out.outlier_flagged.items():
        assert result.outlier_flagged[name] == pytest.approx(flagged, abs=1e-3), name
    # Its threshold's images are its own training images: 128, no 2 among them.
    assert len(panel.detector.train_images) == 128
    summary = plain_text(panel.summary.text())
    assert f"AUROC {held_out.auroc:.3f}" in summary and "held-out 2" in summary
    assert "Hold out a digit" not in summary and "every test digit" not in summary
    assert panel.plots.roc_plot.auc == pytest.approx(held_out.auroc, abs=1e-4)
    active_tip = plain_text(panel.active_button.toolTip())
    assert "(trained on every digit)" not in active_tip and "own training images" in active_tip

    # The per-digit table marks the digit the model never saw, in words and at sight.
    table = tab.table
    rows = {table.item(r, 0).value: table.item(r, 0) for r in range(table.rowCount())}
    assert set(rows) == set(range(10))
    assert "never seen in training" in plain_text(rows[2].toolTip()).lower()
    assert rows[2].text() != "2" and rows[2].text().startswith("2")
    assert all(rows[d].text() == str(d) and "never seen" not in rows[d].toolTip()
               for d in range(10) if d != 2)


def test_what_a_checkpoint_says_it_was_trained_on():
    from vae_desktop.core.anomaly import TrainedOn, trained_on

    assert trained_on(None) == TrainedOn(None, None) and trained_on({}).holdout == ()
    assert trained_on({"digits": list(range(10)), "train_size": None}) == TrainedOn(None, None)
    seen = trained_on({"digits": [9, 0, 1, 3, 4, 5, 6, 8], "train_size": 3000})
    assert seen == TrainedOn((0, 1, 3, 4, 5, 6, 8, 9), 3000) and seen.holdout == (2, 7)
    assert trained_on({"digits": None, "subset": 500}) == TrainedOn(None, 500)  # before 0.2
