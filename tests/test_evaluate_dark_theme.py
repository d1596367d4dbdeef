"""The Evaluate tab's rich-text hints and its red error read on a dark theme: the grey after the
model's name in the header, the log-likelihood row's note ("−log p(x) not estimated yet"), "No
detector yet" over the anomaly plots, and "Estimate failed: …". Their colours were fixed for a
light window (#6f6f6f, #c0392b): on a dark palette's #353535 they read at 2.4:1 and 2.3:1, where
the palette-based hints lighten. They now take the palette's window colour into account, when
the text is set and when the palette changes, and read at 4.5:1 (WCAG AA) on either palette; on
the light one the grey stays as it was."""

from __future__ import annotations

import numpy as np
from palette_support import assert_readable, colours, dark_palette, switched_to
from PySide6.QtGui import QColor

from vae_desktop.gui.tabs.evaluate.anomaly_plots import AnomalyPlots
from vae_desktop.gui.tabs.evaluate.likelihood_panel import LikelihoodPanel
from vae_desktop.gui.tabs.evaluate.tab import ModelTitle
from vae_desktop.gui.widgets.hint_text import hint_colour, hint_span

TODAY = QColor("#6f6f6f")  # the grey of the hints on a light window, before


def title(qtbot) -> ModelTitle:
    label = ModelTitle()
    qtbot.addWidget(label)
    label.set_title("mnist-vae-z16", "· VAE · MLP · z=16 · 30 epochs")
    label.show()
    return label


def likelihood(qtbot, app_state) -> LikelihoodPanel:
    panel = LikelihoodPanel(app_state)
    qtbot.addWidget(panel)
    panel.show_model(app_state.find_model(conditional=False, latent_dim=16), None)
    panel.show()
    return panel


def anomaly_plots(qtbot) -> AnomalyPlots:
    plots = AnomalyPlots()
    qtbot.addWidget(plots)
    plots.show_empty({"noise": np.zeros((28, 28), np.float32)}, "elbo")
    plots.show()
    return plots


def test_the_header_grey_reads_on_either_palette(qtbot, palette):
    label = title(qtbot)
    assert "<span" in label.text()
    assert_readable(label)


def test_the_likelihood_note_reads_on_either_palette(qtbot, app_state, palette):
    panel = likelihood(qtbot, app_state)
    assert "not estimated yet" in panel.result.text()
    assert_readable(panel.result)


def test_no_detector_yet_reads_on_either_palette(qtbot, palette):
    plots = anomaly_plots(qtbot)
    assert "No detector yet" in plots.summary.text()
    assert_readable(plots.summary)


def test_a_failed_estimate_reads_in_red_on_either_palette(qtbot, app_state, palette):
    panel = likelihood(qtbot, app_state)
    panel._on_failed("the model gave NaN for image 12 <of 300>", panel._generation)
    # Its words whole: "<of 300>" was taken for a tag and dropped from the rich text.
    assert "Estimate failed: the model gave NaN for image 12 &lt;of 300&gt;" in panel.result.text()
    assert_readable(panel.result)
    red = colours(panel.result)[0]
    assert red.red() > 1.5 * red.green() and red.red() > 1.5 * red.blue()  # still red
    panel._on_finished(panel._generation)  # the worker's end keeps the error on screen
    assert "Estimate failed" in panel.result.text()


def test_the_light_palette_keeps_its_grey(qapp):
    grey = hint_colour(qapp.palette())
    assert grey.red() == grey.green() == grey.blue()
    assert abs(grey.red() - TODAY.red()) <= 8
    assert f"color: {grey.name()}" in hint_span("words", qapp.palette())


def test_the_hints_follow_a_palette_switched_while_shown(qtbot, app_state):
    shown = [title(qtbot), likelihood(qtbot, app_state).result, anomaly_plots(qtbot).summary]
    with switched_to(dark_palette()):
        for label in shown:
            assert_readable(label)
    for label in shown:
        assert_readable(label)
