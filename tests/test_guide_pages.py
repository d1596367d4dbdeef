"""The guide says what the tabs show now (the Draw tab's guess in nats, the Train tab's live
latent view and While-training row, the Evaluate tab's log-likelihood row), names every bundled
model, and its window puts the page right beside the contents list at any size."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from vae_desktop.core.paths import bundled_models_dir
from vae_desktop.gui.guide import GuideDialog, page_path


def text(page: str) -> str:
    """The page's words, tags and entities dropped, whitespace collapsed."""
    html = page_path(page).read_text(encoding="utf-8")
    plain = re.sub(r"&[a-z]+;", " ", re.sub(r"<[^>]+>", "", html))
    return " ".join(plain.split())


class _Balance(HTMLParser):
    """Every element opened is closed in order (void ones aside), and every entity is whole."""

    VOID = {"br", "img", "hr", "meta", "link", "col", "input"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.open[-1] if self.open else ''}>")
        else:
            self.open.pop()

    def handle_data(self, data):
        for stray in re.findall(r"#\d+;|\b(?:hellip|nbsp|beta|rarr|mdash|ndash);", data):
            self.problems.append(f"a broken entity: {stray!r}")


@pytest.mark.parametrize("page", sorted(p.stem for p in page_path("index").parent.glob("*.html")))
def test_every_page_is_well_formed(page):
    """The Train page once showed "File is kept, and File ▸ Models lists it. #9656; Modelsis
    kept…": a bad edit left an unclosed <b> and entities cut in half."""
    checker = _Balance()
    checker.feed(page_path(page).read_text(encoding="utf-8"))
    checker.close()
    assert checker.problems == [] and checker.open == [], (checker.problems, checker.open)
    words = text(page).split()
    repeated = [" ".join(words[i:i + 6]) for i in range(len(words) - 11)
                if words[i:i + 6] == words[i + 6:i + 12]]
    assert not repeated, repeated


def test_the_draw_page_describes_the_guess_in_nats_not_probabilities():
    words = text("draw")
    assert "p = " not in words and "how likely each label is" not in words
    assert "nats" in words and "behind" in words and "ahead of" in words
    assert "Unsure" in words and "Reconstruct as" in words


def test_the_train_page_describes_the_live_view_and_the_while_training_row():
    words = text("train")
    assert "Latent space, live" in words
    for control in ("While training", "Apply", "Step", "Rewind", "Open in Latent space",
                    "Save movie"):
        assert control in words, control


def test_the_evaluate_page_describes_the_log_likelihood_row():
    words = text("evaluate")
    for control in ("Log-likelihood", "Estimate", "K", "inference gap", "Score active model"):
        assert control in words, control


def test_the_welcome_page_lists_every_bundled_model():
    words = text("index")
    models = sorted(p.stem for p in bundled_models_dir().glob("*.pt"))
    assert models, "no bundled models"
    for name in models:
        assert name in words, name
    counts = {2: "Two", 3: "Three", 4: "Four", 5: "Five", 6: "Six"}
    assert f"{counts[len(models)]} pretrained models" in words


@pytest.mark.parametrize("size", [(960, 660), (1280, 720), (1920, 1080)])
def test_the_page_starts_right_beside_the_contents_list(qtbot, size):
    guide = GuideDialog()
    qtbot.addWidget(guide)
    guide.show()
    qtbot.waitExposed(guide)
    guide.resize(*size)
    qtbot.wait(50)
    contents, browser = guide.contents, guide.browser
    # The list fills its pane of the splitter: no empty band between it and the page.
    assert contents.width() == guide.splitter.sizes()[0]
    gap = browser.x() - (contents.x() + contents.width())
    assert gap <= guide.splitter.handleWidth(), gap
    # Every title fits, and the page gets the rest of the width.
    assert contents.width() >= contents.sizeHintForColumn(0) + 2 * contents.frameWidth()
    assert browser.width() > size[0] - contents.width() - 40


def test_ctrl_w_closes_the_guide_as_it_closes_other_windows(qtbot):
    """The guide is a window of its own; Ctrl+W (the platform's Close key) did nothing in it."""
    from PySide6.QtCore import Qt

    guide = GuideDialog()
    qtbot.addWidget(guide)
    guide.show()
    qtbot.waitExposed(guide)
    guide.browser.setFocus()
    qtbot.keyClick(guide.browser, Qt.Key_W, Qt.ControlModifier)
    qtbot.waitUntil(lambda: not guide.isVisible(), timeout=2000)
