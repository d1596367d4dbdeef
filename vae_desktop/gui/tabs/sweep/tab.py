"""Sweep tab: choose which settings vary, run an Optuna study in the background, watch the trials
fill a table and two plots, then train with the best settings or open any trial's model.

The study lives in Optuna storage (by default an SQLite file in the app's data folder), so closing
the app loses nothing: load the study again, or resume it by starting with the same name. The
sweep and every storage call (which may talk to a remote database) are jobs on `state.workers`;
on closing, `shutdown()` stops the sweep and waits for each of them.

The table and plots show one study. Each load or sweep is a new request for that view, and a
reply to an older one (a slow load, a list of another storage's studies) is dropped, so the view
never shows another study's trials. A study loaded or swept is then watched (watch.py): read
again every few seconds while the tab is shown, so every worker's trials arrive as they run.
"""

from __future__ import annotations

import threading
import time
from html import escape

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from vae_desktop.core import checkpoint, memory, sweep
from vae_desktop.core import settings as table
from vae_desktop.core.sweep import SweepControl, SweepError, SweepStudy, TrialRecord
from vae_desktop.core.wording import count
from vae_desktop.gui import preferences as qs
from vae_desktop.gui.model_files import file_name_for
from vae_desktop.gui.save_dialog import ask_and_save, save_to
from vae_desktop.gui.tabs.sweep.form import SweepForm
from vae_desktop.gui.tabs.sweep.messages import said_steps, sentence
from vae_desktop.gui.tabs.sweep.search_space import words
from vae_desktop.gui.tabs.sweep.study_loading import (
    ERROR_TONE,
    NOT_LISTING,
    WARNING_TONE,
    StudyLoading,
)
from vae_desktop.gui.tabs.sweep.study_view import StudyView
from vae_desktop.gui.tabs.sweep.trial_table import as_shown, fmt
from vae_desktop.gui.tabs.sweep.watch import StudyWatcher
from vae_desktop.gui.widgets import tones
from vae_desktop.gui.widgets.form_scroll import FormScroll
from vae_desktop.gui.widgets.tab_page import FocusKeeper
from vae_desktop.gui.workers import Job, warm_up_in_gui_thread

BUSY_REASON = "A sweep is running."
CSV_FILTER = "CSV files (*.csv)"
# What "Train with these settings" sends: core.settings names, as the trial trained; the last
# three a sweep never varies (every trial has the table's default), and the Train tab may hold
# others. Its training images and seed go too, where known (see SweepTab.train_settings).
TRAIN_SETTINGS = ("latent_dim", "hidden", "arch", "conditional", "beta", "lr", "batch_size",
                  "epochs", "layers", "binarized", "beta_warmup")


