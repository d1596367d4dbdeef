"""Threads that train treat subnormal floats as zero (core.threads.flush_subnormals): Adam's
averages of rare gradients decay below float32's smallest normal number, and the CPU's slow path
for them made the fused Adam update 8x slower.

Each check runs in a fresh interpreter with 2 torch threads, so that the training thread's
OpenMP team has a second member, started by the first parallel op, which must have the setting
too; the test process's own threads stay as they are."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# A parallel op (400,000 elements: split across the team) whose exact results, 1e-40, are all
# subnormal: the count of those left nonzero.
PRELUDE = """
import json, sys, threading
import torch
torch.set_num_threads(2)
if not torch.set_flush_denormal(False):  # off, as a fresh interpreter has it anyway
    print(json.dumps({"unsupported": True}))
    sys.exit()
from vae_desktop.core import threads

def subnormals_left():
    return int((torch.full((400_000,), 1e-30) * 1e-10).count_nonzero())

def in_thread(target):
    seen = {}
    def run():
        seen["left"] = target()
    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return seen["left"]
"""


def run_script(body: str) -> dict:
    script = textwrap.dedent(PRELUDE) + textwrap.dedent(body)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT,
                          timeout=180)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result.get("unsupported"):
        pytest.skip("this CPU cannot flush subnormals")
    return result


def test_trainer_worker_and_gui_threads_flush_subnormals():
    result = run_script("""
        from vae_desktop.core.data import load_split
        from vae_desktop.core.training import TrainConfig, Trainer, new_model

        def training():
            trainer = Trainer(new_model(1), load_split("train", size=512),
                              load_split("test", size=256),
                              TrainConfig(epochs=1, batch_size=128, device="cpu"))
            left = None
            for event in trainer.events():  # checked while it trains, in its thread
                if left is None:
                    left = subnormals_left()
            return left

        def worker():
            threads.use_worker_threads()
            return subnormals_left()

        def gui_then_its_thread():
            threads.reserve_cores_for_workers()  # the GUI thread, at start-up
            return in_thread(subnormals_left)  # a worker it starts, before any set-up

        print(json.dumps({"plain": in_thread(subnormals_left), "training": in_thread(training),
                          "worker": in_thread(worker),
                          "started_by_gui": in_thread(gui_then_its_thread)}))
    """)
    assert result["plain"] == 400_000  # a thread left alone keeps them: the check can fail
    assert result == {"plain": 400_000, "training": 0, "worker": 0, "started_by_gui": 0}


def test_cli_train_flushes_before_its_first_parallel_op(tmp_path):
    """`vae-desktop train`'s thread and its whole OpenMP team flush them when it trains: the
    command sets it first thing, before anything it does could start the team (the trainer's
    own call would reach only the thread, not a team started earlier)."""
    out = tmp_path / "m.pt"
    result = run_script(f"""
        from vae_desktop.core import training

        real = training.flush_subnormals
        team = {{}}

        def count_at_trainer():  # what the team does when the trainer starts, by itself
            real()
            team["left"] = subnormals_left()

        training.flush_subnormals = count_at_trainer

        from vae_desktop import cli  # in the main thread, as a command runs (it sets signals)

        code = cli.main(["train", "--quiet", "--epochs", "1", "--train-size", "512",
                         "--test-size", "256", "--device", "cpu", "--out", {str(out)!r}])
        print(json.dumps({{"code": code, "left": team["left"]}}))
    """)
    assert result == {"code": 0, "left": 0}
    assert out.exists()
