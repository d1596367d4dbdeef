import contextlib
import copy
import math

import pytest
import torch
import torch.nn.functional as F
from torch.utils._python_dispatch import TorchDispatchMode

from vae_desktop.core.model import (
    VAE,
    VAEConfig,
    kl_per_image,
    recon_per_image,
    softplus_sum,
    sum_of_logs,
    to_one_channel,
    total_of_logs,
    transposed_conv,
    vae_loss,
)
from vae_desktop.core.precision import autocast
from vae_desktop.core.training import evaluate


@pytest.mark.parametrize("arch", ["mlp", "conv"])
@pytest.mark.parametrize("num_classes", [0, 10])
def test_shapes_for_both_archs(arch, num_classes):
    model = VAE(latent_dim=5, hidden=64, arch=arch, num_classes=num_classes)
    x = torch.rand(7, 1, 28, 28)
    y = torch.arange(7) % 10 if num_classes else None
    mu, logvar = model.encode(x, y)
    assert mu.shape == logvar.shape == (7, 5)
    assert model.encode(x.reshape(7, 784), y)[0].shape == (7, 5)  # flat input accepted
    recon, mu2, _ = model(x, y)
    assert recon.shape == (7, 1, 28, 28) and 0 <= recon.min() and recon.max() <= 1
    assert model.decode(torch.zeros(3, 5), y[:3] if y is not None else None).shape == (3, 1, 28, 28)


def test_untrained_loss_is_about_784_ln2(mnist_test):
    torch.manual_seed(0)
    model = VAE()
    result = evaluate(model, mnist_test[0][:500], mnist_test[1][:500])
    # Near-zero logits: each pixel costs about ln 2 nats.
    assert abs(result["recon"] - 784 * math.log(2)) < 40
    assert result["kl"] < 5
    assert result["test_loss"] == pytest.approx(result["recon"] + result["kl"])


def test_loss_parts_and_beta():
    x = torch.rand(4, 1, 28, 28)
    model = VAE(latent_dim=3, hidden=32)
    logits, mu, logvar = model.forward_logits(x)
    loss, recon, kl = vae_loss(logits, x, mu, logvar, beta=4.0)
    assert loss.item() == pytest.approx(recon.item() + 4.0 * kl.item(), rel=1e-5)
    # KL of the prior against itself is zero.
    assert kl_per_image(torch.zeros(2, 3), torch.zeros(2, 3)).abs().max() == 0


def test_conditional_model_uses_the_label():
    torch.manual_seed(0)
    model = VAE(latent_dim=2, hidden=32, num_classes=10)
    z = torch.zeros(1, 2)
    assert not torch.allclose(model.decode(z, torch.tensor([1])), model.decode(z, torch.tensor([7])))
    soft = torch.zeros(1, 10)
    soft[0, 7] = 1.0
    assert torch.allclose(model.decode(z, soft), model.decode(z, torch.tensor([7])))
    with pytest.raises(ValueError, match="pass the digit labels"):
        model.decode(z)
    with pytest.raises(ValueError, match="labels must lie"):
        model.decode(z, torch.tensor([10]))


def test_impossible_settings_are_refused_with_reasons():
    with pytest.raises(ValueError, match="latent dimensions must be an integer from 1 to 512"):
        VAE(latent_dim=0)
    with pytest.raises(ValueError, match="architecture must be one of"):
        VAEConfig(arch="transformer")
    with pytest.raises(ValueError, match="beta"):
        VAEConfig(beta=-1.0)
    with pytest.raises(ValueError, match="unknown model settings"):
        VAEConfig.from_dict({"latent_dim": 2, "depth": 3})


