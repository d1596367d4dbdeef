"""The conv model's features: channels last inside the model, channel first in its files
(core.conv_layout). A checkpoint means what it meant before, and a run continued from one trains
as the run that wrote it would have."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from vae_desktop.core import checkpoint, conv_layout
from vae_desktop.core.data import load_split, to_float
from vae_desktop.core.fast_step import make_train_step
from vae_desktop.core.model import VAE
from vae_desktop.core.training import make_adam


def channel_first_forward(state: dict, x: torch.Tensor, y: torch.Tensor, z: torch.Tensor,
                          classes: int, layers: int):
    """The conv VAE's mean and decoded logits computed from a state_dict as checkpoints have
    always held it: features flattened and unflattened (channel, row, column), as nn.Flatten
    and nn.Unflatten order them."""
    h = F.relu(F.conv2d(x, state["enc_conv.0.weight"], state["enc_conv.0.bias"], 2, 1))
    h = F.relu(F.conv2d(h, state["enc_conv.2.weight"], state["enc_conv.2.bias"], 2, 1))
    label = F.one_hot(y, classes).float()
    h = torch.cat([nn.Flatten()(h.contiguous()), label], 1)
    for i in range(0, 2 * layers, 2):
        h = F.relu(F.linear(h, state[f"enc_body.{i}.weight"], state[f"enc_body.{i}.bias"]))
    mu = F.linear(h, state["fc_mu.weight"], state["fc_mu.bias"])
    g = torch.cat([z, label], 1)
    for i in range(0, 2 * layers + 2, 2):
        g = F.relu(F.linear(g, state[f"dec_body.{i}.weight"], state[f"dec_body.{i}.bias"]))
    g = nn.Unflatten(1, (64, 7, 7))(g)
    first, last = 2 * layers + 3, 2 * layers + 5
    g = F.relu(F.conv_transpose2d(g, state[f"dec_body.{first}.weight"],
                                  state[f"dec_body.{first}.bias"], 2, 1))
    logits = F.conv_transpose2d(g, state[f"dec_body.{last}.weight"],
                                state[f"dec_body.{last}.bias"], 2, 1)
    return mu, logits


@pytest.mark.parametrize("layers", [1, 2])
def test_a_conv_models_state_dict_means_what_checkpoints_always_meant(layers):
    """The model computes, from its state_dict, what a conv VAE computed from it before the
    features were kept channels last: the same files, the same models."""
    torch.manual_seed(0)
    model = VAE(arch="conv", latent_dim=3, hidden=32, num_classes=10, layers=layers).eval()
    for p in model.parameters():  # every weight matters, the biases too
        p.data.add_(torch.randn_like(p) * 0.05)
    x, y, z = torch.rand(6, 1, 28, 28), torch.arange(6), torch.randn(6, 3)
    with torch.no_grad():
        mu, _ = model.encode(x, y)
        logits = model.decode_logits(z, y)
        expected_mu, expected_logits = channel_first_forward(
            model.state_dict(), x, y, z, 10, layers)
    assert torch.allclose(mu, expected_mu, atol=1e-5)
    assert torch.allclose(logits, expected_logits, atol=1e-5)
    # What the model holds is another order: the conversion is not the identity.
    inside = model.enc_body[0].weight[:, :conv_layout.FEATURES]
    assert not torch.equal(inside, model.state_dict()["enc_body.0.weight"][:, :conv_layout.FEATURES])


def test_the_same_seed_builds_the_model_it_built_before():
    """A new conv model is initialised in the file's order: its encoder's first layer holds the
    numbers an nn.Linear drew after the two convolutions, as before."""
    torch.manual_seed(5)
    nn.Conv2d(1, 32, 4, 2, 1), nn.Conv2d(32, 64, 4, 2, 1)
    first = nn.Linear(64 * 7 * 7, 400)
    torch.manual_seed(5)
    model = VAE(arch="conv")
    assert torch.equal(model.state_dict()["enc_body.0.weight"], first.weight.detach())
    assert torch.equal(model.state_dict()["enc_body.0.bias"], first.bias.detach())


def test_the_encoders_features_are_a_view_of_its_last_relu():
    """No copy between the convolutions and the first linear layer: the features share the
    ReLU's memory, channels last, and the decoder hands its transposed convolution a
    channels-last tensor."""
    model = VAE(arch="conv", latent_dim=2)
    x = torch.rand(4, 1, 28, 28)
    *body, flatten = model.enc_conv
    h = nn.Sequential(*body)(x)
    assert h.is_contiguous(memory_format=torch.channels_last)
    features = flatten(h)
    assert features.data_ptr() == h.data_ptr()
    assert torch.equal(features[:, :64], h[:, :, 0, 0])  # pixel (0, 0)'s 64 channels first
    g = model.dec_body[:5](torch.randn(4, 2))
    assert g.shape == (4, 64, 7, 7) and g.is_contiguous(memory_format=torch.channels_last)


def test_a_checkpoint_keeps_adams_averages_in_the_order_of_its_weights(tmp_path):
    """Saved after two steps and loaded again, a conv model and its optimizer state are the ones
    trained; in the file the averages of the feature layers are in the file's order, as their
    weights are; a third step from the file gives the weights a third step in memory gives."""
    images = to_float(load_split("train", size=96)[0])
    batches = images[:32], images[32:64], images[64:96]
    torch.manual_seed(0)
    model = VAE(arch="conv", latent_dim=4, hidden=48)
    optimizer = make_adam(model, 1e-3)
    step = make_train_step(model, optimizer)
    for batch in batches[:2]:
        step(batch, None, 1.0)
    path = checkpoint.save(tmp_path / "conv.pt", model, [], optimizer.state_dict())

    loaded = checkpoint.load(path)
    assert all(torch.equal(a, b) for a, b in zip(model.parameters(), loaded.model.parameters(),
                                                 strict=True))
    in_memory = optimizer.state_dict()["state"]
    for number, entry in in_memory.items():
        for key, value in entry.items():
            assert torch.equal(loaded.optimizer_state["state"][number][key], value), (number, key)

    in_file = torch.load(path, weights_only=True)["optimizer"]["state"]
    names = [name for name, _ in model.named_parameters()]
    for name, dim in conv_layout.reordered(model).items():
        number = names.index(name)
        for key in ("exp_avg", "exp_avg_sq"):
            assert torch.equal(in_file[number][key],
                               conv_layout.to_file_order(in_memory[number][key], dim))

    continued = loaded.model.train()
    resumed = make_adam(continued, 1e-3)
    resumed.load_state_dict(loaded.optimizer_state)
    torch.manual_seed(1)  # the same noise for both
    make_train_step(continued, resumed)(batches[2], None, 1.0)
    torch.manual_seed(1)
    step(batches[2], None, 1.0)
    assert all(torch.equal(a, b) for a, b in zip(model.parameters(), continued.parameters(),
                                                 strict=True))


def test_a_state_dict_of_the_wrong_shape_is_refused_by_torchs_own_check():
    """The conversion leaves a tensor it cannot apply to for load_state_dict, which names it."""
    model = VAE(arch="conv", latent_dim=2)
    state = model.state_dict()
    state["enc_body.0.weight"] = torch.zeros(400, 100)
    with pytest.raises(RuntimeError, match="enc_body.0.weight"):
        model.load_state_dict(state)


def test_order_conversions_are_inverse_and_leave_the_label_columns():
    weight = torch.randn(5, conv_layout.FEATURES + 10)
    moved = conv_layout.to_model_order(weight, 1)
    assert torch.equal(moved[:, conv_layout.FEATURES:], weight[:, conv_layout.FEATURES:])
    assert torch.equal(conv_layout.to_file_order(moved, 1), weight)
    rows = torch.randn(conv_layout.FEATURES, 3)
    assert torch.equal(conv_layout.to_file_order(conv_layout.to_model_order(rows, 0), 0), rows)
    # Feature (channel 1, row 0, column 0) is number 49 in a file and number 1 in the model.
    assert torch.equal(moved[:, 1], weight[:, 49])
