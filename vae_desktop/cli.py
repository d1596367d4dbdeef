"""The `vae-desktop` command: no arguments opens the GUI; subcommands drive the same core.
The arguments are built and checked in cli_args."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from vae_desktop import desktop_entry
from vae_desktop.cli_args import (
    UsageError,
    build_parser,
    cannot_write,
    check_data_dir,
    check_model_path,
    check_output,
    model_path,
)
from vae_desktop.core.settings import MODEL_SETTINGS, SETTINGS, TRAIN_SETTINGS
from vae_desktop.core.wording import a_digit, count, digits_phrase, ordinal

if TYPE_CHECKING:  # imported where used: the CLI starts without torch
    from vae_desktop.core.sweep import SweepSpec

__all__ = ["COMMANDS", "UsageError", "build_parser", "main"]


def main(argv: list[str] | None = None) -> int:
    """Run a command (no arguments: the GUI) and return its exit status. Ctrl+C before a command
    has a handler of its own (torch still importing, say) is one line and status 130; a closed
    stdout (`vae-desktop eval m.pt | head -1`) ends quietly, as the Python docs' note on SIGPIPE
    advises."""
    try:
        code = _main(sys.argv[1:] if argv is None else argv)
        sys.stdout.flush()  # a reader that has gone shows here, not in the interpreter's exit
        return code
    except KeyboardInterrupt:
        print("vae-desktop: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _stdout_to_devnull()
        return 1


def _stdout_to_devnull() -> None:
    """What is left in stdout's buffer goes nowhere at exit, instead of failing again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # stdout is no file (a test's capture)
        pass


def _main(argv: list[str]) -> int:
    if not argv:
        from vae_desktop.gui.app import run_app

        return run_app()
    try:
        if argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version"):
            # argparse would take the option's value for the command ("invalid choice: '3'").
            raise UsageError(_command_first(argv))
        args = build_parser().parse_args(argv)
        if args.command is None:
            raise UsageError(f"choose a command ({', '.join(COMMANDS)}) or none for the GUI")
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


def _command_first(argv: list[str]) -> str:
    """What to say to options given before the command: the same words with the command first,
    where one command has all those options (the one named, else train, else the first), or
    which option no command (or not the one named) has."""
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    options = [word.split("=", 1)[0] for word in argv if word.startswith("-") and word != "-"]

    def has(command: str, option: str) -> bool:  # argparse takes an option's unique start too
        return any(known.startswith(option) for known in sub.choices[command]._option_string_actions)

    named = [word for word in argv if word in COMMANDS][:1]
    if named:
        lacking = [option for option in options if not has(named[0], option)]
        if lacking:
            return (f"{lacking[0]} is not an option of {named[0]}: the command comes first, then "
                    f"its options (vae-desktop {named[0]} --help lists them).")
        candidates = named
    else:
        candidates = [c for c in COMMANDS if all(has(c, option) for option in options)]
        candidates.sort(key=lambda c: c != "train")
    commands = ", ".join(COMMANDS)
    if not candidates:
        unknown = [o for o in options if not any(has(c, o) for c in COMMANDS)] or options
        return (f"{unknown[0]} is not an option of any command: the command comes first, then "
                f"its options (commands: {commands}; vae-desktop COMMAND --help lists its "
                "options).")
    rest = [word for word in argv if word != candidates[0]]
    return (f"the command comes first, as in vae-desktop {candidates[0]} {' '.join(rest)} "
            f"(commands: {commands})")


def _kept(out: Path) -> str:
    return f" ({out} is as it was)" if out.exists() else ""


def _load_checkpoint(path: str, device: str = "cpu"):
    from vae_desktop.core.checkpoint import load

    return load(path, device=device)


def _bar_off(quiet: bool) -> bool | None:
    """tqdm's `disable`: off with --quiet; None (off where stderr is no terminal) otherwise, so
    that `2> log.txt` gets no carriage-return redraws."""
    return True if quiet else None


