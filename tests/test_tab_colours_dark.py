"""The Latent space, Conditional, Interpolate and Draw tabs' coloured words read on a dark theme
as on a light one (WCAG AA: 4.5:1 for text), and follow a palette switched while shown.

Their colours were fixed for a light window: the red #d93025 of Interpolate's message line and
end captions, Conditional's style error and box refusals and Latent space's refusal under the
plot (4.2:1 on Fusion's light #efefef, 2.6:1 on a dark palette's #353535); the sampler's red
status likewise; Draw's orange #e8833a for its messages (2.4:1 on the light window); Latent
space's yellow blend line #e0b040 (1.7:1 on the light window) and its orange inactive marks
#c98a3a (2.5:1); the distance plot's title, whose "linear" (#e8710a, 2.7:1 light) and
"spherical" (#1a73e8, 2.7:1 dark) name its two lines in their colours, in pyqtgraph's grey
(2.6:1 light)."""

from __future__ import annotations

import re

import numpy as np
import pyqtgraph as pg
import pytest
import torch
from palette_support import AA, assert_readable, colours, dark_palette, switched_to, window_colour
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from vae_desktop.core import latent
from vae_desktop.core.data import load_split
from vae_desktop.gui.tabs.conditional.picker import Controls
from vae_desktop.gui.tabs.draw.canvas_panel import CanvasPanel
from vae_desktop.gui.tabs.draw.panels import ScoresPanel
from vae_desktop.gui.tabs.interpolate.controls import NormPlot
from vae_desktop.gui.tabs.latent.controls import DimensionSliders, LabelPicker
from vae_desktop.gui.tabs.latent.plot import PlotPanel
from vae_desktop.gui.tabs.sampling import PRIOR_SHOWN, SamplerChoice
from vae_desktop.gui.widgets.draw_histogram import UNUSUAL_COLOUR
from vae_desktop.gui.widgets.hint_text import HINT_COLOUR, hint_colour
from vae_desktop.gui.widgets.tones import contrast


def in_window(qtbot, widget: QWidget) -> QWidget:
    """`widget` in a plain window of its own (no style sheet: its window colour is the
    palette's), shown."""
    window = QWidget()
    qtbot.addWidget(window)
    QVBoxLayout(window).addWidget(widget)
    window.resize(900, 600)
    window.show()
    qtbot.waitExposed(window)
    widget.test_window = window  # kept alive with the widget (qtbot holds it weakly)
    return widget


def assert_hint(label: QLabel) -> None:
    """The label is in the hints' grey, readable on the window it is shown on (the palette's
    placeholder colour read at 3.65 to 3.9:1, below AA)."""
    assert_readable(label)
    grey = colours(label)[-1]
    assert grey.red() == grey.green() == grey.blue(), grey.name()
    assert grey.name() == hint_colour(label.window().palette()).name()  # the one grey


def title_colours(plot: NormPlot) -> list[QColor]:
    """The colours of the distance plot's title: its words' and each span's."""
    title = plot.getPlotItem().titleLabel
    base = pg.mkColor(title.opts["color"] if title.opts["color"] is not None
                      else pg.getConfigOption("foreground"))
    return [base, *(QColor(c) for c in re.findall(r"color:\s*(#[0-9a-fA-F]{6})", title.text))]


def assert_title_readable(plot: NormPlot) -> None:
    for colour in title_colours(plot):
        assert contrast(colour, window_colour(plot)) >= AA, (plot.getPlotItem().titleLabel.text,
                                                      colour.name(), window_colour(plot).name())
    # Its words name the two lines in their colours: the lines are drawn in them.
    _, linear, spherical = title_colours(plot)
    assert plot.curves["linear"].opts["pen"].color().name() == linear.name()
    assert plot.curves["spherical"].opts["pen"].color().name() == spherical.name()


def is_red(colour: QColor) -> bool:
    return colour.red() > 1.5 * colour.green() and colour.red() > 1.5 * colour.blue()


# ------------------------------------------------------------------ Latent space
BLEND = np.array([0, 0, 0, 0.5, 0, 0, 0, 0, 0.5, 0], np.float32)  # half a 3, half an 8


def test_latent_refusal_under_the_plot_reads_on_either_palette(qtbot, palette):
    plot = in_window(qtbot, PlotPanel())
    plot.show_refusal("The grid size N must be from 10 to 30: 5 was not taken (it stays N = 20).")
    assert_readable(plot.hint_label)
    assert is_red(colours(plot.hint_label)[-1])
    plot.show_refusal("")  # the hint again, in the hints' colour
    assert_hint(plot.hint_label)


def test_latent_blend_line_reads_on_either_palette(qtbot, palette):
    picker = in_window(qtbot, LabelPicker())
    picker.show_weights(BLEND)
    assert picker.line.text().startswith("Decoded under a")
    assert_readable(picker.line)
    picker.show_weights(np.eye(10, dtype=np.float32)[3])  # one label: the note, as a hint
    assert_hint(picker.line)


