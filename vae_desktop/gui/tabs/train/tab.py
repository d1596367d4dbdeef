"""Train tab: settings, Start / Pause / Stop, a live loss plot and per-epoch digit grids.

A run is a job of `state.workers` (job.training_run): the trainer works in a worker thread and
this tab, on the GUI thread, receives its events (at most about 10 a second) and is the only code
that touches widgets. The trained model reaches the rest of the app through `state.add_model`
once the run has ended.

A view of the app state: while no run is going on, the plot, the caption and the digit grids are
those of the active model, and the progress box describes the last run only while that run's
model (or, after a failed run, the model that stayed active) is the active one.
"""

from __future__ import annotations

import copy
import html
import weakref
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from vae_desktop.core import settings as table
from vae_desktop.core.checkpoint import Checkpoint, cannot_save
from vae_desktop.core.device import DeviceError, resolve_device
from vae_desktop.core.model import VAEConfig
from vae_desktop.core.training import EndEvent, StepEvent, TrainControl
from vae_desktop.gui.model_files import (
    CHECKPOINT_FILTER,
    ask_save_path,
    checkpoint_path,
    file_name_for,
    new_model_path,
)
from vae_desktop.gui.state import AppState
from vae_desktop.gui.tabs.train.continued import kept_data
from vae_desktop.gui.tabs.train.form import DEVICE, DIGITS, SettingsForm
from vae_desktop.gui.tabs.train.form_settings import FormSettings
from vae_desktop.gui.tabs.train.job import (
    EpochDone,
    RunStarted,
    RunSummary,
    TrainRequest,
    training_run,
)
from vae_desktop.gui.tabs.train.live import LiveRun
from vae_desktop.gui.tabs.train.progress import WARNING_TONE, ProgressBox, run_report
from vae_desktop.gui.tabs.train.quitting import BUSY_REASON, PAUSED_REASON, quit_note
from vae_desktop.gui.tabs.train.results import ResultsPanel, model_weighted
from vae_desktop.gui.widgets.form_scroll import FormScroll
from vae_desktop.gui.widgets.hint_text import plain_text
from vae_desktop.gui.widgets.loss_plot import beta_weighted
from vae_desktop.gui.widgets.tab_page import FocusKeeper
from vae_desktop.gui.workers import Job, warm_up_in_gui_thread

