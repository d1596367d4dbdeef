"""torch.optim without torch._dynamo's import.

torch.optim marks several of an optimizer's methods as not to be compiled
(`torch._disable_dynamo`), and that marker imports torch._dynamo, some 900 modules, the first
time each is called: constructing an Adam did it, 1.9-2.6 s of a `vae-desktop train` process on
2 cores (2026-12-06). The marker only matters to code that torch.compile traces, and nothing
here is compiled. `leave_dynamo_unimported()` gives each marked method of `Optimizer` its plain
function as the marker's cached result (the attribute `_disable_dynamo` caches it in), so the
call goes straight to the method. `optimizer.step()` imports torch._dynamo in its own body;
core.adam_step makes a fresh fused Adam's state itself, so training on the CPU never calls it.
A torch that caches elsewhere just imports it as before (tests/test_no_dynamo.py notices).
"""

from __future__ import annotations

import sys

import torch

# The Optimizer methods torch 2.4 to 2.14 mark with torch._disable_dynamo.
MARKED = ("add_param_group", "zero_grad", "state_dict", "load_state_dict")
_CACHE = "__dynamo_disable"  # where torch._compile._disable_dynamo keeps the marked function


def leave_dynamo_unimported() -> None:
    """Call before constructing an optimizer. Once torch._dynamo is imported (by someone
    else) the markers cost nothing more, and are left as they are."""
    if "torch._dynamo" in sys.modules:
        return
    for name in MARKED:
        plain = getattr(getattr(torch.optim.Optimizer, name, None), "__wrapped__", None)
        if callable(plain) and not hasattr(plain, _CACHE):
            setattr(plain, _CACHE, plain)
