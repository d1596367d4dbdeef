"""Remake the README's screenshots (resources/screenshots/): the real main window, offscreen,
driven into each state with tools/app_screenshots.py's helpers and saved at 1280x720.

    .venv/bin/python tools/readme_screenshots.py OUT_DIR [NAME ...]

Saves NAME.png in OUT_DIR for each shot (all of them unless named); look at them, then copy
them into resources/screenshots/:

    train        the Train tab at rest with mnist-cvae-z2 active: the form, the model's loss
                 history, test digits over their reconstructions and samples
    draw         a 7 drawn stroke by stroke, scored by mnist-cvae-z2 (its guess shown)
    interpolate  mnist-cvae-z2's walk from a 5 to a 6 in 18 steps, the labels blended
    latent       the middle frame of mnist-cvae-z16's walk from that 5 to that 6 clicked: its
                 code on the Latent space tab (PCA of the means), decoded under the label
                 blend 5→6; with draw taken first, the drawn 7 as a star with its ellipse
    conditional  mnist-cvae-z2 asked for 7s
    evaluate     mnist-cvae-z2's report, its log-likelihood (K = 50) and the active model
                 scored for anomalies
    sweep        a finished sweep of 20 tiny trials (3 epochs on 2,000 images; SQLite in
                 /tmp/vae-sweeps/sweeps.db): the table and both plots, pruned trials marked
    sweep-live   the Sweep tab watching study "shared" (journal:///tmp/vae-sweeps/sweep.log)
                 while two `vae-desktop sweep` worker processes run its trials
    train-live   a 16-D VAE's run (3 epochs on all 60,000 images) with beta raised to 3 after
                 the first epoch, paused in the third: the While-training row, the change
                 marked on the loss plot, the latent space forming beside it
    models       File ▸ Models… listing the bundled models and the one train-live trained
                 (the dialog painted over the window, with a title bar, as a desktop shows it)

Nothing of yours is touched: settings, data and models go to app_screenshots.py's temporary
folder, the sweeps to /tmp/vae-sweeps (or /tmp/vae-sweeps-XXXX if that exists); both are
removed at the end. Training is tiny: the whole run takes a minute or two on 2 CPU cores.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from app_screenshots import ROOT, SIZE, TMP, Shots, main_window, settle, wait_until
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QPainter

NAMES = ("train", "draw", "interpolate", "latent", "conditional", "evaluate", "sweep",
         "sweep-live", "train-live", "models")
WORKER_SEEDS = (1, 2)  # sweep-live's two worker processes
TITLE_BAR = 24  # px: the models dialog's painted title bar


def sweep_folder() -> Path:
    """A short folder for the sweeps' storage, as the Sweep tab shows its URL."""
    try:
        os.mkdir("/tmp/vae-sweeps")
        return Path("/tmp/vae-sweeps")
    except FileExistsError:
        return Path(tempfile.mkdtemp(prefix="vae-sweeps-", dir="/tmp"))


