"""Adam's update for a training step: `optimizer.step()`, with the fused kernel called directly
where that is the same update.

A fused Adam's `step()` does its work in one kernel, but around it torch.optim's Python gathers
the parameters, their gradients and their state into lists, groups them by device and dtype and
checks its options, every step. For the MLP on 2 CPU cores that took 0.17 ms of a 3.35 ms
step: the update alone is 0.29 ms, the call 0.46 ms (2026-12-05, bench/README.md). Here the
lists are gathered once and the kernel is called as `step()` calls it, with the group's
options read afresh each time (a learning rate changed during a run takes effect at the next
step), and then the post-step hooks, as `step()` calls them. Anything else (another optimizer,
several groups, amsgrad, weight decay, a GPU, a missing gradient, a pre-step hook) goes through
`step()` itself. The first update of a plain one makes its state as `step()` would (`_start`),
and one after `load_state_dict` takes the new state, since `step()` imports torch._dynamo
(core.optim_guards). tests/test_adam_step.py checks that both give the same weights and state,
bit for bit.

`last` names parameters the kernel updates last, in that order. The update of each parameter is
its own, so the order changes no number, only what is in the cache when the step ends: the MLP's
hand-written step casts its two large weights to bf16 first thing in the next step, and with
them updated last its bf16 step took 0.987x the time (the median of seven runs, each 36 rounds
of 20 steps alternating on shuffled batches; 0.971-0.994x in six, 1.039x in one; 2026-12-07),
float32 0.976x and 0.994x, the same weights bit for bit.
"""

from __future__ import annotations

import importlib
import operator
from collections.abc import Sequence

import torch

# Where torch keeps the step hooks registered for every optimizer (register_optimizer_step_*_hook;
# the name torch.optim.optimizer is not an attribute of torch.optim).
_OPTIMIZER_MODULE = importlib.import_module("torch.optim.optimizer")

# The keyword arguments the call below gives the kernel (torch 2.4 to 2.14 take these).
KERNEL_ARGUMENTS = {"lr", "beta1", "beta2", "weight_decay", "eps", "amsgrad", "maximize",
                    "grad_scale", "found_inf"}


def _kernel_takes_our_arguments() -> bool:
    """Whether this torch's fused Adam kernel takes the arguments it is called with here."""
    try:
        schema = torch.ops.aten._fused_adam_.default._schema
    except (AttributeError, RuntimeError):
        return False
    return KERNEL_ARGUMENTS <= {argument.name for argument in schema.arguments}


KERNEL_OK = hasattr(torch, "_fused_adam_") and _kernel_takes_our_arguments()

# The options with which the fused update is exactly `_fused_adam_(..., <the group's values>)`.
PLAIN = {"amsgrad": False, "maximize": False, "weight_decay": 0, "capturable": False,
         "differentiable": False, "foreach": None, "fused": True,
         "decoupled_weight_decay": False}


