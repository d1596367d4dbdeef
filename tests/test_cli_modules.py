"""The command line is a package of modules that each read in one sitting (one per command or
concept: the dispatcher, the parser, the checks before any work, what the commands share, and
one module per command), and it still starts without torch: `--help`, `--version` and a wrong
argument answer before torch, numpy or Optuna is imported (`import torch` alone takes seconds)."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import subprocess
import sys

import pytest

import vae_desktop.cli

_PROBE = """
import contextlib, io, json, sys
from vae_desktop.cli import main
out, err = io.StringIO(), io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    try:
        code = main(sys.argv[1:])
    except SystemExit as exc:  # --help and --version exit from argparse
        code = exc.code
print(json.dumps({"code": code, "out": out.getvalue(), "err": err.getvalue(),
                  "heavy": sorted({m.split(".")[0] for m in sys.modules}
                                  & {"torch", "numpy", "optuna", "torchvision", "tqdm"})}))
"""


def cli_modules() -> list[str]:
    """The package's modules but __main__ (`python -m vae_desktop.cli`: it runs the command)."""
    return sorted(info.name for info in pkgutil.iter_modules(vae_desktop.cli.__path__,
                                                             "vae_desktop.cli.")
                  if info.name != "vae_desktop.cli.__main__")


def test_each_command_line_module_reads_in_one_sitting():
    names = ["vae_desktop.cli", *cli_modules()]
    assert len(names) >= 6, names  # the dispatcher, the parser, the checks and the commands
    for name in names:
        module = importlib.import_module(name)
        assert module.__doc__ and module.__doc__.strip(), f"{name} says not what it is"
        lines = len(inspect.getsource(module).splitlines())
        assert lines <= 350, f"{name} has {lines} lines"


@pytest.mark.parametrize("argv, code, said", [
    (["--help"], 0, "Bundled models, which eval, sample and train --resume take by name"),
    (["sweep", "--help"], 0, "Optuna database URL"),
    (["--version"], 0, "vae-desktop "),
    (["train", "--epochs", "0"], 2, "vae-desktop: error: argument --epochs: epochs must be"),
    (["--latent-dim", "3"], 2, "the command comes first, as in vae-desktop train --latent-dim 3"),
])
def test_help_and_argument_errors_import_no_torch(argv, code, said):
    done = subprocess.run([sys.executable, "-c", _PROBE, *argv], capture_output=True, text=True,
                          timeout=60, check=True)
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["code"] == code
    assert said in result["out"] + result["err"]
    assert result["heavy"] == [], f"{argv} imported {result['heavy']}"


def test_options_before_the_command_are_answered_from_the_parser_alone():
    """What to say to options before the command needs only the words given: the commands, and
    the order the answer lists them in, are the parser's (they were passed in as well)."""
    from vae_desktop.cli.parser import options_before_command

    commands = "train, eval, sample, anomaly, sweep, install-desktop, uninstall-desktop"
    assert options_before_command(["--iwae", "50", "eval", "m.pt"]) == (
        f"the command comes first, as in vae-desktop eval --iwae 50 m.pt (commands: {commands})")
    assert options_before_command(["--seed", "3"]) == (
        f"the command comes first, as in vae-desktop train --seed 3 (commands: {commands})")
    assert options_before_command(["--storage", "x", "train"]) == (
        "--storage is not an option of train: the command comes first, then its options "
        "(vae-desktop train --help lists them).")
    assert options_before_command(["--nothing-has-this"]) == (
        "--nothing-has-this is not an option of any command: the command comes first, then its "
        f"options (commands: {commands}; vae-desktop COMMAND --help lists its options).")
