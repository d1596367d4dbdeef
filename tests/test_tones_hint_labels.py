"""The hints set as plain labels (not rich text) are in the one grey of secondary words
(hint_text.HINT_COLOUR through tones.set_tone), readable at 4.5:1 (WCAG AA) on a light and on a
dark palette, and again after a theme is switched to while they are shown. They were in the
palette's placeholder colour (palette(placeholder-text) in a style sheet), which reads at 3.65
to 3.9:1 on either: the model list's legend, Evaluate's status, its log-likelihood row's units
and its anomaly detection line, Interpolate's hint under the strips and the note under its
distance plot, Conditional's style transfer caption and arrow."""

from __future__ import annotations

import pytest
from palette_support import AA, dark_palette, switched_to, window_colour, words_colour
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from vae_desktop.gui.widgets.hint_text import HINT_COLOUR, hint_colour
from vae_desktop.gui.widgets.tones import contrast, tone_of


def kept(qtbot, window: QWidget) -> None:
    """Hold `window` for the whole test: qtbot holds it only weakly, and the tests keep only
    labels, whose wrappers do not hold their window, so the GUI thread's collector could delete
    it (and the labels in it) mid-test."""
    if not hasattr(qtbot, "kept_windows"):
        qtbot.kept_windows = []
    qtbot.kept_windows.append(window)


def shown(qtbot, widget: QWidget) -> QWidget:
    """`widget` in a plain window of its own, shown."""
    window = QWidget()
    qtbot.addWidget(window)
    kept(qtbot, window)
    QVBoxLayout(window).addWidget(widget)
    window.resize(1000, 600)
    window.show()
    qtbot.waitExposed(window)
    return widget


def label_saying(widget: QWidget, start: str) -> QLabel:
    found = [label for label in widget.findChildren(QLabel) if label.text().startswith(start)]
    assert len(found) == 1, start
    return found[0]


def assert_hint_grey(label: QLabel) -> None:
    assert tone_of(label) == HINT_COLOUR
    words, behind = words_colour(label), window_colour(label)
    assert contrast(words, behind) >= AA, (label.text()[:40], words.name(), behind.name())
    assert words.name() == hint_colour(label.window().palette()).name()  # the one grey


def models_dialog(qtbot, app_state):
    from vae_desktop.gui.models_dialog import ModelsDialog

    dialog = ModelsDialog(app_state)
    qtbot.addWidget(dialog)
    kept(qtbot, dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return [dialog.legend]


def evaluate_header(qtbot, app_state):
    from vae_desktop.gui.tabs.evaluate.tab import EvaluateTab

    return [shown(qtbot, EvaluateTab(app_state)).status]


def likelihood_units(qtbot, app_state):
    from vae_desktop.gui.tabs.evaluate.likelihood_panel import LikelihoodPanel

    return [shown(qtbot, LikelihoodPanel(app_state)).units]


def anomaly_intro(qtbot, app_state):
    from vae_desktop.gui.tabs.evaluate.anomaly_controls import AnomalyControls

    controls = shown(qtbot, AnomalyControls())
    return [label_saying(controls, "Images scoring above the threshold")]


def interpolate_hint(qtbot, app_state):
    from vae_desktop.gui.tabs.interpolate.tab import InterpolateTab

    return [label_saying(shown(qtbot, InterpolateTab(app_state)), "Numbers under the frames")]


def distance_note(qtbot, app_state):
    from vae_desktop.gui.tabs.interpolate.controls import NormBox

    return [shown(qtbot, NormBox()).note]


def style_transfer(qtbot, app_state):
    from vae_desktop.gui.tabs.conditional.style_transfer import StyleTransferView

    view = shown(qtbot, StyleTransferView())
    return [view.source_caption, label_saying(view, "→")]


HINTS = [models_dialog, evaluate_header, likelihood_units, anomaly_intro, interpolate_hint,
         distance_note, style_transfer]


@pytest.mark.parametrize("build", HINTS, ids=[build.__name__ for build in HINTS])
def test_the_hint_is_in_the_one_grey_on_either_palette(qtbot, app_state, palette, build):
    labels = build(qtbot, app_state)
    for label in labels:
        label.setText(label.text() or "Some words")  # (one empty until it has something to say)
        assert_hint_grey(label)


@pytest.mark.parametrize("build", HINTS, ids=[build.__name__ for build in HINTS])
def test_the_hint_follows_a_theme_switched_to(qtbot, app_state, build):
    labels = build(qtbot, app_state)
    with switched_to(dark_palette()):
        for label in labels:
            label.setText(label.text() or "Some words")
            assert_hint_grey(label)


def test_the_style_transfer_arrow_keeps_its_size(qtbot, app_state):
    arrow = style_transfer(qtbot, app_state)[1]
    assert arrow.font().pixelSize() == 26 or round(arrow.font().pointSizeF() * 96 / 72) == 26
