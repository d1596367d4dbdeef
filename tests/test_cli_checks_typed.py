"""A model argument is checked as a file before any work, by the checkpoint's own check
(core.checkpoint_file.check_file), which names the path as the user typed it (`shown`): the
command line used to repeat the check for a folder only to name it so ("tmp is a folder" was
the checkpoint's words for `eval /tmp`), and named other files that cannot be a checkpoint by
their last part only."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_cli_words import error, nothing_loaded  # noqa: F401 - a fixture, used below

from vae_desktop.core.checkpoint_file import check_file
from vae_desktop.core.checkpoint_words import CheckpointError


def test_check_file_names_the_path_as_shown(tmp_path):
    (tmp_path / "runs").mkdir()
    with pytest.raises(CheckpointError) as refused:
        check_file(tmp_path / "runs", shown="runs/")
    assert str(refused.value) == "runs/ is a folder, not a checkpoint: pick a .pt file inside it."
    (tmp_path / "empty.pt").write_bytes(b"")
    with pytest.raises(CheckpointError, match=r"^\./empty\.pt is empty: it holds no model"):
        check_file(tmp_path / "empty.pt", shown="./empty.pt")
    # Not shown (the app's own calls): the file's name, as before.
    with pytest.raises(CheckpointError, match=r"^runs is a folder, not a checkpoint"):
        check_file(tmp_path / "runs")
    with pytest.raises(CheckpointError, match=r"^empty\.pt is empty: it holds no model"):
        check_file(Path(tmp_path / "empty.pt"))


@pytest.mark.usefixtures("nothing_loaded")
def test_a_model_argument_that_is_no_checkpoint_is_named_as_typed_before_any_work(
        tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "empty.pt").write_bytes(b"")
    (tmp_path / "runs" / "notes.pt").write_text("hello")
    assert error(["eval", "runs"], capsys) == (
        "runs is a folder, not a checkpoint: pick a .pt file inside it.")
    assert error(["sample", "./runs/empty.pt", "--out", "x.png"], capsys).startswith(
        "./runs/empty.pt is empty: it holds no model, perhaps because saving it was cut short.")
    assert error(["train", "--resume", "runs/notes.pt", "--out", "m.pt"], capsys) == (
        "runs/notes.pt is not a vae-desktop checkpoint: it is not a PyTorch file at all. Pick a "
        ".pt file saved by vae-desktop.")
