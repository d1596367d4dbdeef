"""The training step captured once in a CUDA graph and replayed: the trainer's step on a GPU.

At batch 128 the model's matrix products are microseconds of a GPU's work, and an eager step
is bound by launching its forty-odd kernels one by one from Python: on two H100 machines
(2026-12-05, bench/cuda_graph_step.py) an MLP step took 1.8 and 2.9 ms eagerly, its products
0.08 ms. A CUDA graph launches a captured step's kernels as one: 0.32 ms for the same step, and
the trainer's MLP epoch went from 1.06 to 0.15 s, the conv model's from 1.70 to 0.40 s
(bench/device_throughput.py).

Capture follows PyTorch's whole-network capture: forward, loss, backward and the fused Adam
update in one graph, the batch copied into the graph's input and beta kept in a device scalar.
The graph bakes in what it was captured with, so it is captured for one batch shape and one
learning rate: a batch of another shape (an epoch's last, shorter one) runs eagerly, and so do
the steps after a change of the learning rate, until the step has run `WARMUP` times eagerly
with the same shape and rate (the warm-up torch asks for before a capture, run on a side
stream) and is captured again. A capture that fails leaves the step eager for good.

The fused Adam ignores its `capturable` flag (it keeps its step count on the device either
way), but torch refuses to capture a step of an optimizer not marked capturable, so the flag is
set for the capture alone: eager steps and the saved optimizer state keep it False, and a
checkpoint continues on the CPU as before.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Protocol

import torch

WARMUP = 3  # eager steps of one shape and rate before it is captured


class EagerStep(Protocol):
    """What GraphedStep wraps (core.fast_step.AutogradStep)."""

    model: torch.nn.Module
    optimizer: torch.optim.Optimizer

    def __call__(self, x: torch.Tensor, y: torch.Tensor | None, beta: float) -> torch.Tensor: ...

    def forward_backward(self, x: torch.Tensor, y: torch.Tensor | None, beta,
                         cache: bool = True) -> torch.Tensor: ...


class CudaGraph:
    """torch.cuda's capture and replay, behind the two calls GraphedStep makes of it."""

    def __init__(self) -> None:
        self.graph = torch.cuda.CUDAGraph()

    def capture(self, fn: Callable[[], torch.Tensor]) -> torch.Tensor:
        # thread_local: the GUI thread may use the GPU meanwhile (Draw, Latent space); only this
        # thread's calls are refused while it captures.
        with torch.cuda.graph(self.graph, capture_error_mode="thread_local"):
            return fn()

    def replay(self) -> None:
        self.graph.replay()


class SideStream:
    """Runs the steps before a capture on a side stream of its own (made at its first use),
    ordered after the current stream's work and before what follows it, as torch asks."""

    def __init__(self, device: torch.device) -> None:
        self.device = device
        self.stream: torch.cuda.Stream | None = None

    @contextlib.contextmanager
    def __call__(self):
        if self.stream is None:
            self.stream = torch.cuda.Stream(self.device)
        current = torch.cuda.current_stream(self.device)
        self.stream.wait_stream(current)
        with torch.cuda.stream(self.stream):
            yield
        current.wait_stream(self.stream)


class GraphedStep:
    """`step(x, y, beta)` as AutogradStep computes it, replayed from a CUDA graph where it can
    be (see the module's docstring). The tensor it returns is the graph's own output: read it
    before the next step."""

    def __init__(self, eager: EagerStep, new_graph: Callable[[], CudaGraph] = CudaGraph,
                 warmup_stream=SideStream):
        self.eager = eager
        self.model, self.optimizer = eager.model, eager.optimizer
        self._new_graph = new_graph
        self._on_side = warmup_stream(self.model.device)  # a maker of contexts
        self.graph: CudaGraph | None = None
        self.captures = 0  # graphs made, for the bench and the tests
        self.failed: str | None = None  # why capture failed, where it did: eager from then on
        self._key: tuple | None = None  # what the graph was captured for
        self._pending: tuple | None = None  # the shape and rate of the eager steps in a row
        self._streak = 0

    def _key_of(self, x: torch.Tensor, y: torch.Tensor | None) -> tuple:
        rates = tuple(float(group["lr"]) for group in self.optimizer.param_groups)
        return tuple(x.shape), None if y is None else tuple(y.shape), rates

    def __call__(self, x: torch.Tensor, y: torch.Tensor | None, beta: float) -> torch.Tensor:
        key = self._key_of(x, y)
        if self.graph is not None and key == self._key:
            self._pending, self._streak = None, 0  # an epoch's short batches are not in a row
            return self._replay(x, y, beta)
        if self.failed is not None:
            return self.eager(x, y, beta)
        self._streak = self._streak + 1 if key == self._pending else 1
        self._pending = key
        if self._streak <= WARMUP:
            with self._on_side():
                return self.eager(x, y, beta)
        try:
            self._capture(x, y, beta, key)
        except RuntimeError as error:  # an op that cannot be captured: stay eager
            self.failed = str(error).splitlines()[0] if str(error) else type(error).__name__
            self.graph = self._key = None
            return self.eager(x, y, beta)
        return self._replay(x, y, beta)

    def _capture(self, x: torch.Tensor, y: torch.Tensor | None, beta: float, key: tuple) -> None:
        self.graph = self._key = None  # the last graph's memory goes before the next is made
        self._x = x.clone()
        self._y = None if y is None else y.clone()
        self._beta_now = float(beta)
        self._beta = torch.tensor(self._beta_now, device=x.device)
        self.optimizer.zero_grad(set_to_none=True)  # the captured backward makes its own
        groups = self.optimizer.param_groups
        before = [group["capturable"] for group in groups]
        for group in groups:
            group["capturable"] = True
        try:
            graph = self._new_graph()
            self._out = graph.capture(
                lambda: self.eager.forward_backward(self._x, self._y, self._beta, cache=False))
        finally:
            for group, flag in zip(groups, before, strict=True):
                group["capturable"] = flag
        self.graph, self._key = graph, key
        self.captures += 1

    def _replay(self, x: torch.Tensor, y: torch.Tensor | None, beta: float) -> torch.Tensor:
        self._x.copy_(x)
        if y is not None:
            self._y.copy_(y)
        if float(beta) != self._beta_now:  # a launch only when beta moves (a KL warm-up)
            self._beta.fill_(beta)
            self._beta_now = float(beta)
        self.graph.replay()
        return self._out


def can_graph(optimizer: torch.optim.Optimizer, device: torch.device) -> bool:
    """Whether a step with this optimizer on this device can be captured: CUDA, Adam fused (an
    unfused Adam keeps its step count on the CPU, which a graph cannot update), and a torch
    whose capture collects no garbage."""
    return (device.type == "cuda" and not capture_collects_garbage()
            and all(group.get("fused") for group in optimizer.param_groups))


def capture_collects_garbage() -> bool:
    """Whether torch.cuda.graph runs gc.collect() as a capture begins: always before torch 2.6,
    since then only where torch.compiler.config.force_cudagraph_gc is set. The trainer captures
    in a worker thread, and a collection there would destroy Qt objects off the GUI thread (the
    hang gui.app.GuiThreadCollector prevents), so such a torch trains eagerly."""
    config = getattr(torch.compiler, "config", None)
    return getattr(config, "force_cudagraph_gc", True) is not False
