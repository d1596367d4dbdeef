"""The active model's latent statistics (core.latent.LatentStats), built from the test-set pass
the state makes once per model in a worker: nothing here encodes images on the GUI thread."""

from __future__ import annotations

import weakref

from PySide6.QtCore import QObject, Signal

from vae_desktop.core import latent


class LatentStatsSource(QObject):
    """Asks the state for a model's test-set pass and turns the report into LatentStats (cached
    per report). Reports the progress, the end and a failure of the pass of the ACTIVE model
    only: a pass of a model that is no longer active is kept by the state, not shown."""

    progress = Signal(float)  # fraction done
    ready = Signal()
    failed = Signal(str)

    def __init__(self, state, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self._cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # model -> (report, stats)
        self._fraction: tuple[object, float] | None = None  # (model, fraction done)
        self._failure: tuple[object, str] | None = None  # (model, message)
        state.test_pass_progress.connect(self._on_progress)
        state.test_pass_ready.connect(self._on_ready)
        state.test_pass_failed.connect(self._on_failed)

    def stats(self, ckpt) -> latent.LatentStats | None:
        """The model's statistics if its pass is ready; otherwise None, and the pass is started
        (again, after a failure)."""
        if self._failure is not None and self._failure[0] is ckpt.model:
            self._failure = None
        report = self.state.request_test_pass(ckpt)
        if report is None:
            return None
        cached = self._cache.get(ckpt.model)
        if cached is not None and cached[0] is report:
            return cached[1]
        stats = latent.stats_from_posterior(report.mu, report.logvar, report.labels)
        self._cache[ckpt.model] = (report, stats)
        return stats

    def fraction(self, ckpt) -> float:
        """How far the model's running pass is (0 before its first report)."""
        known = self._fraction
        return known[1] if known is not None and known[0] is ckpt.model else 0.0

    def failure(self, ckpt) -> str | None:
        """Why the model's last pass failed, or None."""
        known = self._failure
        return known[1] if known is not None and known[0] is ckpt.model else None

    def count(self) -> int:
        """How many test images a pass encodes."""
        try:
            return len(self.state.test_set()[1])
        except Exception:  # only for the text: the pass itself reports a failure to read them
            return 10_000

    def _is_active(self, ckpt) -> bool:
        active = self.state.active
        return ckpt is not None and active is not None and ckpt.model is active.model

    def _on_progress(self, ckpt, fraction: float) -> None:
        if self._is_active(ckpt):
            self._fraction = (ckpt.model, fraction)
            self.progress.emit(fraction)

    def _on_ready(self, ckpt) -> None:
        if self._is_active(ckpt):
            self.ready.emit()

    def _on_failed(self, ckpt, message: str) -> None:
        if self._is_active(ckpt):
            self._failure = (ckpt.model, message)
            self.failed.emit(message)
