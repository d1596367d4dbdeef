"""core.fileio.atomic_write replaces a regular file only: through a symlink it writes the file the
link points to (the link stays a link), it refuses a pipe or a device (`--out /dev/full` became
a regular file), and an error names the file asked for, never the hidden temporary file
(`Operation not permitted: '/tmp/x/ro/.m.pt.ganf6r9l.tmp'`)."""

from __future__ import annotations

import errno
import os
import stat

import pytest
from fileio_support import failing_mkstemp

from vae_desktop.core.fileio import atomic_write, check_writable


def text_writer(text: str, seen: list | None = None):
    def write(tmp: str) -> None:
        if seen is not None:
            seen.append(tmp)
        with open(tmp, "w") as fh:
            fh.write(text)
    return write


def test_writing_through_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path):
    real = tmp_path / "models"
    real.mkdir()
    (real / "m.pt").write_text("old")
    links = tmp_path / "links"
    links.mkdir()
    link = links / "link.pt"
    link.symlink_to("../models/m.pt")  # relative, as `ln -s` makes them
    seen: list[str] = []
    assert atomic_write(link, text_writer("new", seen)) == link
    assert link.is_symlink() and os.readlink(link) == "../models/m.pt"
    assert (real / "m.pt").read_text() == "new"
    assert os.path.dirname(seen[0]) == str(real)  # the temporary file: in the target's folder
    assert sorted(p.name for p in real.iterdir()) == ["m.pt"] and os.listdir(links) == ["link.pt"]


def test_a_dangling_symlink_gets_its_target_written(tmp_path):
    link = tmp_path / "link.pt"
    link.symlink_to(tmp_path / "new.pt")
    atomic_write(link, text_writer("made"))
    assert link.is_symlink() and (tmp_path / "new.pt").read_text() == "made"


def test_a_pipe_is_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OSError) as caught:
        atomic_write(fifo, text_writer("x"))
    assert caught.value.filename == str(fifo)
    assert "not a regular file" in str(caught.value)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and os.listdir(tmp_path) == ["pipe"]


def test_a_folder_that_takes_no_file_is_named_with_the_file_asked_for(tmp_path, monkeypatch):
    failing_mkstemp(errno.EPERM, monkeypatch)
    target = tmp_path / "ro" / "m.pt"
    target.parent.mkdir()
    with pytest.raises(PermissionError) as caught:
        atomic_write(target, text_writer("x"))
    assert caught.value.errno == errno.EPERM and caught.value.filename == str(target)
    assert ".tmp" not in str(caught.value) and "ganf6r9l" not in str(caught.value)


def test_an_error_while_writing_names_the_file_asked_for(tmp_path):
    target = tmp_path / "m.pt"

    def full(tmp: str) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), tmp)

    with pytest.raises(OSError) as caught:
        atomic_write(target, full)
    assert caught.value.errno == errno.ENOSPC and caught.value.filename == str(target)
    assert os.listdir(tmp_path) == []  # the temporary file is gone


def test_check_writable_tries_the_folder_first(tmp_path, monkeypatch):
    check_writable(tmp_path / "m.pt")
    assert os.listdir(tmp_path) == []  # the trial file is gone
    failing_mkstemp(errno.EROFS, monkeypatch)
    with pytest.raises(OSError) as caught:
        check_writable(tmp_path / "m.pt")
    assert caught.value.errno == errno.EROFS and caught.value.filename == str(tmp_path / "m.pt")
