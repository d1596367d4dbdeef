"""The seeded click-through of every control (tests/monkey.py), on five seeds (issue 18).

The seeds run one after another in one process of their own (each a new main window, as after a
restart), so an abort fails this test instead of killing pytest, and torch's and Qt's imports are
paid once. That process gets this one's torch threads (one each when the suite runs in two
processes, tests/conftest.py): the jobs it starts compute until the window closes, and on two
threads they took 50 s of CPU where one took 39 s, on the same seeds (2026-12-06). The process
must end with status 0, every seed must finish, and nothing may print a Python traceback or a Qt
warning about threads."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import torch

from vae_desktop.core.device import accelerator_present

ROOT = Path(__file__).resolve().parents[1]
SEEDS = (1, 2, 3, 4, 5)


def test_clicking_everything_then_closing_mid_work_ends_cleanly(tmp_path):
    env = {**os.environ, "VAE_DESKTOP_DATA_DIR": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "HOME": str(tmp_path),
           "QT_QPA_PLATFORM": "offscreen", "OMP_NUM_THREADS": str(torch.get_num_threads())}
    result = subprocess.run([sys.executable, str(ROOT / "tests" / "monkey.py"), *map(str, SEEDS)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=230)
    out, err = result.stdout, result.stderr
    assert result.returncode == 0, f"exit {result.returncode}\n{out[-2000:]}\n{err[-4000:]}"
    assert "Traceback" not in err, err[-4000:]
    qt = [line for line in err.splitlines() if line.startswith("QT: ")]
    assert not [line for line in qt if "thread" in line.lower()], qt
    for seed in SEEDS:
        assert f"MONKEY OK {seed}" in out, out[-2000:] + err[-4000:]
    closing = [line for line in out.splitlines() if "; closing with [" in line]
    assert len(closing) == len(SEEDS) and not any("closing with []" in line for line in closing)
    # Every job the clicks started trained on the CPU without torch._dynamo (core.optim_guards).
    dynamo = [line for line in out.splitlines() if "torch._dynamo imported:" in line]
    assert len(dynamo) == len(SEEDS)
    if not accelerator_present():
        assert not any(line.endswith("True") for line in dynamo), dynamo
