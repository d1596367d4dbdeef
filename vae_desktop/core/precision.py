"""Training precision: float32, or bfloat16 autocast where the hardware computes in bf16.

The default is float32: bf16 becomes the default only once its 10-epoch test loss has been
measured within 0.3 nats of float32 on three seeds on hardware that runs it natively (not yet
done: the development machine's CPU has neither AMX nor AVX512-BF16). "auto" picks bf16 only
where it is native: a CUDA GPU that supports it, or a CPU with AMX-BF16 or AVX512-BF16 (oneDNN's
bf16 kernels); elsewhere bf16 is emulated and slower than float32, so "auto" means float32.
Weights, the optimizer and the loss stay float32 either way; autocast runs the matrix products
(and convolutions) in bf16.
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


def resolve_precision(name: str, device: torch.device) -> str:
    """"fp32" or "bf16" for a setting of "auto", "fp32" or "bf16" on `device`."""
    problem = SETTINGS["precision"].problem(name)
    if problem:
        raise ValueError(problem)
    if name == "auto":
        return "bf16" if native_bf16(device) else "fp32"
    if name == "bf16" and device.type not in ("cpu", "cuda"):
        raise ValueError(f"bf16 autocast is not available on {device.type}; use fp32")
    return name


def autocast(device: torch.device, precision: str):
    """A context that runs the model's matrix products in `precision` ("fp32": no change)."""
    if precision == "bf16":
        return torch.autocast(device.type, dtype=torch.bfloat16)
    return contextlib.nullcontext()
