"""Before Qt starts: is there a display to open the window on, and are the system libraries that
Qt's platform plugin needs installed?

Without a display (an ssh session, a container) Qt's xcb plugin aborts the process with a
message that a library is missing, which is not the trouble; this check says so in one line.

PySide6's wheels bundle Qt itself but not the X11 client libraries that the xcb plugin loads. On
a fresh Linux machine one of them (often libxcb-cursor0) is missing and Qt aborts with a long
message about platform plugins. This check names what is missing and the exact commands that
install it. It imports no Qt module: an absent libGL or libEGL makes `import PySide6.QtGui` itself
fail.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class SystemLibrary:
    soname: str
    debian: str  # the apt package (Debian, Ubuntu)
    fedora: str  # the dnf package (Fedora, RHEL)


# What libQt6Gui needs on any platform (offscreen included).
GUI_LIBRARIES = (
    SystemLibrary("libGL.so.1", "libgl1", "libglvnd-glx"),
    SystemLibrary("libEGL.so.1", "libegl1", "libglvnd-egl"),
    SystemLibrary("libfontconfig.so.1", "libfontconfig1", "fontconfig"),
    SystemLibrary("libfreetype.so.6", "libfreetype6", "freetype"),
    SystemLibrary("libxkbcommon.so.0", "libxkbcommon0", "libxkbcommon"),
    SystemLibrary("libglib-2.0.so.0", "libglib2.0-0", "glib2"),
    SystemLibrary("libdbus-1.so.3", "libdbus-1-3", "dbus-libs"),
    SystemLibrary("libX11.so.6", "libx11-6", "libX11"),
)
# What the xcb (X11) platform plugin loads on top: `ldd PySide6/Qt/plugins/platforms/libqxcb.so`.
XCB_LIBRARIES = (
    SystemLibrary("libxcb.so.1", "libxcb1", "libxcb"),
    SystemLibrary("libX11-xcb.so.1", "libx11-xcb1", "libX11-xcb"),
    SystemLibrary("libxcb-cursor.so.0", "libxcb-cursor0", "xcb-util-cursor"),
    SystemLibrary("libxcb-icccm.so.4", "libxcb-icccm4", "xcb-util-wm"),
    SystemLibrary("libxcb-image.so.0", "libxcb-image0", "xcb-util-image"),
    SystemLibrary("libxcb-keysyms.so.1", "libxcb-keysyms1", "xcb-util-keysyms"),
    SystemLibrary("libxcb-render-util.so.0", "libxcb-render-util0", "xcb-util-renderutil"),
    SystemLibrary("libxcb-util.so.1", "libxcb-util1", "xcb-util"),
    SystemLibrary("libxcb-randr.so.0", "libxcb-randr0", "libxcb"),
    SystemLibrary("libxcb-render.so.0", "libxcb-render0", "libxcb"),
    SystemLibrary("libxcb-shape.so.0", "libxcb-shape0", "libxcb"),
    SystemLibrary("libxcb-shm.so.0", "libxcb-shm0", "libxcb"),
    SystemLibrary("libxcb-sync.so.1", "libxcb-sync1", "libxcb"),
    SystemLibrary("libxcb-xfixes.so.0", "libxcb-xfixes0", "libxcb"),
    SystemLibrary("libxcb-xkb.so.1", "libxcb-xkb1", "libxcb"),
    SystemLibrary("libxkbcommon-x11.so.0", "libxkbcommon-x11-0", "libxkbcommon-x11"),
)


def uses_xcb(env: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Whether Qt will start its X11 (xcb) platform plugin: QT_QPA_PLATFORM names it first, or
    is unset on Linux with an X display and no Wayland one."""
    if not platform.startswith("linux"):
        return False
    chosen = env.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return chosen.split(";")[0].split(":")[0].strip() == "xcb"
    return bool(env.get("DISPLAY")) and not env.get("WAYLAND_DISPLAY")


# Platform plugins that open their windows on a display server named by DISPLAY or
# WAYLAND_DISPLAY (wayland-egl, wayland-brcm and the like are Wayland's).
_WINDOW_SYSTEMS = ("xcb", "wayland")


def no_display(env: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Whether Qt would need a display and there is none: on Linux, neither DISPLAY nor
    WAYLAND_DISPLAY is set and every platform QT_QPA_PLATFORM names (none: Qt's default, which
    is xcb or wayland) opens its windows on one. `xcb:display=:1` names its display itself."""
    if not platform.startswith("linux") or env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return False
    chosen = [p.strip() for p in env.get("QT_QPA_PLATFORM", "").split(";") if p.strip()]
    for entry in chosen:
        name, _, options = entry.partition(":")
        if not name.strip().startswith(_WINDOW_SYSTEMS) or "display=" in options:
            return False
    return True


NO_DISPLAY = ("vae-desktop: error: there is no display to open the window on: neither DISPLAY nor "
              "WAYLAND_DISPLAY is set (start it from a desktop session, or ssh -X); for headless "
              "use set QT_QPA_PLATFORM=offscreen. The command-line tools, e.g. `vae-desktop train`, "
              "need no display.")


def loadable(soname: str) -> bool:
    """Whether the dynamic loader finds the library, the way Qt's plugin will look for it."""
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_libraries(env: Mapping[str, str] | None = None, platform: str = sys.platform,
                      can_load: Callable[[str], bool] | None = None) -> list[SystemLibrary]:
    """The system libraries Qt will need here and cannot find (`can_load`: `loadable` unless a
    test stands in for the loader); none off Linux."""
    if not platform.startswith("linux"):
        return []
    env = os.environ if env is None else env
    can_load = can_load or loadable
    needed = GUI_LIBRARIES + (XCB_LIBRARIES if uses_xcb(env, platform) else ())
    return [lib for lib in needed if not can_load(lib.soname)]


def _packages(names) -> str:
    return " ".join(dict.fromkeys(names))  # in order, each once


def install_advice(missing: list[SystemLibrary]) -> str:
    """One message: what is missing and the exact commands that install it."""
    sonames = ", ".join(lib.soname for lib in missing)
    return ("vae-desktop: error: the window cannot open: Qt needs system libraries that are not "
            f"installed ({sonames}).\n"
            "Install them, then start vae-desktop again:\n"
            f"  Debian, Ubuntu:  sudo apt install {_packages(lib.debian for lib in missing)}\n"
            f"  Fedora, RHEL:    sudo dnf install {_packages(lib.fedora for lib in missing)}\n"
            "(The command-line tools, e.g. `vae-desktop train`, work without them.)")


def check_or_exit(env: Mapping[str, str] | None = None, platform: str = sys.platform,
                  can_load: Callable[[str], bool] | None = None) -> None:
    """Exit with status 2 and one line when there is no display to open the window on, or with
    the install commands when a library Qt needs is missing."""
    if no_display(os.environ if env is None else env, platform):
        print(NO_DISPLAY, file=sys.stderr)
        raise SystemExit(2)
    missing = missing_libraries(env, platform, can_load)
    if missing:
        print(install_advice(missing), file=sys.stderr)
        raise SystemExit(2)
