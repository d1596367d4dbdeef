"""What a failed save says. It showed Python's words and the hidden temporary file: "…/copy.pt:
[Errno 13] Permission denied: '…/.copy.pt.3dz5mavv.tmp'" (Save as), "Could not autosave to
…/vae-mlp-z20-….pt: [Errno 13] Permission denied: '…/.vae-mlp-z20-….pt.15s8atnx.tmp'" (a
run). It now says it as File ▸ Open's refusals do: what could not be saved where, why in
plain words, and what to do."""

from __future__ import annotations

import errno
import os

import pytest
from save_support import unwritable
from train_tab_support import make_tab, train

from vae_desktop.core import checkpoint
from vae_desktop.core.checkpoint import cannot_save
from vae_desktop.core.paths import bundled_models_dir, models_dir


@pytest.mark.parametrize(("code", "said"), [
    (errno.EACCES, "permission denied. Choose another folder."),
    (errno.EPERM, "permission denied. Choose another folder."),
    (errno.EROFS, "the disk is read-only. Choose a folder on another disk."),
    (errno.ENOSPC, "the disk is full. Free some space or choose another disk."),
    (errno.EIO, "the disk reported an error while writing. Try again, or choose another disk: "
                "this one may be failing or disconnected."),
])
def test_each_reason_is_said_in_words(code, said):
    exc = OSError(code, os.strerror(code), "/media/stick/.copy.pt.3dz5mavv.tmp")
    assert cannot_save("/media/stick/copy.pt", exc) == (
        f"copy.pt could not be saved in /media/stick: {said}")


def test_an_error_already_in_words_keeps_them():
    exc = FileNotFoundError("the folder /home/me/typo does not exist")
    assert cannot_save("/home/me/typo/m.pt", exc) == (
        "m.pt could not be saved: the folder /home/me/typo does not exist. Choose another folder.")


def test_the_train_tab_s_save_as_says_the_same(qtbot, state, tmp_path, monkeypatch):
    state.add_model(checkpoint.load(bundled_models_dir() / "mnist-vae-z2.pt"))
    tab = make_tab(qtbot, state)
    errors = []
    monkeypatch.setattr(tab, "_show_error", lambda title, text: errors.append((title, text)))
    folder = tmp_path / "ro"
    folder.mkdir()
    monkeypatch.setattr(tab, "_ask_save_path", lambda suggested: str(folder / "copy.pt"))
    unwritable(folder, monkeypatch)
    tab.save_as()
    assert errors == [("Could not save the model",
                       f"copy.pt could not be saved in {folder}: permission denied. Choose "
                       "another folder.")]


def test_a_run_whose_autosave_is_refused_says_what_to_do(qtbot, state, monkeypatch):
    folder = models_dir()
    folder.mkdir(parents=True, exist_ok=True)
    unwritable(folder, monkeypatch)
    tab = make_tab(qtbot, state)
    summary = train(qtbot, tab)
    assert summary.status == "done" and summary.path is None
    assert tab.message == (f"The model could not be autosaved in {folder}: permission denied. It "
                           "is kept until you quit: use Save model as… to keep it.")
    assert state.active.path is None and state.active.model is summary.model
    assert os.listdir(folder) == []

