"""What a sweep costs beyond the training itself: Optuna's sampler, the SQLite writes (trial,
params, one report per epoch, user attributes, heartbeat) and each trial's checkpoint; and what
the GUI's way of running it as a job (`sweep_steps`: run_sweep in a thread of its own, events
through a queue) adds to that.

Trains the same trials three times: through `run_sweep` on a fresh SQLite study, through
`sweep_steps` on another, and by calling `Trainer` directly with the sampled settings; prints
the differences per trial.

    .venv/bin/python bench/sweep_overhead.py                      # 8 trials, 2 epochs, 5000 images
    .venv/bin/python bench/sweep_overhead.py --trials 4 --train-size 2000 --device cuda
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import optuna  # noqa: E402
import torch  # noqa: E402

from vae_desktop.core.data import load_split  # noqa: E402
from vae_desktop.core.heap import keep_freed_memory  # noqa: E402
from vae_desktop.core.jobs import run_to_end  # noqa: E402
from vae_desktop.core.sweep import SweepSpec, run_sweep, sweep_steps  # noqa: E402
from vae_desktop.core.training import TrainConfig, Trainer, new_model  # noqa: E402


def main() -> None:
    keep_freed_memory()  # the C heap as the app's own process keeps it (cli.main)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=8)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--train-size", type=int, default=5000)
    parser.add_argument("--test-size", type=int, default=1000)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    torch.set_num_threads(min(2, os.cpu_count() or 1))

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["VAE_DESKTOP_DATA_DIR"] = tmp
        spec = SweepSpec(vary=("latent_dim", "lr"), trials=args.trials, epochs=args.epochs,
                         train_size=args.train_size, test_size=args.test_size, prune=False,
                         storage=f"sqlite:///{tmp}/bench.db", study="bench", seed=1,
                         device=args.device)
        run_sweep(SweepSpec(**{**spec.__dict__, "trials": 1, "study": "warm-up"}))  # imports, caches
        t0 = time.perf_counter()
        result = run_sweep(spec)
        swept = time.perf_counter() - t0
        t0 = time.perf_counter()
        as_job = run_to_end(sweep_steps(SweepSpec(**{**spec.__dict__, "study": "bench-job"})))
        job = time.perf_counter() - t0
        assert [t.params for t in as_job.trials] == [t.params for t in result.trials]

    train = load_split("train", size=args.train_size)
    test = load_split("test", size=args.test_size)
    t0 = time.perf_counter()
    for trial in result.trials:
        s = trial.settings
        model = new_model(trial.number + 1, latent_dim=s["latent_dim"], hidden=s["hidden"],
                          arch=s["arch"], beta=s["beta"])
        config = TrainConfig(epochs=args.epochs, lr=s["lr"], batch_size=s["batch_size"],
                             seed=1 + trial.number, device=args.device)
        Trainer(model, train, test, config, step_interval_s=0.5).run()
    direct = time.perf_counter() - t0

    n = len(result.trials)
    print(f"{n} trials x {args.epochs} epochs on {args.train_size} images ({args.device}), no pruning")
    print("| | total s | per trial s |")
    print("|---|---:|---:|")
    print(f"| run_sweep (Optuna + SQLite + checkpoints) | {swept:.2f} | {swept / n:.3f} |")
    print(f"| sweep_steps, the GUI's job (+ thread, queue) | {job:.2f} | {job / n:.3f} |")
    print(f"| Trainer alone, same settings | {direct:.2f} | {direct / n:.3f} |")
    print(f"| overhead | {swept - direct:.2f} | {(swept - direct) / n:.3f} |")


if __name__ == "__main__":
    main()
