"""Sweep worker processes for the storage tests: `vae-desktop sweep` command lines, each in a
process of its own, released at one instant, and the storage read back while they run.

One launcher process imports what a worker imports (torch, Optuna, SQLAlchemy, the driver, the
CLI), says it is ready and waits for the go file; then it forks one process per worker, and each
runs `vae_desktop.cli.main(argv)`, exactly what `python -m vae_desktop` runs after its imports,
with its own output files and data folder. Forking after the imports lets the workers reach the
empty database within milliseconds of each other, and saves every worker but one the seconds of
CPU the imports cost (which on two cores would make these tests slow).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # imported where used: conftest loads this module for every test run
    from optuna.trial import FrozenTrial

ROOT = Path(__file__).resolve().parents[1]
HEARTBEAT_S, GRACE_S = 1, 2
LR_RANGE = (1e-4, 1e-2)  # the one setting the workers vary (the CLI's default range)
# Tiny trials: one epoch on 200 images, scored on 100.
TINY = ["--epochs", "1", "--subset", "200", "--test-subset", "100", "--vary", "lr",
        "--hidden", "16", "--latent-dim", "2", "--no-prune",
        "--heartbeat", str(HEARTBEAT_S), "--grace", str(GRACE_S)]

_LAUNCHER = """
import json, os, sys, time, traceback
import optuna, sqlalchemy, torch, torch._dynamo
import vae_desktop.cli, vae_desktop.core.sweep
try:
    import psycopg
except ImportError:
    pass

def note(path, text):  # whole or not at all: the test polls for these files
    with open(path + ".part", "w") as f:
        f.write(text)
    os.replace(path + ".part", path)

folder, go, workers = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
note(os.path.join(folder, "ready"), "")
while not os.path.exists(go):
    time.sleep(0.001)
started = {}
for n, worker in enumerate(workers):
    pid = os.fork()
    if pid == 0:
        os.environ.update(worker["env"])
        if worker["hold"]:  # the first trial waits, running, until the test opens its gate
            import vae_desktop.core.sweep.run as run
            gate, made = os.path.join(folder, f"gate-{n}"), run.new_model
            def held(*args, **kwargs):
                while not os.path.exists(gate):
                    time.sleep(0.01)
                return made(*args, **kwargs)
            run.new_model = held
        for fd, name in ((1, "out"), (2, "err")):
            os.dup2(os.open(os.path.join(folder, f"{name}-{n}"),
                            os.O_WRONLY | os.O_CREAT | os.O_TRUNC), fd)
        try:
            code = vae_desktop.cli.main(worker["argv"])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:
            traceback.print_exc()
            code = 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    started[pid] = n
    note(os.path.join(folder, f"pid-{n}"), str(pid))
while started:
    pid, status = os.wait()
    note(os.path.join(folder, f"rc-{started.pop(pid)}"), str(os.waitstatus_to_exitcode(status)))
