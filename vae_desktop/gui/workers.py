"""The one way the app runs background work: a job (a generator) in a worker thread.

Built on superqt's GeneratorWorker. A job yields plain-Python events between its steps; they
reach the GUI thread through queued signals, and only the GUI thread touches widgets. Pause and
stop go through the job's `JobControl` (vae_desktop.core.jobs), checked between two steps; a job
without one is stopped by superqt's abort flag, checked between two yields. `Workers` keeps
every job the app runs, so that on quit each is asked to stop and is awaited (gui.shutdown).

A job that is still in one long step when the app's wait runs out is left to the process's end:
its thread is one of the pool's, not a QThread object of ours, and run_app ends the process with
os._exit, so nothing destroys a thread object while it runs ("QThread: Destroyed while thread is
still running" aborts a process).
"""

from __future__ import annotations

import sys
import threading
import traceback
import warnings
from collections.abc import Callable, Generator, Iterator

from PySide6.QtCore import QObject, QThreadPool
from superqt.utils import GeneratorWorker

from vae_desktop.core.checkpoint import CheckpointError
from vae_desktop.core.data import DataError
from vae_desktop.core.jobs import JobControl
from vae_desktop.core.threads import use_worker_threads

# Errors a job reports to the person, who sees the message (a study not found, a file that is
# not a checkpoint, a run stopped before there is a model): no traceback on stderr for these.
USER_ERRORS = (ValueError, OSError, CheckpointError, DataError)
_warmed_up = False


def warm_up_in_gui_thread() -> None:
    """Call in the GUI thread before starting a job that trains: it imports what torch.save
    and, where a GPU is there, a step on it would otherwise import lazily in the worker thread
    (torch._dynamo, 1-4 s once, which `optimizer.step()` imports; a step on the CPU never calls
    it, and constructing an optimizer imports nothing, core.optim_guards). PySide6 hooks every
    import to read the module's source, and doing that from a second thread has crashed PySide6
    apps; a stop asked during that import would also wait for it. Where a GPU is there, the
    app's start-up imports torch._dynamo in the background once every tab is built
    (gui.startup.LATER_IMPORTS, with that hook off), so this is quick unless a job starts
    before then: the import then waits here for that thread's."""
    global _warmed_up
    if _warmed_up:
        return
    import importlib
    import io

    import torch

    from vae_desktop.core import device

    if device.accelerator_present():
        importlib.import_module("torch._dynamo")
    torch.save({"x": torch.zeros(1)}, io.BytesIO())
    _warmed_up = True


class JobFailed(Exception):
    """A job raised. superqt takes a RuntimeError from the generator for a deleted worker and
    then never reports the end, so every failure reaches it wrapped in this."""

    def __init__(self, original: BaseException) -> None:
        super().__init__(str(original) or type(original).__name__)
        self.original = original


def _in_worker(steps: Callable[..., Iterator], args: tuple, kwargs: dict) -> Generator:
    use_worker_threads()  # the cores the GUI thread gave up: see core.threads
    try:
        return (yield from steps(*args, **kwargs))
    except Exception as exc:
        raise JobFailed(exc) from exc