# Ctrl+P: no Space. Ctrl+Space is Cmd+Space on macOS (Spotlight), turns Chinese and Japanese
# input methods on and off on Windows and switches input methods on many Linux desktops, so the
# key never reached the app there. Ctrl+P is no other key of the app (it prints nothing).
PAUSE_KEY = QKeySequence("Ctrl+P")
# Ctrl+Return, and Ctrl+Enter: the keypad's Enter is another key to Qt.
START_KEYS = (QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter"))
SAVE_TIP = "Save the active model to a file of your choice"
PAUSED_STATUS = (f"Paused. Press Resume ({PAUSE_KEY.toString(QKeySequence.NativeText)}) to go "
                 "on, or Step to train one batch.")
SCROLL_ROOM_PX = 8  # between the form and its scroll bar, while it scrolls
SAVE_TIP_RUNNING = ("Off while a model trains: when the run ends (Stop ends it now, keeping its "
                    "last complete epoch), its model becomes the active model and can be saved")


class TrainTab(FormSettings, QWidget):
    # A run's worker has loaded its data and is about to train (argument: job.RunStarted).
    run_started = Signal(object)
    # A run has been wrapped up in the GUI (argument: job.RunSummary).
    run_finished = Signal(object)

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.eval_size: int | None = None  # test images scored per epoch (None: all 10,000)
        self.last_trained: Checkpoint | None = None
        self.steps_received = 0
        self.epochs_received = 0
        self._autosave_failed = False  # the run's last autosave failed (for the quit note)
        self._last_autosave = ""  # the file the run's last epoch was saved to, if any
        self._job: Job | None = None
        self._request: TrainRequest | None = None
        self._source: Checkpoint | None = None  # the model the run continues, if any
        self._outcome: list[RunSummary] = []  # the job's summary, also when signals are not delivered
        # Models of this tab's runs that no file holds, with why (in_no_file_reason); weakly,
        # so a model removed from the list is freed.
        self._in_no_file: dict[int, tuple[weakref.ref, str]] = {}
        self._summary: RunSummary | None = None
        self._error: str | None = None
        self._closing = False
        self._closing_job: Job | None = None  # the run shutdown() stopped
        self._latest_step: StepEvent | None = None  # the newest step not yet shown
        # The last run's report: (the model it is about, its text for that model's name, style).
        self._report: tuple[Checkpoint | None, Callable[[str], str], str] | None = None
        self._notice: tuple[str, str] | None = None  # settings refused, an autosave that failed
        self._refusal = False  # the notice is a typed value a box did not take
        # The form's model settings and training images, from before "Continue" was ticked.
        self._own_model_settings: dict | None = None
        # Where the keyboard focus goes when the tab turns off the control that has it: Pause
        # once a run has started, Start once it has ended.
        self.focus_keeper = FocusKeeper(self)

        self.form = SettingsForm()
        self.continue_box = self.form.continue_box
        self.message_label = QLabel()
        self.message_label.setTextFormat(Qt.RichText)  # escaped lines: "'" must not read "&#x27;"
        self.message_label.setWordWrap(True)
        self.message_label.setVisible(False)
        self._build_controls()
        self.results = ResultsPanel(state.test_set)
        self.plot = self.results.plot
        self.plot.timer.timeout.connect(self._show_progress)

        left_inner = QWidget()
        inner = QVBoxLayout(left_inner)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.form)
        inner.addStretch(1)
        # The form scrolls when the window is short; buttons, messages and progress stay in view,
        # and on a tall window they follow the form. The messages come under the buttons: one
        # that appears (a value not taken) pushes nothing a person is about to click (above the
        # buttons it moved Start down 35 px, and a click meant for it missed).
        scroll = FormScroll(left_inner)
        # The form is as wide as the buttons and the progress box under it (with 8 px to its
        # right it was that much narrower than they); only while it scrolls is there room
        # between it and its scroll bar.
        bar = scroll.verticalScrollBar()
        bar.rangeChanged.connect(lambda _lo, hi: inner.setContentsMargins(
            0, 0, SCROLL_ROOM_PX if hi > 0 else 0, 0))
        left = QWidget()
        # As wide as the form and the buttons need, never narrower: on a small window the page
        # scrolls (a column squeezed to 350 px cut "Save model as…" to "ave model as..").
        left.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Preferred)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(scroll)
        column.addLayout(self.button_row)
        column.addWidget(self.message_label)
        column.addWidget(self.progress)
        column.addStretch(1)

        layout = QHBoxLayout(self)
        layout.addWidget(left)
        layout.addWidget(self.results, 1)

        self.form.changed.connect(self._validate)
        self.form.changed.connect(self._clear_refusal)
        self.form.refused.connect(self._refused)
        self.continue_box.toggled.connect(self._continue_toggled)
        state.model_changed.connect(self._model_changed)
        state.training_settings_requested.connect(self._settings_requested)
        self.live = LiveRun(self)  # the live latent view, changes during a run, Step, Rewind
        self._set_running(False)
        self._render_active()

    # Layout
    def _build_controls(self) -> None:
        self.start_button = QPushButton("Start")
        self.start_button.setShortcut(START_KEYS[0])
        # Active only while Start is on and in view, as the button's own shortcut is.
        keypad = QShortcut(START_KEYS[1], self.start_button)
        keypad.activated.connect(self.start_button.animateClick)
        self.start_button.setToolTip("Start training (Ctrl+Enter)")
        # Not drawn as a default button: Enter in a field confirms its value, only Ctrl+Enter
        # starts (a tab is no dialog; its default-button frame promised what Enter did not do).
        self.pause_button = QPushButton("Pause")
        self.pause_button.setToolTip("Pause or resume between two batches "
                                     f"({PAUSE_KEY.toString(QKeySequence.NativeText)})")
        # Ctrl+P wherever the focus is in the tab: not the button's own shortcut, which pressed
        # it 100 ms later (animateClick) with the button held down meanwhile, so that a second
        # press could come first, and the run went on as if nothing had been pressed.
        self.pause_key = QShortcut(PAUSE_KEY, self)
        self.pause_key.activated.connect(self._pause_key_pressed)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setShortcut(QKeySequence("Ctrl+."))
        self.stop_button.setToolTip("Stop after the current batch and keep the model (Ctrl+.)")
        self.save_button = QPushButton("Save model as…")
        self.save_button.setToolTip(SAVE_TIP)
        self.start_button.clicked.connect(self.start)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button.clicked.connect(self.stop)
        self.save_button.clicked.connect(self.save_as)
        # In view whatever the window's height (the form above them scrolls when it must).
        self.button_row = QHBoxLayout()
        for button in (self.start_button, self.pause_button, self.stop_button, self.save_button):
            button.setMinimumHeight(30)
            self.button_row.addWidget(button)
        self.progress = ProgressBox()

    # What the tab shows, for the main window and tests
    @property
    def caption(self) -> str:
        """The results' header, as plain text."""
        return plain_text(self.results.caption)

    @property
    def progress_text(self) -> str:
        """What the progress box says about the last run (epoch and result lines), plain."""
        return plain_text(self.progress.texts())

    @property
    def message(self) -> str:
        """The message under the form (refused settings, invalid or risky values), or ""."""
        return "" if self.message_label.isHidden() else plain_text(self.message_label.text())

    def preview_images(self):
        """The digit grids shown: (reconstructions, samples) 2-D arrays, or None when cleared."""
        return self.results.grids()

    def field(self, name: str) -> QWidget:
        """The form's widget for a setting (a core.settings name, or "device")."""
        return self.form.field(name)

    # Running
    def is_training(self) -> bool:
        """True from Start until the run has been wrapped up in the GUI."""
        return self._job is not None

    def busy_reason(self) -> str | None:
        if not self.is_training():
            return None
        return PAUSED_REASON if self.paused else BUSY_REASON

    def quit_note(self) -> str | None:
        """What quitting now would keep of the run (for the quit question), or None."""
        request = self._request
        if not self.is_training() or request is None:
            return None
        source = None
        if request.model is not None:  # a continued model (a rewind's is not named: no source)
            source = self._source.name if self._source is not None else "the model it started from"
        return quit_note(request, self.epochs_received, self.steps_received, self.paused,
                         source, self._autosave_failed)

    @property
    def paused(self) -> bool:
        return self._job is not None and self._job.paused

    def start(self) -> bool:
        """Start a run with the form's settings; returns False (with the reason shown) if not."""
        if self.is_training() or not self._validate():
            return False
        values = self.form.values()
        device = values.pop(DEVICE)
        digits = values.pop(DIGITS)  # the form's: a new model's (a continued one keeps its own)
        try:
            resolve_device(device)
        except DeviceError as exc:
            self._set_notice(str(exc))
            return False
        source = self.state.active if self.continue_box.isChecked() else None
        images, labels = self.state.test_set()
        test_size = None  # recorded in the checkpoint (None: all of them), as the CLI does
        if self.eval_size:
            images, labels = images[:self.eval_size], labels[:self.eval_size]
            test_size = len(images)
        if source is not None:
            # What it was trained on, as `train --resume` keeps it (the form shows it, locked).
            kept = kept_data(source)
            values["train_size"] = kept.train_size
            # A copy: the original stays usable by the other tabs while the copy trains.
            request = TrainRequest(values, device, self.state.train_split, (images, labels),
                                   new_model_path(source),
                                   copy.deepcopy(source.model),
                                   [dict(rec) for rec in source.history],
                                   copy.deepcopy(source.optimizer_state), digits=kept.digits,
                                   test_size=test_size)
            what = f"Training <b>{html.escape(source.name)}</b> further"
            config = source.config
        else:
            config = VAEConfig(**table.model_kwargs(values))
            stem = f"{'cvae' if config.conditional else 'vae'}-{config.arch}-z{config.latent_dim}"
            request = TrainRequest(values, device, self.state.train_split, (images, labels),
                                   new_model_path(stem), digits=digits, test_size=test_size)
            what = "Training a new model"
        warm_up_in_gui_thread()
        self._launch(request, source, f"{what} ({config.describe()})")
        return True

    def _launch(self, request: TrainRequest, source: Checkpoint | None, caption: str) -> None:
        held = self.focus_keeper.hold()  # Start, a field the run locks, or a control it leaves
        self.steps_received = self.epochs_received = 0
        self._autosave_failed = False
        self._last_autosave = ""
        self._latest_step = None
        self._request = request
        self._source = source
        self._outcome = []
        self._summary, self._error = None, None
        self._report = None
        self._set_notice(None)
        epochs = request.settings["epochs"]
        beta = request.model.config.beta if request.model is not None else request.settings["beta"]
        self.results.begin_run(caption, request.history, request.start_epoch,
                               request.start_epoch + epochs,
                               beta_weighted(request.history, float(beta),
                                             request.settings.get("beta_warmup", 0)))
        self.progress.begin(request.start_epoch, epochs)
        control = TrainControl()
        self.live.launched(request, caption, control)
        self._job = self.state.workers.start(
            "training", training_run, request, control, self._outcome, control=control,
            on_event=self._on_event, on_done=self._on_done, on_error=self._on_error,
            on_finished=self._on_finished)
        self._set_running(True)
        # Pause, not Stop: Space pressed at once pauses the run rather than ending it.
        self.focus_keeper.hand_on(held, self.pause_button, self.stop_button)
        self.state.status_message.emit("Training…", 3000)

    def toggle_pause(self) -> None:
        job = self._job
        if job is None or job.stop_requested:
            return
        if job.paused:
            job.resume()
        else:
            job.pause()
        self._label_pause(job.paused)
        self.progress.set_paused(job.paused)
        # The status bar too: it said "Training…" on, however early the run was paused.
        self.state.status_message.emit(PAUSED_STATUS if job.paused else "Training…",
                                       0 if job.paused else 3000)

    def _pause_key_pressed(self) -> None:
        if self.pause_button.isEnabled():
            self.pause_button.click()  # at once, and as a click (the live view follows it)

    def _label_pause(self, paused: bool) -> None:
        self.pause_button.setText("Resume" if paused else "Pause")

    def stop(self) -> None:
        if self._job is not None:
            held = self.focus_keeper.hold()
            self._job.stop()
            self.stop_button.setEnabled(False)
            self.pause_button.setEnabled(False)
            self.progress.stopping()
            # Nothing to press until the run has ended: Start then (_finish_run).
            self.focus_keeper.hand_on(held)

    def shutdown(self, timeout_s: float = 2.0) -> bool:
        """Stop a run and wait up to `timeout_s` for its worker (the window is closing); True
        when it has ended. What was trained is autosaved by the worker and listed in the model
        library (not made active: the app is going away); one whose autosave failed is listed in
        no file, and the quit question offers Save as… for it."""
        self._closing = True
        job = self._job or self._closing_job  # the run's end may have been delivered meanwhile
        if job is None:
            return True
        self._closing_job = job
        job.stop()
        ended = job.wait(timeout_s)
        if ended and self._outcome:
            summary = self._outcome.pop()  # listed once, however often this is called
            ckpt = summary.checkpoint()
            if ckpt is not None:
                self._note_in_no_file(ckpt, summary)
                self.state.add_model(ckpt, activate=False, origin="trained")
        return ended

    def abandoned_note(self) -> str | None:
        """What a run that ends with the app in one long step (gui.shutdown) leaves in files,
        for its line on stderr: nothing is saved as it ends, so only its last epoch's autosave
        holds anything of it, in the models folder, whose new files the list of models takes up
        when the app next starts (core.library)."""
        request = self._request
        if request is None or not self.is_training():
            return None
        if self.epochs_received and self._last_autosave:
            return (f"its model as after epoch {request.start_epoch + self.epochs_received} is in "
                    f"{self._last_autosave}, listed when the app next starts")
        if self.epochs_received:
            return "no file holds its model: its last autosave failed"
        if request.model is not None:
            return "no epoch of this run completed: the model it continued stays as it was"
        return "no file holds anything of its new model"

    def in_no_file_reason(self, ckpt: Checkpoint) -> str | None:
        """Why a model of this tab's runs is in no file, in a few words, for the line SIGTERM's
        quit prints (gui.window.quitting)."""
        kept = self._in_no_file.get(id(ckpt))
        return f"its autosave failed: {kept[1]}" if kept and kept[0]() is ckpt else None

    def _note_in_no_file(self, ckpt: Checkpoint, summary: RunSummary) -> None:
        self._in_no_file = {key: kept for key, kept in self._in_no_file.items()
                            if kept[0]() is not None}
        if ckpt.path is None and summary.save_problem:
            self._in_no_file[id(ckpt)] = (weakref.ref(ckpt), summary.save_problem)

    def closeEvent(self, event) -> None:  # when the tab is used as a window of its own
        self.shutdown()
        super().closeEvent(event)

    # The job's events (queued into the GUI thread)
    def _on_event(self, event) -> None:
        if self._closing:
            return
        if isinstance(event, StepEvent):
            self.steps_received += 1
            spe = event.steps_per_epoch
            self.plot.add_step(event.epoch - 1 + event.step / spe, event.loss, event.recon,
                               event.kl)
            # The progress widgets follow on the plot's redraw tick: one repaint for both, and
            # on 2 cores every repaint is time taken from training.
            self._latest_step = event
        elif isinstance(event, RunStarted):
            self.progress.started(event)
            self.results.show_grids((event.pairs, event.samples))
            self.run_started.emit(event)
        elif isinstance(event, EpochDone):
            self.epochs_received += 1
            record = event.record
            self.plot.add_epoch(record["epoch"], record["test_loss"])
            self.results.show_grids((event.pairs, event.samples))
            self.progress.epoch(record)
            self._autosave_failed = bool(event.save_error)
            self._last_autosave = event.saved
            if event.save_error:
                self._set_notice(event.save_error, WARNING_TONE)
        elif isinstance(event, EndEvent):
            self._show_progress()
            self.progress.saving()
        else:
            self.live.on_event(event)

    def _show_progress(self) -> None:
        info, self._latest_step = self._latest_step, None
        if info is not None and not self._closing and self.is_training():
            self.progress.step(info)
            self.live.follow_step(info)  # a KL warm-up's beta, as it rises

    def _on_done(self, summary: RunSummary) -> None:
        self._summary = summary

    def _on_error(self, message: str) -> None:
        self._error = message

    def _on_finished(self) -> None:
        if self._closing:
            self._job = None
            return
        request = self._request
        summary = self._summary or RunSummary(
            "failed", f"training failed: {self._error or 'the job ended early'}",
            request.start_epoch, request.start_epoch)
        self._finish_run(summary)

    def _finish_run(self, summary: RunSummary) -> None:
        held = self.focus_keeper.hold()
        self._show_progress()  # the last steps, if the redraw tick has not shown them yet
        ckpt = summary.checkpoint()
        if ckpt is not None:
            self._note_in_no_file(ckpt, summary)
        # A new model stopped in its first epoch, with no test loss: listed, not made active
        # (it replaced the model the student was using, in every tab).
        partial = ckpt is not None and summary.first_epoch_only
        active = ckpt is not None and not partial
        self.results.end_run(summary.model if active else None,
                             model_weighted(ckpt) if active else None)
        self._job = None
        self.progress.ended(summary.status)
        self._set_running(False)
        if active:
            self.last_trained = ckpt
            self._report = (ckpt, *run_report(summary, True))
            # Active in every tab: renders it here.
            self.state.add_model(ckpt, origin="trained")
        else:
            listed = None
            if partial:
                self.last_trained = ckpt
                listed = self.state.add_model(ckpt, activate=False, origin="trained").name
            # A failed or early-stopped run leaves the active model as it was, perhaps another
            # than the one it continued: the form, unlocked, shows the one Start would continue.
            self._report = (self.state.active, *run_report(summary, False, listed))
            if self.continue_box.isChecked():
                self._fill_from_active()
                self._validate()
            self._render_active()
        self._show_report()
        if summary.save_error:
            self._set_notice(summary.save_error, WARNING_TONE)
        self.state.status_message.emit(f"Training {summary.status}", 5000)
        self.run_finished.emit(summary)
        # Once the run's controls (the While-training row too) are off: Start, if the focus
        # was on one of them (Qt passed it on to whichever control came next).
        self.focus_keeper.hand_on(held, self.start_button, self.form.field("epochs"))

    def _set_running(self, running: bool) -> None:
        self.form.set_locked(running, self.continue_box.isChecked())
        self.pause_button.setEnabled(running)
        self._label_pause(False)
        self.stop_button.setEnabled(running)
        self._enable_save()
        self._validate()

    def _enable_save(self) -> None:
        """Save model as… saves the active model, so not while a run trains another."""
        running = self.is_training()
        self.save_button.setEnabled(self.state.active is not None and not running)
        self.save_button.setToolTip(SAVE_TIP_RUNNING if running else SAVE_TIP)

    # The active model, shown while no run is going on
    def _model_changed(self, ckpt: Checkpoint | None) -> None:
        if self.continue_box.isChecked() and not self.is_training():
            self._fill_from_active()
        self._enable_save()
        self._validate()
        if not self.is_training():
            self._render_active()

    def _render_active(self) -> None:
        ckpt = self.state.active
        if self._report is not None and self._report[0] is not ckpt:
            # The last run's report is about a model that is no longer the active one.
            self._report = None
            self.progress.clear()
        self._show_report()
        self.results.show_model(ckpt, continuing=self.continue_box.isChecked())

    def _show_report(self) -> None:
        if self._report is not None:
            ckpt, text, style = self._report
            self.progress.set_result(text(html.escape(ckpt.name) if ckpt else ""), style)

    # Saving
    def save_as(self) -> None:
        ckpt = self.state.active
        if ckpt is None or self.is_training():  # the active model is not the one training
            return
        path = self._ask_save_path(file_name_for(ckpt.name))
        if not path:
            return
        try:
            saved = self.state.save_model_as(ckpt, path)
        except OSError as exc:
            self._show_error("Could not save the model",
                             cannot_save(checkpoint_path(path), exc))
            return
        self.state.status_message.emit(f"Saved {saved.path}", 5000)

    def _ask_save_path(self, suggested: str) -> str:
        return ask_save_path(self, suggested, "Save model as", CHECKPOINT_FILTER)

    def _show_error(self, title: str, text: str) -> None:
        QMessageBox.warning(self, title, text)

    def export_plot_png(self, path: str | Path) -> Path:
        """Save the loss plot, without the check boxes under it, 1,600 pixels wide (atomically)."""
        return self.results.export_png(path)

