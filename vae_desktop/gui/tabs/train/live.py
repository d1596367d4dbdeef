"""LiveRun: the Train tab's side of watching a run as it learns. It feeds the live latent view
with the job's snapshots, marks beta and learning-rate changes on the loss plot, shows a single
step's batch, sends a person's changes, steps and rewinds to the run (its TrainControl), opens a
snapshot in the Latent space tab (through the state) and saves the timeline as a movie.

Rewind keeps a copy of the run's request made at launch, before the worker trains its model, and
launches that copy again: the same seed, settings and initial weights give the same run. It acts
on the run on screen only: while it goes on, or while the model it kept is the active one; the
run before a rewind stays on the plot as a faint curve (earlier_run)."""

from __future__ import annotations

import dataclasses
import weakref

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from vae_desktop.core.model import VAEConfig
from vae_desktop.core.movie import write_gif
from vae_desktop.core.settings import model_kwargs
from vae_desktop.core.snapshots import SNAPSHOT_EVERY, LatentSnapshot
from vae_desktop.core.training import BatchEvent, ChangeEvent, StepEvent, TrainControl
from vae_desktop.core.wording import count
from vae_desktop.gui.model_files import ask_save_path, new_model_path
from vae_desktop.gui.tabs.train.earlier_run import (
    CAPTION_NOTE,
    REWIND_NONE,
    EarlierCurve,
    rewind_tip,
)
from vae_desktop.gui.tabs.train.job import TrainRequest


