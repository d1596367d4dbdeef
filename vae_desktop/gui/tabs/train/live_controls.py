"""The Train tab's controls for a run as it goes: beta and the learning rate changed between two
batches, Step (one batch, while paused) and Rewind (the same run again from the same start);
and the panel that shows what one step did. Views: the tab's LiveRun acts on their signals."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from vae_desktop.core.images import grid
from vae_desktop.core.settings import SETTINGS
from vae_desktop.gui.preferences import setting_text
from vae_desktop.gui.widgets import tones
from vae_desktop.gui.widgets.image_view import DigitView

STEP_COLUMNS = 8  # digits per row in the step panel (each row of digits has its reconstructions below)


class RunBar(QWidget):
    apply_requested = Signal(float, float)  # beta, learning rate
    step_requested = Signal()
    rewind_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        beta = SETTINGS["beta"]
        self.beta_spin = QDoubleSpinBox()
        self.beta_spin.setRange(beta.low, beta.high)
        self.beta_spin.setDecimals(beta.decimals)
        self.beta_spin.setSingleStep(beta.step)
        self.beta_spin.setCorrectionMode(QAbstractSpinBox.CorrectToPreviousValue)
        self.beta_spin.setToolTip("Beta (KL weight) from the next batch on: " + beta.help)
        self.lr_edit = QLineEdit()
        self.lr_edit.setMaximumWidth(90)
        self.lr_edit.setToolTip("Learning rate from the next batch on (" +
                                SETTINGS["lr"].range_text() + ")")
        self.lr_edit.textChanged.connect(self._check_lr)
        self.lr_edit.returnPressed.connect(self._apply)
        self.apply_button = QPushButton("Apply")
        self.apply_button.setToolTip("Change beta and the learning rate between two batches; "
                                     "the loss plot marks the change")
        self.apply_button.clicked.connect(self._apply)
        self.step_button = QPushButton("Step")
        self.step_button.setToolTip("While paused: train exactly one batch and show it")
        self.step_button.clicked.connect(self.step_requested)
        self.rewind_button = QPushButton("Rewind")
        self.rewind_button.setToolTip("Train the last run again from the very same start (same "
                                      "seed, settings and initial weights), to compare what a "
                                      "change does")
        self.rewind_button.clicked.connect(self.rewind_requested)
        # What Apply asked for until it is in force (at once while paused: nothing else moves).
        self.note_label = QLabel("")
        tones.set_tone(self.note_label, tones.WARNING)
        self.note_label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("While training:"))
        beta_label, lr_label = QLabel("β"), QLabel("lr")
        beta_label.setBuddy(self.beta_spin)
        lr_label.setBuddy(self.lr_edit)
        # In words a screen reader says well ("β" alone may be read as a letter or not at all).
        self.beta_spin.setAccessibleName("Beta while training")
        self.lr_edit.setAccessibleName("Learning rate while training")
        for field in (self.beta_spin, self.lr_edit):
            field.setAccessibleDescription("Applied from the next batch when you press Apply "
                                           "or Enter.")
        row.addWidget(beta_label)
        row.addWidget(self.beta_spin)
        row.addWidget(lr_label)
        row.addWidget(self.lr_edit)
        row.addWidget(self.apply_button)
        row.addSpacing(12)
        row.addWidget(self.step_button)
        row.addWidget(self.rewind_button)
        row.addSpacing(12)
        row.addWidget(self.note_label, 1)  # the row's spare room; never widens the row
        self.set_state(running=False, paused=False, can_rewind=False)

    def show_values(self, beta: float | None, lr: float | None) -> None:
        """The values in the boxes; None: the box left empty (no model, or none recorded)."""
        if beta is None:
            self.beta_spin.lineEdit().clear()
        else:
            self.beta_spin.setValue(beta)
            self.beta_spin.lineEdit().setText(self.beta_spin.textFromValue(beta))
        self.lr_edit.setText("" if lr is None else setting_text(float(lr)))
        self.lr_edit.setCursorPosition(0)

    def set_note(self, text: str) -> None:
        """A short line beside Apply: what was asked for and is not in force yet ("": none)."""
        self.note_label.setText(text)
        self.note_label.setToolTip(text)

    def note_text(self) -> str:
        return self.note_label.text()

    def values(self) -> tuple[float, float | None]:
        """(beta, learning rate); the rate is None when the text is not an allowed one."""
        try:
            lr = SETTINGS["lr"].parse(self.lr_edit.text())
        except ValueError:
            lr = None
        return self.beta_spin.value(), lr

    def set_state(self, running: bool, paused: bool, can_rewind: bool) -> None:
        for widget in (self.beta_spin, self.lr_edit, self.apply_button):
            widget.setEnabled(running)
        self.step_button.setEnabled(running and paused)
        self.rewind_button.setEnabled(can_rewind)
        self._check_lr()

    def _check_lr(self) -> None:
        ok = self.values()[1] is not None
        # Idle and empty is not an error: the bar only shows values while a run goes on.
        bad = not ok and self.lr_edit.isEnabled()
        tones.set_outline(self.lr_edit, bad)
        self.apply_button.setEnabled(self.lr_edit.isEnabled() and ok)

    def _apply(self) -> None:
        beta, lr = self.values()
        if lr is not None and self.apply_button.isEnabled():
            self.apply_requested.emit(beta, lr)


class StepPanel(QWidget):
    """What the last single step did: the batch's first digits over their reconstructions, and
    how the batch's loss and its two parts changed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()  # one line: a wrapped label's height-for-width squeezes the plot
        self.view = DigitView(min_size=80, title="The batch's first digits (odd rows) and their "
                                                  "reconstructions after the step (the row below)")
        self.view.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)
        self.event = None

    def show_batch(self, event) -> None:
        """A core.training.BatchEvent."""
        self.event = event
        self.view.set_image(step_grid(event.images, event.reconstructions))
        parts = []
        for key, name in (("loss", "loss"), ("recon", "recon"), ("kl", "KL")):
            a, b = event.before[key], event.after[key]
            parts.append(f"{name} {a:.2f} → <b>{b:.2f}</b> ({b - a:+.2f})")
        self.title.setText(f"<b>Step {event.step:,}</b> · epoch {event.epoch} · β {event.beta:.3g} "
                           f"· lr {event.lr:g} — this batch: " + ", ".join(parts))
        self.title.setToolTip(f"Loss, reconstruction and KL of the batch in nats per image, "
                              f"measured before and after the step with the same z noise; the "
                              f"optimizer has taken {event.optimizer_steps:,} steps")

    def text(self) -> str:
        return self.title.text()


def step_grid(images: np.ndarray, reconstructions: np.ndarray,
              columns: int = STEP_COLUMNS) -> np.ndarray:
    """Rows of `columns` digits, each with their reconstructions in the row below."""
    rows = []
    for start in range(0, len(images), columns):
        rows += [images[start:start + columns], reconstructions[start:start + columns]]
    return grid(np.concatenate(rows), nrow=columns, padding=2)
