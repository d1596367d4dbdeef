"""A plot's right-click menu offers pyqtgraph's Export…, whose SVG choice failed on every plot:
Qt 6 writes the view's frame as a closed path ("M0,0 L10,0 L10,5 L0,5 Z"), and pyqtgraph
0.14.0's exporter reads each token of a path as a pair of numbers, so the "Z" raised ValueError
(pyqtgraph issue 3495). vae_desktop.gui.compat mends the exporter when a plot's menus are set up
(widgets.plot_menus)."""

from __future__ import annotations

import re
import xml.dom.minidom

import numpy as np
import pyqtgraph as pg
from pyqtgraph.exporters import SVGExporter
from PySide6.QtWidgets import QApplication

from vae_desktop.gui.widgets.gap_bars import GapBars, cut_brush
from vae_desktop.gui.widgets.plot_menus import menus_go_with

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


def test_a_pyqtgraph_that_reads_closed_paths_is_left_as_it_is(monkeypatch):
    """Where pyqtgraph reads a closed path itself (a release after 0.14.0), nothing is mended:
    the exporter's own function stays."""
    import importlib

    from vae_desktop.gui import compat

    module = importlib.import_module("pyqtgraph.exporters.SVGExporter")
    calls = []

    def reads_them(node, defs, item, options):
        calls.append(node.getElementsByTagName("path")[0].getAttribute("d"))

    monkeypatch.setattr(module, "correctCoordinates", reads_them)
    assert compat.close_svg_paths() is False
    assert module.correctCoordinates is reads_them
    assert calls == ["M0,0 L1,0 L1,1 Z"]  # asked once, on a closed path as Qt writes it
