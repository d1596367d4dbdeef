"""The `vae-desktop` command: no arguments opens the GUI; subcommands drive the same core.

This is the dispatcher: it parses the arguments (parser), runs the command's function and turns
what a user can mend into one line and exit status 2. Each command is a module of its own
(train, evaluate, sample, anomaly, sweep; desktop_entry has install-desktop and
uninstall-desktop); checks holds the checks made before any work, shared what the commands
share. Nothing is imported here that imports torch: `--help` and a wrong argument answer at
once, and each command imports what it needs when it runs."""

from __future__ import annotations

import os
import sys

from vae_desktop import desktop_entry
from vae_desktop.cli.anomaly import cmd_anomaly
from vae_desktop.cli.evaluate import cmd_eval
from vae_desktop.cli.parser import build_parser, options_before_command
from vae_desktop.cli.sample import cmd_sample
from vae_desktop.cli.shared import UsageError
from vae_desktop.cli.sweep import cmd_sweep
from vae_desktop.cli.train import cmd_train

__all__ = ["COMMANDS", "UsageError", "build_parser", "main"]

COMMANDS = {"train": cmd_train, "eval": cmd_eval, "sample": cmd_sample, "anomaly": cmd_anomaly,
            "sweep": cmd_sweep, **desktop_entry.COMMANDS}


def main(argv: list[str] | None = None) -> int:
    """Run a command (no arguments: the GUI) and return its exit status. Ctrl+C before a command
    has a handler of its own (torch still importing, say) is one line and status 130; a closed
    stdout (`vae-desktop eval m.pt | head -1`) ends quietly, as the Python docs' note on SIGPIPE
    advises."""
    try:
        code = _main(sys.argv[1:] if argv is None else argv, own_process=argv is None)
        sys.stdout.flush()  # a reader that has gone shows here, not in the interpreter's exit
        return code
    except KeyboardInterrupt:
        print("vae-desktop: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _stdout_to_devnull()
        return 1
    finally:
        if argv is None:  # the process's own command line: only its exit comes after
            from vae_desktop.core.collector import freeze_for_exit

            freeze_for_exit()


def _stdout_to_devnull() -> None:
    """What is left in stdout's buffer goes nowhere at exit, instead of failing again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # stdout is no file (a test's capture)
        pass


def _main(argv: list[str], own_process: bool = False) -> int:
    if own_process:  # before torch's first tensor, and before any thread has an arena
        from vae_desktop.core.heap import keep_freed_memory

        keep_freed_memory()
    if not argv:
        from vae_desktop.gui.app import run_app

        return run_app()
    try:
        if argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version"):
            # argparse would take the option's value for the command ("invalid choice: '3'").
            raise UsageError(options_before_command(argv))
        args = build_parser().parse_args(argv)
        if args.command is None:
            raise UsageError(f"choose a command ({', '.join(COMMANDS)}) or none for the GUI")
        if own_process and args.command not in desktop_entry.COMMANDS:  # a command on torch
            from vae_desktop.core.collector import import_quietly

            import_quietly("torch", "vae_desktop.core.training")
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"vae-desktop: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        raise
    except Exception as exc:  # noqa: BLE001 - known user-facing errors become one line
        from vae_desktop.core.checkpoint import CheckpointError
        from vae_desktop.core.data import DataError
        from vae_desktop.core.device import DeviceError

        if isinstance(exc, (CheckpointError, DataError, DeviceError, ValueError, OSError)):
            print(f"vae-desktop: error: {exc}", file=sys.stderr)
            return 2
        raise


