"""A training step on a CUDA GPU as the trainer runs it there (captured once in a CUDA graph and
replayed, core.graphed_step) against the same step launched op by op (as it ran before
2026-12-05), with the step's matrix products alone as the limit, each timed in the same run
(issue 19, goal 6).

    python bench/cuda_graph_step.py [--steps 300] [--arch mlp conv]

At batch 128 the MLP's products are microseconds of a GPU's work, so an eager step is bound by
launching its forty-odd kernels from Python, not by arithmetic. Variants, in fp32, TF32 (float32
products on tensor cores, torch.set_float32_matmul_precision("high"), which the app does not
set) and bf16 autocast:

- "eager": core.fast_step.AutogradStep.
- "graph": core.graphed_step.GraphedStep around it, what `vae-desktop train` runs on CUDA.
- limits: the step's products alone (bench/train_throughput.step_gemms for the MLP) on
  preallocated operands, launched one by one and as one graph; for the conv model, its products
  (torch's flop counter) at a 4096² matmul's rate.

Per step: median microseconds over `--steps` steps after a warm-up, the batches drawn in turn
from 40 real MNIST batches, each step's losses copied out (one small copy, as the trainer adds
them to its running sums). A graph's loss is checked against the eager step's: both train the
same seed's model on the same batches, and their mean loss over the last 50 steps must agree
within 2% (the reparameterisation draws differ, so not to the bit). Needs a CUDA GPU; elsewhere
it says so and exits.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from bench.conv_throughput import step_flops  # noqa: E402
from bench.device_throughput import matmul_precision  # noqa: E402
from bench.train_throughput import step_gemms  # noqa: E402
from vae_desktop.core.data import load_split, to_float  # noqa: E402
from vae_desktop.core.fast_step import AutogradStep  # noqa: E402
from vae_desktop.core.graphed_step import WARMUP, GraphedStep  # noqa: E402
from vae_desktop.core.heap import keep_freed_memory  # noqa: E402
from vae_desktop.core.training import make_adam, new_model  # noqa: E402

BATCH = 128


def make_variant(name: str, arch: str, precision: str):
    """The trainer's step on CUDA (core.graphed_step.GraphedStep) or the same step eager."""
    model = new_model(1, arch=arch).cuda()
    model.train()
    step = AutogradStep(model, make_adam(model, 1e-3), precision)
    return GraphedStep(step) if name == "graph" else step


def per_step_us(step, batches: list[torch.Tensor], steps: int) -> tuple[float, list[float]]:
    """(median microseconds per step over 5 rounds, the loss of every step)."""
    losses, rounds = [], []
    for i in range(WARMUP + 2):  # a graph is captured after WARMUP steps
        step(batches[i], None, 1.0)
    per_round = max(steps // 5, 1)
    for r in range(5):
        torch.cuda.synchronize()
        start = time.perf_counter()
        outs = [step(batches[(r * per_round + i) % len(batches)], None, 1.0).clone()
                for i in range(per_round)]
        torch.cuda.synchronize()
        rounds.append((time.perf_counter() - start) / per_round * 1e6)
        losses += [float(o[0]) for o in outs]
    return statistics.median(rounds), losses


def limits_us(arch: str, precision: str, conv_step_flop: float) -> tuple[float, float]:
    """(the step's products launched one by one, the same as one graph), in microseconds."""
    dtype = torch.bfloat16 if precision == "bf16" else torch.float32
    if arch == "conv":
        n = 4096
        a, b = (torch.randn(n, n, device="cuda").to(dtype) for _ in range(2))
        c = torch.empty(n, n, dtype=dtype, device="cuda")
        products = [(a, b, c)]
    else:
        products = [(torch.randn(m, k, device="cuda").to(dtype),
                     torch.randn(k, n, device="cuda").to(dtype),
                     torch.empty(m, n, dtype=dtype, device="cuda")) for m, k, n in step_gemms(BATCH)]

    def run():
        for a, b, c in products:
            torch.mm(a, b, out=c)
    for _ in range(3):
        run()
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        run()
    times = []
    for fn in (run, graph.replay):
        fn()
        torch.cuda.synchronize()
        start = time.perf_counter()
        for _ in range(200):
            fn()
        torch.cuda.synchronize()
        times.append((time.perf_counter() - start) / 200 * 1e6)
    if arch == "conv":  # the conv step's products at the square matmul's rate
        rate = 2 * 4096**3 / (times[1] * 1e-6)
        return (conv_step_flop / rate * 1e6,) * 2
    return times[0], times[1]


def main() -> None:
    keep_freed_memory()  # the C heap as the app's own process keeps it (cli.main)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=300, help="timed steps per variant")
    parser.add_argument("--arch", nargs="+", default=["mlp", "conv"], choices=["mlp", "conv"])
    args = parser.parse_args()
    if not torch.cuda.is_available():
        print("needs a CUDA GPU: none is available here")
        return
    images = to_float(load_split("train", size=BATCH * 40)[0]).cuda()
    batches = [images[i * BATCH:(i + 1) * BATCH] for i in range(40)]
    conv_step_flop = step_flops(images[:1000].cpu())[0] if "conv" in args.arch else 0.0
    print(f"# {time.strftime('%Y-%m-%d')}, torch {torch.__version__}, "
          f"{torch.cuda.get_device_name()}; batch {BATCH}, per step (an epoch is 469 steps)")
    rows = []
    for arch in args.arch:
        names = ["eager", "graph"]
        for precision in ("fp32", "tf32", "bf16"):
            with matmul_precision(precision):
                own = "fp32" if precision == "tf32" else precision
                eager_limit, graph_limit = limits_us(arch, own, conv_step_flop)
                losses = {}
                for name in names:
                    try:
                        step = make_variant(name, arch, own)
                        us, losses[name] = per_step_us(step, batches, args.steps)
                    except Exception as error:  # a variant torch cannot capture: say so
                        print(f"  {arch} {precision} {name}: failed: {type(error).__name__}: "
                              f"{str(error).splitlines()[0][:160]}")
                        continue
                    tail = statistics.fmean(losses[name][-50:])
                    rows.append((arch, precision, name, us, tail))
                    print(f"  {arch:4s} {precision} {name:5s}: {us:8.1f} us/step "
                          f"(epoch's steps {us * 469 / 1e6:6.3f} s), share of the products "
                          f"launched one by one {eager_limit / us:5.1%}, as one graph "
                          f"{graph_limit / us:5.1%}; mean loss of the last 50 steps {tail:.2f}")
                print(f"  {arch:4s} {precision} products alone: {eager_limit:8.1f} us one by one, "
                      f"{graph_limit:8.1f} us as one graph")
                if len(losses) == 2:
                    eager = statistics.fmean(losses["eager"][-50:])
                    graph = statistics.fmean(losses["graph"][-50:])
                    verdict = "agrees" if abs(graph - eager) <= 0.02 * eager else "DIFFERS"
                    print(f"  {arch:4s} {precision} graph against eager: {graph:.2f} vs "
                          f"{eager:.2f}, {verdict}")
    print("\n# summary: arch precision variant us/step")
    for arch, precision, name, us, _ in rows:
        print(f"{arch} {precision} {name}: {us:.1f}")


if __name__ == "__main__":
    main()
