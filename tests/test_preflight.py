"""The Qt pre-flight check: a missing system library that Qt's xcb plugin needs is named, with the
exact apt and dnf lines, and the app exits with status 2 before Qt is loaded."""

from __future__ import annotations

import subprocess
import sys

from vae_desktop.gui import preflight
from vae_desktop.gui.preflight import GUI_LIBRARIES, XCB_LIBRARIES, missing_libraries, uses_xcb


def without(*fragments):
    """A stand-in for the dynamic loader on a machine that lacks these libraries."""
    return lambda soname: not any(f in soname for f in fragments)


def test_xcb_is_checked_only_when_qt_will_use_it():
    assert uses_xcb({"DISPLAY": ":0"}, "linux")
    assert uses_xcb({"QT_QPA_PLATFORM": "xcb"}, "linux")
    assert uses_xcb({"QT_QPA_PLATFORM": "xcb:display=:1"}, "linux")
    assert not uses_xcb({}, "linux")  # no display at all
    assert not uses_xcb({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"}, "linux")
    assert not uses_xcb({"QT_QPA_PLATFORM": "wayland;xcb", "DISPLAY": ":0"}, "linux")
    assert not uses_xcb({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert not uses_xcb({"DISPLAY": ":0"}, "darwin")


def test_a_missing_xcb_library_is_found_and_named():
    env = {"DISPLAY": ":0"}
    missing = missing_libraries(env, "linux", without("xcb-cursor", "xcb-icccm"))
    assert [lib.soname for lib in missing] == ["libxcb-cursor.so.0", "libxcb-icccm.so.4"]
    assert missing_libraries({"QT_QPA_PLATFORM": "offscreen"}, "linux",
                             without("xcb-cursor")) == []  # offscreen needs no X11 libraries
    assert missing_libraries(env, "darwin", without("")) == []
    # Qt's GUI library itself needs libEGL on every platform.
    assert [lib.soname for lib in missing_libraries({}, "linux", without("libEGL"))] == ["libEGL.so.1"]
    everything = missing_libraries(env, "linux", without(""))
    assert len(everything) == len(GUI_LIBRARIES) + len(XCB_LIBRARIES)


def test_the_advice_is_one_message_with_exact_install_lines():
    missing = missing_libraries({"DISPLAY": ":0"}, "linux",
                                without("xcb-cursor", "xcb-shape", "xcb-xkb", "xkbcommon-x11"))
    text = preflight.install_advice(missing)
    lines = text.splitlines()
    assert lines[0].startswith("vae-desktop: error: ") and "libxcb-cursor.so.0" in lines[0]
    assert ("  Debian, Ubuntu:  sudo apt install libxcb-cursor0 libxcb-shape0 libxcb-xkb1 "
            "libxkbcommon-x11-0") in lines
    # Fedora ships the xcb extensions in one package: named once.
    assert "  Fedora, RHEL:    sudo dnf install xcb-util-cursor libxcb libxkbcommon-x11" in lines


def test_the_real_loader_tells_present_from_absent():
    assert preflight.loadable("libc.so.6")
    assert not preflight.loadable("libvae-desktop-no-such-library.so.0")


def test_the_app_exits_2_with_the_advice_before_qt_loads(tmp_path):
    """End to end, in a fresh interpreter: run_app on an X display where libxcb-cursor is
    missing prints the install lines and exits 2, and no Qt GUI module was imported."""
    script = (
        "import sys\n"
        "import vae_desktop.gui.preflight as preflight\n"
        "preflight.loadable = lambda soname: 'xcb-cursor' not in soname\n"
        "from vae_desktop.gui.app import run_app\n"
        "try:\n"
        "    run_app()\n"
        "except SystemExit as exc:\n"
        "    print('exit', exc.code, 'PySide6.QtGui' in sys.modules)\n"
        "    raise\n")
    env = {"PATH": "/usr/bin:/bin", "DISPLAY": ":99", "QT_QPA_PLATFORM": "xcb",
           "VAE_DESKTOP_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                          timeout=60, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stdout.strip() == "exit 2 False"
    assert "sudo apt install libxcb-cursor0\n" in done.stderr
    assert "sudo dnf install xcb-util-cursor\n" in done.stderr


def test_no_display_is_found_on_linux_only():
    assert preflight.no_display({}, "linux")
    assert preflight.no_display({"QT_QPA_PLATFORM": "xcb"}, "linux")
    assert preflight.no_display({"QT_QPA_PLATFORM": "wayland"}, "linux")
    assert preflight.no_display({"QT_QPA_PLATFORM": "wayland;xcb", "DISPLAY": ""}, "linux")
    assert not preflight.no_display({"DISPLAY": ":0"}, "linux")
    assert not preflight.no_display({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert not preflight.no_display({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not preflight.no_display({"QT_QPA_PLATFORM": "xcb;offscreen"}, "linux")  # a fallback
    assert not preflight.no_display({"QT_QPA_PLATFORM": "xcb:display=:1"}, "linux")
    assert not preflight.no_display({"QT_QPA_PLATFORM": "eglfs"}, "linux")  # no window system
    assert not preflight.no_display({}, "darwin") and not preflight.no_display({}, "win32")


def test_the_app_without_a_display_says_so_in_one_line_and_exits_2(tmp_path):
    """Qt aborted (SIGABRT) with a message that xcb-cursor0 is needed, when the real trouble was
    that there was no display: `env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM vae-desktop`."""
    env = {"PATH": "/usr/bin:/bin", "VAE_DESKTOP_DATA_DIR": str(tmp_path),
           "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "vae_desktop"], env=env, capture_output=True,
                          text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    err = done.stderr
    assert err.count("\n") == 1 and err.startswith("vae-desktop: error: "), err
    assert "no display" in err and "DISPLAY" in err and "WAYLAND_DISPLAY" in err
    assert "QT_QPA_PLATFORM=offscreen" in err and "xcb-cursor" not in err
