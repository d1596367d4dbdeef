"""How long the importance-weighted log-likelihood takes (core.likelihood), next to what the
hardware allows for the same work.

    .venv/bin/python bench/likelihood_speed.py [MODEL.pt] [--k 5000] [--images 10000] [--json F]

The estimate decodes K codes per test image, so nearly all of its work is the decoder's matrix
products at the shapes of one chunk of samples. The limit printed beside it is that work at the
rate torch.mm reaches on those very shapes, measured in the same run. Default model: the
bundled binarised one (Burda et al.'s protocol: K = 5000, the whole test set).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from vae_desktop.core import checkpoint  # noqa: E402
from vae_desktop.core.data import load_split  # noqa: E402
from vae_desktop.core.evaluation import evaluate_model, test_inputs  # noqa: E402
from vae_desktop.core.heap import keep_freed_memory  # noqa: E402
from vae_desktop.core.likelihood import IWAE_BATCH, MAX_ELEMENTS, importance_nll  # noqa: E402
from vae_desktop.core.model import PIXELS  # noqa: E402
from vae_desktop.core.paths import bundled_models_dir  # noqa: E402

DEFAULT_MODEL = "mnist-vae-z50-binarized.pt"


def decoder_shapes(model, rows: int) -> list[tuple[int, int, int]]:
    """(rows, in, out) of each of the decoder's linear layers for one chunk."""
    return [(rows, m.in_features, m.out_features) for m in model.dec_body
            if isinstance(m, torch.nn.Linear)]


def gemm_rate(shapes: list[tuple[int, int, int]], seconds: float = 2.0) -> float:
    """FLOP/s of torch.mm over the decoder's shapes, best of several timed rounds."""
    mats = [(torch.randn(r, i), torch.randn(i, o)) for r, i, o in shapes]
    flops = sum(2 * r * i * o for r, i, o in shapes)
    for a, b in mats:
        torch.mm(a, b)
    best, end = math.inf, time.perf_counter() + seconds
    while time.perf_counter() < end:
        start = time.perf_counter()
        for a, b in mats:
            torch.mm(a, b)
        best = min(best, time.perf_counter() - start)
    return flops / best


def main() -> None:
    keep_freed_memory()  # the C heap as the app's own process keeps it (cli.main)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", default=str(bundled_models_dir() / DEFAULT_MODEL))
    parser.add_argument("--k", type=int, default=5000)
    parser.add_argument("--images", type=int, default=10_000)
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args()

    ckpt = checkpoint.load(args.model)
    model = ckpt.model
    images, labels = load_split("test", size=args.images)
    report = evaluate_model(model, images, labels)
    x = test_inputs(model, images)
    per_chunk = max(1, min(args.k, MAX_ELEMENTS // (IWAE_BATCH * PIXELS)))
    shapes = decoder_shapes(model, IWAE_BATCH * per_chunk)
    rate = gemm_rate(shapes)
    flops = sum(2 * i * o for _, i, o in shapes) * args.k * len(x)
    print(f"{Path(args.model).name}: {ckpt.config.describe()}, {ckpt.epochs} epochs; "
          f"{len(x):,} test digits, K = {args.k:,}, torch threads {torch.get_num_threads()}")
    print(f"decoder GEMM at the chunk's shapes {shapes}: {rate / 1e9:.1f} GFLOP/s; the "
          f"estimate's {flops / 1e12:.1f} TFLOP take at least {flops / rate:.0f} s at that rate")
    start = time.perf_counter()
    found = importance_nll(model, x, labels, args.k)
    took = time.perf_counter() - start
    gap = report.test_loss - found.nll
    print(f"iwae_nll {found.nll:.2f} nats/image (negative ELBO {report.test_loss:.2f}, gap "
          f"{gap:.2f}); active units {report.active_units} of {model.latent_dim}")
    print(f"took {took:.0f} s = {flops / rate / took:.0%} of the GEMM limit "
          f"({took / len(x) * 1e3:.1f} ms per image)")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "model": Path(args.model).name, "iwae_k": args.k, "iwae_nll": found.nll,
            "test_loss": report.test_loss, "active_units": report.active_units,
            "images": len(x), "seconds": took, "gemm_gflops": rate / 1e9,
            "limit_seconds": flops / rate, "binarized": report.binarized}, indent=1))


if __name__ == "__main__":
    main()