class LiveRun(QObject):
    def __init__(self, tab) -> None:
        super().__init__(tab)
        self.tab = tab
        results = tab.results
        self.results, self.view, self.bar = results, results.live_view, results.run_bar
        self.control: TrainControl | None = None
        self._start: tuple[TrainRequest, str] | None = None  # (a pristine copy, the caption)
        self._in_force: dict[str, float] = {}  # beta and lr as the row shows them in force
        # A KL warm-up going on: (the beta it rises to, over how many epochs of the model's
        # training); None when there is none, or it has ended (by itself, or beta set by hand).
        self._warmup: tuple[float, int] | None = None
        self._pending: dict[str, float] = {}  # asked for, not reported in force yet
        # The run's header, its model's settings at launch and what changed since (beta, lr).
        self._caption, self._config, self._changed = "", None, {}
        self._rewind_pending = False
        self._rewinding = False  # the next launch is a rewind's
        self._kept: weakref.ref | None = None  # the model the last run kept
        self.earlier = EarlierCurve(results.plot)  # the run before a rewind, faint
        self.running = False  # from launch until the run has been wrapped up
        self.bar.apply_requested.connect(self.apply)
        self.bar.step_requested.connect(self.step)
        self.bar.rewind_requested.connect(self.rewind)
        self.view.open_requested.connect(self.open_snapshot)
        self.view.movie_requested.connect(lambda: self.save_movie())
        tab.pause_button.clicked.connect(self._sync)  # after the tab's own slot has paused
        tab.run_finished.connect(self._finished)
        tab.state.model_changed.connect(lambda _ckpt: self._sync())
        self._sync()

    @property
    def earlier_curve(self):
        """The faint curve of the run before a rewind (a pyqtgraph PlotDataItem)."""
        return self.earlier.item

    # A run
    def launched(self, request: TrainRequest, caption: str, control: TrainControl) -> None:
        """The tab has just started a run (its worker has not touched the request yet)."""
        # No live view, no snapshots at all (a rewind follows the box as it is now).
        request.snapshot_every = SNAPSHOT_EVERY if self.view.live_box.isChecked() else 0
        self.control, self.running = control, True
        self._kept = None
        if self._rewinding:  # the same start again: the pristine copy and its caption stay
            self._rewinding = False
        else:
            self._start = (request.fresh_copy(), caption)
            self.earlier.forget()
        model = request.model
        # A copy: the worker changes its model's beta when a person does.
        self._config = (dataclasses.replace(model.config) if model is not None
                        else VAEConfig(**model_kwargs(request.settings)))
        self._caption, self._changed = caption, {}
        warmup = int(request.settings.get("beta_warmup") or 0)
        self._warmup = ((float(self._config.beta), warmup)
                        if warmup > request.start_epoch and self._config.beta > 0 else None)
        # Beta in force at the first batch: 0 during a warm-up (the row follows it as it rises).
        beta = 0.0 if self._warmup is not None else float(self._config.beta)
        self._in_force = {"beta": beta, "lr": float(request.settings["lr"])}
        self._pending = {}
        self.bar.set_note("")
        self.bar.show_values(self._in_force["beta"], self._in_force["lr"])
        if self._warmup is not None:
            self.results.caption_label.setText(self._run_caption())
        if request.snapshot_every:  # its first snapshot comes at once: no blank before it
            self.view.restart()
        else:
            self.view.clear()
        self.results.show_step_panel(False)
        self._sync()

    def on_event(self, event) -> None:
        """The job's events the tab itself does not handle."""
        if isinstance(event, LatentSnapshot):
            self.view.add(event)
        elif isinstance(event, ChangeEvent):
            self.results.plot.add_change(event.at_epoch, event.name, event.value)
            self._changed[event.name] = event.value
            if event.name == "beta":
                self._warmup = None  # beta by hand ends the warm-up (core.training)
            self.results.caption_label.setText(self._run_caption())
            if self._pending.get(event.name) == event.value:
                del self._pending[event.name]
            self.bar.set_note(self._pending_text())
            self.tab.state.status_message.emit(
                f"{'Beta' if event.name == 'beta' else 'Learning rate'} {event.value:g} from "
                f"step {event.step:,} on", 4000)
        elif isinstance(event, BatchEvent):
            self.results.step_panel.show_batch(event)
            self.results.show_step_panel(True)

    def _run_caption(self) -> str:
        """The run's header with the beta and learning rate in force now (during a KL warm-up:
        that beta rises, and to what)."""
        config = self._config
        now = dataclasses.replace(config, beta=self._changed.get("beta", config.beta)).describe()
        if self._warmup is not None:
            target, epochs = self._warmup
            now = now.replace(f"beta {target:g}", f"KL warm-up: beta rising from 0 to "
                                                  f"{target:g} over the first "
                                                  f"{count(epochs, 'epoch')}")
        if "lr" in self._changed:
            now += f", lr {self._changed['lr']:g}"
        return self._caption.replace(config.describe(), now)

    def follow_step(self, info: StepEvent) -> None:
        """The newest step, on the plot's redraw tick (not per step): during a KL warm-up the
        row shows the beta the batch trained with as it rises, unless a person is editing it;
        the header drops its warm-up note when the warm-up ends."""
        if self._warmup is None:
            return
        spin = self.bar.beta_spin
        if spin.value() == self._in_force["beta"] and not spin.hasFocus():
            spin.setValue(info.beta)
            self._in_force["beta"] = spin.value()  # as shown: Apply sends beta if edited
        if info.beta >= self._warmup[0]:
            self._warmup = None
            self.results.caption_label.setText(self._run_caption())

    def _pending_text(self) -> str:
        if not self._pending:
            return ""
        asked = ", ".join(f"{'β' if name == 'beta' else 'lr'} {value:g}"
                          for name, value in self._pending.items())
        return f"{asked} from the next batch"

    def _finished(self, summary) -> None:
        self.control, self.running = None, False
        self._pending = {}
        self.bar.set_note("")
        model = summary.model if summary.checkpoint() is not None else None
        self._kept = None if model is None else weakref.ref(model)
        self._sync()
        if self._rewind_pending:
            self._rewind_pending = False
            self._relaunch()

    def on_screen(self) -> bool:
        """Whether the run Rewind acts on is the one shown: it goes on, or its model is active."""
        if self.running:
            return True
        active = self.tab.state.active
        return (self._kept is not None and active is not None
                and active.model is self._kept())

    def _sync(self) -> None:
        running = self.running
        paused = running and self.control.paused
        shown = self._start is not None and self.on_screen()
        if not running:
            self._show_active_values()
        held = self.tab.focus_keeper.hold()
        self.bar.set_state(running, paused, shown)
        # Step goes off on Resume: the focus on it goes to the button that pauses again.
        self.tab.focus_keeper.hand_on(held, self.tab.pause_button)
        self.bar.rewind_button.setToolTip(
            rewind_tip(self._start[1], self._start[0].settings["epochs"]) if shown
            else REWIND_NONE)
        self.earlier.show(shown)
        if running and not paused:
            self.results.show_step_panel(False)

    def _show_active_values(self) -> None:
        """Idle: the active model's beta and learning rate (its last epoch's, or its run's), or
        nothing, rather than "0.00" or the values of a run that kept nothing."""
        ckpt = self.tab.state.active
        if ckpt is None:
            self.bar.show_values(None, None)
            return
        last = ckpt.history[-1] if ckpt.history else {}
        lr = last.get("lr")
        if not isinstance(lr, (int, float)) or lr != lr:  # missing, or NaN
            lr = (ckpt.train_config or {}).get("lr")
        self.bar.show_values(float(ckpt.config.beta), lr)

    # What a person asks for
    def apply(self, beta: float, lr: float) -> None:
        """Change beta and the learning rate from the next batch (those that differ)."""
        if self.control is None:
            return
        if beta != self._in_force.get("beta"):
            self.control.set_beta(beta)
            self._pending["beta"] = beta
            self._warmup = None  # the row no longer follows the warm-up: it holds this
        if lr != self._in_force.get("lr"):
            self.control.set_lr(lr)
            self._pending["lr"] = lr
        self._in_force = {"beta": beta, "lr": lr}
        note = self._pending_text()
        self.bar.set_note(note)
        if note and self.control.paused:  # nothing moves until the next batch: say it now
            self.tab.state.status_message.emit(
                f"Paused: {note} (press Step or Resume)", 6000)

    def step(self) -> bool:
        """Train one batch (while paused); returns whether it was asked for."""
        return self.control is not None and self.control.request_step()

    def rewind(self) -> None:
        """The last run again from the same start: at once, or once the running one stopped."""
        if self._start is None or not self.on_screen():
            return
        self.earlier.keep(*self.results.plot.data("smooth"))  # the run as it is on screen now
        if self.tab.is_training():
            self._rewind_pending = True
            self.tab.stop()
            return
        self._relaunch()

    def _relaunch(self) -> None:
        pristine, caption = self._start
        request = pristine.fresh_copy(save_path=new_model_path(file_stem(pristine)))
        self._rewinding = True
        self.tab._launch(request, None, caption + CAPTION_NOTE)
        self.tab.state.status_message.emit("Rewound: training again from the same start", 5000)

    # Snapshots
    def open_snapshot(self, snapshot) -> None:
        if snapshot is not None:
            self.tab.state.set_latent_snapshot(snapshot)
            self.tab.state.tab_requested.emit("Latent space")

    def save_movie(self, path: str | None = None) -> str | None:
        snapshots = list(self.view.snapshots)
        if not snapshots:
            return None
        if path is None:
            path = ask_save_path(self.tab, "latent-space.gif", "Save the latent space as a movie",
                                 "Animated GIF (*.gif)")
            if not path:
                return None
        QApplication.setOverrideCursor(Qt.WaitCursor)  # a few ms a frame
        try:
            written = write_gif(snapshots, path)
        except OSError as exc:
            written = exc
        finally:
            QApplication.restoreOverrideCursor()
        if isinstance(written, OSError):
            QMessageBox.warning(self.tab, "Could not save the movie", f"{path}: {written}")
            return None
        self.tab.state.status_message.emit(f"Saved {written} ({len(snapshots)} frames)", 5000)
        return str(written)


def file_stem(request: TrainRequest) -> str:
    """The autosave's name for a run of this request, as the tab names a run's file."""
    conditional, arch, dim = request.model_shape()
    return f"{'cvae' if conditional else 'vae'}-{arch}-z{dim}"
