"""The anomaly experiment's ROC, AUROC and counts at the threshold, against scikit-learn's and
torchmetrics' own functions, and computed without importing either: their imports took 2.7-4.6 s
of a first scoring's worker on 2 cores, where the scores themselves took 0.7 s (2026-12-07)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch

from vae_desktop.core.anomaly import auroc, precision_recall_at, roc_curve

ROOT = Path(__file__).resolve().parents[1]


def cases():
    """Normal and anomalous scores: continuous, in nats, and small integers (many ties)."""
    g = torch.Generator().manual_seed(3)
    yield torch.randn(3000, generator=g) * 20 + 100, torch.randn(400, generator=g) * 20 + 130
    yield (torch.randint(0, 12, (2500,), generator=g).float(),
           torch.randint(5, 20, (700,), generator=g).float())
    yield torch.tensor([1.0, 1.0, 2.0]), torch.tensor([1.0, 3.0])
    yield torch.tensor([5.0]), torch.tensor([5.0])


@pytest.mark.parametrize("normal, anomalous", list(cases()))
def test_roc_and_auroc_match_scikit_learn(normal, anomalous):
    from sklearn.metrics import roc_auc_score
    from sklearn.metrics import roc_curve as sk_roc_curve

    target = [0] * len(normal) + [1] * len(anomalous)
    scores = torch.cat([normal, anomalous]).double().numpy()
    assert auroc(normal, anomalous) == pytest.approx(roc_auc_score(target, scores), abs=1e-12)
    fpr, tpr, _ = sk_roc_curve(target, scores, drop_intermediate=False)
    ours = roc_curve(normal, anomalous)
    assert ours[0].dtype == ours[1].dtype == torch.float32
    assert torch.equal(ours[0], torch.from_numpy(fpr).float())
    assert torch.equal(ours[1], torch.from_numpy(tpr).float())


@pytest.mark.parametrize("normal, anomalous", list(cases()))
def test_counts_at_the_threshold_match_torchmetrics(normal, anomalous):
    from torchmetrics.functional.classification import binary_precision, binary_recall

    target = torch.cat([torch.zeros(len(normal)), torch.ones(len(anomalous))]).long()
    for threshold in (float(normal.median()), float(anomalous.max()), float(normal.min()) - 1):
        flagged = (torch.cat([normal, anomalous]) > threshold).float()
        at = precision_recall_at(normal, anomalous, threshold)
        assert at["precision"] == pytest.approx(float(binary_precision(flagged, target)), abs=1e-6)
        assert at["recall"] == pytest.approx(float(binary_recall(flagged, target)), abs=1e-6)
        assert at["false_positive_rate"] == pytest.approx(float((normal > threshold).float().mean()))


def test_a_held_out_scoring_imports_neither_scikit_learn_nor_torchmetrics():
    """A fresh interpreter: in this one an earlier test may have imported them."""
    script = textwrap.dedent("""
        import json, sys
        from vae_desktop.core import checkpoint
        from vae_desktop.core.anomaly import run_experiment
        from vae_desktop.core.data import load_split
        from vae_desktop.core.paths import bundled_models_dir

        model = checkpoint.load(bundled_models_dir() / "mnist-vae-z2.pt").model
        images, labels = load_split("test", size=600)
        result = run_experiment(model, images[:300], images[300:], labels[300:], (7,), "elbo",
                                90.0, outlier_count=50)
        print(json.dumps({"auroc": result.auroc, "recall": result.at_threshold["recall"],
                          "points": len(result.fpr),
                          "imported": sorted(name for name in ("sklearn", "torchmetrics", "scipy")
                                             if name in sys.modules)}))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["imported"] == []
    assert 0 < result["auroc"] < 1 and 0 <= result["recall"] <= 1 and result["points"] > 10
