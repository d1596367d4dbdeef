"""Train tab: settings, Start / Pause / Stop, a live loss plot and per-epoch digit grids.

Training runs in a TrainingWorker moved to a QThread. This tab (the GUI thread) only receives
the worker's signals, at most about 10 a second, and is the only code that touches widgets. The
trained model reaches the rest of the app (state.add_model) only after the thread has finished.
"""

from __future__ import annotations

import copy
import math
import re
import time
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QThread, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vae_desktop.core.checkpoint import Checkpoint
from vae_desktop.core.device import DeviceError, available_devices, resolve_device
from vae_desktop.core.fileio import atomic_write
from vae_desktop.core.model import VAE
from vae_desktop.core.training import TrainConfig, new_model
from vae_desktop.gui import preferences as qs
from vae_desktop.gui.widgets.image_view import DigitView
from vae_desktop.gui.widgets.loss_plot import LossPlot
from vae_desktop.gui.model_files import CHECKPOINT_FILTER, autosave_dir, save_checkpoint_as
from vae_desktop.gui.state import AppState
from vae_desktop.gui.tabs.train.worker import (
    TrainingWorker,
    TrainJob,
    preview_digits,
    preview_grids,
    sample_codes,
    warm_up_in_gui_thread,
)

TRAIN_IMAGES = 60_000
MAX_LR = 1.0
DEFAULTS = {"arch": "mlp", "latent_dim": 20, "hidden": 400, "conditional": False, "beta": 1.0,
            "lr": 1e-3, "batch_size": 128, "epochs": 10, "seed": 1, "device": "", "train_size": 0}
ERROR_STYLE = "color: #d93025;"
WARNING_STYLE = "color: #b06000;"
OK_STYLE = "color: #188038;"


def format_duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    if seconds >= 3600:
        return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"
    if seconds >= 60:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds} s"


def parse_lr(text: str) -> tuple[float | None, str]:
    """(learning rate, "") or (None, the reason it is not one)."""
    try:
        value = float(text.strip())
    except ValueError:
        return None, f"Learning rate: {text.strip() or 'nothing'} is not a number (try 0.001)."
    if not math.isfinite(value) or value <= 0 or value > MAX_LR:
        return None, f"Learning rate must be above 0 and at most {MAX_LR:g} (try 0.001)."
    return value, ""


