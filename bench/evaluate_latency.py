"""How long the test-set pass over the 10,000 test digits takes, stage by stage.

    .venv/bin/python bench/evaluate_latency.py [--threads N] [--repeats 3]

The app makes this pass once per model in a worker (AppState.request_test_pass) and shares it
between Draw, Latent space, Evaluate and the anomaly panel, so this is the wait before their
numbers appear, not a freeze. Target: the whole report <= 0.5 s for every bundled MLP model.
torchmetrics' SSIM (a 2-D convolution; what the report used before) is timed alongside the
report's batched SSIM for comparison.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402
from torchmetrics.functional.image import structural_similarity_index_measure  # noqa: E402

from vae_desktop.core import checkpoint  # noqa: E402
from vae_desktop.core.data import load_split  # noqa: E402
from vae_desktop.core.evaluation import evaluate_model, reconstruct, test_inputs  # noqa: E402
from vae_desktop.core.heap import keep_freed_memory  # noqa: E402
from vae_desktop.core.metrics import psnr, score_dataset, ssim  # noqa: E402
from vae_desktop.core.paths import bundled_models_dir  # noqa: E402
from vae_desktop.core.training import evaluate  # noqa: E402


def best_of(repeats: int, fn) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def stage_times(model, images, labels, repeats: int) -> list[float]:
    # The stages score what the report scores: a binarised model's binarised digits, whose SSIM
    # skips the blur of their squares (0/1 pixels), as the report's does.
    x = test_inputs(model, images)
    binary = model.config.binarized
    recon = reconstruct(model, x, labels)
    stages = [
        lambda: evaluate(model, images, labels),
        lambda: score_dataset(model, x, labels),
        lambda: reconstruct(model, x, labels),
        lambda: psnr(recon, x),
        lambda: ssim(recon, x, binary_target=binary),
        lambda: [structural_similarity_index_measure(recon[i:i + 2000], x[i:i + 2000], data_range=1.0,
                                                     reduction="none") for i in range(0, len(x), 2000)],
        lambda: evaluate_model(model, images, labels),
    ]
    return [best_of(repeats, stage) for stage in stages]


def main() -> None:
    keep_freed_memory()  # the C heap as the app's own process keeps it (cli.main)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, help="torch threads (default: torch's choice)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    images, labels = load_split("test")
    print(f"# 10,000 test digits, torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"best of {args.repeats} (seconds)")
    print("| model | ELBO (1 z) | scores (z = mu) | reconstruct | PSNR | SSIM | SSIM, torchmetrics | "
          "whole report |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for path in sorted(bundled_models_dir().glob("*.pt")):
        times = stage_times(checkpoint.load(path).model, images, labels, args.repeats)
        print(f"| {path.stem} | " + " | ".join(f"{t:.2f}" for t in times) + " |", flush=True)


if __name__ == "__main__":
    main()
