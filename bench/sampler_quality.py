"""Do samples from the aggregate posterior (a Gaussian mixture) read as digits more often than
samples from the prior N(0, I)? Judged by the independent CNN of bench/conditional_quality.py.

For an unconditional model: the share of samples the classifier reads confidently (max
probability >= 0.95) as some digit, prior next to mixture, and the share of each digit among the
mixture's samples (target: >= 80% confident, every digit 4%-16%). For a conditional model: the
share of each label's samples read as that label (target >= 95%), prior next to mixture. The
mixtures are fitted (or taken from the cache) in the same run, to posterior means and, for
comparison, to one draw from q(z | x) per training image.

    .venv/bin/python bench/sampler_quality.py
    .venv/bin/python bench/sampler_quality.py --cvae my-cvae.pt --codes mean --no-cache
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from conditional_quality import load_or_train  # noqa: E402

from vae_desktop.core import checkpoint, mixture  # noqa: E402
from vae_desktop.core.data import cache_dir, load_split, to_float  # noqa: E402
from vae_desktop.core.heap import keep_freed_memory  # noqa: E402
from vae_desktop.core.latent import encode_means  # noqa: E402
from vae_desktop.core.paths import bundled_models_dir  # noqa: E402

CONFIDENT = 0.95
TARGET_CONFIDENT, DIGIT_LOW, DIGIT_HIGH, TARGET_LABEL = 0.80, 0.04, 0.16, 0.95


@torch.no_grad()
def read(net, images: torch.Tensor, batch: int = 1000) -> tuple[torch.Tensor, torch.Tensor]:
    """The classifier's (label, max probability) of each image [N, 1, 28, 28]."""
    net.eval()
    probs = torch.cat([torch.softmax(net(images[i:i + batch]), 1) for i in range(0, len(images), batch)])
    top, labels = probs.max(1)
    return labels, top


def fit_mixture(model, ckpt, codes: str, components: int, cache) -> mixture.AggregatePosterior:
    which = "label_components" if model.num_classes else "components"
    settings = mixture.FitSettings(codes=codes, **{which: components})
    images, labels, data_key = mixture.training_data(ckpt.train_config)
    start = time.perf_counter()
    posterior = mixture.run_to_end(mixture.cached_fit_steps(model, cache, images, labels, data_key, settings))
    seconds = time.perf_counter() - start
    bic = ""
    if codes == mixture.CODES_MEAN:  # what the component count was chosen by
        codes_mu = encode_means(model, images, labels if model.num_classes else None)
        groups = ([codes_mu[labels == c] for c in range(model.num_classes)] if model.num_classes
                  else [codes_mu])
        total = sum(-2 * m.log_density(g).sum().item() + m.parameters() * math.log(len(g))
                    for m, g in zip(posterior.mixtures, groups, strict=True))
        bic = f", BIC {total:,.0f}"
    print(f"  {ckpt.name}: mixture of {codes} codes, {posterior.mixtures[0].components} components"
          f"{' per label' if model.num_classes else ''}: {seconds:.1f} s (fit, or read from the "
          f"cache){bic}", flush=True)
    return posterior


def unconditional(ckpt, net, args, cache) -> None:
    model = ckpt.model.eval()
    d, n = model.latent_dim, args.samples
    columns: dict[str, torch.Tensor] = {}
    test_images, _ = load_split("test")
    columns["test digits"] = to_float(test_images)
    samplers = {"prior": mixture.Sampler(d)}
    for codes in args.codes:
        samplers[f"mixture ({codes})"] = mixture.MixtureSampler(
            fit_mixture(model, ckpt, codes, args.components, cache))
    with torch.no_grad():
        for name, sampler in samplers.items():
            columns[name] = model.decode(sampler.codes(n, args.temperature, args.seed))
    reads = {name: read(net, images) for name, images in columns.items()}
    print(f"\n{ckpt.name}: {n:,} samples per sampler (temperature {args.temperature:g}); "
          f"the real test digits for reference\n")
    print("| | " + " | ".join(reads) + " |")
    print("|---|" + "---:|" * len(reads))
    print(f"| read confidently (max p >= {CONFIDENT}) | "
          + " | ".join(f"{(top >= CONFIDENT).float().mean():.1%}" for _, top in reads.values()) + " |")
    for digit in range(10):
        print(f"| share read as {digit} | "
              + " | ".join(f"{(lab == digit).float().mean():.1%}" for lab, _ in reads.values()) + " |")
    for name, (lab, top) in reads.items():
        if not name.startswith("mixture"):
            continue
        confident = (top >= CONFIDENT).float().mean().item()
        shares = torch.bincount(lab, minlength=10).float() / len(lab)
        ok = confident >= TARGET_CONFIDENT and bool(((shares >= DIGIT_LOW) & (shares <= DIGIT_HIGH)).all())
        print(f"{name}: {confident:.1%} confident, digits {shares.min():.1%}-{shares.max():.1%}: "
              + ("meets the target" if ok else "MISSES the target (>= 80% confident, every digit 4%-16%)"))