def test_softplus_and_the_test_pass_loss_match_torch():
    """The CPU's softplus sum (max(l, 0) - log(sigmoid(|l|)), no log1p, the logs taken of
    products) gives torch's values, at the extremes too, and the loss without gradient is
    binary_cross_entropy_with_logits' sum."""
    torch.manual_seed(0)
    logits = torch.cat([torch.randn(6, 784) * 8, torch.tensor([[-100.0, -20.0, 0.0, 20.0, 100.0]
                                                               * 156 + [0.0] * 4])])
    x = torch.rand(7, 784)
    exact = F.softplus(logits.double()).sum(-1)
    assert torch.allclose(softplus_sum(logits).double(), exact, rtol=1e-6, atol=1e-4)
    assert torch.allclose(softplus_sum(logits.reshape(7, 2, 392)).sum(-1).double(), exact,
                          rtol=1e-6, atol=1e-4)  # not a multiple of 112: F.softplus's
    expected = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
    with torch.no_grad():
        fast = recon_per_image(logits, x)
    assert torch.allclose(fast, expected, rtol=1e-6, atol=1e-4)
    with torch.no_grad():  # pixels not a multiple of 112: torch's own loss
        assert torch.allclose(recon_per_image(logits[:, :700], x[:, :700]),
                              F.binary_cross_entropy_with_logits(
                                  logits[:, :700], x[:, :700], reduction="none").sum(1))
    assert float(expected[-1]) > 1000  # the extreme row is large: a wrong sign would show
    # With a gradient wanted it stays torch's own (autograd), and the gradient is sigmoid(l) - x.
    wanted = logits.clone().requires_grad_(True)
    recon_per_image(wanted, x).sum().backward()
    assert torch.allclose(wanted.grad, torch.sigmoid(logits) - x, atol=1e-6)


def test_sum_of_logs_takes_the_log_of_products_that_stay_normal_floats():
    """Logs of numbers in [0.5, 1] summed over the last dimension, 112 at a time as one product:
    all 0.5 (the smallest product, 2^-112, is still a normal float32, which training's flushing
    of subnormals leaves alone), all 1, and random ones, against float64's sum of logs."""
    torch.manual_seed(1)
    halves = torch.cat([torch.full((1, 784), 0.5), torch.ones(1, 784),
                        0.5 + 0.5 * torch.rand(5, 784)])
    got = sum_of_logs(halves)
    assert got.shape == (7,)
    assert got[0] == pytest.approx(784 * math.log(0.5), rel=1e-6)
    assert got[1] == 0
    assert torch.allclose(got.double(), halves.double().log().sum(-1), rtol=1e-6, atol=1e-4)


def test_total_of_logs_groups_any_112_numbers():
    """The step's total: groups down the columns of a 112-row view, not along each row. Rows of
    all 0.5 and all 1 beside random ones (a product of 112 halves is the smallest, 2^-112), and
    a batch whose rows differ: the total is float64's, and each row still counts once."""
    torch.manual_seed(2)
    halves = torch.cat([torch.full((3, 784), 0.5), torch.ones(2, 784),
                        0.5 + 0.5 * torch.rand(123, 784)])
    got = total_of_logs(halves)
    assert got.dim() == 0
    assert float(got) == pytest.approx(float(halves.double().log().sum()), rel=1e-6)
    assert float(total_of_logs(halves[:3])) == pytest.approx(3 * 784 * math.log(0.5), rel=1e-6)
    assert float(total_of_logs(torch.full((1, 112), 0.5))) == pytest.approx(112 * math.log(0.5))


@pytest.mark.parametrize("run_as, channels, out_channels, size",
                         [(to_one_channel, 32, 1, 14), (to_one_channel, 5, 1, 3),
                          (transposed_conv, 64, 32, 7), (transposed_conv, 5, 3, 3)])
