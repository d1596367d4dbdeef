"""`vae-desktop anomaly`: held-out-digit anomaly detection. Train without some digits, score the
test set, and print the AUROC of the held-out digits against the others, the precision and
recall at a threshold, and how synthetic outliers score."""

from __future__ import annotations

import argparse
import json
import sys

from vae_desktop.cli.checks import check_output
from vae_desktop.cli.shared import UsageError, bar_off, save
from vae_desktop.core.wording import ordinal


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
                               disable=bar_off(args.quiet), file=sys.stderr,
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
        save("--out", args.out, lambda: checkpoint.save(
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
