"""The hand-written MLP training step against autograd, and the precision setting."""

from __future__ import annotations

import copy
import operator

import pytest
import torch

from vae_desktop.core import products
from vae_desktop.core.data import to_float
from vae_desktop.core.fast_step import AutogradStep, MLPStep, make_train_step
from vae_desktop.core.model import VAE
from vae_desktop.core.precision import native_bf16, resolve_precision
from vae_desktop.core.settings import SETTINGS
from vae_desktop.core.training import TrainConfig, Trainer, make_adam, new_model

ONEDNN = [False, pytest.param(True, marks=pytest.mark.skipif(
    not products.onednn_available(), reason="this torch runs no float32 product in oneDNN"))]


@pytest.mark.parametrize("onednn", ONEDNN)
@pytest.mark.parametrize("num_classes, beta", [(0, 1.0), (10, 2.5)])
def test_mlp_step_gives_autograds_losses_gradients_and_weights(mnist_train_small, num_classes, beta,
                                                               onednn, choose_afresh):
    """In both of core.products' backends for its float32 products (torch's BLAS; oneDNN)."""
    choose_afresh.setenv(products.BACKEND_VARIABLE, "onednn" if onednn else "blas")
    images, labels = to_float(mnist_train_small[0][:300]), mnist_train_small[1][:300]
    reference = new_model(3, hidden=64, latent_dim=5, num_classes=num_classes, beta=beta)
    reference.train()
    model = copy.deepcopy(reference)
    slow = AutogradStep(reference, make_adam(reference, 1e-3))
    fast = MLPStep(model, make_adam(model, 1e-3))
    for start, size in ((0, 128), (128, 128), (256, 44)):  # a full batch size and a short last one
        x, y = images[start:start + size], labels[start:start + size]
        torch.manual_seed(start)
        expected = slow(x, y, beta)
        torch.manual_seed(start)  # the same reparameterisation noise
        got = fast(x, y, beta)
        assert torch.allclose(got, expected, rtol=1e-5, atol=1e-4)
    for (name, a), b in zip(reference.named_parameters(), model.parameters(), strict=True):
        assert torch.allclose(b.grad, a.grad, rtol=1e-4, atol=1e-6), name
        assert torch.allclose(b, a, rtol=1e-4, atol=1e-5), name
    assert not any(p.grad is None for p in model.parameters())


def test_trainer_picks_the_step_and_precision(mnist_train_small):
    model = new_model(1, hidden=32, latent_dim=2)
    cpu = torch.device("cpu")
    assert isinstance(make_train_step(model, make_adam(model, 1e-3), "fp32"), MLPStep)
    bf16 = make_train_step(model, make_adam(model, 1e-3), "bf16")
    assert isinstance(bf16, MLPStep) and bf16.dtype == torch.bfloat16
    model.forward_logits = lambda x, y=None: VAE.forward_logits(model, x, y)  # replaced: autograd
    assert isinstance(make_train_step(model, make_adam(model, 1e-3), "fp32"), AutogradStep)
    assert resolve_precision("auto", cpu) == ("bf16" if native_bf16(cpu) else "fp32")
    assert resolve_precision("auto", cpu, "conv") == "fp32"  # bf16 cost it up to 0.56 nats
    assert SETTINGS["precision"].default == "auto" == TrainConfig().precision
    assert resolve_precision("fp32", cpu) == "fp32"
    with pytest.raises(ValueError, match="precision must be one of fp32, bf16, auto"):
        resolve_precision("fp16", cpu)
    with pytest.raises(ValueError, match="precision must be one of fp32, bf16, auto"):
        TrainConfig(precision="fp16")


def test_bf16_autocast_trains(mnist_train_small):
    data = (mnist_train_small[0][:256], mnist_train_small[1][:256])
    losses = {}
    for precision in ("fp32", "bf16"):
        model = new_model(1, hidden=64, latent_dim=4)
        trainer = Trainer(model, data, None, TrainConfig(epochs=1, batch_size=64, device="cpu",
                                                         precision=precision))
        assert trainer.run().status == "done"
        losses[precision] = trainer.history[-1]["train_loss"]
        assert next(model.parameters()).dtype == torch.float32  # weights stay fp32
    # bf16 rounds the products (about 3 significant digits), but trains the same model.
    assert losses["bf16"] == pytest.approx(losses["fp32"], rel=0.02)


