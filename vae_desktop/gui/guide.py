"""Help ▸ Guide: a short illustrated guide, one page per tab and one on what a VAE is. The pages
are HTML with small pictures, shipped in the package (vae_desktop/data/guide/), shown in Qt's own
QTextBrowser: no browser, no network.

The style sheet (guide.css) sets sizes and spaces; the colours of headings, captions and links
come from the palette the page is shown on (`palette_css`), the guide's own where they read at
4.5:1 against the page (a white one), else lightened or darkened until they do (a dark theme's
page), and again when the palette changes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QKeySequence, QPalette
from PySide6.QtWidgets import QDialog, QHBoxLayout, QListWidget, QSplitter, QTextBrowser

from vae_desktop.core.paths import package_data_dir
from vae_desktop.gui.widgets.tones import follow_palette, readable

# (file stem, title in the contents list), in reading order.
PAGES = (
    ("index", "Welcome"),
    ("vae", "What is a VAE?"),
    ("train", "Train"),
    ("draw", "Draw"),
    ("latent", "Latent space"),
    ("conditional", "Conditional"),
    ("interpolate", "Interpolate"),
    ("evaluate", "Evaluate"),
    ("sweep", "Sweep"),
    ("keys", "Keys and files"),
)
# The page F1 opens on each tab (by the tab's title).
TAB_PAGES = {"Train": "train", "Draw": "draw", "Latent space": "latent",
             "Conditional": "conditional", "Interpolate": "interpolate", "Evaluate": "evaluate",
             "Sweep": "sweep"}


# The guide's colours on a white page.
HEADING = "#3b2f86"
CAPTION = "#606060"


def palette_css(palette: QPalette) -> str:
    """The colours of headings, captions (and the next-page line) and links, readable on the
    page's colour in `palette` (its Base)."""
    page = palette.color(QPalette.Base)
    heading = readable(HEADING, page).name()
    caption = readable(CAPTION, page).name()
    link = readable(palette.color(QPalette.Link), page).name()
    return (f"h1, h2 {{ color: {heading}; }}\n"
            f"p.caption, p.nav {{ color: {caption}; }}\n"
            f"a {{ color: {link}; }}\n")


def guide_dir() -> Path:
    return package_data_dir() / "guide"


def page_path(page: str) -> Path:
    return guide_dir() / f"{page}.html"


def page_for_tab(title: str) -> str:
    return TAB_PAGES.get(title, "index")


class GuideDialog(QDialog):
    """Contents on the left, the page on the right; links between pages work like a browser's
    (Alt+Left goes back)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("VAE Desktop Guide")
        self.contents = QListWidget()
        self.contents.addItems([title for _, title in PAGES])
        self.contents.currentRowChanged.connect(self._row_chosen)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setSearchPaths([str(guide_dir())])
        self.browser.setAccessibleName("Guide page")
        self.contents.setAccessibleName("Guide contents")
        self._css = (guide_dir() / "guide.css").read_text(encoding="utf-8")
        self._style_page()
        follow_palette(self.browser, self._palette_changed)
        self.browser.sourceChanged.connect(self._source_changed)
        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(self.contents)
        splitter.addWidget(self.browser)
        # The list as wide as its longest title, the page the rest: no maximum width, which in
        # a splitter leaves an empty band between the list and the page when the window grows.
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        width = self.contents_width()
        splitter.setSizes([width, max(1, 960 - width)])
        self.splitter = splitter
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)
        self.resize(960, 660)
        self.show_page("index")

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        """Ctrl+W (the platform's Close key) closes the guide, as it closes other windows."""
        if event.matches(QKeySequence.StandardKey.Close):
            self.close()
            return
        super().keyPressEvent(event)

    def _style_page(self) -> bool:
        """The style sheet with the palette's colours, for the pages shown from now on;
        whether it changed."""
        css = self._css + palette_css(self.browser.palette())
        if css == self.browser.document().defaultStyleSheet():
            return False
        self.browser.document().setDefaultStyleSheet(css)
        return True

    def _palette_changed(self) -> None:
        """The page shown again in the new palette's colours, where the reader was."""
        if not self._style_page() or self.browser.source().isEmpty():
            return
        scrolled = self.browser.verticalScrollBar().value()
        self.browser.reload()
        self.browser.verticalScrollBar().setValue(scrolled)

    def contents_width(self) -> int:
        """Room for the longest title in the contents list, with its frame and a margin."""
        return self.contents.sizeHintForColumn(0) + 2 * self.contents.frameWidth() + 24

    def show_page(self, page: str) -> None:
        self.browser.setSource(QUrl.fromLocalFile(str(page_path(page))))

    def current_page(self) -> str:
        return Path(self.browser.source().toLocalFile()).stem

    def _row_chosen(self, row: int) -> None:
        if 0 <= row < len(PAGES) and PAGES[row][0] != self.current_page():
            self.show_page(PAGES[row][0])

    def _source_changed(self, url) -> None:
        stems = [stem for stem, _ in PAGES]
        page = Path(url.toLocalFile()).stem  # source() may still name the page before
        if page in stems:
            self.contents.blockSignals(True)
            self.contents.setCurrentRow(stems.index(page))
            self.contents.blockSignals(False)
