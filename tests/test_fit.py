"""Every tab fits a 1280x720 window with its primary actions in view, and still does at 1920x1080.
Each tab is also grabbed to a PNG at both sizes (in the test's temporary folder, or in
$VAE_DESKTOP_SHOTS when set, to look at)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import shared_window
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QAbstractButton

from vae_desktop.gui.main_window import TABS, MainWindow

# The buttons a person came to the tab to press, by their text.
PRIMARY = {
    "Train": ("Start", "Pause", "Stop", "Save model as…"),
    "Draw": ("Undo", "Clear", "Open image…"),
    "Latent space": ("Fit", "Export view…", "Export digit…"),
    "Conditional": ("New samples", "Export PNG…"),
    "Interpolate": ("Another", "Export PNG…", "Export GIF…"),
    "Evaluate": ("Score active model", "Train held-out model", "Stop"),
    "Sweep": ("Start sweep", "Stop", "Load", "Use best in Train tab"),
}
SIZES = ((1280, 720), (1920, 1080))


@pytest.fixture(scope="module")
def window(qapp, tmp_path_factory):
    yield from shared_window(tmp_path_factory, "fit_window")


def in_view(button: QAbstractButton, window: MainWindow) -> bool:
    """Wholly on screen: not clipped by a scroll area, inside the window above the status bar,
    and as wide as its text needs."""
    if button.visibleRegion().boundingRect() != button.rect():
        return False
    top_left = button.mapTo(window, button.rect().topLeft())
    area = QRect(0, 0, window.width(), window.statusBar().geometry().top())
    return (area.contains(QRect(top_left, button.size()))
            and button.width() >= button.minimumSizeHint().width())


def primary_buttons(tab, title: str) -> list[QAbstractButton]:
    buttons = [b for b in tab.findChildren(QAbstractButton)
               if b.text() in PRIMARY[title] and b.isVisibleTo(tab)]
    assert {b.text() for b in buttons} == set(PRIMARY[title]), title
    return buttons


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_tab_shows_its_primary_actions(window, qtbot, tmp_path, size):
    assert set(PRIMARY) == {title for title, _ in TABS}
    shots = Path(os.environ.get("VAE_DESKTOP_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    window.resize(*size)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size)
    hidden = []
    for title, _ in TABS:
        window.show_tab(title)
        qtbot.wait(30)  # layouts settle
        tab = window.tab_widgets[title]
        hidden += [f"{title}: {b.text()}" for b in primary_buttons(tab, title)
                   if not in_view(b, window)]
        picture = shots / f"{title.lower().replace(' ', '_')}_{size[0]}x{size[1]}.png"
        assert window.grab().save(str(picture)) and picture.stat().st_size > 10_000
    assert not hidden, hidden
