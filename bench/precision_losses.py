"""The 10-epoch test loss in fp32 and in bf16, seed by seed, against issue 19's rules for them.

    .venv/bin/python bench/precision_losses.py [--arch mlp|conv] [--seeds 1,2,3] [--epochs 10]
                                               [--layers 1] [--target LOSS]

Each run is `vae-desktop train --epochs E --seed N --precision P` in a process of its own, on the
whole training split, and its test loss is the one it prints after its last epoch (the negative
ELBO on the 10,000 test digits, one z drawn with a fixed seed). One epoch's figure moves by up to
0.3 nats from the one before, so each line also gives the mean of the last three epochs'.

The rules (issue 19): bf16 becomes a model's default ("auto") only if its loss stays within 0.3
nats of fp32's on every seed; and each loss stays at or under the target, 105.6 for the MLP
(seeds 1-3) and 97.9 for the conv model. The script prints each seed's losses, bf16 - fp32, the
means, and whether each rule holds. 10 epochs take about 10 s (MLP) and 65-100 s (conv) a run on
the 2-core Xeon. Where the device the runs train on has no native bf16 (an AVX2-only CPU), bf16
would be emulated, about 20x slower, and is not what `auto` would choose there: the script then
runs fp32 alone and says so, unless --bf16 asks for both.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vae_desktop.core.device import resolve_device  # noqa: E402
from vae_desktop.core.precision import native_bf16  # noqa: E402

EPOCH_LINE = re.compile(r"^epoch (\d+): .*?test ([0-9.]+)", re.MULTILINE)
TARGETS = {"mlp": 105.6, "conv": 97.9}
RULE_NATS = 0.3


def train(arch: str, layers: int, seed: int, precision: str, epochs: int,
          folder: str) -> tuple[list[float], float]:
    """The test loss after each epoch of one `vae-desktop train` run, and its seconds."""
    command = [sys.executable, "-m", "vae_desktop", "train", "--arch", arch,
               "--layers", str(layers), "--epochs", str(epochs), "--seed", str(seed),
               "--precision", precision, "--out", str(Path(folder) / f"{precision}-{seed}.pt")]
    start = time.perf_counter()
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if run.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{run.stderr[-2000:]}")
    losses = [float(test) for _, test in EPOCH_LINE.findall(run.stdout)]
    if len(losses) != epochs:
        raise SystemExit(f"expected {epochs} epoch lines, read {len(losses)}:\n{run.stdout[-2000:]}")
    return losses, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--arch", choices=tuple(TARGETS), default="mlp")
    parser.add_argument("--layers", type=int, default=1)
    parser.add_argument("--seeds", default="1,2,3", help="comma-separated seeds")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--target", type=float, help="the loss each run must reach "
                        "(default: 105.6 for the MLP, 97.9 for the conv model)")
    parser.add_argument("--bf16", action="store_true",
                        help="also bf16 where this device has no native bf16 (emulated: slow)")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    target = args.target if args.target is not None else TARGETS[args.arch]
    print(f"# {args.arch}, {args.layers} hidden layer(s), {args.epochs} epochs, seeds {args.seeds}; "
          f"test loss after the last epoch (mean of the last three), nats")
    device = resolve_device("auto")  # what `vae-desktop train` trains on
    precisions = ("fp32", "bf16") if args.bf16 or native_bf16(device) else ("fp32",)
    if precisions == ("fp32",):
        print(f"# {device.type}: no native bf16, so fp32 alone (--bf16 runs bf16 emulated too)")
    last: dict[str, list[float]] = {precision: [] for precision in precisions}
    with tempfile.TemporaryDirectory() as folder:
        for seed in seeds:
            line = [f"seed {seed}:"]
            for precision in precisions:
                losses, seconds = train(args.arch, args.layers, seed, precision, args.epochs,
                                        folder)
                last[precision].append(losses[-1])
                line.append(f"{precision} {losses[-1]:.2f} ({statistics.mean(losses[-3:]):.2f}, "
                            f"{seconds:.0f} s)")
            if "bf16" in last:
                line.append(f"bf16 - fp32 {last['bf16'][-1] - last['fp32'][-1]:+.2f}")
            print("  ".join(line), flush=True)
    print("means: " + ", ".join(f"{precision} {statistics.mean(values):.2f}"
                                for precision, values in last.items()))
    if "bf16" in last:
        gaps = [b - f for f, b in zip(last["fp32"], last["bf16"], strict=True)]
        within = all(abs(g) <= RULE_NATS for g in gaps)
        print(f"bf16 within {RULE_NATS} nats of fp32 on every seed: {'yes' if within else 'no'} "
              f"(largest gap {max(gaps, key=abs):+.2f}, mean {statistics.mean(gaps):+.2f})")
    for precision, values in last.items():
        over = [s for s, v in zip(seeds, values, strict=True) if v > target]
        print(f"{precision} at or under {target}: "
              + ("every seed" if not over else f"not on seed(s) {', '.join(map(str, over))}"))


if __name__ == "__main__":
    main()
