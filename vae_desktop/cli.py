"""The `vae-desktop` command: no arguments opens the GUI; subcommands drive the same core."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path

from vae_desktop import __version__, desktop_entry
from vae_desktop.core.settings import SETTINGS, Setting
from vae_desktop.core.wording import count


class UsageError(Exception):
    """Bad arguments or files: reported in one line with exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, not the usage block
        raise UsageError(f"{self.prog}: {message}")


def _digits(text: str) -> tuple[int, ...]:
    try:
        digits = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError:
        raise argparse.ArgumentTypeError(f"digits must be like 0,1,2 (got {text!r})") from None
    if not digits or any(d < 0 or d > 9 for d in digits):
        raise argparse.ArgumentTypeError(f"digits must lie in 0..9 (got {text!r})")
    return digits


def _add_setting(p: argparse.ArgumentParser, setting: Setting) -> None:
    """One argument from the settings table: its type, range, default and help in one place."""
    if setting.kind is bool:
        p.add_argument(setting.flag, *setting.aliases, dest=setting.name, action="store_true",
                       help=setting.help)
        return
    flags = [setting.flag] + (["--subset"] if setting.name == "train_size" else [])  # the old name

    def parse(text: str):
        try:
            return setting.parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = setting.name
    default = setting.default
    p.add_argument(*flags, dest=setting.name, type=parse, default=default, metavar=setting.name.upper(),
                   help=f"{setting.help} ({setting.range_text()}; default {default})")


