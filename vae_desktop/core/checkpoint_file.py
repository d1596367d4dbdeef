"""The file before its contents: what cannot be a checkpoint at all is refused in words, and
what can is read with `torch.load(weights_only=True)`, which never runs code from a file.

- A missing file, a folder, a device, an empty file or one that is not a PyTorch file are named
  as such (torch's own errors for one are the unpickler's insides: "(101)", "(4045160522)").
- The zip archive torch.save writes must be uncompressed and lie within the file, so a small
  file cannot unpack into gigabytes (torch.load would inflate a compressed member).
- A pickle that would call a function or build an object other than tensors and plain
  containers is refused by the weights-only unpickler; the message names what the file asked
  for, and nothing in it is run.
- A real read error (permissions, a failing disk) is told apart from a damaged file."""

from __future__ import annotations

import errno
import pickle
import re
import stat
import zipfile
from pathlib import Path

import torch

from .checkpoint_words import CheckpointError, short

ZIP_MAGIC, PICKLE_MAGIC = b"PK\x03\x04", b"\x80"  # how the files torch.save writes begin


def check_file(path: Path, shown: str | None = None) -> None:
    """Refuse, in words, what cannot be a checkpoint at all: a missing file, a folder, an empty
    file, one that is not a PyTorch file (torch's own errors for one are the unpickler's
    insides: "(101)", "(4045160522)"), or a damaged or compressed archive. Each refusal names
    the file by its name (a missing one by its path), or as `shown`: the path as the user typed
    it (a command's argument: `eval /tmp` is refused as "/tmp is a folder", not "tmp")."""
    name = path.name if shown is None else shown
    try:
        info = path.stat()
    except FileNotFoundError:
        raise CheckpointError(f"{path if shown is None else shown}: no such file. It may have "
                              "been moved, renamed or deleted.") from None
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
        _check_archive(path, info.st_size, name)


def _check_archive(path: Path, size: int, name: str) -> None:
    """The zip archive's table of contents, read by Python's zipfile before torch reads the
    archive: it must be whole, list only members that lie within the file, and none of them
    compressed (torch.save stores them; torch.load would inflate one, whatever its size).
    `name`: the file as the refusal names it."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except OSError as exc:
        if exc.errno not in (None, errno.EINVAL):  # EINVAL: a seek the damage sent astray
            raise CheckpointError(_cannot_read(name, exc)) from None
        raise CheckpointError(_damaged(name)) from None
    except Exception:  # BadZipFile, or what a damaged table of contents makes zipfile raise
        raise CheckpointError(_damaged(name)) from None
    if any(m.filename.endswith("/constants.pkl") for m in members):  # torch's own test for one
        raise CheckpointError(_torchscript(name))
    for member in members:
        if member.compress_type != zipfile.ZIP_STORED:
            raise CheckpointError(
                f"{name} is not a vae-desktop checkpoint: its archive is compressed, which "
                "torch.save never does, and unpacking it could take far more memory than the "
                "file's size. Pick a .pt file saved by vae-desktop."
            )
        if (member.file_size != member.compress_size
                or member.header_offset + member.compress_size > size):
            raise CheckpointError(_damaged(name))


def read(path: Path):
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
    reason = exc.strerror or short(exc)
    return f"{name} cannot be read: the system says \"{reason}\". Try again, or use a copy of it."
