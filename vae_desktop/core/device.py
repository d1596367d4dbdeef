"""Pick the torch device: "auto" prefers CUDA, then Apple MPS, then the CPU."""

from __future__ import annotations

import torch


class DeviceError(ValueError):
    """The requested device does not exist on this machine."""


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def accelerator_present() -> bool:
    """Whether a CUDA GPU or Apple's MPS is there. Only a training step on one calls
    `optimizer.step()`, which imports torch._dynamo (core.optim_guards): the GUI imports it
    ahead for such a step, and only then."""
    return torch.cuda.is_available() or _mps_available()


def resolve_device(name: str | torch.device = "auto") -> torch.device:
    """Turn "auto" | "cpu" | "cuda[:i]" | "mps" into a torch.device, or raise DeviceError."""
    if isinstance(name, torch.device):
        name = str(name)
    name = (name or "auto").strip().lower()
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if _mps_available():
            return torch.device("mps")
        return torch.device("cpu")
    if name == "cpu":
        return torch.device("cpu")
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise DeviceError("CUDA was requested but no CUDA GPU is available; use --device cpu")
        dev = torch.device(name)
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise DeviceError(f"{name} does not exist: {torch.cuda.device_count()} CUDA GPU(s)")
        return dev
    if name == "mps":
        if not _mps_available():
            raise DeviceError("Apple MPS was requested but is not available; use --device cpu")
        return torch.device("mps")
    raise DeviceError(f"unknown device {name!r}: choose one of auto, cpu, cuda, cuda:N (the GPU "
                      "numbered N, from 0) or mps")


def available_devices() -> list[tuple[str, str]]:
    """(device name, human label) for each device present, CPU first."""
    found = [("cpu", "CPU")]
    if torch.cuda.is_available():
        for i in range(torch.cuda.device_count()):
            found.append((f"cuda:{i}", f"CUDA: {torch.cuda.get_device_name(i)}"))
    if _mps_available():
        found.append(("mps", "Apple MPS"))
    return found
