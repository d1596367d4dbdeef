"""Workers when the app closes (issue 18): every job is asked to end as soon as it can, no new
job starts, and a job's user-facing error is a message, not a traceback on stderr."""

from __future__ import annotations

import time

from vae_desktop.core.jobs import JobControl
from vae_desktop.core.sweep import SweepControl, SweepError


def waiting(control):
    while not control.checkpoint():
        yield None
        time.sleep(0.005)
    return "ended"


def test_close_aborts_every_job_and_refuses_new_ones(workers, qtbot):
    sweep, plain = SweepControl(), JobControl()
    jobs = [workers.start("sweep", waiting, sweep.batches, control=sweep),
            workers.start("plain", waiting, plain, control=plain)]
    workers.close()
    assert sweep.abort_requested and plain.stop_requested  # a sweep within its batch
    assert all(job.wait(5) for job in jobs)
    called = []
    late = workers.start("late", waiting, JobControl(), on_finished=lambda: called.append(1))
    assert not late.running and late.wait(0) and late not in workers.jobs
    qtbot.wait(50)
    assert called == []  # never run, so nothing reports


def test_a_users_error_is_reported_without_a_traceback_and_a_bug_with_one(workers, qtbot, capfd):
    def failing(exc):
        yield None
        raise exc

    messages, printed = [], []
    for exc in (SweepError("no study named 'x'"), KeyError("bug")):
        done = []
        workers.start("failing", failing, exc, on_error=messages.append,
                      on_finished=lambda d=done: d.append(1))
        qtbot.waitUntil(lambda d=done: bool(d), timeout=10_000)
        printed.append(capfd.readouterr().err)
    assert messages == ["no study named 'x'", "'bug'"]
    assert "Traceback" not in printed[0]
    assert "Traceback" in printed[1] and "KeyError: 'bug'" in printed[1]