def test_bf16_mlp_step_agrees_with_bf16_autocast(mnist_train_small):
    """The hand-written step in bf16 rounds the four large products' operands and results, as
    autocast does, and keeps the latent side's small products in float32, as the model does
    under autocast (core.precision.float32_products). So the two compute the same weight
    gradients: equal, or within float32's rounding where they sum in another order. The bias
    gradients differ a little: autocast sums them from the bf16 products' results."""
    x = to_float(mnist_train_small[0][:128])
    reference = new_model(4, hidden=64, latent_dim=5)
    reference.train()
    models = {name: copy.deepcopy(reference) for name in ("autocast", "hand", "fp32")}
    steps = {"autocast": AutogradStep(models["autocast"], make_adam(models["autocast"], 1e-3), "bf16"),
             "hand": MLPStep(models["hand"], make_adam(models["hand"], 1e-3), "bf16"),
             "fp32": MLPStep(models["fp32"], make_adam(models["fp32"], 1e-3), "fp32")}
    losses = {}
    for name, step in steps.items():
        torch.manual_seed(7)
        losses[name] = step(x, None, 1.0)
    assert torch.allclose(losses["hand"], losses["autocast"], rtol=1e-5)
    assert torch.allclose(losses["hand"], losses["fp32"], rtol=1e-2)
    for (name, a), b in zip(models["autocast"].named_parameters(), models["hand"].parameters(),
                            strict=True):
        scale = float(a.grad.abs().max())
        tolerance = 1e-6 if name.endswith("weight") else 1e-2
        assert float((a.grad - b.grad).abs().max()) <= tolerance * scale, name
        assert b.grad.dtype == torch.float32 and b.dtype == torch.float32
    fp32_grad = models["fp32"].enc_body[0].weight.grad
    hand_grad = models["hand"].enc_body[0].weight.grad
    assert not torch.equal(fp32_grad, hand_grad)  # bf16 did round: this is not the fp32 path


@pytest.mark.parametrize("arch", ["mlp", "conv"])
def test_the_latent_side_stays_float32_under_bf16_autocast(arch):
    """Under bf16 autocast the image side's products round to bf16, but the mean and
    log-variance layers, z and the decoder's first layer compute in float32."""
    model = new_model(1, arch=arch, hidden=64, latent_dim=5)
    seen = {}

    def record(name):
        def hook(module, inputs, output):
            seen[name] = (inputs[0].dtype, output.dtype)
        return hook

    model.enc_body[0].register_forward_hook(record("encoder"))
    model.fc_mu.register_forward_hook(record("mu"))
    model.dec_body[0].register_forward_hook(record("decoder's first"))
    x = torch.rand(8, 1, 28, 28)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        logits, mu, logvar = model.forward_logits(x)
    assert seen["encoder"][1] == torch.bfloat16  # the image side still rounds
    assert seen["mu"] == (torch.float32, torch.float32)
    assert seen["decoder's first"] == (torch.float32, torch.float32)
    assert mu.dtype == logvar.dtype == torch.float32
    assert logits.shape == (8, 1, 28, 28)
    model.eval()  # and without autocast nothing changes: float32 throughout
    assert model.forward_logits(x)[0].dtype == torch.float32


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_mlp_step_makes_gradients_again_when_they_were_replaced(mnist_train_small, precision):
    """The step keeps its gradients and buffers from step to step. Gradients cleared to None,
    or one replaced, between two steps are made again, and the steps still give what a fresh
    step gives for the same weights and noise."""
    x = to_float(mnist_train_small[0][:128])
    reference = new_model(6, hidden=64, latent_dim=5)
    reference.train()
    kept, fresh = copy.deepcopy(reference), copy.deepcopy(reference)
    kept_opt, fresh_opt = make_adam(kept, 1e-3), make_adam(fresh, 1e-3)
    kept_step = MLPStep(kept, kept_opt, precision)
    for clear in (None, "to none", "replace one"):
        if clear == "to none":
            kept_opt.zero_grad(set_to_none=True)
        elif clear == "replace one":
            kept.fc_logvar.weight.grad = torch.full_like(kept.fc_logvar.weight, 9.0)
        torch.manual_seed(3)
        got = kept_step(x, None, 1.0)
        torch.manual_seed(3)
        expected = MLPStep(fresh, fresh_opt, precision)(x, None, 1.0)  # a new step each time
        assert torch.equal(got, expected), clear
        for (name, a), b in zip(kept.named_parameters(), fresh.parameters(), strict=True):
            assert torch.equal(a.grad, b.grad), (clear, name)
            assert torch.equal(a, b), (clear, name)
    assert kept.fc_mu.weight.grad.shape == kept.fc_mu.weight.shape


