"""Training on the device `vae-desktop train` picks (issue 19, goal 6: a GPU where one is
available): the MLP's and the conv model's epoch in each precision the device offers, against
the matrix products' rate on the same device, measured in the same run.

    .venv/bin/python bench/device_throughput.py [--device auto] [--epochs 2] [--arch mlp conv]

An epoch is what the trainer does per epoch (core.training.Trainer): 60,000 training images in
batches of 128 (forward, backward, Adam) and the 10,000 test images scored once, with the data
on the device from the start. Figures are medians of the epochs after a run's first (on CUDA,
but for its last, which is profiled).

- Precisions: "fp32"; "tf32" on CUDA (float32 products on tensor cores, through
  torch.set_float32_matmul_precision("high"), which the app does not set); "bf16" where the
  device computes it natively (core.precision.native_bf16), the autocast the app's "auto" uses
  for the MLP.
- The MLP's limit is the epoch's own products alone (bench/train_throughput.py's list of
  shapes, 210 GFLOP), timed on preallocated operands in the same precision.
- The conv model's limit is its epoch's products (torch's flop counter) at the rate of a
  square matmul (4096 on a GPU, 1024 on the CPU) in the same precision.
- Data on the device: on CUDA the last epoch runs under torch.profiler, which counts the
  host-to-device copies it made. The data is on the device when that count is a handful
  (the epoch's shuffled order), not one per batch.
- On CUDA each run is made twice, one after the other: with the step the trainer picks there
  (captured in a CUDA graph and replayed, core.graphed_step) and with the same step eager, as
  it ran before 2026-12-05. Each line says how many graphs the run captured.
"""

from __future__ import annotations

import argparse
import contextlib
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from bench.conv_throughput import (  # noqa: E402
    STEPS_PER_EPOCH,
    TEST_PASSES,
    matmul_rate,
    step_flops,
)
from bench.train_throughput import epoch_gemms, flops, gemm_epoch_seconds  # noqa: E402
from vae_desktop.core import graphed_step, products, training  # noqa: E402
from vae_desktop.core.data import load_split, to_float  # noqa: E402
from vae_desktop.core.device import resolve_device  # noqa: E402
from vae_desktop.core.heap import keep_freed_memory  # noqa: E402
from vae_desktop.core.precision import native_bf16  # noqa: E402
from vae_desktop.core.training import EpochEvent, TrainConfig, Trainer, new_model  # noqa: E402

DTYPES = {"fp32": torch.float32, "tf32": torch.float32, "bf16": torch.bfloat16}


@contextlib.contextmanager
def matmul_precision(precision: str):
    """TF32 products for "tf32"; torch's default (full float32) otherwise."""
    before = torch.get_float32_matmul_precision()
    torch.set_float32_matmul_precision("high" if precision == "tf32" else "highest")
    try:
        yield
    finally:
        torch.set_float32_matmul_precision(before)


def mlp_limit(device: torch.device, precision: str) -> float:
    """Seconds of an MLP epoch's products alone, at the model's shapes, on this device: on the
    CPU in float32 the faster of torch's BLAS and oneDNN (core.products)."""
    with matmul_precision(precision):
        seconds = gemm_epoch_seconds(DTYPES[precision], device=device)
    if device.type == "cpu" and precision == "fp32" and products.onednn_available():
        seconds = min(seconds, gemm_epoch_seconds(device=device, onednn=True))
    return seconds


def square_rate(device: torch.device, precision: str) -> float:
    """FLOP/s of a square matmul in `precision` on this device."""
    with matmul_precision(precision):
        return matmul_rate(DTYPES[precision], 1024 if device.type == "cpu" else 4096,
                           device=device)


@contextlib.contextmanager
def step_kind(graphs: bool, made: list):
    """The trainer's step as it picks it (`graphs`), or never captured; each step it makes is
    appended to `made`."""
    pick, can_graph = training.make_train_step, graphed_step.can_graph

    def recorded(*args, **kwargs):
        made.append(pick(*args, **kwargs))
        return made[-1]
    training.make_train_step = recorded
    if not graphs:
        graphed_step.can_graph = lambda optimizer, device: False
    try:
        yield
    finally:
        training.make_train_step, graphed_step.can_graph = pick, can_graph


def trainer_epochs(arch: str, precision: str, device: torch.device, train, test,
                   epochs: int, graphs: bool = True) -> tuple[list[float], float, int | None, str]:
    """(seconds of each epoch after the first, the last test loss, the host-to-device copies
    of the last epoch or None where not counted, what the step was). On CUDA the last epoch
    runs under the profiler, which slows it, so it is not timed."""
    made: list = []
    with step_kind(graphs, made):
        seconds, loss, copies = _trainer_epochs(arch, precision, device, train, test, epochs)
    step = made[0]
    if isinstance(step, graphed_step.GraphedStep):
        kind = f"graph ({step.captures} captured{', failed: ' + step.failed if step.failed else ''})"
    else:
        kind = f"eager ({type(step).__name__})"
    return seconds, loss, copies, kind


