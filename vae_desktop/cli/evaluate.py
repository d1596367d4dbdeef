"""`vae-desktop eval`: a model's test-set negative ELBO, reconstruction and KL, per digit too,
with the importance-weighted log-likelihood on request (--iwae K), as text or JSON."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from vae_desktop.cli.checks import check_data_dir, model_argument
from vae_desktop.cli.shared import UsageError, bar_off, load_checkpoint
from vae_desktop.core.wording import count


def cmd_eval(args: argparse.Namespace) -> int:
    from vae_desktop.core.data import load_split
    from vae_desktop.core.device import resolve_device
    from vae_desktop.core.evaluation import evaluate_model
    from vae_desktop.core.memory import TEST_IMAGES

    if args.iwae is not None and not 1 <= args.iwae <= 100_000:
        raise UsageError(f"--iwae must be from 1 to 100,000 samples per image, got {args.iwae}.")
    path = model_argument(args.checkpoint)
    check_data_dir(args.data_dir, args.dataset)
    ckpt = load_checkpoint(path, device=resolve_device(args.device))
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


def _iwae(model, images, labels, k: int, quiet: bool = False) -> dict:
    """iwae_nll and iwae_k, with a progress bar on stderr."""
    from tqdm import tqdm

    from vae_desktop.core.evaluation import test_inputs
    from vae_desktop.core.likelihood import iwae_steps

    steps = iwae_steps(model, test_inputs(model, images), labels.long(), k)
    with tqdm(total=1000, desc=f"log p(x), K={k:,}", disable=bar_off(quiet), unit="‰",
              bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining}") as bar:
        while True:
            try:
                fraction = next(steps)
            except StopIteration as done:
                return done.value.to_dict()
            bar.n = int(fraction * 1000)
            bar.refresh()
