"""A paused job sleeps until it is resumed, stopped or asked for a step: it does not wake to
look. Before, the trainer's thread checked the pause every 20 ms, 50 wakeups a second for as
long as a run stayed paused (a run left paused over lunch kept a core from sleeping)."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pytest

from vae_desktop.core.jobs import JobControl
from vae_desktop.core.train_control import TrainControl

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def switches(native_id: int) -> int:
    """How often the thread was switched out (each wakeup of a sleeping thread is one)."""
    status = Path(f"/proc/self/task/{native_id}/status").read_text()
    return sum(int(line.split()[1]) for line in status.splitlines()
               if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")))


def waiting(wait) -> tuple[threading.Thread, dict]:
    """`wait()` in a thread of its own; the dict gets its native id and what it returned."""
    found: dict = {}

    def run() -> None:
        found["id"] = threading.get_native_id()
        found["result"] = wait()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    while "id" not in found:
        time.sleep(0.001)
    return thread, found


@pytest.mark.parametrize("end", ["resume", "stop"])
def test_a_paused_job_sleeps_until_it_is_resumed_or_stopped(end):
    control = JobControl()
    control.pause()
    thread, found = waiting(control.wait_while_paused)
    time.sleep(0.1)  # asleep
    before = switches(found["id"])
    time.sleep(0.6)
    woken = switches(found["id"]) - before
    getattr(control, end)()
    thread.join(2.0)
    assert not thread.is_alive() and found["result"] is True
    assert woken <= 2, f"woke {woken} times in 0.6 s while paused"


def test_a_paused_run_wakes_for_a_single_step_and_for_resume():
    control = TrainControl()
    control.pause()
    thread, found = waiting(control.wait_for_batch)
    time.sleep(0.1)
    before = switches(found["id"])
    time.sleep(0.6)
    woken = switches(found["id"]) - before
    assert control.request_step()
    thread.join(2.0)
    assert not thread.is_alive() and found["result"] == (True, True)
    assert woken <= 2, f"woke {woken} times in 0.6 s while paused"
    thread, found = waiting(control.wait_for_batch)  # paused again after the step
    control.resume()
    thread.join(2.0)
    assert not thread.is_alive() and found["result"] == (True, False)