@pytest.fixture(scope="module")
def inactive_stats(bundled):
    """The statistics of 300 test digits under the binarised z = 50 model, 30 of whose
    dimensions are inactive."""
    images, labels = load_split("test", size=300)
    model = bundled["mnist-vae-z50-binarized"].model
    with torch.no_grad():
        mu, logvar = model.encode(images.float().unsqueeze(1) / 255)
    stats = latent.stats_from_posterior(mu, logvar, labels)
    assert 0 < sum(stats.active) < len(stats.active)
    return stats


def inactive_words(sliders: DimensionSliders) -> list[QLabel]:
    """The header over the inactive dimensions and each one's "inactive" mark."""
    header = [label for label in sliders.findChildren(QLabel)
              if label.text().startswith("Inactive:")]
    marks = [row.state_label for row in sliders.rows if not row.active]
    assert len(header) == 1 and marks
    return header + marks


def test_latent_inactive_marks_read_on_either_palette(qtbot, palette, inactive_stats):
    sliders = in_window(qtbot, DimensionSliders())
    sliders.build(inactive_stats)
    for label in inactive_words(sliders):
        assert_readable(label)


# ------------------------------------------------------------------ Conditional
def test_conditional_refusal_reads_on_either_palette(qtbot, palette):
    scope = QWidget()
    qtbot.addWidget(scope)
    controls = in_window(qtbot, Controls(scope))
    controls.show_refusal("Samples must be from 1 to 100: 500 was not taken (it stays 12).")
    assert_readable(controls.message_label)
    assert is_red(colours(controls.message_label)[-1])


def test_conditional_style_error_reads_on_either_palette(qtbot, app_state, palette,
                                                         monkeypatch):
    from vae_desktop.gui.tabs.conditional.tab import ConditionalTab

    app_state.set_active(app_state.find_model(conditional=True, latent_dim=2))
    tab = ConditionalTab(app_state)
    qtbot.addWidget(tab)
    tab.resize(1100, 720)
    tab.show()
    qtbot.waitExposed(tab)

    def unreadable():
        raise OSError("the disk is gone <sdb1>")

    monkeypatch.setattr(app_state, "test_set", unreadable)
    tab.refresh_now()
    assert "Could not read the test set: the disk is gone" in tab.style_message.text()
    assert "&lt;sdb1&gt;" in tab.style_message.text()  # its words whole, not taken for a tag
    assert_readable(tab.style_message)
    assert is_red(colours(tab.style_message)[-1])


# ------------------------------------------------------------------ Interpolate
@pytest.fixture
def interpolate(qtbot, app_state):
    """The Interpolate tab with end A on the drawing, and no drawing: a problem to show."""
    from vae_desktop.gui.tabs.interpolate.tab import InterpolateTab

    app_state.set_active(app_state.find_model(conditional=False, latent_dim=2))
    tab = InterpolateTab(app_state)
    qtbot.addWidget(tab)
    tab.resize(1200, 720)
    tab.show()
    qtbot.waitExposed(tab)
    tab.end_a.set_kind("drawing")
    tab.end_b.set_kind("index")
    tab.refresh_now()
    assert "draw a digit" in tab.message.text()
    return tab


def test_interpolate_message_and_end_caption_read_on_either_palette(interpolate,
                                                                    palette):
    assert_readable(interpolate.message)
    assert_readable(interpolate.end_a.caption)
    assert is_red(colours(interpolate.message)[-1])
    assert is_red(colours(interpolate.end_a.caption)[-1])
    assert_readable(interpolate.end_b.caption)  # a test digit's caption, in the hints' grey


def test_the_distance_plots_title_reads_on_either_palette(qtbot, palette):
    plot = in_window(qtbot, NormPlot())
    assert_title_readable(plot)
    ratios = torch.linspace(0, 1, 2)
    codes = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    plot.show_norms(ratios, {"linear": codes, "spherical": codes})  # two frames: they coincide
    assert "coincide" in plot.getPlotItem().titleLabel.text
    assert_title_readable(plot)


# ------------------------------------------------------------------ Draw
def test_draw_messages_read_on_either_palette(qtbot, palette):
    canvas = in_window(qtbot, CanvasPanel(20))
    canvas.set_message("Could not open five.png: it is not an image. Open a PNG or JPEG.",
                       error=True)
    assert_readable(canvas.message_label)
    canvas.set_message("Esc clears · Ctrl+Z undoes · wheel sets the pen")  # a hint again
    assert_hint(canvas.message_label)
    scores = in_window(qtbot, ScoresPanel(99.0))
    scores._show_refusal("Unusual above must be from 50 to 99.9 %: 120 was not taken.")
    assert_readable(scores.threshold_message)


# ------------------------------------------------------------------ the sampler
def test_a_failed_mixture_reads_on_either_palette(qtbot, palette):
    choice = in_window(qtbot, SamplerChoice())
    choice.show_status(f"Could not fit the mixture.\n{PRIOR_SHOWN}", failed=True)
    assert_readable(choice.status)
    assert is_red(colours(choice.status)[-1])


