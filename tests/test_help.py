"""Help: the guide (F1 opens the page of the tab in view; every page's pictures and links exist),
Ctrl+1…7 switch tabs, Help ▸ About names versions and folders and opens them, the window icon."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import torch
from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from vae_desktop.core.paths import app_data_dir, models_dir, package_data_dir
from vae_desktop.gui.guide import PAGES, TAB_PAGES, guide_dir, page_path
from vae_desktop.gui.main_window import TABS, MainWindow
from vae_desktop.gui.widgets.message_tab import MessageTab


class StandIn(MessageTab):
    """The window's own behaviour is under test, not the tabs': a light tab under each title."""

    def __init__(self, state, parent=None):
        super().__init__("Stand-in", "A stand-in tab.", parent)


@pytest.fixture
def window(qtbot):
    win = MainWindow(load_library=False, tabs=[(title, StandIn) for title, _ in TABS])
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    return win


class Page(HTMLParser):
    """What a guide page shows: headings, list items per list, pictures, links."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.headings, self.lists, self.images, self.links = [], [], [], []
        self._tag = None
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("ol", "ul"):
            self.lists.append((tag, []))
        elif tag == "li":
            self.lists[-1][1].append("")
        elif tag == "img":
            self.images.append(attrs["src"])
        elif tag == "a":
            self.links.append(attrs["href"])
        self._tag = tag

    def handle_data(self, data):
        if self._tag in ("h1", "h2"):
            self.headings.append(data.strip())


def test_every_tab_has_a_page_with_what_you_see_and_three_things_to_try():
    assert set(TAB_PAGES) == {title for title, _ in TABS}
    for title, page in TAB_PAGES.items():
        parsed = Page(page_path(page))
        assert "What you see" in parsed.headings and "Three things to try" in parsed.headings, title
        tries = [items for tag, items in parsed.lists if tag == "ol"]
        assert len(tries) == 1 and len(tries[0]) == 3, title
        assert parsed.images, f"the {title} page has no picture"


def test_the_vae_page_explains_the_parts_and_the_loss():
    parsed = Page(page_path("vae"))
    text = page_path("vae").read_text(encoding="utf-8")
    for heading in ("Encoder", "Latent code z", "Decoder", "Why sampling works"):
        assert heading in parsed.headings
    assert "negative ELBO = reconstruction + KL" in " ".join(parsed.headings)
    assert "N(0, I)" in text and len(parsed.images) >= 2


def test_every_picture_and_link_of_the_guide_exists():
    stems = {stem for stem, _ in PAGES}
    assert {p.stem for p in guide_dir().glob("*.html")} == stems
    for stem in stems:
        parsed = Page(page_path(stem))
        for src in parsed.images:
            picture = guide_dir() / src
            assert picture.is_file() and picture.read_bytes()[:4] == b"\x89PNG", (stem, src)
            assert picture.stat().st_size < 100_000, f"{src}: keep the package small"
        for href in parsed.links:
            if not re.match(r"https?:", href):
                assert (guide_dir() / href).is_file(), (stem, href)


def test_f1_opens_the_page_of_the_tab_in_view_and_ctrl_digits_switch_tabs(window, qtbot):
    for index, (title, _) in enumerate(TABS):
        QTest.keyClick(window, str(index + 1), Qt.ControlModifier)
        assert window.current_tab_title() == title
        QTest.keyClick(window, Qt.Key_F1)
        guide = window.help.guide
        assert guide is not None and guide.isVisible()
        assert guide.current_page() == TAB_PAGES[title]
        assert title.split()[0] in guide.browser.toPlainText()
        assert guide.contents.currentItem().text() == dict(PAGES)[TAB_PAGES[title]]
        guide.close()
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    # The menu names the shortcut of every tab.
    assert [a.shortcut().toString() for a in window.view_menu.actions()] == [
        f"Ctrl+{i}" for i in range(1, len(TABS) + 1)]


def test_contents_and_links_move_between_pages(window):
    guide = window.help.show_guide("index")
    guide.contents.setCurrentRow([stem for stem, _ in PAGES].index("vae"))
    assert guide.current_page() == "vae" and "Why sampling works" in guide.browser.toPlainText()
    # A link on the page, resolved against the page as a click on it is.
    guide.browser.setSource(guide.browser.source().resolved(QUrl("train.html")))
    assert guide.current_page() == "train" and guide.contents.currentItem().text() == "Train"
    # The pictures are loaded, not shown as broken images.
    image = guide.browser.document().resource(3, QUrl("train.png"))  # QTextDocument.ImageResource
    assert image is not None and not image.isNull()


def test_about_names_versions_and_opens_the_folders(window, monkeypatch, tmp_path):
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    about = window.help.show_about()
    assert about.isVisible() and not about.isModal()
    assert about.version_labels["PyTorch"].text() == torch.__version__
    assert qVersion() in about.version_labels["Qt"].text()
    assert "CPU" in about.version_labels["Device"].text()
    assert about.folders["Data"] == app_data_dir() and about.folders["Models"] == models_dir()
    from vae_desktop.core.data import cache_dir
    assert about.folders["Cache"] == cache_dir()
    # The folder of the settings file in use: the test's own (conftest), never the user's.
    assert about.folders["Settings"].is_relative_to(tmp_path / "settings")
    about.folder_buttons["Models"].click()
    about.folder_buttons["Data"].click()
    assert [Path(url.toLocalFile()) for url in opened] == [models_dir(), app_data_dir()]
    assert models_dir().is_dir()  # made on first use, so the file manager has a folder to open
    about.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert f"PyTorch: {torch.__version__}" in copied and str(models_dir()) in copied
    assert window.help.show_about() is about  # one dialog, raised again


def test_the_window_has_the_app_icon(window):
    icon = window.windowIcon()
    assert not icon.isNull()
    sizes = {(s.width(), s.height()) for s in icon.availableSizes()}
    assert {(48, 48), (128, 128), (256, 256)} <= sizes
    assert (package_data_dir() / "vae-desktop.svg").read_text().startswith("<svg")
