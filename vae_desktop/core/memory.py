"""How much memory and time a training run needs, from its settings, and what the device has.

A run holds the model's weights, their gradients, Adam's two moment estimates and the trainer's
copy of the last good weights; the training and test images as floats on the device; and, during
a step, what autograd keeps for the backward pass at the batch size, plus the gradient buffers
of the largest layers (on CUDA twice over: the step's CUDA graph keeps its own, needed_bytes).
On the CPU the one-hidden-layer MLP trains without autograd: there the step's own buffers,
kept from step to step (core.fast_step.kept_bytes), take autograd's place. The model is built
on PyTorch's meta device (shapes only, no memory) and its layers are walked as one image goes
through them: so the figures follow core.model's layers.

Checked against one real training step on the CPU (peak resident memory; bench/memory_estimate.py).
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass

import torch
from torch import nn

from .fast_step import kept_bytes
from .model import PIXELS, VAE
from .precision import resolve_precision
from .settings import TRAIN_IMAGES, num_classes
from .wording import duration

FLOAT_BYTES = 4
# Weights, gradients, Adam's two moments, and the last good weights (Trainer.last_good_state).
WEIGHT_COPIES = 5
# The backward pass holds gradient buffers for a few activations at a time on top of what
# autograd saved, and the allocator and the step's bookkeeping hold some more: fitted to five
# configurations measured in bench/memory_estimate.py (2026-12-02: 2.9 of the largest
# activation per image, and 0.11 GB), rounded up.
TRANSIENT_ACTIVATIONS = 3
OVERHEAD_BYTES = 150_000_000
# Floating-point operations a second assumed for one training step, per CPU core: what a shared
# 2-core CPU reached in bench/memory_estimate.py (7 to 14 GFLOP/s in all, 2026-12-02); a GPU
# gets a figure for a small one. Only for saying up front that a step will be slow.
CPU_FLOPS_PER_CORE = 5e9
GPU_FLOPS = 5e12
# A step longer than this cannot be interrupted within the app's shutdown wait.
SLOW_STEP_S = 5.0
TEST_IMAGES = 10_000  # MNIST's test split
GB = 1e9


@dataclass(frozen=True)
class ModelCost:
    """What one model of these settings costs, independent of the batch."""

    parameters: int
    saved_bytes_per_image: int  # what autograd keeps for the backward pass
    largest_bytes_per_image: int  # the largest activation of one image
    flops_per_image: int  # one training step (forward and backward)


@functools.lru_cache(maxsize=128)
def model_cost(arch: str, latent_dim: int, hidden: int, classes: int = 0,
               layers: int = 1) -> ModelCost:
    """Walk the model's layers, built on the meta device (in milliseconds, allocating nothing),
    the way `VAE.forward_logits` and `vae_loss` run them, noting what autograd saves for the
    backward pass: a Linear or a convolution its input, a ReLU its output, views nothing; the
    loss the input, the logits, mu and exp(logvar); the sampling its noise and its scale.
    (tests/test_memory.py checks this against autograd's own record of a real pass.)"""
    with torch.device("meta"):
        model = VAE(latent_dim=latent_dim, hidden=hidden, arch=arch, num_classes=classes,
                    layers=layers)
    walk = _Walk()
    walk.new(PIXELS, saved=True)  # the batch, which the loss keeps
    if arch == "mlp":
        walk.shape = (PIXELS,)
    else:
        walk.shape = (1, 28, 28)
        walk.layers(model.enc_conv)
    if classes:
        walk.new(walk.size + classes)  # joined with the one-hot label
    walk.layers(model.enc_body)
    walk.layer(model.fc_mu)  # mu and logvar: fc_logvar has the same input, saved once
    walk.macs += model.fc_logvar.in_features * model.fc_logvar.out_features
    walk.saved += 3 * latent_dim  # mu (for the KL), the noise and its scale exp(logvar / 2)
    walk.new(latent_dim + classes)  # z, joined with the one-hot label when conditional
    walk.layers(model.dec_body)
    walk.saved += walk.size if not walk.is_saved else 0  # the logits, for the loss
    walk.saved += latent_dim  # exp(logvar), for the KL
    parameters = sum(p.numel() for p in model.parameters())
    # A training step: the forward pass, and twice its work backward (input and weight
    # gradients; the images need none); two operations per multiply-add.
    return ModelCost(parameters, walk.saved * FLOAT_BYTES, walk.largest * FLOAT_BYTES,
                     2 * (3 * walk.macs - walk.first_macs))


class _Walk:
    """The activation of one image as it goes through the layers: its shape, whether autograd
    keeps it, and the totals so far (in floats and multiply-adds)."""

    def __init__(self) -> None:
        self.shape: tuple[int, ...] = ()
        self.is_saved = False
        self.saved = self.largest = self.macs = 0
        self.first_macs = 0  # of the first layer, whose input (the images) needs no gradient

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    def new(self, size: int, saved: bool = False) -> None:
        self.shape, self.is_saved = (size,), False
        self.largest = max(self.largest, size)
        if saved:
            self.save()

    def save(self) -> None:
        if not self.is_saved:
            self.saved += self.size
            self.is_saved = True

    def _output(self, shape: tuple[int, ...]) -> None:
        self.shape, self.is_saved = shape, False
        self.largest = max(self.largest, self.size)

    def layers(self, sequence: nn.Sequential) -> None:
        for module in sequence:
            self.layer(module)

    def layer(self, m: nn.Module) -> None:
        macs = self.macs
        self._layer(m)
        if not macs:
            self.first_macs = self.macs

    def _layer(self, m: nn.Module) -> None:
        if isinstance(m, nn.Linear):
            self.save()
            self.macs += m.in_features * m.out_features
            self._output((m.out_features,))
        elif isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            self.save()
            _, h, w = self.shape
            (kh, kw), (sh, sw), (ph, pw) = m.kernel_size, m.stride, m.padding
            if isinstance(m, nn.Conv2d):
                out = (m.out_channels, (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1)
                self.macs += math.prod(out) * m.in_channels * kh * kw
            else:
                out = (m.out_channels, (h - 1) * sh - 2 * ph + kh, (w - 1) * sw - 2 * pw + kw)
                self.macs += self.size * m.out_channels * kh * kw
            self._output(out)
        elif isinstance(m, nn.ReLU):
            self._output(self.shape)
            self.save()
        elif isinstance(m, nn.Flatten):
            # The conv layers run channels last (VAE), and the encoder's features are flattened
            # in that order (core.conv_layout): the Flatten is a view of what its ReLU saved.
            self.shape = (self.size,)
        elif isinstance(m, nn.Unflatten):
            self.shape = tuple(m.unflattened_size)
        else:
            raise TypeError(f"the memory estimate does not know the layer {type(m).__name__}")


@dataclass(frozen=True)
class RunEstimate:
    """Memory and time of a training run, in bytes and floating-point operations."""

    batch_size: int  # as asked
    batch: int  # images a step really takes (no more than there are)
    hidden: int
    parameters: int
    weights_bytes: int
    activation_bytes: int
    data_bytes: int
    flops_per_step: float

    @property
    def total_bytes(self) -> int:
        return self.weights_bytes + self.activation_bytes + self.data_bytes + OVERHEAD_BYTES

    def batch_words(self) -> str:
        if self.batch < self.batch_size:
            return f"batch {self.batch_size:,} ({self.batch:,} images a step, all there are)"
        return f"batch {self.batch:,}"


def estimate(settings: Mapping, train_images: int | None = None,
             test_images: int = TEST_IMAGES, device: str | torch.device = "cpu") -> RunEstimate:
    """The run's needs on `device`. `settings`: core.settings values (arch, latent_dim, hidden,
    conditional, batch_size; layers and precision where not the defaults; train_size when
    `train_images` is not given, 0 meaning all)."""
    if train_images is None:
        train_images = settings.get("train_size") or TRAIN_IMAGES
    arch, latent_dim, hidden = settings["arch"], int(settings["latent_dim"]), int(settings["hidden"])
    classes = num_classes(bool(settings.get("conditional", False)))
    layers = int(settings.get("layers", 1))
    cost = model_cost(arch, latent_dim, hidden, classes, layers)
    batch = max(1, min(int(settings["batch_size"]), int(train_images)))
    weights = cost.parameters * FLOAT_BYTES * WEIGHT_COPIES
    activations = batch * (cost.saved_bytes_per_image
                           + TRANSIENT_ACTIVATIONS * cost.largest_bytes_per_image)
    device = torch.device(device)
    if arch == "mlp" and layers == 1 and device.type == "cpu":
        # The hand-written step (core.fast_step.MLPStep) trains it: no autograd, but buffers
        # kept from step to step, for the full batch and the last, shorter one, and the batch
        # gathered anew for each step.
        try:
            precision = resolve_precision(settings.get("precision") or "auto", device, arch)
        except ValueError:  # the run says so when it starts; bf16 keeps the more
            precision = "bf16"
        last = int(train_images) % batch
        activations = (kept_bytes(batch + last, hidden, latent_dim, classes, precision)
                       + batch * PIXELS * FLOAT_BYTES)
    pixels = 28 * 28 * FLOAT_BYTES + 8  # a float image and its int64 label
    data = (train_images + test_images) * pixels
    return RunEstimate(int(settings["batch_size"]), batch, int(settings["hidden"]),
                       cost.parameters, weights, activations, data,
                       float(batch * cost.flops_per_image))


def largest_trial(spec) -> dict:
    """The settings of the sweep's trial that needs the most memory: the largest latent size,
    hidden units and batch its ranges and choices allow, with the architecture that needs more.
    `spec`: a core.sweep SweepSpec."""
    values = {**spec.fixed, "conditional": spec.conditional}
    for name in ("latent_dim", "hidden", "batch_size"):
        if name in spec.vary:
            values[name] = max(getattr(spec, name))
    archs = spec.arch if "arch" in spec.vary else (values["arch"],)
    return max(({**values, "arch": arch} for arch in archs),
               key=lambda trial: estimate(trial, TRAIN_IMAGES).total_bytes)


def training_needs(settings: Mapping, test_images: int | None = None,
                   subject: str = "{}") -> tuple[str | None, str | None]:
    """(why the run cannot fit in its device's free memory, why its one step will be slow),
    each None when not. `settings`: core.settings values and "device" (default "auto")."""
    from .device import DeviceError, resolve_device

    try:
        device = resolve_device(settings.get("device") or "auto")
    except DeviceError:
        return None, None  # the run says so when it starts
    run = estimate(settings, test_images=test_images or TEST_IMAGES, device=device)
    return fit_problem(run, device, subject), slow_step_note(run, device)


def sweep_needs(spec) -> tuple[str | None, str | None]:
    """training_needs of the sweep's largest trial (`spec`: a core.sweep SweepSpec). The
    held-out objective trains on fewer images than `train_size`: that bound is kept."""
    trial = {**largest_trial(spec), "train_size": spec.train_size or 0, "device": spec.device}
    too_big, slow = training_needs(trial, spec.test_size, "the largest trial the ranges allow: {}")
    return too_big, f"The largest trial the ranges allow: {slow[:1].lower()}{slow[1:]}" if slow \
        else None


# What the device has
def available_ram() -> int | None:
    """Bytes of RAM this machine can give without swapping, or None if it cannot be told."""
    try:
        import psutil  # not a dependency: used where installed
    except ImportError:
        pass
    else:
        return int(psutil.virtual_memory().available)
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):
        return None


def free_bytes(device: str | torch.device) -> int | None:
    """Memory free on the training device (a GPU's own, else the machine's RAM), or None."""
    device = torch.device(device)
    if device.type == "cuda":
        try:
            return int(torch.cuda.mem_get_info(device)[0])
        except (RuntimeError, AssertionError):
            return None
    return available_ram()  # the CPU, and Apple's MPS, which shares the RAM


def flops_per_second(device: str | torch.device) -> float:
    device = torch.device(device)
    if device.type == "cpu":
        return CPU_FLOPS_PER_CORE * (os.cpu_count() or 1)
    return GPU_FLOPS


def _where(device: str | torch.device) -> str:
    return "the GPU has" if torch.device(device).type == "cuda" else "this machine has"


def needed_bytes(run: RunEstimate, device: str | torch.device) -> int:
    """What the run takes on `device`. On CUDA the step is replayed from a CUDA graph
    (core.graphed_step) whose memory, one step's activations and gradients, stays held while an
    epoch's short last batch (and the steps before a capture) run eagerly beside it."""
    if torch.device(device).type != "cuda":
        return run.total_bytes
    return run.total_bytes + run.activation_bytes + run.parameters * FLOAT_BYTES


def fit_problem(run: RunEstimate, device: str | torch.device, subject: str = "{}") -> str | None:
    """Why the run cannot fit in the device's free memory, in words ("batch 52,950 with 8,192
    hidden units needs about 9.4 GB; this machine has 6.0 GB free"); None when it can, or when
    the free memory cannot be told. `subject` frames the run's words ("the largest trial: {}")."""
    free = free_bytes(device)
    needed = needed_bytes(run, device)
    if free is None or needed <= free:
        return None
    what = subject.format(f"{run.batch_words()} with {run.hidden:,} hidden units")
    return f"{what} needs about {_gigabytes(needed)}; {_where(device)} {_gigabytes(free)} free"


def step_seconds(run: RunEstimate, device: str | torch.device) -> float:
    return run.flops_per_step / flops_per_second(device)


def slow_step_note(run: RunEstimate, device: str | torch.device) -> str | None:
    """A warning when one step is estimated to take longer than the app waits when stopping."""
    seconds = step_seconds(run, device)
    if seconds < SLOW_STEP_S:
        return None
    return (f"One step of {run.batch:,} images takes about {duration(seconds)} here, and "
            "stopping waits for the step under way.")


def _gigabytes(n: float) -> str:
    return f"{n / GB:.1f} GB" if n >= 0.1 * GB else f"{n / GB:.2f} GB"