os._exit(0)  # no interpreter teardown: seconds of CPU with torch loaded
"""


def _wait_file(path: Path, what: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)
    return path.read_text()


@dataclass
class Worker:
    folder: Path
    n: int
    out: str = ""
    err: str = ""

    @property
    def pid(self) -> int:
        return int(_wait_file(self.folder / f"pid-{self.n}", f"worker {self.n} to start", 60))

    def done(self) -> bool:
        return (self.folder / f"rc-{self.n}").exists()

    def finish(self, timeout: float = 180) -> int:
        """Wait for the worker to end; its exit status (-9 when killed). Sets out and err."""
        code = int(_wait_file(self.folder / f"rc-{self.n}", f"worker {self.n} to end", timeout))
        self.out = (self.folder / f"out-{self.n}").read_text()
        self.err = (self.folder / f"err-{self.n}").read_text()
        return code

    def open_gate(self) -> None:
        """Let a worker added with hold=True go on with its trials."""
        (self.folder / f"gate-{self.n}").touch()

    def signal(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def kill(self) -> None:
        self.signal(signal.SIGKILL)  # no handler, no clean-up, as when a machine dies
        self.finish()


class Launch:
    """Workers that start at one instant: add them, then `release()` lets all go."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.workers: list[Worker] = []
        self._specs: list[dict] = []
        self._launcher: subprocess.Popen | None = None

    def add(self, url: str, study: str, trials: int, seed: int, *extra: str,
            hold: bool = False) -> Worker:
        """A worker; with hold, its first trial stays running (its settings chosen and stored,
        its training not begun) until `open_gate()`: however fast the machine, a watcher sees it
        running."""
        n = len(self.workers)
        self._specs.append({
            "argv": ["sweep", "--storage", url, "--study", study, "--trials", str(trials),
                     "--seed", str(seed), *TINY, *extra],
            "env": {"VAE_DESKTOP_DATA_DIR": str(self.folder / f"data-{n}")}, "hold": hold})
        self.workers.append(Worker(self.folder, n))
        return self.workers[-1]

    def release(self, timeout: float = 120) -> None:
        go = self.folder / "go"
        self._launcher = subprocess.Popen(
            [sys.executable, "-c", _LAUNCHER, str(self.folder), str(go), json.dumps(self._specs)],
            cwd=ROOT, env={**os.environ, "OMP_NUM_THREADS": "1"}, text=True,
            stdout=subprocess.DEVNULL, stderr=(self.folder / "launcher.err").open("w"))
        deadline = time.monotonic() + timeout
        while not (self.folder / "ready").exists():
            if self._launcher.poll() is not None:
                raise AssertionError("the launcher failed: "
                                     + (self.folder / "launcher.err").read_text())
            if time.monotonic() > deadline:
                raise AssertionError("the launcher was not ready in time")
            time.sleep(0.02)
        go.touch()

    def close(self) -> None:
        """Kill whatever still runs (a test that failed half-way)."""
        for worker in self.workers:
            pid_file = self.folder / f"pid-{worker.n}"
            if pid_file.exists() and not worker.done():
                try:
                    os.kill(int(pid_file.read_text()), signal.SIGKILL)
                except ProcessLookupError:
                    pass
        if self._launcher is not None:
            try:
                self._launcher.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._launcher.kill()
                self._launcher.wait()


@pytest.fixture
def launch(tmp_path):
    """launch(name) -> a Launch in its own folder; whatever it started is ended after the test."""
    made: list[Launch] = []

    def make(name: str) -> Launch:
        made.append(Launch(tmp_path / name))
        return made[-1]

    yield make
    for each in made:
        each.close()


_storages: dict[str, object] = {}


def trials(url: str, study: str) -> list[FrozenTrial]:
    """The study's trials as they are now in the storage (read afresh, through one connection
    pool per URL)."""
    from vae_desktop.core.sweep import open_storage

    storage = _storages.get(url) or _storages.setdefault(url, open_storage(url))
    try:
        return storage.get_all_trials(storage.get_study_id_from_name(study), deepcopy=False)
    except KeyError:  # no such study yet
        return []


def trials_beside_frozen(url: str, study: str) -> list[FrozenTrial] | None:
    """trials(), read while a worker is frozen (SIGSTOP), or None if the frozen worker holds
    the storage's write lock. SQLite readers wait for a commit to finish, and a frozen worker's
    never does, so the read gives up after a second instead of the usual 30. A journal's lock
    is a file beside it (Optuna's symlink lock); killed holding it, the worker would leave it
    to stall every other writer for the lock's 30 s grace period."""
    from vae_desktop.core.sweep.storage import JOURNAL_SCHEME

    if url.startswith(JOURNAL_SCHEME):
        held = os.path.lexists(url[len(JOURNAL_SCHEME):] + ".lock")
        return None if held else trials(url, study)
    if not url.startswith("sqlite"):
        return trials(url, study)
    import optuna
    import sqlalchemy.exc

    key = f"frozen {url}"
    try:  # opening it reads the schema, which the lock can block too
        storage = _storages.get(key) or _storages.setdefault(key, optuna.storages.RDBStorage(
            url, engine_kwargs={"connect_args": {"timeout": 1.0}}))
        return storage.get_all_trials(storage.get_study_id_from_name(study), deepcopy=False)
    except (sqlalchemy.exc.OperationalError, optuna.exceptions.StorageInternalError):
        return None


