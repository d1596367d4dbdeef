"""`vae-desktop install-desktop` / `uninstall-desktop`: a freedesktop launcher and the icon in the
user's data folder ($XDG_DATA_HOME), pointing at this installation."""

from __future__ import annotations

import configparser
import shutil
import subprocess

import pytest
from PIL import Image

from vae_desktop import cli, desktop_entry
from vae_desktop.desktop_entry import exec_line


@pytest.fixture
def data_home(tmp_path, monkeypatch):
    home = tmp_path / "share"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


def read_entry(path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_install_writes_the_launcher_and_icons_and_uninstall_removes_them(data_home, capsys):
    assert cli.main(["install-desktop"]) == 0
    entry_file = data_home / "applications" / "vae-desktop.desktop"
    entry = read_entry(entry_file)
    assert entry["Type"] == "Application" and entry["Name"] == "VAE Desktop"
    assert entry["Icon"] == "vae-desktop" and entry["Terminal"] == "false"
    command = desktop_entry.launch_command()
    assert entry["Exec"] == exec_line(command)
    assert command[0].startswith("/")  # a desktop session's PATH rarely holds a venv's bin
    icons = data_home / "icons" / "hicolor"
    assert (icons / "scalable" / "apps" / "vae-desktop.svg").read_text().startswith("<svg")
    for size in desktop_entry.ICON_SIZES:
        with Image.open(icons / f"{size}x{size}" / "apps" / "vae-desktop.png") as png:
            assert png.size == (size, size) and png.mode == "RGBA"
    out = capsys.readouterr().out
    assert str(entry_file) in out
    if shutil.which("desktop-file-validate"):  # desktop-file-utils, where installed
        checked = subprocess.run(["desktop-file-validate", str(entry_file)], capture_output=True,
                                 text=True)
        assert checked.returncode == 0 and not checked.stdout.strip(), checked.stdout

    assert cli.main(["install-desktop"]) == 0  # again: replaces, no error
    assert cli.main(["uninstall-desktop"]) == 0
    assert not any(p.is_file() for p in data_home.rglob("*"))
    capsys.readouterr()
    assert cli.main(["uninstall-desktop"]) == 0
    assert "Nothing to remove" in capsys.readouterr().out


def test_the_launcher_command_is_quoted_as_the_spec_says():
    assert exec_line(["/opt/vae/bin/vae-desktop"]) == "/opt/vae/bin/vae-desktop"
    # Reserved characters: the argument in double quotes, and the escaping backslash itself
    # escaped once more because the value is a string.
    assert exec_line(["/home/a b/py", "-m", "vae_desktop"]) == '"/home/a b/py" -m vae_desktop'
    assert exec_line(['/x/"q"$']) == '"/x/\\\\"q\\\\"\\\\$"'
    assert exec_line(["/x/100%"]) == "/x/100%%"


def test_install_refuses_where_there_are_no_freedesktop_launchers(data_home, monkeypatch, capsys):
    monkeypatch.setattr(desktop_entry, "supported", lambda platform=None: False)
    assert cli.main(["install-desktop"]) == 2
    assert "install-desktop is for Linux desktops" in capsys.readouterr().err
    assert not data_home.exists()


def test_install_into_a_folder_that_cannot_be_made_fails_in_one_line(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "share"
    blocker.write_text("a file where the data folder should be")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker))
    assert cli.main(["install-desktop"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("vae-desktop: error: ") and len(err.strip().splitlines()) == 1, err
    assert blocker.read_text() == "a file where the data folder should be"  # nothing lost
