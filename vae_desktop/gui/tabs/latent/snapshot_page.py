"""The Latent space tab's page for a training run's latent snapshot (state.latent_snapshot, opened
from the Train tab's live view): the sample's points as they were at that moment, read-only, and
a way back to the active model."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from vae_desktop.gui.widgets.snapshot_view import SnapshotView


class SnapshotPage(QWidget):
    """Shown in `pages` while the state holds a snapshot; `back` shows the model again."""

    def __init__(self, state, pages: QStackedWidget, back: Callable[[], None]) -> None:
        super().__init__()
        self.state, self.pages, self._back = state, pages, back
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.back_button = QPushButton("Back to the active model")
        self.back_button.setToolTip("Leave the snapshot and explore the active model again")
        self.back_button.clicked.connect(lambda: state.set_latent_snapshot(None))
        bar = QHBoxLayout()
        bar.addWidget(self.title, 1)
        bar.addWidget(self.back_button)
        self.view = SnapshotView(min_size=360)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 10)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        pages.addWidget(self)
        state.latent_snapshot_changed.connect(self.show_snapshot)
        pages.currentChanged.connect(self._keep_in_front)

    @property
    def snapshot(self):
        return self.view.snapshot

    def show_snapshot(self, snapshot) -> None:
        if snapshot is None:
            self.view.show_snapshot(None)
            if self.pages.currentWidget() is self:
                self._back()
            return
        self.title.setText(
            f"<b>Snapshot of a training run</b>: {html.escape(snapshot.caption())}, β "
            f"{snapshot.beta:.3g} · {len(snapshot.points):,} test digits as the model encoded them "
            "then (points are read-only here)")
        self.view.show_snapshot(snapshot, fit=True)
        self.pages.setCurrentWidget(self)

    def _keep_in_front(self, _index: int) -> None:
        """The tab re-renders its pages when the model changes; an open snapshot stays shown."""
        if self.snapshot is not None and self.pages.currentWidget() is not self:
            self.pages.setCurrentWidget(self)
