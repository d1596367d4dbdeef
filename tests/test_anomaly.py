"""Anomaly scores, AUROC on cases with known answers, the held-out-digit experiment and the
`vae-desktop anomaly` command."""

from __future__ import annotations

import itertools
import json
import math

import pytest
import torch

from vae_desktop.cli import main
from vae_desktop.core import checkpoint
from vae_desktop.core.anomaly import (
    OUTLIERS,
    SCORING,
    anomaly_scores,
    apply_threshold,
    auroc,
    experiment_steps,
    holdout_experiment,
    holdout_steps,
    holdout_trainer,
    normal_digits,
    precision_recall_at,
    roc_curve,
    run_experiment,
    synthetic_outliers,
    threshold_at,
)
from vae_desktop.core.data import load_split
from vae_desktop.core.evaluation import evaluate_model, negative_elbo
from vae_desktop.core.jobs import JobControl, run_to_end
from vae_desktop.core.metrics import score_dataset
from vae_desktop.core.training import EndEvent, EpochEvent, StepEvent

T = torch.tensor


def test_auroc_known_answers():
    assert auroc(T([0.1, 0.2, 0.3]), T([0.7, 0.8])) == 1.0
    assert auroc(T([0.7, 0.8]), T([0.1, 0.2, 0.3])) == 0.0
    assert auroc(T([5.0, 5.0, 5.0]), T([5.0, 5.0])) == 0.5  # all tied: chance
    # 2.5 beats 1 and 2 but not 3; 0.5 beats nothing: 2 wins out of 6 pairs.
    assert auroc(T([1.0, 2.0, 3.0]), T([2.5, 0.5])) == pytest.approx(2 / 6)
    # One tie counts half: (2>1) + (2=2)/2 + (3>1) + (3>2) = 3.5 of 4 pairs.
    assert auroc(T([1.0, 2.0]), T([2.0, 3.0])) == pytest.approx(3.5 / 4)
    # Scores in nats (hundreds) must not be squashed into ties by a sigmoid.
    assert auroc(T([100.0, 200.0]), T([300.0, 400.0])) == 1.0
    assert auroc(T([101.0, 102.0]), T([100.5, 101.5])) == pytest.approx(1 / 4)


def test_auroc_is_exact_at_the_test_sets_sizes():
    """Perfectly separated scores give exactly 1 (and reversed exactly 0), at sizes like the
    held-out runs': torchmetrics' float32 trapezoid gave 0.99999994 here, and 1.0000001 on a CLI
    run's noise images, an AUROC over 1."""
    g = torch.Generator().manual_seed(0)
    for n, m in ((5544, 1939), (9995, 757), (8972, 1028)):
        normal, anomalous = torch.rand(n, generator=g) * 100, torch.rand(m, generator=g) * 100 + 150
        assert auroc(normal, anomalous) == 1.0
        assert auroc(anomalous, normal) == 0.0
    # Half the anomalies above every normal image, half tied with them: 0.75, exactly.
    assert auroc(torch.zeros(3000), torch.cat([torch.zeros(500), torch.ones(500)])) == 0.75


def test_roc_curve_and_threshold_counts():
    fpr, tpr = roc_curve(T([1.0, 2.0, 3.0]), T([4.0, 5.0]))
    assert (float(fpr[0]), float(tpr[0])) == (0.0, 0.0)
    assert (float(fpr[-1]), float(tpr[-1])) == (1.0, 1.0)
    assert any(float(f) == 0.0 and float(t) == 1.0 for f, t in zip(fpr, tpr, strict=True))
    # Above 2.5: normal 3 (false alarm), anomalies 4 and 5 (hits), anomaly 1.5 missed.
    at = precision_recall_at(T([1.0, 2.0, 3.0, 0.5]), T([4.0, 5.0, 1.5]), threshold=2.5)
    assert at == {"precision": pytest.approx(2 / 3), "recall": pytest.approx(2 / 3),
                  "false_positive_rate": 0.25}
    with pytest.raises(ValueError, match="at least one"):
        auroc(T([1.0]), T([]))
    with pytest.raises(ValueError, match="finite"):
        auroc(T([1.0]), T([math.nan]))


def test_threshold_at_percentile():
    scores = torch.arange(1, 101, dtype=torch.float32)
    assert threshold_at(scores, 50) == pytest.approx(50.5)
    assert threshold_at(scores, 95) == pytest.approx(95.05)
    for bad in (0, 100, -1, 120):
        with pytest.raises(ValueError, match="percentile"):
            threshold_at(scores, bad)


