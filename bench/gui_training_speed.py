"""Training from the GUI vs the headless CLI, in one run (target: GUI within 10% of the CLI).

Both train the same model with the same seed and settings and write a checkpoint after every
epoch. The CLI leg is `vae-desktop train --quiet` in a process of its own (timed inside it, from
the call to the end, so Python's start-up is not counted); the GUI leg is the real main window in
this process (all tabs alive, bundled models loaded, threads set up as the app does),
started with its Start button, with the live plot, progress and live latent view updating (a
snapshot of 2,000 test digits every 200 steps and after each epoch; --no-live turns the view
off, as its Live box does). The legs alternate so
that drifting machine load hits both alike, and the figure is the median of the GUI/CLI ratios
of back-to-back pairs. Each leg first makes an untimed short run (first-call costs).
The app keeps the training split once a run has read it (since 2026-12-05), so the GUI leg's
timed runs start from memory, as a session's second run does; each CLI leg reads it in its own
process, as every `vae-desktop train` does (about 20 ms of its time).

Also times a redraw of the loss plot holding 100,000 points per curve, and what one latent
snapshot costs: taking it in the worker (encode the sample, PCA, align, decode the codes) and
drawing it in the live view.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/gui_training_speed.py [--train-size 20000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


CLI_SNIPPET = """
import json, sys, time
import torch
if {threads}:
    torch.set_num_threads({threads})
from vae_desktop import cli
from vae_desktop.core import checkpoint
from vae_desktop.core.heap import keep_freed_memory
keep_freed_memory()  # cli.main does for `vae-desktop` itself
if {warmup!r}:  # an untimed short run first, as the GUI leg has had (first-call costs)
    cli.main({warmup!r})