class ReadmeShots(Shots):
    def __init__(self, window, out: Path, sweeps: Path) -> None:
        super().__init__(window, out)
        self.sweeps = sweeps

    def save(self, name: str, dialog=None) -> None:
        """The window as NAME.png, with `dialog` (a top-level window) painted over it."""
        self.window.resize(*SIZE)
        settle(600)
        pixmap = self.window.grab()
        if dialog is not None:
            self.paint_dialog(pixmap, dialog)
        path = self.out / f"{name}.png"
        pixmap.save(str(path))
        print(path)

    @staticmethod
    def paint_dialog(pixmap, dialog) -> None:
        """`dialog` centred on `pixmap` under a plain title bar (offscreen has no window
        manager to draw one)."""
        body = dialog.grab()
        x = (pixmap.width() - body.width()) // 2
        y = (pixmap.height() - body.height() + TITLE_BAR) // 2
        painter = QPainter(pixmap)
        bar = QRect(x, y - TITLE_BAR, body.width(), TITLE_BAR)
        painter.fillRect(bar, dialog.palette().dark())
        painter.setPen(dialog.palette().brightText().color())
        painter.drawText(bar, Qt.AlignCenter, dialog.windowTitle())
        painter.drawPixmap(x, y, body)
        painter.setPen(QColor(80, 80, 80))
        painter.drawRect(QRect(bar.topLeft(), QPoint(x + body.width(), y + body.height())))
        painter.end()

    # The states (draw, interpolate, conditional and evaluate are Shots' own)
    def train(self) -> None:
        self.activate("mnist-cvae-z2")
        self.show("Train", 1500)
        self.save("train")

    def latent(self) -> None:
        tab = self.walk("mnist-cvae-z16", 8, 11, 18)
        tab.select_frame("linear", 8)  # frame 9, t = 0.47: the label blend 53% 5, 47% 6
        latent = self.tab["Latent space"]
        wait_until(lambda: latent.stats is not None, "the latent plot")
        settle(1500)
        self.save("latent")

    def sweep_form(self, storage: str, study: str, trials: int, epochs: int,
                   train_size: int, test_size: int, prune: bool = True):
        """The Sweep tab, shown, its form filled in: the tab."""
        tab = self.tab["Sweep"]
        form = tab.form
        form.space.set_vary(["latent_dim", "lr"])
        form.space.set_varied("latent_dim", (2, 32))
        form.space.set_varied("lr", (0.0001, 0.01))
        form.set_budget(trials=trials, epochs=epochs, train_size=train_size, test_size=test_size)
        form.prune_box.setChecked(prune)
        form.set_storage(storage)
        form.set_study_name(study)
        self.show("Sweep")
        return tab

    def sweep(self) -> None:
        tab = self.sweep_form(f"sqlite:///{self.sweeps}/sweeps.db", "mnist-z", 20, 3, 2000, 1000)
        self.run_sweep(tab, "sweep")

    def sweep_live(self) -> None:
        from vae_desktop.core.sweep import list_studies

        storage, study, trials, epochs, train, test = (
            f"journal://{self.sweeps}/sweep.log", "shared", 30, 3, 3000, 500)
        command = [sys.executable, "-m", "vae_desktop", "sweep", "--storage", storage,
                   "--study", study, "--trials", str(trials), "--epochs", str(epochs),
                   "--train-size", str(train), "--test-size", str(test), "--no-prune",
                   "--device", "cpu"]
        env = {**os.environ, "OMP_NUM_THREADS": "1"}
        workers = [subprocess.Popen([*command, "--seed", str(seed)], cwd=ROOT, env=env,
                                    stdout=subprocess.DEVNULL)
                   for seed in WORKER_SEEDS]
        try:
            tab = self.sweep_form(storage, study, trials, epochs, train, test, prune=False)
            wait_until(lambda: study in list_studies(storage), "the workers' study", 120)
            tab.load_study()  # and from then on, watch it

            def under_way() -> bool:
                states = [t.state for t in tab.view.trials.values()]
                return states.count("COMPLETE") >= 12 and states.count("RUNNING") == 2

            wait_until(under_way, "12 trials done and two running", 300)
            tab.view.table.scrollToBottom()  # the running trials
            settle(300)
            self.save("sweep-live")
        finally:
            for worker in workers:
                worker.terminate()
                worker.wait(30)
            tab.watcher.stop()

    def train_live(self) -> None:
        tab = self.tab["Train"]
        self.show("Train")
        tab.eval_size = 2000  # test images scored per epoch
        finished = self.start_run({"latent_dim": 16, "hidden": 256, "conditional": False,
                                   "beta": 1.0, "epochs": 3, "train_size": 0, "seed": 1})
        wait_until(lambda: tab.epochs_received >= 1, "the first epoch", 300)
        bar = tab.results.run_bar
        bar.beta_spin.setValue(3.0)
        bar.apply_button.click()
        wait_until(lambda: tab.epochs_received >= 2, "the second epoch", 300)
        settle(700)  # into the third epoch; paused there, so that a fast machine shows it too
        tab.pause_button.click()
        wait_until(lambda: tab.paused, "the pause")
        settle(1500)
        self.save("train-live")
        tab.toggle_pause()  # resume: the model trains to its end
        wait_until(lambda: finished, "the end of the run", 300)
        settle(500)

    def models(self) -> None:
        self.activate("mnist-cvae-z16")  # the trained model is listed, its temp path not shown
        dialog = self.window.show_models()
        settle(800)
        self.save("models", dialog)
        dialog.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, metavar="OUT_DIR")
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"of {', '.join(NAMES)}")
    if not argv:
        parser.print_help()
        return 2
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(NAMES))
    if unknown:
        parser.error(f"unknown shots: {', '.join(unknown)}")
    args.out.mkdir(parents=True, exist_ok=True)
    sweeps = sweep_folder()
    try:
        with main_window() as window:
            shots = ReadmeShots(window, args.out.resolve(), sweeps)
            for name in NAMES:  # in this order: train-live trains the model the dialog lists
                if name in (args.names or NAMES):
                    getattr(shots, name.replace("-", "_"))()
    finally:
        shutil.rmtree(sweeps, ignore_errors=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    finally:
        shutil.rmtree(TMP, ignore_errors=True)  # also when the arguments were refused
