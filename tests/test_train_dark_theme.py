"""The Train tab's coloured words read on a dark theme as on a light one: the result of a run
(green, orange or red), the message under the form and the note beside Apply. Fixed for a light
window, they read at 2.4 to 2.6:1 on a dark palette's #353535 (WCAG AA asks 4.5:1 of text), and
the note's orange at 2.6:1."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication
from train_tab_support import make_tab

from vae_desktop.gui.tabs.train.job import RunSummary
from vae_desktop.gui.tabs.train.progress import run_report

AA = 4.5


def luminance(colour: QColor) -> float:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return (0.2126 * linear(colour.redF()) + 0.7152 * linear(colour.greenF())
            + 0.0722 * linear(colour.blueF()))


def contrast(a: QColor, b: QColor) -> float:
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def dark_palette() -> QPalette:
    """A dark Fusion palette, as dark-theme users set one (the audit's)."""
    p = QPalette()
    dark, base, text = QColor(53, 53, 53), QColor(35, 35, 35), QColor(220, 220, 220)
    for role, colour in ((QPalette.Window, dark), (QPalette.WindowText, text),
                         (QPalette.Base, base), (QPalette.AlternateBase, dark),
                         (QPalette.Text, text), (QPalette.Button, dark),
                         (QPalette.ButtonText, text), (QPalette.Link, QColor(42, 130, 218)),
                         (QPalette.Highlight, QColor(42, 130, 218)),
                         (QPalette.HighlightedText, QColor(Qt.black)),
                         (QPalette.PlaceholderText, QColor(140, 140, 140))):
        p.setColor(role, colour)
    return p


@pytest.fixture(params=["light", "dark"])
def palette(request, qapp):
    """The app's palette for the test (the style's own light one, or a dark one), restored
    after it."""
    before = QPalette(qapp.palette())
    if request.param == "dark":
        qapp.setPalette(dark_palette())
    yield request.param
    qapp.setPalette(before)


def shown_colour(label) -> tuple[QColor, QColor]:
    """The colour a label's words are drawn in, and the window colour behind them."""
    label.ensurePolished()
    palette = label.palette()
    return palette.color(label.foregroundRole()), palette.color(QPalette.Window)


def assert_readable(label) -> None:
    words, behind = shown_colour(label)
    assert contrast(words, behind) >= AA, (label.text()[:60], words.name(), behind.name())


def summary(status: str, message: str, epochs: int) -> RunSummary:
    return RunSummary(status=status, message=message, start_epoch=0, epochs_trained=epochs,
                      usable=epochs > 0, history=[{"test_loss": 150.0}] * epochs)


@pytest.mark.parametrize("status, message, epochs", [
    ("done", "", 2),
    ("stopped", "stopped during epoch 2; the model is kept as it was after epoch 1", 1),
    ("failed", "the loss became NaN or infinite at epoch 1, step 3", 0)])
def test_a_runs_result_reads_on_either_palette(qtbot, state, palette, status, message, epochs):
    tab = make_tab(qtbot, state)
    text, style = run_report(summary(status, message, epochs), kept=epochs > 0)
    tab.progress.set_result(text("vae"), style)
    assert_readable(tab.progress.result_label)


def test_the_message_under_the_form_reads_on_either_palette(qtbot, state, palette):
    tab = make_tab(qtbot, state)
    tab._refused("Epochs: 0 is below the smallest, 1.")  # a value a box did not take: red
    assert tab.message and assert_readable(tab.message_label) is None
    tab.field("batch_size").setValue(4096)  # larger than the training images: a warning
    tab.field("train_size").setValue(1000)
    assert tab.message and assert_readable(tab.message_label) is None


def test_the_note_beside_apply_reads_on_either_palette(qtbot, state, palette):
    tab = make_tab(qtbot, state)
    bar = tab.results.run_bar
    bar.set_note("β 2 from the next batch")
    assert_readable(bar.note_label)


def test_the_colours_follow_a_palette_switched_while_shown(qtbot, state, qapp):
    tab = make_tab(qtbot, state)
    text, style = run_report(summary("done", "", 2), kept=True)
    tab.progress.set_result(text("vae"), style)
    tab.results.run_bar.set_note("lr 0.01 from the next batch")
    before = QPalette(qapp.palette())
    try:
        qapp.setPalette(dark_palette())
        QApplication.processEvents()
        assert_readable(tab.progress.result_label)
        assert_readable(tab.results.run_bar.note_label)
    finally:
        qapp.setPalette(before)
    QApplication.processEvents()
    assert_readable(tab.progress.result_label)


def test_the_digits_of_a_running_run_read_on_either_palette(qtbot, state, palette):
    """While a run goes on the Digits row is off, its digits still saying which are in: each
    digit that is in reads against its box (on a dark palette they were light grey on a lighter
    grey, about 1.3:1), and its box stands out from the window less than an enabled one."""
    import re

    tab = make_tab(qtbot, state)
    row = tab.form.digits_row
    row.setEnabled(False)
    style = row.styleSheet() or row.boxes[0].styleSheet()
    rule = re.search(r"QToolButton:checked:disabled\s*\{([^}]*)\}", style).group(1)
    colours = dict(re.findall(r"(?<![-\w])(background|color)\s*:\s*([^;]+);", rule))
    window = row.palette().color(QPalette.Window)

    def colour(value: str) -> QColor:
        value = value.strip()
        match = re.fullmatch(r"palette\(([a-z-]+)\)", value)
        if match:
            role = {"midlight": QPalette.Midlight, "text": QPalette.Text,
                    "window": QPalette.Window, "highlight": QPalette.Highlight,
                    "mid": QPalette.Mid}[match.group(1)]
            return row.palette().color(QPalette.Active, role)  # what a style sheet reads
        return QColor(value)

    box, words = colour(colours["background"]), colour(colours["color"])
    assert contrast(words, box) >= AA, (words.name(), box.name())
    assert box != window  # an "in" digit is told from an "out" one
