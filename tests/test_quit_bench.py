"""bench/quit_latency.py runs: its window answers the app's own quit question, so it breaks
when that question's method changes (its override went stale once, and the bench's child died
with a TypeError instead of quitting). Its one line of figures is checked, not its time."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_the_quit_bench_answers_the_question_and_times_the_end():
    done = subprocess.run([sys.executable, str(REPO / "bench" / "quit_latency.py"), "--runs", "1",
                           "--steps", "1"], capture_output=True, text=True, timeout=180,
                          cwd=REPO)
    assert done.returncode == 0, done.stderr[-3000:]
    assert re.search(r"^run 1: answer -> process end \d+ ms$", done.stdout, re.M), done.stdout
    assert re.search(r"^mlp: median \d+ ms, max \d+ ms", done.stdout, re.M), done.stdout
