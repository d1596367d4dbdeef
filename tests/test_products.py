"""core.products: float32 products through oneDNN or torch's BLAS, and which one a CPU gets."""

from __future__ import annotations

import copy

import pytest
import torch

from vae_desktop.core import products

needs_onednn = pytest.mark.skipif(not products.onednn_available(),
                                  reason="this torch runs no float32 product in oneDNN")


@pytest.mark.parametrize("onednn", [False, pytest.param(True, marks=needs_onednn)])
def test_linear_and_mm_are_torchs_products_in_either_backend(onednn):
    torch.manual_seed(0)
    x, weight, bias = torch.randn(128, 784), torch.randn(400, 784), torch.randn(400)
    expected = torch.addmm(bias, x, weight.t())
    assert expected.abs().max() > 10  # values large enough that a wrong product would show
    got = products.linear(x, weight, bias, onednn=onednn)
    assert got.dtype == torch.float32 and got.shape == (128, 400)
    assert torch.allclose(got, expected, rtol=1e-5, atol=1e-4)
    relu = products.linear(x, weight, bias, relu=True, onednn=onednn)
    assert torch.allclose(relu, expected.clamp_min(0), rtol=1e-5, atol=1e-4)
    assert (relu == 0).float().mean() > 0.3  # the ReLU did cut
    # Transposed views, as a step's gradients take them: d loss/d W = dY^T X, and dY W.
    grad = torch.randn(128, 400)
    assert torch.allclose(products.mm(grad.t(), x, onednn=onednn), grad.t() @ x,
                          rtol=1e-5, atol=1e-3)
    assert torch.allclose(products.mm(grad, weight, onednn=onednn), grad @ weight,
                          rtol=1e-5, atol=1e-3)
    assert torch.allclose(products.linear(x, weight, onednn=onednn), x @ weight.t(),
                          rtol=1e-5, atol=1e-4)
    # Scaled, and into a kept buffer where torch's product runs (oneDNN returns a new one).
    out = torch.empty(128, 784)
    scaled = products.mm(grad, weight, onednn=onednn, out=out, alpha=0.25)
    assert torch.allclose(scaled, 0.25 * (grad @ weight), rtol=1e-5, atol=1e-3)
    assert (scaled is out) is not onednn
    assert torch.allclose(products.mm(grad, weight, onednn=onednn, alpha=0.25), scaled,
                          rtol=1e-5, atol=1e-3)
    kept = torch.empty(128, 400)
    assert (products.linear(x, weight, bias, relu=True, onednn=onednn, out=kept) is kept) \
        is not onednn


@pytest.mark.parametrize("vendor, capability, asked, expected", [
    ("AuthenticAMD", "AVX512", None, True),  # MKL's AVX-512 paths are Intel's only
    ("AuthenticAMD", "AVX2", None, False),  # MKL's AVX2 paths run there (Zen 3: the step 1.15x
                                            # faster through MKL, 2026-12-06)
    ("AuthenticAMD", "DEFAULT", None, False),
    ("GenuineIntel", "AVX512", None, False),
    ("", "AVX512", None, False),
    ("GenuineIntel", "AVX512", "onednn", True),
    ("AuthenticAMD", "AVX2", "onednn", True),
    ("AuthenticAMD", "AVX512", "blas", False),
    ("AuthenticAMD", "AVX512", "something else", True),  # not a backend: the CPU decides
])
@needs_onednn
def test_the_cpu_picks_the_backend_unless_the_variable_says(choose_afresh, vendor, capability,
                                                            asked, expected):
    choose_afresh.setattr(products, "cpu_vendor", lambda: vendor)
    choose_afresh.setattr(torch.backends.cpu, "get_cpu_capability", lambda: capability)
    if asked is not None:
        choose_afresh.setenv(products.BACKEND_VARIABLE, asked)
    assert products.onednn_preferred() is expected


def test_without_the_op_every_product_goes_to_blas(choose_afresh):
    choose_afresh.setattr(products, "onednn_available", lambda: False)
    choose_afresh.setattr(products, "cpu_vendor", lambda: "AuthenticAMD")
    choose_afresh.setenv(products.BACKEND_VARIABLE, "onednn")
    assert products.onednn_preferred() is False


