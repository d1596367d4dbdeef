"""`vae-desktop train`: train a new model or resume a checkpoint, saving after every epoch; the
first Ctrl+C finishes the batch, goes back to the last complete epoch and exits. A resumed run
takes the checkpoint's settings unless given again, and refuses a change of the model's shape."""

from __future__ import annotations

import argparse
import dataclasses
import signal
import sys
from pathlib import Path

from vae_desktop.cli.checks import check_data_dir, check_output, model_argument
from vae_desktop.cli.shared import (
    UsageError,
    bar_off,
    check_needs,
    kept,
    load_checkpoint,
    save,
)
from vae_desktop.core.settings import SETTINGS
from vae_desktop.core.wording import count


def cmd_train(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from vae_desktop.core import checkpoint, memory, settings
    from vae_desktop.core.collector import frozen_during
    from vae_desktop.core.data import load_split
    from vae_desktop.core.threads import flush_subnormals
    from vae_desktop.core.training import (
        EndEvent,
        EpochEvent,
        StepEvent,
        TrainConfig,
        Trainer,
        new_model,
    )

    flush_subnormals()  # before the first parallel op starts this thread's team: core.threads
    # Resuming saves back to the resumed file unless --out names another (a bundled model is
    # refused: it is never saved over).
    typed = args.resume
    if args.resume:
        args.resume = model_argument(args.resume)
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
    check_needs(memory.training_needs(
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
        save(out_flag, typed if out_flag == "--resume" else out,
              lambda: checkpoint.save(out, model, trainer.history, state, saved_cfg))

    previous = signal.getsignal(signal.SIGINT)

    def on_sigint(signum, frame):  # first Ctrl+C: finish the batch, save, exit
        trainer.stop()
        signal.signal(signal.SIGINT, previous)

    signal.signal(signal.SIGINT, on_sigint)
    bar = None
    end = None
    try:
        with frozen_during():  # what exists now lives through training: core.collector
            for event in trainer.events():
                if movie is not None:
                    movie.follow(event, model)
                if isinstance(event, StepEvent):
                    if bar is None:
                        # From the steps done so far: counted from 0, the first refresh read
                        # "251344.06batch/s".
                        bar = tqdm(total=event.steps_per_epoch, desc=f"epoch {event.epoch}",
                                   unit="batch", disable=bar_off(args.quiet), leave=True,
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
        save("--movie", args.movie, lambda: written.append(movie.write()))
        if written[0] is not None:
            print(f"wrote {movie.path} ({len(movie.timeline)} frames)", file=sys.stderr)
    if end is not None and end.status == "stopped":
        # The trainer went back to the last complete epoch, which is written already. Stopped
        # before its first epoch ended, a run writes nothing: a file already at --out (a model of
        # yesterday's) must not become an untrained one.
        if trainer.epochs_done == trainer.start_epoch:
            print(f"stopped before an epoch completed: nothing saved{kept(out)}",
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
    from vae_desktop.core.trained_on import trained_on

    given = {name: getattr(args, name) for name in SETTINGS if getattr(args, name) is not None}
    values = settings.defaults()
    ckpt = None
    if args.resume:
        ckpt = load_checkpoint(args.resume)
        saved = settings.from_saved({**ckpt.train_config, **ckpt.config.to_dict()})
        saved.pop("epochs", None)  # that run's count, not this one's
        for name in MODEL_SHAPE:
            if name in given and given[name] != saved.get(name, SETTINGS[name].default):
                raise UsageError(_shape_change(SETTINGS[name].flag, given[name], saved[name],
                                               args.resume))
        values.update(saved)
        seen = trained_on(ckpt.train_config)  # what loads reads: checkpoint.load checked it
        if args.digits is None:
            args.digits = seen.digits
        if args.dataset is None:
            args.dataset = seen.dataset
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