t0, cpu0 = time.perf_counter(), time.process_time()
code = cli.main({argv!r})
seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
loss = checkpoint.load({out!r}).test_loss if code == 0 else None
print(json.dumps({{"code": code, "seconds": seconds, "cpu": cpu, "loss": loss}}))
"""


def cli_leg(args, out: Path) -> tuple[float, float, float]:
    """`vae-desktop train` in a fresh process, as a user runs it: (wall s, CPU s, test loss)."""
    argv = ["train", "--quiet", "--epochs", str(args.epochs), "--train-size", str(args.train_size),
            "--latent-dim", str(args.latent_dim), "--hidden", str(args.hidden), "--arch", args.arch,
            "--seed", "1", "--device", args.device, "--out", str(out)]
    warmup = []
    if args.warmup:
        warmup = argv[:argv.index("--epochs")] + ["--epochs", "1", "--train-size", "1000",
                                                   "--test-size", "1000", "--out", str(out)]
    code = CLI_SNIPPET.format(threads=args.threads or 0, argv=argv, out=str(out), warmup=warmup)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1])
    if done.returncode != 0:
        raise SystemExit(f"the CLI leg failed:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["code"] != 0:
        raise SystemExit(f"the CLI failed with status {result['code']}")
    return result["seconds"], result["cpu"], result["loss"]


def gui_leg(args, app, window) -> tuple[float, float, float, int, float]:
    from PySide6.QtCore import QEventLoop

    tab = window.train_tab
    tab.results.live_view.live_box.setChecked(args.live)
    tab.apply_settings({"epochs": args.epochs, "train_size": args.train_size, "seed": 1,
                        "latent_dim": args.latent_dim, "hidden": args.hidden, "arch": args.arch,
                        "device": args.device, "conditional": False, "beta": 1.0, "lr": 1e-3,
                        "batch_size": 128, "beta_warmup": 0})
    ended = []
    tab.run_finished.connect(ended.append)
    loop = QEventLoop()
    tab.run_finished.connect(loop.quit)
    t0, cpu0, gui_cpu0 = time.perf_counter(), time.process_time(), time.thread_time()
    tab.start_button.click()
    loop.exec()  # the ordinary event loop, as in the app
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    gui_cpu = time.thread_time() - gui_cpu0  # the GUI thread's part of the process's CPU time
    tab.run_finished.disconnect(loop.quit)
    if ended[-1].status != "done":
        raise SystemExit(f"the GUI run failed: {ended[-1]}")
    return (seconds, cpu, tab.last_trained.test_loss, tab.steps_received, gui_cpu,
            len(tab.results.live_view.snapshots))


def plot_redraw_ms(points: int = 100_000) -> float:
    import numpy as np

    from vae_desktop.gui.widgets.loss_plot import LossPlot

    plot = LossPlot()
    plot.resize(900, 400)
    plot.show()
    rng = np.random.default_rng(0)
    losses = 100 + 400 * np.exp(-np.linspace(0, 8, points)) + rng.normal(0, 5, points)
    for i, loss in enumerate(losses):
        plot.add_step(i / 1000, loss, loss * 0.8, loss * 0.2)
    timings = []
    for _ in range(5):
        plot.add_step(points / 1000, 100.0, 80.0, 20.0)
        t0 = time.perf_counter()
        plot.redraw()
        plot.plot_widget.grab()  # forces a full paint
        timings.append((time.perf_counter() - t0) * 1000)
    plot.close()
    return statistics.median(timings)


def snapshot_ms(args, repeats: int = 7) -> tuple[float, float, str]:
    """Median ms of one latent snapshot, taken (worker side) and drawn in the live view (GUI), and
    the precision it was taken in."""
    import torch

    from vae_desktop.core.data import load_split
    from vae_desktop.core.precision import resolve_precision
    from vae_desktop.core.snapshots import LatentTimeline
    from vae_desktop.core.threads import worker_threads
    from vae_desktop.core.training import new_model
    from vae_desktop.gui.tabs.train.live_latent import LiveLatentView

    model = new_model(1, latent_dim=args.latent_dim, hidden=args.hidden, arch=args.arch)
    # In the precision a run of the app's default ("auto") trains in, which the snapshot uses
    precision = resolve_precision("auto", model.device, args.arch)
    images, labels = load_split("test")
    timeline = LatentTimeline(images, labels, model.latent_dim)
    view = LiveLatentView()
    view.resize(420, 420)
    view.show()
    take, draw = [], []
    # Taken with the worker's torch threads, as in a run: this GUI thread has one since
    # reserve_cores_for_workers (until 2026-12-04 the take was timed on that one thread).
    gui_threads = torch.get_num_threads()
    torch.set_num_threads(worker_threads() or gui_threads)
    with torch.no_grad():
        for i in range(repeats + 1):
            for p in model.parameters():  # a model that moved, as in training
                p.add_(torch.randn_like(p) * 1e-3)
            t0 = time.perf_counter()
            snapshot = timeline.take(model, 1, i, float(i), 100.0, 1.0, 1e-3, precision)
            t1 = time.perf_counter()
            view.add(snapshot)
            view.view.canvas.grab()  # forces the paint
            t2 = time.perf_counter()
            if i:  # the first: first-call costs
                take.append((t1 - t0) * 1000)
                draw.append((t2 - t1) * 1000)
    torch.set_num_threads(gui_threads)
    view.close()
    return statistics.median(take), statistics.median(draw), precision


def main() -> int:
    from vae_desktop.core.heap import keep_freed_memory

    keep_freed_memory()  # the C heap as the app's own process keeps it (cli.main)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train-size", type=int, default=20_000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--latent-dim", type=int, default=20)
    parser.add_argument("--hidden", type=int, default=400)
    parser.add_argument("--arch", choices=("mlp", "conv"), default="mlp")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, help="torch intra-op threads for both legs "
                        "(on an oversubscribed machine, 1 keeps OpenMP waits out of the figures)")
    parser.add_argument("--no-warmup", dest="warmup", action="store_false",
                        help="time each leg's first run too (first-call costs included)")
    parser.add_argument("--no-live", dest="live", action="store_false",
                        help="the GUI leg without the live latent view (its Live box unticked)")
    parser.add_argument("--no-reserve", dest="reserve", action="store_false",
                        help="leave the GUI thread's torch threads at the default, as before "
                        "core.threads existed (shows what it fixed)")
    args = parser.parse_args()

    import torch

    from vae_desktop.core.threads import reserve_cores_for_workers, worker_threads

    if args.threads:
        torch.set_num_threads(args.threads)
    if args.reserve:
        reserve_cores_for_workers()  # as the app does, before any torch work here
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv)
    app.setOrganizationName("vae-desktop-bench")  # its own QSettings: the user's stay untouched
    from vae_desktop.gui.app import GuiThreadCollector

    collector = GuiThreadCollector()  # garbage cycles collected as in the app
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["VAE_DESKTOP_DATA_DIR"] = str(Path(tmp) / "data")  # autosaves go here
        from vae_desktop.gui.main_window import MainWindow

        window = MainWindow()
        window.resize(1280, 820)
        window.show()
        window.show_tab("Train")  # where a user watches a run (other tabs catch up when shown)
        collector.settle()  # start-up's objects out of the collector's sight, as in the app
        window.train_tab.eval_size = None
        if args.warmup:  # an untimed short run first: first-call costs, as in the CLI leg
            gui_leg(argparse.Namespace(**{**vars(args), "epochs": 1, "train_size": 1000}), app, window)
        cli_times, gui_times, cli_cpus, gui_cpus, gui_thread_rates = [], [], [], [], []
        for i in range(args.repeats):
            seconds, cpu, cli_loss = cli_leg(args, Path(tmp) / f"cli-{i}.pt")
            cli_times.append(seconds)
            cli_cpus.append(cpu)
            print(f"CLI run {i + 1}: {seconds:.2f} s, CPU {cpu:.2f} s, test loss {cli_loss:.3f}",
                  flush=True)
            seconds, cpu, gui_loss, updates, gui_cpu, snapshots = gui_leg(args, app, window)
            gui_times.append(seconds)
            gui_cpus.append(cpu)
            gui_thread_rates.append(gui_cpu / seconds * 1000)
            print(f"GUI run {i + 1}: {seconds:.2f} s, CPU {cpu:.2f} s of which GUI thread "
                  f"{gui_cpu:.2f} s, test loss {gui_loss:.3f}, {updates} step updates "
                  f"({updates / seconds:.1f} per second), {snapshots} latent snapshots",
                  flush=True)
        window.close()

    samples = args.train_size * args.epochs
    cli_s, gui_s = min(cli_times), min(gui_times)
    print()
    print(f"{args.arch} 784-{args.hidden}-{args.latent_dim}, batch 128, {args.epochs} epochs of "
          f"{args.train_size:,} images (+ 10,000 test images scored per epoch), {args.device}, "
          f"torch {torch.__version__}, {worker_threads() or torch.get_num_threads()} threads for "
          f"training{'' if args.reserve else ', GUI thread NOT reserved (--no-reserve)'}")
    print(f"headless CLI : best {cli_s:.2f} s ({samples / cli_s:,.0f} samples/s incl. eval)")
    live = f"live latent view on, {snapshots} snapshots a run" if args.live else "live view off"
    print(f"GUI ({live}): best {gui_s:.2f} s ({samples / gui_s:,.0f} samples/s incl. eval)")
    paired = sorted(g / c for g, c in zip(gui_times, cli_times, strict=True))
    print(f"GUI / CLI    : {statistics.median(paired):.3f} wall time, median of the {len(paired)} "
          f"back-to-back pairs (target <= 1.10; pairs {', '.join(f'{r:.2f}' for r in paired)}); "
          f"best vs best {gui_s / cli_s:.3f}; CPU time "
          f"{statistics.median(gui_cpus) / statistics.median(cli_cpus):.3f} (medians)")
    # What the window itself costs: on 2 cores a millisecond of the GUI thread's comes out of
    # training's two threads about one for one.
    print(f"GUI thread   : {statistics.median(gui_thread_rates):.1f} ms of CPU per second of a "
          f"run (median; runs {min(gui_thread_rates):.1f}-{max(gui_thread_rates):.1f})")
    print(f"same seed, same result: CLI {cli_loss:.4f} vs GUI {gui_loss:.4f} nats/image")
    print(f"loss plot redraw with 100,000 points per curve: {plot_redraw_ms():.1f} ms")
    take_ms, draw_ms, precision = snapshot_ms(args)
    print(f"one latent snapshot of 2,000 test digits: {take_ms:.1f} ms to take in the worker "
          f"(encode, PCA, align, decode; {precision}, as the run), {draw_ms:.1f} ms to draw in "
          f"the live view")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
