"""Held-out-digit anomaly detection, the standard benchmark: for each digit k, train the mlp VAE
(784-400-20) on every training digit but k for 10 epochs, then ask how well reconstruction + KL at z = μ (and
the reconstruction error) of the test images picks out the k's among the other test digits (AUROC).

    .venv/bin/python bench/anomaly_auroc.py                 # all ten digits, 10 epochs each
    .venv/bin/python bench/anomaly_auroc.py --digits 0,7 --epochs 2 --train-size 5000   # quick look

Prints a Markdown table (one row per digit, then the mean) and the synthetic-outlier AUROCs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from vae_desktop.core.anomaly import (  # noqa: E402
    OUTLIERS,
    anomaly_scores,
    auroc,
    holdout_experiment,
    holdout_trainer,
)
from vae_desktop.core.data import load_split  # noqa: E402
from vae_desktop.core.heap import keep_freed_memory  # noqa: E402


def main() -> None:
    keep_freed_memory()  # the C heap as the app's own process keeps it (cli.main)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digits", default="0,1,2,3,4,5,6,7,8,9", help="digits to hold out in turn")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--train-size", type=int, help="train on the first N images (quick runs)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--percentile", type=float, default=95.0)
    args = parser.parse_args()
    digits = [int(d) for d in args.digits.split(",")]
    test = load_split("test")
    print(f"# held-out-digit AUROC, mlp 784-400-20, {args.epochs} epochs, seed {args.seed}, "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads", flush=True)
    print("| held-out digit | AUROC (reconstruction + KL at z = μ) | AUROC (reconstruction) | precision @95 "
          "| recall @95 | " + " | ".join(f"AUROC {name}" for name in OUTLIERS) + " | train s |")
    print("|---:|---:|---:|---:|---:|" + "---:|" * len(OUTLIERS) + "---:|", flush=True)
    rows = []
    for digit in digits:
        trainer = holdout_trainer([digit], epochs=args.epochs, train_size=args.train_size, seed=args.seed,
                                  device=args.device)
        start = time.perf_counter()
        end = trainer.run()
        seconds = time.perf_counter() - start
        if end.status != "done":
            raise SystemExit(f"digit {digit}: training {end.status}: {end.message}")
        elbo = holdout_experiment(trainer, test, [digit], "elbo", args.percentile)
        held = torch.isin(test[1], torch.tensor([digit]))
        recon = anomaly_scores(trainer.model, test[0], "recon")
        recon_auc = auroc(recon[~held], recon[held])
        at = elbo.at_threshold
        rows.append((elbo.auroc, recon_auc, [elbo.outlier_auroc[n] for n in OUTLIERS]))
        print(f"| {digit} | {elbo.auroc:.3f} | {recon_auc:.3f} | {at['precision']:.3f} | "
              f"{at['recall']:.3f} | " + " | ".join(f"{elbo.outlier_auroc[n]:.3f}" for n in OUTLIERS)
              + f" | {seconds:.0f} |", flush=True)
    outlier_means = [statistics.mean(r[2][i] for r in rows) for i in range(len(OUTLIERS))]
    print(f"| mean | {statistics.mean(r[0] for r in rows):.3f} | "
          f"{statistics.mean(r[1] for r in rows):.3f} | | | "
          + " | ".join(f"{m:.3f}" for m in outlier_means) + " | |", flush=True)


if __name__ == "__main__":
    main()
