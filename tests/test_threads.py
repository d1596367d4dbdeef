"""core.threads: the GUI thread gives up torch's intra-op threads and worker threads take them.

Run in a fresh interpreter: the test process's own torch settings stay as they are."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
import torch
from PySide6.QtCore import Qt

from vae_desktop.core import threads
from vae_desktop.gui import workers
from vae_desktop.gui.tabs.train.tab import TrainTab

ROOT = Path(__file__).resolve().parents[1]


def test_gui_thread_runs_single_threaded_and_workers_get_the_default_back():
    script = textwrap.dedent("""
        import json, threading
        import torch
        torch.set_num_threads(2)  # what torch picks on a 2-core machine; fixed so the test is too
        from vae_desktop.core import threads
        before = threads.worker_threads()
        given = threads.reserve_cores_for_workers()
        seen = {}
        def worker():
            seen["worker"] = threads.use_worker_threads()
            seen["mm"] = float((torch.ones(300, 300) @ torch.ones(300, 300))[0, 0])
        t = threading.Thread(target=worker)
        t.start()
        t.join()
        again = threads.reserve_cores_for_workers()  # idempotent: still the original count
        print(json.dumps({"before": before, "given": given, "again": again,
                          "gui": torch.get_num_threads(), **seen}))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"before": None, "given": 2, "again": 2, "gui": 1, "worker": 2, "mm": 300.0}


def test_the_training_worker_gets_the_worker_thread_count(qtbot, app_state, monkeypatch):
    """The GUI thread keeps its own count; the run's worker thread sets the one the GUI thread
    gave up (core.threads), before training, and trains with it."""
    calls = []
    real = workers.use_worker_threads

    def recorded() -> int:
        calls.append(threading.get_ident())
        return real()

    monkeypatch.setattr(workers, "use_worker_threads", recorded)
    gui_threads = torch.get_num_threads()
    wanted = 1 if gui_threads != 1 else 2  # a count the GUI thread does not have
    monkeypatch.setattr(threads, "_worker_threads", wanted)
    tab = TrainTab(app_state)
    tab.eval_size = 200
    qtbot.addWidget(tab)
    assert tab.apply_settings({"train_size": 256, "epochs": 1, "latent_dim": 2, "hidden": 32,
                               "batch_size": 128, "seed": 1, "lr": 1e-3, "arch": "mlp",
                               "conditional": False, "beta": 1.0, "device": "cpu"})
    started = []
    tab.run_started.connect(started.append)
    with qtbot.waitSignal(tab.run_finished, timeout=60_000) as blocker:
        qtbot.mouseClick(tab.start_button, Qt.LeftButton)
    assert blocker.args[0].status == "done"
    assert len(calls) == 1 and calls[0] != threading.get_ident()
    assert started[0].threads == wanted  # what the trainer ran with, in the worker thread
    assert torch.get_num_threads() == gui_threads


def test_a_finished_job_leaves_no_openmp_team_to_slow_the_next_one():
    """libgomp counts the OpenMP threads of every thread that ever ran a parallel op, until that
    thread exits; past the core count, each op's helpers sleep at once and every op pays a
    wake-up. Pool threads that outlived their jobs kept their teams, and runs trained 1.6-1.8x
    slower than the CLI (2026-12-05): here the helpers slept about 6,000 times in the 3,000 ops
    below. Once each job's thread ends with it, the helper spins between ops and hardly sleeps."""
    if not sys.platform.startswith("linux"):
        pytest.skip("reads /proc; the count in question is GNU OpenMP's")
    script = textwrap.dedent("""
        import os, sys, threading, time
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        import torch
        from vae_desktop.core import threads
        threads.reserve_cores_for_workers()
        threads._worker_threads = len(os.sched_getaffinity(0))  # a team as large as the cores
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from vae_desktop.gui.workers import Workers
        workers = Workers()
        gui = threading.get_native_id()

        def sleeps():  # voluntary context switches of every thread but the GUI thread
            total = 0
            for tid in os.listdir("/proc/self/task"):
                try:
                    status = open(f"/proc/self/task/{tid}/status").read()
                except OSError:  # a thread that ended meanwhile
                    continue
                if int(tid) != gui:
                    total += int(status.split("\\nvoluntary_ctxt_switches:")[1].split()[0])
            return total

        x = torch.ones(1 << 20)  # large enough for torch to split each add over the team

        def ops(n):
            before = sleeps()
            for _ in range(n):
                x.add_(1.0)
            yield sleeps() - before

        def run(*counts):
            seen = []
            jobs = [workers.start("ops", ops, n, on_event=seen.append) for n in counts]
            while any(job.running for job in jobs):
                app.processEvents()
                time.sleep(0.01)
            app.processEvents()
            return seen

        run(50, 50)  # two jobs at once: two pool threads that have each had a team
        time.sleep(0.3)
        print(run(3000)[0])
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip().splitlines()[-1]) < 600
