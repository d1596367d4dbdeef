"""The right side of the Sweep tab: one study's trials. A status line with the sweep's progress
and when the trials were last read from the storage, the best trial with its buttons, the trial
table and the two plots, all rendered from the same records, so they never disagree."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from vae_desktop.core.sweep import SETTINGS, TrialRecord, best_trial, objective_text
from vae_desktop.gui.tabs.sweep.messages import plain_tip
from vae_desktop.gui.tabs.sweep.plots import TrialPlots
from vae_desktop.gui.tabs.sweep.trial_table import (
    EXPORT_TIP,
    SHORT_LABELS,
    TrialTable,
    setting_text,
)
from vae_desktop.gui.widgets import tones
from vae_desktop.gui.widgets.progress_bar import ProgressBar
from vae_desktop.gui.widgets.wrapping_label import WrappingLabel


class MessageLine(WrappingLabel):
    """A message about the study or its storage, wrapped to the width it is given and exactly
    as tall as its lines (see StudyView's status line)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setTextFormat(Qt.PlainText)  # it quotes study names, URLs and drivers' words
        self.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
        self.hide()

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        margins = self.contentsMargins()
        width = max(self.width(), 200) - margins.left() - margins.right()
        height = self.text_height(width) + margins.top() + margins.bottom()
        if height != self.height():
            self.setFixedHeight(height)


class RichLine(MessageLine):
    """A MessageLine of rich text (a study's name in bold), shown; what is put in it is escaped
    (html.escape)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.RichText)
        self.show()

    def text_height(self, width: int) -> int:
        doc = QTextDocument()
        doc.setDefaultFont(self.font())
        doc.setDocumentMargin(0)
        doc.setHtml(self.text())
        doc.setTextWidth(width)
        return math.ceil(doc.size().height())


LIVE_TIP = ("The trials are read from the storage every few seconds while this tab is shown: "
            "those of every worker, on any machine. The time is the last read")


def _progress(record: TrialRecord) -> tuple[bool, int]:
    """How far along a trial is: finished or not, then its epochs."""
    return record.state not in ("RUNNING", "WAITING"), len(record.intermediate)


class StudyView(QWidget):
    open_requested = Signal(int)  # a trial's number: open its model
    train_requested = Signal(int)  # ... train with its settings
    export_requested = Signal()  # every trial, as CSV

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name, self.objective, self.direction = "", "test_loss", "minimize"
        self.trials: dict[int, TrialRecord] = {}
        self.budget: dict | None = None  # the study's own record of its budget (SweepStudy)
        # Wrapped, as tall as its lines (not height-for-width, which would make the main
        # window's scroll area size the tab to its preferred height and scroll). The sweep's
        # progress, or what happened and what to do, in the width left beside the live label
        # and the progress bar: one line, or two for a long instruction ("No trial was run: …
        # Press Load to use it, or type another study name."), which was cut at 1280x720.
        self.status_label = RichLine()
        self.status_label.setText("No sweep running. Choose the settings to try and press "
                                  "Start, or load a study.")
        self.progress = ProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        self.live_label = QLabel()
        self.live_label.setTextFormat(Qt.PlainText)
        tones.set_tone(self.live_label, tones.QUIET)
        status = QHBoxLayout()
        status.addWidget(self.status_label, 1)
        status.addWidget(self.live_label)
        status.addWidget(self.progress)
        # Under the status line: what went wrong with the study or its storage, and what to do.
        # Here it takes room from the table, never from the form on the left.
        self.message_label = MessageLine()
        # The best trial and its settings ("<b>Best:</b> ..."), in the width left beside its
        # buttons: one line, or two when every setting varies, never a wider tab.
        self.best_label = RichLine()
        self.best_label.setText("Best: –")
        self.use_best_button = QPushButton("Use best in Train tab")
        self.use_best_button.setToolTip("Copy what the best trial trained with into the Train "
                                        "tab: its settings, training images and seed "
                                        "(Ctrl+Shift+B)")
        self.use_best_button.clicked.connect(self._train_best)
        self.open_button = QPushButton("Open model")
        self.open_button.setToolTip("Load the selected trial's model, list it with your models "
                                    "and make it the active one")
        self.open_button.clicked.connect(self._open_selected)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setToolTip(f"Export trials as CSV. {EXPORT_TIP}. Ctrl+C in the "
                                      "table copies the selected rows")
        self.export_button.clicked.connect(self.export_requested)
        best_row = QHBoxLayout()
        best_row.addWidget(self.best_label, 1)
        best_row.addWidget(self.use_best_button)
        best_row.addWidget(self.open_button)
        best_row.addWidget(self.export_button)
        self.table = TrialTable()
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.open_requested.connect(self.open_requested)
        self.table.train_requested.connect(self.train_requested)
        self.table.export_requested.connect(self.export_requested)
        self.plots = TrialPlots()
        self.plots.trial_clicked.connect(self.select_trial)
        self.plots.set_objective(self.objective)
        self.table.set_objective(self.objective)
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.plots)
        split.setSizes([330, 400])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.addLayout(status)
        layout.addWidget(self.message_label)
        layout.addLayout(best_row)
        layout.addWidget(split, 1)
        self.set_live("")
        self._update_buttons()

    # The study shown
    def show_study(self, name: str, objective: str, direction: str, trials,
                   same_study: bool, varied=(), budget: dict | None = None) -> None:
        """Show these trials. `same_study`: the study shown before, refreshed (a selected trial
        stays selected); otherwise nothing is selected. `varied`: the settings to plot against
        when no trial has sampled any yet. `budget`: the study's record of its budget, which
        stands for the images a trial of an older version did not note."""
        self.name, self.objective, self.direction = name, objective, direction
        self.budget = budget
        self.trials = {t.number: t for t in trials}
        self.plots.set_objective(objective)
        sampled = [n for n in SETTINGS if any(n in t.params for t in trials)] or list(varied)
        if sampled and self.plots.setting_combo.currentData() not in sampled:
            self.plots.choose_setting(sampled[0])  # keep the user's pick when it still applies
        self.refresh(keep_selection=same_study)

    def put_trial(self, record: TrialRecord) -> None:
        """A trial that started or finished, in the study shown."""
        self.trials[record.number] = record
        self.refresh()

    def merge_trials(self, records) -> bool:
        """Trials as read from the storage while workers run them (this app's sweep or others'):
        each replaces the one shown unless that one is further along (it came from this app's
        sweep after the storage was read). Redraws only when something changed; whether it did."""
        changed = False
        for record in records:
            shown = self.trials.get(record.number)
            if shown == record or (shown is not None and _progress(shown) > _progress(record)):
                continue
            self.trials[record.number] = record
            changed = True
        if changed:
            self.refresh()
        return changed

    def report_epoch(self, number: int, epoch: int, value: float) -> None:
        record = self.trials.get(number)
        if record is not None:
            record.intermediate[epoch] = value
            self.refresh()

    def refresh(self, keep_selection: bool = True) -> None:
        records = sorted(self.trials.values(), key=lambda t: t.number)
        self.table.show_trials(records, self.direction, self.objective, keep_selection,
                               self.budget)
        self.plots.show_trials(records, self.direction)
        self.best_label.setText(self._best_text(best_trial(records, self.direction)))
        self._update_buttons()

    def best(self) -> TrialRecord | None:
        return best_trial(list(self.trials.values()), self.direction)

    def _best_text(self, best: TrialRecord | None) -> str:
        if best is None:
            return "Best: – (no trial has completed yet)" if self.trials else "Best: –"
        params = ", ".join(f"{SHORT_LABELS[k]} {setting_text(k, best.params[k])}" for k in SETTINGS
                           if k in best.params)
        what = "AUROC" if self.objective == "auroc" else "test loss"
        value = objective_text(self.objective, best.value)
        return (f"<b>Best:</b> trial {best.number}, {what} {value}"
                + (f" ({params})" if params else ""))

    # Selection
    def selected(self) -> TrialRecord | None:
        return self.table.selected()

    def select_trial(self, number: int) -> bool:
        return self.table.select_trial(number)

    def _update_buttons(self) -> None:
        self.use_best_button.setEnabled(self.best() is not None)
        selected = self.selected()
        self.open_button.setEnabled(selected is not None and bool(selected.checkpoint))
        self.export_button.setEnabled(bool(self.trials))

    def _train_best(self) -> None:
        best = self.best()
        if best is not None:
            self.train_requested.emit(best.number)

    def _open_selected(self) -> None:
        selected = self.selected()
        if selected is not None:
            self.open_requested.emit(selected.number)

    # Status
    def set_status(self, text: str) -> None:
        """The status line, rich text: escape what a person typed (html.escape)."""
        self.status_label.setText(text)

    def status(self) -> str:
        return self.status_label.text()

    def set_message(self, text: str, tone: str | None = None) -> None:
        """A message about the study or its storage ("": none), in `tone` (its colour)."""
        tones.set_tone(self.message_label, tone)
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def message(self) -> str:
        """The message about the study or its storage ("" when none is shown)."""
        return self.message_label.text() if not self.message_label.isHidden() else ""

    def set_live(self, text: str, problem: str = "", details: str = "") -> None:
        """When the trials were last read from the storage ("": not watching), or why they
        could not be (`problem`, in the tooltip); `details` follow the tooltip's words."""
        self.live_label.setText(text)
        self.live_label.setToolTip(plain_tip(problem or (f"{LIVE_TIP}.\n\n{details}" if details
                                                         else LIVE_TIP)))
        self.live_label.setVisible(bool(text))

    def show_progress(self, fraction: float | None) -> None:
        """The sweep's progress, 0 to 1; None hides the bar (nothing runs)."""
        self.progress.setVisible(fraction is not None)
        if fraction is not None:
            self.progress.setValue(int(1000 * min(max(fraction, 0.0), 1.0)))