class SteadyFormScroll(FormScroll):
    """The form's scroll area, which keeps the scroll bar's room free while the bar is hidden: a
    message that takes some height (or a shorter window) brings the bar in without making the
    form narrower, so its fields do not move."""

    def __init__(self, form: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(form, parent)
        self.verticalScrollBar().rangeChanged.connect(self._keep_room)
        self._keep_room()

    def _keep_room(self, *_) -> None:
        bar = self.verticalScrollBar()
        room = 0 if bar.maximum() > bar.minimum() else bar.sizeHint().width()
        self.setViewportMargins(0, 0, room, 0)


class SweepTab(StudyLoading, QWidget):
    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.settings = qs.open_settings()
        self.jobs: list[Job] = []  # every job of this tab that has not finished
        self._sweep: Job | None = None
        self._request = 0  # the request the study view shows (see the module's docstring)
        self._shown: tuple[str, str | None] | None = None  # (study, storage) shown
        # The storage whose studies are being listed (None is the default storage's URL).
        self._listing: str | None | object = NOT_LISTING
        self._studies_listed = False
        self._autoload = False  # load the named study once listed (see showEvent)
        self._closing = False  # after shutdown(): no new jobs
        self._loaded_status: str | None = None  # the storage named in a loaded study's status
        self._run_total = self._run_done = 0
        self._budget: dict | None = None  # the budget recorded with the study shown
        self._digits: tuple[int, ...] | None = None  # the digits its trials train on (None: all)
        self._mix_answer = MixAnswer()  # the running sweep's, when it asks about its budget
        # Where the keyboard focus goes when the tab turns off the control that has it (a
        # sweep turns the whole form off): Stop while a sweep runs, Start sweep after.
        self.focus_keeper = FocusKeeper(self)

        self.form = SweepForm()
        self.form.changed.connect(self._validate)
        self.form.refused.connect(self.show_error)  # the next change checks the form again
        self.form.load_requested.connect(self.load_study)
        self.form.storage_changed.connect(self._storage_edited)
        scroll = SteadyFormScroll(self.form)  # the buttons follow the form on a tall window
        # Under the buttons, outside the scrolled part: what is wrong with the form's values, in
        # the room left below; appearing, it moves neither the form nor Start and Stop. (What
        # goes wrong with the study or its storage is said above the trial table.)
        self.error_label = QLabel()
        self.error_label.setTextFormat(Qt.PlainText)  # it may quote what was typed
        self.error_label.setWordWrap(True)
        tones.set_tone(self.error_label, ERROR_TONE)
        self.error_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.error_label.hide()
        self.start_button = QPushButton("Start sweep")
        self.start_button.setToolTip("Run the trials in the background (Ctrl+Enter). A study that "
                                     "already exists gets more trials")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("End after the current epoch; finished trials are kept (Esc). "
                                    "Press again to stop at once")
        self.start_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.stop_button)
        # As wide as the form's boxes, whose right edge leaves the scroll bar's room.
        room = scroll.verticalScrollBar().sizeHint().width()
        buttons.setContentsMargins(0, 0, room, 0)
        self.error_label.setContentsMargins(0, 0, room, 0)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 6, 0)
        column.addWidget(scroll)
        column.addLayout(buttons)
        column.addWidget(self.error_label)
        column.addStretch(1)
        left.setMinimumWidth(390)
        left.setMaximumWidth(440)

        self.view = StudyView()
        self.view.open_requested.connect(self._open_trial)
        self.view.train_requested.connect(self._train_with_trial)
        self.view.export_requested.connect(self.export_trials_csv)
        self.watcher = StudyWatcher(self._start_job, self.isVisible, self._on_watched,
                                    self._watch_failed, parent=self)

        layout = QHBoxLayout(self)
        layout.addWidget(left)
        layout.addWidget(self.view, 1)
        # Ctrl with either Enter key starts (the keypad's is Ctrl+Enter to Qt).
        for keys, slot in (("Ctrl+Return", self.start), ("Ctrl+Enter", self.start),
                           (Qt.Key_Escape, self.stop), ("Ctrl+Shift+B", self.use_best)):
            QShortcut(QKeySequence(keys), self, slot, context=Qt.WidgetWithChildrenShortcut)
        app = QCoreApplication.instance()
        if app is not None:  # the jobs must end before Python tears the widgets down
            app.aboutToQuit.connect(self._app_quitting)
        self.form.restore(self.settings)
        self._set_running(False)
        self._validate()

    def save_settings(self, settings) -> None:
        """The form's values, for the next session (also saved when a sweep starts)."""
        self.form.save(settings)

    # Messages
    def show_error(self, message: str, tone: str = ERROR_TONE) -> None:
        self.error_label.setText(message)
        tones.set_tone(self.error_label, tone)
        self.error_label.setVisible(bool(message))

    def error_text(self) -> str:
        """The message next to the form ("" when none is shown)."""
        return self.error_label.text() if not self.error_label.isHidden() else ""

    def show_study_message(self, message: str, tone: str = ERROR_TONE) -> None:
        """What went wrong with the study or its storage, above the trial table ("": none)."""
        self.view.set_message(message, tone)

    def study_message(self) -> str:
        """The message about the study or its storage ("" when none is shown)."""
        return self.view.message()

    def _validate(self) -> None:
        """Check the form as it changes: show its problems, or no message at all (an earlier
        one was about earlier values)."""
        problems = self.problems()
        slow = None if problems else memory.sweep_needs(self.form.spec())[1]
        if slow:  # a warning: the sweep may still start
            self.show_error(slow, WARNING_TONE)
        else:
            self.show_error("\n".join(problems))
        self._enable_start(problems)

    def problems(self) -> list[str]:
        """Why the form's sweep cannot run: its values, or a largest trial that cannot fit in
        the device's free memory (core.memory)."""
        problems = self.form.problems()
        if not problems:
            too_big = memory.sweep_needs(self.form.spec())[0]
            if too_big:
                problems.append(f"{sentence(too_big)[:-1]}: narrow the ranges.")
        return problems

    def _enable_start(self, problems: list[str] | None = None) -> None:
        """Start only for values that can run, and while nothing runs."""
        problems = self.problems() if problems is None else problems
        self.start_button.setEnabled(not problems and not self.is_running())

    # Jobs
    def _start_job(self, name: str, steps, *args, control=None, on_event=None, on_done=None,
                   on_error=None, on_finished=None) -> Job:
        def alive(fn):  # a reply may come after the tab was deleted (a test, a closed window)
            return None if fn is None else (lambda *a: fn(*a) if isValid(self) else None)

        def finished() -> None:
            if job in self.jobs:
                self.jobs.remove(job)
            if on_finished is not None and isValid(self):
                on_finished()

        job = self.state.workers.start(name, steps, *args, control=control,
                                       on_event=alive(on_event), on_done=alive(on_done),
                                       on_error=alive(on_error), on_finished=finished)
        self.jobs.append(job)
        return job

    def _new_request(self) -> int:
        self._request += 1
        return self._request

    def is_running(self) -> bool:
        return self._sweep is not None

    def busy_reason(self) -> str | None:
        return BUSY_REASON if self._sweep is not None and self._sweep.running else None

    def shutdown(self, timeout_s: float = 2.0) -> bool:
        """Stop the sweep at once (the trial under way is kept, as stopped) and wait up to
        `timeout_s` for every job of the tab, storage calls included; True when all ended."""
        self._closing = True
        self.watcher.stop()
        if self._sweep is not None:
            self._sweep.control.abort()
        deadline = time.monotonic() + timeout_s
        return all([job.wait(max(0.0, deadline - time.monotonic())) for job in list(self.jobs)])

    def _app_quitting(self) -> None:
        self.shutdown(0.0 if self._closing else 2.0)  # the window's close already waited

    def abandon(self) -> None:
        """The app ends while the sweep is in one long step: record its trial as failed (a
        finished trial stays as it is)."""
        if self._sweep is not None:
            self._sweep.control.fail_trial_under_way(
                "the app was closed during a step it could not interrupt")

    def closeEvent(self, event) -> None:  # when the tab is used as a window of its own
        self.shutdown()
        super().closeEvent(event)

    # Running
    def start(self) -> bool:
        if self.is_running() or self._closing:
            return False
        held = self.focus_keeper.hold()  # Start sweep, or a field of the form (Ctrl+Enter)
        try:
            spec = self.form.spec()
        except SweepError as exc:
            self.show_error("\n".join(sentence(p) for p in exc.problems))
            return False
        problems = self.problems()
        if problems:  # a trial too large for the memory (Ctrl+Return even so)
            self.show_error("\n".join(problems))
            return False
        self._validate()  # no message, or the warning that a step will be slow
        self.show_study_message("")
        self.form.save(self.settings)
        request = self._new_request()
        self._shown = (spec.study, spec.storage)
        self.watcher.stop()  # until the sweep has opened the study (it may be a new one)
        self.view.set_live("")
        self._loaded_status = None  # the status line is the sweep's now
        self.view.show_study(spec.study, spec.objective, spec.direction, [], same_study=False,
                             varied=spec.vary)
        self._budget = None  # until the study is read: a resumed one keeps its first budget
        self._digits = sweep.trained_digits(spec.objective, spec.holdout)
        self._run_total, self._run_done = spec.trials, 0
        warm_up_in_gui_thread()
        control = SweepControl()
        self._mix_answer = answer = MixAnswer()
        self._sweep = self._start_job(
            f"sweep {spec.study}", said_steps, sweep_unless_mixed, spec, control, answer,
            control=control, on_event=lambda event: self._on_event(request, event),
            on_done=lambda study: self._sweep_ended(request, study),
            on_error=self._on_failed, on_finished=self._on_finished)
        self._set_running(True)
        self.focus_keeper.hand_on(held, self.stop_button)
        self.view.set_status(f"Opening study {escape(spec.study)}…")
        return True

    def stop(self) -> None:
        """First press: end after the current epoch. Second press: end within a batch."""
        if self._sweep is None:
            return
        control: SweepControl = self._sweep.control
        if control.stop_requested:
            control.abort()
            self.view.set_status("Stopping now…")
        else:
            control.stop()
            self.stop_button.setText("Stop now")
            self.view.set_status("Stopping after this epoch… (press Stop again to stop now)")

    def _set_running(self, running: bool) -> None:
        self.view.show_progress(0.0 if running else None)
        self.stop_button.setEnabled(running)
        self.stop_button.setText("Stop")
        self.form.setEnabled(not running)
        self._enable_start()

    def _on_event(self, request: int, event: dict) -> None:
        if request != self._request:
            return
        kind = event["kind"]
        if kind == "study":
            self._on_study(request, event["study"], same_study=True)
        elif kind == "mixed_budget":
            self._ask_about_budget(event["differences"])
        elif kind == "sweep_started":
            if not self._closing:
                self.watcher.watch(*self._shown)  # other workers' trials, too
            self.view.set_status(
                f"Study <b>{escape(event['study'])}</b> "
                f"({count(event['existing_trials'], 'earlier trial')}"
                f"): running {count(event['trials'], 'trial')} of {count(event['epochs'], 'epoch')}")
        elif kind == "trial_started":
            n = event["number"]
            self.view.put_trial(TrialRecord(n, "RUNNING", None, event["params"],
                                            event["settings"], {}, None, host=event["host"],
                                            pid=event["pid"]))
            self._show_progress(n, 0, 1, "starting")
        elif kind == "step":
            self._show_progress(event["number"], event["epoch"] - 1 + event["step"] / event["steps"],
                                event["epochs"], f"epoch {event['epoch']} of {event['epochs']}")
        elif kind == "epoch":
            self.view.report_epoch(event["number"], event["epoch"], event["value"])
            self._show_progress(event["number"], event["epoch"], event["epochs"],
                                f"epoch {event['epoch']} of {event['epochs']}: "
                                f"{sweep.objective_text(self.view.objective, event['value'])}")
        elif kind == "trial_finished":
            fields = {k: v for k, v in event.items() if k != "kind"}
            fields["intermediate"] = {int(k): v for k, v in fields["intermediate"].items()}
            self._run_done += 1
            self.view.put_trial(TrialRecord(**fields))
        elif kind == "sweep_done":
            self.view.show_progress(1.0)
            stopped = " (stopped)" if event["stopped"] else ""
            name = self.view.name
            self.view.set_status(f"Sweep finished{stopped}: {count(event['trials_run'], 'trial')} run "
                                 f"in study <b>{escape(name)}</b>, {len(self.view.trials)} in all")
            self.state.status_message.emit(f"Sweep {name} finished{stopped}", 5000)

    def _sweep_ended(self, request: int, study: SweepStudy | None) -> None:
        """The sweep's job returned: the whole study, or None when it ran nothing (the person
        chose not to mix budgets, or stopped while asked: the study stays shown, and watched as
        a loaded one is, so other workers' trials still arrive)."""
        if study is not None:
            self._on_study(request, study, same_study=True)
        elif request == self._request and self._shown is not None and not self._closing:
            self.watcher.watch(*self._shown)

    def _ask_about_budget(self, differences: list[str]) -> None:
        """The study has trials of another budget: add to it only if the person says so."""
        name = self.view.name
        text = (f"Study '{name}' has trials trained on another budget: {'; '.join(differences)}."
                "\n\nTrials of different budgets do not compare: the best would be picked among "
                "them, and the pruner would judge trials trained on different data. Press Load "
                "to use the study's budget, or type another study name to start a new study.")
        mix = self.ask_to_mix_budgets(text)
        if not mix:
            self.view.set_status(f"No trial was run: study <b>{escape(name)}</b> was trained on "
                                 "another budget. Press Load to use it, or type another study "
                                 "name.")
        self._mix_answer.give(mix)

    def ask_to_mix_budgets(self, text: str) -> bool:
        """Whether to add trials of another budget to a study (`text` says how it differs);
        the default answer, Enter and Esc included, is not to."""
        box = QMessageBox(QMessageBox.Question, "Mix trials of another budget?", text,
                          parent=self)
        box.setTextFormat(Qt.PlainText)  # it quotes the study's name
        mix = box.addButton("Add trials anyway", QMessageBox.AcceptRole)
        keep = box.addButton("Don't mix", QMessageBox.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.exec()
        return box.clickedButton() is mix

    def _show_progress(self, number: int, epochs_done: float, epochs: int, text: str) -> None:
        self.view.show_progress((self._run_done + epochs_done / max(epochs, 1))
                                / max(self._run_total, 1))
        self.view.set_status(f"Trial {number} ({self._run_done + 1} of {self._run_total} in "
                             f"this run), {text}")

    def _on_failed(self, message: str) -> None:
        self.show_study_message(sentence(message))
        # Storage lost in the middle (a server stopped) ends a sweep that did run trials.
        ended = "stopped" if self._run_done else "could not run"
        self.view.set_status(f"The sweep {ended}: see the message below.")

    def _on_finished(self) -> None:
        held = self.focus_keeper.hold()
        self._sweep = None
        self._set_running(False)
        # Start sweep again, if the focus was on Stop (or nowhere); the form's first box when
        # its values cannot run (the message under it says why).
        self.focus_keeper.hand_on(held, self.start_button, self.form.first_control())
        self._list_studies(force=True)  # the study may be new

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._studies_listed:
            # The first time: the studies to pick from, and the named one's trials (a study
            # swept in an earlier session), both read in jobs.
            self._autoload = True
            self._list_studies()
        self.watcher.read_now()  # the trials added while the tab was hidden

    # Trials
    def selected_trial(self) -> TrialRecord | None:
        return self.view.selected()

    def select_trial(self, number: int) -> bool:
        return self.view.select_trial(number)

    @staticmethod
    def train_settings(record: TrialRecord, budget: dict | None = None,
                       digits: tuple[int, ...] | None = None) -> dict:
        """The trial's settings under the settings table's names, as it trained, each float as
        the table shows it (a sampled learning rate of 0.003940278388674021 goes as 0.00394, the
        value a person reads and would type). Nothing is clamped (the Train tab refuses a value
        beyond its limits, with the reason).

        Also its training images (0: all) and seed, which a trial notes; for a trial swept before
        it did, its images from the study's `budget` where that was recorded, and no seed. And
        the `digits` its study trains on (None: every digit), always: the form may hold others."""
        values = {**table.defaults(TRAIN_SETTINGS), **record.settings, **record.params}
        sent = {name: as_shown(values[name]) for name in TRAIN_SETTINGS}
        if "train_size" in record.settings:
            sent["train_size"] = record.settings["train_size"]
        elif budget and "train_size" in budget:
            sent["train_size"] = budget["train_size"] or 0  # None: all of them
        if "seed" in record.settings:
            sent["seed"] = record.settings["seed"]
        sent["digits"] = digits
        return sent

    def use_best(self) -> None:
        best = self.view.best()
        if best is not None:
            self.train_with(best)

    def train_with(self, record: TrialRecord) -> None:
        """Send the trial's settings to the Train tab, saying which were rounded."""
        sent = self.train_settings(record, self._budget, self._digits)
        trained = {**record.settings, **record.params}
        rounded = [f"{words(table.SETTINGS[name].label)} {fmt(sent[name])}" for name in sent
                   if name in trained and sent[name] != trained[name]]
        note = (f" ({' and '.join(rounded)}, rounded as the table shows them)" if rounded
                else "")
        # Said first: the Train tab's own word (settings it could not take) comes after.
        self.state.status_message.emit(
            f"Settings of trial {record.number} sent to the Train tab{note}", 5000)
        self.state.training_settings_requested.emit(sent)

    def _train_with_trial(self, number: int) -> None:
        record = self.view.trials.get(number)
        if record is not None:
            self.train_with(record)

    def export_trials_csv(self, path: str | None = None) -> bool:
        """Write every trial of the study shown to a CSV file (asked for when `path` is None);
        whether it was written."""
        trials = sorted(self.view.trials.values(), key=lambda t: t.number)
        if not trials:
            return False
        name, objective, recorded = self.view.name, self.view.objective, self.view.budget

        def write(chosen: str) -> None:
            sweep.write_trials_csv(trials, objective, chosen, recorded)

        result = save_to(path, write) if path else ask_and_save(
            self, file_name_for(f"{name}-trials", ".csv"), "Export trials as CSV", CSV_FILTER,
            write)
        if result is None:  # the dialog was cancelled
            return False
        if result.saved is None:
            self.show_study_message(f"The trials could not be exported to {result.path}: "
                                    f"{result.why}. Choose another file or folder.")
            return False
        self.state.status_message.emit(
            f"Exported {count(len(trials), 'trial')} of study {name} to {result.path}", 5000)
        return True

    def _open_trial(self, number: int) -> None:
        if self.select_trial(number):
            self.open_selected()

    def open_selected(self) -> bool:
        """Open the selected trial's model: listed in the model library (origin "sweep", so it is
        there next session too) and made the active model."""
        record = self.selected_trial()
        if record is None or not record.checkpoint:
            return False
        study = self.view.name
        where = f" on {record.host}" if record.host else ""
        try:
            ckpt = checkpoint.load(record.checkpoint)
        except checkpoint.CheckpointError as exc:
            self.show_study_message(f"Trial {record.number}'s model could not be opened: "
                                    f"{str(exc).rstrip('.')}. The trial ran{where}; a trial run "
                                    "on another machine keeps its checkpoint there.")
            return False
        differences = sweep.model_differences(study, record, ckpt)
        if differences:
            # Before checkpoints had a folder per storage and study, a study of the same name
            # in another storage (or one whose name differs only in punctuation) wrote its
            # trials' models over this one's.
            self.show_study_message(
                f"Trial {record.number}'s model is no longer in {record.checkpoint}: that file "
                f"holds another model ({'; '.join(differences)}). Another study of the same "
                f"name wrote over it; this trial's model is lost. The trial ran{where}; train "
                "with its settings to make its model again.")
            return False
        self.show_study_message("")
        name = None if self.state.entry(ckpt) is not None else f"{study}-trial-{record.number}"
        self.state.add_model(ckpt, origin="sweep", name=name)
        self.state.status_message.emit(f"Opened {ckpt.name} ({ckpt.config.describe()})", 5000)
        return True


class MixAnswer:
    """The person's answer, from the GUI thread, to a sweep job that waits in its own thread:
    add trials of another budget to the study, or not."""

    def __init__(self) -> None:
        self.given = threading.Event()
        self.mix = False

    def give(self, mix: bool) -> None:
        self.mix = mix
        self.given.set()


def sweep_unless_mixed(spec: sweep.SweepSpec, control: SweepControl, answer: MixAnswer):
    """The sweep as a job (core.sweep.sweep_steps), which first reads the study: a study whose
    trials were trained on another budget (epochs, training or test images) yields
    {"kind": "mixed_budget", "differences": [...]} and waits for `answer`; no means no trial is
    run, and the job returns None. A new study, or storage that cannot be read (the sweep then
    says why), goes straight on."""
    try:
        study = sweep.load_trials(spec.storage, spec.study)
    except SweepError:
        study = None
    if study is not None:
        yield {"kind": "study", "study": study}
        # Another objective or held-out digit is refused by the sweep itself, with the reason.
        same_goal = study.objective == spec.objective and (
            spec.objective != "auroc" or study.holdout in (None, spec.holdout))
        differences = (sweep.budget_differences(study.trials, spec, study.budget)
                       if same_goal else [])
        if differences:
            yield {"kind": "mixed_budget", "differences": differences}
            while not answer.given.wait(0.05):
                if control.stop_requested:  # stopped, or the app closes
                    return None
            if not answer.mix:
                return None
    return (yield from sweep.sweep_steps(spec, control, show_study=False))

