"""The aggregate-posterior mixture fit (core.mixture) against scikit-learn's own GaussianMixture
fit of the same codes, and its EM against the hardware's float64 matrix-product rate.

    .venv/bin/python bench/mixture_fit_speed.py [--threads 1] [--models NAME ...] [--all]

For each bundled model (by default the 2-D and 16-D VAEs and the 16-D CVAE; --all adds the
50-D binarised VAE, whose scikit-learn fit takes minutes, and the 2-D CVAE), the codes the app
fits (the posterior means of the training images the model saw) are fitted twice, alternately
per model: by scikit-learn's GaussianMixture in one call (k-means start, then EM one component
at a time in NumPy), and as the app fits them (the same start, then core.mixture_em's EM in
torch). Prints both times, the app's split into start and EM, EM's arithmetic rate against a
1024x1024 float64 product's measured in the same run, and the largest difference between the
two mixtures' means and covariances.

EM's arithmetic per iteration is counted as core.mixture_em does it: the codes' outer products
(N x D*D) times the K precisions and, weighted by the responsibilities, summed for the K
covariances: 4 N D^2 K floating-point operations.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from vae_desktop.core.heap import keep_freed_memory  # noqa: E402

DEFAULT = ("mnist-vae-z2", "mnist-vae-z16", "mnist-cvae-z16")
MORE = ("mnist-cvae-z2", "mnist-vae-z50-binarized")


def dgemm_rate(size: int = 1024, repeats: int = 10) -> float:
    a, b = torch.randn(size, size, dtype=torch.float64), torch.randn(size, size, dtype=torch.float64)
    a @ b
    started = time.perf_counter()
    for _ in range(repeats):
        a @ b
    return 2 * size ** 3 * repeats / (time.perf_counter() - started) / 1e9


def groups(name: str):
    """The model and the codes the app fits for it: (codes, components) per mixture."""
    from vae_desktop.core import checkpoint, mixture
    from vae_desktop.core.data import binarize_fixed
    from vae_desktop.core.latent import encode_posterior
    from vae_desktop.core.paths import bundled_models_dir

    ckpt = checkpoint.load(bundled_models_dir() / f"{name}.pt")
    model = ckpt.model.eval()
    images, labels, _ = mixture.training_data(ckpt.train_config)
    if getattr(model.config, "binarized", False):
        images = binarize_fixed(images)
    conditional = model.num_classes > 0
    codes = encode_posterior(model, images, labels if conditional else None)[0].double().numpy()
    settings = mixture.FitSettings()
    if not conditional:
        return [(codes, settings.components)]
    return [(codes[(labels == c).numpy()], settings.label_components) for c in range(model.num_classes)]


def scikit_learn_fit(codes: np.ndarray, components: int):
    from sklearn.mixture import GaussianMixture
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, user_api="blas"):
        return GaussianMixture(components, covariance_type="full", random_state=0,
                               max_iter=200).fit(codes)


def app_fit(codes: np.ndarray, components: int):
    """core.mixture's start and EM, timed apart: (state, start s, EM s)."""
    from vae_desktop.core.mixture import em_start
    from vae_desktop.core.mixture_em import em_steps

    started = time.perf_counter()
    state = em_start(codes, components)
    begun = time.perf_counter()
    for _ in em_steps(torch.from_numpy(codes), state, 200):
        pass
    return state, begun - started, time.perf_counter() - begun


def main() -> int:
    keep_freed_memory()  # the C heap as the app's own process keeps it (cli.main)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=1,
                        help="torch threads for the app's EM (default 1: a worker beside training)")
    parser.add_argument("--models", nargs="*",
                        help=f"bundled model names (default: {', '.join(DEFAULT)})")
    parser.add_argument("--all", action="store_true", help="also " + ", ".join(MORE))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    warnings.filterwarnings("ignore", message="Best performing initialization did not converge")
    names = args.models or (DEFAULT + MORE if args.all else DEFAULT)
    print(f"torch {torch.__version__}, {args.threads} thread(s) for the app's EM; scikit-learn on one")
    print("| model | mixtures × components, codes, D | scikit-learn's fit | the app's fit (start + EM) "
          "| x | EM iterations | EM rate, share of float64 1024² | largest difference |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name in names:
        fits = groups(name)
        rate = dgemm_rate()
        sk_s = app_start = app_em = 0.0
        iterations = flops = 0
        difference = 0.0
        for codes, components in fits:
            t = time.perf_counter()
            reference = scikit_learn_fit(codes, components)
            sk_s += time.perf_counter() - t
            state, start_s, em_s = app_fit(codes, components)
            app_start, app_em = app_start + start_s, app_em + em_s
            iterations += state.iterations
            n, d = codes.shape
            flops += 4 * n * d * d * components * state.iterations
            difference = max(difference, float(np.abs(state.means.numpy() - reference.means_).max()),
                             float(np.abs(state.covariances.numpy() - reference.covariances_).max()))
        rate_after = dgemm_rate()
        em_rate = flops / app_em / 1e9
        limit = (rate + rate_after) / 2
        n, d = sum(len(c) for c, _ in fits), fits[0][0].shape[1]
        print(f"| {name} | {len(fits)} × {fits[0][1]}, {n:,}, {d} | {sk_s:.2f} s | "
              f"{app_start + app_em:.2f} s ({app_start:.2f} + {app_em:.2f}) | "
              f"{sk_s / (app_start + app_em):.1f} | {iterations} | {em_rate:.1f} GFLOP/s, "
              f"{em_rate / limit:.0%} of {limit:.1f} | {difference:.1e} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
