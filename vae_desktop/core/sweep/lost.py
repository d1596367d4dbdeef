"""Trials whose worker is gone: a worker killed (kill -9, a crash, a machine that died) leaves its
trial RUNNING in the storage, and only a reader can tell it is not.

Each trial notes its worker when it starts (`this_worker`, a user attribute beside the host and
pid the table shows): the process's start time on this boot, so that another process given the
same id later is not taken for it, and the heartbeat settings and retries it ran with. A trial is
lost (`lost_reason`) when its worker ran on this machine and that process is gone, which is seen
at once, or when its heartbeat has been silent for longer than its grace period, the only sign
from a worker on another machine. records.fail_lost_trials then records it failed, as Optuna's
heartbeat does.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

from optuna.trial import FrozenTrial

from .spec import GRACE_S

WORKER_ATTR = "worker"  # the trial's user attribute noting its worker (this_worker)
LOST_ATTR = "lost"  # ... and, on a trial recorded failed because its worker is gone, why


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text()
    except OSError:
        return None


def _pid_namespace() -> str | None:
    """The process-id namespace of this process (a container has its own), where there is one."""
    try:
        return os.readlink("/proc/self/ns/pid")
    except OSError:
        return None


def _process(pid: int) -> tuple[str, str] | None:
    """(state, start) of a process from /proc: its state letter (Z: a zombie, dead but not yet
    waited for) and when it started on this boot; None where /proc cannot tell."""
    stat, boot = _read(f"/proc/{pid}/stat"), _read("/proc/sys/kernel/random/boot_id")
    if stat is None or boot is None:
        return None
    fields = stat.rsplit(")", 1)[-1].split()  # after the name, which may hold spaces
    if len(fields) < 20:
        return None
    return fields[0], f"{boot.strip()}:{fields[19]}"


def this_worker(trial: int, heartbeat_s: int, grace_s: int, retry_failed: int) -> dict[str, Any]:
    """What a trial notes about the process that runs it (JSON: a user attribute). `trial` is
    its number: a trial queued again copies the user attributes of the one it retries, and must
    not be judged by that one's dead worker before its own has noted itself."""
    process = _process(os.getpid())
    return {"trial": trial, "process": process[1] if process else None,
            "pid_namespace": _pid_namespace(), "heartbeat_s": heartbeat_s, "grace_s": grace_s,
            "retry_failed": retry_failed}


def worker_of(trial: FrozenTrial) -> dict[str, Any]:
    """The trial's note of its own worker ({} when it has none: made before workers noted
    themselves, or a retry whose worker has not started)."""
    worker = trial.user_attrs.get(WORKER_ATTR)
    if isinstance(worker, dict) and worker.get("trial") == trial.number:
        return worker
    return {}


def grace_of(trial: FrozenTrial) -> int:
    """How long the trial's worker may be silent: the grace period it ran with."""
    grace = worker_of(trial).get("grace_s")
    return grace if isinstance(grace, int) and grace > 0 else GRACE_S


def retries_of(trial: FrozenTrial) -> int:
    """How many times the trial's worker asked for a trial of a dead worker to be run again."""
    retries = worker_of(trial).get("retry_failed")
    return retries if isinstance(retries, int) and retries > 0 else 0


def process_gone(host: str, pid: Any, worker: dict[str, Any]) -> bool:
    """Whether the worker `pid` on `host` is certainly gone: it ran on this machine (the same
    name, and the same process-id namespace where it noted one) and no process has that id now,
    or only a zombie, or one that started at another time (the id was given to another process).
    False when it may be alive, or cannot be looked at from here (another machine; Windows, where
    looking is not harmless)."""
    if os.name != "posix" or not isinstance(pid, int) or pid <= 0 or not worker:
        return False
    if host != socket.gethostname() or worker.get("pid_namespace") != _pid_namespace():
        return False
    try:
        os.kill(pid, 0)  # signal 0: nothing is sent, only whether the process exists
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # it exists, as another user's process
    except OSError:
        return False
    process = _process(pid)
    if process is None:  # no /proc (macOS): a process has that id; its heartbeat tells the rest
        return False
    state, started = process
    return state in ("Z", "X") or (worker.get("process") is not None
                                   and started != worker["process"])


def lost_reason(trial: FrozenTrial, heartbeat_age_s: float | None) -> str:
    """Why a RUNNING trial is lost ("" when it is not, or may not be): its worker's process is
    gone, or its heartbeat has been silent past the trial's grace period (`heartbeat_age_s`:
    seconds since its last one, None when it has sent none)."""
    host, pid = str(trial.user_attrs.get("host", "")), trial.user_attrs.get("pid")
    worker = worker_of(trial)
    if process_gone(host, pid, worker):
        return f"its worker stopped (process {pid} on {host} is gone)"
    grace = grace_of(trial)
    if heartbeat_age_s is not None and heartbeat_age_s > grace:
        who = f"process {pid} on {host} sent " if host and pid is not None else ""
        return (f"its worker stopped: {who}no heartbeat for {heartbeat_age_s:.0f} s (the grace "
                f"period is {grace} s)")
    return ""
