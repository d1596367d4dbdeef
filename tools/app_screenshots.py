"""Take the screenshots tools/guide_pictures.py makes the guide's pictures from: the real main
window, offscreen, with the bundled models, driven into each state and saved at 1280x720.

    python tools/app_screenshots.py SHOTS_DIR [NAME ...]

Saves NAME_1280x720.png for each state (all of them unless named):

    train            the Train tab paused in the third epoch of a short run (a 2-D model, 3
                     epochs): the loss plot, the live latent view, the While-training row
    draw             a 7 drawn stroke by stroke, scored by mnist-cvae-z2 (its guess shown)
    latent_space     mnist-vae-z2's map with a point picked in it
    conditional      mnist-cvae-z2 asked for 7s
    interpolate      mnist-cvae-z2's walk from a 5 to a 6 in 18 frames
    evaluate         mnist-cvae-z2's report, its log-likelihood (K = 50) and the active model
                     scored for anomalies
    sweep            a tiny sweep (12 trials of 2 epochs on 2,000 images) over the latent
                     dimensions and the learning rate, finished
    vae_draw         mnist-vae-z2 active, test digit #3 (a 0) on the Draw tab
    vae_latent       ... and its code made the latent point ("Go to drawing")
    samples_train    the Train tab with mnist-vae-z2 active
    walk_interpolate the Interpolate tab's walk from a 2 to a 6 in 10 frames (mnist-vae-z2)

and, so that guide_pictures.py crops no fixed pixel boxes, the widgets it needs on their own
(widget.grab(), cut to what they show): vae_input.png and vae_recon.png (the Draw tab's model
input and reconstruction), vae_plot.png (the latent plot), samples_grid.png (the Train tab's
random samples), walk_strip.png (the linear strip with its ratios), and layout.json: each shot's
tab page as [x, y, width, height] in the window, and the latent point's place in vae_plot.png.

Nothing of yours is touched: settings and data go to a temporary folder, removed at the end.
Training is tiny (seconds on a CPU); the whole run takes a minute or two.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
TMP = Path(tempfile.mkdtemp(prefix="vae-shots-"))
os.environ["VAE_DESKTOP_DATA_DIR"] = str(TMP / "data")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QPoint, QPointF, QRect, QRectF, QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

SIZE = (1280, 720)
NAMES = ("vae_draw", "vae_latent", "samples_train", "walk_interpolate", "latent_space", "draw",
         "conditional", "interpolate", "evaluate", "sweep", "train")
# A 7, as fractions of the canvas: one stroke along these points.
SEVEN = ((0.27, 0.28), (0.50, 0.27), (0.72, 0.27), (0.62, 0.45), (0.52, 0.63), (0.44, 0.82))


def settle(ms: int = 300) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_until(condition, what: str, timeout_s: float = 120.0) -> None:
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout_s:
            raise TimeoutError(f"gave up waiting for {what} after {timeout_s:.0f} s")
        settle(100)


@contextmanager
def main_window():
    """The app's main window, shown at SIZE, with settings and data in TMP (removed after)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("VAE Desktop")
    app.setOrganizationName("vae-desktop")
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(TMP / "settings"))
    from vae_desktop.gui.main_window import MainWindow

    window = MainWindow()
    try:
        window.resize(*SIZE)
        window.show()
        settle(2000)
        yield window
    finally:
        window.close()
        settle(300)
        shutil.rmtree(TMP, ignore_errors=True)


def rect_list(rect: QRect) -> list[int]:
    return [rect.x(), rect.y(), rect.width(), rect.height()]


