"""Python's cycle collector in the command's own process. A full collection traverses every
object it tracks, some 200,000 once torch is imported: two of them fell in the first epoch of a
`vae-desktop train` run (85-100 ms each, the GIL held), and the interpreter's exit ran another.
Training leaves what exists as it starts out of the collector's full passes, and gives it back
after; the command's own process leaves everything out before it exits."""

from __future__ import annotations

import gc
import subprocess
import sys

from vae_desktop import cli
from vae_desktop.core import training

# The command as `vae-desktop ...` runs it (main() reading sys.argv), then what the collector
# holds frozen once main() has returned: what the interpreter's exit would no longer traverse.
OWN_PROCESS = """
import gc, importlib.util, sys
full, started = [], []  # full collections before training starts; the collector then
gc.callbacks.append(lambda phase, info: full.append(1) if phase == "start"
                    and info["generation"] == 2 and not started else None)

class FollowTraining:  # wraps Trainer.events once the command imports it (torch with it)
    def find_spec(self, name, path=None, target=None):
        if name != "vae_desktop.core.training":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        run = spec.loader.exec_module
        def exec_module(module):
            run(module)
            real_events = module.Trainer.events
            def events(trainer):
                started.append((gc.get_freeze_count(), gc.isenabled()))
                yield from real_events(trainer)
            module.Trainer.events = events
        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, FollowTraining())
from vae_desktop.cli import main
sys.argv = ["vae-desktop", *sys.argv[1:]]
code = main()
print("before training: full collections", len(full), "frozen", started[0][0],
      "collector on", started[0][1])
print("frozen", gc.get_freeze_count(), "code", code)
"""


def test_training_runs_with_what_came_before_it_out_of_the_full_passes(tmp_path, monkeypatch):
    seen = []
    real_events = training.Trainer.events

    def events(self):
        for event in real_events(self):
            seen.append(gc.get_freeze_count())
            yield event

    monkeypatch.setattr(training.Trainer, "events", events)
    before = gc.get_freeze_count()
    code = cli.main(["train", "--epochs", "1", "--train-size", "300", "--test-size", "100",
                     "--quiet", "--out", str(tmp_path / "m.pt")])
    assert code == 0 and seen
    if before == 0:  # (a test before this one in the process may have frozen the app's objects)
        assert min(seen) > 10_000  # torch, the data and the model, out of the collector's sight
        assert gc.get_freeze_count() == 0  # given back: a test process is not a command's own
    else:
        assert min(seen) >= before and gc.get_freeze_count() >= before


def test_the_commands_own_process_leaves_everything_out_before_it_exits(tmp_path):
    done = subprocess.run([sys.executable, "-c", OWN_PROCESS, "train", "--epochs", "1",
                           "--train-size", "300", "--test-size", "100", "--quiet",
                           "--out", str(tmp_path / "m.pt")],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    words = done.stdout.split()
    frozen = int(words[len(words) - 1 - words[::-1].index("frozen") + 1])
    assert frozen > 100_000 and words[-1] == "0", done.stdout
    # torch's import made some 150,000 objects: with the collector on, three full collections
    # traversed them as they came. The command imports it with the collector off, and leaves
    # what it made out of its sight before the collector comes back on.
    assert words[words.index("collections") + 1] == "0", done.stdout
    assert int(words[words.index("frozen") + 1]) > 100_000, done.stdout
    assert words[words.index("on") + 1] == "True", done.stdout


def test_a_sweep_runs_with_what_came_before_it_out_of_the_full_passes(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from vae_desktop.core import sweep

    seen = []

    def run_sweep(spec, on_event, stop_flag=None, abort_flag=None):
        seen.append(gc.get_freeze_count())
        return SimpleNamespace(best=None, objective=spec.objective)

    monkeypatch.setattr(sweep, "run_sweep", run_sweep)
    before = gc.get_freeze_count()
    storage = f"sqlite:///{tmp_path / 'sweep.db'}"
    assert cli.main(["sweep", "--storage", storage, "--trials", "1", "--epochs", "1",
                     "--train-size", "300", "--test-size", "100"]) == 0
    if before == 0:
        assert seen[0] > 10_000 and gc.get_freeze_count() == 0
    else:
        assert seen[0] >= before
