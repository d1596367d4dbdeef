"""`vae-desktop train` as a user runs it: the whole process, from its start to its end, split at
the line it prints when the model is saved, so the interpreter's exit shows on its own.

    .venv/bin/python bench/cli_process_time.py [--runs 6] [--train-size 20000] [--other PATH]

Each run is `python -m vae_desktop train --epochs 1 --train-size N --out TMP` in a process of its
own, timed by this script on one clock from before the process starts to after it ends; the
"saved" line is timed as it arrives. With --other, a second checkout of the project (say a git
worktree of the code before a change, its modules compiled as this one's are) runs alternately
with this one, and the script prints the ratio of the medians. The interpreter is this one's in
both, so only the project's code differs. Both give the same model (the script checks the test
loss).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def one_run(tree: Path, train_size: int, out: Path) -> tuple[float, float, str]:
    """(seconds to the "saved" line, seconds in all, the last epoch's line) for one process."""
    command = [sys.executable, "-m", "vae_desktop", "train", "--epochs", "1", "--train-size",
               str(train_size), "--precision", "fp32", "--out", str(out)]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=tree, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    saved, epoch_line = float("nan"), ""
    for line in process.stdout:
        if line.startswith("epoch "):
            epoch_line = line.strip()
        if line.startswith("saved "):
            saved = time.perf_counter() - start
    process.wait()
    total = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} in {tree} ended with status {process.returncode}")
    return saved, total, epoch_line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--train-size", type=int, default=20000)
    parser.add_argument("--other", type=Path, help="another checkout to alternate with this one")
    args = parser.parse_args()
    trees = {"this": ROOT, **({"other": args.other.resolve()} if args.other else {})}
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
    losses: dict[str, set[str]] = {name: set() for name in trees}
    with tempfile.TemporaryDirectory() as folder:
        for run in range(args.runs):
            order = list(trees.items()) if run % 2 == 0 else list(reversed(trees.items()))
            for name, tree in order:
                saved, total, epoch_line = one_run(tree, args.train_size,
                                                   Path(folder) / f"{name}.pt")
                times[name].append((saved, total))
                # The test loss, without the epoch's seconds (which differ run to run).
                losses[name].add(epoch_line.split(" nats/image")[0])
                print(f"{name} run {run + 1}: saved after {saved:.2f} s, ended after {total:.2f} s "
                      f"(exit {total - saved:.2f} s)", flush=True)
    print(f"\n`vae-desktop train --epochs 1 --train-size {args.train_size}`, {args.runs} runs, "
          f"medians:")
    medians = {}
    for name, runs in times.items():
        saved = statistics.median(s for s, _ in runs)
        total = statistics.median(t for _, t in runs)
        exit_s = statistics.median(t - s for s, t in runs)
        medians[name] = total
        print(f"  {name:5s} ({trees[name]}): in all {total:.2f} s; to the saved line {saved:.2f} s; "
              f"the exit after it {exit_s:.2f} s")
    if args.other:
        print(f"  this / other: {medians['this'] / medians['other']:.3f} in all")
        same = losses["this"] == losses["other"] and len(losses["this"]) == 1
        print(f"  the same test loss in every run: {'yes' if same else 'no'} "
              f"({'; '.join(sorted(losses['this'] | losses['other']))})")


if __name__ == "__main__":
    main()
