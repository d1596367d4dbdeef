"""pyqtgraph's Export… as SVG, mended for Qt 6 (pyqtgraph issue 3495).

Qt 6 writes a plot's frame, like any outlined rectangle, as a closed path: "M0,0 L10,0 L10,5
L0,5 Z". pyqtgraph 0.14.0 moves each path into the picture's coordinates by reading every token
of its data as a pair of numbers, and the "Z" raised ValueError: no plot could be exported as SVG.
`close_svg_paths` gives each "Z" a pair to read while the exporter moves the paths, and takes it
away after; it mends only an exporter that fails on a closed path it is given first, so a
pyqtgraph that reads them keeps its own.

Importing pyqtgraph's exporters takes about 5 ms, so the mend waits for a plot's Export… dialog
(`mend_when_exporting`, which widgets.plot_menus applies before any plot is made) rather than
adding to every start.
"""

from __future__ import annotations

import importlib
import re

import pyqtgraph as pg

# A path's close command, standing alone in its data ("... L0,5 Z"), and what it becomes below
# while pyqtgraph reads the data: a close command given a pair of numbers.
_CLOSE = re.compile(r"(?<!\S)([Zz])(?!\S)")
_CLOSE_WITH_NUMBERS = re.compile(r"([Zz])[^\sZz]*")


def close_svg_paths() -> bool:
    """Mends pyqtgraph's SVG exporter where it cannot read a closed path. Returns whether it was
    mended now (False: already, by pyqtgraph itself, or no such exporter)."""
    try:  # the module: pyqtgraph.exporters' own name SVGExporter is the exporter's class
        exporter = importlib.import_module("pyqtgraph.exporters.SVGExporter")
    except ImportError:
        return False
    correct = getattr(exporter, "correctCoordinates", None)
    if correct is None or getattr(correct, "closes_paths", False) or _reads_closed_paths(correct):
        return False

    def correct_coordinates(node, *args, **kwargs):
        paths = node.getElementsByTagName("path")
        for path in paths:
            data = path.getAttribute("d")
            if _CLOSE.search(data):
                path.setAttribute("d", _CLOSE.sub(r"\g<1>0,0", data))
        try:
            return correct(node, *args, **kwargs)
        finally:
            for path in paths:
                data = path.getAttribute("d")
                if _CLOSE_WITH_NUMBERS.search(data):
                    path.setAttribute("d", _CLOSE_WITH_NUMBERS.sub(r"\g<1>", data))

    correct_coordinates.closes_paths = True
    exporter.correctCoordinates = correct_coordinates
    return True


def _reads_closed_paths(correct) -> bool:
    """Whether pyqtgraph's `correctCoordinates` reads a closed path as it is: asked on a group
    like the exporter's own, with no gradients (the only use of its item) and no options."""
    import xml.dom.minidom  # the exporter's own reader, imported with it

    group = xml.dom.minidom.parseString(
        '<g><g transform="matrix(1,0,0,1,0,0)"><path d="M0,0 L1,0 L1,1 Z"/></g></g>')
    try:
        correct(group.documentElement, [], None, {})
    except ValueError:
        return False
    return True


def mend_when_exporting() -> None:
    """Has every plot's Export… dialog mend the SVG exporter as it opens. A scene connects its
    Export… action to `showExportDialog` when it is made, so this must come first."""
    scene = pg.GraphicsScene
    show = scene.showExportDialog
    if getattr(show, "mends_svg", False):
        return

    def show_export_dialog(self, *args, **kwargs):
        close_svg_paths()
        return show(self, *args, **kwargs)

    show_export_dialog.mends_svg = True
    scene.showExportDialog = show_export_dialog
