"""The `vae-desktop` command: no arguments opens the GUI; subcommands drive the same core."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path

from vae_desktop import __version__


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


def _add_data_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", help="a torchvision dataset folder instead of the bundled MNIST")
    p.add_argument("--dataset", default="mnist", choices=("mnist", "fashion-mnist", "kmnist"),
                   help="which dataset in --data-dir (default: mnist)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="vae-desktop", description=__doc__)
    parser.add_argument("--version", action="version", version=f"vae-desktop {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    t = sub.add_parser("train", help="train a VAE and save a checkpoint after every epoch")
    t.add_argument("--epochs", type=int, default=10)
    t.add_argument("--latent-dim", type=int, default=20)
    t.add_argument("--hidden", type=int, default=400)
    t.add_argument("--arch", choices=("mlp", "conv"), default="mlp")
    t.add_argument("--conditional", action="store_true", help="condition on the digit label (CVAE)")
    t.add_argument("--beta", type=float, default=1.0)
    t.add_argument("--lr", type=float, default=1e-3)
    t.add_argument("--batch-size", type=int, default=128)
    t.add_argument("--seed", type=int, default=1)
    t.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N or mps")
    t.add_argument("--out", default="model.pt", help="checkpoint path (default: model.pt)")
    t.add_argument("--resume", help="continue training this checkpoint")
    t.add_argument("--digits", type=_digits, help="train on these digits only, e.g. 0,1,2")
    t.add_argument("--subset", type=int, help="train on the first N training images")
    t.add_argument("--test-subset", type=int, help="evaluate on the first N test images")
    t.add_argument("--quiet", action="store_true", help="no progress bar")
    t.add_argument("--compact", action="store_true",
                   help="leave the optimizer state out of the checkpoint (a third of the size; "
                        "resuming then restarts Adam's moment estimates)")
    _add_data_args(t)

    e = sub.add_parser("eval", help="test-set negative ELBO, reconstruction and KL per image")
    e.add_argument("checkpoint")
    e.add_argument("--json", action="store_true", help="print JSON")
    e.add_argument("--device", default="auto")
    e.add_argument("--subset", type=int, help="evaluate on the first N test images")
    _add_data_args(e)

    s = sub.add_parser("sample", help="decode random codes into a PNG grid")
    s.add_argument("checkpoint")
    s.add_argument("--n", type=int, default=64)
    s.add_argument("--label", type=int, help="digit to generate (conditional models)")
    s.add_argument("--temperature", type=float, default=1.0)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--out", default="samples.png")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        from vae_desktop.gui.app import run_app

        return run_app()
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            raise UsageError("vae-desktop: choose a command (train, eval, sample) or none for the GUI")
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


def _load_checkpoint(path: str, device: str = "cpu"):
    from vae_desktop.core.checkpoint import load

    return load(path, device=device)


def cmd_train(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from vae_desktop.core import checkpoint
    from vae_desktop.core.data import load_split
    from vae_desktop.core.training import (
        EndEvent, EpochEvent, StepEvent, Trainer, TrainConfig, new_model,
    )

    tcfg = TrainConfig(epochs=args.epochs, lr=args.lr, batch_size=args.batch_size,
                       seed=args.seed, device=args.device)
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
        model = new_model(args.seed, latent_dim=args.latent_dim, hidden=args.hidden,
                          arch=args.arch, num_classes=10 if args.conditional else 0, beta=args.beta)
    data_kw = {"dataset": args.dataset, "data_dir": args.data_dir}
    train = load_split("train", digits=args.digits, size=args.subset, **data_kw)
    test = load_split("test", size=args.test_subset, **data_kw)
    trainer = Trainer(model, train, test, tcfg, optimizer_state=opt_state,
                      start_epoch=len(history), history=history, step_interval_s=0.25)
    out = Path(args.out if not (args.resume and args.out == "model.pt") else args.out)
    saved_cfg = {**tcfg.to_dict(), "digits": list(args.digits) if args.digits else None,
                 "subset": args.subset, "dataset": args.dataset}

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
    if end is not None and end.status == "stopped":
        write()
        print(f"stopped: saved {out} after {trainer.epochs_done} complete epoch(s)", file=sys.stderr)
        return 130
    if end is not None and end.status == "failed":
        write()
        print(f"vae-desktop: error: {end.message}", file=sys.stderr)
        return 1
    print(f"saved {out}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from vae_desktop.core.data import load_split
    from vae_desktop.core.device import resolve_device
    from vae_desktop.core.training import evaluate

    ckpt = _load_checkpoint(args.checkpoint, device=resolve_device(args.device))
    images, labels = load_split("test", size=args.subset, dataset=args.dataset,
                                data_dir=args.data_dir)
    result = evaluate(ckpt.model, images, labels)
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{Path(args.checkpoint).name} ({ckpt.config.describe()}, {ckpt.epochs} epochs)")
        print(f"test negative ELBO {result['test_loss']:.2f} nats/image = reconstruction "
              f"{result['recon']:.2f} + KL {result['kl']:.2f}")
    return 0


def cmd_sample(args: argparse.Namespace) -> int:
    import torch

    from vae_desktop.core.images import grid, save_png

    if not 1 <= args.n <= 1024:
        raise UsageError("vae-desktop sample: --n must be from 1 to 1024")
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
    gen = torch.Generator().manual_seed(args.seed)
    z = torch.randn(args.n, model.latent_dim, generator=gen) * args.temperature
    with torch.no_grad():
        images = model.decode(z, y)
    nrow = 10 if (model.num_classes and args.label is None) else 8
    path = save_png(args.out, grid(images, nrow=nrow), scale=2)
    print(f"saved {path}")
    return 0


COMMANDS = {"train": cmd_train, "eval": cmd_eval, "sample": cmd_sample}

if __name__ == "__main__":
    raise SystemExit(main())
