"""A full disk while a model is saved. torch.save's zip writer reports ENOSPC as a RuntimeError
("[enforce fail at inline_container.cc:672] . unexpected pos 3871104 vs 3870992"), with the
OSError only as its context; every caller catches OSError, so a training run on a full disk
ended "Training failed" and threw its model away, File > Save as showed nothing, and the CLI
ended with a traceback. core.checkpoint.save now raises an OSError (ENOSPC, naming the file
asked for), and each caller says so in words."""

from __future__ import annotations

import errno
import os

import pytest
import torch
from save_support import REAL_SAVE, full_disk
from train_tab_support import make_tab, train

from vae_desktop.core import checkpoint
from vae_desktop.core.data import CachedSplit, load_split
from vae_desktop.core.jobs import JobControl, run_to_end
from vae_desktop.core.model import VAE
from vae_desktop.gui.tabs.train.job import TrainRequest, training_run


def small_model() -> VAE:
    torch.manual_seed(0)
    return VAE(latent_dim=2, hidden=16)


@pytest.mark.parametrize("chained", ["context", "cause"])
def test_a_full_disk_is_an_oserror_naming_the_file_and_the_old_file_stays(tmp_path, monkeypatch,
                                                                          chained):
    target = tmp_path / "m.pt"
    checkpoint.save(target, small_model(), [], None, {})
    before = target.read_bytes()
    full_disk(monkeypatch, chained)
    with pytest.raises(OSError) as caught:
        checkpoint.save(target, small_model(), [], None, {})
    exc = caught.value
    assert exc.errno == errno.ENOSPC and exc.filename == str(target)
    assert ".tmp" not in str(exc) and "inline_container" not in str(exc)
    assert target.read_bytes() == before  # the good file was not replaced
    assert os.listdir(tmp_path) == ["m.pt"]  # and the half-written temporary file is gone


def test_the_zip_writer_failing_alone_is_an_input_output_error(tmp_path, monkeypatch):
    """Its RuntimeError with no OSError behind it: still a failed write, said as one."""
    def save(obj, f, *args, **kwargs):
        raise RuntimeError("[enforce fail at inline_container.cc:672] . unexpected pos 9 vs 5")

    monkeypatch.setattr(torch, "save", save)
    with pytest.raises(OSError) as caught:
        checkpoint.save(tmp_path / "m.pt", small_model(), [], None, {})
    assert caught.value.errno == errno.EIO and caught.value.filename == str(tmp_path / "m.pt")
    assert "inline_container" not in str(caught.value)


def test_another_runtime_error_is_not_taken_for_a_disk_error(tmp_path, monkeypatch):
    def save(obj, f, *args, **kwargs):
        raise RuntimeError("a bug, not the disk")

    monkeypatch.setattr(torch, "save", save)
    with pytest.raises(RuntimeError, match="a bug"):
        checkpoint.save(tmp_path / "m.pt", small_model(), [], None, {})


def test_a_run_on_a_full_disk_keeps_its_model_in_memory(tmp_path, monkeypatch):
    tries = full_disk(monkeypatch)
    settings = {"arch": "mlp", "latent_dim": 2, "hidden": 16, "conditional": False, "beta": 1.0,
                "lr": 1e-3, "batch_size": 100, "epochs": 1, "seed": 5, "train_size": 300}
    request = TrainRequest(settings, "cpu", CachedSplit("train"), load_split("test", size=200),
                           tmp_path / "models" / "run.pt", step_interval_s=0.0)
    events: list = []
    summary = run_to_end(training_run(request, JobControl()), events.append)
    assert tries  # it did try
    assert summary.status == "done" and summary.usable and summary.model is not None
    assert summary.path is None and summary.epochs_trained == 1
    assert summary.save_error == (
        f"The model could not be autosaved in {tmp_path / 'models'}: the disk is full. It is "
        "kept until you quit: use Save model as… to keep it.")
    assert summary.checkpoint().path is None


def test_the_train_tab_lists_the_model_and_save_as_keeps_it(qtbot, state, tmp_path,
                                                           monkeypatch):
    full_disk(monkeypatch)
    tab = make_tab(qtbot, state)
    summary = train(qtbot, tab)
    assert summary.status == "done" and summary.path is None
    trained = state.active
    assert trained is not None and trained.path is None and trained in state.models
    assert trained.model is summary.model
    assert "the disk is full" in tab.message and "Save model as…" in tab.message
    assert "Errno" not in tab.message and ".tmp" not in tab.message

    monkeypatch.setattr(torch, "save", REAL_SAVE)  # space was freed
    monkeypatch.setattr(tab, "_ask_save_path", lambda suggested: str(tmp_path / "kept.pt"))
    tab.save_as()
    kept = state.active
    assert kept.path == tmp_path / "kept.pt" and kept.name == "kept"
    assert [m for m in state.models if m.path is None] == []  # listed once, with its file
    again = checkpoint.load(tmp_path / "kept.pt")
    for key, value in trained.model.state_dict().items():
        assert torch.equal(value, again.model.state_dict()[key])