def test_mlp_steps_weigh_the_kl_by_each_calls_beta_and_batch(mnist_train_small):
    """The step turns its sums into (loss, recon, kl) with weights it keeps for the last batch
    size and beta: a warm-up changes beta at every step, and an epoch ends on a shorter batch.
    Each call's losses are autograd's for its own beta and batch."""
    images = to_float(mnist_train_small[0][:300])
    reference = new_model(5, hidden=64, latent_dim=5)
    reference.train()
    model = copy.deepcopy(reference)
    slow = AutogradStep(reference, make_adam(reference, 1e-3))
    fast = MLPStep(model, make_adam(model, 1e-3))
    for i, (size, beta) in enumerate([(128, 1.0), (128, 0.25), (44, 0.25), (128, 0.0),
                                      (128, 3.0)]):
        x = images[i * 50:i * 50 + size]
        torch.manual_seed(i)
        expected = slow(x, None, beta)
        torch.manual_seed(i)
        got = fast(x, None, beta)
        assert torch.allclose(got, expected, rtol=1e-5, atol=1e-4), (size, beta, got, expected)
        assert float(got[0]) == pytest.approx(float(got[1] + beta * got[2]), rel=1e-5)
        assert float(got[2]) > 0.01 and 100 < float(got[1]) < 600  # each term, not only the sum


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_mlp_step_scores_logits_far_past_what_a_sigmoid_resolves(mnist_train_small, precision):
    """The step's loss reads log sigmoid(|l|) off the sigmoid its gradient needs. Logits of
    +-150 (the sigmoid is 1 or 0 in float32, subnormals flushed as training flushes them) still
    give autograd's finite loss, within float32's rounding of ~100,000 pixels' sum."""
    x = to_float(mnist_train_small[0][:128])
    reference = new_model(4, hidden=64, latent_dim=5)
    with torch.no_grad():  # half the pixels far on, half far off
        reference.dec_body[2].bias.copy_(torch.where(torch.arange(784) % 2 == 0, 150.0, -150.0))
    reference.train()
    model = copy.deepcopy(reference)
    torch.manual_seed(0)
    expected = AutogradStep(reference, make_adam(reference, 1e-3))(x, None, 1.0)
    torch.manual_seed(0)
    got = MLPStep(model, make_adam(model, 1e-3), precision)(x, None, 1.0)
    assert torch.isfinite(got).all()
    assert expected[1] > 10_000  # each image pays ~150 nats for each pixel on the wrong side
    assert torch.allclose(got, expected, rtol=1e-4), (got, expected)


def _joined(model: VAE) -> bool:
    """The mean and log-variance layers' weights are one matrix's rows, their biases one vector's."""
    mu, logvar = model.fc_mu, model.fc_logvar
    return all(b.data_ptr() == a.data_ptr() + a.numel() * a.element_size()
               for a, b in ((mu.weight, logvar.weight), (mu.bias, logvar.bias)))


def test_the_mean_and_log_variance_layers_are_multiplied_where_they_are(mnist_train_small):
    """The step multiplies by the mean and log-variance layers as one matrix. It makes their
    parameters views of one matrix and one vector, where it copied both into one at every step
    (27 us of a 3.6 ms step). A change made to them in place between two steps is read, and
    parameters given new memory are joined again; each step gives what a new step gives."""
    x = to_float(mnist_train_small[0][:128])
    reference = new_model(7, hidden=64, latent_dim=5)
    reference.train()
    kept, fresh = copy.deepcopy(reference), copy.deepcopy(reference)
    kept_opt, fresh_opt = make_adam(kept, 1e-3), make_adam(fresh, 1e-3)
    kept_step = MLPStep(kept, kept_opt)
    for change in (None, "in place", "new memory", None):
        for model in (kept, fresh):
            with torch.no_grad():
                if change == "in place":
                    model.fc_mu.weight.mul_(0.5)
                    model.fc_logvar.bias.add_(0.25)
                elif change == "new memory":
                    model.fc_logvar.weight.data = model.fc_logvar.weight.detach() * 1.5
        torch.manual_seed(3)
        got = kept_step(x, None, 1.0)
        torch.manual_seed(3)
        expected = MLPStep(fresh, fresh_opt)(x, None, 1.0)  # a new step each time
        assert torch.equal(got, expected), change
        for (name, a), b in zip(kept.named_parameters(), fresh.parameters(), strict=True):
            assert torch.equal(a, b), (change, name)
        assert _joined(kept), change
    assert not _joined(reference)
    # The same Parameter objects as before: the optimizer's.
    assert all(map(operator.is_, kept_opt.param_groups[0]["params"], kept.parameters()))
