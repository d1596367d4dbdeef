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
    from vae_desktop.core import checkpoint

    monkeypatch.setattr(checkpoint, "load", lambda *a, **k: pytest.fail("loaded the model"))
    path, words = bad_paths(tmp_path)[case]
    path = path.replace("x.pt", "x.png")
    if not case:
        (tmp_path / "grid.png").mkdir()
        path, words = str(tmp_path / "grid.png"), "is a folder"
    check(["sample", "model.pt", "--out", path], capsys, f"--out {path}", words)


# Only a regular file is replaced; a symlink is written through; a folder that takes no file is
# refused before any work, in words that name the flag and the path as typed.


def refused_everywhere(tmp_path, path: str):
    """The command lines that write `path` (as a checkpoint, a movie, a grid)."""
    return [["train", *TINY, "--out", path],
            ["train", *TINY, "--out", str(tmp_path / "ok.pt"), "--movie", path],
            ["anomaly", "--holdout", "7", "--epochs", "1", "--train-size", "500", "--quiet",
             "--out", path],
            ["sample", "mnist-vae-z2", "--out", path]]


@pytest.mark.parametrize("command", range(4))
def test_a_pipe_is_refused_and_left_a_pipe(tmp_path, capsys, no_training, monkeypatch, command):
    """`--out /dev/full` (or a FIFO) became a regular file."""
    import os
    import stat

    from vae_desktop.core import checkpoint

    monkeypatch.setattr(checkpoint, "load", lambda *a, **k: pytest.fail("loaded the model"))
    name = {1: "pipe.gif", 3: "pipe.png"}.get(command, "pipe.pt")
    fifo = tmp_path / name
    os.mkfifo(fifo)
    argv = refused_everywhere(tmp_path, str(fifo))[command]
    flag = "--movie" if command == 1 else "--out"
    check(argv, capsys, f"{flag} {fifo} is not a regular file",
          "(a device, a pipe or a socket): give the path of a file to write.")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.parametrize("command", range(4))
def test_a_folder_that_takes_no_file_is_refused_before_any_work(tmp_path, capsys, no_training,
                                                                 monkeypatch, command):
    """It failed after the run, naming a hidden temporary file:
    `[Errno 1] Operation not permitted: '/tmp/x/ro/.m.pt.ganf6r9l.tmp'`."""
    import errno

    from fileio_support import failing_mkstemp

    from vae_desktop.core import checkpoint

    monkeypatch.setattr(checkpoint, "load", lambda *a, **k: pytest.fail("loaded the model"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ro").mkdir()
    name = {1: "ro/m.gif", 3: "ro/m.png"}.get(command, "ro/m.pt")
    failing_mkstemp(errno.EPERM, monkeypatch, only_in=tmp_path / "ro")
    argv = refused_everywhere(tmp_path, name)[command]
    flag = "--movie" if command == 1 else "--out"
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        f"vae-desktop: error: {flag} {name}: cannot write in ro: permission denied.\n")


def test_a_write_that_fails_later_names_the_flag_and_the_path(tmp_path, capsys, monkeypatch):
    """The folder took the trial file, then the disk filled up before the grid was written."""
    import errno

    from fileio_support import failing_mkstemp

    monkeypatch.chdir(tmp_path)
    calls = failing_mkstemp(errno.ENOSPC, monkeypatch, after=1)
    assert main(["sample", "mnist-vae-z2", "--n", "4", "--out", "grid.png"]) == 2
    assert len(calls) == 2  # the check, then the write
    # In the words the app's own saves use ("the disk is full"), not the system's.
    assert capsys.readouterr().err == ("vae-desktop: error: --out grid.png: cannot write in the "
                                       "working folder: the disk is full.\n")
    assert list(tmp_path.iterdir()) == []


def test_a_symlink_given_as_out_stays_a_link_to_the_new_file(tmp_path, capsys, monkeypatch):
    """`--out link.png` replaced the link by a file; the file it points to is written."""
    import os

    from PIL import Image

    monkeypatch.chdir(tmp_path)
    (tmp_path / "pictures").mkdir()
    (tmp_path / "pictures" / "grid.png").write_bytes(b"old")
    os.symlink("pictures/grid.png", "link.png")
    assert main(["sample", "mnist-vae-z2", "--n", "4", "--out", "link.png"]) == 0
    assert capsys.readouterr().out == "saved link.png\n"
    assert os.readlink("link.png") == "pictures/grid.png"
    with Image.open(tmp_path / "pictures" / "grid.png") as image:
        assert image.size[0] > 100
    assert sorted(os.listdir(tmp_path / "pictures")) == ["grid.png"]


@pytest.mark.parametrize("case", ["link to a folder", "link to a pipe", "link loop"])
def test_an_output_reached_through_a_symlink_is_checked_where_it_points(tmp_path, capsys,
                                                                        monkeypatch, case):
    """A link is written through, so what it points to is checked (core.fileio.check_regular,
    as every write checks it). A loop of links was refused only when the file was written,
    after the model had loaded (and the mixture been fitted); now before any work."""
    import os

    from vae_desktop.core import checkpoint

    monkeypatch.setattr(checkpoint, "load", lambda *a, **k: pytest.fail("loaded the model"))
    monkeypatch.chdir(tmp_path)
    if case == "link to a folder":
        os.mkdir("pictures")
        os.symlink("pictures", "grid.png")
    elif case == "link to a pipe":
        os.mkfifo("pipe")
        os.symlink("pipe", "grid.png")
    else:
        os.symlink("loop.png", "grid.png")
        os.symlink("grid.png", "loop.png")
    assert main(["sample", "mnist-vae-z2", "--out", "grid.png"]) == 2
    said = {"link to a folder": "--out grid.png is a folder, not a file",
            "link to a pipe": "--out grid.png is not a regular file (a device, a pipe or a "
                              "socket): give the path of a file to write.",
            "link loop": f"--out grid.png: cannot write in {tmp_path}: the system says “Too many "
                         "levels of symbolic links”."}[case]
    assert capsys.readouterr().err == f"vae-desktop: error: {said}\n"
    assert os.path.islink("grid.png")