def _save(flag: str, path, write) -> None:
    """`write()`, which writes `path`; an OSError becomes one line naming the flag and the
    path as typed (not the hidden temporary file)."""
    try:
        write()
    except OSError as exc:
        raise cannot_write(flag, path, exc) from None


def cmd_train(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from vae_desktop.core import checkpoint, memory, settings
    from vae_desktop.core.data import load_split
    from vae_desktop.core.training import (
        EndEvent,
        EpochEvent,
        StepEvent,
        TrainConfig,
        Trainer,
        new_model,
    )

    # Resuming saves back to the resumed file unless --out names another (a bundled model is
    # refused: it is never saved over).
    typed = args.resume
    if args.resume:
        args.resume = model_path(args.resume)
        check_model_path(args.resume, typed)
    out = Path(args.out or args.resume or "model.pt")
    out_flag = "--resume" if args.resume and not args.out else "--out"
    check_output(out_flag, out, shown=typed if out_flag == "--resume" else None)
    if args.movie:
        if Path(args.movie).suffix.lower() != ".gif":
            raise UsageError(f"--movie must end in .gif (got {args.movie!r})")
        check_output("--movie", args.movie)
    values, ckpt = _train_settings(args)
    check_data_dir(args.data_dir, args.dataset)
    tcfg = TrainConfig(epochs=values["epochs"], lr=values["lr"], batch_size=values["batch_size"],
                       seed=values["seed"], device=args.device, beta_warmup=values["beta_warmup"],
                       precision=values["precision"])
    history: list[dict] = []
    opt_state = None
    if ckpt is not None:
        model, history, opt_state = ckpt.model, list(ckpt.history), ckpt.optimizer_state
        if values["beta"] != model.config.beta:  # given again: as a change of beta by hand
            model.config = dataclasses.replace(model.config, beta=values["beta"])
    else:
        model = new_model(values["seed"], **settings.model_kwargs(values))
    data_kw = {"dataset": args.dataset, "data_dir": args.data_dir}
    train = load_split("train", digits=args.digits, size=values["train_size"] or None, **data_kw)
    test = load_split("test", size=args.test_size, **data_kw)
    _check_needs(memory.training_needs(
        {**model.config.to_dict(), "conditional": model.config.conditional, "device": args.device,
         "batch_size": values["batch_size"], "train_size": len(train[0])}, len(test[0])))
    movie = None
    if args.movie:
        from vae_desktop.core.movie import MovieRecorder

        movie = MovieRecorder(args.movie, model, test)
    trainer = Trainer(model, train, test, tcfg, optimizer_state=opt_state,
                      start_epoch=len(history), history=history, step_interval_s=0.25,
                      snapshot_every=movie.every if movie else 0)
    saved_cfg = {**tcfg.to_dict(), "digits": list(args.digits) if args.digits else None,
                 "train_size": values["train_size"] or None, "dataset": args.dataset,
                 "test_size": len(test[0]) if args.test_size else None}  # None: all of them

    def write() -> None:
        state = trainer.optimizer.state_dict() if trainer.optimizer else opt_state
        if args.compact:
            state = None
        _save(out_flag, typed if out_flag == "--resume" else out,
              lambda: checkpoint.save(out, model, trainer.history, state, saved_cfg))

    previous = signal.getsignal(signal.SIGINT)

    def on_sigint(signum, frame):  # first Ctrl+C: finish the batch, save, exit
        trainer.stop()
        signal.signal(signal.SIGINT, previous)

    signal.signal(signal.SIGINT, on_sigint)
    bar = None
    end = None
    try:
        for event in trainer.events():
            if movie is not None:
                movie.follow(event, model)
            if isinstance(event, StepEvent):
                if bar is None:
                    # From the steps done so far: counted from 0, the first refresh read
                    # "251344.06batch/s".
                    bar = tqdm(total=event.steps_per_epoch, desc=f"epoch {event.epoch}",
                               unit="batch", disable=_bar_off(args.quiet), leave=True,
                               initial=event.step)
                bar.n = event.step
                bar.set_postfix(loss=f"{event.loss:.1f}", samples_s=f"{event.samples_per_sec:,.0f}")
            elif isinstance(event, EpochEvent):
                if bar is not None:
                    bar.close()
                    bar = None
                write()
                if not args.quiet:
                    print(f"epoch {event.epoch}: train {event.train_loss:.2f}  test "
                          f"{event.test_loss:.2f} (recon {event.test_recon:.2f}, "
                          f"KL {event.test_kl:.2f}) nats/image, {event.seconds:.1f}s")
            elif isinstance(event, EndEvent):
                end = event
    finally:
        if bar is not None:
            bar.close()
        signal.signal(signal.SIGINT, previous)
    if movie is not None:
        written = []
        _save("--movie", args.movie, lambda: written.append(movie.write()))
        if written[0] is not None:
            print(f"wrote {movie.path} ({len(movie.timeline)} frames)", file=sys.stderr)
    if end is not None and end.status == "stopped":
        # The trainer went back to the last complete epoch, which is written already. Stopped
        # before its first epoch ended, a run writes nothing: a file already at --out (a model of
        # yesterday's) must not become an untrained one.
        if trainer.epochs_done == trainer.start_epoch:
            print(f"stopped before an epoch completed: nothing saved{_kept(out)}",
                  file=sys.stderr)
        else:
            print(f"stopped: saved {out} after {count(trainer.epochs_done, 'complete epoch')}",
                  file=sys.stderr)
        return 130
    if end is not None and end.status == "failed":
        write()
        print(f"vae-desktop: error: {end.message}", file=sys.stderr)
        return 1
    print(f"saved {out}")
    return 0


# What a resumed model is: a flag that would change it is refused (the same value is fine).
# Binarised or not is one of them: the test losses of the model's history are measured on it.
MODEL_SHAPE = ("arch", "latent_dim", "hidden", "layers", "conditional", "binarized")


def _train_settings(args: argparse.Namespace):
    """(The run's settings-table values, the checkpoint resumed or None). A setting left out of
    the command line is the table's default, or with --resume the checkpoint's own: its
    learning rate, batch size, training images, beta, warm-up, precision and seed, and its
    digits and dataset. --epochs is how many epochs this run adds."""
    from vae_desktop.core import settings

    given = {name: getattr(args, name) for name in SETTINGS if getattr(args, name) is not None}
    values = settings.defaults()
    ckpt = None
    if args.resume:
        ckpt = _load_checkpoint(args.resume)
        saved = settings.from_saved({**ckpt.train_config, **ckpt.config.to_dict()})
        saved.pop("epochs", None)  # that run's count, not this one's
        for name in MODEL_SHAPE:
            if name in given and given[name] != saved.get(name, SETTINGS[name].default):
                raise UsageError(_shape_change(SETTINGS[name].flag, given[name], saved[name],
                                               args.resume))
        values.update(saved)
        if args.digits is None and ckpt.train_config.get("digits"):
            args.digits = tuple(ckpt.train_config["digits"])
        if args.dataset is None:
            args.dataset = ckpt.train_config.get("dataset")
    values.update(given)
    args.dataset = args.dataset or "mnist"
    return values, ckpt


def _shape_change(flag: str, value, saved, path: str) -> str:
    keep = f"a resumed model keeps its shape: leave {flag} out, or train a new model"
    if flag == "--conditional":
        return f"{flag}: the checkpoint's model is not conditional ({path}); {keep}"
    if flag == "--binarized":
        return (f"{flag}: the checkpoint's model was trained on grey levels ({path}); a resumed "
                f"model keeps its data: leave {flag} out, or train a new model")
    return f"{flag} {value} differs from the checkpoint's {saved} ({path}); {keep}"


def _check_needs(needs: tuple[str | None, str | None]) -> None:
    """core.memory's (cannot fit, will be slow): exit 2 when the run cannot fit in the device's
    free memory; say so when one step will be slow (Ctrl+C waits for the step under way)."""
    too_big, slow = needs
    if too_big:
        raise UsageError(too_big)
    if slow:
        print(f"vae-desktop: note: {slow}", file=sys.stderr)


def cmd_eval(args: argparse.Namespace) -> int:
    from vae_desktop.core.data import load_split
    from vae_desktop.core.device import resolve_device
    from vae_desktop.core.evaluation import evaluate_model
    from vae_desktop.core.memory import TEST_IMAGES

    if args.iwae is not None and not 1 <= args.iwae <= 100_000:
        raise UsageError(f"--iwae must be from 1 to 100,000 samples per image, got {args.iwae}.")
    path = _model_argument(args.checkpoint)
    check_data_dir(args.data_dir, args.dataset)
    ckpt = _load_checkpoint(path, device=resolve_device(args.device))
    images, labels = load_split("test", size=args.test_size, dataset=args.dataset,
                                data_dir=args.data_dir)
    # test_loss, recon and kl come from training.evaluate, as before; the rest uses z = mu.
    report = evaluate_model(ckpt.model, images, labels)
    result = report.to_dict()
    if args.iwae is not None:
        result.update(_iwae(ckpt.model, images, labels, args.iwae, quiet=args.quiet))
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{Path(path).name} ({ckpt.config.describe()}, {count(ckpt.epochs, 'epoch')})")
        print(f"test negative ELBO {result['test_loss']:.2f} nats/image = reconstruction "
              f"{result['recon']:.2f} + KL {result['kl']:.2f}")
        if "iwae_nll" in result:
            print(f"test -log p(x) {result['iwae_nll']:.2f} nats/image (importance-weighted, "
                  f"K = {result['iwae_k']:,}); inference gap "
                  f"{result['test_loss'] - result['iwae_nll']:.2f}")
        kind = "its fixed binarisation" if result["binarized"] else "grey levels"
        scored = (f"the first {len(images):,} of the {TEST_IMAGES:,}" if len(images) < TEST_IMAGES
                  else f"all {TEST_IMAGES:,}")
        print(f"scored on {scored} test images ({kind}); {result['active_units']} of "
              f"{ckpt.config.latent_dim} latent dimensions active (Cov over x of E[z|x] > 0.01)")
        print(f"reconstructions: PSNR {result['psnr']:.2f} dB, SSIM {result['ssim']:.3f}")
        print("digit  count  -ELBO  recon     KL   PSNR   SSIM   (z = posterior mean)")
        for row in result["per_digit"]:
            print(f"{row['digit']:>5} {row['count']:>6} {row['loss']:>6.1f} {row['recon']:>6.1f} "
                  f"{row['kl']:>6.1f} {row['psnr']:>6.2f} {row['ssim']:>6.3f}")
    return 0


def _model_argument(text: str) -> str:
    """The file a model argument names: the file, or a bundled model's (cli_args.model_path);
    a folder is refused, named as typed."""
    path = model_path(text)
    check_model_path(path, text)
    return path


def _iwae(model, images, labels, k: int, quiet: bool = False) -> dict:
    """iwae_nll and iwae_k, with a progress bar on stderr."""
    from tqdm import tqdm

    from vae_desktop.core.evaluation import test_inputs
    from vae_desktop.core.likelihood import iwae_steps

    steps = iwae_steps(model, test_inputs(model, images), labels.long(), k)
    with tqdm(total=1000, desc=f"log p(x), K={k:,}", disable=_bar_off(quiet), unit="‰",
              bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining}") as bar:
        while True:
            try:
                fraction = next(steps)
            except StopIteration as done:
                return done.value.to_dict()
            bar.n = int(fraction * 1000)
            bar.refresh()


def cmd_sample(args: argparse.Namespace) -> int:
    import numpy as np
    import torch

    from vae_desktop.core import mixture
    from vae_desktop.core.fileio import atomic_write
    from vae_desktop.core.images import grid, save_png

    if not 1 <= args.n <= 1024:
        raise UsageError(f"--n must be from 1 to 1,024, got {args.n}.")
    if not 0 <= args.temperature <= mixture.MAX_TEMPERATURE:
        raise UsageError(f"--temperature must be from 0 to {mixture.MAX_TEMPERATURE:g}, got "
                         f"{args.temperature:g}.")
    suffix = Path(args.out).suffix.lower()
    if suffix not in (".png", ".npy"):
        raise UsageError(f"--out must end in .png or .npy (got {args.out!r})")
    check_output("--out", args.out)
    ckpt = _load_checkpoint(_model_argument(args.checkpoint))
    model = ckpt.model
    y = None
    if model.num_classes:
        if args.label is None:
            y = torch.arange(args.n) % model.num_classes
        elif not 0 <= args.label < model.num_classes:
            raise UsageError(f"--label must be 0..{model.num_classes - 1}, got {args.label}.")
        else:
            y = torch.full((args.n,), args.label)
            digits = (ckpt.train_config or {}).get("digits")
            if digits and args.label not in digits:  # drawn all the same, as asked
                phrase = digits_phrase(digits)  # "of 3s only", "without 2s"
                trained = (f"on {phrase.removeprefix('of ')}" if phrase.startswith("of ")
                           else phrase)
                print(f"vae-desktop: note: the model never saw {a_digit(args.label)}: it was "
                      f"trained {trained}", file=sys.stderr)
    elif args.label is not None:
        raise UsageError("--label needs a conditional model")
    posterior = None
    if args.sampler == "mixture":
        # On a terminal, one line redrawn; elsewhere (2> log.txt) each stage once, plainly.
        terminal = sys.stderr.isatty()
        said: set[str] = set()

        def progress(event) -> None:
            if args.quiet:
                return
            if terminal:
                print(f"\r{event} {100 * event.fraction:3.0f}%\033[K", end="", file=sys.stderr,
                      flush=True)
            elif event.text not in said:
                said.add(event.text)
                print(event.text, file=sys.stderr, flush=True)

        posterior = mixture.aggregate_posterior(model, train_config=ckpt.train_config, on_progress=progress)
        if not args.quiet:  # over the last progress line, which stopped short of 100%
            ready = f"mixtures ready: fitted to {posterior.count:,} training codes"
            print(f"\r{ready}\033[K" if terminal else ready, file=sys.stderr)
    sampler = mixture.make_sampler(args.sampler, model.latent_dim, posterior)
    z = sampler.codes(args.n, args.temperature, args.seed)  # the prior's: as before samplers
    if posterior is not None and y is not None:  # each label's codes from its own mixture
        for label in y.unique().tolist():
            rows = (y == label).nonzero().flatten()
            z[rows] = sampler.codes(len(rows), args.temperature, args.seed + label, label)
    with torch.no_grad():
        images = model.decode(z, y)
    if suffix == ".npy":
        array = images[:, 0].float().clamp(0, 1).numpy().astype(np.float32)

        def write(tmp: str) -> None:
            with open(tmp, "wb") as fh:
                np.save(fh, array)

        _save("--out", args.out, lambda: atomic_write(args.out, write))
    else:
        nrow = 10 if (model.num_classes and args.label is None) else 8
        _save("--out", args.out, lambda: save_png(args.out, grid(images, nrow=nrow), scale=2))
    print(f"saved {Path(args.out)}")
    return 0


def cmd_anomaly(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from vae_desktop.core import checkpoint
    from vae_desktop.core.anomaly import (
        OUTLIERS,
        SCORES,
        holdout_experiment,
        holdout_trainer,
        measured_history,
    )
    from vae_desktop.core.data import load_split
    from vae_desktop.core.training import EndEvent, StepEvent

    if len(args.holdout) == 10:
        raise UsageError("--holdout cannot hold out every digit")
    if not 0 < args.percentile < 100:
        raise UsageError(f"--percentile must lie strictly between 0 and 100, got "
                         f"{args.percentile:g}.")
    if args.out:
        check_output("--out", args.out)
    trainer = holdout_trainer(args.holdout, epochs=args.epochs, train_size=args.train_size or None,
                              seed=args.seed, device=args.device)
    bar = None
    end = None
    try:
        for event in trainer.events():
            if isinstance(event, StepEvent):
                if bar is None:
                    bar = tqdm(total=args.epochs * event.steps_per_epoch, unit="batch",
                               desc=f"training without {_join(args.holdout)}",
                               disable=_bar_off(args.quiet), file=sys.stderr,
                               initial=(event.epoch - 1) * event.steps_per_epoch + event.step)
                bar.n = (event.epoch - 1) * event.steps_per_epoch + event.step
                bar.set_postfix(epoch=event.epoch, loss=f"{event.loss:.1f}")
            elif isinstance(event, EndEvent):
                end = event
    finally:
        if bar is not None:
            bar.close()
    if end is None or end.status != "done":
        print(f"vae-desktop: error: {end.message if end else 'training ended early'}",
              file=sys.stderr)
        return 1
    test = load_split("test")
    if args.out:
        history = measured_history(trainer.model, trainer.history, test)
        _save("--out", args.out, lambda: checkpoint.save(
            args.out, trainer.model, history, None,
            {**trainer.config.to_dict(), "train_size": args.train_size or None,
             "digits": [d for d in range(10) if d not in args.holdout]}))
    result = holdout_experiment(trainer, test, args.holdout, args.score, args.percentile)
    if args.json:
        print(json.dumps(result.to_dict()))
        return 0
    held = _join(args.holdout)
    print(f"AUROC {result.auroc:.4f}: held-out {held} vs normal test digits, "
          f"scored by {SCORES[args.score]}")
    at = result.at_threshold
    print(f"threshold {result.threshold:.1f} nats ({ordinal(args.percentile)} percentile of training "
          f"scores): precision {at['precision']:.3f}, recall {at['recall']:.3f}, "
          f"false-positive rate {at['false_positive_rate']:.3f}")
    for name, description in OUTLIERS.items():
        print(f"  {description:<26} AUROC {result.outlier_auroc[name]:.4f}  "
              f"flagged {result.outlier_flagged[name]:6.1%}")
    if args.out:
        print(f"saved {args.out}")
    return 0


def _join(digits) -> str:
    return ",".join(str(d) for d in digits)


def cmd_sweep(args: argparse.Namespace) -> int:
    import threading

    import optuna

    from vae_desktop.core import memory, sweep

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
    _check_needs(memory.sweep_needs(spec))
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
                value = f"{args.objective} {objective_text(args.objective, event['value'])}  "
            elif event["intermediate"]:  # pruned or stopped: its last epoch
                last = max(event["intermediate"])
                value = (f"{args.objective} "
                         f"{objective_text(args.objective, event['intermediate'][last])} "
                         f"at epoch {last}  ")
            params = ", ".join(f"{k}={_fmt(v)}" for k, v in event["params"].items())
            print(f"trial {event['number']:>3} {_trial_label(event):<9} {value}{params}  "
                  f"({event['duration_s'] or 0:.1f}s){'  ' + event['note'] if event['note'] else ''}",
                  flush=True)

    signal.signal(signal.SIGINT, on_sigint)
    try:
        result = sweep.run_sweep(spec, on_event, stop_flag=stop, abort_flag=abort)
    finally:
        signal.signal(signal.SIGINT, previous)
    best = result.best
    if best is None:
        print("no trial has completed yet")
    else:
        print(f"best: trial {best.number}, {result.objective} "
              f"{objective_text(result.objective, best.value)} "
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


def objective_text(objective: str, value: float) -> str:
    """A trial's value as the Sweep tab's table gives it: core.sweep.objective_text, the one
    function both use (imported here, where torch is loaded already: the CLI starts without)."""
    from vae_desktop.core.sweep import objective_text as text

    return text(objective, value)


def _fmt(value) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def _trial_label(event: dict) -> str:
    return "stopped" if event.get("stopped") else event["state"].lower()


COMMANDS = {"train": cmd_train, "eval": cmd_eval, "sample": cmd_sample, "anomaly": cmd_anomaly,
            "sweep": cmd_sweep, **desktop_entry.COMMANDS}

if __name__ == "__main__":
    raise SystemExit(main())