def forget_storages() -> None:
    """Close the test's own connections (a database is about to go away)."""
    for storage in _storages.values():
        engine = getattr(storage, "engine", None)
        if engine is not None:
            engine.dispose()
    _storages.clear()


def wait_for(check, what: str, timeout: float = 120):
    """Poll `check()` until it returns something true; that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def tpe_suggestion(earlier: list[FrozenTrial], seed: int) -> float:
    """The lr the sweep's TPE sampler suggests next when it sees `earlier` (the sweep seeds it
    with run.sampler_seed of its seed and the number of trials the study had when the worker
    joined)."""
    import optuna

    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed, n_startup_trials=3))
    for trial in earlier:
        study.add_trial(trial)
    return study.ask().suggest_float("lr", *LR_RANGE, log=True)


def finished(items: list[FrozenTrial], state: str = "COMPLETE") -> list[int]:
    """The numbers of the trials in `state`."""
    return sorted(t.number for t in items if t.state.name == state)


@dataclass
class ForkedWorker:
    """A sweep worker forked from the test process (see `forked_worker`)."""

    pid: int
    reaped: bool = False

    def running(self) -> bool:
        """Whether it still runs (a zombie does not: it is reaped here)."""
        if not self.reaped and os.waitpid(self.pid, os.WNOHANG) != (0, 0):
            self.reaped = True
        return not self.reaped

    def kill(self, reap: bool = True) -> None:
        """SIGKILL, as `kill -9` does: no handler runs, no clean-up. Without `reap` the process
        stays a zombie (its parent has not waited for it yet), which is still a process id."""
        os.kill(self.pid, signal.SIGKILL)
        if reap:
            self.reap()
        else:  # SIGKILL is delivered, not done: wait until the process has died (a zombie)
            deadline = time.monotonic() + 30
            while _proc_state(self.pid) not in ("Z", "X", None):
                assert time.monotonic() < deadline, f"process {self.pid} did not die"
                time.sleep(0.01)

    def reap(self) -> None:
        if not self.reaped:
            os.waitpid(self.pid, 0)
            self.reaped = True


def forked_worker(spec, host: str | None = None) -> ForkedWorker:
    """A real sweep worker in a process of its own: this process forked, the child running
    `run_sweep(spec)` (the sweep's own code: its trials record their worker and send heartbeats).
    Forking saves the seconds a fresh interpreter spends importing torch. `host`: the machine
    name the child sees, to play a worker on another machine. The caller kills and reaps it."""
    import socket

    import torch

    from vae_desktop.core.sweep import run_sweep

    pid = os.fork()
    if pid == 0:  # the child: never back into pytest
        code = 1
        try:
            torch.set_num_threads(1)
            if host is not None:
                socket.gethostname = lambda: host
            run_sweep(spec)
            code = 0
        finally:
            os._exit(code)
    return ForkedWorker(pid)


def running_trial_of(url: str, study: str, worker: ForkedWorker) -> FrozenTrial:
    """The trial `worker` runs, once it has said it is its own (host and pid recorded), sampled
    its settings and sent its first heartbeat. Optuna reads a trial's params and its user
    attributes in separate SELECTs, each its own snapshot in SQLite, so one read can see the
    settings attribute but not yet the params sampled just before it: wait for both."""
    from vae_desktop.core.sweep import open_storage

    storage = _storages.get(url) or _storages.setdefault(url, open_storage(url))

    def found():
        if not worker.running():
            raise AssertionError("the forked worker ended before it ran a trial")
        mine = [t for t in trials(url, study)
                if t.state.name == "RUNNING" and t.user_attrs.get("pid") == worker.pid
                and "settings" in t.user_attrs and t.params]
        beating = storage.heartbeat_ages(storage.get_study_id_from_name(study)) if mine else {}
        return [t for t in mine if t._trial_id in beating]

    [trial] = wait_for(found, "the forked worker's trial", timeout=60)
    return trial


def _proc_state(pid: int) -> str | None:
    """The process's state letter from /proc (R, S, D, Z…), None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[0]