class Shots:
    def __init__(self, window, out: Path) -> None:
        self.window, self.out = window, out
        self.state = window.state
        self.tab = window.tab_widgets
        self.layout: dict = {"size": list(SIZE), "pages": {}}

    # Helpers
    def model(self, stem: str):
        for ckpt in self.state.models:
            if ckpt.path is not None and ckpt.path.stem == stem:
                return ckpt
        raise LookupError(f"no bundled model {stem}: is resources/models there?")

    def activate(self, stem: str) -> None:
        ckpt = self.model(stem)
        if self.state.active is not ckpt:
            self.state.set_active(ckpt)
        settle(300)

    def test_pass(self) -> None:
        ckpt = self.state.active
        self.state.request_test_pass(ckpt)
        wait_until(lambda: self.state.test_pass(ckpt) is not None, "the test-set pass")
        settle(300)

    def show(self, title: str, ms: int = 800) -> None:
        self.window.show_tab(title)
        settle(ms)

    def save(self, name: str) -> None:
        window = self.window
        window.resize(*SIZE)
        settle(600)
        page = window.tabs.currentWidget()
        self.layout["pages"][name] = rect_list(QRect(page.mapTo(window, QPoint(0, 0)), page.size()))
        path = self.out / f"{name}_{SIZE[0]}x{SIZE[1]}.png"
        window.grab().save(str(path))
        print(path)

    def grab(self, widget, name: str, rect: QRect | None = None) -> None:
        pixmap = widget.grab()
        if rect is not None:
            pixmap = pixmap.copy(rect.intersected(widget.rect()))
        path = self.out / name
        pixmap.save(str(path))
        print(path)

    @staticmethod
    def shown_rect(view, x0: float, y0: float, x1: float, y1: float) -> QRect:
        """The widget pixels a DigitView shows the image region (x0, y0)-(x1, y1) in."""
        polygon = view.view.mapViewToScene(QRectF(x0, y0, x1 - x0, y1 - y0))
        return view.mapFromScene(polygon).boundingRect()

    def grab_image(self, view, name: str, extra_below: float = 0.0) -> None:
        """A DigitView's or DrawImageView's image, without the margins around it."""
        if hasattr(view, "image_rect"):  # a DrawImageView paints the image itself
            self.grab(view, name, view.image_rect())
            return
        h, w = view.image().shape[:2]
        self.grab(view, name, self.shown_rect(view, 0, 0, w, h + extra_below))

    # The states
    def vae_draw(self) -> None:
        self.activate("mnist-vae-z2")
        self.test_pass()
        draw = self.tab["Draw"]
        image = self.state.test_images()[3, 0].numpy()
        self.state.set_drawing(image, origin="test image #3")
        self.show("Draw", 1500)
        self.save("vae_draw")
        self.grab_image(draw.input_view, "vae_input.png")
        self.grab_image(draw.recon_view, "vae_recon.png")

    def vae_latent(self) -> None:
        if self.state.drawing is None or self.state.active is not self.model("mnist-vae-z2"):
            self.vae_draw()
        tab = self.tab["Latent space"]
        self.show("Latent space")
        wait_until(lambda: tab.stats is not None, "the latent plot")
        settle(500)
        tab.point_box.drawing_button.click()
        settle(1000)
        self.save("vae_latent")
        canvas = tab.canvas
        self.grab(canvas, "vae_plot.png")
        x, y = canvas.crosshair()
        mark = canvas.mapFromScene(canvas.vb.mapViewToScene(QPointF(x, y)))
        self.layout["vae_mark"] = [mark.x(), mark.y()]

    def samples_train(self) -> None:
        self.activate("mnist-vae-z2")
        self.show("Train", 1500)
        self.save("samples_train")
        samples = self.tab["Train"].results.samples_view
        self.grab_image(samples, "samples_grid.png")

    def walk_interpolate(self) -> None:
        tab = self.walk("mnist-vae-z2", 1, 11, 10)  # a 2 to a 6
        self.save("walk_interpolate")
        self.grab_image(tab.strips["linear"], "walk_strip.png", extra_below=10)

    def walk(self, model: str, start: int, end: int, steps: int):
        """The Interpolate tab with `model`, from test digit #start to #end: the tab."""
        self.activate(model)
        tab = self.tab["Interpolate"]
        for side, index in ((tab.end_a, start), (tab.end_b, end)):
            side.set_kind("index")
            side.index_spin.setValue(index)
        tab.steps_spin.setValue(steps)
        self.show("Interpolate", 1500)
        return tab

    def latent_space(self) -> None:
        self.activate("mnist-vae-z2")
        tab = self.tab["Latent space"]
        self.show("Latent space")
        wait_until(lambda: tab.stats is not None, "the latent plot")
        tab.fit_view()
        settle(300)
        tab.canvas.point_picked.emit(-0.6, 1.4, True)
        tab.canvas.hover_crosshair()  # as a real click's release looks under the mouse
        settle(1200)
        self.save("latent_space")

    def draw(self) -> None:
        self.activate("mnist-cvae-z2")
        self.test_pass()
        tab = self.tab["Draw"]
        self.show("Draw")
        canvas = tab.canvas
        canvas.clear()
        settle(300)
        w, h = canvas.width(), canvas.height()
        points = [QPoint(int(fx * w), int(fy * h)) for fx, fy in SEVEN]
        QTest.mousePress(canvas, Qt.LeftButton, Qt.NoModifier, points[0])
        for a, b in zip(points[:-1], points[1:], strict=True):
            for k in range(1, 9):  # small moves, as a hand makes
                QTest.mouseMove(canvas, QPoint(a.x() + (b.x() - a.x()) * k // 8,
                                               a.y() + (b.y() - a.y()) * k // 8))
                settle(10)
        QTest.mouseRelease(canvas, Qt.LeftButton, Qt.NoModifier, points[-1])
        settle(1500)
        self.save("draw")

    def conditional(self) -> None:
        self.activate("mnist-cvae-z2")
        tab = self.tab["Conditional"]
        tab.controls.set_label(7)
        tab.controls.src_test.setChecked(True)
        self.show("Conditional", 1500)
        self.save("conditional")

    def interpolate(self) -> None:
        self.walk("mnist-cvae-z2", 8, 11, 18)  # a 5 to a 6
        self.save("interpolate")

    def evaluate(self) -> None:
        self.activate("mnist-cvae-z2")
        tab = self.tab["Evaluate"]
        self.show("Evaluate")
        wait_until(lambda: tab.report is not None, "the Evaluate report")
        likelihood = tab.likelihood
        likelihood.k_combo.setCurrentIndex(likelihood.k_combo.findData(50))
        likelihood.start()
        wait_until(lambda: likelihood.estimate() is not None, "the log-likelihood", 300)
        likelihood.k_combo.setCurrentIndex(likelihood.k_combo.findData(50))
        anomaly = tab.anomaly
        anomaly.active_button.click()
        settle(1000)
        wait_until(lambda: anomaly.active_button.isEnabled(), "the anomaly scores", 300)
        settle(1500)
        self.save("evaluate")

    def sweep(self) -> None:
        tab = self.tab["Sweep"]
        form = tab.form
        form.space.set_vary(["latent_dim", "lr"])
        form.space.set_varied("latent_dim", (2, 32))
        form.space.set_varied("lr", (0.0001, 0.01))
        form.space.set_fixed("hidden", 200)
        form.set_budget(trials=12, epochs=2, train_size=2000, test_size=1000)
        form.set_study_name("guide-pictures")
        self.show("Sweep")
        self.run_sweep(tab, "sweep")

    def run_sweep(self, tab, name: str) -> None:
        """Run the Sweep tab's sweep as its form says, to its end, and save the shot."""
        if not tab.start():
            raise RuntimeError(f"the sweep did not start: {tab.error_text()}")
        wait_until(lambda: not tab.is_running(), "the sweep", 600)
        settle(2500)  # the watcher's last read
        self.save(name)

    def start_run(self, settings: dict) -> list:
        """Start a run of the Train tab with these settings: the list its summary will be
        appended to when it has ended."""
        tab = self.tab["Train"]
        if not tab.apply_settings(settings):
            raise RuntimeError(f"the Train tab refused the settings: {tab.message}")
        finished = []
        tab.run_finished.connect(finished.append)
        if not tab.start():
            raise RuntimeError(f"training did not start: {tab.message}")
        return finished

    def train(self) -> None:
        self.activate("mnist-cvae-z2")
        tab = self.tab["Train"]
        self.show("Train")
        finished = self.start_run({"latent_dim": 2, "conditional": False, "epochs": 3,
                                   "train_size": 0, "seed": 1})
        wait_until(lambda: tab.epochs_received >= 2, "two epochs", 300)
        settle(700)  # into the third epoch
        tab.pause_button.click()
        wait_until(lambda: tab.paused, "the pause")
        settle(2500)
        self.save("train")
        tab.stop()
        wait_until(lambda: finished, "the end of the run", 120)
        settle(500)


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    out = Path(argv[0]).resolve()
    names = argv[1:] or list(NAMES)
    unknown = sorted(set(names) - set(NAMES))
    if unknown:
        print(f"unknown shots: {', '.join(unknown)} (known: {', '.join(NAMES)})", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    with main_window() as window:
        shots = Shots(window, out)
        layout_path = out / "layout.json"
        if layout_path.is_file():  # a run of some shots keeps the others' layout
            shots.layout.update(json.loads(layout_path.read_text()))
            shots.layout["size"] = list(SIZE)
        for name in NAMES:  # in this order: the train run, last, makes a new active model
            if name in names:
                getattr(shots, name)()
                layout_path.write_text(json.dumps(shots.layout, indent=1) + "\n")
        print(layout_path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