def test_the_sampler_label_names_its_box(qtbot):
    """A screen reader says "Sampler" for the combo box: the label beside it is its buddy (the
    tabs named the box themselves)."""
    choice = SamplerChoice()
    qtbot.addWidget(choice)
    names = [label.text() for label in choice.findChildren(QLabel) if label.buddy() is choice.combo]
    assert names == ["Sampler"]


# ------------------------------------------------------------------ a theme switched while shown
def test_the_colours_follow_a_palette_switched_while_shown(qtbot, interpolate,
                                                          inactive_stats):
    plot = in_window(qtbot, PlotPanel())
    plot.show_refusal("The grid size N must be from 10 to 30: 5 was not taken (it stays N = 20).")
    picker = in_window(qtbot, LabelPicker())
    picker.show_weights(BLEND)
    sliders = in_window(qtbot, DimensionSliders())
    sliders.build(inactive_stats)
    scope = QWidget()
    qtbot.addWidget(scope)
    controls = in_window(qtbot, Controls(scope))
    controls.show_refusal("Samples must be from 1 to 100: 500 was not taken (it stays 12).")
    canvas = in_window(qtbot, CanvasPanel(20))
    canvas.set_message("Could not open five.png: it is not an image.", error=True)
    choice = in_window(qtbot, SamplerChoice())
    choice.show_status(f"Could not fit the mixture.\n{PRIOR_SHOWN}", failed=True)
    norms = in_window(qtbot, NormPlot())
    scores = in_window(qtbot, ScoresPanel(99.0))
    scores.set_verdict("Unusual for this model", UNUSUAL_COLOUR)
    labels = [plot.hint_label, picker.line, *inactive_words(sliders), controls.message_label,
              canvas.message_label, scores.verdict_label, choice.status, interpolate.message,
              interpolate.end_a.caption, interpolate.end_b.caption]
    with switched_to(dark_palette()):
        assert window_colour(picker.line) == dark_palette().color(QPalette.Window)
        for label in labels:
            assert_readable(label)
        assert_title_readable(norms)
    for label in labels:
        assert_readable(label)
    assert_title_readable(norms)


def test_words_with_a_style_sheet_follow_a_palette_switched_while_shown(qtbot):
    """A label with a style sheet of any kind (Draw's bold captions: "font-weight: bold") kept
    the light palette's black words on the dark window after a switch, 1.7:1: Qt gives such a
    widget no new palette. So did the Conditional tab's "Train one…" and Sweep's hint."""
    from vae_desktop.gui.tabs.draw.panels import ImagesPanel
    from vae_desktop.gui.widgets.tab_page import TabPage

    panel = ImagesPanel()
    in_window(qtbot, TabPage(panel))  # as the main window shows a tab
    captions = [panel.input_caption, panel.recon_caption]
    assert all(caption.styleSheet() for caption in captions)
    with switched_to(dark_palette()):
        for caption in captions:
            assert_readable(caption)
    for caption in captions:
        assert_readable(caption)


# ------------------------------------------------------------------ Draw's verdict
def test_draw_verdicts_read_on_either_palette(qtbot, palette):
    """The verdict in green or orange (#3ba55c, #e8833a: 2.7:1 and 2.4:1 on the light window),
    and "The model could not score this drawing: …" in the orange."""
    from vae_desktop.gui.tabs.draw.panels import TYPICAL_COLOUR

    scores = in_window(qtbot, ScoresPanel(99.0))
    for text, colour in (("Scores within the range of most test digits", TYPICAL_COLOUR),
                         ("Unusual for this model", UNUSUAL_COLOUR),
                         ("The model could not score this drawing: NaN in the loss.",
                          UNUSUAL_COLOUR)):
        scores.set_verdict(text, colour)
        assert_readable(scores.verdict_label)
    scores.set_verdict("Draw a digit", HINT_COLOUR)
    assert_hint(scores.verdict_label)


def test_the_exported_verdict_reads_on_white_paper(qtbot, qapp, app_state, mnist_test,
                                                   monkeypatch):
    """The export is white paper whatever the theme: its verdict took the label's colour, made
    for the window (on a dark one, the green read at 2.9:1 on the paper)."""
    from draw_tab_support import digit_image, short_test_set, shown_tab, wait_for_test_pass

    from vae_desktop.gui.tabs.draw import export

    short_test_set(app_state, mnist_test, monkeypatch)
    before = QPalette(qapp.palette())
    try:
        qapp.setPalette(dark_palette())
        tab = shown_tab(qtbot, app_state, conditional=False, latent_dim=2)
        wait_for_test_pass(qtbot, app_state)
        app_state.set_drawing(digit_image(mnist_test, 0), origin="test image #0")
        qtbot.waitUntil(lambda: tab.analysis is not None and tab.analysis.percentile is not None)
        painted = []
        compose = export.compose
        monkeypatch.setattr(export, "compose", lambda *args: painted.append(args) or compose(*args))
        tab.export_picture()
    finally:
        qapp.setPalette(before)
    first_colour = painted[0][3]
    assert first_colour is not None and first_colour.green() > first_colour.red()  # green
    assert contrast(first_colour, export.PAPER) >= AA, first_colour.name()
