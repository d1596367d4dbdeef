"""The one look of secondary text (hints, units, notes, captions): the palette's placeholder
colour. It follows a dark theme, and on the light window it reads at about 3.9:1; the mid grey
used before read at 1.7:1, hard to read for many people."""

from __future__ import annotations

import re
from html import escape, unescape

HINT_COLOUR = "palette(placeholder-text)"  # in style sheets
HINT_STYLE = f"color: {HINT_COLOUR};"
HINT_HTML_COLOUR = "#6f6f6f"  # rich text knows no palette roles: the same grey on the light window


def hint_span(text: str) -> str:
    """`text` (plain) as secondary text inside a rich-text label."""
    return f"<span style='color: {HINT_HTML_COLOUR}'>{escape(text)}</span>"


def plain_text(rich: str) -> str:
    """A rich-text label's words: tags dropped, line breaks kept, entities read."""
    return unescape(re.sub(r"<br\s*/?>", "\n", re.sub(r"<(?!br)[^>]+>", "", rich)))
