"""`vae-desktop sweep`: a hyperparameter sweep with Optuna, one line per trial, the best trial
and the `vae-desktop train` command that trains it longer. Several processes or machines can
add trials to one study; the first Ctrl+C finishes the epoch, the second stops at once."""

from __future__ import annotations

import argparse
import signal
import sys
from typing import TYPE_CHECKING

from vae_desktop.cli.shared import UsageError, check_needs
from vae_desktop.core.settings import MODEL_SETTINGS, SETTINGS, TRAIN_SETTINGS
from vae_desktop.core.wording import count

if TYPE_CHECKING:  # imported where used: the CLI starts without torch
    from vae_desktop.core.sweep import SweepSpec


def cmd_sweep(args: argparse.Namespace) -> int:
    import threading

    import optuna

    from vae_desktop.core import memory, sweep
    from vae_desktop.core.collector import frozen_during
    from vae_desktop.core.threads import flush_subnormals

    flush_subnormals()  # the trials' threads start from this one: see core.threads
    if args.holdout is not None and args.objective != "auroc":
        # SweepSpec trains every digit for the test loss, whatever its holdout says.
        raise UsageError("--holdout goes with --objective auroc: the test-loss objective trains on "
                         "every digit. Add --objective auroc, or leave --holdout out.")
    optuna.logging.set_verbosity(optuna.logging.ERROR)  # one line per trial comes from here
    texts = {"latent_dim": args.latent_dim, "hidden": args.hidden, "lr": args.lr,
             "batch_size": args.batch_size, "beta": args.beta, "arch": args.arch}
    holdout = {} if args.holdout is None else {"holdout": args.holdout}  # else SweepSpec's
    spec = sweep.SweepSpec(
        **sweep.spec_settings_from_text(args.vary, texts), conditional=args.conditional,
        trials=args.trials, epochs=args.epochs, train_size=args.train_size or None,
        test_size=args.test_size or None, objective=args.objective, **holdout,
        storage=args.storage, study=args.study, seed=args.seed, device=args.device,
        prune=not args.no_prune, heartbeat_s=args.heartbeat, grace_s=args.grace,
        retry_failed=args.retry_failed)
    check_needs(memory.sweep_needs(spec))
    stop, abort = threading.Event(), threading.Event()
    previous = signal.getsignal(signal.SIGINT)

    def on_sigint(signum, frame):  # first Ctrl+C: finish the epoch; second: stop at once
        if stop.is_set():
            abort.set()
            signal.signal(signal.SIGINT, previous)
        else:
            stop.set()
            print("stopping after this epoch (Ctrl+C again to stop now)", file=sys.stderr)

    def on_event(event: dict) -> None:
        kind = event["kind"]
        if kind == "sweep_started":
            print(f"study {event['study']} in {event['storage']}: "
                  f"{count(event['existing_trials'], 'trial')} so far; adding {event['trials']} "
                  f"({event['direction']} {event['objective']}, "
                  f"{count(event['epochs'], 'epoch')} each)", flush=True)
            if event["existing_trials"]:
                _note_budget_differences(spec)
        elif kind == "trial_finished":
            value = ""
            if event["value"] is not None:
                value = f"{args.objective} {sweep.objective_text(args.objective, event['value'])}  "
            elif event["intermediate"]:  # pruned or stopped: its last epoch
                last = max(event["intermediate"])
                value = (f"{args.objective} "
                         f"{sweep.objective_text(args.objective, event['intermediate'][last])} "
                         f"at epoch {last}  ")
            params = ", ".join(f"{k}={_fmt(v)}" for k, v in event["params"].items())
            print(f"trial {event['number']:>3} {_trial_label(event):<9} {value}{params}  "
                  f"({event['duration_s'] or 0:.1f}s){'  ' + event['note'] if event['note'] else ''}",
                  flush=True)

    signal.signal(signal.SIGINT, on_sigint)
    try:
        with frozen_during():  # what exists now lives through the sweep: core.collector
            result = sweep.run_sweep(spec, on_event, stop_flag=stop, abort_flag=abort)
    finally:
        signal.signal(signal.SIGINT, previous)
    best = result.best
    if best is None:
        print("no trial has completed yet")
    else:
        print(f"best: trial {best.number}, {result.objective} "
              f"{sweep.objective_text(result.objective, best.value)} "
              f"({', '.join(f'{k}={_fmt(v)}' for k, v in best.params.items())})")
        if best.checkpoint:
            print(f"  checkpoint: {best.checkpoint}")
        print(f"  train it longer: {_train_command(best.settings, spec)}")
    return 130 if stop.is_set() else 0


LONGER_EPOCHS = 30  # what "train it longer" suggests


def _note_budget_differences(spec: SweepSpec) -> None:
    """Say, without refusing (the workers of one study may differ on purpose), when the study's
    trials were trained or scored on another budget than the ones this run adds."""
    from vae_desktop.core import sweep

    study = sweep.load_trials(spec.storage, spec.study)
    # The study's own record of its budget stands for what older trials did not note.
    differences = sweep.budget_differences(study.trials, spec, study.budget)
    if differences:
        print(f"vae-desktop: note: study {spec.study}'s trials used {'; '.join(differences)}: "
              "their values do not compare with the trials this run adds", file=sys.stderr)


def _train_command(settings: dict, spec: SweepSpec) -> str:
    """`vae-desktop train` with a trial's settings, each one that is not the default, its digits
    when it was trained without one, and more epochs: run for the trial's epochs, it trains the
    trial's model again (a float is given whole: its seed and learning rate make the model)."""
    words = ["vae-desktop", "train"]
    for name in (*MODEL_SETTINGS, *TRAIN_SETTINGS):
        value, setting = settings.get(name), SETTINGS[name]
        if name == "epochs" or value is None or value == setting.default:
            continue
        words += [setting.flag] if setting.kind is bool else [setting.flag, repr(value)
                                                               if isinstance(value, float)
                                                               else str(value)]
    if spec.objective == "auroc":
        words += ["--digits", ",".join(str(d) for d in range(10) if d != spec.holdout)]
    return " ".join([*words, "--epochs", str(LONGER_EPOCHS)])


def _fmt(value) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def _trial_label(event: dict) -> str:
    return "stopped" if event.get("stopped") else event["state"].lower()
