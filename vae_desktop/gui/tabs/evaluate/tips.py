"""Tooltips that wrap: Qt shows a plain-text tooltip on one line however long it is (a few
sentences ran across the screen), and wraps only rich text."""

from __future__ import annotations

from html import escape


def tip(text: str) -> str:
    """`text` (plain) as a tooltip that wraps."""
    return f"<p>{escape(text)}</p>"
