"""`vae-desktop sample`: decode codes drawn from the prior, or from the aggregate posterior's
mixtures, into a PNG grid or a .npy of the images; a conditional model draws each digit in turn
or the one --label names."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vae_desktop.cli.checks import check_output, model_argument
from vae_desktop.cli.shared import UsageError, load_checkpoint, save
from vae_desktop.core.wording import a_digit, digits_phrase


def cmd_sample(args: argparse.Namespace) -> int:
    import numpy as np
    import torch

    from vae_desktop.core import mixture
    from vae_desktop.core.fileio import atomic_write
    from vae_desktop.core.images import grid, save_png
    from vae_desktop.core.trained_on import trained_on

    if not 1 <= args.n <= 1024:
        raise UsageError(f"--n must be from 1 to 1,024, got {args.n}.")
    if not 0 <= args.temperature <= mixture.MAX_TEMPERATURE:
        raise UsageError(f"--temperature must be from 0 to {mixture.MAX_TEMPERATURE:g}, got "
                         f"{args.temperature:g}.")
    suffix = Path(args.out).suffix.lower()
    if suffix not in (".png", ".npy"):
        raise UsageError(f"--out must end in .png or .npy (got {args.out!r})")
    check_output("--out", args.out)
    ckpt = load_checkpoint(model_argument(args.checkpoint))
    model = ckpt.model
    y = None
    if model.num_classes:
        if args.label is None:
            y = torch.arange(args.n) % model.num_classes
        elif not 0 <= args.label < model.num_classes:
            raise UsageError(f"--label must be 0..{model.num_classes - 1}, got {args.label}.")
        else:
            y = torch.full((args.n,), args.label)
            digits = trained_on(ckpt.train_config).digits  # what loads reads: load checked it
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

        save("--out", args.out, lambda: atomic_write(args.out, write))
    else:
        nrow = 10 if (model.num_classes and args.label is None) else 8
        save("--out", args.out, lambda: save_png(args.out, grid(images, nrow=nrow), scale=2))
    print(f"saved {Path(args.out)}")
    return 0
