"""The conv architecture's training epoch (issue 19's goal: <= 8 s on the 2-core CPU), in each of
the layouts and precisions it could run in, against what the CPU's matrix products allow.

    .venv/bin/python bench/conv_throughput.py [--steps 40] [--repeats 2] [--threads N]

Each variant runs the training step `vae-desktop train --arch conv` runs (core.fast_step's
AutogradStep: forward, backward, fused Adam) on batches of 128 real MNIST images, and an epoch
is 469 such steps plus the test pass (scored as 10 forward passes of 1,000 images). The
variants: float32 or bf16 autocast, each with the default (NCHW) or channels_last layout.
torch.utils.flop_counter counts a step's products (convolutions and linear layers, forward and
backward), so each line gives its rate, and the yardstick is a square matmul of the same
precision timed in the same run: the epoch's products at that rate are the time an epoch
could take if every convolution ran as fast as a large GEMM.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

from vae_desktop.core.data import load_split, to_float  # noqa: E402
from vae_desktop.core.fast_step import AutogradStep  # noqa: E402
from vae_desktop.core.precision import autocast, native_bf16  # noqa: E402
from vae_desktop.core.training import make_adam, new_model  # noqa: E402

BATCH, STEPS_PER_EPOCH, TEST_PASSES, TEST_BATCH = 128, 469, 10, 1000


def matmul_rate(dtype: torch.dtype, n: int = 1024, reps: int = 20) -> float:
    a, b = torch.randn(n, n).to(dtype), torch.randn(n, n).to(dtype)
    c = torch.empty(n, n, dtype=dtype)
    torch.mm(a, b, out=c)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(reps):
            torch.mm(a, b, out=c)
        best = min(best, (time.perf_counter() - start) / reps)
    return 2 * n**3 / best


class Variant:
    def __init__(self, precision: str, channels_last: bool, images: torch.Tensor):
        self.precision, self.channels_last = precision, channels_last
        self.model = new_model(1, arch="conv")
        fmt = torch.channels_last if channels_last else torch.contiguous_format
        self.model = self.model.to(memory_format=fmt)
        self.step = AutogradStep(self.model, make_adam(self.model, 1e-3), precision)
        self.batches = [images[i:i + BATCH].contiguous(memory_format=fmt)
                        for i in range(0, len(images) - BATCH + 1, BATCH)]
        self.test = images[:TEST_BATCH].contiguous(memory_format=fmt)

    @property
    def name(self) -> str:
        return f"{self.precision}, {'channels_last' if self.channels_last else 'NCHW'}"

    def step_seconds(self, steps: int) -> float:
        start = time.perf_counter()
        for i in range(steps):
            self.step(self.batches[i % len(self.batches)], None, 1.0)
        return (time.perf_counter() - start) / steps

    @torch.no_grad()
    def test_seconds(self) -> float:
        self.model.eval()
        start = time.perf_counter()
        with autocast(torch.device("cpu"), self.precision):
            self.model.forward_logits(self.test)
        self.model.train()
        return time.perf_counter() - start


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
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=40, help="timed steps per variant a round")
    parser.add_argument("--repeats", type=int, default=2, help="interleaved rounds")
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
    variants = [Variant(p, cl, images) for p in precisions for cl in (False, True)]
    print(f"# torch {torch.__version__}, {torch.get_num_threads()} threads, CPU, native bf16: "
          f"{bf16}; an epoch's products: {epoch_flop / 1e12:.2f} TFLOP "
          f"({per_step / 1e9:.2f} GFLOP a step); {args.repeats} interleaved rounds")
    rates: dict[str, list[float]] = {p: [] for p in precisions}
    epochs: dict[str, list[float]] = {v.name: [] for v in variants}
    for v in variants:  # warm-up: oneDNN picks and caches its kernels on first use
        v.step_seconds(3)
        v.test_seconds()
    for _ in range(args.repeats):
        for p in precisions:
            rates[p].append(matmul_rate(torch.float32 if p == "fp32" else torch.bfloat16))
        for v in variants:
            epochs[v.name].append(v.step_seconds(args.steps) * STEPS_PER_EPOCH
                                  + v.test_seconds() * TEST_PASSES)
    for p in precisions:
        rate = statistics.median(rates[p])
        print(f"1024^2 matmul, {p}:  {rate / 1e9:6.0f} GFLOP/s -> the epoch's products at this "
              f"rate: {epoch_flop / rate:5.2f} s")
    for v in variants:
        t = statistics.median(epochs[v.name])
        rate = statistics.median(rates[v.precision])
        print(f"epoch, {v.name + ':':20s} {t:6.2f} s  {epoch_flop / t / 1e9:6.0f} GFLOP/s  "
              f"{epoch_flop / rate / t:4.0%} of the matmul rate  (target <= 8 s: "
              f"{'met' if t <= 8 else 'not met'})")
    print("rounds (s):", {k: [round(t, 2) for t in v] for k, v in epochs.items()})


if __name__ == "__main__":
    main()
