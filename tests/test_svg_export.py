"""A plot's right-click menu offers pyqtgraph's Export…, whose SVG choice failed on every plot:
Qt 6 writes the view's frame as a closed path ("M0,0 L10,0 L10,5 L0,5 Z"), and pyqtgraph
0.14.0's exporter reads each token of a path as a pair of numbers, so the "Z" raised ValueError
(pyqtgraph issue 3495). widgets.svg_export mends the exporter when a plot's Export… dialog
opens; widgets.plot_menus sets that up before any plot is made."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
import xml.dom.minidom
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from pyqtgraph.exporters import SVGExporter
from PySide6.QtWidgets import QApplication

from vae_desktop.gui.widgets import svg_export
from vae_desktop.gui.widgets.gap_bars import GapBars, cut_brush
from vae_desktop.gui.widgets.plot_menus import menus_go_with

REPO = Path(__file__).resolve().parents[1]
HEIGHTS = np.array([5.0, 40.0, 20.0, 40.0, 0.0, 1.0, 2.0, 3.0, 4.0, 40.0])  # three cut at 40


def _plot(qtbot, bars: bool) -> pg.PlotWidget:
    view = pg.PlotWidget()
    qtbot.addWidget(view)
    menus_go_with(view)  # as every plot in the app is set up
    if bars:
        item = GapBars(10, top=40.0, colour="#8ab4f8")
        brush, cut = pg.mkBrush("#8ab4f8"), cut_brush("#8ab4f8")
        item.set_bars(HEIGHTS, [cut if h >= 40 else brush for h in HEIGHTS])
        view.addItem(item)
        view.setYRange(0, 42, padding=0)
    else:
        view.plot([1.0, 5.0, 2.0, 4.0])
    view.resize(400, 300)
    view.show()
    QApplication.processEvents()
    return view


def _export(view: pg.PlotWidget, path) -> tuple[xml.dom.minidom.Document, float, float]:
    svg_export.close_svg_paths()  # as the Export… dialog does when it opens
    exporter = SVGExporter(view.getPlotItem())
    exporter.export(str(path))
    document = xml.dom.minidom.parseString(path.read_text(encoding="utf-8"))
    return document, exporter.params["width"], exporter.params["height"]


def _points(data: str) -> np.ndarray:
    """The (x, y) pairs of a path's data, its commands' letters dropped; a close command
    ("Z") must stand alone."""
    pairs = []
    for token in data.split():
        if token in ("Z", "z"):
            continue
        assert not token.upper().startswith("Z"), data  # no numbers given to a close
        pairs.append([float(v) for v in re.sub(r"^[A-Za-z]", "", token).split(",")])
    return np.array(pairs)


def test_a_plot_exports_as_svg_with_its_frame_closed_and_in_the_picture(qtbot, tmp_path):
    document, width, height = _export(_plot(qtbot, bars=False), tmp_path / "curve.svg")
    paths = [p.getAttribute("d") for p in document.getElementsByTagName("path")]
    closed = [d for d in paths if d.rstrip().endswith("Z")]
    assert closed  # the view's frame
    for d in paths:
        points = _points(d)
        assert np.isfinite(points).all()
    frame = _points(closed[0])  # moved into the picture's coordinates, not left in the view's
    assert (frame[:, 0] >= -1).all() and (frame[:, 0] <= width + 1).all()
    assert (frame[:, 1] >= -1).all() and (frame[:, 1] <= height + 1).all()


def test_a_bar_chart_exports_its_bars(qtbot, tmp_path):
    document, width, height = _export(_plot(qtbot, bars=True), tmp_path / "bars.svg")
    group = next(g for g in document.getElementsByTagName("g")
                 if g.getAttribute("id").startswith("GapBars"))
    # The three bars cut at the top are pictures; the six others filled and outlined.
    assert len(group.getElementsByTagName("image")) == 3
    rects = group.getElementsByTagName("rect")
    filled = [r for r in rects if not r.getAttribute("vector-effect")]
    assert len(filled) == 6
    heights = sorted(float(r.getAttribute("height")) for r in filled)
    # Heights 1, 2, 3, 4, 5 and 20 of 42 on the axis: in proportion, to a pixel.
    assert np.allclose(np.array(heights) / heights[-1], [1 / 20, 2 / 20, 3 / 20, 4 / 20, 5 / 20, 1],
                       atol=0.03)
    for r in filled:
        assert 0 <= float(r.getAttribute("x")) <= width
        assert 0 <= float(r.getAttribute("y")) <= height


def test_a_plots_export_action_mends_the_exporter_as_its_dialog_opens(qtbot, monkeypatch):
    view = _plot(qtbot, bars=False)
    scene = view.scene()
    mended = []
    monkeypatch.setattr(svg_export, "close_svg_paths", lambda: mended.append(True))
    scene.contextMenuItem = view.getPlotItem().vb  # as a right-click on the plot leaves it
    export_action = scene.contextMenu[0]
    assert export_action.text() == "Export..."
    export_action.trigger()
    try:
        assert mended == [True]
        assert scene.exportDialog.isVisible()
    finally:
        scene.exportDialog.close()


def test_a_pyqtgraph_that_reads_closed_paths_is_left_as_it_is(monkeypatch):
    """Where pyqtgraph reads a closed path itself (a release after 0.14.0), nothing is mended:
    the exporter's own function stays."""
    module = importlib.import_module("pyqtgraph.exporters.SVGExporter")
    calls = []

    def reads_them(node, defs, item, options):
        calls.append(node.getElementsByTagName("path")[0].getAttribute("d"))

    monkeypatch.setattr(module, "correctCoordinates", reads_them)
    assert svg_export.close_svg_paths() is False
    assert module.correctCoordinates is reads_them
    assert calls == ["M0,0 L1,0 L1,1 Z"]  # asked once, on a closed path as Qt writes it


# Every scene the app's window makes, in a process of its own (this one has imported the widgets
# already): whether its Export… action was connected to the mending dialog.
EVERY_SCENE = r"""
import os, sys, tempfile
os.environ["VAE_DESKTOP_DATA_DIR"] = tempfile.mkdtemp()
import pyqtgraph as pg
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
made = []
init = pg.GraphicsScene.__init__
def recording_init(self, *args, **kwargs):
    init(self, *args, **kwargs)
    made.append(getattr(type(self).showExportDialog, "mends_svg", False))
pg.GraphicsScene.__init__ = recording_init
QSettings.setDefaultFormat(QSettings.IniFormat)
QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, tempfile.mkdtemp())
app = QApplication([])
from vae_desktop.gui.main_window import TABS, MainWindow
window = MainWindow()
window.show()
for title, _ in TABS:
    window.show_tab(title)
    app.processEvents()
print(len(made), made.count(True))
"""


def test_every_scene_of_the_window_opens_the_mending_dialog():
    done = subprocess.run([sys.executable, "-c", EVERY_SCENE], capture_output=True, text=True,
                          timeout=180, cwd=REPO)
    assert done.returncode == 0, done.stderr[-3000:]
    made, mending = map(int, done.stdout.split()[-2:])
    assert made >= 10  # the tabs' plots and image views
    assert mending == made
