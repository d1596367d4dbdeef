"""Every output path is checked before any work: a folder given as the file, a folder that does
not exist, or a file where a folder should be is refused in one line naming the user's path,
before training starts (it used to fail after the run, and the run was lost)."""

from __future__ import annotations

import pytest

from vae_desktop.cli import main
from vae_desktop.core import training

TINY = ["--epochs", "1", "--train-size", "500", "--test-size", "100", "--latent-dim", "2",
        "--hidden", "16", "--quiet"]


@pytest.fixture
def no_training(monkeypatch):
    """Fails the test if a run starts: the refusal must come first."""
    def refuse(self):
        raise AssertionError("training started before the output path was checked")
        yield  # pragma: no cover

    monkeypatch.setattr(training.Trainer, "events", refuse)


def bad_paths(tmp_path):
    folder = tmp_path / "dir.pt"
    folder.mkdir()
    a_file = tmp_path / "file"
    a_file.write_text("")
    return [
        (str(folder), f"{folder} is a folder"),
        (str(tmp_path / "missing" / "x.pt"), f"the folder {tmp_path / 'missing'} does not exist"),
        (str(a_file / "x.pt"), f"{a_file} is a file, not a folder"),
    ]


def check(argv, capsys, path, words):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("vae-desktop: error: ") and err.count("\n") == 1, err
    assert path in err and words in err, err


@pytest.mark.parametrize("case", range(3))
def test_train_out_is_checked_first(tmp_path, capsys, no_training, case):
    path, words = bad_paths(tmp_path)[case]
    check(["train", *TINY, "--out", path], capsys, f"--out {path}", words)


@pytest.mark.parametrize("case", range(3))
def test_train_movie_is_checked_first(tmp_path, capsys, no_training, case):
    path, words = bad_paths(tmp_path)[case]
    path = path.replace("x.pt", "x.gif") if case else str(tmp_path / "out.gif")
    if not case:
        (tmp_path / "out.gif").mkdir()
        words = "is a folder"
    check(["train", *TINY, "--out", str(tmp_path / "m.pt"), "--movie", path], capsys,
          f"--movie {path}", words)


@pytest.mark.parametrize("case", range(3))
def test_anomaly_out_is_checked_first(tmp_path, capsys, no_training, case):
    path, words = bad_paths(tmp_path)[case]
    check(["anomaly", "--holdout", "7", "--epochs", "1", "--train-size", "500", "--quiet",
           "--out", path], capsys, f"--out {path}", words)


def test_resume_saving_back_to_a_folder_is_refused(tmp_path, capsys, no_training):
    folder = tmp_path / "r.pt"
    folder.mkdir()
    assert main(["train", *TINY, "--resume", str(folder)]) == 2
    assert str(folder) in capsys.readouterr().err


@pytest.mark.parametrize("case", range(3))
def test_sample_out_is_checked_before_the_model_loads(tmp_path, capsys, monkeypatch, case):
    from vae_desktop import cli

    monkeypatch.setattr(cli, "_load_checkpoint", lambda *a, **k: pytest.fail("loaded the model"))
    path, words = bad_paths(tmp_path)[case]
    path = path.replace("x.pt", "x.png")
    if not case:
        (tmp_path / "grid.png").mkdir()
        path, words = str(tmp_path / "grid.png"), "is a folder"
    check(["sample", "model.pt", "--out", path], capsys, f"--out {path}", words)
