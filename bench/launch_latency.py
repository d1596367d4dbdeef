"""Launch: from the process start to the main window on screen (target 1.5 s) and to the bundled
models usable (target 3.5 s), side by side with two floors measured in the same run: a bare Qt
window (QApplication and an empty QMainWindow, shown) and `python -c "import torch"`.

Each run starts `vae-desktop` with no arguments, as a person does, in a process of its own with
VAE_DESKTOP_LAUNCH_LOG naming a file where the app writes the time of each stage (time.monotonic,
one clock for every process): `shown` (its first expose painted), `models` (listed, the active one
chosen), `usable` (and the tab in view built with it), `ready` (every tab built). Then the bench
presses Ctrl+C (SIGINT) and the app closes. Runs are interleaved with the floors' runs, so a
burst of load elsewhere falls on all of them. The data folder and settings are a temporary
folder's, made by one launch that is not counted (a first launch also indexes the bundled models).

--source DIR times the app of another tree instead (e.g. an earlier commit: `git archive HEAD
vae_desktop resources | tar -x -C DIR`), through run_app with a window class that logs its first
expose; a tree whose window waits for torch has all its stages at that moment.

    .venv/bin/python bench/launch_latency.py [--runs 7] [--xvfb] [--source DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WINDOW_TARGET_S = 1.5
MODELS_TARGET_S = 3.5
STAGES = ("shown", "models", "usable", "ready")

# Logs the first painted expose of a window, as gui.startup does.
EXPOSE_HOOK = r"""
import os, time
from PySide6.QtCore import QEvent, QObject, QTimer

def log(stage):
    with open(os.environ["VAE_DESKTOP_LAUNCH_LOG"], "a") as fh:
        fh.write(f"{stage} {time.monotonic():.6f}\n")

class FirstExpose(QObject):
    def __init__(self, window, stages):
        super().__init__(window)
        self.stages = stages
        window.windowHandle().installEventFilter(self)

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Expose and watched.isExposed():
            watched.removeEventFilter(self)
            QTimer.singleShot(0, lambda: [log(s) for s in self.stages])
        return False
"""
BARE_WINDOW = EXPOSE_HOOK + r"""
import signal
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.resize(1280, 820)
window.show()
hook = FirstExpose(window, ["shown", "ready"])
signal.signal(signal.SIGINT, lambda *_: app.quit())
timer = QTimer(); timer.timeout.connect(lambda: None); timer.start(100)
app.exec()
os._exit(0)
"""
# An app whose window waits for torch: every stage is its first expose.
OLD_APP = EXPOSE_HOOK + r"""
from vae_desktop.gui import app as gui_app
from vae_desktop.gui.main_window import MainWindow

class Window(MainWindow):
    def showEvent(self, event):
        super().showEvent(event)
        if not hasattr(self, "hook"):
            self.hook = FirstExpose(self, ["shown", "models", "usable", "ready"])