class TrainTab(QWidget):
    # After a run has been wrapped up in the GUI: the worker's end dict (status, message, ...).
    run_finished = Signal(dict)

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.eval_size: int | None = None  # test images scored per epoch (None: all 10,000)
        self.last_trained: Checkpoint | None = None
        self.steps_received = 0
        self.epochs_received = 0
        self._latest_step: dict | None = None  # the newest step not yet shown
        self._thread: QThread | None = None
        self._worker: TrainingWorker | None = None
        self._run: dict = {}
        self._end: dict | None = None
        self._closing = False
        self._preview_inputs = None

        self._build_form()
        self._build_controls()
        self._build_results()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 8, 0)
        left_layout.addWidget(self.model_group)
        left_layout.addWidget(self.train_group)
        left_layout.addWidget(self.message_label)
        left_layout.addLayout(self.button_row)
        left_layout.addWidget(self.progress_group)
        left_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(left)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setFixedWidth(350)

        layout = QHBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(self.results, 1)

        for widget in (self.arch_combo, self.device_combo):
            widget.currentIndexChanged.connect(self._validate)
        for widget in (self.latent_spin, self.hidden_spin, self.batch_spin, self.epochs_spin,
                       self.seed_spin, self.subset_spin, self.beta_spin):
            widget.valueChanged.connect(self._validate)
        self.lr_edit.textChanged.connect(self._validate)
        self.conditional_box.toggled.connect(self._validate)
        self.continue_box.toggled.connect(self._continue_toggled)
        state.model_changed.connect(self._model_changed)
        state.training_settings_requested.connect(self._settings_requested)
        self._set_running(False)
        self._model_changed(state.active)

    # Layout
    def _build_form(self) -> None:
        self.continue_box = QCheckBox("Continue training the active model")
        self.continue_box.setToolTip(
            "Train a copy of the active model further (with its optimizer state) instead of a "
            "new one; the model settings then come from it")
        self.arch_combo = QComboBox()
        self.arch_combo.addItem("MLP (784 → hidden → latent)", "mlp")
        self.arch_combo.addItem("Convolutional", "conv")
        self.arch_combo.setToolTip("The classic fully connected VAE, or a small convolutional one "
                                   "(lower loss, slower per epoch)")
        self.latent_spin = _spin(1, 512, DEFAULTS["latent_dim"],
                                 "Size of the latent code z. 2 lets the Latent space tab map the "
                                 "codes directly; 16-20 reconstructs better")
        self.hidden_spin = _spin(8, 4096, DEFAULTS["hidden"], "Units in the hidden layer", step=50)
        self.conditional_box = QCheckBox("Conditional on the digit label (CVAE)")
        self.conditional_box.setToolTip("Give the label to encoder and decoder, so you can ask for "
                                        "a particular digit")
        self.beta_spin = QDoubleSpinBox()
        self.beta_spin.setRange(0.0, 100.0)
        self.beta_spin.setDecimals(2)
        self.beta_spin.setSingleStep(0.1)
        self.beta_spin.setValue(DEFAULTS["beta"])
        self.beta_spin.setToolTip("Weight of the KL term: 1 is the true ELBO; above 1 (beta-VAE) "
                                  "trades reconstruction for a tidier latent space")
        form = QFormLayout()
        form.addRow(self.continue_box)
        form.addRow("Architecture", self.arch_combo)
        form.addRow("Latent dimensions", self.latent_spin)
        form.addRow("Hidden units", self.hidden_spin)
        form.addRow(self.conditional_box)
        form.addRow("Beta (KL weight)", self.beta_spin)
        self.model_group = QGroupBox("Model")
        self.model_group.setLayout(form)

        self.lr_edit = QLineEdit(f"{DEFAULTS['lr']:g}")
        self.lr_edit.setToolTip("Adam learning rate, above 0 and at most 1; 0.001 is the classic "
                                "choice")
        self.batch_spin = _spin(1, 4096, DEFAULTS["batch_size"], "Images per gradient step")
        self.epochs_spin = _spin(1, 1000, DEFAULTS["epochs"], "Passes over the training images")
        self.seed_spin = _spin(0, 2**31 - 1, DEFAULTS["seed"],
                               "Random seed: the same seed and settings give the same model")
        self.subset_spin = _spin(0, TRAIN_IMAGES, 0,
                                 "Train on the first N training images, for a quick run; "
                                 "the test loss is always measured on the test set", step=1000)
        self.subset_spin.setSpecialValueText(f"all {TRAIN_IMAGES:,}")
        self.subset_spin.setSuffix(" images")
        self.device_combo = QComboBox()
        auto = resolve_device("auto")
        for name, label in available_devices():
            self.device_combo.addItem(label, name)
            if name.split(":")[0] == auto.type and self.device_combo.currentData() == "cpu":
                self.device_combo.setCurrentIndex(self.device_combo.count() - 1)
        self.device_combo.setToolTip("Where to train: only the devices present on this machine")
        form = QFormLayout()
        form.addRow("Learning rate", self.lr_edit)
        form.addRow("Batch size", self.batch_spin)
        form.addRow("Epochs", self.epochs_spin)
        form.addRow("Seed", self.seed_spin)
        form.addRow("Training images", self.subset_spin)
        form.addRow("Device", self.device_combo)
        self.train_group = QGroupBox("Training")
        self.train_group.setLayout(form)

        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setVisible(False)

    def _build_controls(self) -> None:
        self.start_button = QPushButton("Start")
        self.start_button.setShortcut(QKeySequence("Ctrl+Return"))
        self.start_button.setToolTip("Start training (Ctrl+Enter)")
        self.start_button.setDefault(True)
        self.pause_button = QPushButton("Pause")
        self.pause_button.setShortcut(QKeySequence("Ctrl+Space"))
        self.pause_button.setToolTip("Pause or resume between two batches (Ctrl+Space)")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setShortcut(QKeySequence("Ctrl+."))
        self.stop_button.setToolTip("Stop after the current batch and keep the model (Ctrl+.)")
        self.start_button.clicked.connect(self.start)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button.clicked.connect(self.stop)
        self.button_row = QHBoxLayout()
        for button in (self.start_button, self.pause_button, self.stop_button):
            button.setMinimumHeight(30)
            self.button_row.addWidget(button)

        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("Ready")
        self.step_label = QLabel("Not training")
        self.speed_label = QLabel("")
        self.eta_label = QLabel("")
        self.epoch_label = QLabel("")
        self.epoch_label.setWordWrap(True)
        self.result_label = QLabel("")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.save_button = QPushButton("Save model as…")
        self.save_button.setToolTip("Save the active model to a file of your choice")
        self.save_button.clicked.connect(self.save_as)
        box = QVBoxLayout()
        box.addWidget(self.progress)
        box.addWidget(self.step_label)
        speed_row = QHBoxLayout()
        speed_row.addWidget(self.speed_label)
        speed_row.addStretch(1)
        speed_row.addWidget(self.eta_label)
        box.addLayout(speed_row)
        box.addWidget(self.epoch_label)
        box.addWidget(self.result_label)
        box.addWidget(self.save_button)
        self.progress_group = QGroupBox("Progress")
        self.progress_group.setLayout(box)

    def _build_results(self) -> None:
        self.plot = LossPlot()
        self.plot.timer.timeout.connect(self._show_progress)
        self.plot.setMinimumHeight(260)
        self.pairs_view = DigitView(title="Test digits (odd rows) and their reconstructions "
                                          "(the row below each)")
        self.samples_view = DigitView(title="Decoded from fixed random codes")
        self.pairs_caption = QLabel("<b>Test digits</b> with their reconstructions below")
        self.samples_caption = QLabel("<b>Random samples</b> from fixed codes")
        grids = QGridLayout()
        grids.addWidget(self.pairs_caption, 0, 0)
        grids.addWidget(self.samples_caption, 0, 1)
        grids.addWidget(self.pairs_view, 1, 0)
        grids.addWidget(self.samples_view, 1, 1)
        self.plot_caption = QLabel("")
        self.plot_caption.setWordWrap(True)
        self.results = QWidget()
        layout = QVBoxLayout(self.results)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_caption)
        layout.addWidget(self.plot, 3)
        layout.addLayout(grids, 2)
        for view in (self.pairs_view, self.samples_view):
            view.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)

    # Settings in the form
    def settings_dict(self) -> dict:
        lr, _ = parse_lr(self.lr_edit.text())
        return {
            "arch": self.arch_combo.currentData(),
            "latent_dim": self.latent_spin.value(),
            "hidden": self.hidden_spin.value(),
            "conditional": self.conditional_box.isChecked(),
            "beta": self.beta_spin.value(),
            "lr": lr if lr is not None else self.lr_edit.text(),
            "batch_size": self.batch_spin.value(),
            "epochs": self.epochs_spin.value(),
            "seed": self.seed_spin.value(),
            "device": self.device_combo.currentData(),
            "train_size": self.subset_spin.value(),
        }

    def apply_settings(self, values: dict) -> None:
        """Fill the form from a dict (TrainConfig / VAEConfig field names; unknown keys and bad
        values are ignored, numbers are clamped to the allowed ranges)."""
        def number(key, kind):
            try:
                return kind(values[key])
            except (KeyError, TypeError, ValueError):
                return None

        arch = values.get("arch")
        if arch in ("mlp", "conv"):
            self.arch_combo.setCurrentIndex(self.arch_combo.findData(arch))
        for key, spin in (("latent_dim", self.latent_spin), ("hidden", self.hidden_spin),
                          ("batch_size", self.batch_spin), ("epochs", self.epochs_spin),
                          ("seed", self.seed_spin), ("train_size", self.subset_spin)):
            value = number(key, int)
            if value is not None:
                spin.setValue(value)
        if "subset" in values and "train_size" not in values:
            self.subset_spin.setValue(number("subset", int) or 0)
        beta = number("beta", float)
        if beta is not None and math.isfinite(beta):
            self.beta_spin.setValue(beta)
        lr = number("lr", float)
        if lr is not None:
            self.lr_edit.setText(f"{lr:g}")
        if "conditional" in values:
            self.conditional_box.setChecked(bool(values["conditional"]) and
                                            str(values["conditional"]).lower() != "false")
        elif "num_classes" in values:
            self.conditional_box.setChecked((number("num_classes", int) or 0) > 0)
        device = values.get("device")
        index = self.device_combo.findData(device) if device else -1
        if index < 0 and isinstance(device, str) and device:
            index = self.device_combo.findData(f"{device}:0")  # "cuda" means the first GPU
        if index >= 0:
            self.device_combo.setCurrentIndex(index)

    def save_settings(self, settings: QSettings) -> None:
        for key, value in self.settings_dict().items():
            settings.setValue(f"train/{key}", value)

    def restore_settings(self, settings: QSettings) -> None:
        values = {}
        for key, default in DEFAULTS.items():
            if not settings.contains(f"train/{key}"):
                continue
            if isinstance(default, bool):
                values[key] = qs.read_bool(settings, f"train/{key}", default)
            elif isinstance(default, int):
                values[key] = qs.read_int(settings, f"train/{key}", default)
            elif isinstance(default, float):
                values[key] = qs.read_float(settings, f"train/{key}", default)
            else:
                values[key] = qs.read_str(settings, f"train/{key}", default)
        self.apply_settings(values)

    def _settings_requested(self, values: dict) -> None:
        """Another tab (e.g. Sweep) asks to train with these settings."""
        if not self.is_training():
            self.continue_box.setChecked(False)
        self.apply_settings(values)
        self.state.tab_requested.emit("Train")
        self.state.status_message.emit("Training settings filled in: press Start to train", 5000)

    def _continue_toggled(self, on: bool) -> None:
        if on and self.state.active is not None:
            cfg = self.state.active.config
            self.apply_settings({"arch": cfg.arch, "latent_dim": cfg.latent_dim,
                                 "hidden": cfg.hidden, "conditional": cfg.conditional,
                                 "beta": cfg.beta})
        self._set_running(self.is_training())

    def _validate(self) -> bool:
        """Show why the settings cannot be used (errors) or may disappoint (warnings); returns
        whether training can start."""
        errors, warnings = [], []
        lr, why = parse_lr(self.lr_edit.text())
        if lr is None:
            errors.append(why)
        elif lr > 0.01:
            warnings.append("A learning rate above 0.01 often makes the loss blow up; "
                            "0.001 is the usual choice.")
        if self.continue_box.isChecked() and self.state.active is None:
            errors.append("There is no active model to continue: untick “Continue training”.")
        subset = self.subset_spin.value() or TRAIN_IMAGES
        if subset < self.batch_spin.value():
            warnings.append(f"The {subset:,} training images are fewer than one batch: each step "
                            f"will use all of them.")
        if self.beta_spin.value() == 0:
            warnings.append("Beta 0 drops the KL term: the model becomes a plain autoencoder and "
                            "its random samples will look poor.")
        self.lr_edit.setStyleSheet("border: 1px solid #d93025;" if lr is None else "")
        if errors or warnings:
            self.message_label.setText("<br>".join(errors + warnings))
            self.message_label.setStyleSheet(ERROR_STYLE if errors else WARNING_STYLE)
        self.message_label.setVisible(bool(errors or warnings))
        ok = not errors
        self.start_button.setEnabled(ok and not self.is_training())
        return ok

    # Running
    def is_training(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    def start(self) -> bool:
        """Start a run with the form's settings; returns False (with the reason shown) if not."""
        if self.is_training() or not self._validate():
            return False
        values = self.settings_dict()
        try:
            config = TrainConfig(epochs=values["epochs"], lr=values["lr"],
                                 batch_size=values["batch_size"], seed=values["seed"],
                                 device=values["device"])
            resolve_device(config.device)
        except (ValueError, DeviceError) as exc:
            self._show_message(str(exc), ERROR_STYLE)
            return False
        history, optimizer_state = [], None
        source = self.state.active if self.continue_box.isChecked() else None
        if source is not None:
            # A copy: the original stays usable by the other tabs while the copy trains.
            model = copy.deepcopy(source.model)
            history = [dict(rec) for rec in source.history]
            optimizer_state = copy.deepcopy(source.optimizer_state)
        else:
            # Seeded like the CLI's, so the same settings give the same model in both.
            model = new_model(values["seed"], latent_dim=values["latent_dim"],
                              hidden=values["hidden"], arch=values["arch"],
                              num_classes=10 if values["conditional"] else 0, beta=values["beta"])
        name = self._new_name(model, source)
        images, labels = self.state.test_set()
        if self.eval_size:
            images, labels = images[:self.eval_size], labels[:self.eval_size]
        job = TrainJob(model=model, config=config, test_data=(images, labels),
                       autosave_path=autosave_dir() / f"{name}.pt",
                       train_size=values["train_size"] or None, history=history,
                       optimizer_state=optimizer_state)
        warm_up_in_gui_thread()
        self._launch(job, name, source)
        return True

    def _new_name(self, model: VAE, source: Checkpoint | None) -> str:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        if source is not None:
            base = re.sub(r"(-cont)?-\d{8}-\d{6}(-\d+)?$", "", source.name) + "-cont"
        else:
            cfg = model.config
            base = f"{'cvae' if cfg.conditional else 'vae'}-{cfg.arch}-z{cfg.latent_dim}"
        name, n = f"{base}-{stamp}", 2
        taken = {ckpt.name for ckpt in self.state.models}
        while name in taken or (autosave_dir() / f"{name}.pt").exists():
            name, n = f"{base}-{stamp}-{n}", n + 1
        return name

    def _launch(self, job: TrainJob, name: str, source: Checkpoint | None) -> None:
        self._end = None
        self._latest_step = None
        self.steps_received = 0
        self.epochs_received = 0
        self._run = {"name": name, "job": job, "epochs": job.config.epochs,
                     "start_epoch": job.start_epoch, "steps_per_epoch": 0, "t0": time.monotonic(),
                     "paused_total": 0.0, "pause_t": None}
        if source is not None:
            self.plot.set_history(source.history)
        else:
            self.plot.clear()
        self.plot.begin_run(job.start_epoch, job.start_epoch + job.config.epochs)
        self._preview_inputs = None
        self._show_preview(job.model)
        self.plot_caption.setText(f"Training <b>{name}</b> ({job.model.config.describe()})")
        self.result_label.setText("")
        self.epoch_label.setText("")
        self.step_label.setText("Loading the training images…")
        self.speed_label.setText("")
        self.eta_label.setText("")
        # Not Qt's busy bar (range 0..0): its animation, 60 repaints a second, went on into the
        # training and took its time from it on 2 cores.
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("Starting…")

        thread = QThread()
        thread.setObjectName("training")
        worker = TrainingWorker(job)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.started.connect(self._on_started)
        worker.step.connect(self._on_step)
        worker.epoch.connect(self._on_epoch)
        worker.finished.connect(self._on_worker_finished)
        # quit() is thread-safe: call it from the worker thread, so the thread ends as soon as
        # run() returns, even while the GUI thread is blocked in shutdown()'s wait().
        worker.finished.connect(thread.quit, Qt.DirectConnection)
        thread.finished.connect(self._on_thread_finished)
        self._thread, self._worker = thread, worker
        thread.start()
        self._set_running(True)
        self.state.status_message.emit(f"Training {name}…", 3000)

    def toggle_pause(self) -> None:
        if not self.is_training() or self._worker is None:
            return
        run = self._run
        if run["pause_t"] is None:
            self._worker.pause()
            run["pause_t"] = time.monotonic()
            self.pause_button.setText("Resume")
            self.speed_label.setText("Paused")
            self.eta_label.setText("")
        else:
            self._worker.resume()
            run["paused_total"] += time.monotonic() - run["pause_t"]
            run["pause_t"] = None
            self.pause_button.setText("Pause")
            self.speed_label.setText("Resuming…")

    @property
    def paused(self) -> bool:
        return self.is_training() and self._run.get("pause_t") is not None

    def stop(self) -> None:
        if self.is_training() and self._worker is not None:
            self._worker.stop()
            self.stop_button.setEnabled(False)
            self.pause_button.setEnabled(False)
            self.step_label.setText("Stopping after the current batch…")

    def shutdown(self, timeout_ms: int = 2000) -> bool:
        """Stop a run and wait for its thread (the window is closing). The worker autosaves what
        it has; the model is not added to the app, which is going away. True when the thread has
        ended."""
        self._closing = True
        thread = self._thread
        if thread is None:
            return True
        if thread.isRunning():
            self._worker.stop()
            thread.quit()
            if not thread.wait(timeout_ms):
                # Only a very slow test evaluation gets here: finishing late beats destroying a
                # running QThread, which aborts the process.
                thread.wait(60_000)
        return thread.isFinished()

    def closeEvent(self, event) -> None:  # when the tab is used as a window of its own
        self.shutdown()
        super().closeEvent(event)

    # Worker signals (queued into the GUI thread)
    def _on_started(self, info: dict) -> None:
        if self._closing:
            return
        self._run.update(steps_per_epoch=info["steps_per_epoch"], device=info["device"])
        self.progress.setRange(0, info["epochs"] * info["steps_per_epoch"])
        self.progress.setValue(0)
        self.progress.setFormat("%p%")
        self.step_label.setText(f"Epoch {info['start_epoch'] + 1} of "
                                f"{info['start_epoch'] + info['epochs']} · starting on "
                                f"{info['train_size']:,} images, {info['device']}")

    def _on_step(self, info: dict) -> None:
        if self._closing:
            return
        self.steps_received += 1
        spe = info["steps_per_epoch"]
        self.plot.add_step(info["epoch"] - 1 + info["step"] / spe, info["loss"], info["recon"],
                           info["kl"])
        # The progress widgets follow on the plot's redraw tick: one repaint for both, and on
        # 2 cores every repaint is time taken from training.
        self._latest_step = info

    def _show_progress(self) -> None:
        info, self._latest_step = self._latest_step, None
        if info is None or self._closing or not self._run:
            return
        run = self._run
        spe = info["steps_per_epoch"]
        done = (info["epoch"] - run["start_epoch"] - 1) * spe + info["step"]
        total = run["epochs"] * spe
        self.progress.setValue(done)
        self.step_label.setText(f"Epoch {info['epoch']} of {run['start_epoch'] + run['epochs']} · "
                                f"step {info['step']:,} of {spe:,} · loss {info['loss']:.1f}")
        if run["pause_t"] is not None:
            return
        self.speed_label.setText(f"{info['samples_per_sec']:,.0f} samples/s")
        active = time.monotonic() - run["t0"] - run["paused_total"]
        fraction = done / max(total, 1)
        if fraction > 0.01 and active > 1.0:
            self.eta_label.setText(f"about {format_duration(active * (1 - fraction) / fraction)} left")
        else:
            self.eta_label.setText("estimating time left…")

    def _on_epoch(self, info: dict) -> None:
        if self._closing:
            return
        self.epochs_received += 1
        self.plot.add_epoch(info["epoch"], info["test_loss"])
        self.pairs_view.set_image(info["pairs"])
        self.samples_view.set_image(info["samples"])
        self.epoch_label.setText(
            f"After epoch {info['epoch']}: test loss <b>{info['test_loss']:.2f}</b> nats per image "
            f"(reconstruction {info['test_recon']:.2f} + KL {info['test_kl']:.2f}); "
            f"train {info['train_loss']:.2f}, {info['seconds']:.1f} s")
        if info["save_error"]:
            self._show_message(info["save_error"], WARNING_STYLE)

    def _on_worker_finished(self, end: dict) -> None:
        self._end = end

    def _on_thread_finished(self) -> None:
        if self._closing or self._worker is None:
            return
        self._thread.wait()  # finished() comes just before the thread ends: let it end
        end = self._end or {"status": "failed", "message": "the training thread ended early",
                            "usable": False, "epochs_trained": 0, "path": ""}
        self._finish_run(end)

    def _finish_run(self, end: dict) -> None:
        worker, run = self._worker, self._run
        self._show_progress()  # the last steps, if the redraw tick has not shown them yet
        self.plot.end_run()
        status = end["status"]
        trained = end["epochs_trained"] - run["start_epoch"]
        kept = ""
        if end["usable"]:
            model = worker.model.to("cpu").eval()
            path = Path(end["path"]) if end["path"] else None
            ckpt = Checkpoint(model, model.config, list(worker.history), worker.optimizer_state,
                              run["job"].saved_train_config(), path, run["name"])
            self.last_trained = ckpt
            self._show_preview(model)  # the weights kept may be newer than the last epoch's grids
            self.state.add_model(ckpt)  # the new model becomes active in every tab
            where = f" Autosaved to {path}." if path else ""
            kept = f" <b>{ckpt.name}</b> is now the active model.{where}"
            self.plot_caption.setText(f"<b>{ckpt.name}</b> ({model.config.describe()})")
        if status == "done":
            loss = self.last_trained.test_loss if end["usable"] and self.last_trained else None
            loss_text = f": test loss {loss:.2f} nats per image" if loss is not None else ""
            self._show_result(f"Finished {trained} epoch{'s' if trained != 1 else ''}{loss_text}."
                              f"{kept}", OK_STYLE)
        elif status == "stopped":
            self._show_result(f"{end['message'][0].upper()}{end['message'][1:]}, after {trained} "
                              f"complete epoch{'s' if trained != 1 else ''}.{kept}", WARNING_STYLE)
        else:
            message = end["message"][0].upper() + end["message"][1:]
            if not end["usable"]:
                message += " No model was kept: the active model is unchanged."
            self._show_result(message + kept, ERROR_STYLE)
        if end.get("save_error"):
            self._show_message(end["save_error"], WARNING_STYLE)
        if status == "done":
            self.progress.setValue(self.progress.maximum())
        self.progress.setFormat({"done": "Done", "stopped": "Stopped at %p%"}.get(status, "Failed"))
        self.step_label.setText("Not training")
        self.speed_label.setText("")
        self.eta_label.setText("")
        self._worker = None
        self._set_running(False)
        self.state.status_message.emit(f"Training {status}", 5000)
        self.run_finished.emit(end)

    def _set_running(self, running: bool) -> None:
        continuing = self.continue_box.isChecked()
        for widget in (self.arch_combo, self.latent_spin, self.hidden_spin, self.conditional_box,
                       self.beta_spin):
            widget.setEnabled(not running and not continuing)
        for widget in (self.continue_box, self.lr_edit, self.batch_spin, self.epochs_spin,
                       self.seed_spin, self.subset_spin, self.device_combo):
            widget.setEnabled(not running)
        self.pause_button.setEnabled(running)
        self.pause_button.setText("Pause")
        self.stop_button.setEnabled(running)
        self.save_button.setEnabled(not running and self.state.active is not None)
        self._validate()

    def _show_message(self, text: str, style: str) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet(style)
        self.message_label.setVisible(True)

    def _show_result(self, text: str, style: str) -> None:
        self.result_label.setText(text)
        self.result_label.setStyleSheet(style)

    # The active model, shown while no run is going on
    def _model_changed(self, ckpt: Checkpoint | None) -> None:
        if self.continue_box.isChecked():
            self._continue_toggled(True)
        self.save_button.setEnabled(not self.is_training() and ckpt is not None)
        if self.is_training() or ckpt is self.last_trained:
            return
        if ckpt is None:
            self.plot.clear()
            self.plot_caption.setText("No model yet: choose the settings on the left and press "
                                      "<b>Start</b>")
            return
        self.plot.set_history(ckpt.history)
        self.plot_caption.setText(
            f"Training history of the active model <b>{ckpt.name}</b> ({ckpt.config.describe()}): "
            f"press Start to train a new one")
        self._show_preview(ckpt.model)

    def _show_preview(self, model: VAE) -> None:
        if self._preview_inputs is None or self._preview_inputs[2].shape[1] != model.latent_dim:
            images, labels = self.state.test_set()
            digits, digit_labels = preview_digits(images, labels)
            self._preview_inputs = (digits, digit_labels, sample_codes(model.latent_dim))
        pairs, samples = preview_grids(model, *self._preview_inputs)
        self.pairs_view.set_image(pairs)
        self.samples_view.set_image(samples)

    # Saving
    def save_as(self) -> None:
        ckpt = self.state.active
        if ckpt is None:
            return
        path = self._ask_save_path(ckpt.name)
        if not path:
            return
        try:
            saved = save_checkpoint_as(ckpt, path)
        except OSError as exc:
            self._show_error("Could not save the model", f"{path}: {exc}")
            return
        qs.remember_recent(qs.open_settings(), str(saved))
        self.state.models_changed.emit()  # its name changed
        self.state.status_message.emit(f"Saved {saved}", 5000)

    def _ask_save_path(self, suggested: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self, "Save model as", f"{suggested}.pt",
                                              CHECKPOINT_FILTER)
        return path

    def _show_error(self, title: str, text: str) -> None:
        QMessageBox.warning(self, title, text)

    def export_plot_png(self, path: str | Path) -> Path:
        """Save the loss plot as it looks on screen (atomically)."""
        self.plot.redraw()
        pixmap = self.plot.grab()

        def write(tmp: str) -> None:
            if not pixmap.save(tmp, "PNG"):
                raise OSError(f"could not write {path}")

        return atomic_write(Path(path), write)


def _spin(low: int, high: int, value: int, tip: str, step: int = 1) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setSingleStep(step)
    spin.setToolTip(tip)
    spin.setGroupSeparatorShown(True)
    spin.setAccelerated(True)
    return spin
