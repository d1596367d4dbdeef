"""Does a conditional VAE write the digit it is asked for? Judged by an independent reader.

Trains a small CNN classifier on the MNIST training set (cached after the first run; --retrain
trains it again), then for each conditional model generates `--samples` images per label from
z ~ N(0, t^2 I) and prints the share the classifier reads as the intended label. Target: at least
95% for every label at temperature 1. Also prints how often the model's own guess (the generative
classifier used for style transfer: softmax of -ELBO over labels) is right on the test set.

    .venv/bin/python bench/conditional_quality.py
    .venv/bin/python bench/conditional_quality.py --retrain --models my-cvae.pt --temperature 0.8
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vae_desktop.core import checkpoint, generate  # noqa: E402
from vae_desktop.core.data import cache_dir, load_split, to_float  # noqa: E402
from vae_desktop.core.device import resolve_device  # noqa: E402
from vae_desktop.core.fileio import atomic_write  # noqa: E402
from vae_desktop.core.heap import keep_freed_memory  # noqa: E402
from vae_desktop.core.paths import bundled_models_dir  # noqa: E402
from vae_desktop.core.training import seed_everything  # noqa: E402

TARGET = 0.95
DEFAULT_MODELS = ("mnist-cvae-z2.pt", "mnist-cvae-z16.pt")


def make_classifier() -> nn.Module:
    """Two conv blocks and a small head: about 99% on the MNIST test set after 3 epochs."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.25), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10),
    )


@torch.no_grad()
def predict(net: nn.Module, x: torch.Tensor, batch: int = 1000) -> torch.Tensor:
    net.eval()
    return torch.cat([net(x[i:i + batch]).argmax(1) for i in range(0, len(x), batch)])


def train_classifier(epochs: int, seed: int, device: torch.device) -> nn.Module:
    seed_everything(seed)
    images, labels = load_split("train")
    x, y = to_float(images, device), labels.to(device)
    net = make_classifier().to(device)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=epochs * (len(x) // 128 + 1))
    for epoch in range(epochs):
        net.train()
        start = time.perf_counter()
        order = torch.randperm(len(x), device=device)
        for i in range(0, len(x), 128):
            idx = order[i:i + 128]
            loss = F.cross_entropy(net(x[idx]), y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
        print(f"  classifier epoch {epoch + 1}/{epochs}: last batch loss {loss.item():.3f} "
              f"({time.perf_counter() - start:.0f} s)", flush=True)
    return net.eval()


def load_or_train(path: Path, epochs: int, seed: int, device: torch.device, retrain: bool) -> nn.Module:
    if path.is_file() and not retrain:
        try:
            net = make_classifier()
            net.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
            print(f"classifier: cached weights {path}")
            return net.to(device).eval()
        except (OSError, RuntimeError, ValueError) as exc:
            print(f"classifier: cached weights unusable ({exc}); training again")
    print(f"classifier: training a small CNN on the 60,000 MNIST training images ({epochs} epochs)")
    net = train_classifier(epochs, seed, device)
    buf = io.BytesIO()
    torch.save({k: v.cpu() for k, v in net.state_dict().items()}, buf)
    try:
        atomic_write(path, lambda tmp: Path(tmp).write_bytes(buf.getvalue()))
        print(f"classifier: weights cached at {path}")
    except OSError as exc:
        print(f"classifier: could not cache weights ({exc})")
    return net


@torch.no_grad()
def label_accuracy(model, net: nn.Module, samples: int, temperature: float, seed: int) -> list[float]:
    """Share of `samples` generated images per label that the classifier reads as that label."""
    shares = []
    for label in range(model.num_classes):
        z = generate.sample_codes(model.latent_dim, samples, temperature, seed + label, model.device)
        y = torch.full((samples,), label, dtype=torch.long, device=model.device)
        images = model.decode(z, y).to(next(net.parameters()).device)
        shares.append((predict(net, images) == label).float().mean().item())
    return shares


@torch.no_grad()
def guess_accuracy(model, images: torch.Tensor, labels: torch.Tensor) -> float:
    guesses = torch.cat([generate.guess_label(model, images[i:i + 2000])[0]
                         for i in range(0, len(images), 2000)])
    return (guesses == labels).float().mean().item()


def main(argv: list[str] | None = None) -> int:
    keep_freed_memory()  # the C heap as the app's own process keeps it (cli.main)
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models", nargs="+", help="conditional checkpoints (default: the bundled ones)")
    p.add_argument("--samples", type=int, default=1000, help="samples per label (default 1000)")
    p.add_argument("--temperature", type=float, default=1.0)
    p.add_argument("--epochs", type=int, default=3, help="classifier training epochs (default 3)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="cpu")
    p.add_argument("--retrain", action="store_true", help="train the classifier again, ignoring the cache")
    p.add_argument("--cache", type=Path, default=None, help="classifier weights file")
    args = p.parse_args(argv)

    torch.set_num_threads(max(1, min(2, torch.get_num_threads())))
    device = resolve_device(args.device)
    models = args.models or [str(bundled_models_dir() / name) for name in DEFAULT_MODELS]
    cache = args.cache or cache_dir() / "bench" / f"mnist-cnn-{args.epochs}ep-seed{args.seed}.pt"

    net = load_or_train(cache, args.epochs, args.seed, device, args.retrain)
    test_images, test_labels = load_split("test")
    x_test = to_float(test_images, device)
    acc = (predict(net, x_test).cpu() == test_labels).float().mean().item()
    print(f"classifier test accuracy: {acc:.2%}\n")

    columns, results, guesses = [], [], []
    for path in models:
        try:
            ckpt = checkpoint.load(path, device=str(device))
        except checkpoint.CheckpointError as exc:
            print(f"skipping {path}: {exc}")
            continue
        if not ckpt.config.conditional:
            print(f"skipping {path}: not a conditional model")
            continue
        model = ckpt.model.eval()
        start = time.perf_counter()
        results.append(label_accuracy(model, net, args.samples, args.temperature, args.seed))
        guesses.append(guess_accuracy(model, x_test.to(model.device), test_labels.to(model.device)))
        columns.append(ckpt.name or Path(path).stem)
        print(f"{columns[-1]}: {args.samples * model.num_classes} samples classified "
              f"in {time.perf_counter() - start:.1f} s")
    if not results:
        print("no conditional model to judge")
        return 1

    print(f"\nShare of {args.samples} samples per label read as that label "
          f"(temperature {args.temperature:g}, target >= {TARGET:.0%}):\n")
    print("| label | " + " | ".join(columns) + " |")
    print("|---:|" + "---:|" * len(columns))
    for label in range(len(results[0])):
        print(f"| {label} | " + " | ".join(f"{r[label]:.1%}" for r in results) + " |")
    print("| **mean** | " + " | ".join(f"{sum(r) / len(r):.1%}" for r in results) + " |")
    print("| **min** | " + " | ".join(f"{min(r):.1%}" for r in results) + " |")
    print("| model's own guess, test set | " + " | ".join(f"{g:.1%}" for g in guesses) + " |")
    print()
    for name, r in zip(columns, results, strict=True):
        missed = [str(label) for label, share in enumerate(r) if share < TARGET]
        verdict = "meets the target" if not missed else f"MISSES the target for label(s) {', '.join(missed)}"
        print(f"{name}: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
