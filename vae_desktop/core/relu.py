"""ReLUs that take bf16 tensors on the CPU through their bits.

torch's ReLU (`clamp_min_`) and its backward (`threshold_backward`) are slow on bf16 CPU tensors:
at the conv model's 128 x 32 x 14 x 14 activations, 2 threads, 2026-12-07 (Intel Xeon with
AMX), the ReLU took 87 us and its backward 141 us, where a copy of the tensor took 30. Read as
int16, a bf16 number's bits order as the number does among the numbers of one sign, and every
negative number (-0 and -inf included) reads as -128 or less, every NaN above -128. So:
- the ReLU is `threshold_(bits, -128, 0)`: a negative number becomes +0, and a positive one or a
  NaN stays as it is: torch's ReLU in value, with +0 for -0 (34 against 87 us);
- its backward is `threshold_backward` of the gradient's bits on the output's: the gradient
  passes where the output is above 0, bit for bit as torch's, but for a NaN output (the run has
  failed by then, and the trainer stops it) (67 against 141 us).
Both are int16 kernels that torch vectorises. Where autograd records the ReLU, its Function's
Python costs 20-50 us, so only tensors of MIN_FOR_AUTOGRAD numbers or more take this path there:
the conv model's three ReLUs at 14 x 14 and 7 x 7 and the one at 128 x 3,136. Its bf16 epoch in
bench/conv_throughput.py took 8.24-8.59 s against 8.41-8.69 s with torch's ReLU (1.01-1.05x,
four runs, 2026-12-07), most of it in the steps; the MLP's hand-written bf16 step
(core.fast_step) 0.992x, 40 rounds of 20 steps. Each run's losses were the same to the last
digit printed. Other dtypes and devices take torch's own.
"""

from __future__ import annotations

import torch
from torch import nn

_BITS = torch.int16
# Read as int16, every negative bf16 number (-0 to -inf) is at most this, every NaN above it.
_LAST_NEGATIVE = -128
# The smallest tensor whose ReLU goes through the bits where autograd records it: the autograd
# Function's Python costs more than the kernels save below about 100,000 numbers (forward and
# backward, 2 threads, 2026-12-07: 128 x 400 took 12-23 us more, 128 x 1,024 8-23 us less).
MIN_FOR_AUTOGRAD = 1 << 17


def relu_bits_(x: torch.Tensor) -> torch.Tensor:
    """The ReLU of a bf16 tensor, in place, through its bits (see the module's docstring)."""
    torch.ops.aten.threshold_(x.view(_BITS), _LAST_NEGATIVE, 0)
    return x


def through_relu_bits_(grad: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
    """`grad` zeroed in place where the ReLU's bf16 output `out` is not above 0."""
    bits = grad.view(_BITS)
    torch.ops.aten.threshold_backward.grad_input(bits, out.view(_BITS), 0, grad_input=bits)
    return grad


def takes_bits(x: torch.Tensor) -> bool:
    """Whether `x` is a bf16 CPU tensor, which these ReLUs take through its bits."""
    return x.dtype == torch.bfloat16 and x.device.type == "cpu"


def relu_(x: torch.Tensor) -> torch.Tensor:
    """The ReLU of a tensor no gradient is recorded for, in place: through the bits for bf16 on
    the CPU, torch's own otherwise."""
    return relu_bits_(x) if takes_bits(x) else x.clamp_min_(0)


def through_relu_(grad: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
    """`grad` zeroed in place where the ReLU's output `out` is 0: what autograd's ReLU backward
    runs, through the bits for bf16 on the CPU. One pass; `grad.masked_fill_(out <= 0, 0)` made a
    mask first and took 91 against 14 us at 128x400 in bf16 (2026-12-04)."""
    if takes_bits(grad) and takes_bits(out):
        return through_relu_bits_(grad, out)
    return torch.ops.aten.threshold_backward.grad_input(grad, out, 0, grad_input=grad)


class _BitsReLU(torch.autograd.Function):
    """The ReLU in place on a bf16 tensor, with its backward through the bits."""

    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:
        relu_bits_(x)
        ctx.mark_dirty(x)
        ctx.save_for_backward(x)  # the output: the backward needs where it is above 0
        return x

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> torch.Tensor:
        (out,) = ctx.saved_tensors
        # A new tensor, as torch's ReLU backward gives: the incoming one may be shared.
        return torch.ops.aten.threshold_backward(grad.view(_BITS), out.view(_BITS),
                                                 0).view(torch.bfloat16)


class ReLU(nn.ReLU):
    """`nn.ReLU(inplace=True)`, with bf16 CPU tensors through their bits. Every ReLU of the
    models follows a linear layer or a convolution, whose backward needs its input and weight,
    not its output, so writing over the output is allowed (core.model.relu)."""

    def __init__(self) -> None:
        super().__init__(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not takes_bits(x) or x._base is not None:  # a view: torch's own handles it
            return super().forward(x)
        if torch.is_grad_enabled() and x.requires_grad:
            if x.numel() < MIN_FOR_AUTOGRAD:
                return super().forward(x)
            return _BitsReLU.apply(x)
        return relu_bits_(x)  # nothing recorded: no Function to pay for, at any size
