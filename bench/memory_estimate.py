"""The memory estimate (core.memory) next to what one real training run uses, on the CPU.

Each configuration runs in a fresh process: it loads the images, then trains two epochs of one
step each with the Trainer (as the app does), and reports the peak resident memory it added over
what the process held before the model was made, and the second step's seconds. Printed side by
side with the estimates.

    .venv/bin/python bench/memory_estimate.py
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vae_desktop.core import memory  # noqa: E402

CONFIGS = (
    {"arch": "mlp", "latent_dim": 20, "hidden": 400, "batch_size": 8192},
    {"arch": "mlp", "latent_dim": 512, "hidden": 8192, "batch_size": 4096},
    {"arch": "conv", "latent_dim": 20, "hidden": 400, "batch_size": 4096},
    {"arch": "conv", "latent_dim": 512, "hidden": 8192, "batch_size": 1024},
    {"arch": "conv", "latent_dim": 64, "hidden": 1024, "batch_size": 8192, "conditional": True},
)
TEST_IMAGES = 0  # no test pass: the step alone

CHILD = r"""
import json, resource, sys, time
import torch
from vae_desktop.core.heap import keep_freed_memory
keep_freed_memory()  # as the app's own process (cli.main)
from vae_desktop.core.data import load_split
from vae_desktop.core.training import TrainConfig, Trainer, new_model
from vae_desktop.core.settings import model_kwargs
config = json.loads(sys.argv[1])
train = load_split("train", size=config["batch_size"])
# Not the run's: where a GPU is there the app imports torch._dynamo (about 100 MB) ahead
# (vae_desktop.gui.workers.warm_up_in_gui_thread); on the CPU a run imports nothing for its Adam.
from vae_desktop.core.device import accelerator_present
if accelerator_present():
    import torch._dynamo
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096
before = rss()
peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
model = new_model(1, **model_kwargs({"conditional": False, "beta": 1.0, **config}))
trainer = Trainer(model, train, None, TrainConfig(epochs=2, batch_size=config["batch_size"],
                  device="cpu"))
end = trainer.run()
seconds = trainer.history[-1]["seconds"]  # the second epoch's one step
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"added": peak - before, "peak_before": peak_before, "before": before,
                  "seconds": seconds, "status": end.status}))
"""


def main() -> None:
    print("| settings | estimate | measured peak added | estimate / measured | step s "
          "(estimated) |")
    print("|---|---|---|---|---|")
    for config in CONFIGS:
        settings = {"conditional": False, **config}
        run = memory.estimate(settings, train_images=config["batch_size"], test_images=TEST_IMAGES)
        out = subprocess.run([sys.executable, "-c", CHILD, json.dumps(config)],
                             capture_output=True, text=True, cwd=ROOT, check=True)
        measured = json.loads(out.stdout.strip().splitlines()[-1])
        if measured["peak_before"] > measured["before"] + measured["added"]:
            note = " (below the process's earlier peak: not measured)"
        else:
            note = ""
        words = (f"{config['arch']} z{config['latent_dim']} h{config['hidden']} "
                 f"batch {config['batch_size']}" + (" cond" if config.get("conditional") else ""))
        print(f"| {words} | {run.total_bytes / 1e9:.2f} GB | {measured['added'] / 1e9:.2f} GB"
              f"{note} | {run.total_bytes / max(measured['added'], 1):.2f} | "
              f"{measured['seconds']:.1f} ({memory.step_seconds(run, 'cpu'):.1f}) |")


if __name__ == "__main__":
    main()