def _trainer_epochs(arch: str, precision: str, device: torch.device, train, test,
                    epochs: int) -> tuple[list[float], float, int | None]:
    model = new_model(1, arch=arch)
    trainer = Trainer(model, train, test,
                      TrainConfig(epochs=epochs, device=str(device),
                                  precision="bf16" if precision == "bf16" else "fp32"),
                      step_interval_s=0.25)  # as the CLI's progress line asks
    profiled = epochs if device.type == "cuda" and epochs >= 3 else None
    seconds, loss, copies, profiler = [], float("nan"), None, None
    with matmul_precision(precision):
        for event in trainer.events():
            if not isinstance(event, EpochEvent):
                continue
            loss = event.test_loss
            if event.epoch == profiled:
                profiler.__exit__(None, None, None)
                copies = sum("HtoD" in e.name for e in profiler.events())
            elif event.epoch > 1:
                seconds.append(event.seconds)
            if profiled is not None and event.epoch == profiled - 1:
                profiler = torch.profiler.profile(
                    activities=[torch.profiler.ProfilerActivity.CPU,
                                torch.profiler.ProfilerActivity.CUDA])
                profiler.__enter__()
    return seconds, loss, copies


def device_name(device: torch.device) -> str:
    if device.type == "cuda":
        return f"CUDA: {torch.cuda.get_device_name(device)}"
    if device.type == "mps":
        return "Apple MPS"
    return f"CPU ({platform.processor() or platform.machine()}), {torch.get_num_threads()} threads"


def main() -> None:
    keep_freed_memory()  # the C heap as the app's own process keeps it (cli.main)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="auto", help="auto | cpu | cuda[:i] | mps")
    parser.add_argument("--epochs", type=int, default=3,
                        help="epochs per run: the first is not timed, nor on CUDA the last")
    parser.add_argument("--arch", nargs="+", default=["mlp", "conv"], choices=["mlp", "conv"])
    parser.add_argument("--precision", nargs="+", default=list(DTYPES), choices=list(DTYPES),
                        help="those of them the device offers")
    args = parser.parse_args()
    device = resolve_device(args.device)
    fewest = 3 if device.type == "cuda" else 2  # an epoch left to time
    if args.epochs < fewest:
        untimed = "the first and the last are" if device.type == "cuda" else "the first is"
        parser.error(f"--epochs must be at least {fewest} on {device.type}: {untimed} not timed")
    offered = ["fp32"] + (["tf32"] if device.type == "cuda" else [])
    offered += ["bf16"] if native_bf16(device) else []
    precisions = [p for p in offered if p in args.precision]
    train, test = load_split("train"), load_split("test")
    per_step, per_test = step_flops(to_float(train[0][:1000]))
    conv_flop = per_step * STEPS_PER_EPOCH + per_test * TEST_PASSES
    mlp_flop = sum(flops(shapes) * calls for shapes, calls in epoch_gemms())
    print(f"# {time.strftime('%Y-%m-%d')}, torch {torch.__version__}, {device_name(device)}; "
          f"precisions {', '.join(precisions)}; an epoch's products: MLP "
          f"{mlp_flop / 1e9:.0f} GFLOP, conv {conv_flop / 1e12:.2f} TFLOP")
    limits: dict[tuple[str, str], float] = {}
    for precision in precisions:
        rate = square_rate(device, precision)
        print(f"square matmul, {precision}: {rate / 1e12:7.2f} TFLOP/s")
        for arch in args.arch:
            if arch == "mlp":
                limit = mlp_limit(device, precision)
                yardstick = "its own products alone"
            else:
                limit = conv_flop / rate
                yardstick = "its products at the square matmul's rate"
            limits[arch, precision] = limit
            for graphs in (True, False) if device.type == "cuda" else (True,):
                seconds, loss, copies, kind = trainer_epochs(arch, precision, device, train,
                                                             test, args.epochs, graphs)
                epoch = statistics.median(seconds)
                flop = mlp_flop if arch == "mlp" else conv_flop
                counted = ("" if copies is None
                           else f", {copies} host-to-device copies in its last epoch")
                of_fp32 = ("" if precision == "fp32"
                           else f" ({limits[arch, 'fp32'] / epoch:4.0%} of fp32's limit)")
                print(f"  {arch:4s} {precision} {kind}: epoch {epoch:6.3f} s "
                      f"({flop / epoch / 1e12:5.2f} TFLOP/s), limit {limit:6.3f} s ({yardstick}): "
                      f"share {limit / epoch:4.0%}{of_fp32}; test loss after {args.epochs} "
                      f"epochs {loss:.2f}{counted}")


if __name__ == "__main__":
    main()
