"""The CUDA-graph step's bookkeeping (core.graphed_step), on the CPU: a stand-in graph whose
capture runs nothing and whose replay runs what was captured, refusing to replay with a learning
rate other than the one it was captured with (a real graph bakes the rate in). What a replay
computes must be what the eager step computes, step for step, through warm-up, an epoch's short
last batch, a KL warm-up's moving beta and a change of the learning rate. CUDA itself is
measured by bench/cuda_graph_step.py on a GPU, never here."""

from __future__ import annotations

import contextlib
import copy

import pytest
import torch

from vae_desktop.core import graphed_step
from vae_desktop.core.data import to_float
from vae_desktop.core.fast_step import AutogradStep, make_train_step
from vae_desktop.core.graphed_step import WARMUP, GraphedStep, can_graph
from vae_desktop.core.training import make_adam, new_model


class StandInGraph:
    """Capture stores the step and runs nothing; replay runs it, as a graph replays kernels."""

    def __init__(self, optimizer: torch.optim.Optimizer, log: list[str]):
        self.optimizer, self.log = optimizer, log

    def capture(self, fn):
        assert all(group["capturable"] for group in self.optimizer.param_groups)
        self.fn, self.lr = fn, self.optimizer.param_groups[0]["lr"]
        self.out = torch.full((3,), float("nan"))
        self.log.append("capture")
        return self.out

    def replay(self):
        if self.optimizer.param_groups[0]["lr"] != self.lr:
            raise AssertionError("replayed with a learning rate it was not captured with")
        # A captured backward writes the gradients afresh (they were cleared at capture), where
        # a backward run again in Python would add to them.
        self.optimizer.zero_grad(set_to_none=True)
        self.out.copy_(self.fn())
        self.log.append("replay")


def graphed(model, log):
    optimizer = make_adam(model, 1e-3)
    return GraphedStep(AutogradStep(model, optimizer),
                       new_graph=lambda: StandInGraph(optimizer, log),
                       warmup_stream=lambda device: contextlib.nullcontext)


@pytest.mark.parametrize("num_classes", [0, 10])
def test_a_replayed_step_computes_what_the_eager_step_does(mnist_train_small, num_classes):
    images, labels = to_float(mnist_train_small[0][:700]), mnist_train_small[1][:700]
    reference = new_model(2, hidden=48, latent_dim=4, num_classes=num_classes)
    reference.train()
    model = copy.deepcopy(reference)
    eager = AutogradStep(reference, make_adam(reference, 1e-3))
    log: list[str] = []
    step = graphed(model, log)
    # Six epochs of 700 images in batches of 128: five full batches and a short one of 60.
    batches = [(start, min(128, 700 - start)) for start in range(0, 700, 128)] * 6
    for i, (start, size) in enumerate(batches):
        if i == 9:  # a person changes the learning rate mid-epoch
            for optimizer in (eager.optimizer, step.optimizer):
                for group in optimizer.param_groups:
                    group["lr"] = 3e-4
        beta = min(1.0, (i + 1) / 12)  # a KL warm-up: beta moves every step
        x, y = images[start:start + size], labels[start:start + size] if num_classes else None
        torch.manual_seed(i)
        expected = eager(x, y, beta)
        torch.manual_seed(i)  # the same reparameterisation noise
        got = step(x, y, beta).clone()
        assert torch.equal(got, expected), (i, got, expected)
    for (name, a), b in zip(reference.named_parameters(), model.parameters(), strict=True):
        assert torch.equal(a, b), name
    # Captured after WARMUP full batches (steps 0-2 eager, 3 captured); the short batch, once an
    # epoch (5, 11, ..., 35), never: replays between its epochs do not count it as in a row.
    # The new rate (from step 9) runs eagerly: 9 and 10, the short 11 breaks the row, 12-14,
    # and 15 is captured again.
    assert WARMUP == 3
    assert log.count("capture") == step.captures == 2
    replayed = [3, 4, 6, 7, 8, 15, 16] + [i for i in range(18, 36) if i % 6 != 5]
    assert log.count("replay") == len(replayed)
    assert step.failed is None
    assert not any(group["capturable"] for group in step.optimizer.param_groups)
    assert not step.optimizer.state_dict()["param_groups"][0]["capturable"]  # saved as before


def test_a_step_that_cannot_be_captured_stays_eager(mnist_train_small):
    images = to_float(mnist_train_small[0][:128 * 6])
    reference = new_model(4, hidden=32, latent_dim=2)
    reference.train()
    model = copy.deepcopy(reference)
    eager = AutogradStep(reference, make_adam(reference, 1e-3))

    class Refuses(StandInGraph):
        def capture(self, fn):
            raise RuntimeError("operation not permitted when stream is capturing\nmore")

    optimizer = make_adam(model, 1e-3)
    step = GraphedStep(AutogradStep(model, optimizer), new_graph=lambda: Refuses(optimizer, []),
                       warmup_stream=lambda device: contextlib.nullcontext)
    for i in range(6):
        x = images[128 * i:128 * (i + 1)]
        torch.manual_seed(i)
        expected = eager(x, None, 1.0)
        torch.manual_seed(i)
        assert torch.equal(step(x, None, 1.0), expected)
    assert step.failed == "operation not permitted when stream is capturing"
    assert step.graph is None and step.captures == 0
    assert not any(group["capturable"] for group in optimizer.param_groups)


def test_only_a_fused_adam_on_cuda_is_captured():
    model = new_model(1, hidden=16, latent_dim=2, arch="conv")
    fused = make_adam(model, 1e-3)
    assert fused.param_groups[0]["fused"]
    assert can_graph(fused, torch.device("cuda"))
    assert not can_graph(fused, torch.device("cpu"))
    assert not can_graph(torch.optim.Adam(model.parameters()), torch.device("cuda"))
    # The trainer's choice on the CPU is unchanged: autograd for the conv model, uncaptured.
    assert type(make_train_step(model, fused, "fp32")) is AutogradStep


def test_the_trainer_wraps_its_step_where_it_can_graph(monkeypatch):
    model = new_model(1, hidden=16, latent_dim=2, arch="conv")
    monkeypatch.setattr(graphed_step, "can_graph", lambda optimizer, device: True)
    step = make_train_step(model, make_adam(model, 1e-3), "bf16")
    assert isinstance(step, GraphedStep) and step.eager.precision == "bf16"


def test_no_capture_where_torch_would_collect_garbage_in_the_worker(monkeypatch):
    """torch before 2.6 ran gc.collect() at every capture, in the training worker's thread,
    where a collection destroys Qt objects off the GUI thread: such a torch trains eagerly."""
    model = new_model(1, hidden=16, latent_dim=2, arch="conv")
    fused = make_adam(model, 1e-3)
    assert not graphed_step.capture_collects_garbage()  # the torch installed here
    monkeypatch.setattr(torch.compiler.config, "force_cudagraph_gc", True)
    assert graphed_step.capture_collects_garbage()
    assert not can_graph(fused, torch.device("cuda"))
    monkeypatch.delattr(torch.compiler.config, "force_cudagraph_gc")  # as before torch 2.6
    assert graphed_step.capture_collects_garbage()
