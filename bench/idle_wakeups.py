"""The idle app: what `vae-desktop` costs while it waits for a person, with nothing running,
and with a training run paused.

    .venv/bin/python bench/idle_wakeups.py [--seconds 20] [--runs 3] [--other DIR]

Idle: each run starts `vae-desktop` as a person does (offscreen, a temporary data folder), waits
until every tab is built (the launch log's `ready`, as bench/launch_latency.py reads it) and 5 s
more, then reads from /proc, over --seconds: the CPU time of the process and how often its
threads were switched in (voluntary and involuntary context switches of every thread: each
wakeup of an idle thread is one). Paused: a process of its own builds the main window, starts a
small run on the Train tab, pauses it after 1.5 s, and counts its own threads' switches over
--seconds from 3 s after the pause. An idle desktop app should not wake at all, so a laptop's
cores can sleep. --other DIR runs the app of another tree (an earlier commit: `git worktree add
DIR COMMIT`) in the runs between, for a before-and-after in the same minutes. Linux only (/proc).
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

APP = [sys.executable, "-m", "vae_desktop"]
PAUSED_RUN = r"""
import os, sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from vae_desktop.gui.main_window import MainWindow

def switches():
    total = 0
    for task in os.listdir("/proc/self/task"):
        try:
            for line in open(f"/proc/self/task/{task}/status"):
                if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total

seconds = float(sys.argv[1])
app = QApplication([])
window = MainWindow()
window.resize(1280, 720)
window.show()
tab = window.train_tab

def start():
    tab.continue_box.setChecked(False)
    tab.apply_settings({"arch": "mlp", "hidden": 64, "latent_dim": 2, "epochs": 50,
                        "batch_size": 64, "train_size": 2000, "device": "cpu"})
    tab.start()
    QTimer.singleShot(1500, pause)

def pause():
    tab.toggle_pause()
    QTimer.singleShot(3000, measure)

def measure():
    began = (switches(), time.process_time(), time.monotonic())
    def done():
        elapsed = time.monotonic() - began[2]
        print(100 * (time.process_time() - began[1]) / elapsed, (switches() - began[0]) / elapsed,
              flush=True)
        os._exit(0)
    QTimer.singleShot(int(seconds * 1000), done)

QTimer.singleShot(3000, start)  # the window's first second of work done
app.exec()
"""


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def switches(pid: int) -> int:
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            for line in (task / "status").read_text().splitlines():
                if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                    total += int(line.split()[1])
        except OSError:  # a thread that ended meanwhile
            pass
    return total


def idle_run(env: dict, cwd: Path, seconds: float) -> tuple[float, float]:
    """(CPU %, context switches a second) of one launch once it is idle."""
    log = Path(env["VAE_DESKTOP_LAUNCH_LOG"])
    log.write_text("")
    proc = subprocess.Popen(APP, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        started = time.monotonic()
        while "ready" not in log.read_text():
            if proc.poll() is not None or time.monotonic() - started > 120:
                raise SystemExit(f"the app did not get ready (exit {proc.returncode})")
            time.sleep(0.05)
        time.sleep(5.0)  # the start-up's last deferred work
        ticks, woken, t0 = cpu_ticks(proc.pid), switches(proc.pid), time.monotonic()
        time.sleep(seconds)
        elapsed = time.monotonic() - t0
        cpu = (cpu_ticks(proc.pid) - ticks) / os.sysconf("SC_CLK_TCK") / elapsed
        return 100 * cpu, (switches(proc.pid) - woken) / elapsed
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def paused_run(env: dict, cwd: Path, seconds: float) -> tuple[float, float]:
    """(CPU %, context switches a second) of a process whose training run is paused."""
    out = subprocess.run([sys.executable, "-c", PAUSED_RUN, str(seconds)], env=env, cwd=cwd,
                         capture_output=True, text=True, timeout=seconds + 120)
    try:
        cpu, woken = map(float, out.stdout.split()[-2:])
    except ValueError:
        raise SystemExit(f"the paused run failed (exit {out.returncode}):\n{out.stderr[-2000:]}") from None
    return cpu, woken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--other", type=Path, help="also the app of this tree, alternately")
    args = parser.parse_args()
    if not Path("/proc/self/task").is_dir():
        raise SystemExit("this bench reads /proc (Linux)")
    repo = Path(__file__).resolve().parents[1]
    trees = {"this tree": repo, **({f"{args.other}": args.other.resolve()} if args.other else {})}
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "VAE_DESKTOP_DATA_DIR": f"{tmp}/data",
               "XDG_CONFIG_HOME": f"{tmp}/config", "HOME": tmp,
               "VAE_DESKTOP_LAUNCH_LOG": f"{tmp}/launch.log"}
        results: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for run in range(args.runs):
            for name, tree in trees.items():
                tree_env = {**env, "PYTHONPATH": str(tree)}
                for state, measure in (("idle", idle_run), ("paused run", paused_run)):
                    found = measure(tree_env, tree, args.seconds)
                    results.setdefault((name, state), []).append(found)
                    print(f"run {run + 1}, {name}, {state}: CPU {found[0]:.2f}%, "
                          f"{found[1]:.1f} context switches a second", flush=True)
    print(f"\noffscreen, {args.seconds:g} s a run, medians of {args.runs}:")
    for (name, state), found in results.items():
        print(f"  {name}, {state}: CPU {statistics.median(c for c, _ in found):.2f}% of a core, "
              f"{statistics.median(s for _, s in found):.1f} wakeups a second")


if __name__ == "__main__":
    main()
