"""A field whose value cannot be used has a red border seen at 3:1 against its background
(tones.outline). The colour was written into the field's style sheet once, when it was flagged:
after a theme switched from light to dark, a field still flagged kept the light theme's red,
2.6:1 on the dark field. It is made again for the palette the field is shown on now."""

from __future__ import annotations

import re

from palette_support import dark_palette, switched_to
from PySide6.QtGui import QColor

from vae_desktop.gui.tabs.sweep.search_space import SearchSpaceBox
from vae_desktop.gui.widgets.tones import BORDER_CONTRAST, background, contrast


def border(widget) -> QColor:
    found = re.search(r"border: 1px solid (#[0-9a-fA-F]{6})", widget.styleSheet())
    assert found, widget.styleSheet()
    return QColor(found.group(1))


def assert_seen(widget) -> None:
    assert contrast(border(widget), background(widget)) >= BORDER_CONTRAST, (
        border(widget).name(), background(widget).name())


def test_a_sweep_setting_flagged_keeps_a_border_seen_after_a_switch(qtbot):
    box = SearchSpaceBox()
    qtbot.addWidget(box)
    box.show()
    row = box.rows["lr"]
    row.mark(True)
    assert_seen(row.stack)
    with switched_to(dark_palette()):
        assert_seen(row.stack)
    assert_seen(row.stack)
    row.mark(False)
    assert row.stack.styleSheet() == ""