def test_synthetic_outliers(mnist_test):
    digits = mnist_test[0][:50]
    x = digits.unsqueeze(1).float() / 255
    out = synthetic_outliers(digits, count=20)
    assert set(out) == {"noise", "inverted", "blank", "rotated"}
    assert all(v.shape == (20, 1, 28, 28) for v in out.values())
    assert torch.equal(out["inverted"], 1 - x[:20])
    assert torch.equal(out["blank"], torch.zeros(20, 1, 28, 28))
    assert torch.equal(out["rotated"][3, 0], torch.rot90(x[3, 0], 1))
    assert 0 <= float(out["noise"].min()) and float(out["noise"].max()) <= 1
    assert float(out["noise"].std()) > 0.25  # uniform noise, not a constant


def test_scores_of_a_trained_model(bundled, mnist_test):
    model = bundled["mnist-vae-z16"].model
    images = mnist_test[0][:300]
    direct = score_dataset(model, images)
    assert torch.equal(anomaly_scores(model, images, "elbo"), direct["loss"])
    assert torch.equal(anomaly_scores(model, images, "recon"), direct["recon"])
    outliers = synthetic_outliers(images, 300)
    normal = anomaly_scores(model, images)
    assert auroc(normal, anomaly_scores(model, outliers["noise"])) > 0.99
    assert auroc(normal, anomaly_scores(model, outliers["inverted"])) > 0.99
    with pytest.raises(ValueError, match="unknown score"):
        anomaly_scores(model, images, "psnr")


def test_conditional_scores_marginalise_the_label(bundled, mnist_test):
    model = bundled["mnist-cvae-z2"].model
    images = mnist_test[0][:60]
    per_label = [score_dataset(model, images, torch.full((60,), c)) for c in range(10)]
    losses = torch.stack([s["loss"] for s in per_label])
    best = losses.min(0).values
    score = anomaly_scores(model, images, "elbo")
    # -log mean_c exp(-loss_c) lies between the best label's loss and that plus log 10.
    assert torch.all(score >= best - 1e-3) and torch.all(score <= best + math.log(10) + 1e-3)
    assert torch.allclose(anomaly_scores(model, images, "recon"),
                          torch.stack([s["recon"] for s in per_label]).min(0).values)


def test_holdout_digits_validation():
    assert normal_digits([7]) == (0, 1, 2, 3, 4, 5, 6, 8, 9)
    for bad in ([], [10], [-1], list(range(10))):
        with pytest.raises(ValueError):
            normal_digits(bad)


def test_held_out_digit_scores_higher_after_short_training(mnist_test):
    trainer = holdout_trainer([0], epochs=2, train_size=4000, seed=3, device="cpu")
    assert len(trainer.train_data[1]) == 4000 and 0 not in trainer.train_data[1].tolist()
    end = trainer.run()
    assert end.status == "done"
    test = mnist_test[0][:3000], mnist_test[1][:3000]
    result = holdout_experiment(trainer, test, [0], "elbo", 95.0)
    assert result.holdout == (0,)
    assert len(result.anomalous) == int((test[1] == 0).sum())
    assert len(result.normal) + len(result.anomalous) == 3000
    assert float(result.anomalous.mean()) > float(result.normal.mean())
    assert result.auroc > 0.6
    assert result.auroc == pytest.approx(auroc(result.normal, result.anomalous))
    assert 0 < result.at_threshold["recall"] <= 1
    assert result.outlier_auroc["noise"] > 0.99
    # The threshold sits at the 95th percentile of the training scores...
    assert float((result.train <= result.threshold).float().mean()) == pytest.approx(0.95, abs=0.002)
    # ... and moving it only re-counts, without running the model again.
    before = result.at_threshold["recall"]
    apply_threshold(result, 50.0)
    assert result.threshold < threshold_at(result.train, 95.0)
    assert result.at_threshold["recall"] >= before
    assert result.to_dict()["percentile"] == 50.0


def test_the_test_set_pass_has_an_unconditional_models_anomaly_scores(bundled, mnist_test):
    """So the anomaly panel takes them from the shared pass instead of scoring anew."""
    model = bundled["mnist-vae-z2"].model
    images, labels = mnist_test[0][:400], mnist_test[1][:400]
    report = evaluate_model(model, images, labels)
    for score, key in (("elbo", "loss"), ("recon", "recon")):
        assert torch.allclose(report.scores[key], anomaly_scores(model, images, score), atol=1e-4)
    train = mnist_test[0][400:800]
    own = run_experiment(model, train, images, labels, (), "recon", 90.0, outlier_count=50)
    shared = run_experiment(model, train, images, labels, (), "recon", 90.0, outlier_count=50,
                            test_scores=report.scores["recon"])
    assert shared.threshold == own.threshold
    assert shared.outlier_auroc == pytest.approx(own.outlier_auroc, abs=1e-4)
    with pytest.raises(ValueError, match="test scores"):
        run_experiment(model, train, images, labels, test_scores=report.scores["loss"][:10])


