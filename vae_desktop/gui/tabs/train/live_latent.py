"""The Train tab's live latent view: the run's latent snapshots (core.snapshots, taken by the
training job in its worker) as they come, with a timeline slider that scrubs through every one of
them during and after the run, a button that opens the one shown in the Latent space tab and one
that saves them all as a movie. A view of plain values: the tab's LiveRun feeds it."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from vae_desktop.core.snapshots import SAMPLE_SIZE
from vae_desktop.gui.widgets.snapshot_view import SnapshotView

WAITING = (f"{SAMPLE_SIZE:,} test digits, re-encoded while the model trains, appear here: "
           "press Start")
EMPTY_PLOT = "Snapshots appear here\nwhile a model trains"  # true before and after a run
# A new run's first snapshot (the model as it starts) comes within moments of Start; the last
# picture stays until then, and is emptied only if it has not come after this long.
EMPTY_AFTER_MS = 400


class LiveLatentView(QGroupBox):
    open_requested = Signal(object)  # the LatentSnapshot shown
    movie_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Latent space, live", parent)
        self.snapshots: list = []
        self.following = True  # the newest snapshot is shown as it comes
        self.view = SnapshotView(min_size=140, legend=False, strip_height=40,
                                 empty_text=EMPTY_PLOT)
        canvas = self.view.canvas
        canvas.setAccessibleName("Live latent space plot")
        canvas.setAccessibleDescription(
            f"{SAMPLE_SIZE:,} test digits placed by their codes as the model learns, coloured "
            "by digit. The timeline below moves through the snapshots; the caption under it "
            "says which is shown.")
        self.caption = QLabel(WAITING)
        self.caption.setWordWrap(True)
        # Room for two lines, so that the first snapshot's one-line caption replacing the
        # two-line wait text does not lay the view out (and paint it) again.
        self.caption.setMinimumHeight(2 * self.caption.fontMetrics().lineSpacing())
        self.count_label = QLabel("")
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setToolTip("Timeline: scrub through the snapshots of the run (at the right "
                               "end, the view follows the training)")
        self.slider.setAccessibleName("Snapshot timeline")
        self.slider.setAccessibleDescription("Moves through the snapshots of the run; at the "
                                             "right end the view follows the training.")
        self.slider.valueChanged.connect(self._on_slider)
        self.open_button = QPushButton("Open in Latent space")
        self.open_button.setToolTip("Show this snapshot in the Latent space tab")
        self.open_button.clicked.connect(lambda: self.open_requested.emit(self.current()))
        self.movie_button = QPushButton("Save movie…")
        self.movie_button.setToolTip("Save the timeline as an animated GIF, captioned with "
                                     "epoch, step and loss")
        self.movie_button.clicked.connect(self.movie_requested)
        self.live_box = QCheckBox("Live")
        self.live_box.setChecked(True)
        self.live_box.setToolTip("Take snapshots while training (from the next Start): each "
                                 f"re-encodes {SAMPLE_SIZE:,} test digits in the training thread")
        timeline = QHBoxLayout()
        timeline.addWidget(self.slider, 1)
        timeline.addWidget(self.count_label)
        key_row = QHBoxLayout()
        key_row.addWidget(self.live_box)
        key_row.addStretch(1)
        key_row.addWidget(self.view.color_key())
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.movie_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.setSpacing(3)
        layout.addWidget(self.view, 1)
        layout.addLayout(key_row)
        layout.addLayout(timeline)
        layout.addWidget(self.caption)
        layout.addLayout(buttons)
        self._stale = False  # the picture is the last run's, until this run's first snapshot
        self._empty_timer = QTimer(self, singleShot=True, interval=EMPTY_AFTER_MS)
        self._empty_timer.timeout.connect(self._empty_picture)
        self.clear()

    def clear(self) -> None:
        """No snapshots, and an empty picture."""
        self._forget()
        self._empty_picture()

    def restart(self) -> None:
        """A run with snapshots begins: no snapshots yet, but the last picture stays until the
        run's first snapshot replaces it (fitted to its points), or EMPTY_AFTER_MS has passed.
        Emptied at once and filled 50 ms later, the view flashed blank at every Start and was
        laid out and painted six times (20 ms of the GUI thread in a 1.4 s run)."""
        self._forget()
        if self.view.snapshot is not None:
            self._stale = True
            self._empty_timer.start()

    def _forget(self) -> None:
        self.snapshots = []
        self.following = True
        self._set_range()
        self.caption.setText(WAITING)
        self.count_label.setText("")
        self._enable()

    def _empty_picture(self) -> None:
        self._empty_timer.stop()
        self._stale = False
        self.view.show_snapshot(None)

    def add(self, snapshot) -> None:
        """A new snapshot of the run: shown at once while the slider is at the end."""
        self.snapshots.append(snapshot)
        self._set_range()
        if self.following:
            self._show(len(self.snapshots) - 1)
        else:
            self._caption()
        self._enable()

    def set_snapshots(self, snapshots: list) -> None:
        """Show a whole timeline (a finished run's), at its end."""
        self.clear()
        self.snapshots = snapshots  # the same list: the tab knows it is shown
        self._set_range()
        if self.snapshots:
            self._show(len(self.snapshots) - 1)
        self._enable()

    def current(self):
        """The snapshot shown, or None (also while the last run's picture waits for this
        run's first)."""
        return None if self._stale else self.view.snapshot

    def index(self) -> int:
        return self.slider.value()

    def show_index(self, index: int) -> None:
        """Scrub to snapshot `index` (what dragging the slider does)."""
        self.slider.setValue(index)

    def _set_range(self) -> None:
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(len(self.snapshots) - 1, 0))
        if self.following:
            self.slider.setValue(self.slider.maximum())
        self.slider.blockSignals(False)

    def _on_slider(self, index: int) -> None:
        self.following = index == self.slider.maximum()
        if self.snapshots:
            self._show(index)

    def _show(self, index: int) -> None:
        first = self.view.snapshot is None or self._stale
        self._empty_timer.stop()
        self._stale = False
        self.view.show_snapshot(self.snapshots[index], fit=first)
        self._caption()

    def _caption(self) -> None:
        snapshot = self.current()
        if snapshot is None:
            return
        self.caption.setText(f"{snapshot.caption()} · β {snapshot.beta:.3g}")
        self.count_label.setText(f"{self.slider.value() + 1:,} / {len(self.snapshots):,}")
        self.count_label.setToolTip(f"Snapshot {self.slider.value() + 1:,} of "
                                    f"{len(self.snapshots):,}")

    def _enable(self) -> None:
        has = bool(self.snapshots)
        for widget in (self.slider, self.open_button, self.movie_button):
            widget.setEnabled(has)
