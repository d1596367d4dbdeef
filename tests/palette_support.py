"""Colours in tests (shared by test modules): a dark palette as dark-theme users set one, the app's
palette for a test (light or dark), and what a label's words are drawn in, measured against the
window they are shown on.

The window's colour is read from the top-level window, never from the label's own palette: a
widget with a style sheet keeps the palette it had when its sheet was applied, so after
QApplication.setPalette its own window colour is the old one while the window behind it has turned
dark (a check against it found the light window's orange readable on the dark window, 2.2:1).
Contrast is measured as the app measures it (widgets.tones.contrast, WCAG 2)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from vae_desktop.gui.widgets.tones import TEXT_CONTRAST, contrast

AA = TEXT_CONTRAST  # WCAG AA, for text


def dark_palette() -> QPalette:
    """A dark Fusion palette, as dark-theme users set one (the audit's)."""
    p = QPalette()
    dark, base, text = QColor(53, 53, 53), QColor(35, 35, 35), QColor(220, 220, 220)
    for role, colour in ((QPalette.Window, dark), (QPalette.WindowText, text),
                         (QPalette.Base, base), (QPalette.AlternateBase, dark),
                         (QPalette.Text, text), (QPalette.Button, dark),
                         (QPalette.ButtonText, text), (QPalette.Link, QColor(42, 130, 218)),
                         (QPalette.Highlight, QColor(42, 130, 218)),
                         (QPalette.HighlightedText, QColor(Qt.black)),
                         (QPalette.PlaceholderText, QColor(140, 140, 140))):
        p.setColor(role, colour)
    return p


@pytest.fixture(params=["light", "dark"])
def palette(request, qapp):
    """The app's palette for the test (the style's own light one, or a dark one), restored
    after it."""
    before = QPalette(qapp.palette())
    if request.param == "dark":
        qapp.setPalette(dark_palette())
    yield request.param
    qapp.setPalette(before)


@contextmanager
def switched_to(palette: QPalette) -> Iterator[None]:
    """The app's palette switched to `palette` while the windows are shown (a theme turned on),
    the events it causes handled; the palette before given back afterwards, likewise."""
    app = QApplication.instance()
    before = QPalette(app.palette())
    try:
        app.setPalette(palette)
        QApplication.processEvents()
        yield
    finally:
        app.setPalette(before)
        QApplication.processEvents()


def words_colour(widget: QWidget) -> QColor:
    """The colour a widget's words are drawn in (its style sheet's, or its palette's)."""
    widget.ensurePolished()
    return widget.palette().color(widget.foregroundRole())


def window_colour(widget: QWidget) -> QColor:
    """The colour of the window the widget is shown on: the top-level window's own."""
    return widget.window().palette().color(QPalette.Window)


def colours(label) -> list[QColor]:
    """The colours a label's words are drawn in: each coloured span of its rich text, and its
    own text colour (a style sheet's, or the palette's)."""
    spans = [QColor(c) for c in re.findall(r"color:\s*(#[0-9a-fA-F]{6})", label.text())]
    return [*spans, words_colour(label)]


def assert_readable(label) -> None:
    """The label says something, and each of its colours reads at AA against the window it is
    shown on."""
    assert label.text().strip()
    behind = window_colour(label)
    for colour in colours(label):
        assert contrast(colour, behind) >= AA, (label.text()[:60], colour.name(), behind.name())
