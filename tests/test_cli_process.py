"""The command as a process: Ctrl+C before any work (torch still importing) and a closed stdout
(`vae-desktop eval m.pt | head -1`) end quietly, without a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from vae_desktop import cli
from vae_desktop.core import checkpoint
from vae_desktop.core.paths import bundled_models_dir

MODEL = str(bundled_models_dir() / "mnist-vae-z2.pt")


def test_ctrl_c_anywhere_in_a_command_is_one_line_and_status_130(monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(checkpoint, "load", interrupted)
    assert cli.main(["eval", MODEL]) == 130
    assert capsys.readouterr().err == "vae-desktop: interrupted\n"


def test_ctrl_c_while_torch_imports_exits_130_without_a_traceback(tmp_path):
    proc = subprocess.Popen([sys.executable, "-X", "importtime", "-m", "vae_desktop", "eval", MODEL],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=tmp_path, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    for line in proc.stderr:  # one line per module imported, as each import ends
        if "torch" in line:  # torch's own modules: `import torch` is under way
            proc.send_signal(signal.SIGINT)
            break
    out, err = proc.communicate(timeout=60)
    lines = [line for line in err.splitlines() if not line.startswith("import time:")]
    assert proc.returncode == 130, err[-2000:]
    assert lines == ["vae-desktop: interrupted"] and out == ""


def test_a_closed_stdout_ends_quietly(tmp_path):
    read, write = os.pipe()
    os.close(read)  # the reader (`head -1`) has gone
    try:
        done = subprocess.run([sys.executable, "-m", "vae_desktop", "eval", MODEL, "--test-size",
                               "100"], stdout=write, stderr=subprocess.PIPE, text=True,
                              cwd=tmp_path, timeout=120)
    finally:
        os.close(write)
    assert done.stderr == "" and done.returncode == 1
