"""The aggregate-posterior mixtures of the app's models (core.mixture), fitted in a worker.

One fit runs at a time (a fit keeps a core busy for seconds: 9-11 s for the bundled 16-D VAE,
96 s for the 50-D one, on the 2026-12-07 machine): asking for another model's
stops the running one, so the newest request wins. What is fitted is kept per model and in
core.mixture's cache (memory and the user cache folder, keyed by a hash of the weights), so a
model whose weights change is fitted again and an unchanged one never is.
"""

from __future__ import annotations

import weakref

from PySide6.QtCore import QObject, Signal

from vae_desktop.core import mixture
from vae_desktop.core.jobs import JobControl
from vae_desktop.gui.workers import Job, Workers


class MixtureSource(QObject):
    # (model, FitProgress) while a fit runs; (model) when its mixture is ready; (model, message)
    # when the fit failed. `model` is the VAE (ckpt.model) the fit is for.
    progress = Signal(object, object)
    ready = Signal(object)
    failed = Signal(object, str)

    def __init__(self, workers: Workers, parent: QObject | None = None,
                 cache: mixture.MixtureCache | None = None,
                 settings: mixture.FitSettings | None = None) -> None:
        super().__init__(parent)
        self.workers = workers
        self.cache = cache if cache is not None else mixture.MixtureCache(mixture.default_cache_folder())
        self.settings = settings if settings is not None else mixture.FitSettings()
        self._fitted: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # model -> (hash, posterior)
        self._failures: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # model -> message
        self._running: tuple[weakref.ref, Job, mixture.FitProgress] | None = None

    def posterior(self, model) -> mixture.AggregatePosterior | None:
        """The model's fitted mixtures, if ready (as of its weights when last requested)."""
        found = None if model is None else self._fitted.get(model)
        return None if found is None else found[1]

    def request(self, ckpt) -> mixture.AggregatePosterior | None:
        """The checkpoint's mixtures if fitted for its current weights; otherwise start the fit
        (stopping another model's) and return None: `ready` or `failed` follows."""
        if ckpt is None:
            return None
        model = ckpt.model
        digest = mixture.weights_hash(model)
        found = self._fitted.get(model)
        if found is not None and found[0] == digest:
            return found[1]
        self._fitted.pop(model, None)  # its weights changed since
        if self._running is not None:
            running_model, job, _ = self._running
            if running_model() is model and not job.stop_requested:
                return None
            job.stop()  # the newest request wins
        self._failures.pop(model, None)
        self._start(ckpt, digest)
        return None

    def status(self, model) -> mixture.FitProgress | None:
        """What the model's running fit is doing, or None when none runs for it."""
        if self._running is None or self._running[0]() is not model:
            return None
        return self._running[2]

    def failure(self, model) -> str | None:
        return None if model is None else self._failures.get(model)

    def _start(self, ckpt, digest: str) -> None:
        model, control = ckpt.model, JobControl()
        ref = weakref.ref(model)
        first = mixture.FitProgress("Starting the mixture fit…", 0.0)

        def current() -> bool:
            return self._running is not None and self._running[1] is job

        def on_event(event: mixture.FitProgress) -> None:
            if current():
                self._running = (ref, job, event)
            if ref() is not None:
                self.progress.emit(ref(), event)

        def on_done(result) -> None:
            target = ref()
            if result is None or target is None:  # stopped
                return
            ended()
            self._fitted[target] = (digest, result)
            self.ready.emit(target)

        def on_error(message: str) -> None:
            target = ref()
            ended()
            if target is not None:
                self._failures[target] = message
                self.failed.emit(target, message)

        def ended() -> None:
            # Called as the result (or error) arrives too: a request made on hearing it (the
            # weights changed in place) must start a new fit, not wait on this one, whose job's
            # end comes a turn later.
            if current():
                self._running = None

        job = self.workers.start(
            f"mixture fit of {ckpt.name or 'a model'}", mixture.aggregate_posterior_steps, model,
            self.cache, dict(ckpt.train_config or {}), self.settings, control=control,
            on_event=on_event, on_done=on_done, on_error=on_error, on_finished=ended)
        self._running = (ref, job, first) if job.running else None
