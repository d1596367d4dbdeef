"""Latent space tab latency, on the CPU, for the bundled MLP models:

* drag -> decoded image: a real left-button drag over the plot (Qt mouse events through
  pyqtgraph's scene, the ViewBox, the plane -> latent mapping, the decode, the DigitView, the
  crosshair, the sliders, and the repaint that follows). Target: p95 <= 10 ms.
* a 20 x 20 manifold: decoding the 400 grid codes and tiling them (core), and the whole overlay
  update in the tab (plus setting the ImageItem). Target: <= 150 ms.
* the test-set pass the tab's scatter comes from: made once per model in a worker (the state's
  shared pass), with the longest the GUI thread was kept busy meanwhile, and the statistics the
  tab builds from it (KL, PCA) on the GUI thread.

Run:

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/latent_latency.py [--moves 300] [--threads N]

pyqtgraph handles at most 100 mouse moves a second (its mouseRateLimit), so the moves here come
11 ms apart: what is measured is the work per move, not that deliberate gap.
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
import torch  # noqa: E402
from PySide6.QtCore import QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from vae_desktop.core import checkpoint, latent  # noqa: E402
from vae_desktop.core.heap import keep_freed_memory  # noqa: E402
from vae_desktop.core.library import ModelLibrary  # noqa: E402
from vae_desktop.core.paths import bundled_models_dir  # noqa: E402
from vae_desktop.core.threads import reserve_cores_for_workers  # noqa: E402
from vae_desktop.gui.state import AppState  # noqa: E402
from vae_desktop.gui.tabs.latent.tab import LatentTab  # noqa: E402


def percentiles(samples: list[float]) -> str:
    ms = np.array(samples) * 1000.0
    p50, p95 = np.percentile(ms, 50), np.percentile(ms, 95)
    return f"p50 {p50:7.2f} ms  p95 {p95:7.2f} ms"


class Clock:
    """Wall-clock and CPU time (this process) of a block: on a busy machine the CPU time still
    shows the work itself, where the wall clock also counts waiting for a core."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def __enter__(self) -> Clock:
        self._start = (time.perf_counter(), time.process_time())
        return self

    def __exit__(self, *exc) -> None:
        self.wall.append(time.perf_counter() - self._start[0])
        self.cpu.append(time.process_time() - self._start[1])

    def report(self) -> str:
        return f"wall {percentiles(self.wall)}   cpu {percentiles(self.cpu)}"


SETTLE_S = 1.0


def drag_path(canvas, n: int) -> list[QPoint]:
    """A loop over the middle of the visible region, in viewport pixels."""
    (x0, x1), (y0, y1) = canvas.visible_region()
    cx, cy, rx, ry = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 3, (y1 - y0) / 3
    points = []
    for i in range(n):
        t = i / n * 4 * math.pi
        scene = canvas.vb.mapViewToScene(QPointF(cx + rx * math.cos(t), cy + ry * math.sin(1.5 * t)))
        point = canvas.mapFromScene(scene)
        if not points or point != points[-1]:  # near turning points two steps can share a pixel
            points.append(point)
    return points


