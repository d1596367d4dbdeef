"""One epoch of the 784-400-20 VAE at batch 128: the project's trainer against the classic
pytorch/examples loop (torchvision MNIST + ToTensor + DataLoader), measured side by side in one
run, plus the trainer's achieved GFLOP/s against a large matmul measured in the same run.

    .venv/bin/python bench/train_throughput.py [--device cpu] [--epochs 1]

Targets: trainer epoch time at most 0.5x the reference's; at least 50% of the matmul rate.
"""

from __future__ import annotations

import argparse
import gzip
import tempfile
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from vae_desktop.core.data import FILES, bundled_mnist_dir, load_split
from vae_desktop.core.device import resolve_device
from vae_desktop.core.training import TrainConfig, Trainer, new_model

# Multiply-accumulates per image of one forward pass: 784-400-(20+20), then 20-400-784.
MACS_PER_IMAGE = 784 * 400 + 400 * 20 * 2 + 20 * 400 + 400 * 784
FLOPS_PER_IMAGE_TRAIN = 3 * 2 * MACS_PER_IMAGE  # backward costs about twice the forward


class ClassicVAE(nn.Module):
    """The model of pytorch/examples/vae, unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(784, 400)
        self.fc21 = nn.Linear(400, 20)
        self.fc22 = nn.Linear(400, 20)
        self.fc3 = nn.Linear(20, 400)
        self.fc4 = nn.Linear(400, 784)

    def forward(self, x):
        h1 = F.relu(self.fc1(x.view(-1, 784)))
        mu, logvar = self.fc21(h1), self.fc22(h1)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return torch.sigmoid(self.fc4(F.relu(self.fc3(z)))), mu, logvar


def classic_epoch(root: Path, device: torch.device) -> float:
    from torchvision import datasets, transforms

    dataset = datasets.MNIST(str(root), train=True, download=False, transform=transforms.ToTensor())
    kwargs = {"num_workers": 1, "pin_memory": True} if device.type == "cuda" else {}
    loader = torch.utils.data.DataLoader(dataset, batch_size=128, shuffle=True, **kwargs)
    model = ClassicVAE().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    start = time.perf_counter()
    for data, _ in loader:
        data = data.to(device)
        optimizer.zero_grad()
        recon, mu, logvar = model(data)
        bce = F.binary_cross_entropy(recon, data.view(-1, 784), reduction="sum")
        kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        (bce + kld).backward()
        optimizer.step()
    _sync(device)
    return time.perf_counter() - start


def trainer_epoch(device: torch.device) -> tuple[float, int]:
    train = load_split("train")
    model = new_model(1)
    trainer = Trainer(model, train, None, TrainConfig(epochs=1, device=str(device)),
                      step_interval_s=0.25)
    start = time.perf_counter()
    trainer.run()
    _sync(device)
    return time.perf_counter() - start, len(train[0])


def matmul_gflops(device: torch.device, n: int = 2048, repeats: int = 10, trials: int = 5) -> float:
    """The best of `trials` timings of `repeats` n x n float32 matmuls: the machine's attainable
    rate, as the trainer's epochs are also the best of several."""
    a = torch.randn(n, n, device=device)
    b = torch.randn(n, n, device=device)
    a @ b
    best = float("inf")
    for _ in range(trials):
        _sync(device)
        start = time.perf_counter()
        for _ in range(repeats):
            a @ b
        _sync(device)
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 * repeats / best / 1e9


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def torchvision_folder(tmp: Path) -> Path:
    """torchvision's MNIST layout (root/MNIST/raw/<idx files>) from the bundled files."""
    raw = tmp / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for names in FILES.values():
        for name in names:
            (raw / name).write_bytes(gzip.decompress((bundled_mnist_dir() / f"{name}.gz").read_bytes()))
    return tmp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--epochs", type=int, default=2,
                        help="epochs of each, interleaved; the best time of each is kept")
    args = parser.parse_args()
    device = resolve_device(args.device)
    print(f"device: {device}, torch {torch.__version__}, {torch.get_num_threads()} threads")
    with tempfile.TemporaryDirectory() as tmp:
        root = torchvision_folder(Path(tmp))
        ours, ref = [], []
        for _ in range(args.epochs):  # interleaved so both see the same machine load
            t, n_images = trainer_epoch(device)
            ours.append(t)
            ref.append(classic_epoch(root, device))
    peak = matmul_gflops(device)
    t_ours, t_ref = min(ours), min(ref)
    achieved = FLOPS_PER_IMAGE_TRAIN * n_images / t_ours / 1e9
    print(f"reference epoch (torchvision + ToTensor + DataLoader): {t_ref:7.2f} s")
    print(f"vae-desktop trainer epoch (in-memory batches):         {t_ours:7.2f} s "
          f"(includes the end-of-epoch bookkeeping)")
    print(f"ratio trainer / reference: {t_ours / t_ref:.2f}x (target <= 0.50x)")
    print(f"trainer: {n_images / t_ours:,.0f} images/s, {achieved:.1f} GFLOP/s; "
          f"2048x2048 matmul: {peak:.1f} GFLOP/s; share {achieved / peak:.0%} (target >= 50%)")


if __name__ == "__main__":
    main()
