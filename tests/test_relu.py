"""core.relu: bf16 ReLUs on the CPU through their bits compute what torch's ReLU computes."""

import torch
from torch import nn

from vae_desktop.core import fast_step
from vae_desktop.core.model import VAE, vae_loss
from vae_desktop.core.precision import autocast
from vae_desktop.core.relu import ReLU, relu_bits_, through_relu_bits_

BF16 = torch.bfloat16


def every_bf16() -> torch.Tensor:
    """All 65,536 bf16 numbers: both zeros, both infinities, the NaNs and every other."""
    return torch.arange(-32768, 32768, dtype=torch.int32).to(torch.int16).view(BF16)


def same_values(a: torch.Tensor, b: torch.Tensor) -> bool:
    a, b = a.float(), b.float()
    return bool(((a == b) | (a.isnan() & b.isnan())).all())


def test_relu_bits_gives_torch_relu_for_every_bf16_number():
    numbers = every_bf16()
    expected = torch.relu(numbers)
    got = numbers.clone()
    assert relu_bits_(got) is got  # in place
    assert same_values(got, expected)
    # A number above 0 keeps its bits; one at or below 0 becomes +0 (torch's ReLU gives +0 or
    # -0 for it, depending on the kernel it runs).
    above = numbers > 0
    assert torch.equal(got[above].view(torch.int16), numbers[above].view(torch.int16))
    assert bool((got[numbers <= 0].view(torch.int16) == 0).all())
    assert int(numbers.isnan().sum()) == 254 and bool(got[numbers.isnan()].isnan().all())
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
    number = ~out.isnan()
    assert torch.equal(got[number].view(torch.int16), expected[number].view(torch.int16))
    assert bool((got[out > 0] == grad[out > 0]).all()) and bool((got[out == 0] == 0).all())


def test_relu_module_matches_torch_forward_and_backward_in_bf16_channels_last():
    torch.manual_seed(0)
    base = torch.randn(8, 32, 14, 14).to(BF16).contiguous(memory_format=torch.channels_last)
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


def test_relu_module_leaves_other_dtypes_to_torch():
    x = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    y = ReLU()(x * 1)
    assert y.grad_fn.name() == "ReluBackward0"  # torch's own, not the bits'
    assert y.tolist() == [0.0, 0.0, 2.0]


def test_conv_and_mlp_models_use_it_and_train_as_with_torch_relu():
    torch.manual_seed(3)
    x = torch.rand(16, 1, 28, 28)
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


def test_mlp_step_passes_bf16_gradients_as_threshold_backward():
    torch.manual_seed(0)
    out = torch.randn(128, 400).relu_().to(BF16)
    grad = torch.randn(128, 400).to(BF16)
    expected = torch.ops.aten.threshold_backward(grad, out, 0)
    assert torch.equal(fast_step._through_relu(grad.clone(), out), expected)
    out32, grad32 = out.float(), grad.float()
    assert torch.equal(fast_step._through_relu(grad32.clone(), out32),
                       torch.ops.aten.threshold_backward(grad32, out32, 0))