def test_the_decoders_transposed_convolutions_are_the_layers(run_as, channels, out_channels,
                                                             size):
    """The conv decoder's transposed convolutions as the model runs them (the last as a 2x2
    convolution and pixel_shuffle; the one before with its bias added after oneDNN's
    convolution) give what nn.ConvTranspose2d gives, and the same gradients for the input, the
    weight and the bias."""
    torch.manual_seed(0)
    layer = torch.nn.ConvTranspose2d(channels, out_channels, 4, 2, 1)
    x = torch.randn(6, channels, size, size)
    outputs, grads = [], []
    for run in (layer, lambda v: run_as(v, layer)):
        layer.zero_grad()
        xg = x.clone().requires_grad_()
        out = run(xg)
        # Weights that do not sum to about 0: with -1 to 1 the bias gradient was rounding
        # error (1e-4 on values of 1e-4), and torch's scalar kernels put it past the tolerance.
        (out * torch.linspace(-0.5, 1, out.numel()).reshape(out.shape)).sum().backward()
        outputs.append(out)
        grads.append((xg.grad, layer.weight.grad.clone(), layer.bias.grad.clone()))
    assert outputs[1].shape == (6, out_channels, 2 * size, 2 * size)
    # Each output channel's bias gradient is the sum of the weights on that channel.
    weights = torch.linspace(-0.5, 1, outputs[0].numel()).reshape(outputs[0].shape)
    assert torch.allclose(grads[1][2], weights.double().sum((0, 2, 3)).float(), rtol=1e-5)
    assert torch.allclose(outputs[1], outputs[0], atol=1e-5)
    for got, expected in zip(grads[1], grads[0], strict=True):
        assert torch.allclose(got, expected, atol=1e-4, rtol=1e-4)
    # A kernel built wrongly (say, unflipped) would still have the right shape: the values
    # differ by the size of the outputs themselves.
    assert outputs[0].abs().max() > 0.1


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
@pytest.mark.parametrize("rows, cols", [(14, 14), (3, 5)])
def test_the_last_layers_gather_is_pixel_shuffle_and_its_crop(dtype, rows, cols):
    """to_one_channel interleaves its four phases with one gather: the very numbers
    pixel_shuffle and the crop give, forward and back, in float32 and under bf16 autocast (its
    logits float32 in both), also for an image that is not square, where a row's length and a
    column's height differ."""
    torch.manual_seed(3)
    layer = torch.nn.ConvTranspose2d(8, 1, 4, 2, 1)
    x = torch.randn(5, 8, rows, cols).contiguous(memory_format=torch.channels_last)

    def shuffled(v):  # as the layer ran until 2026-12-07
        c = v.shape[1]
        kernel = layer.weight.reshape(c, 2, 2, 2, 2).flip(1, 3).permute(2, 4, 0, 1, 3)
        phases = F.conv2d(v, kernel.reshape(4, c, 2, 2).contiguous(
            memory_format=torch.channels_last), None, 1, 1)
        return F.pixel_shuffle(phases, 2)[:, :, 1:-1, 1:-1] + layer.bias.view(1, 1, 1, 1)

    results = []
    for run in (shuffled, lambda v: to_one_channel(v, layer)):
        layer.zero_grad()
        xg = x.clone().to(dtype).requires_grad_()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=dtype == torch.bfloat16):
            out = run(xg)
        out.backward(torch.linspace(-1, 1, out.numel()).reshape(out.shape))
        results.append((out, xg.grad, layer.weight.grad.clone(), layer.bias.grad.clone()))
    assert results[1][0].shape == (5, 1, 2 * rows, 2 * cols)
    assert results[1][0].dtype == torch.float32
    for got, expected in zip(results[1], results[0], strict=True):
        assert torch.equal(got, expected)
    assert results[1][0].abs().max() > 0.1


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_the_transposed_convolutions_bias_gradient_is_a_sum_outside_onednn(precision):
    """oneDNN's transposed convolution computes its bias gradient slowly: in bf16 on an
    AVX512-BF16 CPU its weight gradient took 2.06 ms with the bias gradient and 0.89 ms without
    (2026-12-06). The conv model asks it for the input and weight gradients only, and adds the
    bias itself, so autograd sums the bias gradient (0.08 ms)."""
    model = VAE(arch="conv", latent_dim=3)
    x = torch.rand(4, 1, 28, 28)
    masks = []

    class Record(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            if func is torch.ops.aten.convolution_backward.default:
                masks.append((args[7], list(args[10])))  # (transposed, output_mask)
            return func(*args, **(kwargs or {}))

    with autocast(torch.device("cpu"), precision), Record():
        logits, mu, logvar = model.forward_logits(x)
        vae_loss(logits.float(), x, mu.float(), logvar.float())[0].backward()
    transposed = [mask for is_transposed, mask in masks if is_transposed]
    assert transposed == [[True, True, False]]  # the 64 -> 32 one; the last is a convolution
    bias = model.dec_body[-3].bias
    assert bias.grad is not None and bias.grad.dtype == torch.float32
    assert bias.grad.abs().max() > 0


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_the_conv_models_elementwise_backward_ops_meet_one_layout(precision):
    """torch's elementwise kernels over a channels-last and an NCHW tensor together are many
    times slower than over two of one layout: the encoder's last ReLU, whose output was channels
    last and whose gradient came back NCHW from the Flatten, took 1.3 against 0.07 ms for 128
    images (AVX2, 2026-12-06). Every ReLU backward pass of a training step gets its gradient and
    its saved output in one layout."""
    model = VAE(arch="conv", latent_dim=3)
    x = torch.rand(8, 1, 28, 28)
    layouts = []

    def layout(t: torch.Tensor) -> str:
        if t.dim() != 4 or t.is_contiguous():
            return "contiguous"
        return "channels_last" if t.is_contiguous(memory_format=torch.channels_last) else "other"

    class Record(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            if func is torch.ops.aten.threshold_backward.default:
                layouts.append((tuple(args[0].shape), layout(args[0]), layout(args[1])))
            return func(*args, **(kwargs or {}))

    with autocast(torch.device("cpu"), precision), Record():
        logits, mu, logvar = model.forward_logits(x)
        vae_loss(logits.float(), x, mu.float(), logvar.float())[0].backward()
    four_d = [entry for entry in layouts if len(entry[0]) == 4]
    assert len(four_d) == 3  # the encoder's two ReLUs and the decoder's 14 x 14 one
    assert all(grad == saved for _, grad, saved in four_d), four_d


@pytest.mark.parametrize("arch, layers", [("conv", 1), ("mlp", 2)])
def test_the_relus_write_over_their_inputs_and_train_as_plain_ones_do(arch, layers):
    """Every ReLU runs in place (no new activation), and two training steps give the weights
    that ReLUs with outputs of their own give, bit for bit."""
    torch.manual_seed(0)
    model = VAE(arch=arch, latent_dim=4, layers=layers)
    plain, initial = copy.deepcopy(model), [p.detach().clone() for p in model.parameters()]
    for module in plain.modules():
        if isinstance(module, torch.nn.ReLU):
            module.inplace = False
    calls = []

    class Record(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            if func in (torch.ops.aten.relu.default, torch.ops.aten.relu_.default):
                calls.append(func)
            return func(*args, **(kwargs or {}))

    x = torch.rand(16, 1, 28, 28)
    results = []
    for net in (model, plain):
        optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
        for step in range(2):
            torch.manual_seed(step)
            with Record() if net is model and step == 0 else contextlib.nullcontext():
                logits, mu, logvar = net.forward_logits(x)
            optimizer.zero_grad()
            vae_loss(logits, x, mu, logvar)[0].backward()
            optimizer.step()
        results.append([p.detach().clone() for p in net.parameters()])
    relus = sum(isinstance(m, torch.nn.ReLU) for m in model.modules())
    assert calls == [torch.ops.aten.relu_.default] * relus
    assert all(torch.equal(a, b) for a, b in zip(*results, strict=True))
    assert not any(torch.equal(a, b) for a, b in zip(results[0], initial, strict=True))


def test_the_conv_model_runs_channels_last_and_decodes_as_its_layers_do():
    model = VAE(arch="conv", latent_dim=3, num_classes=10).eval()
    assert model.enc_conv[0].weight.is_contiguous(memory_format=torch.channels_last)
    z, y = torch.randn(4, 3), torch.tensor([0, 3, 7, 9])
    joined = torch.cat([z, F.one_hot(y, 10).float()], dim=1)
    with torch.no_grad():
        assert torch.allclose(model.decode_logits(z, y), model.dec_body(joined), atol=1e-5)
