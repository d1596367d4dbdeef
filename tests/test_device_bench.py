"""bench/device_throughput.py times the epochs after a run's first (on CUDA, not the last
either), so a run too short to leave one would print medians of nothing: it refuses such a run
before it loads any data, and says why."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _bench(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "bench" / "device_throughput.py"),
                           *arguments], capture_output=True, text=True, timeout=120, cwd=REPO)


def test_a_cpu_run_of_one_epoch_is_refused_with_the_reason():
    done = _bench("--device", "cpu", "--epochs", "1", "--arch", "mlp", "--precision", "fp32")
    assert done.returncode == 2, done.stdout[-2000:] + done.stderr[-2000:]
    assert "--epochs must be at least 2 on cpu: the first is not timed" in done.stderr
    assert done.stdout == ""  # refused before any figure
