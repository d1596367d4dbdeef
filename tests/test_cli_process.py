"""The command as a process: Ctrl+C before any work (torch still importing) and a closed stdout
(`vae-desktop eval m.pt | head -1`) end quietly, without a traceback."""

from __future__ import annotations

import os
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


# Ctrl+C as Python delivers it (a KeyboardInterrupt in the main thread) in the middle of
# `import torch`. Raised by an import hook, not by a signal sent when torch's first module shows
# in -X importtime's output: that raced with torch's import, and about one run in twenty the
# interrupt landed where something in the import swallowed it, and the command ran to the end.
INTERRUPT_IN_TORCH_IMPORT = """
import runpy, sys
class InterruptTorchImport:
    def find_spec(self, name, path=None, target=None):
        if name == "torch._utils":  # early in `import torch`
            raise KeyboardInterrupt
sys.meta_path.insert(0, InterruptTorchImport())
sys.argv = ["vae-desktop", *sys.argv[1:]]
runpy.run_module("vae_desktop", run_name="__main__")
"""


def test_ctrl_c_while_torch_imports_exits_130_without_a_traceback(tmp_path):
    done = subprocess.run([sys.executable, "-c", INTERRUPT_IN_TORCH_IMPORT, "eval", MODEL],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 130, done.stderr[-2000:]
    assert done.stderr.splitlines() == ["vae-desktop: interrupted"] and done.stdout == ""


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
