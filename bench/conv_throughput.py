"""The conv architecture's training epoch (issue 19's goal: <= 8 s on the 2-core CPU), as the
model runs now and as it ran with torch's own ReLUs (until 2026-12-07), in float32 and bf16,
against what the CPU's matrix products allow.

    .venv/bin/python bench/conv_throughput.py [--steps 40] [--repeats 2] [--threads N]

Each variant runs the training step `vae-desktop train --arch conv` runs (core.fast_step's
AutogradStep: forward, backward, fused Adam) on batches of 128 real MNIST images, and an epoch
is 469 such steps plus the test pass, which the trainer scores in the run's precision (10
batches of 1,000; in float32 whatever the precision until 2026-12-07). "now": the model as it
runs; "before": every ReLU torch's `nn.ReLU(inplace=True)`, as until the thirty-sixth stop,
where bf16 tensors now go through their bits (core.relu; in float32 the two are the same code).
Earlier comparisons (the 64 x 7 x 7 features in channel-first order, until the thirty-fifth
stop; ReLUs with outputs of their own and the Flatten's copy after the last ReLU, until
2026-12-06; the transposed convolution's bias inside oneDNN's, until 2026-12-06; NCHW weights
and oneDNN's transposed convolution to one channel, until 2026-12-04) are in bench/README.md's
rows. Steps of all variants alternate one by one, so a change in the machine's speed (large on a
shared virtual machine) reaches them alike.
torch.utils.flop_counter counts a step's products (convolutions and linear layers, forward and
backward), so each line gives its rate, and the yardstick is a square matmul of the same
precision timed in the same run: the epoch's products at that rate are the time an epoch could
take if every convolution ran as fast as a large GEMM.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

from bench.train_throughput import CPU, best_seconds, describe_cpu  # noqa: E402
from vae_desktop.core import products  # noqa: E402
from vae_desktop.core.data import load_split, to_float  # noqa: E402
from vae_desktop.core.fast_step import AutogradStep  # noqa: E402
from vae_desktop.core.heap import keep_freed_memory  # noqa: E402
from vae_desktop.core.model import score_images  # noqa: E402
from vae_desktop.core.precision import autocast, native_bf16  # noqa: E402
from vae_desktop.core.training import make_adam, new_model  # noqa: E402

BATCH, STEPS_PER_EPOCH, TEST_PASSES, TEST_BATCH = 128, 469, 10, 1000


def as_before(model: nn.Module) -> None:
    """`model` with torch's own ReLU in each ReLU's place, as until the thirty-sixth stop."""
    for module in model.modules():
        for name, child in list(module.named_children()):
            if isinstance(child, nn.ReLU):
                setattr(module, name, nn.ReLU(inplace=True))


def matmul_rate(dtype: torch.dtype, n: int = 1024, reps: int = 20,
                device: torch.device = CPU) -> float:
    """FLOP/s of an n x n matmul in `dtype` on `device`: for float32 on the CPU the faster of
    torch.mm (its BLAS, MKL) and oneDNN's (core.products), which on an AMD EPYC ran 2.3x
    faster (488 against 215 GFLOP/s, 2026-12-06; until that day this took torch.mm's)."""
    a, b = (torch.randn(n, n, device=device).to(dtype) for _ in range(2))
    c = torch.empty(n, n, dtype=dtype, device=device)
    seconds = best_seconds(lambda: torch.mm(a, b, out=c), reps, device)
    if dtype == torch.float32 and device.type == "cpu" and products.onednn_available():
        seconds = min(seconds, best_seconds(lambda: products.mm(a, b, onednn=True), reps))
    return 2 * n**3 / seconds


class Variant:
    def __init__(self, precision: str, now: bool, images: torch.Tensor):
        self.precision, self.now = precision, now
        self.model = new_model(1, arch="conv")
        if not now:
            as_before(self.model)
        self.step = AutogradStep(self.model, make_adam(self.model, 1e-3), precision)
        self.batches = [images[i:i + BATCH] for i in range(0, len(images) - BATCH + 1, BATCH)]
        self.test = images[:TEST_BATCH]
        self.steps: list[float] = []
        self.tests: list[float] = []

    @property
    def name(self) -> str:
        return f"{self.precision}, {'now' if self.now else 'before'}"

    def one_step(self, i: int) -> None:
        start = time.perf_counter()
        self.step(self.batches[i % len(self.batches)], None, 1.0)
        self.steps.append(time.perf_counter() - start)

    def test_pass(self) -> None:
        """One batch of the trainer's test pass (core.training.evaluate): in the variant's
        precision, no gradient, z drawn once. (Until 2026-12-07 this ran with gradients on.)"""
        self.model.eval()
        start = time.perf_counter()
        with torch.no_grad(), autocast(CPU, self.precision):
            score_images(self.model, self.test, samples=1)
        self.tests.append(time.perf_counter() - start)
        self.model.train()

    def epoch(self) -> float:
        return (statistics.median(self.steps) * STEPS_PER_EPOCH
                + statistics.median(self.tests) * TEST_PASSES)


def step_flops(images: torch.Tensor) -> tuple[float, float]:
    """(training step, test pass of 1,000) products, counted by torch's flop counter."""
    model = new_model(1, arch="conv")
    step = AutogradStep(model, make_adam(model, 1e-3), "fp32")
    with FlopCounterMode(display=False) as train:
        step(images[:BATCH], None, 1.0)
    with torch.no_grad(), FlopCounterMode(display=False) as test:
        model.forward_logits(images[:TEST_BATCH])
    return train.get_total_flops(), test.get_total_flops()


def main() -> None:
    keep_freed_memory()  # the C heap as the app's own process keeps it (cli.main)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=40, help="timed steps per variant a round")
    parser.add_argument("--repeats", type=int, default=2, help="rounds")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: as is)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    images = to_float(load_split("train", size=BATCH * 40)[0])
    per_step, per_test = step_flops(images)
    epoch_flop = per_step * STEPS_PER_EPOCH + per_test * TEST_PASSES
    bf16 = native_bf16(torch.device("cpu"))
    precisions = ("fp32", "bf16") if bf16 else ("fp32",)
    variants = [Variant(p, now, images) for p in precisions for now in (False, True)]
    print(f"# torch {torch.__version__}, {torch.get_num_threads()} threads, CPU, native bf16: "
          f"{bf16}; an epoch's products: {epoch_flop / 1e12:.2f} TFLOP "
          f"({per_step / 1e9:.2f} GFLOP a step); {args.repeats} rounds of {args.steps} "
          f"alternating steps")
    print(f"# {describe_cpu()}")
    for v in variants:  # warm-up: oneDNN picks and caches its kernels on first use
        for i in range(3):
            v.one_step(i)
        v.test_pass()
        v.steps.clear()
        v.tests.clear()
    rates: dict[str, list[float]] = {p: [] for p in precisions}
    for _ in range(args.repeats):
        for p in precisions:
            rates[p].append(matmul_rate(torch.float32 if p == "fp32" else torch.bfloat16))
        for i in range(args.steps):
            for v in variants:
                v.one_step(i)
        for v in variants:
            v.test_pass()
    for p in precisions:
        rate = statistics.median(rates[p])
        print(f"1024^2 matmul, {p}:  {rate / 1e9:6.0f} GFLOP/s -> the epoch's products at this "
              f"rate: {epoch_flop / rate:5.2f} s")
    before = {v.precision: v.epoch() for v in variants if not v.now}
    for v in variants:
        t, rate = v.epoch(), statistics.median(rates[v.precision])
        change = "" if not v.now else f"  {before[v.precision] / t:.2f}x before"
        test = statistics.median(v.tests) * TEST_PASSES
        print(f"epoch, {v.name + ':':14s} {t:6.2f} s (test pass {test:4.2f} s)"
              f"  {epoch_flop / t / 1e9:4.0f} GFLOP/s  {epoch_flop / rate / t:4.0%} of the matmul "
              f"rate  (target <= 8 s: {'met' if t <= 8 else 'not met'}){change}")


if __name__ == "__main__":
    main()
