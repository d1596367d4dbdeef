"""The one look of secondary text (hints, units, notes, captions). In a style sheet: the palette's
placeholder colour, which follows a dark theme. In rich text, which knows no palette roles: a
grey made from the palette's window colour when the text is set (`hint_span`), as dark (on a
light window) or as light (on a dark one) as it must be to read at 4.5:1, the WCAG AA contrast
for text. A grey fixed for the light window (#6f6f6f) read at 2.4:1 on a dark theme's #353535.
`follow_palette` sets a widget's rich text again when the palette changes (a theme switched)."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape, unescape

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QWidget

from vae_desktop.gui.widgets.tones import readable

HINT_COLOUR = "palette(placeholder-text)"  # in style sheets
HINT_STYLE = f"color: {HINT_COLOUR};"
HINT_GREY = "#6f6f6f"  # the rich-text hints' grey on a white window, darkened or lightened


def hint_colour(palette: QPalette | None = None) -> QColor:
    """The grey of secondary words in rich text, readable on `palette`'s window colour (the
    app's palette by default)."""
    palette = palette if palette is not None else QGuiApplication.palette()
    return readable(HINT_GREY, palette.color(QPalette.Window))


def hint_span(text: str, palette: QPalette | None = None) -> str:
    """`text` (plain) as secondary text inside a rich-text label; `palette`: the label's (the
    app's by default)."""
    return f"<span style='color: {hint_colour(palette).name()}'>{escape(text)}</span>"


class _Redraw(QObject):
    def __init__(self, widget: QWidget, redraw: Callable[[], None]) -> None:
        super().__init__(widget)
        self.redraw = redraw
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in (QEvent.PaletteChange, QEvent.ApplicationPaletteChange):
            self.redraw()
        return super().eventFilter(watched, event)


def follow_palette(widget: QWidget, redraw: Callable[[], None]) -> None:
    """Call `redraw` (which sets `widget`'s rich text again, with hint_span of its palette)
    whenever the widget's palette changes."""
    _Redraw(widget, redraw)


def plain_text(rich: str) -> str:
    """A rich-text label's words: tags dropped, line breaks kept, entities read."""
    return unescape(re.sub(r"<br\s*/?>", "\n", re.sub(r"<(?!br)[^>]+>", "", rich)))
