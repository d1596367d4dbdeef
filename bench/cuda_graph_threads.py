"""On a CUDA GPU: training runs whose steps are captured in CUDA graphs (core.graphed_step) while
other threads use the same GPU, as in the app (a Train run beside a sweep, and the Draw and
Latent space tabs scoring on the GUI thread meanwhile).

    python bench/cuda_graph_threads.py [--epochs 2]

Three runs: one trainer alone (the reference); two trainers at once in two threads; one trainer
while the main thread scores batches eagerly without pause. For each it prints every trainer's
end, test loss and epoch times, how many graphs its step captured and whether a capture failed
(the step then stays eager), and how many batches the main thread scored. Every run must end
"done" with a finite loss near the reference's (not equal: the threads share torch's random
numbers). Needs a CUDA GPU; elsewhere it says so. Written on 2026-12-05 and run then only with
its CUDA calls swapped for the CPU's: no GPU was lent for it after the figures in
bench/README.md, so what it prints on a GPU is still to be seen.
"""

from __future__ import annotations

import argparse
import math
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from vae_desktop.core import training  # noqa: E402
from vae_desktop.core.data import load_split, to_float  # noqa: E402
from vae_desktop.core.graphed_step import GraphedStep  # noqa: E402
from vae_desktop.core.heap import keep_freed_memory  # noqa: E402
from vae_desktop.core.model import score_images  # noqa: E402
from vae_desktop.core.training import EpochEvent, TrainConfig, Trainer, new_model  # noqa: E402


def train(seed: int, arch: str, epochs: int, data, results: dict) -> None:
    """One run, its outcome put in results[seed]."""
    train_data, test_data = data
    trainer = Trainer(new_model(seed, arch=arch), train_data, test_data,
                      TrainConfig(epochs=epochs, device="cuda", seed=seed))
    seconds = []
    try:
        end = trainer.run(lambda e: seconds.append(e.seconds) if isinstance(e, EpochEvent) else None)
        results[seed] = (end.status, trainer.history[-1]["test_loss"] if trainer.history
                         else math.nan, seconds, None)
    except Exception as error:  # what a thread raises would otherwise vanish
        results[seed] = ("raised", math.nan, seconds, f"{type(error).__name__}: {error}")


def main() -> None:
    keep_freed_memory()  # the C heap as the app's own process keeps it (cli.main)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()
    if not torch.cuda.is_available():
        print("needs a CUDA GPU: none is available here")
        return
    data = (load_split("train", size=20_000), load_split("test", size=2_000))
    made: dict[int, object] = {}
    pick = training.make_train_step

    def recorded(model, *rest, **kwargs):  # which step each run got, by its thread
        step = pick(model, *rest, **kwargs)
        made[threading.get_ident()] = step
        return step
    training.make_train_step = recorded

    def report(name: str, results: dict, threads: dict) -> None:
        for seed, (status, loss, seconds, error) in sorted(results.items()):
            step = made.get(threads.get(seed))
            kind = (f"graph, {step.captures} captured"
                    + (f", capture failed: {step.failed}" if step.failed else "")
                    if isinstance(step, GraphedStep) else type(step).__name__)
            print(f"  {name}, seed {seed}: {status}, test loss {loss:.2f}, epochs "
                  f"{', '.join(f'{s:.2f}' for s in seconds)} s; step: {kind}"
                  + (f"; {error}" if error else ""))

    def run_threads(seeds: list[int], arch: str, while_running=None) -> tuple[dict, dict]:
        results: dict = {}
        threads = {seed: threading.Thread(target=train,
                                          args=(seed, arch, args.epochs, data, results))
                   for seed in seeds}
        for thread in threads.values():
            thread.start()
        if while_running is not None:
            while_running(threads)
        for thread in threads.values():
            thread.join()
        return results, {seed: thread.ident for seed, thread in threads.items()}

    images = to_float(data[1][0][:1000]).cuda()
    for arch in ("mlp", "conv"):
        print(f"# {time.strftime('%Y-%m-%d')}, {torch.cuda.get_device_name()}, {arch}, "
              f"{args.epochs} epochs of 20,000 images")
        report("alone", *run_threads([1], arch))
        report("two at once", *run_threads([1, 2], arch))
        scorer = new_model(3, arch=arch).cuda().eval()
        scored = [0]

        def score_meanwhile(threads, scorer=scorer, scored=scored):
            while any(thread.is_alive() for thread in threads.values()):
                score_images(scorer, images[:64])
                torch.cuda.synchronize()
                scored[0] += 1
        report("beside a scoring thread", *run_threads([1], arch, score_meanwhile))
        print(f"  the main thread scored {scored[0]} batches of 64 meanwhile")


if __name__ == "__main__":
    main()
