"""The guide's headings, captions and links read on a dark theme. Its style sheet fixed them for a
white page: the headings' #3b2f86 read at 1.1:1 on a dark palette's #232323 (all but invisible),
the captions' #606060 at about 2:1, and the palette's link blue at 3.3:1. The colours now come
from the palette the page is shown on, at 4.5:1 (WCAG AA for text), the guide's own where they
read already: on a white page, the look is as before."""

from __future__ import annotations

import pytest
from palette_support import AA, dark_palette
from PySide6.QtGui import QColor, QPalette, QTextCursor
from PySide6.QtWidgets import QApplication

from vae_desktop.gui.guide import GuideDialog
from vae_desktop.gui.widgets.tones import contrast

LIGHT = {"h1": "#3b2f86", "h2": "#3b2f86", "caption": "#606060"}  # the guide's own, on white


def rendered(guide: GuideDialog) -> dict[str, QColor]:
    """The colour each kind of text of the page shown is drawn in: its first heading of each
    level, its first caption, its first link and its body text."""
    document = guide.browser.document()
    found: dict[str, QColor] = {}
    block = document.begin()
    while block.isValid():
        words = block.text()
        level = block.blockFormat().headingLevel()
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            fmt = fragment.charFormat()
            colour = fmt.foreground().color()
            if fmt.isAnchor():
                found.setdefault("link", colour)
            elif level:
                found.setdefault(f"h{level}", colour)
            elif words.startswith("A test digit, its code"):
                found.setdefault("caption", colour)
            elif fmt.foreground().style() == 0 and words.strip():
                found.setdefault("body", guide.browser.palette().color(QPalette.Text))
            it += 1
        block = block.next()
    return found


@pytest.fixture
def guide(qtbot, qapp, request):
    before = QPalette(qapp.palette())
    if request.param == "dark":
        qapp.setPalette(dark_palette())
    dialog = GuideDialog()
    qtbot.addWidget(dialog)
    dialog.show_page("vae")
    dialog.show()
    yield dialog
    qapp.setPalette(before)


@pytest.mark.parametrize("guide", ["light", "dark"], indirect=True)
def test_headings_captions_and_links_read_on_either_palette(guide):
    shown = rendered(guide)
    assert {"h1", "h2", "caption", "link"} <= set(shown)
    page = guide.browser.palette().color(QPalette.Base)
    for kind, colour in shown.items():
        assert contrast(colour, page) >= AA, (kind, colour.name(), page.name())


@pytest.mark.parametrize("guide", ["light"], indirect=True)
def test_on_a_white_page_the_guide_keeps_its_colours(guide):
    assert guide.browser.palette().color(QPalette.Base) == QColor("#ffffff")
    shown = rendered(guide)
    for kind, colour in LIGHT.items():
        assert shown[kind].name() == colour, kind


@pytest.mark.parametrize("guide", ["light"], indirect=True)
def test_the_page_follows_a_palette_switched_while_shown(guide, qapp):
    guide.show_page("evaluate")
    guide.browser.moveCursor(QTextCursor.End)  # a reader far down the page
    qapp.setPalette(dark_palette())
    QApplication.processEvents()
    assert guide.current_page() == "evaluate"
    page = guide.browser.palette().color(QPalette.Base)
    shown = rendered(guide)
    assert contrast(shown["h1"], page) >= AA and contrast(shown["h2"], page) >= AA
