"""The VAE: an MLP (the classic 784-400-20) or a small convolutional network, optionally
conditioned on the digit label (a CVAE). The model is separate from the loop that trains it."""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, fields

import torch
import torch.nn.functional as F
from torch import nn

from . import conv_layout
from .conv_layout import FEATURES, FlattenChannelsLast, UnflattenChannelsLast
from .precision import float32_products
from .products import run_layer, run_layers
from .relu import ReLU
from .settings import SETTINGS
from .wording import arch_name, hidden_text

ARCHS = SETTINGS["arch"].choices
PIXELS = 28 * 28


@dataclass(frozen=True)
class VAEConfig:
    """Everything needed to rebuild a model; saved with its weights."""

    latent_dim: int = 20
    hidden: int = 400
    arch: str = "mlp"
    num_classes: int = 0
    beta: float = 1.0
    layers: int = 1  # hidden layers per network (checkpoints from before 0.3 have one)
    binarized: bool = False  # trained and tested on binarised MNIST (core.data.binarize)

    def __post_init__(self) -> None:
        problems = validate_config(self)
        if problems:
            raise ValueError("; ".join(problems))

    @property
    def conditional(self) -> bool:
        return self.num_classes > 0

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> VAEConfig:
        names = {f.name for f in fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"unknown model settings: {', '.join(sorted(unknown))}")
        return cls(**data)

    def describe(self) -> str:
        kind = "conditional " if self.conditional else ""
        data = ", binarised" if self.binarized else ""
        return (f"{kind}{arch_name(self.arch)}, latent {self.latent_dim}, hidden "
                f"{hidden_text(self)}, beta {self.beta:g}{data}")


def validate_config(cfg: VAEConfig) -> list[str]:
    """Reasons the settings are impossible, empty when they are fine (limits: core.settings)."""
    values = {"latent_dim": cfg.latent_dim, "hidden": cfg.hidden, "arch": cfg.arch,
              "beta": cfg.beta, "layers": cfg.layers, "binarized": cfg.binarized}
    problems = [SETTINGS[name].problem(value) for name, value in values.items()]
    num_classes = cfg.num_classes
    if not isinstance(num_classes, int) or isinstance(num_classes, bool) or not 0 <= num_classes <= 1000:
        problems.append(f"num_classes must be 0 (unconditional) or a class count, got {num_classes!r}")
    return [p for p in problems if p]


def relu() -> ReLU:
    """A ReLU that writes over its input. Every ReLU here follows a linear layer or a
    convolution, whose backward pass needs its input and weight, not its output, so autograd
    allows it; the output then needs no memory of its own. The conv model's test pass over 1,000
    images took 0.80x the time, its training step 0.95x, the same weights bit for bit (AVX2,
    2026-12-06): each new activation's pages were faulted in afresh. bf16 CPU tensors go
    through their bits (core.relu)."""
    return ReLU()


