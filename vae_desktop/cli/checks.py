"""The checks a command makes before any work, so that a run of an hour never ends in an error
it could have said at once: an output path that cannot take its file, a model argument (a file,
or a bundled model's name) and a --data-dir without the data set. Each refusal is a UsageError
naming the flag and the path as typed."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from vae_desktop.cli.shared import UsageError, cannot_write


def check_output(flag: str, path: str | os.PathLike, shown: str | None = None) -> None:
    """Refuse, before any work, a path that cannot take the file the command will write: a
    folder, a folder that does not exist, a file where a folder should be, something that is
    not a regular file (a pipe, a device), a bundled model, or a folder that takes no new file
    (no permission, a read-only disk). A symlink is checked where it points (it is written
    through). `shown`: the path as typed, where it differs (a bundled model's name)."""
    from vae_desktop.core.fileio import (
        check_folder,
        check_regular,
        check_writable,
        is_bundled_model,
    )

    typed = path if shown is None else shown
    try:
        check_regular(path)  # what every write checks (atomic_write), in the command's words
    except IsADirectoryError:
        raise UsageError(f"{flag} {typed} is a folder, not a file") from None
    except OSError as exc:
        if exc.errno == errno.EINVAL:
            raise UsageError(f"{flag} {typed} is not a regular file (a device, a pipe or a "
                             "socket): give the path of a file to write.") from None
        if exc.errno != errno.ENOTDIR:  # a loop of links, no permission to look
            raise cannot_write(flag, typed, exc, path) from None
        # ENOTDIR: a file where a folder should be, which check_folder says in words below
    if is_bundled_model(path):
        instead = ("give --out for the trained model, as in --out my-model.pt" if flag == "--resume"
                   else "give another file")
        raise UsageError(f"{flag} {typed} is a bundled model, which is never saved over: {instead}.")
    try:
        check_folder(os.path.realpath(path) if Path(path).is_symlink() else path)
    except OSError as exc:
        raise UsageError(f"{flag} {typed}: {exc}") from None
    try:
        check_writable(path)
    except OSError as exc:
        raise cannot_write(flag, typed, exc, path) from None


def bundled_model_names() -> list[str]:
    """The bundled models' names (file names without .pt), which a model argument takes."""
    from vae_desktop.core.paths import bundled_models_dir

    folder = bundled_models_dir()
    return sorted(p.stem for p in folder.glob("*.pt")) if folder.is_dir() else []


def model_path(text: str) -> str:
    """A model argument (eval's and sample's checkpoint, train --resume): the file named, or
    where no such file is and the name has no folder in it, the bundled model of that name
    (with or without .pt), so that `vae-desktop eval mnist-vae-z2` works from any folder."""
    if os.path.lexists(text) or os.path.dirname(text):
        return text  # a file (or a path with a folder): the file wins, or is reported missing
    from vae_desktop.core.paths import bundled_models_dir

    name = text if text.endswith(".pt") else f"{text}.pt"
    bundled = bundled_models_dir() / name
    if bundled.is_file():
        return str(bundled)
    raise UsageError(f"{text}: no such file in this folder, and no bundled model has that name "
                     f"(bundled models: {', '.join(bundled_model_names())}).")


def model_argument(text: str) -> str:
    """The file a model argument names: the file, or a bundled model's (model_path). Refused
    before any work, named as typed: what cannot be a checkpoint at all (a folder, an empty
    file, one that is not a PyTorch file: core.checkpoint_file.check_file, which loading it
    checks too)."""
    from vae_desktop.core.checkpoint_file import check_file
    from vae_desktop.core.checkpoint_words import CheckpointError

    path = model_path(text)
    try:
        check_file(Path(path), shown=text)
    except CheckpointError as exc:
        raise UsageError(str(exc)) from None
    return path


def check_data_dir(data_dir: str | None, dataset: str) -> None:
    """Refuse a --data-dir without the data set's files, saying which files belong where
    (core.data.check_torchvision_dir, which loading the data set checks too)."""
    if data_dir is None:
        return
    from vae_desktop.core.data import DataError, check_torchvision_dir

    try:
        check_torchvision_dir(data_dir, dataset)
    except DataError as exc:
        raise UsageError(f"--data-dir {exc}") from None