class AdamStep:
    """Calling it updates `optimizer`'s parameters from their gradients, as `optimizer.step()`
    does."""

    def __init__(self, optimizer: torch.optim.Optimizer, last: Sequence[torch.Tensor] = ()) -> None:
        self.optimizer = optimizer
        self.last = tuple(last)  # updated last, in this order (see the module's docstring)
        self._lists: tuple[list, list, list, list] | None = None  # params, averages, steps
        self._group_params: list[torch.Tensor] = []  # the group's, in its order, when gathered
        # The step counts' one tensor, and the state's counts, its views (see _join_counts).
        self._counts: torch.Tensor | None = None
        self._count_views: list[torch.Tensor] = []
        self._one = torch.tensor(1.0)

    def __call__(self) -> None:
        if self._lists is None or not self._current():
            # A fresh optimizer's state made here, or its state as it now is (replaced by
            # load_state_dict, as a resumed run's is); step() where the update is not plain.
            self._lists = self._start() or self._gather()
            if self._lists is None or not self._current():
                self.optimizer.step()
                self._lists = self._gather()
                return
        params, exp_avgs, exp_avg_sqs, steps = self._lists
        group = self.optimizer.param_groups[0]
        beta1, beta2 = group["betas"]
        if self._counts is not None:
            self._counts.add_(self._one)  # every parameter's count: they are views of it
        else:
            torch._foreach_add_(steps, 1)
        torch._fused_adam_(params, [p.grad for p in params], exp_avgs, exp_avg_sqs, [], steps,
                           lr=float(group["lr"]), beta1=float(beta1), beta2=float(beta2),
                           weight_decay=0.0, eps=float(group["eps"]), amsgrad=False,
                           maximize=False, grad_scale=None, found_inf=None)
        # step()'s post-hooks, in its order and with its arguments: core.small_batch counts
        # the steps with one to know when weights it copied are stale.
        optimizer = self.optimizer
        for hook in (*optimizer._optimizer_step_post_hooks.values(),
                     *_OPTIMIZER_MODULE._global_optimizer_post_hooks.values()):
            hook(optimizer, (optimizer,), {})

    def _plain(self) -> bool:
        """Whether `step()` would be exactly the fused kernel's call and its post-hooks: a fused
        Adam of one group with plain options and no pre-hook (one may change the step's
        arguments), on a torch that has the kernel."""
        optimizer = self.optimizer
        if (not KERNEL_OK or type(optimizer) is not torch.optim.Adam
                or len(optimizer.param_groups) != 1):
            return False
        group = optimizer.param_groups[0]
        if any(group.get(key, value) != value for key, value in PLAIN.items()):
            return False
        if any(torch.is_tensor(value) for value in (group["lr"], group["eps"], *group["betas"])):
            return False
        if not all(hasattr(where, name) for where, name in (
                (optimizer, "_optimizer_step_pre_hooks"), (optimizer, "_optimizer_step_post_hooks"),
                (_OPTIMIZER_MODULE, "_global_optimizer_pre_hooks"),
                (_OPTIMIZER_MODULE, "_global_optimizer_post_hooks"))):
            return False  # a torch that keeps its hooks elsewhere
        return not (optimizer._optimizer_step_pre_hooks
                    or _OPTIMIZER_MODULE._global_optimizer_pre_hooks)

    def _start(self) -> tuple[list, list, list, list] | None:
        """For a plain fused Adam with no state yet and every gradient there: its state made as
        its first `step()` makes it (Adam._init_group: a 0-d float32 count, zeroed averages of
        each parameter's layout), then its lists. `step()` imports torch._dynamo in its body
        (core.optim_guards); None otherwise, and `step()` makes the state."""
        optimizer = self.optimizer
        if not self._plain():
            return None
        params = list(optimizer.param_groups[0]["params"])
        if not params or any(optimizer.state.get(p) for p in params) or any(
                p.device.type != "cpu" or p.dtype != torch.float32 or p.grad is None
                or p.grad.shape != p.shape or p.grad.is_sparse for p in params):
            return None
        for p in params:
            optimizer.state[p] = {
                "step": torch.zeros((), dtype=torch.float32),
                "exp_avg": torch.zeros_like(p, memory_format=torch.preserve_format),
                "exp_avg_sq": torch.zeros_like(p, memory_format=torch.preserve_format)}
        return self._gather()

    def _gather(self) -> tuple[list, list, list, list] | None:
        """The lists the kernel takes, or None where `step()` must do the update."""
        if not self._plain():
            return None
        params = list(self.optimizer.param_groups[0]["params"])
        states = [self.optimizer.state.get(p) for p in params]
        if not params or any(not s or "exp_avg" not in s for s in states):
            return None
        if any(p.device.type != "cpu" or p.dtype != torch.float32 for p in params):
            return None
        self._join_counts(states)
        self._group_params = list(params)
        order = self._update_order(params)
        params, states = [params[i] for i in order], [states[i] for i in order]
        return (params, [s["exp_avg"] for s in states], [s["exp_avg_sq"] for s in states],
                [s["step"] for s in states])

    def _update_order(self, params: list[torch.Tensor]) -> list[int]:
        """The positions of `params` in the order the kernel takes them: the group's, with those
        in `self.last` moved to the end in its order."""
        at_end = [i for p in self.last for i, q in enumerate(params) if q is p]
        return [i for i in range(len(params)) if i not in at_end] + at_end

    def _join_counts(self, states: list[dict]) -> None:
        """Keeps one tensor of the parameters' step counts, each state's count made a view of
        it, so that one addition advances them all: the fused kernel reads each count, and a
        `_foreach_add_` over the MLP's ten took 20.5 us a step, the one addition 1.2 us
        (2026-12-06). step() advances the views one by one, each once, as it did the counts. No
        tensor where the counts are not float32 numbers on the CPU, as fused Adam keeps them."""
        counts = [s["step"] for s in states]
        if self._counts is not None and len(counts) == len(self._count_views) and all(
                map(operator.is_, counts, self._count_views)):
            return  # joined already (step() did an update in between)
        self._counts, self._count_views = None, []
        if not all(torch.is_tensor(c) and c.dim() == 0 and c.dtype == torch.float32
                   and c.device.type == "cpu" for c in counts):
            return
        self._counts = torch.stack(counts)
        self._count_views = list(self._counts.unbind())
        for s, view in zip(states, self._count_views, strict=True):
            s["step"] = view

    def _current(self) -> bool:
        """The update is still plain, the gathered lists are still the optimizer's (its state
        was not replaced) and every parameter has a gradient of its shape."""
        params, exp_avgs, exp_avg_sqs, steps = self._lists
        group_params = self.optimizer.param_groups[0]["params"]
        if (not self._plain() or len(group_params) != len(self._group_params)
                or not all(map(operator.is_, group_params, self._group_params))):
            return False
        state = self.optimizer.state
        for p, exp_avg, exp_avg_sq, step in zip(params, exp_avgs, exp_avg_sqs, steps, strict=True):
            s = state.get(p)
            if (s is None or s.get("exp_avg") is not exp_avg
                    or s.get("exp_avg_sq") is not exp_avg_sq or s.get("step") is not step
                    or p.grad is None or p.grad.shape != p.shape):
                return False
        return True
