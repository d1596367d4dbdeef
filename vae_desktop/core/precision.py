"""Training precision: float32, or bfloat16 autocast where the hardware computes in bf16.

The default is "auto": bf16 where the hardware computes it natively (a CUDA GPU that supports it,
or a CPU with AMX-BF16 or AVX512-BF16, oneDNN's bf16 kernels), float32 elsewhere, where bf16 is
emulated and slower. "auto" picks bf16 only for the MLP, whose 10-epoch test loss in bf16 was
measured within 0.06 nats of float32 on seeds 1-3 (2026-12-03, AVX512-BF16 CPU). The conv
model stays float32 under "auto": measured on 2026-12-06 (a Xeon with AMX), its 10-epoch test
losses in bf16 on seeds 1-5 were 98.43, 97.90, 97.77, 97.39 and 98.58 against float32's 97.87,
97.92, 97.79, 97.64 and 98.17, outside the 0.3-nat rule on seeds 1 and 5, for an epoch about
1.5x faster (asking for "bf16" still works). Each seed's last epoch moves by up to 0.3 nats from
the one before, so this is the rule's own noise as much as bf16's: on an AMD EPYC without AMX
(2026-12-06) bf16 was within 0.26 nats of float32 on all five seeds in one run, and 0.43 off on
seed 2 once the latent side's small products changed where they round; the means were equal.
On a CUDA GPU (an H100, 2026-12-05) "auto" is bf16 for the MLP too: with the step replayed
from a CUDA graph (core.graphed_step) a bf16 epoch took 0.149 s against fp32's 0.154 s, the same
test loss within 0.07 nats after 3 epochs.
Weights, the optimizer and the loss stay float32 either way; only the matrix products (and
convolutions) on the image side run in bf16. The latent side (the mean and log-variance layers,
z and the decoder's first layer) stays float32 (float32_products, below), as in the
hand-written MLP step.
"""

from __future__ import annotations

import contextlib

import torch

from .settings import SETTINGS

PRECISIONS = SETTINGS["precision"].choices


def native_bf16(device: torch.device) -> bool:
    """Whether `device` multiplies bf16 matrices in hardware."""
    if device.type == "cuda":
        return bool(torch.cuda.is_available() and torch.cuda.is_bf16_supported())
    if device.type == "cpu":
        cpu = torch.cpu
        amx = getattr(cpu, "_is_amx_tile_supported", lambda: False)
        avx512_bf16 = getattr(cpu, "_is_avx512_bf16_supported", lambda: False)
        return bool(amx() or avx512_bf16())
    return False


def resolve_precision(name: str, device: torch.device, arch: str = "mlp") -> str:
    """"fp32" or "bf16" for a setting of "auto", "fp32" or "bf16", on `device`, for `arch`."""
    problem = SETTINGS["precision"].problem(name)
    if problem:
        raise ValueError(problem)
    if name == "auto":
        return "bf16" if arch == "mlp" and native_bf16(device) else "fp32"
    if name == "bf16" and device.type not in ("cpu", "cuda"):
        raise ValueError(f"bf16 autocast is not available on {device.type}; use fp32")
    return name


def autocast(device: torch.device, precision: str, cache: bool = True):
    """A context that runs the model's matrix products in `precision` ("fp32": no change);
    `cache` False casts the weights at each use (inside a CUDA graph's capture)."""
    if precision == "bf16":
        return torch.autocast(device.type, dtype=torch.bfloat16, cache_enabled=cache)
    return contextlib.nullcontext()


def float32_products(like: torch.Tensor):
    """A context in which autocast, where it is on for `like`'s device, is off: under bf16
    autocast the latent side (the mean and log-variance layers, the noise, z and the decoder's
    first layer) computes in float32, as core.fast_step's hand-written MLP step does, so the
    autograd step (conv, deeper MLPs, CUDA) and the hand-written one give the same weight
    gradients (a test). Under autocast z kept bf16's 8 significant bits. Measured 2026-12-06: a
    bf16 conv step 1.01x and a 2-layer MLP's 0.97x the time; the 10-epoch test losses moved
    within their seed-to-seed noise (conv seeds 1-3 98.43, 97.90, 97.77 against 98.36, 97.85,
    97.85), so this is for exactness, not for the conv model's loss."""
    device = like.device.type  # "meta" (core.memory's dry runs) has no autocast to ask
    if torch.amp.is_autocast_available(device) and torch.is_autocast_enabled(device):
        return torch.autocast(device, enabled=False)
    return contextlib.nullcontext()
