"""Draw tab latency: from a mouse move that extends a stroke to the updated reconstruction on
screen (preprocessing, model, PSNR/SSIM, percentile, publishing the drawing, the views and
labels, and the repaint that follows), for the bundled MLP models, on the CPU.

The tab has no fixed throttle (a change is analysed on the next turn of the event loop, after
the mouse moves already queued: the newest stroke wins), so a move's latency is the work. Each
simulated move comes 2 ms after the previous update has been painted. Target: p95 <= 12 ms. Run:

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/draw_latency.py [--updates 200] [--threads 1]
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The app state lists the models it is given in its library: a throwaway one, not the user's.
os.environ.setdefault("VAE_DESKTOP_DATA_DIR", tempfile.mkdtemp(prefix="vae-desktop-bench-"))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from vae_desktop.core import checkpoint, preprocess  # noqa: E402
from vae_desktop.core.digit_analysis import analyse_digit  # noqa: E402
from vae_desktop.core.heap import keep_freed_memory  # noqa: E402
from vae_desktop.core.paths import bundled_models_dir  # noqa: E402
from vae_desktop.gui.state import AppState  # noqa: E402
from vae_desktop.gui.tabs.draw.tab import DrawTab  # noqa: E402


def path_points(n: int) -> list[QPoint]:
    """A looping scribble over the middle of the canvas: n points, each a new position (a move
    to where the pen already is changes nothing and triggers no update)."""
    points: list[QPoint] = []
    step = 0
    while len(points) < n:
        t = step / n * 6 * math.pi
        step += 1
        point = QPoint(round(140 + 80 * math.sin(t) * math.cos(t / 3)),
                       round(140 + 90 * math.sin(t / 2 + 0.3)))
        if not points or point != points[-1]:
            points.append(point)
    return points


def cpu_ticks() -> tuple[int, int] | None:
    """(stolen, all) CPU ticks so far from /proc/stat (Linux), None elsewhere. On a shared
    virtual machine the host takes CPU time away ("steal"), and a run with much of it is slow
    for reasons no change here can touch: the bench says how much there was."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return (fields[7] if len(fields) > 7 else 0), sum(fields[:8])


def steal_share(before, after) -> str:
    if before is None or after is None or after[1] == before[1]:
        return "n/a"
    return f"{100.0 * (after[0] - before[0]) / (after[1] - before[1]):.1f}%"


def percentiles(samples: list[float]) -> str:
    ms = np.array(samples) * 1000.0
    p50, p95 = np.percentile(ms, [50, 95])
    return f"p50 {p50:6.2f} ms   p95 {p95:6.2f} ms   max {ms.max():6.2f} ms"


def bench_model(app: QApplication, ckpt, updates: int) -> None:
    state = AppState()
    state.add_model(ckpt)
    tab = DrawTab(state)
    tab.resize(1260, 740)
    tab.show()
    # The shared test-set pass (once per model, in a worker): the tab asks for it when shown.
    start = time.perf_counter()
    while state.test_pass(ckpt) is None:
        app.processEvents()
        if time.perf_counter() - start > 300:
            raise SystemExit("the test-set pass did not come within 300 s")
        time.sleep(0.005)
    pass_seconds = time.perf_counter() - start
    canvas = tab.canvas
    points = path_points(updates + 1)
    QTest.mousePress(canvas, Qt.LeftButton, Qt.NoModifier, points[0])
    app.processEvents()
    end_to_end, updated, arrays = [], [], []
    ticks = cpu_ticks()
    for point in points[1:]:
        time.sleep(0.002)
        before = tab.update_count
        start = time.perf_counter()
        QTest.mouseMove(canvas, point)
        deadline = start + 5.0
        while tab.update_count == before:
            app.processEvents()
            if time.perf_counter() > deadline:
                raise SystemExit("no update within 5 s of a mouse move: the tab is not listening")
        updated.append(time.perf_counter() - start)
        app.processEvents()  # the repaint of the views
        end_to_end.append(time.perf_counter() - start)
        arrays.append(canvas.to_array())
    QTest.mouseRelease(canvas, Qt.LeftButton, Qt.NoModifier, points[-1])
    steal = steal_share(ticks, cpu_ticks())

    prep, model_time = [], []
    for array in arrays:
        start = time.perf_counter()
        image = preprocess.to_mnist(array)
        prep.append(time.perf_counter() - start)
        start = time.perf_counter()
        analyse_digit(ckpt.model, image, reference=state.test_pass(ckpt).scores["loss"])
        model_time.append(time.perf_counter() - start)
    print(f"{ckpt.path.stem} ({ckpt.config.describe()}), {updates} updates", flush=True)
    print(f"  stroke -> updated reconstruction  {percentiles(end_to_end)}")
    print(f"    of which before the repaint     {percentiles(updated)}")
    print(f"    to_mnist                        {percentiles(prep)}")
    print(f"    analyse_digit                   {percentiles(model_time)}")
    print(f"  shared test-set pass, in a worker {pass_seconds * 1000:.0f} ms (once per model)")
    print(f"  CPU time the host took (steal) while the strokes ran: {steal}")
    tab.close()
    state.workers.wait_all(30)


def main() -> None:
    keep_freed_memory()  # the C heap as the app's own process keeps it (cli.main)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=200)
    parser.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: default)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    app = QApplication.instance() or QApplication([])
    paths = sorted(bundled_models_dir().glob("*.pt"))
    if not paths:
        raise SystemExit(f"no bundled models in {bundled_models_dir()}")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads, no throttle")
    for path in paths:
        ckpt = checkpoint.load(path)
        if ckpt.config.arch == "mlp":
            bench_model(app, ckpt, args.updates)


if __name__ == "__main__":
    main()
