"""Evaluate tab exports: the report as CSV (the per-digit table and the headline figures), the
anomaly result as JSON (what `vae-desktop anomaly --json` prints) or CSV, and each plot as PNG
from its context menu, all through the one save step (gui.save_dialog, on
model_files.ask_save_path) and written whole or not at all.

The bug: nothing on the tab could be saved, and File > Export plot as PNG… on this tab saved the
Train tab's loss plot."""

from __future__ import annotations

import csv
import json

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from small_test_set import evaluated_tab

from vae_desktop.gui import save_dialog
from vae_desktop.gui.tabs.evaluate import exports
from vae_desktop.gui.widgets.hint_text import plain_text

N = 300


@pytest.fixture
def tab(qtbot, app_state, mnist_test, monkeypatch):
    tab = evaluated_tab(qtbot, app_state, mnist_test, monkeypatch, N)
    yield tab
    assert tab.shutdown()


def answering(monkeypatch, path):
    """The save dialog answers `path`; returns what it was asked (suggested name, filters)."""
    asked = []

    def ask(parent, suggested, title, filters):
        asked.append((suggested, title, filters))
        return str(path)

    monkeypatch.setattr(save_dialog, "ask_save_path", ask)
    return asked


def read_csv(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    notes = [line for line in lines if line.startswith("#")]
    rows = list(csv.reader(line for line in lines if not line.startswith("#")))
    return notes, rows


def test_the_report_exports_as_csv(qtbot, tab, monkeypatch, tmp_path):
    button = tab.export_report_button
    assert button.isEnabled() and plain_text(button.toolTip()).endswith(".")
    asked = answering(monkeypatch, tmp_path / "report.csv")
    said = []
    tab.state.status_message.connect(lambda text, _ms: said.append(text))
    qtbot.mouseClick(button, Qt.LeftButton)
    suggested, _title, filters = asked[0]
    assert suggested.endswith(".csv") and filters.startswith("CSV files (*.csv)")
    report = tab.report
    notes, rows = read_csv(tmp_path / "report.csv")
    text = "\n".join(notes)
    assert tab.state.active.name in text
    assert f"{report.test_loss:.4f}" in text and f"{report.kl:.4f}" in text
    assert f"{report.count}" in text and "sampled z" in text
    header, body = rows[0], rows[1:]
    assert header[:3] == ["digit", "images", "reconstruction_plus_kl_at_mu"]
    assert len(body) == 10
    for row, digit in zip(body, report.per_digit, strict=True):
        values = dict(zip(header, row, strict=True))
        assert int(values["digit"]) == digit.digit and int(values["images"]) == digit.count
        assert float(values["reconstruction_plus_kl_at_mu"]) == pytest.approx(digit.loss, abs=1e-4)
        assert float(values["ssim"]) == pytest.approx(digit.ssim, abs=1e-5)
        assert values["seen_in_training"] == "yes"
    assert any(str(tmp_path / "report.csv") in text for text in said)


def test_the_anomaly_result_exports_as_json_and_csv(qtbot, tab, monkeypatch, tmp_path):
    panel = tab.anomaly
    button = panel.export_button
    assert not button.isEnabled() and plain_text(button.toolTip()).endswith(".")
    with qtbot.waitSignal(panel.result_shown, timeout=60_000):
        panel.score_active()
    assert button.isEnabled()
    asked = answering(monkeypatch, tmp_path / "anomaly.json")
    qtbot.mouseClick(button, Qt.LeftButton)
    assert "JSON files (*.json)" in asked[0][2] and "CSV files (*.csv)" in asked[0][2]
    saved = json.loads((tmp_path / "anomaly.json").read_text(encoding="utf-8"))
    expected = json.loads(json.dumps(panel.result.to_dict()))  # what `anomaly --json` prints
    assert saved.pop("model") == panel.detector.name and saved == expected
    answering(monkeypatch, tmp_path / "anomaly.csv")
    qtbot.mouseClick(button, Qt.LeftButton)
    _notes, rows = read_csv(tmp_path / "anomaly.csv")
    figures = dict(rows[1:])
    assert rows[0] == ["figure", "value"]
    assert float(figures["threshold"]) == pytest.approx(panel.result.threshold, abs=1e-4)
    assert float(figures["outliers.rotated.flagged"]) == pytest.approx(
        panel.result.outlier_flagged["rotated"], abs=1e-6)
    assert figures["model"] == panel.detector.name


@pytest.mark.parametrize("which", ["report", "anomaly", "roc"])
def test_each_plot_saves_as_png_from_its_menu(tab, monkeypatch, tmp_path, which):
    plot = {"report": tab.report_view.hist_plot, "anomaly": tab.anomaly.plots.hist_plot,
            "roc": tab.anomaly.plots.roc_plot}[which]
    assert plot.contextMenuPolicy() == Qt.ActionsContextMenu
    action = next(a for a in plot.actions() if a.text() == "Save plot as PNG…")
    assert action.toolTip().endswith(".")
    answering(monkeypatch, tmp_path / f"{which}.png")
    action.trigger()
    with Image.open(tmp_path / f"{which}.png") as image:
        assert image.format == "PNG" and image.width >= plot.width()
        assert image.height >= plot.height()
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]  # written whole


def test_a_right_click_on_a_plot_opens_its_menu(qtbot, tab):
    """pyqtgraph's own menu is off on these plots (no zooming by accident); the right-click
    still reaches Qt's context menu."""
    from PySide6.QtCore import QPoint, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    plot = tab.anomaly.plots.roc_plot
    seen = []

    def look():
        menu = QApplication.activePopupWidget()
        if menu is not None:
            seen.append([action.text() for action in menu.actions()])
            menu.close()

    QTimer.singleShot(200, look)
    where = plot.mapTo(tab.window(), QPoint(plot.width() // 2, plot.height() // 2))
    QTest.mouseClick(tab.window().windowHandle(), Qt.RightButton, pos=where)
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    assert seen == [["Save plot as PNG…"]]


def test_a_file_that_cannot_be_written_is_said_in_words(qtbot, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    answering(monkeypatch, tmp_path / "no-such-folder" / "report.csv")
    message = exports.save_with_dialog(parent, "report.csv", "Export report as CSV",
                                       exports.CSV_FILTER,
                                       lambda path: exports.write_text(path, "digit\n"))
    assert message.startswith("Could not save report.csv: ") and message.endswith(
        "Choose another folder or name and try again.")
    assert not (tmp_path / "no-such-folder").exists()
    monkeypatch.setattr(save_dialog, "ask_save_path", lambda *args: "")  # cancelled
    assert exports.save_with_dialog(parent, "report.csv", "Export", exports.CSV_FILTER,
                                    lambda path: pytest.fail("written")) is None
