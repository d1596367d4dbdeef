"""Evaluate tab at 1280x720 (a client area of 1264x672): the held-out boxes' labels keep off
their boxes, the held-out summary reads in two lines, the outliers' examples sit in the middle
of their column, and the log-likelihood bar says how far it is and how long is left.

The audit: "Epochs" touched its box ("Epochs2"); the summary wrapped to three lines, the last
one "ELBO)" alone; the outlier thumbnails sat at the left of a wide Example column; the
log-likelihood bar had no text, its time left only in a tooltip."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QTextDocument
from small_test_set import use_test_digits

from vae_desktop.core.anomaly import run_experiment
from vae_desktop.gui.main_window import MainWindow
from vae_desktop.gui.tabs.evaluate.anomaly_panel import Detector
from vae_desktop.gui.tabs.evaluate.tab import EvaluateTab

N = 300


@pytest.fixture
def window(qtbot, app_state, mnist_test, monkeypatch):
    use_test_digits(app_state, mnist_test, monkeypatch, N)
    app_state.set_active(app_state.find_model(conditional=False, latent_dim=16))
    win = MainWindow(state=app_state, tabs=[("Evaluate", EvaluateTab)])
    qtbot.addWidget(win)
    tab = win.tab_widgets["Evaluate"]
    with qtbot.waitSignal(tab.evaluated, timeout=60_000):
        win.show()
    win.resize(1264, 672)
    qtbot.waitUntil(lambda: tab.width() >= 1200)
    yield win
    assert tab.shutdown()


def held_out_result(tab, mnist_train_small, mnist_test):
    """A held-out 2 result on screen, named as a held-out run names its model."""
    model = tab.state.active.model
    result = run_experiment(model, mnist_train_small[0][:N], mnist_test[0][:N],
                            mnist_test[1][:N], (2,), outlier_count=50)
    panel = tab.anomaly
    # As the active model's detector: a held-out model not kept would be asked about on close.
    panel.detector = Detector(model, "model without 2 (10 epochs)", None, (2,), [], {},
                              source=tab.state.active)
    panel._show(result)
    return result


def lines(label) -> int:
    """How many lines `label`'s rich text takes at its width."""
    doc = QTextDocument()
    doc.setDefaultFont(label.font())
    doc.setHtml(label.text())
    doc.setDocumentMargin(0)
    doc.setTextWidth(label.contentsRect().width())
    doc.size()  # lays it out
    block, count = doc.begin(), 0
    while block.isValid():
        count += block.layout().lineCount()
        block = block.next()
    return count


def right_of(widget, root) -> int:
    return widget.mapTo(root, QPoint(widget.width(), 0)).x()


def left_of(widget, root) -> int:
    return widget.mapTo(root, QPoint(0, 0)).x()


def test_the_held_out_boxes_and_summary_at_1280x720(qtbot, window, mnist_train_small,
                                                   mnist_test):
    tab = window.tab_widgets["Evaluate"]
    controls = tab.anomaly.controls
    label, box = controls.epochs_label, controls.epochs_spin
    assert label.width() >= label.sizeHint().width()  # the whole word
    assert left_of(box, tab) - right_of(label, tab) >= 6  # not "Epochs2"
    assert label.buddy() is box
    held_out_result(tab, mnist_train_small, mnist_test)
    qtbot.wait(20)  # the label takes its new height
    summary = tab.anomaly.summary
    assert lines(summary) <= 2, summary.text()
    window.resize(1904, 1032)
    qtbot.waitUntil(lambda: tab.width() >= 1800)
    assert lines(summary) <= 2
    # Beside its box at 1920x1080 too, not stranded halfway along the row.
    assert 6 <= left_of(box, tab) - right_of(label, tab) <= 12
    assert label.width() <= label.sizeHint().width() + 2  # the word ends where its label does


def test_the_outlier_examples_sit_in_the_middle_of_their_column(window):
    table = window.tab_widgets["Evaluate"].anomaly.outlier_table
    middle = table.columnViewportPosition(0) + table.columnWidth(0) / 2
    for row, view in enumerate(window.tab_widgets["Evaluate"].anomaly.plots.outlier_views.values()):
        cell = table.cellWidget(row, 0)
        centre = view.mapTo(table.viewport(), QPoint(view.width() // 2, 0)).x()
        assert abs(centre - middle) <= 1.5, (row, centre, middle, cell.width())


def test_the_log_likelihood_bar_says_how_far_and_how_long(window, monkeypatch):
    panel = window.tab_widgets["Evaluate"].likelihood
    clock = [1000.0]
    monkeypatch.setattr("vae_desktop.gui.tabs.evaluate.likelihood_panel.time.perf_counter",
                        lambda: clock[0])
    panel.k_combo.setCurrentIndex(panel.k_combo.findData(5000))
    panel.start()
    bar = panel.progress
    assert bar.isVisible() and bar.isTextVisible()
    generation = panel._generation
    panel._on_progress(0.004, generation)
    assert bar.text() == "0%"  # too soon to tell the time left
    clock[0] += 74.0  # 37% after 74 s: about 126 s to go
    panel._on_progress(0.37, generation)
    assert bar.text() == "37% · about 2 min left"
    clock[0] += 100.0
    panel._on_progress(0.9, generation)  # 174 s for 90%: 19 s to go
    assert bar.text() == "90% · about 19 s left"
    assert bar.width() >= bar.fontMetrics().horizontalAdvance(bar.text()) + 8  # not cut
    panel.stop()
