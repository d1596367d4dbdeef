"""AdamStep: the fused Adam kernel called directly gives the same weights and state as
`optimizer.step()`, bit for bit, through a changed learning rate, replaced state, options it
leaves to `step()`, and a training run."""

from __future__ import annotations

import copy

import pytest
import torch

from vae_desktop.core.adam_step import AdamStep
from vae_desktop.core.training import make_adam, new_model


def pair(**options):
    """Two copies of one small model, each with its own Adam (`options` for both)."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(30, 20), torch.nn.ReLU(), torch.nn.Linear(20, 5))
    twin = copy.deepcopy(model)
    options = {"lr": 1e-2, "fused": True, **options}
    return (model, torch.optim.Adam(model.parameters(), **options),
            twin, torch.optim.Adam(twin.parameters(), **options))


def set_grads(model, seed: int) -> None:
    generator = torch.Generator().manual_seed(seed)
    for p in model.parameters():
        # Some tiny: the averages of rare gradients are what the kernel must not treat apart.
        p.grad = torch.randn(p.shape, generator=generator) * (1e-3 if seed % 3 else 1e-30)


def train_both(models, update, seeds, before=None) -> None:
    """Steps of both models of `pair()` on the same gradients: the first through `update`, the
    twin through `step()`; `before(seed)` runs before each."""
    model, _optimizer, twin, twin_optimizer = models
    for seed in seeds:
        set_grads(model, seed)
        set_grads(twin, seed)
        if before is not None:
            before(seed)
        update()
        twin_optimizer.step()


def load_the_same_state(optimizer, twin_optimizer) -> None:
    """Both optimizers load a copy of the twin's state, as a resumed run loads a saved one."""
    saved = twin_optimizer.state_dict()
    optimizer.load_state_dict(copy.deepcopy(saved))
    twin_optimizer.load_state_dict(copy.deepcopy(saved))


def same(model, optimizer, twin, twin_optimizer) -> None:
    for p, q in zip(model.parameters(), twin.parameters(), strict=True):
        assert torch.equal(p, q)
    ours, theirs = optimizer.state_dict()["state"], twin_optimizer.state_dict()["state"]
    assert ours.keys() == theirs.keys() and ours
    for key in ours:
        for name, value in ours[key].items():
            assert torch.equal(value, theirs[key][name]), name


def test_the_same_update_as_step_bit_for_bit():
    models = model, optimizer, twin, twin_optimizer = pair()
    update = AdamStep(optimizer)
    before = [p.clone() for p in model.parameters()]

    def lower_lr(seed: int) -> None:
        if seed == 6:  # the learning rate changed during the run
            for group in (optimizer.param_groups[0], twin_optimizer.param_groups[0]):
                group["lr"] = 3e-3

    train_both(models, update, range(12), lower_lr)
    same(*models)
    assert update._lists is not None  # the direct call was used, not step() throughout
    assert not any(torch.equal(p, b) for p, b in zip(model.parameters(), before, strict=True))
    assert float(optimizer.state[next(model.parameters())]["step"]) == 12


def test_state_replaced_midway_is_followed():
    models = model, optimizer, twin, twin_optimizer = pair()
    update = AdamStep(optimizer)
    train_both(models, update, range(3))
    # Both go back to a saved state (new tensors): the kernel must get those, not the old ones.
    load_the_same_state(optimizer, twin_optimizer)
    train_both(models, update, range(3, 8))
    same(*models)
    assert float(optimizer.state[next(model.parameters())]["step"]) == 8


@pytest.mark.parametrize("options", [{"amsgrad": True}, {"weight_decay": 0.1},
                                     {"fused": False}, {"maximize": True}])
def test_other_options_are_left_to_step(options):
    models = pair(**options)
    update = AdamStep(models[1])
    train_both(models, update, range(4))
    same(*models)
    assert update._lists is None