def bench_model(app: QApplication, ckpt, moves: int, reps: int, library_dir: Path) -> None:
    # A library of its own, so that the user's list of models is left alone.
    state = AppState(library=ModelLibrary(index=library_dir / f"{ckpt.path.stem}.json", scan=()))
    state.test_set()  # read the MNIST files before timing
    state.add_model(ckpt, name=ckpt.path.stem)
    tab = LatentTab(state)
    tab.resize(1260, 740)
    start = time.perf_counter()
    tab.show()
    app.processEvents()
    first_show = time.perf_counter() - start
    # The pass runs in a worker: the GUI thread keeps handling events meanwhile. The step in
    # which the pass's end arrives also renders the tab (scatter, sliders): timed apart.
    longest_step = render = 0.0
    while tab.stats is None:
        step = time.perf_counter()
        app.processEvents()
        took = time.perf_counter() - step
        if tab.stats is None:
            longest_step = max(longest_step, took)
        else:
            render = took
        time.sleep(0.002)
        if time.perf_counter() - start > 300:
            raise SystemExit("the test-set pass did not finish in 5 minutes")
    pass_time = time.perf_counter() - start
    # A person drags a moment after the scatter appears; the worker's OpenMP team spins on for a
    # while after the pass (libgomp's wait policy), which would compete with the first moves.
    settle = time.perf_counter()
    while time.perf_counter() - settle < SETTLE_S:
        app.processEvents()
        time.sleep(0.01)
    canvas = tab.canvas
    viewport = canvas.viewport()
    points = drag_path(canvas, moves + 2)

    rate_gap = 1.0 / max(1, pg.getConfigOption("mouseRateLimit")) + 0.001
    QTest.mousePress(viewport, Qt.LeftButton, Qt.NoModifier, points[0])
    QTest.mouseMove(viewport, points[1])  # past pyqtgraph's drag threshold: the drag starts
    app.processEvents()
    drag = Clock()
    for point in points[2:]:
        time.sleep(rate_gap)  # pyqtgraph drops moves closer together than 1 / mouseRateLimit
        before = tab.z.clone()
        with drag:
            QTest.mouseMove(viewport, point)
            app.processEvents()  # the repaint of the digit view and the plot
        if torch.equal(before, tab.z):
            raise SystemExit(f"the drag to {point} did not move the current point")
    QTest.mouseRelease(viewport, Qt.LeftButton, Qt.NoModifier, points[-1])
    app.processEvents()

    x_range, y_range = canvas.visible_region()
    core, overlay = Clock(), Clock()
    tab.plot.grid_spin.setValue(20)
    tab.plot.manifold_box.setChecked(True)
    grid = latent.square_grid(x_range, y_range, 20)  # as the tab decodes it: square cells
    for _ in range(reps):
        with core:
            latent.decode_grid(ckpt.model, tab.plane, grid, tab.weights)
        with overlay:
            tab.update_manifold()
            app.processEvents()

    report = state.test_pass(ckpt)
    start = time.perf_counter()
    latent.stats_from_posterior(report.mu, report.logvar, report.labels)
    stats_time = time.perf_counter() - start

    print(f"{ckpt.name} ({ckpt.config.describe()})")
    print(f"  drag -> decoded image ({len(drag.wall)} moves)  {drag.report()}")
    shape = f"{grid.rows}x{grid.cols}"
    print(f"  N=20 manifold ({shape}) decode + tile (core)  {core.report()}")
    print(f"  N=20 manifold ({shape}) overlay update (tab)  {overlay.report()}")
    print(f"  first show (the pass started)        {first_show * 1000:7.0f} ms")
    print(f"  test-set pass, {report.count:,} images (worker) {pass_time * 1000:7.0f} ms   "
          f"longest GUI-thread step meanwhile {longest_step * 1000:5.1f} ms")
    print(f"  render when it is ready (GUI thread) {render * 1000:7.0f} ms   "
          f"of which KL, PCA {stats_time * 1000:4.0f} ms")
    tab.close()


def main() -> None:
    keep_freed_memory()  # the C heap as the app's own process keeps it (cli.main)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="*", help="checkpoint files (default: the bundled models)")
    parser.add_argument("--moves", type=int, default=300)
    parser.add_argument("--reps", type=int, default=30, help="manifold repetitions")
    parser.add_argument("--threads", type=int, default=0,
                        help="torch CPU threads of the GUI thread (0: one, as in the app, with "
                             "the cores left to the worker that makes the test-set pass)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    else:
        workers = reserve_cores_for_workers()  # as the app does at start-up: see core.threads
        print(f"worker threads: {workers} torch threads")
    app = QApplication.instance() or QApplication([])
    paths = args.models or sorted(bundled_models_dir().glob("*.pt"))
    if not paths:
        raise SystemExit(f"no bundled models in {bundled_models_dir()}")
    print(f"torch {torch.__version__}, GUI thread: {torch.get_num_threads()} torch threads")
    with tempfile.TemporaryDirectory() as library_dir:
        for path in paths:
            ckpt = checkpoint.load(path)
            if ckpt.config.arch == "mlp":
                bench_model(app, ckpt, args.moves, args.reps, Path(library_dir))


if __name__ == "__main__":
    main()