def _add_data_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", help="a torchvision dataset folder instead of the bundled MNIST")
    p.add_argument("--dataset", default="mnist", choices=("mnist", "fashion-mnist", "kmnist"),
                   help="which dataset in --data-dir (default: mnist)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="vae-desktop", description=__doc__)
    parser.add_argument("--version", action="version", version=f"vae-desktop {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    t = sub.add_parser("train", help="train a VAE and save a checkpoint after every epoch")
    for setting in SETTINGS.values():
        _add_setting(t, setting)
    t.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N or mps")
    t.add_argument("--out", help="checkpoint path (default: model.pt, or the --resume file)")
    t.add_argument("--resume", help="continue training this checkpoint (saved back to it unless "
                                    "--out names another file)")
    t.add_argument("--digits", type=_digits, help="train on these digits only, e.g. 0,1,2")
    t.add_argument("--test-size", "--test-subset", dest="test_size", type=int,
                   help="evaluate on the first N test images")
    t.add_argument("--quiet", action="store_true", help="no progress bar")
    t.add_argument("--compact", action="store_true",
                   help="leave the optimizer state out of the checkpoint (a third of the size; "
                        "resuming then restarts Adam's moment estimates)")
    t.add_argument("--movie", metavar="GIF",
                   help="also write the latent space forming as an animated GIF: 2,000 test "
                        "digits re-encoded at the start, every 200 steps and after each epoch")
    _add_data_args(t)

    e = sub.add_parser("eval", help="test-set negative ELBO, reconstruction and KL per image")
    e.add_argument("checkpoint")
    e.add_argument("--json", action="store_true", help="print JSON")
    e.add_argument("--device", default="auto")
    e.add_argument("--iwae", type=int, metavar="K",
                   help="also estimate the test log-likelihood by importance sampling with K "
                        "samples per image (Burda et al.'s protocol uses 5000); adds iwae_nll "
                        "and iwae_k to --json")
    e.add_argument("--quiet", action="store_true", help="no progress bar")
    e.add_argument("--test-size", "--subset", dest="test_size", type=int,
                   help="evaluate on the first N test images")
    _add_data_args(e)

    s = sub.add_parser("sample", help="decode random codes into a PNG grid, or a .npy of the images")
    s.add_argument("checkpoint")
    s.add_argument("--n", type=int, default=64)
    s.add_argument("--label", type=int, help="digit to generate (conditional models)")
    s.add_argument("--temperature", type=float, default=1.0,
                   help="prior: z ~ N(0, t^2 I); mixture: component mean + t x its spread (default 1)")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--sampler", default="prior", choices=("prior", "mixture"),
                   help="prior N(0, I) (default), or the aggregate posterior: a Gaussian mixture "
                        "fitted to the training set's codes (one per digit for a conditional "
                        "model), fitted once per model's weights and cached")
    s.add_argument("--out", default="samples.png",
                   help="a .png gets the grid; a .npy the raw images, float32 [N, 28, 28] in [0, 1]")
    s.add_argument("--quiet", action="store_true", help="no progress while the mixture is fitted")

    a = sub.add_parser("anomaly", help="held-out-digit anomaly detection: train without a digit, "
                                       "print the AUROC")
    a.add_argument("--holdout", type=_digits, required=True, help="digit(s) to hold out, e.g. 7")
    a.add_argument("--epochs", type=int, default=10)
    a.add_argument("--score", choices=("elbo", "recon"), default="elbo",
                   help="negative ELBO or reconstruction error (default: elbo)")
    a.add_argument("--percentile", type=float, default=95.0,
                   help="threshold at this percentile of the training scores (default: 95)")
    a.add_argument("--train-size", "--subset", dest="train_size", type=int,
                   help="train on the first N training images")
    a.add_argument("--seed", type=int, default=1)
    a.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N or mps")
    a.add_argument("--json", action="store_true", help="print JSON")
    a.add_argument("--out", help="also save the trained model to this checkpoint")
    a.add_argument("--quiet", action="store_true", help="no progress bar")
    w = sub.add_parser("sweep", help="hyperparameter sweep with Optuna (TPE sampler, median pruner); "
                                     "several processes or machines can share one study")
    w.add_argument("--storage", help="Optuna database URL, e.g. postgresql://user:pw@host/db, or a "
                                     "journal file on a shared folder, journal:///path/sweep.log "
                                     "(default: sweeps.db in the app data folder)")
    w.add_argument("--study", default="vae-sweep", help="study name; an existing one is resumed")
    w.add_argument("--trials", type=int, default=20, help="trials this process adds (default: 20)")
    w.add_argument("--epochs", type=int, default=3, help="epochs per trial (default: 3)")
    w.add_argument("--train-size", "--subset", dest="train_size", type=int, default=10_000,
                   help="train on the first N training images (default: 10000; 0: all)")
    w.add_argument("--test-size", "--test-subset", dest="test_size", type=int, default=2_000,
                   help="evaluate on the first N test images (default: 2000; 0: all)")
    w.add_argument("--objective", choices=("test_loss", "auroc"), default="test_loss",
                   help="minimise the test negative ELBO, or maximise the AUROC of --holdout")
    w.add_argument("--holdout", type=int, default=9, help="digit left out for --objective auroc")
    w.add_argument("--vary", default="latent_dim,lr",
                   help="settings to vary: latent_dim,hidden,lr,batch_size,beta,arch")
    w.add_argument("--latent-dim", help="range LOW:HIGH if varied (default 2:32), else a value")
    w.add_argument("--hidden", help="choices A,B,.. if varied (default 128,256,400,512), else a value")
    w.add_argument("--lr", help="range LOW:HIGH, log scale, if varied (default 1e-4:1e-2), else a value")
    w.add_argument("--batch-size", help="choices if varied (default 64,128,256), else a value")
    w.add_argument("--beta", help="range LOW:HIGH if varied (default 0.5:2), else a value")
    w.add_argument("--arch", help="choices mlp,conv if varied, else mlp or conv")
    w.add_argument("--conditional", action="store_true", help="train conditional VAEs")
    w.add_argument("--no-prune", action="store_true",
                   help="train every trial to the end (default: the median pruner stops laggards)")
    w.add_argument("--seed", type=int, help="sampler and training seed (default: random; give each "
                                             "worker its own)")
    w.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N or mps")
    w.add_argument("--heartbeat", type=int, default=30, metavar="S",
                   help="a running trial tells the storage it is alive every S seconds (default: 30)")
    w.add_argument("--grace", type=int, default=120, metavar="S",
                   help="a trial silent for S seconds (its worker died) is marked failed by the next "
                        "worker to start a trial (default: 120)")
    w.add_argument("--retry-failed", type=int, default=0, metavar="N",
                   help="run a trial whose worker died again, up to N times (default: 0)")
    desktop_entry.add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        from vae_desktop.gui.app import run_app

        return run_app()
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            raise UsageError(f"vae-desktop: choose a command ({', '.join(COMMANDS)}) "
                             "or none for the GUI")
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - known user-facing errors become one line
        from vae_desktop.core.checkpoint import CheckpointError
        from vae_desktop.core.data import DataError
        from vae_desktop.core.device import DeviceError

        if isinstance(exc, (CheckpointError, DataError, DeviceError, ValueError, OSError)):
            print(f"vae-desktop: error: {exc}", file=sys.stderr)
            return 2
        raise


def _kept(out: Path) -> str:
    return f" ({out} is as it was)" if out.exists() else ""


def _load_checkpoint(path: str, device: str = "cpu"):
    from vae_desktop.core.checkpoint import load

    return load(path, device=device)


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

    tcfg = TrainConfig(epochs=args.epochs, lr=args.lr, batch_size=args.batch_size,
                       seed=args.seed, device=args.device, beta_warmup=args.beta_warmup,
                       precision=args.precision)
    history: list[dict] = []
    opt_state = None
    train_extra = {}
    if args.resume:
        ckpt = _load_checkpoint(args.resume)
        model, history, opt_state = ckpt.model, list(ckpt.history), ckpt.optimizer_state
        train_extra = {k: v for k, v in ckpt.train_config.items() if k in ("digits",)}
        if args.digits is None and train_extra.get("digits"):
            args.digits = tuple(train_extra["digits"])
    else:
        model = new_model(args.seed, **settings.model_kwargs(vars(args)))
    data_kw = {"dataset": args.dataset, "data_dir": args.data_dir}
    train = load_split("train", digits=args.digits, size=args.train_size or None, **data_kw)
    test = load_split("test", size=args.test_size, **data_kw)
    _check_needs(memory.training_needs(
        {**model.config.to_dict(), "conditional": model.config.conditional, "device": args.device,
         "batch_size": args.batch_size, "train_size": len(train[0])}, len(test[0])))
    movie = None
    if args.movie:
        from vae_desktop.core.movie import MovieRecorder

        movie = MovieRecorder(args.movie, model, test)
    trainer = Trainer(model, train, test, tcfg, optimizer_state=opt_state,
                      start_epoch=len(history), history=history, step_interval_s=0.25,
                      snapshot_every=movie.every if movie else 0)
    # Resuming saves back to the resumed file unless --out names another.
    out = Path(args.out or args.resume or "model.pt")
    saved_cfg = {**tcfg.to_dict(), "digits": list(args.digits) if args.digits else None,
                 "train_size": args.train_size or None, "dataset": args.dataset}

    def write() -> None:
        state = trainer.optimizer.state_dict() if trainer.optimizer else opt_state
        if args.compact:
            state = None
        checkpoint.save(out, model, trainer.history, state, saved_cfg)

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
                    bar = tqdm(total=event.steps_per_epoch, desc=f"epoch {event.epoch}",
                               unit="batch", disable=args.quiet, leave=True)
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
    if movie is not None and movie.write() is not None:
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


def _check_needs(needs: tuple[str | None, str | None]) -> None:
    """core.memory's (cannot fit, will be slow): exit 2 when the run cannot fit in the device's
    free memory; say so when one step will be slow (Ctrl+C waits for the step under way)."""
    too_big, slow = needs
    if too_big:
        raise UsageError(f"vae-desktop: error: {too_big}")
    if slow:
        print(f"vae-desktop: note: {slow}", file=sys.stderr)


def cmd_eval(args: argparse.Namespace) -> int:
    from vae_desktop.core.data import load_split
    from vae_desktop.core.device import resolve_device
    from vae_desktop.core.evaluation import evaluate_model

    ckpt = _load_checkpoint(args.checkpoint, device=resolve_device(args.device))
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
        print(f"{Path(args.checkpoint).name} ({ckpt.config.describe()}, {ckpt.epochs} epochs)")
        print(f"test negative ELBO {result['test_loss']:.2f} nats/image = reconstruction "
              f"{result['recon']:.2f} + KL {result['kl']:.2f}")
        if "iwae_nll" in result:
            print(f"test -log p(x) {result['iwae_nll']:.2f} nats/image (importance-weighted, "
                  f"K = {result['iwae_k']:,}); inference gap "
                  f"{result['test_loss'] - result['iwae_nll']:.2f}")
        data = "the fixed binarisation of the test set" if result["binarized"] else "grey levels"
        print(f"scored on {data}; {result['active_units']} of {ckpt.config.latent_dim} latent "
              f"units active (Cov over x of E[z|x] > 0.01)")
        print(f"reconstructions: PSNR {result['psnr']:.2f} dB, SSIM {result['ssim']:.3f}")
        print("digit  count  -ELBO  recon     KL   PSNR   SSIM   (z = posterior mean)")
        for row in result["per_digit"]:
            print(f"{row['digit']:>5} {row['count']:>6} {row['loss']:>6.1f} {row['recon']:>6.1f} "
                  f"{row['kl']:>6.1f} {row['psnr']:>6.2f} {row['ssim']:>6.3f}")
    return 0


def _iwae(model, images, labels, k: int, quiet: bool = False) -> dict:
    """iwae_nll and iwae_k, with a progress bar on stderr."""
    from tqdm import tqdm

    from vae_desktop.core.evaluation import test_inputs
    from vae_desktop.core.likelihood import iwae_steps

    if not 1 <= k <= 100_000:
        raise UsageError("vae-desktop eval: --iwae must be from 1 to 100,000 samples per image")
    steps = iwae_steps(model, test_inputs(model, images), labels.long(), k)
    with tqdm(total=1000, desc=f"log p(x), K={k:,}", disable=quiet, unit="‰",
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
        raise UsageError("vae-desktop sample: --n must be from 1 to 1024")
    if not 0 <= args.temperature <= mixture.MAX_TEMPERATURE:
        raise UsageError(f"vae-desktop sample: --temperature must be from 0 to {mixture.MAX_TEMPERATURE:g}")
    suffix = Path(args.out).suffix.lower()
    if suffix not in (".png", ".npy"):
        raise UsageError(f"vae-desktop sample: --out must end in .png or .npy (got {args.out!r})")
    ckpt = _load_checkpoint(args.checkpoint)
    model = ckpt.model
    y = None
    if model.num_classes:
        if args.label is None:
            y = torch.arange(args.n) % model.num_classes
        elif not 0 <= args.label < model.num_classes:
            raise UsageError(f"vae-desktop sample: --label must be 0..{model.num_classes - 1}")
        else:
            y = torch.full((args.n,), args.label)
    elif args.label is not None:
        raise UsageError("vae-desktop sample: --label needs a conditional model")
    posterior = None
    if args.sampler == "mixture":
        def progress(event) -> None:
            if not args.quiet:
                print(f"\r{event} {100 * event.fraction:3.0f}%\033[K", end="", file=sys.stderr,
                      flush=True)

        posterior = mixture.aggregate_posterior(model, train_config=ckpt.train_config, on_progress=progress)
        if not args.quiet:
            print(file=sys.stderr)
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

        path = atomic_write(args.out, write)
    else:
        nrow = 10 if (model.num_classes and args.label is None) else 8
        path = save_png(args.out, grid(images, nrow=nrow), scale=2)
    print(f"saved {path}")
    return 0


def cmd_anomaly(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from vae_desktop.core import checkpoint
    from vae_desktop.core.anomaly import OUTLIERS, SCORES, holdout_experiment, holdout_trainer
    from vae_desktop.core.data import load_split
    from vae_desktop.core.training import EndEvent, StepEvent

    if len(args.holdout) == 10:
        raise UsageError("vae-desktop anomaly: --holdout cannot hold out every digit")
    if not 0 < args.percentile < 100:
        raise UsageError("vae-desktop anomaly: --percentile must lie strictly between 0 and 100")
    trainer = holdout_trainer(args.holdout, epochs=args.epochs, train_size=args.train_size,
                              seed=args.seed, device=args.device)
    bar = None
    end = None
    try:
        for event in trainer.events():
            if isinstance(event, StepEvent):
                if bar is None:
                    bar = tqdm(total=args.epochs * event.steps_per_epoch, unit="batch",
                               desc=f"training without {_join(args.holdout)}",
                               disable=args.quiet, file=sys.stderr)
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
    if args.out:
        checkpoint.save(args.out, trainer.model, trainer.history, None,
                        {**trainer.config.to_dict(), "train_size": args.train_size,
                         "digits": [d for d in range(10) if d not in args.holdout]})
    result = holdout_experiment(trainer, load_split("test"), args.holdout, args.score,
                                args.percentile)
    if args.json:
        print(json.dumps(result.to_dict()))
        return 0
    held = _join(args.holdout)
    print(f"AUROC {result.auroc:.4f}: held-out {held} vs normal test digits, "
          f"scored by {SCORES[args.score]}")
    at = result.at_threshold
    print(f"threshold {result.threshold:.1f} nats ({args.percentile:g}th percentile of training "
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

    optuna.logging.set_verbosity(optuna.logging.ERROR)  # one line per trial comes from here
    texts = {"latent_dim": args.latent_dim, "hidden": args.hidden, "lr": args.lr,
             "batch_size": args.batch_size, "beta": args.beta, "arch": args.arch}
    spec = sweep.SweepSpec(
        **sweep.spec_settings_from_text(args.vary, texts), conditional=args.conditional,
        trials=args.trials, epochs=args.epochs, train_size=args.train_size or None,
        test_size=args.test_size or None, objective=args.objective, holdout=args.holdout,
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
        elif kind == "trial_finished":
            value = ""
            if event["value"] is not None:
                value = f"{args.objective} {event['value']:.4g}  "
            elif event["intermediate"]:  # pruned or stopped: its last epoch
                last = max(event["intermediate"])
                value = f"{args.objective} {event['intermediate'][last]:.4g} at epoch {last}  "
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
        s = best.settings
        print(f"best: trial {best.number}, {result.objective} {best.value:.4g} "
              f"({', '.join(f'{k}={_fmt(v)}' for k, v in best.params.items())})")
        if best.checkpoint:
            print(f"  checkpoint: {best.checkpoint}")
        print(f"  train it longer: vae-desktop train --latent-dim {s['latent_dim']} --hidden "
              f"{s['hidden']} --arch {s['arch']} --lr {_fmt(s['lr'])} --batch-size "
              f"{s['batch_size']} --beta {_fmt(s['beta'])}{' --conditional' if s['conditional'] else ''}"
              f" --epochs 30")
    return 130 if stop.is_set() else 0


def _fmt(value) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def _trial_label(event: dict) -> str:
    return "stopped" if event.get("stopped") else event["state"].lower()


COMMANDS = {"train": cmd_train, "eval": cmd_eval, "sample": cmd_sample, "anomaly": cmd_anomaly,
            "sweep": cmd_sweep, **desktop_entry.COMMANDS}

if __name__ == "__main__":
    raise SystemExit(main())