class VAE(nn.Module):
    def __init__(self, latent_dim: int = 20, hidden: int = 400, arch: str = "mlp",
                 num_classes: int = 0, beta: float = 1.0, layers: int = 1,
                 binarized: bool = False) -> None:
        super().__init__()
        self.config = VAEConfig(latent_dim=latent_dim, hidden=hidden, arch=arch,
                                num_classes=num_classes, beta=float(beta), layers=layers,
                                binarized=binarized)
        c = num_classes
        # Hidden layers after the first: the same indices as a one-layer model's for its layers,
        # so checkpoints from before `layers` existed load unchanged.
        def deeper() -> list[nn.Module]:  # a new set of layers for each network
            return [m for _ in range(layers - 1) for m in (nn.Linear(hidden, hidden), relu())]

        if arch == "mlp":
            self.enc_body = nn.Sequential(nn.Linear(PIXELS + c, hidden), relu(), *deeper())
            self.dec_body = nn.Sequential(
                nn.Linear(latent_dim + c, hidden), relu(), *deeper(), nn.Linear(hidden, PIXELS)
            )
        else:
            # 28 -> 14 -> 7 with strided convs; the label joins after flattening. The 64 x 7 x 7
            # features are flattened channels last (core.conv_layout).
            self.enc_conv = nn.Sequential(
                nn.Conv2d(1, 32, 4, 2, 1), relu(), nn.Conv2d(32, 64, 4, 2, 1), relu(),
                FlattenChannelsLast(),
            )
            self.enc_body = nn.Sequential(nn.Linear(FEATURES + c, hidden), relu(), *deeper())
            self.dec_body = nn.Sequential(
                nn.Linear(latent_dim + c, hidden), relu(), *deeper(), nn.Linear(hidden, FEATURES),
                relu(), UnflattenChannelsLast(),
                nn.ConvTranspose2d(64, 32, 4, 2, 1), relu(), nn.ConvTranspose2d(32, 1, 4, 2, 1),
            )
            # oneDNN's convolutions run channels last 1.05-9x faster on the CPU than NCHW (the
            # first layer, one input channel, most); only the weights' strides change.
            self.enc_conv.to(memory_format=torch.channels_last)
            self.dec_body.to(memory_format=torch.channels_last)
        self.fc_mu = nn.Linear(hidden, latent_dim)
        self.fc_logvar = nn.Linear(hidden, latent_dim)
        if arch == "conv":
            # The two layers that meet the features, initialised as before in checkpoints'
            # order (the same seed, the same model), then held in the model's; state_dict and
            # load_state_dict convert (core.conv_layout).
            with torch.no_grad():
                for name, dim in conv_layout.reordered(self).items():
                    weight = self.get_parameter(name)
                    weight.copy_(conv_layout.to_model_order(weight, dim))
            self.register_state_dict_post_hook(conv_layout.state_in_file_order)
            self.register_load_state_dict_pre_hook(conv_layout.state_in_model_order)

    @torch.no_grad()
    def init_output_bias(self, mean_image: torch.Tensor) -> None:
        """Start the decoder at the data's mean image: its last bias becomes the logit of the
        mean pixel (per pixel for the MLP, one value for the conv decoder). A common
        data-dependent initialisation: the first steps no longer spend themselves learning the
        background, and the 10-epoch test loss ends about 0.2 nats lower."""
        last = self.dec_body[-1]
        p = mean_image.to(last.bias.device, torch.float32).reshape(-1).clamp(1e-3, 1 - 1e-3)
        if last.bias.numel() != p.numel():
            p = p.mean().expand(last.bias.numel())
        last.bias.copy_(torch.log(p) - torch.log1p(-p))

    @classmethod
    def from_config(cls, cfg: VAEConfig) -> VAE:
        return cls(**cfg.to_dict())

    @property
    def latent_dim(self) -> int:
        return self.config.latent_dim

    @property
    def num_classes(self) -> int:
        return self.config.num_classes

    @property
    def device(self) -> torch.device:
        return self.fc_mu.weight.device

    def _onehot(self, y: torch.Tensor | int | None, n: int, like: torch.Tensor) -> torch.Tensor:
        if self.num_classes == 0:
            return like.new_zeros((n, 0))
        if y is None:
            raise ValueError("this is a conditional VAE: pass the digit labels y")
        if not torch.is_tensor(y):
            y = torch.full((n,), int(y), dtype=torch.long)
        y = y.to(like.device)
        if y.dtype.is_floating_point and y.dim() == 2:
            return y.to(like.dtype)  # already soft/one-hot label vectors (label blending)
        y = y.long().reshape(-1)
        if y.numel() == 1 and n > 1:
            y = y.expand(n)
        if y.min() < 0 or y.max() >= self.num_classes:
            raise ValueError(f"labels must lie in 0..{self.num_classes - 1}")
        return F.one_hot(y, self.num_classes).to(like.dtype)

    def encode(self, x: torch.Tensor, y: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        n = x.shape[0]
        if self.config.arch == "mlp":
            feats = x.reshape(n, PIXELS)
        else:
            feats = self.enc_conv(x.reshape(n, 1, 28, 28))
        if self.num_classes:
            feats = torch.cat([feats, self._onehot(y, n, feats)], dim=1)
        h = run_layers(self.enc_body, feats)
        with float32_products(h):
            h = h.float()
            return run_layer(self.fc_mu, h), run_layer(self.fc_logvar, h)

    def encode_each_label(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """`encode(x, c)` for every label c of a conditional model at once: means and
        log-variances [labels, N, latent]. The first layer takes [features, one-hot label], so
        its product is W_features·features + W[:, c]: the images' part (and the conv model's
        convolutions) is computed once and each label adds its own column, where encoding the
        images once per label did all of it again (about 45% of an MLP's scoring)."""
        if not self.num_classes:
            raise ValueError("encode_each_label needs a conditional model")
        n = x.shape[0]
        if self.config.arch == "mlp":
            feats = x.reshape(n, PIXELS)
        else:
            feats = self.enc_conv(x.reshape(n, 1, 28, 28))
        first, *rest = self.enc_body
        width = feats.shape[1]
        shared = F.linear(feats, first.weight[:, :width], first.bias)  # [N, hidden]
        per_label = first.weight[:, width:].t().to(shared.dtype)  # [labels, hidden]
        h = (shared.unsqueeze(0) + per_label.unsqueeze(1)).reshape(-1, shared.shape[1])
        for layer in rest:
            h = run_layer(layer, h)
        with float32_products(h):
            h = h.float()
            mu, logvar = run_layer(self.fc_mu, h), run_layer(self.fc_logvar, h)
        return (mu.reshape(self.num_classes, n, -1), logvar.reshape(self.num_classes, n, -1))

    @staticmethod
    def reparameterize(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
        return mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)

    def decode_logits(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        if self.num_classes:
            z = torch.cat([z, self._onehot(y, z.shape[0], z)], dim=1)
        layers = iter(self.dec_body)
        with float32_products(z):  # the latent side: the first layer and its ReLU
            g = run_layer(next(layers), z.float())
            g = next(layers)(g)
        *body, last = layers
        for layer in body:
            g = (transposed_conv(g, layer) if isinstance(layer, nn.ConvTranspose2d)
                 else run_layer(layer, g))
        if self.config.arch == "mlp":
            return run_layer(last, g).reshape(-1, 1, 28, 28)
        return to_one_channel(g, last)

    def decode(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """Pixel probabilities [N, 1, 28, 28]."""
        return torch.sigmoid(self.decode_logits(z, y))

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None):
        recon_logits, mu, logvar = self.forward_logits(x, y)
        return torch.sigmoid(recon_logits), mu, logvar

    def forward_logits(self, x: torch.Tensor, y: torch.Tensor | None = None):
        mu, logvar = self.encode(x, y)
        z = self.reparameterize(mu, logvar) if self.training else mu
        return self.decode_logits(z, y), mu, logvar


def transposed_conv(x: torch.Tensor, layer: nn.ConvTranspose2d) -> torch.Tensor:
    """`layer(x)` with the bias added after the transposed convolution rather than inside it.
    Autograd then sums the bias gradient (0.08 ms for the decoder's 64 -> 32 layer), where
    oneDNN's backward pass would compute it with the weight gradient in a slow kernel: in bf16 on
    an AVX512-BF16 CPU 2.06 ms for both against 0.89 ms for the weights alone (2026-12-06; a
    bf16 conv step 0.94x the time, fp32 0.99x). The add is in place: the convolution's backward
    pass needs only its input and weight."""
    y = F.conv_transpose2d(x, layer.weight, None, layer.stride, layer.padding,
                           layer.output_padding, layer.groups, layer.dilation)
    if layer.bias is None:
        return y
    return y.add_(layer.bias.to(y.dtype).view(1, -1, 1, 1))


def to_one_channel(x: torch.Tensor, layer: nn.ConvTranspose2d) -> torch.Tensor:
    """`layer(x)` for the conv decoder's last layer (C channels -> 1, 4x4 kernel, stride 2,
    padding 1) as a sub-pixel convolution: a 2x2 convolution to the four output phases (row
    and column parity), interleaved by one gather. Tap 2a+b of the transposed kernel takes
    the input pixel a rows up to phase b, so the 2x2 kernel is the 4x4 one with its halves
    reordered and flipped. Equal to the layer within float rounding, and 2x faster on the CPU
    (oneDNN's transposed convolution to one channel: 32 ms for 1,000 images, this 12-19 ms).

    The gather (`_pixel_order`) interleaves the phases and crops the padding in one pass, in
    float32, where pixel_shuffle and a crop in bf16 took 0.47 against 0.23 ms forward and back
    for 128 images (float32: 0.50 against 0.21 ms), the same numbers bit for bit (the bias's add
    made the logits float32 in both). Trainer epochs, alternating: bf16 0.99x, float32 0.98x,
    the same test loss to the last digit (2026-12-07, Xeon with AMX)."""
    c = x.shape[1]
    taps = layer.weight.reshape(c, 2, 2, 2, 2)  # [channel, a, b, a', b']: tap (2a+b, 2a'+b')
    kernel = taps.flip(1, 3).permute(2, 4, 0, 1, 3).reshape(4, c, 2, 2)
    phases = F.conv2d(x, kernel.contiguous(memory_format=torch.channels_last), None, 1, 1)
    n, height, width = x.shape[0], x.shape[2], x.shape[3]
    # [n, row, column, phase]: a view where the convolution gave channels last, as it does here.
    flat = phases.permute(0, 2, 3, 1).reshape(n, -1).float()
    pixels = flat.index_select(1, _pixel_order(height, width, flat.device))
    return pixels.view(n, 1, 2 * height, 2 * width) + layer.bias.view(1, 1, 1, 1)


@functools.cache
def _pixel_order(rows: int, cols: int, device: torch.device) -> torch.Tensor:
    """For each pixel of a 2*rows x 2*cols image, row by row, where it lies among the phases
    [rows + 1, cols + 1, 4] of `to_one_channel`: pixel (r, c) is pixel (r + 1, c + 1) of the
    uncropped image, phase 2 * ((r + 1) % 2) + (c + 1) % 2 at ((r + 1) // 2, (c + 1) // 2)."""
    r = torch.arange(1, 2 * rows + 1, device=device).view(-1, 1)
    c = torch.arange(1, 2 * cols + 1, device=device).view(1, -1)
    return (((r // 2) * (cols + 1) + c // 2) * 4 + (r % 2) * 2 + c % 2).reshape(-1)


def kl_per_image(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(q(z|x) || N(0, I)) for each image, in nats."""
    return -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=1)


# sigmoid(|l|) lies in [0.5, 1], so a product of 112 such numbers is >= 2^-112, a normal float32:
# the sum of their logs over an image's 784 pixels (7 x 112) is the sum of 7 logs of products.
LOG_GROUP = 112


def sum_of_logs(halves: torch.Tensor) -> torch.Tensor:
    """The sum of log(v) over the last dimension (a multiple of LOG_GROUP) of numbers v in [0.5,
    1]: one log for every LOG_GROUP numbers, their product's. torch's vectorised log is the
    slowest pass of a softplus on the CPU: 1,000 images' recon_per_image 1.19 against 0.73 ms,
    the MLP's training step 0.979x the time (2026-12-06)."""
    groups = halves.reshape(*halves.shape[:-1], -1, LOG_GROUP)
    return torch.prod(groups, -1).log_().sum(-1)


def total_of_logs(halves: torch.Tensor) -> torch.Tensor:
    """The sum of log(v) over all of `halves` (numbers in [0.5, 1], a multiple of LOG_GROUP of
    them), as sum_of_logs takes it, but with no sum per row: any LOG_GROUP of the numbers make a
    product that stays a normal float, so each column of a LOG_GROUP-row view is a group, and
    their products are one pass down the columns (16 against 26 us over 128x784 numbers, 2
    threads, 2026-12-06)."""
    return torch.prod(halves.reshape(LOG_GROUP, -1), 0).log_().sum()


def softplus_sum(logits: torch.Tensor) -> torch.Tensor:
    """The sum of log(1 + e^l) over the last dimension (the pixels) of a tensor that needs no
    gradient. On the CPU it is max(l, 0) - log(sigmoid(|l|)) summed: log(1 + e^-|l|) without
    torch's log1p, which is slow in some of its vectorised kernels, and with no overflow. For a
    batch of 128 images (100,352 logits), 2 threads, 2026-12-05, F.softplus against the
    elementwise terms: AVX-512 0.49 against 0.11 ms (its log1p alone 0.43 ms), AVX2 0.14
    against 0.12, no SIMD 1.02 against 0.30; sum_of_logs takes its logs. It agrees with
    F.softplus within float32's rounding (a test)."""
    if logits.device.type != "cpu" or logits.shape[-1] % LOG_GROUP:
        return F.softplus(logits).sum(-1)
    return torch.clamp(logits, min=0).sum(-1).sub_(sum_of_logs(torch.sigmoid(logits.abs())))


def recon_per_image(logits: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Bernoulli negative log-likelihood summed over the 784 pixels, for each image."""
    n = x.shape[0]
    logits, x = logits.reshape(n, -1), x.reshape(n, -1)
    if (logits.device.type == "cpu" and not (torch.is_grad_enabled() and logits.requires_grad)
            and logits.shape[1] % LOG_GROUP == 0):
        # A test pass: softplus(l) - x.l, 2.7x faster on the CPU. As softplus_sum, with
        # max(l, 0) - x.l summed pixel by pixel: the two nearly cancel where the model is sure.
        logits = logits.float()
        terms = torch.clamp(logits, min=0).sub_(x * logits).sum(dim=1)
        return terms.sub_(sum_of_logs(torch.sigmoid(logits.abs())))
    return F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(dim=1)


def vae_loss(logits: torch.Tensor, x: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor,
             beta: float = 1.0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(loss, recon, kl), each the mean per image: loss = recon + beta * kl (the negative ELBO
    when beta is 1)."""
    recon = recon_per_image(logits, x).mean()
    kl = kl_per_image(mu, logvar).mean()
    return recon + beta * kl, recon, kl


def sample_z(mu: torch.Tensor, logvar: torch.Tensor,
             generator: torch.Generator | None = None) -> torch.Tensor:
    """z = mu + eps * sigma, eps from `generator` (None: torch's global one, as
    `VAE.reparameterize`; a generator seeded as the global one gives the same numbers). A
    generator of one's own is untouched by other threads' draws, and touches none of theirs."""
    eps = torch.randn(mu.shape, generator=generator, device=mu.device, dtype=mu.dtype)
    return mu + eps * torch.exp(0.5 * logvar)


@torch.no_grad()
def score_images(model: VAE, x: torch.Tensor, y: torch.Tensor | None = None,
                 samples: int = 1, generator: torch.Generator | None = None
                 ) -> dict[str, torch.Tensor]:
    """Per-image loss (beta 1: reconstruction BCE + KL), reconstruction BCE and KL, using z = mu
    when samples is 0 (reconstruction + KL, core.evaluation.AT_MU: no bound) and an average over
    `samples` draws of z otherwise (the negative ELBO), drawn from `generator` (sample_z)."""
    mu, logvar = model.encode(x, y)
    kl = kl_per_image(mu, logvar)
    if samples <= 0:
        recon = recon_per_image(model.decode_logits(mu, y), x)
    else:
        recon = torch.stack([
            recon_per_image(model.decode_logits(sample_z(mu, logvar, generator), y), x)
            for _ in range(samples)
        ]).mean(0)
    return {"loss": recon + kl, "recon": recon, "kl": kl}


@torch.no_grad()
def score_each_label(model: VAE, x: torch.Tensor) -> dict[str, torch.Tensor]:
    """`score_images(model, x, c, samples=0)` for every label c of a conditional model, as
    [labels, N] tensors, with the images encoded once for all labels (`encode_each_label`)."""
    mu, logvar = model.encode_each_label(x)
    classes, n, _ = mu.shape
    mu, logvar = mu.reshape(classes * n, -1), logvar.reshape(classes * n, -1)
    labels = torch.arange(classes, device=mu.device).repeat_interleave(n)
    kl = kl_per_image(mu, logvar)
    targets = x.unsqueeze(0).expand(classes, *x.shape).reshape(classes * n, *x.shape[1:])
    recon = recon_per_image(model.decode_logits(mu, labels), targets)
    return {"loss": (recon + kl).reshape(classes, n), "recon": recon.reshape(classes, n),
            "kl": kl.reshape(classes, n)}
