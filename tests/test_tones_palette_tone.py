"""widgets.tones after a palette switched while the words are shown (a dark theme turned on).

A widget with a style sheet keeps the palette it had when the sheet was applied: after
QApplication.setPalette its own window colour stays the old one while the window behind it turns
dark. set_tone measured its colour against that stale window, found it readable and kept the
light window's dark red: 2.2:1 on the dark palette's #353535. The words are now measured against
the window they are shown on.

A palette role is a tone too ("palette(placeholder-text)", as the hints' style sheets name it):
a line that is a hint at times and an error at others (the Latent space tab's row under the
plot, the Draw tab's message, the sampler's status) keeps the hints' colour when it is not an
error, that of the palette switched to included. Before, such a tone was read as a colour (an
invalid one: black)."""

from __future__ import annotations

from palette_support import AA, dark_palette, switched_to, window_colour, words_colour
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from vae_desktop.gui.widgets import tones
from vae_desktop.gui.widgets.hint_text import HINT_COLOUR
from vae_desktop.gui.widgets.tones import contrast


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


def test_a_palette_role_is_a_tone_that_follows_the_palette(qtbot, qapp):
    window, (label,) = shown(qtbot, "Hover a point to see its test image")
    tones.set_tone(label, HINT_COLOUR)
    assert tones.tone_of(label) == HINT_COLOUR
    assert words_colour(label) == qapp.palette().color(QPalette.PlaceholderText)
    tones.set_tone(label, tones.ERROR)  # an error in its place, then the hint again
    red = words_colour(label)
    assert red.red() > 1.5 * red.green() and contrast(red, window_colour(window)) >= AA
    tones.set_tone(label, HINT_COLOUR)
    assert words_colour(label) == qapp.palette().color(QPalette.PlaceholderText)
    before = QPalette(qapp.palette())
    try:
        qapp.setPalette(dark_palette())
        QApplication.processEvents()
        assert tones.tone_of(label) == HINT_COLOUR
        assert words_colour(label) == dark_palette().color(QPalette.PlaceholderText)
    finally:
        qapp.setPalette(before)
    QApplication.processEvents()
    assert words_colour(label) == before.color(QPalette.PlaceholderText)
