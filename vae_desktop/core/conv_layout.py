"""The conv model's 3,136 features (64 channels of 7 x 7): channels last inside the model,
channel first in its checkpoints.

The encoder's convolutions give channels-last tensors (oneDNN's layout, which core.model asks
for), and the decoder's transposed convolution runs fastest on one. Flattened channel first, as
nn.Flatten does and checkpoints hold the two layers that meet the features, the encoder's
features took a copy to NCHW, and oneDNN reordered the NCHW gradient of the encoder's last
convolution and the NCHW input of the decoder's first, every step. Inside the model the features
are therefore in (row, column, channel) order, so that flattening and unflattening a
channels-last tensor is a view: the encoder's first linear layer holds its first 3,136 columns
in that order, and the decoder's layer to 3,136 its rows and bias. Measured on 2026-12-07 (Xeon
with AMX, 2 cores, 20-30 rounds of 10 alternating steps): the conv step 0.963-0.964x the time in
float32, 0.979-0.986x in bf16.

`VAE` converts at its edges, so that files are the same as before: `state_dict()` gives the two
layers in channel-first order and `load_state_dict()` takes that order (hooks it registers), and
checkpoints convert Adam's averages of those weights with `optimizer_state_in`.
"""

from __future__ import annotations

import torch
from torch import nn

CHANNELS, SIDE = 64, 7
FEATURES = CHANNELS * SIDE * SIDE  # 3,136


class FlattenChannelsLast(nn.Flatten):
    """[N, C, H, W] -> [N, H * W * C], (row, column, channel) order: a view of a channels-last
    tensor (a copy of any other)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)


class UnflattenChannelsLast(nn.Unflatten):
    """[N, H * W * C] in (row, column, channel) order -> [N, C, H, W], channels last: a view."""

    def __init__(self) -> None:
        super().__init__(1, (CHANNELS, SIDE, SIDE))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        channels, rows, cols = self.unflattened_size
        return x.reshape(x.shape[0], rows, cols, channels).permute(0, 3, 1, 2)


def reordered(model: nn.Module) -> dict[str, int]:
    """The parameters (state_dict names) that hold the features in the model's order, each with
    the dimension along which: empty for an MLP."""
    if model.config.arch != "conv":
        return {}
    last = max(i for i, layer in enumerate(model.dec_body) if isinstance(layer, nn.Linear))
    return {"enc_body.0.weight": 1, f"dec_body.{last}.weight": 0, f"dec_body.{last}.bias": 0}


def to_model_order(tensor: torch.Tensor, dim: int) -> torch.Tensor:
    """`tensor` with its first 3,136 entries along `dim` moved from channel-first to
    channels-last order (the encoder's label columns, after them, stay where they are)."""
    return _moved(tensor, dim, (CHANNELS, SIDE, SIDE), 0, 2)


def to_file_order(tensor: torch.Tensor, dim: int) -> torch.Tensor:
    """The inverse of `to_model_order`."""
    return _moved(tensor, dim, (SIDE, SIDE, CHANNELS), 2, 0)


def _moved(tensor: torch.Tensor, dim: int, split: tuple[int, int, int], source: int,
           destination: int) -> torch.Tensor:
    if tensor.is_meta:
        # Shapes only (core.memory's and checkpoint.load's models): nothing to move, and
        # torch.cat on the meta device imports torch._dynamo (core.optim_guards).
        return tensor
    features = tensor.narrow(dim, 0, FEATURES)
    before, after = tensor.shape[:dim], tensor.shape[dim + 1:]
    moved = (features.reshape(*before, *split, *after)
             .movedim(dim + source, dim + destination).reshape(*before, FEATURES, *after))
    rest = tensor.narrow(dim, FEATURES, tensor.shape[dim] - FEATURES)
    return torch.cat([moved, rest], dim) if rest.numel() else moved.contiguous()


def _convertible(tensor, dim: int) -> bool:
    """A tensor the conversion applies to; anything else is left to load_state_dict's own
    checks, which name it."""
    return torch.is_tensor(tensor) and tensor.dim() > dim and tensor.shape[dim] >= FEATURES


def state_in_file_order(module: nn.Module, state_dict: dict, prefix: str, _metadata) -> None:
    """VAE's state_dict post-hook: the two layers as checkpoints hold them."""
    for name, dim in reordered(module).items():
        key = prefix + name
        if _convertible(state_dict.get(key), dim):
            state_dict[key] = to_file_order(state_dict[key], dim)


def state_in_model_order(module: nn.Module, state_dict: dict, prefix: str, *_args) -> None:
    """VAE's load_state_dict pre-hook: the two layers from checkpoints' order to the model's.
    `state_dict` is load_state_dict's own copy of the caller's table."""
    for name, dim in reordered(module).items():
        key = prefix + name
        if _convertible(state_dict.get(key), dim):
            state_dict[key] = to_model_order(state_dict[key], dim)


def optimizer_state_in(model: nn.Module, state: dict, order: str) -> dict:
    """Adam's state_dict for `model` (one entry per parameter, numbered in
    `model.parameters()` order, as make_adam builds it) with the averages of the two layers'
    weights in `order`: "file" or "model". A new table; `state` is left as it is (and returned
    as it is where nothing moves)."""
    moved = reordered(model)
    if not moved or not isinstance(state, dict) or not isinstance(state.get("state"), dict):
        return state  # an MLP's, or one checkpoint.load refuses (checkpoint_optimizer)
    convert = to_file_order if order == "file" else to_model_order
    numbers = {name: i for i, (name, _) in enumerate(model.named_parameters())}
    entries = dict(state["state"])
    for name, dim in moved.items():
        number = numbers[name]
        entry = entries.get(number)
        if isinstance(entry, dict):
            entries[number] = {key: convert(value, dim) if key != "step" and _convertible(
                value, dim) else value for key, value in entry.items()}
    return {**state, "state": entries}