def conditional(ckpt, net, args, cache) -> None:
    model = ckpt.model.eval()
    d, n = model.latent_dim, args.per_label
    samplers = {"prior": mixture.Sampler(d)}
    for codes in args.codes:
        samplers[f"mixture ({codes})"] = mixture.MixtureSampler(
            fit_mixture(model, ckpt, codes, args.components, cache))
    table = {name: [] for name in samplers}
    with torch.no_grad():
        for name, sampler in samplers.items():
            for label in range(model.num_classes):
                z = sampler.codes(n, args.temperature, args.seed + label, label)
                images = model.decode(z, torch.full((n,), label, dtype=torch.long))
                table[name].append((read(net, images)[0] == label).float().mean().item())
    print(f"\n{ckpt.name} ({ckpt.config.describe()}): share of {n:,} samples per label read as that "
          f"label (temperature {args.temperature:g}, target >= {TARGET_LABEL:.0%})\n")
    print("| label | " + " | ".join(table) + " |")
    print("|---:|" + "---:|" * len(table))
    for label in range(model.num_classes):
        print(f"| {label} | " + " | ".join(f"{r[label]:.1%}" for r in table.values()) + " |")
    print("| **min** | " + " | ".join(f"{min(r):.1%}" for r in table.values()) + " |")
    for name, r in table.items():
        missed = [str(label) for label, share in enumerate(r) if share < TARGET_LABEL]
        verdict = "meets the target" if not missed else f"MISSES it for label(s) {', '.join(missed)}"
        print(f"{name}: {verdict}")


def main(argv: list[str] | None = None) -> int:
    keep_freed_memory()  # the C heap as the app's own process keeps it (cli.main)
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    models = bundled_models_dir()
    p.add_argument("--vae", default=str(models / "mnist-vae-z16.pt"), help="unconditional model")
    p.add_argument("--cvae", default=str(models / "mnist-cvae-z16.pt"), help="conditional model")
    p.add_argument("--samples", type=int, default=10000, help="unconditional samples per sampler")
    p.add_argument("--per-label", type=int, default=1000, help="conditional samples per label")
    p.add_argument("--codes", nargs="+", default=[mixture.CODES_MEAN, mixture.CODES_DRAW],
                   choices=(mixture.CODES_MEAN, mixture.CODES_DRAW))
    p.add_argument("--components", type=int, default=None,
                   help=f"mixture components (default {mixture.COMPONENTS}; a CVAE's per label "
                        f"{mixture.LABEL_COMPONENTS})")
    p.add_argument("--temperature", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epochs", type=int, default=3, help="classifier training epochs (default 3)")
    p.add_argument("--no-cache", action="store_true", help="fit the mixtures again (memory cache only)")
    args = p.parse_args(argv)

    torch.set_num_threads(max(1, min(2, torch.get_num_threads())))
    net = load_or_train(cache_dir() / "bench" / f"mnist-cnn-{args.epochs}ep-seed0.pt", args.epochs, 0,
                        torch.device("cpu"), retrain=False)
    cache = mixture.MixtureCache(None if args.no_cache else mixture.default_cache_folder())
    for path, judge in ((args.vae, unconditional), (args.cvae, conditional)):
        if not path:
            continue
        ckpt = checkpoint.load(path)
        ckpt.name = ckpt.name or Path(path).stem
        wanted = bool(ckpt.config.conditional) == (judge is conditional)
        if not wanted:
            print(f"skipping {path}: {'not ' if judge is conditional else ''}a conditional model")
            continue
        if args.components is not None:
            args_components = args.components
        else:
            args_components = mixture.LABEL_COMPONENTS if ckpt.config.conditional else mixture.COMPONENTS
        judge(ckpt, net, argparse.Namespace(**{**vars(args), "components": args_components}), cache)
    return 0


if __name__ == "__main__":
    sys.exit(main())