def test_a_missing_gradient_is_left_to_step():
    models = model, optimizer, twin, _ = pair()

    def drop_a_gradient(seed: int) -> None:
        if seed == 2:  # a parameter without a gradient: step() skips it
            model[0].bias.grad = twin[0].bias.grad = None

    train_both(models, AdamStep(optimizer), range(4), drop_a_gradient)
    same(*models)


def test_a_training_step_of_the_mlp_updates_as_step_does():
    from vae_desktop.core.fast_step import MLPStep

    model = new_model(3, latent_dim=4, hidden=32, arch="mlp")
    twin = copy.deepcopy(model)
    step, twin_step = MLPStep(model, make_adam(model, 1e-3)), MLPStep(twin, make_adam(twin, 1e-3))
    twin_step.update = twin_step.optimizer.step  # the plain call, for comparison
    x = (torch.rand(16, 1, 28, 28) > 0.5).float()
    for _ in range(5):
        torch.manual_seed(1)
        losses = step(x, None, 1.0)
        torch.manual_seed(1)
        twin_losses = twin_step(x, None, 1.0)
        assert torch.equal(losses, twin_losses)
    assert isinstance(step.update, AdamStep) and step.update._lists is not None
    for p, q in zip(model.parameters(), twin.parameters(), strict=True):
        assert torch.equal(p, q)


def test_post_step_hooks_run_as_step_runs_them():
    """The app registers one for every optimizer (core.small_batch counts steps with it)."""
    from torch.optim.optimizer import register_optimizer_step_post_hook

    model, optimizer, twin, twin_optimizer = pair()
    update = AdamStep(optimizer)
    calls = []
    own = optimizer.register_step_post_hook(
        lambda opt, args, kwargs: calls.append(("own", opt, args, kwargs)))
    every = register_optimizer_step_post_hook(
        lambda opt, args, kwargs: calls.append(("global", opt, args, kwargs)))
    try:
        for seed in range(4):
            set_grads(model, seed)
            set_grads(twin, seed)
            update()
    finally:
        every.remove()
        own.remove()
    ours = [call for call in calls if call[1] is optimizer]
    assert ours == [("own", optimizer, (optimizer,), {}), ("global", optimizer, (optimizer,), {})] * 4
    assert update._lists is not None  # through the direct call


def test_a_pre_step_hook_is_left_to_step():
    models = _model, optimizer, _twin, _ = pair()
    update = AdamStep(optimizer)
    calls = []

    def add_a_hook(seed: int) -> None:
        if seed == 2:
            optimizer.register_step_pre_hook(lambda *_: calls.append(1))

    train_both(models, update, range(4), add_a_hook)
    same(*models)
    assert calls == [1, 1]  # the hook ran at each step after it was registered
    assert update._lists is None


def test_the_small_batch_weights_follow_a_direct_step():
    """core.small_batch copies an MLP's weights for small batches and knows them stale by the
    optimizer step hook: a step through the direct call must make it copy them again."""
    from vae_desktop.core import small_batch
    from vae_desktop.core.fast_step import MLPStep

    model = new_model(5, latent_dim=4, hidden=32, arch="mlp")
    step = MLPStep(model, make_adam(model, 1e-2))
    x = (torch.rand(16, 1, 28, 28) > 0.5).float()
    step(x, None, 1.0)  # the first: through step(), which makes the state
    model.eval()
    z = torch.randn(3, 4)
    before = small_batch.for_model(model).decode_logits(z)
    model.train()
    step(x, None, 1.0)  # through the direct call
    assert step.update._lists is not None
    model.eval()
    after = small_batch.for_model(model).decode_logits(z)
    with torch.no_grad():
        expected = model.decode_logits(z)
    assert not torch.equal(before, after)
    assert torch.allclose(after, expected, atol=1e-5)


def test_a_torch_whose_kernel_differs_is_left_to_step(monkeypatch):
    """KERNEL_OK is False where the kernel takes other arguments than the call gives it."""
    from vae_desktop.core import adam_step

    assert adam_step.KERNEL_OK  # this torch's kernel takes them
    monkeypatch.setattr(adam_step, "KERNEL_OK", False)
    models = pair()
    update = AdamStep(models[1])
    train_both(models, update, range(3))
    same(*models)
    assert update._lists is None


