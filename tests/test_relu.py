"""core.relu: bf16 ReLUs on the CPU through their bits compute what torch's ReLU computes."""

import torch
from torch import nn

from vae_desktop.core.model import VAE, vae_loss
from vae_desktop.core.precision import autocast
from vae_desktop.core.relu import (
    MIN_FOR_AUTOGRAD,
    ReLU,
    relu_,
    relu_bits_,
    through_relu_,
    through_relu_bits_,
)

BF16 = torch.bfloat16


def every_bf16() -> torch.Tensor:
    """All 65,536 bf16 numbers: both zeros, both infinities, the NaNs and every other."""
    return torch.arange(-32768, 32768, dtype=torch.int32).to(torch.int16).view(BF16)


def same_values(a: torch.Tensor, b: torch.Tensor) -> bool:
    a, b = a.float(), b.float()
    return bool(((a == b) | (a.isnan() & b.isnan())).all())


def test_relu_bits_gives_torch_relu_for_every_bf16_number():
    numbers = every_bf16()
    bits = numbers.view(torch.int16)
    # Told apart by their bits: a comparison of floats may read a subnormal as 0, as it does on
    # a thread that flushes them (core.threads).
    nan = (bits & 0x7FFF) > 0x7F80
    positive, negative = (bits >= 0) & ~nan, (bits < 0) & ~nan  # +0 and -0 among them
    expected = torch.relu(numbers)
    got = numbers.clone()
    assert relu_bits_(got) is got  # in place
    assert same_values(got, expected)
    assert torch.equal(got[positive].view(torch.int16), bits[positive])  # subnormals too
    assert bool((got[negative].view(torch.int16) == 0).all())  # +0, where torch may give -0
    assert int(nan.sum()) == 254 and bool(got[nan].isnan().all())
    assert got[numbers == float("-inf")].tolist() == [0.0]
    assert got[numbers == float("inf")].tolist() == [float("inf")]


def test_through_relu_bits_passes_the_gradient_where_torch_does():
    numbers = every_bf16()
    out = torch.relu(numbers)
    grad = torch.randn(numbers.shape).to(BF16)
    expected = torch.ops.aten.threshold_backward(grad, out, 0)
    got = grad.clone()
    assert through_relu_bits_(got, out) is got
    # The same bits wherever the ReLU's output is a number; a NaN output is a failed run.
    out_bits = out.view(torch.int16)
    number = (out_bits & 0x7FFF) <= 0x7F80
    assert torch.equal(got[number].view(torch.int16), expected[number].view(torch.int16))
    passes, stops = number & (out_bits > 0), number & (out_bits <= 0)
    assert torch.equal(got[passes], grad[passes]) and bool((got[stops] == 0).all())


def test_relu_module_matches_torch_forward_and_backward_in_bf16_channels_last():
    torch.manual_seed(0)
    base = torch.randn(128, 32, 14, 14)  # the conv model's activations
    base = base.to(BF16).contiguous(memory_format=torch.channels_last)
    base[0, 0, :3] = 0.0  # exact zeros get no gradient
    weights = torch.randn(base.shape).to(BF16)
    results = []
    for module in (nn.ReLU(inplace=True), ReLU()):
        x = base.clone().requires_grad_()
        y = module(x * 1)  # in place on a non-leaf, as after a convolution
        (y.float() * weights.float()).sum().backward()
        results.append((y.detach(), x.grad))
    (y_torch, g_torch), (y_bits, g_bits) = results
    assert torch.equal(y_bits, y_torch)  # as numbers: torch's may give -0 where this gives +0
    assert torch.equal(g_bits.view(torch.int16), g_torch.view(torch.int16))
    assert bool((g_bits[0, 0, :3] == 0).all()) and bool((g_bits != 0).any())


def test_relu_module_leaves_other_dtypes_and_small_recorded_tensors_to_torch():
    x = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    y = ReLU()(x * 1)
    assert y.grad_fn.name() == "ReluBackward0"  # torch's own, not the bits'
    assert y.tolist() == [0.0, 0.0, 2.0]
    small = torch.randn(MIN_FOR_AUTOGRAD - 1).to(BF16).requires_grad_()
    large = torch.randn(MIN_FOR_AUTOGRAD).to(BF16).requires_grad_()
    assert ReLU()(small * 1).grad_fn.name() == "ReluBackward0"
    assert "BitsReLU" in ReLU()(large * 1).grad_fn.name()
    with torch.no_grad():  # no autograd Function to pay for: the bits at any size
        few = torch.tensor([-1.0, 0.0, 2.0]).to(BF16)
        negative_zero = torch.tensor([-0.0]).to(BF16)
        assert ReLU()(few).tolist() == [0.0, 0.0, 2.0]
        assert ReLU()(negative_zero).view(torch.int16).tolist() == [0]  # +0: the bits' path


def test_conv_and_mlp_models_use_it_and_train_as_with_torch_relu():
    torch.manual_seed(3)
    x = torch.rand(64, 1, 28, 28)  # the conv ReLUs above MIN_FOR_AUTOGRAD
    for arch in ("conv", "mlp"):
        grads = []
        for swap in (False, True):
            torch.manual_seed(1)
            model = VAE(arch=arch, layers=2)
            relus = [m for m in model.modules() if isinstance(m, nn.ReLU)]
            assert relus and all(type(m) is ReLU for m in relus)
            if swap:  # torch's own ReLU in every place
                for module in model.modules():
                    for name, child in list(module.named_children()):
                        if type(child) is ReLU:
                            setattr(module, name, nn.ReLU(inplace=True))
            torch.manual_seed(2)
            with autocast(torch.device("cpu"), "bf16"):
                logits, mu, logvar = model.forward_logits(x)
            vae_loss(logits.float(), x, mu.float(), logvar.float())[0].backward()
            grads.append([p.grad for p in model.parameters()])
        assert all(torch.equal(a, b) for a, b in zip(*grads, strict=True)), arch


def test_relu_and_its_backward_without_autograd_match_torch_in_bf16_and_fp32():
    """What the MLP's hand-written step and products.linear call: the bits for bf16, torch's own
    kernels for float32."""
    torch.manual_seed(0)
    out = torch.randn(128, 400).relu_().to(BF16)
    grad = torch.randn(128, 400).to(BF16)
    expected = torch.ops.aten.threshold_backward(grad, out, 0)
    assert torch.equal(through_relu_(grad.clone(), out), expected)
    out32, grad32 = out.float(), grad.float()
    assert torch.equal(through_relu_(grad32.clone(), out32),
                       torch.ops.aten.threshold_backward(grad32, out32, 0))
    values = torch.randn(128, 400)
    for dtype in (BF16, torch.float32):
        x = values.to(dtype)
        got = x.clone()
        assert relu_(got) is got
        assert torch.equal(got, torch.relu(x))
