"""An MLP VAE's encoder and decoder for a few images at a time: the Draw tab scores one drawing
under each of ten labels on every stroke.

At such batches `F.linear` is slow on the CPU: MKL's small-batch path with the weight as stored
(out x in) takes about twice as long as `addmm` with the weight already transposed (10 x 794 ->
400: 142 against 73 us; 10 x 400 -> 784: 149 against 71 us, 1 thread, 2026-12-03), and
transposing a weight takes longer than either. So the transposed weights are made once per
model and made again only when its weights change.

A conditional model's first layers see [x, one_hot(y)], so x's part is computed once and each
label adds its own column of the weight: ten labels cost one image's GEMV instead of ten.

The weights count as changed when any optimizer has stepped since they were copied (a fused
Adam step changes the parameters without bumping their version counters), when a parameter was
changed in place (`load_state_dict`, `copy_`: its version counter moves) or when it was replaced
(`.to(device)`). Writing through `.data` escapes all three, and so does giving the model a new
layer (build a new model instead); nothing in this project does either.
"""

from __future__ import annotations

import weakref

import torch
from torch import nn
from torch.optim.optimizer import register_optimizer_step_post_hook

from .model import PIXELS, VAE


class _StepCounter:
    """Counts optimizer steps in this process: any step may have changed a model's weights."""

    def __init__(self) -> None:
        self.steps = 0

    def __call__(self, _optimizer, _args, _kwargs) -> None:
        self.steps += 1


_optimizer_steps = _StepCounter()
register_optimizer_step_post_hook(_optimizer_steps)


def _transposed(layer: nn.Linear) -> tuple[torch.Tensor, torch.Tensor]:
    return layer.weight.detach().t().contiguous(), layer.bias.detach().clone()


def _split_first(layer: nn.Linear, width: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """A first layer over [features (width), one_hot(y)]: the features' weight transposed, one
    row per label (the weight's column that the label's one-hot selects) and the bias."""
    weight = layer.weight.detach()
    return weight[:, :width].t().contiguous(), weight[:, width:].t().contiguous(), layer.bias.detach().clone()


class MLPInference:
    """`encode` and `decode_logits` of one MLP VAE, on transposed copies of its weights. Results
    equal the model's own to float rounding (tests/test_small_batch.py)."""

    def __init__(self, model: VAE) -> None:
        if model.config.arch != "mlp":
            raise ValueError("MLPInference serves MLP models only")
        self.num_classes = model.num_classes
        self.latent_dim = model.latent_dim
        enc, dec = list(model.enc_body), list(model.dec_body)
        linear_enc = [m for m in enc if isinstance(m, nn.Linear)]
        linear_dec = [m for m in dec if isinstance(m, nn.Linear)]
        self.enc_x, self.enc_y, self.enc_b = _split_first(linear_enc[0], PIXELS)
        self.enc_rest = [_transposed(m) for m in linear_enc[1:]]
        # fc_mu and fc_logvar as one product: [mu | logvar].
        heads = torch.cat([model.fc_mu.weight, model.fc_logvar.weight]).detach()
        self.head_w = heads.t().contiguous()
        self.head_b = torch.cat([model.fc_mu.bias, model.fc_logvar.bias]).detach()
        self.dec_z, self.dec_y, self.dec_b = _split_first(linear_dec[0], self.latent_dim)
        self.dec_rest = [_transposed(m) for m in linear_dec[1:]]
        self.parameters = tuple(model.parameters())
        self.signature = signature(self.parameters)

    def _first(self, feats: torch.Tensor, w: torch.Tensor, rows: torch.Tensor, bias: torch.Tensor,
               labels: torch.Tensor | None) -> torch.Tensor:
        h = torch.addmm(bias, feats, w)
        if self.num_classes:
            if labels is None:
                raise ValueError("this is a conditional VAE: pass the digit labels")
            h = h + rows[labels.to(rows.device).long().reshape(-1)]  # broadcasts one image's row
        return h.relu_()

    def encode(self, x: torch.Tensor, labels: torch.Tensor | None = None
               ) -> tuple[torch.Tensor, torch.Tensor]:
        """(mu, logvar) of images x [n, ...] with n = 1 or len(labels)."""
        h = self._first(x.reshape(x.shape[0], PIXELS).to(self.enc_x.dtype), self.enc_x, self.enc_y,
                        self.enc_b, labels)
        for w, b in self.enc_rest:
            h = torch.addmm(b, h, w).relu_()
        out = torch.addmm(self.head_b, h, self.head_w)
        return out[:, :self.latent_dim], out[:, self.latent_dim:]

    def decode_logits(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Pixel logits [n, 1, 28, 28] of codes z [n, latent_dim]."""
        h = self._first(z.to(self.dec_z.dtype), self.dec_z, self.dec_y, self.dec_b, labels)
        last = len(self.dec_rest) - 1
        for i, (w, b) in enumerate(self.dec_rest):
            h = torch.addmm(b, h, w)
            if i < last:
                h = h.relu_()
        return h.reshape(-1, 1, 28, 28)


def signature(parameters: tuple[torch.Tensor, ...]) -> tuple:
    """What changes when the weights may have: the optimizer steps so far and each parameter's
    storage and version. (Of the parameters as listed once: `model.parameters()` walks the
    modules, a tenth of the ten labels' encode and decode.)"""
    return (_optimizer_steps.steps, *((p.data_ptr(), p._version) for p in parameters))


_prepared: weakref.WeakKeyDictionary[nn.Module, MLPInference] = weakref.WeakKeyDictionary()


def for_model(model: VAE) -> MLPInference | None:
    """The model's MLPInference with its current weights (None for a conv model)."""
    if model.config.arch != "mlp":
        return None
    prepared = _prepared.get(model)
    if prepared is None or prepared.signature != signature(prepared.parameters):
        with torch.no_grad():
            prepared = _prepared[model] = MLPInference(model)
    return prepared