gui_app.run_app([], window_class=Window)
"""
IMPORT_TORCH = "import time, torch; print(time.monotonic())"


def app_command() -> list[str]:
    script = Path(sys.executable).with_name("vae-desktop")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "vae_desktop"]


def launch(command: list[str], env: dict, log: Path, timeout_s: float = 120.0) -> dict[str, float]:
    """Seconds from the spawn to each stage the process logs; then Ctrl+C, and its end."""
    log.write_text("")
    started = time.monotonic()
    proc = subprocess.Popen(command, env={**env, "VAE_DESKTOP_LAUNCH_LOG": str(log)}, cwd=log.parent,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    stages: dict[str, float] = {}
    try:
        while time.monotonic() - started < timeout_s:
            for line in log.read_text().splitlines():
                name, at = line.split()
                stages.setdefault(name, float(at) - started)
            if "ready" in stages or "failed" in stages or proc.poll() is not None:
                break
            time.sleep(0.01)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if "ready" not in stages:
        raise SystemExit(f"the app did not get ready: stages {stages}, exit {proc.returncode}\n"
                         f"{err[-2000:]}")
    return stages


def import_torch(env: dict) -> float:
    started = time.monotonic()
    out = subprocess.run([sys.executable, "-c", IMPORT_TORCH], env=env, capture_output=True,
                         text=True, check=True).stdout
    return float(out.split()[-1]) - started


def start_xvfb(size: str) -> tuple[list[subprocess.Popen], str]:
    if not shutil.which("Xvfb"):
        raise SystemExit("--xvfb needs Xvfb (apt install xvfb)")
    display = f":{os.getpid() % 400 + 100}"
    procs = [subprocess.Popen(["Xvfb", display, "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    time.sleep(1.0)
    if shutil.which("openbox"):  # a window manager, as on a desktop
        procs.append(subprocess.Popen(["openbox"], env={**os.environ, "DISPLAY": display},
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(1.0)
    return procs, display


def median(values: list[float]) -> str:
    return f"{statistics.median(values):5.2f} s (min {min(values):.2f}, max {max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--xvfb", action="store_true", help="an X server (Xvfb + openbox) "
                        "instead of Qt's offscreen platform")
    parser.add_argument("--size", default="1920x1080", help="the Xvfb screen (default 1920x1080)")
    parser.add_argument("--source", type=Path, help="time the app of this tree instead")
    args = parser.parse_args()

    display_procs: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "VAE_DESKTOP_DATA_DIR": f"{tmp}/data",
               "XDG_CONFIG_HOME": f"{tmp}/config", "HOME": tmp}
        if args.xvfb:
            display_procs, display = start_xvfb(args.size)
            env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
        else:
            env["QT_QPA_PLATFORM"] = "offscreen"
        if args.source is not None:
            env["PYTHONPATH"] = str(args.source.resolve())
            command = [sys.executable, "-c", OLD_APP]
        else:
            command = app_command()
        log = Path(tmp) / "launch.log"
        try:
            launch(command, env, log)  # not counted: indexes the bundled models, warms the cache
            import_torch(env)
            app = {stage: [] for stage in STAGES}
            bare, torch_s = [], []
            for run in range(args.runs):
                stages = launch(command, env, log)
                for stage in STAGES:
                    app[stage].append(stages[stage])
                bare.append(launch([sys.executable, "-c", BARE_WINDOW], env, log)["shown"])
                torch_s.append(import_torch(env))
                print(f"run {run + 1}: " + ", ".join(f"{s} {stages[s]:.2f} s" for s in STAGES)
                      + f" | bare window {bare[-1]:.2f} s, import torch {torch_s[-1]:.2f} s",
                      flush=True)
        finally:
            for proc in display_procs:
                proc.terminate()

    where = f"Xvfb {args.size}" if args.xvfb else "offscreen"
    what = f"the app of {args.source}" if args.source else "vae-desktop"
    print(f"\n{what}, {where}, {os.cpu_count()} cores, median of {args.runs} runs "
          f"(from the process start):")
    print(f"  window on screen:        {median(app['shown'])}   "
          f"{statistics.median(app['shown']) / WINDOW_TARGET_S:.2f}x the {WINDOW_TARGET_S} s target")
    print(f"  models listed:           {median(app['models'])}")
    print(f"  models usable (tab in view built): {median(app['usable'])}   "
          f"{statistics.median(app['usable']) / MODELS_TARGET_S:.2f}x the {MODELS_TARGET_S} s target")
    print(f"  every tab built:         {median(app['ready'])}   "
          f"{statistics.median(app['ready']) / MODELS_TARGET_S:.2f}x the {MODELS_TARGET_S} s target")
    print(f"  floor, a bare Qt window: {median(bare)}")
    print(f"  floor, import torch:     {median(torch_s)}")
    print(f"  usable / import torch:   "
          f"{statistics.median(app['usable']) / statistics.median(torch_s):.2f}x")


if __name__ == "__main__":
    main()