def test_the_vendor_is_read_from_this_machine():
    vendor = products.cpu_vendor()
    assert isinstance(vendor, str)
    try:
        text = open("/proc/cpuinfo").read()
    except OSError:
        pytest.skip("no /proc/cpuinfo here")
    if "vendor_id" in text:
        assert vendor and vendor in text
        assert products.cpu_fields()["vendor_id"] == vendor
    if "model name" in text:  # what the benches print as the machine's name
        assert products.cpu_fields()["model name"] in text


@pytest.mark.parametrize("arch", ["mlp", "conv"])
@needs_onednn
def test_a_models_layers_give_torchs_values_and_gradients_through_onednn(choose_afresh, arch):
    """The model's linear layers through run_layer with oneDNN asked for: the same loss and
    gradients as with torch's BLAS, within float rounding."""
    from vae_desktop.core.model import vae_loss
    from vae_desktop.core.training import new_model

    reference = new_model(2, arch=arch, hidden=64, latent_dim=4)
    model = copy.deepcopy(reference)
    choose_afresh.setattr(products, "MIN_SIDE", 1)  # every layer, the latent side's too
    x = torch.rand(16, 1, 28, 28)
    calls = count_onednn_calls(choose_afresh)
    results = []
    for backend, net in (("blas", reference), ("onednn", model)):
        choose_afresh.setenv(products.BACKEND_VARIABLE, backend)
        products.onednn_preferred.cache_clear()
        before = len(calls)
        torch.manual_seed(3)
        logits, mu, logvar = net.forward_logits(x)
        loss = vae_loss(logits, x, mu, logvar)[0]
        loss.backward()
        results.append((loss.detach(), len(calls) - before))
    (expected, blas_calls), (got, onednn_calls) = results
    layers = sum(isinstance(m, torch.nn.Linear) for m in model.modules())
    # Each linear layer's forward and both gradients, but for the MLP's first layer no input
    # gradient (its input is the images; the conv model's is the convolutions' features).
    assert blas_calls == 0 and onednn_calls == 3 * layers - (arch == "mlp")
    assert torch.allclose(got, expected, rtol=1e-5)
    for (name, a), b in zip(reference.named_parameters(), model.parameters(), strict=True):
        assert b.grad is not None, name
        assert torch.allclose(b.grad, a.grad, rtol=1e-4, atol=1e-6), name


def count_onednn_calls(monkeypatch) -> list:
    """A list that grows by one for each product run through oneDNN."""
    calls = []
    real = products._onednn_linear

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(products, "_onednn_linear", counted)
    return calls


@needs_onednn
def test_small_products_stay_with_torchs_blas(choose_afresh):
    """A side under MIN_SIDE (the MLP's latent side: 20 or 40 wide) keeps torch's own product,
    whose set-up is cheaper; the large ones take oneDNN."""
    choose_afresh.setenv(products.BACKEND_VARIABLE, "onednn")
    calls = count_onednn_calls(choose_afresh)
    x = torch.randn(128, 400)
    products.linear(x, torch.randn(20, 400))
    products.mm(torch.randn(40, 128), torch.randn(128, 400))
    products.run_layer(torch.nn.Linear(400, 20), x)
    assert calls == []
    products.linear(x, torch.randn(784, 400))
    products.run_layer(torch.nn.Linear(400, 784), x)
    assert len(calls) == 2
    assert products.worth_onednn(128, 784, 400) and not products.worth_onednn(128, 400, 20)


@needs_onednn
def test_a_hooked_layer_or_autocast_keeps_the_modules_own_call(choose_afresh):
    choose_afresh.setenv(products.BACKEND_VARIABLE, "onednn")
    layer = torch.nn.Linear(96, 64)
    x = torch.randn(64, 96)
    calls = count_onednn_calls(choose_afresh)
    assert torch.allclose(products.run_layer(layer, x), layer(x), atol=1e-6)
    assert len(calls) == 1
    seen = []
    handle = layer.register_forward_hook(lambda module, inputs, output: seen.append(output))
    products.run_layer(layer, x)
    assert len(seen) == 1 and len(calls) == 1  # the hook ran; oneDNN did not
    handle.remove()
    with torch.autocast("cpu", dtype=torch.bfloat16):
        assert products.run_layer(layer, x).dtype == torch.bfloat16  # autocast's choice
    assert len(calls) == 1