def test_scoring_yields_after_every_batch_so_a_stop_ends_it_within_one(bundled, mnist_test):
    """A conditional model scores every image once per label: the bundled CVAE's scoring of the
    10,000 training and 10,000 test images took 7 s on one core in three steps, so closing the
    app waited 2.5-3.3 s for one of them (2026-12-07). Each batch is now a step of its own."""
    model = bundled["mnist-cvae-z2"].model
    train, (images, labels) = mnist_test[0][:2500], (mnist_test[0][2500:5000], mnist_test[1][2500:5000])
    fractions, result = _drain(experiment_steps(model, train, images, labels, (7,), "elbo",
                                                outlier_count=1000))
    # 10 labels x (2,500 training images + 2,500 test images + 1,000 per outlier kind), in
    # steps of 2,000 image-label passes (200 images against every label).
    assert len(fractions) >= 10 * (2500 + 2500 + 1000 * len(OUTLIERS)) // 2000
    assert fractions == sorted(fractions) and 0 < fractions[0] and fractions[-1] <= 1
    assert max(b - a for a, b in itertools.pairwise(fractions)) < 0.05
    # The same scores as in one call over the same images: the held-out digits are scored
    # among the test images, so they are picked from a call over those. (Scored alone, in
    # batches of other sizes, their products may round differently on two threads: they did,
    # in the last bit, on a Xeon with AMX, 2026-12-07.)
    assert torch.equal(result.train, anomaly_scores(model, train))
    assert torch.equal(result.anomalous, anomaly_scores(model, images)[labels == 7])


def _drain(steps, on_event=lambda event: None):
    events = []
    while True:
        try:
            event = next(steps)
        except StopIteration as end:
            return events, end.value
        events.append(event)
        on_event(event)


def test_holdout_job_trains_then_scores_and_stops_through_its_control(mnist_test):
    test = mnist_test[0][:1000], mnist_test[1][:1000]
    settings = {"epochs": 3, "train_size": 600, "seed": 2, "device": "cpu"}
    control = JobControl()
    # Stopped after its first epoch: what was learnt is still scored.
    events, outcome = _drain(
        holdout_steps([3], test, control=control, **settings),
        lambda event: control.stop() if isinstance(event, EpochEvent) else None)
    assert any(isinstance(e, StepEvent) for e in events) and SCORING in events
    assert outcome.end.status == "stopped" and outcome.end.epochs_trained == 1
    assert outcome.holdout == (3,) and 3 not in outcome.train_config["digits"]
    assert len(outcome.history) == 1 and len(outcome.train_images) == 600
    assert outcome.train_config["train_size"] == 600 and "subset" not in outcome.train_config
    assert outcome.result.holdout == (3,) and 0 <= outcome.result.auroc <= 1
    assert len(outcome.result.anomalous) == int((test[1] == 3).sum())
    # Cancelled (the app quits): nothing is scored.
    cancel = JobControl()
    events, outcome = _drain(
        holdout_steps([3], test, cancel=cancel, **settings),
        lambda event: cancel.stop() if isinstance(event, StepEvent) else None)
    assert outcome is None and SCORING not in events
    assert isinstance(events[-1], EndEvent) and events[-1].status == "stopped"
    # Stopped before an epoch ended: there is no model to score.
    control = JobControl()
    control.stop()
    with pytest.raises(ValueError, match="first epoch"):
        run_to_end(holdout_steps([3], test, control=control, **settings))


def test_anomaly_cli_tiny_run(tmp_path, capsys):
    out = tmp_path / "held.pt"
    code = main(["anomaly", "--holdout", "7", "--epochs", "1", "--subset", "800", "--seed", "2",
                 "--device", "cpu", "--json", "--out", str(out)])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert 0.0 <= result["auroc"] <= 1.0
    assert result["holdout"] == [7]
    assert set(result["outliers"]) == {"noise", "inverted", "blank", "rotated"}
    assert all(0 <= v["auroc"] <= 1 for v in result["outliers"].values())
    saved = checkpoint.load(out)
    assert saved.epochs == 1 and 7 not in saved.train_config["digits"]
    # Measured once, as a held-out model the Evaluate tab keeps: it read "not measured".
    assert saved.test_loss == pytest.approx(negative_elbo(saved.model, *load_split("test"))[
        "test_loss"], abs=1e-3)


@pytest.mark.parametrize("argv, message", [
    (["--holdout", "12", "--epochs", "1"], "holdout"),
    (["--holdout", "0,1,2,3,4,5,6,7,8,9", "--epochs", "1"], "holdout"),
    (["--holdout", "seven", "--epochs", "1"], "holdout"),
    (["--holdout", "7", "--epochs", "1", "--percentile", "100"], "percentile"),
    (["--holdout", "7", "--epochs", "0"], "epochs"),
])
def test_anomaly_cli_bad_arguments(argv, message, capsys):
    assert main(["anomaly", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1
