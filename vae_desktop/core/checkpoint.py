"""Checkpoints: weights, model settings, training history and optimizer state in one file.

Saving is atomic (temporary file in the same folder, then os.replace). Loading never runs code
from a file, never takes much more memory than the file's weights, and says in words what is
wrong with a file it refuses (CheckpointError), never with a traceback:

- `torch.load(weights_only=True)` refuses any pickle that would call a function or build an
  object other than tensors and plain containers; the message names what the file asked for.
- The zip archive torch.save writes must be uncompressed and lie within the file, so a small
  file cannot unpack into gigabytes (torch.load would inflate a compressed member).
- The model is built on PyTorch's meta device (shapes only, no memory) and the file's weights
  are compared with it, name by name and shape by shape, before any memory is taken for it;
  each weight must hold its own numbers in the file. Settings that describe a model larger
  than the largest the settings table allows are refused.
- The history, the training settings and the optimizer state are checked value by value
  against what the app writes, so a malformed value never reaches a plot, a list or a run.
"""

from __future__ import annotations

import errno
import functools
import math
import os
import pickle
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import torch

from .data import DATASETS
from .fileio import atomic_write
from .memory import TEST_IMAGES
from .model import ARCHS, VAE, VAEConfig
from .settings import NUM_CLASSES, SETTINGS
from .wording import count

FORMAT = "vae-desktop-checkpoint"
VERSION = 1
ZIP_MAGIC, PICKLE_MAGIC = b"PK\x03\x04", b"\x80"  # how the files torch.save writes begin
WEIGHT_DTYPES = (torch.float32, torch.float16, torch.bfloat16, torch.float64)
CHANGED = ("beta", "lr")  # what a run's history records changes of (core.training.ChangeEvent)
ADAM_STATE = ("step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq")
# What to do about a file whose contents are malformed: no version of the app writes one.
ALTERED = ("It was changed outside vae-desktop or damaged: open another copy of it, or train "
           "the model again.")
# ... and about settings, which a later version may widen the ranges of.
NEWER = ("It may come from a newer vae-desktop (then update this one); otherwise it was changed "
         "outside vae-desktop or damaged.")


class CheckpointError(RuntimeError):
    """The file is not a usable vae-desktop checkpoint; the message says why."""


@dataclass
class Checkpoint:
    model: VAE
    config: VAEConfig
    history: list[dict] = field(default_factory=list)
    optimizer_state: dict | None = None
    train_config: dict = field(default_factory=dict)
    path: Path | None = None
    name: str = ""

    @property
    def epochs(self) -> int:
        return len(self.history)

    @property
    def test_loss(self) -> float | None:
        for rec in reversed(self.history):
            value = rec.get("test_loss")
            if value is not None and value == value:
                return float(value)
        return None


def save(path: str | os.PathLike, model: VAE, history: list[dict] | None = None,
         optimizer_state: dict | None = None, train_config: dict | None = None) -> Path:
    """Write a checkpoint atomically; returns the path."""
    path = Path(path)
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "config": model.config.to_dict(),
        "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "history": [dict(rec) for rec in (history or [])],
        "optimizer": _to_cpu(optimizer_state) if optimizer_state is not None else None,
        "train_config": dict(train_config or {}),
    }
    def write(tmp: str) -> None:
        with open(tmp, "wb") as fh:
            torch.save(payload, fh)
            fh.flush()
            os.fsync(fh.fileno())

    atomic_write(path, write)
    return path