def test_the_step_counts_advance_in_one_call():
    """The kernel takes each parameter's step count. They are kept as views of one tensor, so
    one addition advances them all, where a call for each parameter took 21 us of a 3.6 ms
    step. step() (the first step, or with a pre-step hook) still advances each count once."""
    models = model, optimizer, twin, twin_optimizer = pair()
    update = AdamStep(optimizer)
    train_both(models, update, range(3))
    counts = [optimizer.state[p]["step"] for p in model.parameters()]
    assert len({count.untyped_storage().data_ptr() for count in counts}) == 1
    hook = optimizer.register_step_pre_hook(lambda *_: None)  # step() does these two
    train_both(models, update, range(3, 5))
    hook.remove()
    train_both(models, update, range(5, 8))
    same(*models)
    assert [float(count) for count in counts] == [8.0] * len(counts)


def test_the_first_update_and_one_after_a_loaded_state_leave_step_uncalled():
    """step() imports torch._dynamo (core.optim_guards): a plain Adam's first update makes the
    state itself, and one after load_state_dict takes the loaded state, as step() would."""
    models = model, optimizer, twin, twin_optimizer = pair()
    update = AdamStep(optimizer)

    def not_called(*args, **kwargs):
        raise AssertionError("step() was called")

    optimizer.step = not_called
    train_both(models, update, range(1))
    same(*models)
    layouts = [(s["exp_avg"].stride(), s["step"].dtype, s["step"].shape)
               for s in optimizer.state.values()]
    assert layouts == [(s["exp_avg"].stride(), s["step"].dtype, s["step"].shape)
                       for s in twin_optimizer.state.values()]
    train_both(models, update, range(1, 3))
    load_the_same_state(optimizer, twin_optimizer)
    train_both(models, update, range(3, 5))
    same(*models)
    assert float(optimizer.state[next(model.parameters())]["step"]) == 5


def kernel_orders(monkeypatch) -> list[list[torch.Tensor]]:
    """The parameter lists the fused kernel is given, call by call, from now on."""
    orders, kernel = [], torch._fused_adam_

    def recording(params, *args, **kwargs):
        orders.append(list(params))
        return kernel(params, *args, **kwargs)

    monkeypatch.setattr(torch, "_fused_adam_", recording)
    return orders


def test_parameters_named_last_are_updated_last_and_alike(monkeypatch):
    models = model, optimizer, twin, twin_optimizer = pair()
    orders = kernel_orders(monkeypatch)
    update = AdamStep(optimizer, last=(model[2].weight, model[0].weight))
    train_both(models, update, range(4))
    load_the_same_state(optimizer, twin_optimizer)  # new state: gathered again, in that order
    train_both(models, update, range(4, 8))
    same(*models)
    expected = [model[0].bias, model[2].bias, model[2].weight, model[0].weight]
    mine = [order for order in orders if order[0] is not twin[0].weight]  # not the twin's step()
    assert len(mine) == 8
    assert all(list(map(id, order)) == list(map(id, expected)) for order in mine)


def test_the_mlp_step_updates_its_two_large_weights_last(monkeypatch):
    from vae_desktop.core.fast_step import MLPStep

    model = new_model(3, latent_dim=4, hidden=32, arch="mlp")
    step = MLPStep(model, make_adam(model, 1e-3))
    orders = kernel_orders(monkeypatch)
    x = (torch.rand(16, 1, 28, 28) > 0.5).float()
    for _ in range(2):
        step(x, None, 1.0)
    enc, dec_out = model.enc_body[0], model.dec_body[2]
    last_two = [id(dec_out.weight), id(enc.weight)]
    assert orders and all(list(map(id, order[-2:])) == last_two for order in orders)
    assert {id(p) for p in orders[-1]} == {id(p) for p in model.parameters()}