class _Worker(GeneratorWorker):
    """GeneratorWorker that also says, thread-safely, when its generator has ended (`ended`, set
    before the callbacks' signals are sent, so a callback finds its job no longer running) and
    when its thread has sent its last signal (`signalled`)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.ended = threading.Event()
        self.signalled = threading.Event()

    def work(self):
        try:
            return super().work()
        finally:
            self.ended.set()

    def run(self) -> None:
        try:
            super().run()
        finally:
            self.signalled.set()


def _let_go(signals) -> None:
    """Disconnect a finished worker's signals. PySide holds a connected Python callable from
    C++, out of the garbage collector's sight: every finished job's callbacks, and what they
    named (a test-set pass's model, long after the model was removed), stayed alive."""
    for signal in (signals.yielded, signals.returned, signals.errored, signals.finished):
        with warnings.catch_warnings():  # one that had no callback: nothing to disconnect
            warnings.simplefilter("ignore", RuntimeWarning)
            try:
                signal.disconnect()
            except (RuntimeError, TypeError):
                pass


class Job:
    """One running piece of background work. Made by `Workers.start`."""

    def __init__(self, name: str, worker: _Worker, control: JobControl | None) -> None:
        self.name = name
        self.control = control
        self._worker = worker
        self.error: str | None = None

    def pause(self) -> None:
        if self.control is not None:
            self.control.pause()
        else:
            self._worker.pause()

    def resume(self) -> None:
        if self.control is not None:
            self.control.resume()
        else:
            self._worker.resume()

    @property
    def paused(self) -> bool:
        return self.control.paused if self.control is not None else self._worker.is_paused

    def stop(self) -> None:
        """Ask the job to end after its current step (it may still report its end)."""
        if self.control is not None:
            self.control.stop()
        else:
            self._worker.quit()

    def abort(self) -> None:
        """Ask the job to end as soon as it can (the app is closing): JobControl.abort."""
        if self.control is not None:
            self.control.abort()
        else:
            self._worker.quit()

    @property
    def stop_requested(self) -> bool:
        if self.control is not None:
            return self.control.stop_requested
        return self._worker.abort_requested

    @property
    def running(self) -> bool:
        return not self._worker.ended.is_set()

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until the job has ended and its thread has sent its last signals, so that
        handling the GUI thread's events then runs its on_done (or on_error) and on_finished;
        returns whether it has."""
        return self._worker.signalled.wait(timeout_s)


class Workers(QObject):
    """Every job the app runs, in a thread pool of its own (Qt's global pool has as many threads
    as cores: on 2 cores a test-set pass would queue behind training and a sweep).

    Each job's thread ends with the job. GNU OpenMP keeps the team of every thread that ran a
    parallel torch op until that thread exits, and counts their threads together: once they
    outnumber the cores, every op's helpers sleep at once and each op pays a wake-up
    (core.threads). Once two pool threads had each run a job (two jobs at once, or a run
    started while the last one's thread was still winding up), both kept their teams, and every
    later run trained 1.6-1.8x slower than the CLI (2026-12-05). A thread per job adds about
    0.05 ms to a job's start."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 16) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self.pool.setExpiryTimeout(0)  # an idle thread exits at once, and its OpenMP team with it
        self.jobs: list[Job] = []
        self.closing = False  # after close(): no new jobs

    def start(self, name: str, steps: Callable[..., Iterator], *args,
              control: JobControl | None = None,
              on_event: Callable[[object], None] | None = None,
              on_done: Callable[[object], None] | None = None,
              on_error: Callable[[str], None] | None = None,
              on_finished: Callable[[], None] | None = None, **kwargs) -> Job:
        """Run `steps(*args, **kwargs)`, a generator function, in a worker thread.

        on_event(value) for each yielded value, on_done(result) with its return value unless it
        was aborted, on_error(message) if it raised, then on_finished() in every case: all on the
        GUI thread, in that order. Once the app is closing, the job is not run: the Job returned
        has ended, and none of the callbacks comes."""
        worker = _Worker(_in_worker, steps, args, kwargs)
        job = Job(name, worker, control)
        if self.closing:
            worker.ended.set()
            worker.signalled.set()
            return job
        signals = worker.signals
        if on_event is not None:
            signals.yielded.connect(on_event)
        if on_done is not None:
            signals.returned.connect(on_done)

        def failed(exc: BaseException) -> None:
            original = exc.original if isinstance(exc, JobFailed) else exc
            if not isinstance(original, USER_ERRORS):  # a bug: its traceback helps fix it
                traceback.print_exception(type(original), original, original.__traceback__,
                                          file=sys.stderr)
            job.error = str(exc) or type(exc).__name__
            if on_error is not None:
                on_error(job.error)

        signals.errored.connect(failed)

        def finished() -> None:
            if job in self.jobs:
                self.jobs.remove(job)
            try:
                if on_finished is not None:
                    on_finished()
            finally:
                _let_go(signals)

        signals.finished.connect(finished)
        self.jobs.append(job)
        self.pool.start(worker)
        return job

    def running(self) -> list[Job]:
        return [job for job in self.jobs if job.running]

    def stop_all(self) -> None:
        for job in list(self.jobs):
            job.stop()

    def close(self) -> None:
        """The app is closing: start no more jobs, and ask every job to end as soon as it can."""
        self.closing = True
        for job in list(self.jobs):
            job.abort()

    def wait_all(self, timeout_s: float) -> bool:
        """Wait up to `timeout_s` for every worker thread; returns whether all have ended."""
        return self.pool.waitForDone(max(0, int(timeout_s * 1000)))