def _to_cpu(obj):
    if torch.is_tensor(obj):
        return obj.detach().cpu()
    if isinstance(obj, dict):
        return {k: _to_cpu(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_to_cpu(v) for v in obj)
    return obj


def load(path: str | os.PathLike, device: str | torch.device = "cpu") -> Checkpoint:
    """Read a checkpoint; the model comes back in eval mode on `device`."""
    path = Path(path)
    name = path.name
    _check_file(path)
    payload = _read(path)
    if not isinstance(payload, dict) or not _is_text(payload.get("format"), FORMAT):
        raise CheckpointError(f"{name} is a PyTorch file but not a vae-desktop checkpoint: pick "
                              "a .pt file saved by vae-desktop.")
    version = payload.get("version")
    if type(version) is not int or version != VERSION:
        raise CheckpointError(
            f"{name} is checkpoint format version {_shown(version)}; this vae-desktop reads "
            f"version {VERSION}. Update vae-desktop, or retrain the model."
        )
    config = _config(payload.get("config"), name)
    with torch.device("meta"):  # shapes only: nothing is allocated until the weights fit
        model = VAE.from_config(config)
    parameters = sum(p.numel() for p in model.parameters())
    if parameters > largest_model_parameters():
        raise CheckpointError(
            f"{name} describes a model of {parameters:,} parameters ({config.describe()}), more "
            f"than the largest vae-desktop's settings allow ({largest_model_parameters():,}). It "
            f"was not saved by vae-desktop, and building it would take "
            f"{parameters * 4 / 1e9:.1f} GB of memory."
        )
    state = _weights(payload.get("state_dict"), model, name, config)
    history = _history(payload.get("history"), name)
    train_config = _train_config(payload.get("train_config"), name)
    optimizer = payload.get("optimizer")
    if optimizer is not None:
        shapes = [p.shape for p in model.parameters()]  # Adam numbers them in this order
        problem = _optimizer_problem(optimizer, shapes)
        if problem:
            raise CheckpointError(f"{name}: the optimizer state, kept to continue training, is "
                                  f"malformed: {problem}. {ALTERED}")
    # The file's tensors become the weights (no second copy, no random initialisation).
    # Not to_empty(): its first call imports torch's Python references, 0.4 s at start-up.
    model.load_state_dict(state, strict=True, assign=True)
    model.to(device)
    if config.arch == "conv":  # as VAE lays its convolutions out (a file may hold another)
        model.enc_conv.to(memory_format=torch.channels_last)
        model.dec_body.to(memory_format=torch.channels_last)
    model.eval()
    return Checkpoint(model, config, history, optimizer, train_config, path, path.stem)


@functools.cache
def largest_model_parameters() -> int:
    """The parameters of the largest model the settings table's ranges allow (a conditional
    conv model with the most latent dimensions, layers and units): about 467 million, 1.9 GB
    of float32 weights. A checkpoint's settings may describe no larger one."""
    def parameters_of(arch: str) -> int:
        with torch.device("meta"):
            model = VAE(latent_dim=int(SETTINGS["latent_dim"].high),
                        hidden=int(SETTINGS["hidden"].high), arch=arch, num_classes=NUM_CLASSES,
                        layers=int(SETTINGS["layers"].high))
        return sum(p.numel() for p in model.parameters())

    return max(parameters_of(arch) for arch in ARCHS)


# The file
def _check_file(path: Path) -> None:
    """Refuse, in words, what cannot be a checkpoint at all: a missing file, a folder, an empty
    file, one that is not a PyTorch file (torch's own errors for one are the unpickler's
    insides: "(101)", "(4045160522)"), or a damaged or compressed archive."""
    name = path.name
    try:
        info = path.stat()
    except FileNotFoundError:
        raise CheckpointError(f"{path}: no such file. It may have been moved, renamed or "
                              "deleted.") from None
    except OSError as exc:
        raise CheckpointError(_cannot_read(name, exc)) from None
    if stat.S_ISDIR(info.st_mode):
        raise CheckpointError(f"{name} is a folder, not a checkpoint: pick a .pt file inside it.")
    if not stat.S_ISREG(info.st_mode):
        raise CheckpointError(f"{name} is not a regular file (it is a device, a pipe or a "
                              "socket), so it cannot be a checkpoint: pick a .pt file.")
    try:
        with open(path, "rb") as f:
            head = f.read(4)
    except OSError as exc:
        raise CheckpointError(_cannot_read(name, exc)) from None
    if not head:
        raise CheckpointError(f"{name} is empty: it holds no model, perhaps because saving it "
                              "was cut short. Pick another file.")
    # What torch.save writes: a zip archive (since torch 1.6), or before that a pickle.
    if not head.startswith((ZIP_MAGIC, PICKLE_MAGIC)):
        raise CheckpointError(f"{name} is not a vae-desktop checkpoint: it is not a PyTorch "
                              "file at all. Pick a .pt file saved by vae-desktop.")
    if head.startswith(ZIP_MAGIC):
        _check_archive(path, info.st_size)


def _check_archive(path: Path, size: int) -> None:
    """The zip archive's table of contents, read by Python's zipfile before torch reads the
    archive: it must be whole, list only members that lie within the file, and none of them
    compressed (torch.save stores them; torch.load would inflate one, whatever its size)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except OSError as exc:
        if exc.errno not in (None, errno.EINVAL):  # EINVAL: a seek the damage sent astray
            raise CheckpointError(_cannot_read(path.name, exc)) from None
        raise CheckpointError(_damaged(path.name)) from None
    except Exception:  # BadZipFile, or what a damaged table of contents makes zipfile raise
        raise CheckpointError(_damaged(path.name)) from None
    if any(m.filename.endswith("/constants.pkl") for m in members):  # torch's own test for one
        raise CheckpointError(_torchscript(path.name))
    for member in members:
        if member.compress_type != zipfile.ZIP_STORED:
            raise CheckpointError(
                f"{path.name} is not a vae-desktop checkpoint: its archive is compressed, which "
                "torch.save never does, and unpacking it could take far more memory than the "
                "file's size. Pick a .pt file saved by vae-desktop."
            )
        if (member.file_size != member.compress_size
                or member.header_offset + member.compress_size > size):
            raise CheckpointError(_damaged(path.name))


def _read(path: Path):
    name = path.name
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        raise CheckpointError(_refusal(name, exc)) from None
    except OSError as exc:
        if exc.errno not in (None, errno.EINVAL):
            raise CheckpointError(_cannot_read(name, exc)) from None
        raise CheckpointError(_damaged(name)) from None  # torch's reader seeking astray
    except Exception as exc:  # whatever the reader raises on a damaged file
        if "torchscript" in str(exc).lower():
            raise CheckpointError(_torchscript(name)) from None
        # torch's reasons here are its reader's insides (a miniz error, a key number): no help.
        raise CheckpointError(
            f"{name} is not a readable checkpoint: the file is truncated or corrupt (a PyTorch "
            "file, but cut short or damaged). Copy or download it again."
        ) from None


# What the weights-only unpickler says of a file that asks for more than tensors and containers
# (torch/_weights_only_unpickler.py). torch.load rewraps it with advice to load the file with
# weights_only=False, which is never passed on.
_CODE = [
    re.compile(r"GLOBAL (\S+) was not an allowed global", re.I),
    re.compile(r"unsupported GLOBAL (\S+) whose module \S+ is blocked", re.I),
    re.compile(r"call reduce for unrecognized function ([^\n]+?)(?: which belongs to|\n|$)", re.I),
    re.compile(r"can only create new object for [^\n]*? but got ([^\n]+)", re.I),
    re.compile(r"can only build [^\n]*? but got ([^\n]+)", re.I),
    re.compile(r"unsupported global|not an allowed global|is blocked|unrecognized function", re.I),
]
_NOT_PLAIN = re.compile(r"must be imported to load", re.I)  # nested or distributed tensors


def _refusal(name: str, exc: pickle.UnpicklingError) -> str:
    # torch raises its rewrap "from None": the unpickler's own message stays in __context__.
    inner = exc.__context__
    text = f"{inner}\n{exc}" if isinstance(inner, pickle.UnpicklingError) else str(exc)
    for pattern in _CODE:
        found = pattern.search(text)
        if found:
            what = _object_name(found.group(1)) if pattern.groups else ""
            what = f" ({what})" if what else ""
            return (f"{name} was refused: it contains a Python object{what} other than weights, "
                    "settings and numbers, and loading it could run code. vae-desktop never "
                    "loads one; nothing in it was run.")
    if _NOT_PLAIN.search(text):
        return (f"{name} is not a vae-desktop checkpoint: it holds nested or distributed "
                "tensors, which vae-desktop never writes. Pick a .pt file saved by vae-desktop.")
    return (f"{name} is not a readable checkpoint: the file is truncated or corrupt (its data "
            "does not decode as a PyTorch file). Copy or download it again.")


def _object_name(text: str) -> str:
    """"<built-in function system>" -> "system", "<class 'a.B'>" -> "a.B"; "" unless a dotted
    name (a damaged pickle calls whatever lies on its stack), never longer than 60 letters."""
    text = text.strip().rstrip(".").strip("`'\"")
    found = re.fullmatch(r"<(?:class|built-in function|function) '?([^'>\s]+)'?.*>", text)
    if found:
        text = found.group(1)
    if not re.fullmatch(r"[A-Za-z_][\w.]*", text):
        return ""
    return text if len(text) <= 60 else text[:57] + "..."


def _torchscript(name: str) -> str:
    return (f"{name} was refused: it is a TorchScript program (a model saved with its code), "
            "and loading one could run code. vae-desktop opens only checkpoints, which hold "
            "weights, settings and numbers; nothing in it was run.")


def _damaged(name: str) -> str:
    return (f"{name} is not a readable checkpoint: the file is truncated or corrupt (its zip "
            "archive is damaged, as when a copy or download is cut short). Copy or download it "
            "again.")


def _cannot_read(name: str, exc: OSError) -> str:
    """A real read error, by its kind: not the file's fault, and not "[Errno 5]"."""
    code = exc.errno
    if code in (errno.EACCES, errno.EPERM):
        return (f"{name} cannot be read: you do not have permission to read it. Check the "
                "file's permissions, or copy it to a folder of your own.")
    if code == errno.EISDIR:
        return f"{name} is a folder, not a checkpoint: pick a .pt file inside it."
    if code == errno.ENOENT:
        return f"{name} cannot be read: it was moved or deleted while it was being opened."
    if code == errno.EIO:
        return (f"{name} cannot be read: the disk reported an error while reading it. The disk "
                "or network drive may be failing or disconnected: try again, or use a copy of "
                "the file from elsewhere.")
    reason = exc.strerror or _short(exc)
    return f"{name} cannot be read: the system says \"{reason}\". Try again, or use a copy of it."


# The contents
def _config(raw, name: str) -> VAEConfig:
    if (not isinstance(raw, dict) or not all(type(k) is str for k in raw)
            or not all(_is_scalar(v) for v in raw.values())):
        raise CheckpointError(f"{name} has invalid model settings: they are not a table of "
                              f"names and plain values. {NEWER}")
    try:
        return VAEConfig.from_dict(dict(raw))
    except (KeyError, TypeError, ValueError) as exc:
        raise CheckpointError(f"{name} has invalid model settings: {_short(exc)}. "
                              f"{NEWER}") from None


def _weights(state, model: VAE, name: str, config: VAEConfig) -> dict:
    """The file's weights, once each is a dense float tensor of its own with the name and shape
    of one of `model`'s (a model on the meta device), and all of them finite."""
    if not isinstance(state, dict) or not state:
        raise CheckpointError(f"{name} holds no weights. {ALTERED}")
    kind = config.describe()
    article = "an" if kind.startswith("MLP") else "a"

    def unfit(detail: str) -> CheckpointError:
        return CheckpointError(f"{name}: the weights do not fit {article} {kind} model: "
                               f"{detail}. {ALTERED}")

    expected = model.state_dict()
    missing = [key for key in expected if key not in state]
    unknown = [key for key in state if key not in expected]
    if missing or unknown:
        parts = []
        if missing:
            more = f" and {count(len(missing) - 1, 'other weight')} are" if len(missing) > 1 else " is"
            parts.append(f"{missing[0]}{more} missing")
        if unknown:
            more = f" and {count(len(unknown) - 1, 'other')} are" if len(unknown) > 1 else " is"
            parts.append(f"{_key_name(unknown[0])}{more} not part of it")
        raise unfit(", and ".join(parts))
    storages = set()
    for key, want in expected.items():
        tensor = state[key]
        problem = _tensor_problem(tensor)
        if problem:
            raise unfit(f"{key} {problem}")
        if tensor.shape != want.shape:
            raise unfit(f"{key} has shape {list(tensor.shape)}, where the model's "
                        f"{list(want.shape)} belongs")
        if not _owns_its_numbers(tensor, storages):
            raise unfit(f"{key} does not hold its own numbers (vae-desktop saves each weight "
                        "as a block of numbers of its own)")
    for key in expected:
        if not torch.isfinite(state[key]).all():
            raise CheckpointError(f"{name}: the weights contain NaN or infinite values ({key}), "
                                  "so the model cannot be used. Open another copy of it, or "
                                  "train the model again.")
    return state


def _tensor_problem(tensor) -> str | None:
    if not isinstance(tensor, torch.Tensor):
        return f"is {_a(type(tensor).__name__)}, not a tensor"
    if (tensor.layout != torch.strided or tensor.is_quantized
            or tensor.dtype not in WEIGHT_DTYPES):
        return "is not a tensor of floating-point numbers"
    if tensor.device.type != "cpu":
        return "holds no numbers"  # a meta tensor: a shape without data
    return None


def _owns_its_numbers(tensor: torch.Tensor, storages: set[int]) -> bool:
    """Dense (row-major, or channels last for a convolution's weight) and on a storage no other
    tensor seen uses: never one number repeated (stride 0), never a weight shared, so the file
    holds every number the model will take memory for."""
    dense = tensor.is_contiguous() or (tensor.dim() == 4 and tensor.is_contiguous(
        memory_format=torch.channels_last))
    where = tensor.untyped_storage().data_ptr()
    if not dense or where in storages:
        return False
    storages.add(where)
    return True


def _history(value, name: str) -> list[dict]:
    if value is None:
        return []
    problem = _history_problem(value)
    if problem:
        raise CheckpointError(f"{name}: the training history is malformed: {problem}. {ALTERED}")
    return [dict(rec) for rec in value]


def _history_problem(history) -> str | None:
    """Each epoch a record of numbers (NaN and infinity as training writes them, or None) that
    names its own place, "epoch": 1, 2, 3... (the loss plot puts its points there, and a model
    of N epochs has N records), and its changes of beta or the learning rate
    (core.training.ChangeEvent.record). Other entries, as numbers, may come from a later
    version (the history CSV export writes them as columns of their own)."""
    if not isinstance(history, list):
        return f"it is {_a(type(history).__name__)}, not a list of epochs"
    for number, rec in enumerate(history, 1):
        if not isinstance(rec, dict):
            return f"epoch {number} is {_a(type(rec).__name__)}, not a record"
        if "epoch" not in rec:
            return f"epoch {number} has no epoch number"
        epoch = rec["epoch"]
        if type(epoch) is not int or epoch != number:
            return (f"epoch {number} gives epoch as {_shown(epoch)}, where its number, "
                    f"{number}, belongs")
        for key, value in rec.items():
            if type(key) is not str:
                return f"epoch {number} has an entry named {_shown(key)}"
            if key == "changes":
                problem = _changes_problem(value, number)
                if problem:
                    return problem
            elif value is not None and not _is_number(value):
                return f"epoch {number} gives {key} as {_shown(value)}, where a number belongs"
    return None


def _changes_problem(changes, number: int) -> str | None:
    if not isinstance(changes, list):
        return (f"epoch {number} gives changes as {_shown(changes)}, where a list of changes "
                "belongs")
    for change in changes:
        if not isinstance(change, dict) or not all(type(k) is str for k in change):
            return f"a change in epoch {number} is not a record"
        for key in ("name", "value", "at_epoch"):
            if key not in change:
                return f"a change in epoch {number} lacks {key}"
        if change["name"] not in CHANGED:
            return (f"a change in epoch {number} names {_key_name(change['name'])}, where beta "
                    "or lr belongs")
        for key, value in change.items():
            if key != "name" and not (_is_number(value) and math.isfinite(value)):
                return (f"a change in epoch {number} gives {key} as {_shown(value)}, where a "
                        "finite number belongs")
        # Marked on the loss plot where it came: after the epochs trained before it.
        if not number - 1 <= change["at_epoch"] <= number:
            return (f"a change in epoch {number} is marked at {_shown(change['at_epoch'])} "
                    f"epochs, outside that epoch ({number - 1} to {number})")
    return None


def _train_config(value, name: str) -> dict:
    if value is None:
        return {}
    problem = _train_config_problem(value)
    if problem:
        raise CheckpointError(f"{name}: the training settings are malformed: {problem}. "
                              f"{NEWER}")
    return dict(value)


def _train_config_problem(config) -> str | None:
    """Plain values; those the app reads back (the table's settings, the training images'
    digits, count and dataset, the test images the test loss was measured on) within their
    ranges."""
    if not isinstance(config, dict):
        return f"they are {_a(type(config).__name__)}, not a table"
    for key, value in config.items():
        if type(key) is not str:
            return f"an entry is named {_shown(key)}, where a name belongs"
        if isinstance(value, (list, tuple)):
            if not all(_is_scalar(v) for v in value):
                inner = next(v for v in value if not _is_scalar(v))
                return (f"{key} is {_a(type(value).__name__)} holding "
                        f"{_a(type(inner).__name__)}, where plain values belong")
        elif not _is_scalar(value):
            return f"{key} is {_a(type(value).__name__)}, where a plain value belongs"
        if value is None:
            continue
        setting = SETTINGS.get("train_size" if key == "subset" else key)
        if setting is not None:
            problem = setting.problem(value)
            if problem:
                return problem
        elif key == "digits":
            if (not isinstance(value, (list, tuple)) or not value
                    or not all(type(d) is int and 0 <= d <= 9 for d in value)
                    or len(set(value)) != len(value)):
                return (f"digits must be a list of different digits from 0 to 9, got "
                        f"{_shown(value, lists=True)}")
        elif key == "test_size" and not (type(value) is int and 1 <= value <= TEST_IMAGES):
            return (f"test images must be an integer from 1 to {TEST_IMAGES:,}, got "
                    f"{_shown(value)}")
        elif key == "dataset" and value not in DATASETS:
            return f"dataset must be one of {', '.join(DATASETS)}, got {_shown(value)}"
    return None


_ADAM_FLAGS = ("amsgrad", "maximize", "capturable", "differentiable", "decoupled_weight_decay")


def _optimizer_problem(state_dict, shapes: list[torch.Size]) -> str | None:
    """What torch's Adam.state_dict() holds for a model with parameters of these shapes: groups
    that list each parameter once with Adam's settings, and per parameter its step count and
    its moments, of the parameter's shape."""
    if not isinstance(state_dict, dict):
        return f"it is {_a(type(state_dict).__name__)}, not a table"
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
            return f"its state names parameter {_shown(index)}, which the model does not have"
        if not isinstance(entry, dict):
            return f"the state of parameter {index} is not a table"
        for key in entry:
            if key not in ADAM_STATE:
                return f"parameter {index} has an entry {_key_name(key)}, which Adam does not keep"
        for key in ADAM_STATE[:3] + (ADAM_STATE[3:] if amsgrad[index] else ()):
            if key not in entry:
                return f"parameter {index} lacks {key}"
        step = entry["step"]
        if isinstance(step, torch.Tensor):
            good = (step.dim() == 0 and _tensor_problem(step) is None
                    and math.isfinite(float(step)) and float(step) >= 0)
        else:
            good = _is_number(step) and math.isfinite(step) and step >= 0
        if not good:
            return f"step of parameter {index} is not a count of steps"
        for key in ADAM_STATE[1:]:
            if key not in entry:
                continue
            tensor = entry[key]
            problem = _tensor_problem(tensor)
            if problem:
                return f"{key} of parameter {index} {problem}"
            if tensor.shape != shapes[index]:
                return (f"{key} of parameter {index} has shape {list(tensor.shape)}, where the "
                        f"model's {list(shapes[index])} belongs")
            if not _owns_its_numbers(tensor, storages):
                return f"{key} of parameter {index} does not hold its own numbers"
            if not torch.isfinite(tensor).all():
                return f"{key} of parameter {index} holds NaN or infinite values"
    return None


def _group_problem(key: str, value) -> str | None:
    """One of a parameter group's settings, as torch's Adam reads it."""
    if key == "lr":
        good = _is_number(value) and math.isfinite(value) and value > 0
        want = "a learning rate above 0"
    elif key == "betas":
        good = (isinstance(value, (list, tuple)) and len(value) == 2
                and all(_is_number(b) and 0 <= b < 1 for b in value))
        want = "two numbers from 0 to 1"
    elif key in ("eps", "weight_decay"):
        good = _is_number(value) and math.isfinite(value) and value >= 0
        want = "a number of 0 or more"
    elif key in _ADAM_FLAGS:
        good, want = type(value) is bool, "true or false"
    elif key in ("foreach", "fused"):
        good, want = value is None or type(value) is bool, "true, false or nothing"
    else:  # a setting of a later torch's Adam ("param_names": the parameters' names)
        good = _is_scalar(value) or (isinstance(value, (list, tuple))
                                     and all(_is_scalar(v) for v in value))
        want = "a plain value"
    return None if good else f"{key} is {_shown(value)}, where {want} belongs"


# Small helpers
def _is_number(value) -> bool:
    return type(value) in (int, float)  # not bool, and nothing a pickle could make look like one


def _is_scalar(value) -> bool:
    return value is None or type(value) in (bool, int, float, str)


def _is_text(value, text: str) -> bool:
    return type(value) is str and value == text


def _shown(value, lists: bool = False) -> str:
    """A value for a message: short, on one line, never the repr of a deep structure."""
    if _is_scalar(value) or (lists and isinstance(value, (list, tuple)) and len(value) <= 12
                             and all(_is_scalar(v) for v in value)):
        return _short(RuntimeError(repr(value)), 40)
    return _a(type(value).__name__)


def _key_name(key) -> str:
    return key if type(key) is str and key.isprintable() and len(key) <= 60 else _shown(key)


def _a(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def _short(exc: BaseException, limit: int = 160) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."
