"""The one look of secondary text (hints, units, notes, captions): a grey made from the window's
colour (tones.QUIET), as dark (on a light window) or as light (on a dark one) as it must be to
read at 4.5:1, the WCAG AA contrast for text, and made again when the palette changes. A label's
own text: `tones.set_tone(label, HINT_COLOUR)`. Rich text, which knows no palette roles:
`hint_span` of the label's palette, set again by `follow_palette` (widgets.tones) when the
palette changes. A grey fixed for the light window (#6f6f6f) read at 2.4:1 on a dark theme's
#353535, and the palette's placeholder colour, which the hints once had, at 3.65 to 3.9:1 on
either palette."""

from __future__ import annotations

import re
from html import escape, unescape

from PySide6.QtGui import QColor, QGuiApplication, QPalette

from vae_desktop.gui.widgets.tones import QUIET, readable

__all__ = ["HINT_COLOUR", "hint_colour", "hint_span", "plain_text"]

HINT_COLOUR = QUIET  # the tone of secondary words (tones.set_tone)


def hint_colour(palette: QPalette | None = None) -> QColor:
    """The grey of secondary words in rich text, readable on `palette`'s window colour (the
    app's palette by default)."""
    palette = palette if palette is not None else QGuiApplication.palette()
    return readable(HINT_COLOUR, palette.color(QPalette.Window))


def hint_span(text: str, palette: QPalette | None = None) -> str:
    """`text` (plain) as secondary text inside a rich-text label; `palette`: the label's (the
    app's by default)."""
    return f"<span style='color: {hint_colour(palette).name()}'>{escape(text)}</span>"


def plain_text(rich: str) -> str:
    """A rich-text label's words: tags dropped, line breaks kept, entities read."""
    return unescape(re.sub(r"<br\s*/?>", "\n", re.sub(r"<(?!br)[^>]+>", "", rich)))
