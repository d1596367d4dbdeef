"""Sweep throughput by storage: trials finished per minute by 1 and by 2 worker processes (one
torch thread each) sharing one study, on SQLite, a journal file and PostgreSQL.

Each worker is `vae-desktop sweep` (the command line's own code, `vae_desktop.cli.main`), forked
from one launcher after the imports and released at one instant, as in the storage tests
(tests/sweep_worker_support.py). The trials are tiny and fixed (1 epoch on 500 images, scored
on 500, a small model, no pruning), so the storage's share of each trial shows. The rate is
the study's complete trials over the time from the first trial's start to the last one's end,
as the storage recorded them. PostgreSQL is a throwaway server from the pgserver wheel (the
tests' fixture, tests/postgres_server.py); it is skipped, with the reason, when none can be had.

    .venv/bin/python bench/sweep_throughput.py              # 12 trials a worker; prints a table
    .venv/bin/python bench/sweep_throughput.py --trials 20 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import optuna  # noqa: E402
from postgres_server import PostgresServer, binaries  # noqa: E402
from sweep_worker_support import Launch, forget_storages, trials  # noqa: E402

from vae_desktop.core.sweep.spec import GRACE_S, HEARTBEAT_S  # noqa: E402

# The tests' tiny trials, with the bench's image counts and the default heartbeat.
TRIAL = ["--train-size", "500", "--test-size", "500", "--heartbeat", str(HEARTBEAT_S),
         "--grace", str(GRACE_S)]
KINDS = ("SQLite", "journal file", "PostgreSQL")


def trials_per_minute(url: str, workers: int, trials_each: int, folder: Path) -> float:
    """Run `workers` workers of `trials_each` trials on the empty storage at `url`."""
    launch = Launch(folder)
    try:
        for seed in range(workers):
            launch.add(url, "bench", trials_each, seed + 1, *TRIAL)
        launch.release()
        for worker in launch.workers:
            if worker.finish(timeout=600) != 0:
                raise RuntimeError(f"a worker failed: {worker.err.strip()}")
    finally:
        launch.close()
    done = [t for t in trials(url, "bench") if t.state.name == "COMPLETE"]
    forget_storages()
    if len(done) != workers * trials_each:
        raise RuntimeError(f"{len(done)} of {workers * trials_each} trials completed")
    span = max(t.datetime_complete for t in done) - min(t.datetime_start for t in done)
    return 60 * len(done) / span.total_seconds()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=12, help="trials per worker (default 12)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of each case; the median is shown (default 1)")
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    load = os.getloadavg()[0]
    rates: dict[tuple[str, int], list[float]] = {}
    server = None
    skipped = ""
    with tempfile.TemporaryDirectory(prefix="vae-bench-") as tmp:
        try:
            if binaries() is None:
                raise RuntimeError("no PostgreSQL binaries (pip install pgserver)")
            server = PostgresServer(binaries())
            server.start()
        except (OSError, RuntimeError, KeyError) as exc:
            server, skipped = None, str(exc)
        try:
            for run in range(args.repeat):
                for kind in KINDS:
                    if kind == "PostgreSQL" and server is None:
                        continue
                    for workers in (1, 2):
                        folder = Path(tmp) / f"{kind[:3]}-{workers}-{run}"
                        folder.mkdir()
                        url = {"SQLite": f"sqlite:///{folder}/sweeps.db",
                               "journal file": f"journal://{folder}/sweep.log"}.get(kind) \
                            or server.create_database()
                        t0 = time.monotonic()
                        rate = trials_per_minute(url, workers, args.trials, folder / "run")
                        rates.setdefault((kind, workers), []).append(rate)
                        print(f"  {kind}, {workers} worker(s): {rate:.0f} trials/min "
                              f"({time.monotonic() - t0:.0f} s)", file=sys.stderr)
        finally:
            if server is not None:
                server.remove()

    print(f"\nSweep throughput, {time.strftime('%Y-%m-%d')}: trials finished per minute "
          f"({args.trials} trials a worker, 1 epoch on 500 images, one torch thread a worker; "
          f"{os.cpu_count()} cores, load average {load:.1f} at the start"
          + (f"; median of {args.repeat} runs" if args.repeat > 1 else "") + ")\n")
    print("| Storage | 1 worker | 2 workers | 2 vs 1 |")
    print("|---|---:|---:|---:|")
    for kind in KINDS:
        if (kind, 1) not in rates:
            print(f"| {kind} | – | – | skipped: {skipped} |")
            continue
        one, two = (statistics.median(rates[kind, n]) for n in (1, 2))
        print(f"| {kind} | {one:.0f} | {two:.0f} | {two / one:.2f}x |")


if __name__ == "__main__":
    main()
