"""The optimizer state a checkpoint keeps to continue training, checked against what torch's
Adam.state_dict() holds for the model's parameters: a malformed one failed a continued run with
"object of type 'int' has no len()"."""

from __future__ import annotations

import math

import torch

from .checkpoint_contents import owns_its_numbers, tensor_problem
from .checkpoint_words import article, is_number, is_scalar, key_name, shown

ADAM_STATE = ("step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq")
_ADAM_FLAGS = ("amsgrad", "maximize", "capturable", "differentiable", "decoupled_weight_decay")


def optimizer_problem(state_dict, shapes: list[torch.Size]) -> str | None:
    """What torch's Adam.state_dict() holds for a model with parameters of these shapes: groups
    that list each parameter once with Adam's settings, and per parameter its step count and
    its moments, of the parameter's shape."""
    if not isinstance(state_dict, dict):
        return f"it is {article(type(state_dict).__name__)}, not a table"
    groups, state = state_dict.get("param_groups"), state_dict.get("state")
    if not isinstance(groups, list) or not groups:
        return "its parameter groups are not a list"
    if not isinstance(state, dict):
        return "its state is not a table"
    listed: list[int] = []
    amsgrad = {}
    for group in groups:
        if not isinstance(group, dict) or not all(type(k) is str for k in group):
            return "a parameter group is not a table"
        ids = group.get("params")
        if not isinstance(ids, list) or not all(type(i) is int for i in ids):
            return "a parameter group's params are not a list of parameter numbers"
        listed += ids
        for key in ("lr", "betas", "eps", "weight_decay"):
            if key not in group:
                return f"a parameter group lacks {key}"
        for key, value in group.items():
            problem = None if key == "params" else _group_problem(key, value)
            if problem:
                return problem
        amsgrad.update(dict.fromkeys(ids, bool(group.get("amsgrad"))))
    total = len(shapes)
    if sorted(listed) != list(range(total)):
        distinct = len({i for i in listed if 0 <= i < total})
        if distinct == total:
            return "its parameter groups list a parameter more than once"
        return f"its parameter groups list {distinct} of the model's {total} parameters"
    storages: set[int] = set()
    for index, entry in state.items():
        if type(index) is not int or not 0 <= index < total:
            return f"its state names parameter {shown(index)}, which the model does not have"
        if not isinstance(entry, dict):
            return f"the state of parameter {index} is not a table"
        for key in entry:
            if key not in ADAM_STATE:
                return f"parameter {index} has an entry {key_name(key)}, which Adam does not keep"
        for key in ADAM_STATE[:3] + (ADAM_STATE[3:] if amsgrad[index] else ()):
            if key not in entry:
                return f"parameter {index} lacks {key}"
        step = entry["step"]
        if isinstance(step, torch.Tensor):
            good = (step.dim() == 0 and tensor_problem(step) is None
                    and math.isfinite(float(step)) and float(step) >= 0)
        else:
            good = is_number(step) and math.isfinite(step) and step >= 0
        if not good:
            return f"step of parameter {index} is not a count of steps"
        for key in ADAM_STATE[1:]:
            if key not in entry:
                continue
            tensor = entry[key]
            problem = tensor_problem(tensor)
            if problem:
                return f"{key} of parameter {index} {problem}"
            if tensor.shape != shapes[index]:
                return (f"{key} of parameter {index} has shape {list(tensor.shape)}, where the "
                        f"model's {list(shapes[index])} belongs")
            if not owns_its_numbers(tensor, storages):
                return f"{key} of parameter {index} does not hold its own numbers"
            if not torch.isfinite(tensor).all():
                return f"{key} of parameter {index} holds NaN or infinite values"
    return None


def _group_problem(key: str, value) -> str | None:
    """One of a parameter group's settings, as torch's Adam reads it."""
    if key == "lr":
        good = is_number(value) and math.isfinite(value) and value > 0
        want = "a learning rate above 0"
    elif key == "betas":
        good = (isinstance(value, (list, tuple)) and len(value) == 2
                and all(is_number(b) and 0 <= b < 1 for b in value))
        want = "two numbers from 0 to 1"
    elif key in ("eps", "weight_decay"):
        good = is_number(value) and math.isfinite(value) and value >= 0
        want = "a number of 0 or more"
    elif key in _ADAM_FLAGS:
        good, want = type(value) is bool, "true or false"
    elif key in ("foreach", "fused"):
        good, want = value is None or type(value) is bool, "true, false or nothing"
    else:  # a setting of a later torch's Adam ("param_names": the parameters' names)
        good = is_scalar(value) or (isinstance(value, (list, tuple))
                                    and all(is_scalar(v) for v in value))
        want = "a plain value"
    return None if good else f"{key} is {shown(value)}, where {want} belongs"
