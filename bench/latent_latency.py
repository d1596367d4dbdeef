"""Latent space tab latency, on the CPU, for the bundled MLP models:

* drag -> decoded image: a real left-button drag over the plot (Qt mouse events through
  pyqtgraph's scene, the ViewBox, the plane -> latent mapping, the decode, the DigitView, the
  crosshair, the sliders, and the repaint that follows). Target: p95 <= 10 ms.
* a 20 x 20 manifold: decoding the 400 grid codes and tiling them (core), and the whole overlay
  update in the tab (plus setting the ImageItem). Target: <= 150 ms.

Run:

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/latent_latency.py [--moves 300] [--threads 1]

pyqtgraph handles at most 100 mouse moves a second (its mouseRateLimit), so the moves here come
11 ms apart: what is measured is the work per move, not that deliberate gap.
"""

from __future__ import annotations

import argparse
import math
import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
import torch  # noqa: E402
from PySide6.QtCore import QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from vae_desktop.core import checkpoint, latent  # noqa: E402
from vae_desktop.core.paths import bundled_models_dir  # noqa: E402
from vae_desktop.gui.tabs.latent.tab import LatentTab  # noqa: E402
from vae_desktop.gui.state import AppState  # noqa: E402


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


def bench_model(app: QApplication, ckpt, moves: int, reps: int) -> None:
    state = AppState()
    state.add_model(ckpt)
    tab = LatentTab(state)
    tab.resize(1260, 740)
    start = time.perf_counter()
    tab.show()
    app.processEvents()
    first_show = time.perf_counter() - start
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
    tab.grid_spin.setValue(20)
    tab.manifold_box.setChecked(True)
    for _ in range(reps):
        with core:
            latent.decode_manifold(ckpt.model, tab.plane, x_range, y_range, 20, tab.label)
        with overlay:
            tab.update_manifold()
            app.processEvents()

    tab._stats_cache.clear()
    start = time.perf_counter()
    tab._stats_for(ckpt.model)
    stats_time = time.perf_counter() - start

    print(f"{ckpt.name} ({ckpt.config.describe()})")
    print(f"  drag -> decoded image ({len(drag.wall)} moves)  {drag.report()}")
    print(f"  20x20 manifold decode + tile (core)  {core.report()}")
    print(f"  20x20 manifold overlay update (tab)  {overlay.report()}")
    print(f"  test-set means, KL, PCA (once/model) {stats_time * 1000:7.0f} ms")
    print(f"  first show (incl. the above)         {first_show * 1000:7.0f} ms")
    tab.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="*", help="checkpoint files (default: the bundled models)")
    parser.add_argument("--moves", type=int, default=300)
    parser.add_argument("--reps", type=int, default=30, help="manifold repetitions")
    parser.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: default)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    app = QApplication.instance() or QApplication([])
    paths = args.models or sorted(bundled_models_dir().glob("*.pt"))
    if not paths:
        raise SystemExit(f"no bundled models in {bundled_models_dir()}")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads")
    for path in paths:
        ckpt = checkpoint.load(path)
        if ckpt.config.arch == "mlp":
            bench_model(app, ckpt, args.moves, args.reps)


if __name__ == "__main__":
    main()
