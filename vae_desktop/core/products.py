"""Float32 matrix products on the CPU, through oneDNN where torch's BLAS is the slower.

torch multiplies float32 matrices on the CPU with its BLAS, Intel's MKL, which runs its AVX-512
code only on Intel CPUs. On an AMD EPYC with AVX-512 (Zen 5, 2 cores) MKL's products ran at
206-215 GFLOP/s at the MLP's shapes and at 1024², while oneDNN, which torch already uses for
bf16 products and for every convolution, ran the same products at 409-488 GFLOP/s, the same
results within float rounding (2026-12-06, bench/train_throughput.py prints both); on a Zen 4
183-198 against 134 GFLOP/s, and the MLP's float32 step through oneDNN 0.98x its time
through MKL (5.40 against 5.50 ms, four alternating runs, 2026-12-07). On an AMD
EPYC without AVX-512 (Zen 3, AVX2), MKL's AVX2 paths run: there the two ran the MLP's products
at about the same rate (137 against 143 GFLOP/s) and the MLP's step was 1.15x faster through MKL
(5.84 against 6.69 ms, 2026-12-06), which writes into the step's kept buffers. `mm` and
`linear` here go through oneDNN (`torch.ops.mkldnn._linear_pointwise`, the op torch's own
compiler emits for a linear layer on the CPU) where `onednn_preferred()` says so, and through
torch's BLAS elsewhere: on Intel CPUs, where MKL takes its AVX-512 paths (not measured against
oneDNN here, so left as torch does it), on AMD CPUs without AVX-512, and wherever the op is
missing.
"""

from __future__ import annotations

import functools
import os
import platform
from pathlib import Path

import torch

from .relu import relu_

# "onednn" or "blas" forces one backend (a bench compares both); anything else lets the CPU's
# vendor decide.
BACKEND_VARIABLE = "VAE_DESKTOP_FP32_PRODUCTS"


def cpu_fields() -> dict[str, str]:
    """The first processor's fields in /proc/cpuinfo ("vendor_id", "model name", "cpu family",
    "model", ...), or {} where there is no such file (Windows, macOS)."""
    fields: dict[str, str] = {}
    try:
        for line in Path("/proc/cpuinfo").read_text(errors="replace").splitlines():
            key, colon, value = line.partition(":")
            if colon:
                fields.setdefault(key.strip(), value.strip())
    except OSError:
        pass
    return fields


def cpu_vendor() -> str:
    """The CPU's vendor string ("AuthenticAMD", "GenuineIntel", ...) or "" where unknown."""
    vendor = cpu_fields().get("vendor_id")
    if vendor:
        return vendor
    processor = platform.processor()  # Windows: "AMD64 Family 25 Model 97 ..., AuthenticAMD"
    return next((v for v in ("AuthenticAMD", "GenuineIntel") if v in processor), "")


def onednn_available() -> bool:
    """Whether this torch can run a float32 product through oneDNN on dense tensors."""
    try:
        return bool(torch.backends.mkldnn.is_available()
                    and torch.ops.mkldnn._linear_pointwise.default is not None)
    except (AttributeError, RuntimeError):
        return False


def avx512() -> bool:
    """Whether torch runs its AVX-512 kernels on this CPU (ATEN_CPU_CAPABILITY may lower it)."""
    try:
        return torch.backends.cpu.get_cpu_capability() == "AVX512"
    except (AttributeError, RuntimeError):
        return False


@functools.cache
def onednn_preferred() -> bool:
    """Whether float32 products on the CPU go through oneDNN: on AMD CPUs with AVX-512, where
    MKL is the slower, or where BACKEND_VARIABLE asks for it; never where the op is missing."""
    asked = os.environ.get(BACKEND_VARIABLE, "")
    if asked == "blas" or not onednn_available():
        return False
    return asked == "onednn" or (cpu_vendor() == "AuthenticAMD" and avx512())


# A product with a side shorter than this stays with torch's BLAS even where oneDNN is
# preferred: oneDNN's set-up per call outweighs its speed there. The MLP's latent side (400x20,
# 20x400, 40x128 ...) made the bf16 step 1.07-1.08x slower through oneDNN (2026-12-06, AMD EPYC).
MIN_SIDE = 64


def worth_onednn(m: int, k: int, n: int) -> bool:
    """Whether an (m x k) @ (k x n) float32 product goes through oneDNN: where it is preferred,
    and the product has no side under MIN_SIDE."""
    return min(m, k, n) >= MIN_SIDE and onednn_preferred()


