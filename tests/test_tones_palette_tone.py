"""widgets.tones after a palette switched while the words are shown (a dark theme turned on).

A widget with a style sheet keeps the palette it had when the sheet was applied: after
QApplication.setPalette its own window colour stays the old one while the window behind it turns
dark. set_tone measured its colour against that stale window, found it readable and kept the
light window's dark red: 2.2:1 on the dark palette's #353535. The words are now measured against
the window they are shown on.

The hints' grey is a tone too (hint_text.HINT_COLOUR, the one grey of secondary words): a line
that is a hint at times and an error at others (the Latent space tab's row under the plot, the
Draw tab's message, the sampler's status) is in it when it is not an error, readable at 4.5:1 on
either palette. It was the palette's placeholder colour, at 3.65 to 3.9:1.

follow_palette (what rich text and colours made from the palette use) is told of a theme switch
as set_tone is, a widget with a style sheet included: Qt sends such a widget no PaletteChange."""

from __future__ import annotations

import shiboken6
from palette_support import (
    AA,
    assert_readable,
    dark_palette,
    switched_to,
    window_colour,
    words_colour,
)
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from vae_desktop.gui.widgets import tones
from vae_desktop.gui.widgets.hint_text import HINT_COLOUR, hint_colour, hint_span
from vae_desktop.gui.widgets.tones import contrast, follow_palette


def shown(qtbot, *texts: str) -> tuple[QWidget, list[QLabel]]:
    """Labels in a plain window, shown."""
    window = QWidget()
    qtbot.addWidget(window)
    col = QVBoxLayout(window)
    labels = [QLabel(text) for text in texts]
    for label in labels:
        col.addWidget(label)
    window.show()
    qtbot.waitExposed(window)
    return window, labels


def assert_readable_on(window: QWidget, label: QLabel) -> None:
    words = words_colour(label)
    assert contrast(words, window_colour(window)) >= AA, words.name()


def test_a_tone_follows_a_palette_switched_while_shown(qtbot, qapp):
    window, (error, warning) = shown(qtbot, "Could not read the test set.", "A warning.")
    tones.set_tone(error, tones.ERROR)
    tones.set_tone(warning, tones.WARNING)
    light = window_colour(window)
    with switched_to(dark_palette()):
        assert window_colour(window) == dark_palette().color(QPalette.Window)
        for label in (error, warning):
            assert_readable_on(window, label)
        red = words_colour(error)
        assert red.red() > 1.5 * red.green() and red.red() > 1.5 * red.blue()  # still red
    assert window_colour(window) == light
    for label in (error, warning):
        assert_readable_on(window, label)


def is_hint_grey(label: QLabel, window: QWidget) -> bool:
    grey = words_colour(label)
    return (grey.red() == grey.green() == grey.blue()
            and grey.name() == hint_colour(window.palette()).name()
            and contrast(grey, window_colour(window)) >= AA)


def test_a_line_that_is_a_hint_at_times_and_an_error_at_others(qtbot):
    """The hints' tone reads at AA on either palette, as the error's red does, and follows a
    switch. It was the palette's placeholder colour: 3.65 to 3.9:1."""
    window, (label,) = shown(qtbot, "Hover a point to see its test image")
    tones.set_tone(label, HINT_COLOUR)
    assert tones.tone_of(label) == HINT_COLOUR
    assert is_hint_grey(label, window)
    tones.set_tone(label, tones.ERROR)  # an error in its place, then the hint again
    red = words_colour(label)
    assert red.red() > 1.5 * red.green() and contrast(red, window_colour(window)) >= AA
    tones.set_tone(label, HINT_COLOUR)
    assert is_hint_grey(label, window)
    light = words_colour(label)
    with switched_to(dark_palette()):
        assert tones.tone_of(label) == HINT_COLOUR
        assert is_hint_grey(label, window) and words_colour(label) != light
    assert words_colour(label) == light


def test_rich_text_in_a_styled_label_follows_a_switch(qtbot):
    """follow_palette's redraw runs after a theme switch for a label with a style sheet too
    (its font size, say): such a label gets no PaletteChange from Qt, and its hints' grey,
    made for the light window, stayed at 2.4:1 on the dark one."""
    window, (label,) = shown(qtbot, "")
    label.setStyleSheet("font-size: 11px;")

    def redraw() -> None:
        label.setText("<b>mnist-vae-z16</b> " + hint_span("· VAE · z=16", window.palette()))

    redraw()
    follow_palette(label, redraw)
    with switched_to(dark_palette()):
        assert_readable(label)
    assert_readable(label)


def test_a_follower_goes_with_its_widget(qtbot):
    """A widget deleted before a theme switch: nothing is called for it."""
    window, (label,) = shown(qtbot, "gone")
    calls = []
    follow_palette(label, lambda: calls.append(label.text()))
    tones.set_tone(label, tones.ERROR)
    calls.clear()
    shiboken6.delete(label)
    with switched_to(dark_palette()):
        pass
    assert calls == []
