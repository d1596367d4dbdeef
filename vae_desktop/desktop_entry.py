"""The desktop launcher: `vae-desktop install-desktop` puts a freedesktop.org .desktop file and the
app's icon (SVG and PNGs) into the user's applications and icons folders, so the app appears in
the desktop's menu and search; `uninstall-desktop` removes them. Both files ship in the package
(vae_desktop/data/). No Qt here: the command works where the GUI cannot start."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

from vae_desktop.core.fileio import atomic_write
from vae_desktop.core.paths import package_data_dir

APP_ID = "vae-desktop"  # the .desktop file's name, the icon's name and the window's class
ICON_SIZES = (48, 128, 256)
_EXEC_RESERVED = set(' \t\n"\'\\><~|&;$*?#()`')


def data_home(env: Mapping[str, str] | None = None) -> Path:
    """$XDG_DATA_HOME, or ~/.local/share as the XDG Base Directory spec says."""
    env = os.environ if env is None else env
    value = env.get("XDG_DATA_HOME", "")
    return Path(value) if os.path.isabs(value) else Path.home() / ".local" / "share"


def launch_command() -> list[str]:
    """How the launcher starts this installation: the vae-desktop script being run, else the one
    beside this Python (a venv or pipx), else this Python with -m vae_desktop. An absolute path:
    a desktop session's PATH rarely holds a venv's or pipx's bin folder."""
    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if script is not None and script.name == APP_ID and script.is_file():
        return [os.path.abspath(script)]
    beside = Path(sys.executable).parent / APP_ID
    if beside.is_file():
        return [str(beside)]
    return [sys.executable, "-m", "vae_desktop"]


def exec_line(command: list[str]) -> str:
    """The Exec= value for a command, quoted as the Desktop Entry spec says: an argument with a
    reserved character goes in double quotes with " ` $ \\ escaped, then every backslash is
    doubled once more (the value is itself an escaped string) and % is written %%."""
    parts = []
    for arg in command:
        if any(ch in _EXEC_RESERVED for ch in arg):
            arg = '"' + "".join("\\" + ch if ch in '"`$\\' else ch for ch in arg) + '"'
        parts.append(arg.replace("\\", "\\\\").replace("%", "%%"))
    return " ".join(parts)


def desktop_file_text(command: list[str]) -> str:
    """The shipped vae-desktop.desktop with Exec= pointing at this installation."""
    lines = (package_data_dir() / f"{APP_ID}.desktop").read_text(encoding="utf-8").splitlines()
    return "\n".join(f"Exec={exec_line(command)}" if line.startswith("Exec=") else line
                     for line in lines) + "\n"


def installed_files(home: Path | None = None) -> dict[Path, Path | None]:
    """Target -> shipped source (None for the .desktop file, which is generated)."""
    home = data_home() if home is None else home
    icons = home / "icons" / "hicolor"
    data = package_data_dir()
    files: dict[Path, Path | None] = {home / "applications" / f"{APP_ID}.desktop": None,
                                      icons / "scalable" / "apps" / f"{APP_ID}.svg":
                                          data / f"{APP_ID}.svg"}
    for size in ICON_SIZES:
        files[icons / f"{size}x{size}" / "apps" / f"{APP_ID}.png"] = (
            data / "icons" / f"{APP_ID}-{size}.png")
    return files


def install(home: Path | None = None, command: list[str] | None = None) -> list[Path]:
    """Write the launcher and icons (replacing older ones); returns the files written."""
    command = launch_command() if command is None else command
    written = []
    for target, source in installed_files(home).items():
        if source is None:
            text = desktop_file_text(command)
            atomic_write(target, lambda tmp, text=text: Path(tmp).write_text(text, encoding="utf-8"))
        else:
            atomic_write(target, lambda tmp, source=source: shutil.copyfile(source, tmp))
        written.append(target)
    return written


def uninstall(home: Path | None = None) -> list[Path]:
    """Remove what install() wrote; returns the files that were there."""
    removed = []
    for target in installed_files(home):
        if target.is_file():
            target.unlink()
            removed.append(target)
    return removed


def supported(platform: str = sys.platform) -> bool:
    """freedesktop.org launchers exist on Linux and the BSDs, not on macOS or Windows."""
    return platform.startswith(("linux", "freebsd", "openbsd", "netbsd"))


def add_parsers(sub) -> None:
    """The CLI's install-desktop and uninstall-desktop commands (see COMMANDS)."""
    sub.add_parser("install-desktop", help="add VAE Desktop to the desktop's applications menu "
                                           "(a .desktop file and icons in ~/.local/share)")
    sub.add_parser("uninstall-desktop", help="remove what install-desktop added")


def cmd_install(args=None) -> int:
    if not supported():
        raise ValueError("install-desktop is for Linux desktops (freedesktop.org launchers)")
    written = install()
    print(f"Installed the launcher {written[0]}")
    print(f"  it runs: {exec_line(launch_command())}")
    print(f"  icons in {written[1].parents[2]}")
    print("VAE Desktop is now in the applications menu (log out and in if it does not show yet).")
    return 0


def cmd_uninstall(args=None) -> int:
    removed = uninstall()
    for path in removed:
        print(f"Removed {path}")
    if not removed:
        print("Nothing to remove: the launcher was not installed.")
    return 0


COMMANDS = {"install-desktop": cmd_install, "uninstall-desktop": cmd_uninstall}
