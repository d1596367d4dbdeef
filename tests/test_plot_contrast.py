"""The plots' coloured words read at WCAG AA (4.5:1 for text) on the light palette and on a dark
one, and after a theme switched while they are shown (this module: Evaluate's per-digit table;
test_plot_contrast_sweep.py: the Sweep plots' title key; test_plot_contrast_axes.py: the axes).

The audit (keyboard-only, screen reader, dark theme) found Evaluate's per-digit table writing
the never-seen digit's row in the histogram's orange (255, 150, 50): 2.2:1 on the light table.
The plot's mark keeps its bright colour; the words take the same hue, as dark or as light as the
palette needs. The Rec+KL column's orange tint (deeper for the harder digits) left the words on
the hardest digits' cells at 3.7:1 on a dark palette: the deepest tint is now as deep as the
palette lets the words read at 4.5:1."""

from __future__ import annotations

import pytest
from palette_support import AA, dark_palette, switched_to
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QVBoxLayout, QWidget

from vae_desktop.core.evaluation import evaluate_model, reconstruct
from vae_desktop.core.evaluation import test_inputs as scored_inputs
from vae_desktop.gui.tabs.evaluate.report_view import DIGIT_COLOR, UNSEEN_MARK, ReportView
from vae_desktop.gui.widgets.tones import contrast

N = 300
HELD_OUT = 2


def in_window(qtbot, widget: QWidget, size=(1000, 640)) -> QWidget:
    """`widget` alone in a plain window (no style sheet), shown."""
    window = QWidget()
    qtbot.addWidget(window)
    QVBoxLayout(window).addWidget(widget)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    widget.test_window = window  # kept alive with the widget (qtbot holds it weakly)
    return widget


def same_hue(a: QColor, b: QColor, degrees: float = 6.0) -> bool:
    """Whether `a` is `b`'s hue, saturated as `b` is (a darker or lighter shade of it)."""
    ha, hb = a.hslHueF() * 360, b.hslHueF() * 360
    gap = min(abs(ha - hb), 360 - abs(ha - hb))
    return gap <= degrees and abs(a.hslSaturationF() - b.hslSaturationF()) <= 0.1


# ------------------------------------------------------------------ Evaluate's per-digit table
@pytest.fixture(scope="module")
def report(bundled, mnist_test):
    """The bundled z16 model's report on the first 300 test digits."""
    model = bundled["mnist-vae-z16"].model.eval()
    images, labels = mnist_test[0][:N], mnist_test[1][:N]
    return model, scored_inputs(model, images), evaluate_model(model, images, labels)


def shown_report(qtbot, report) -> ReportView:
    model, images, result = report
    view = in_window(qtbot, ReportView())
    view.show_report(result, images, lambda x, y: reconstruct(model, x, y), unseen=(HELD_OUT,))
    return view


def unseen_item(view: ReportView):
    table = view.table
    items = [table.item(r, 0) for r in range(table.rowCount())]
    marked = [item for item in items if item.text().endswith(UNSEEN_MARK)]
    assert [item.text() for item in marked] == [f"{HELD_OUT}{UNSEEN_MARK}"]
    return marked[0]


def assert_unseen_row_readable(view: ReportView) -> None:
    """The held-out digit's words read on the table's rows, plain or alternate, and are the
    histogram's orange, darkened or lightened."""
    words = unseen_item(view).foreground().color()
    palette = view.table.palette()
    for role in (QPalette.Base, QPalette.AlternateBase):
        behind = palette.color(role)
        assert contrast(words, behind) >= AA, (words.name(), behind.name())
    assert same_hue(words, QColor(*DIGIT_COLOR)), words.name()


def test_the_never_seen_digit_reads_in_the_table_on_either_palette(qtbot, report, palette):
    view = shown_report(qtbot, report)
    assert_unseen_row_readable(view)


def test_the_never_seen_digit_follows_a_palette_switched_while_shown(qtbot, report):
    view = shown_report(qtbot, report)
    light = unseen_item(view).foreground().color()
    with switched_to(dark_palette()):
        assert_unseen_row_readable(view)
        assert unseen_item(view).foreground().color() != light  # lighter on the dark table
    assert_unseen_row_readable(view)
    assert unseen_item(view).foreground().color() == light
    # Sorting moves the row, and it keeps its colour.
    view.table.sortItems(2)
    assert_unseen_row_readable(view)


def test_the_histogram_keeps_the_bright_orange_for_the_digit(qtbot, report):
    """The plot's mark of the held-out digit stays the bright orange: only the words change."""
    view = shown_report(qtbot, report)
    view.table.selectRow(next(r for r in range(10) if view.table.item(r, 0) is unseen_item(view)))
    title = view.hist_plot.getPlotItem().titleLabel.text
    assert f"digit&nbsp;{HELD_OUT}" in title
    assert "#{:02x}{:02x}{:02x}".format(*DIGIT_COLOR) in title


def composite(fill: QColor, behind: QColor) -> QColor:
    """`fill` (with its alpha) painted over the opaque `behind`."""
    share = fill.alphaF()
    return QColor.fromRgbF(*(share * a + (1 - share) * b for a, b in (
        (fill.redF(), behind.redF()), (fill.greenF(), behind.greenF()),
        (fill.blueF(), behind.blueF()))))


def assert_tints_readable(view: ReportView) -> None:
    """Every Rec+KL cell's words read on its tint, over a plain row or an alternate one; the
    hardest digit's tint is the deepest."""
    table, palette = view.table, view.table.palette()
    words = palette.color(QPalette.Text)
    cells = [table.item(r, 2) for r in range(table.rowCount())]
    tints = [cell.background().color() for cell in cells]
    assert all(tint.alpha() > 0 for tint in tints)
    for cell, tint in zip(cells, tints, strict=True):
        for role in (QPalette.Base, QPalette.AlternateBase):
            behind = composite(tint, palette.color(role))
            assert contrast(words, behind) >= AA, (cell.text(), tint.alpha(), behind.name())
    hardest = max(range(len(cells)), key=lambda i: cells[i].value)
    easiest = min(range(len(cells)), key=lambda i: cells[i].value)
    assert tints[hardest].alpha() == max(t.alpha() for t in tints) > tints[easiest].alpha()


def test_the_tinted_column_reads_on_either_palette(qtbot, report, palette):
    assert_tints_readable(shown_report(qtbot, report))


def test_the_tinted_column_follows_a_palette_switched_while_shown(qtbot, report):
    view = shown_report(qtbot, report)
    with switched_to(dark_palette()):
        assert_tints_readable(view)
    assert_tints_readable(view)