def linear(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None,
           relu: bool = False, onednn: bool | None = None,
           out: torch.Tensor | None = None) -> torch.Tensor:
    """`x @ weight.T + bias`, then a ReLU if `relu`, on CPU tensors of any strides (a
    transposed view costs nothing). `onednn` None: oneDNN for a float32 product where
    `worth_onednn` says so for its shape, torch's own product otherwise. `out`: where torch's
    product writes (oneDNN's has no `out`: it returns a new tensor)."""
    if onednn is None:
        onednn = x.dtype == torch.float32 and worth_onednn(x.shape[0], x.shape[1],
                                                           weight.shape[0])
    if onednn:
        return _onednn_linear(x, weight, bias, relu)
    if bias is None:
        result = torch.mm(x, weight.t(), out=out)
    else:
        result = torch.addmm(bias, x, weight.t(), out=out)
    return relu_(result) if relu else result


def _onednn_linear(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None,
                   relu: bool) -> torch.Tensor:
    return torch.ops.mkldnn._linear_pointwise(x, weight, bias, "relu" if relu else "none", [], "")


def mm(a: torch.Tensor, b: torch.Tensor, onednn: bool | None = None,
       out: torch.Tensor | None = None, alpha: float = 1.0) -> torch.Tensor:
    """`alpha * a @ b`, as `linear` runs its product (and chooses where, for `onednn` None)."""
    if onednn is None:
        onednn = a.dtype == torch.float32 and worth_onednn(a.shape[0], a.shape[1], b.shape[1])
    if onednn:
        result = _onednn_linear(a, b.t(), None, False)
        return result.mul_(alpha) if alpha != 1.0 else result
    if alpha == 1.0:
        return torch.mm(a, b, out=out)
    if out is None:
        return torch.mm(a, b).mul_(alpha)
    return torch.addmm(out, a, b, beta=0, alpha=alpha, out=out)


class _OneDNNLinear(torch.autograd.Function):
    """A linear layer whose forward and backward products run through oneDNN."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, weight: torch.Tensor,
                bias: torch.Tensor | None) -> torch.Tensor:
        ctx.save_for_backward(x, weight)
        ctx.has_bias = bias is not None
        return linear(x, weight, bias, onednn=True)

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        x, weight = ctx.saved_tensors
        wanted = ctx.needs_input_grad
        grad_x = mm(grad, weight, onednn=True) if wanted[0] else None
        grad_weight = mm(grad.t(), x, onednn=True) if wanted[1] else None
        grad_bias = grad.sum(0) if ctx.has_bias and wanted[2] else None
        return grad_x, grad_weight, grad_bias


def run_layers(layers: torch.nn.Module, x: torch.Tensor) -> torch.Tensor:
    """`layers(x)` for an nn.Sequential, each layer through `run_layer`."""
    for layer in layers:
        x = run_layer(layer, x)
    return x


def run_layer(layer: torch.nn.Module, x: torch.Tensor) -> torch.Tensor:
    """`layer(x)`, with a plain nn.Linear's products through oneDNN where `worth_onednn` says so
    for its forward product and its input is a float32 CPU matrix outside autocast (there
    autocast picks the precision, and bf16 products already run in oneDNN)."""
    if (type(layer) is torch.nn.Linear and x.dtype == layer.weight.dtype == torch.float32
            and x.dim() == 2 and x.device.type == "cpu" and not torch.is_autocast_enabled("cpu")
            and worth_onednn(x.shape[0], layer.in_features, layer.out_features)
            and not _hooked(layer)):
        return _OneDNNLinear.apply(x, layer.weight, layer.bias)
    return layer(x)


def _hooked(layer: torch.nn.Module) -> bool:
    """Whether calling `layer` would run hooks (its own or every module's), which a product
    run here would skip. Where a torch keeps them elsewhere, assume it might."""
    hooks = torch.nn.modules.module
    places = ((layer, "_forward_hooks"), (layer, "_forward_pre_hooks"), (layer, "_backward_hooks"),
              (layer, "_backward_pre_hooks"), (hooks, "_global_forward_hooks"),
              (hooks, "_global_forward_pre_hooks"), (hooks, "_global_backward_hooks"),
              (hooks, "_global_backward_pre_hooks"))
    return any(getattr(where, name, True) for where, name in places)
