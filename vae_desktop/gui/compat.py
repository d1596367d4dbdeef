"""Work-arounds for bugs in the Qt bindings and pyqtgraph: protect_none_refcount is applied once
when vae_desktop.gui is imported, close_svg_paths when a plot's menus are set up
(widgets.plot_menus).

PySide6 6.12.0 on Python 3.11 returns None from every void method (setText, update, QPainter
calls, processEvents, ...) without taking a reference to it, so each call lowers None's
reference count by one. pyqtgraph makes thousands of such calls a second while painting, and
within seconds to minutes the count reaches zero and Python aborts with "Fatal Python error:
none_dealloc: deallocating None". Python 3.12 made None immortal (PEP 683), which hides the bug
there. pyproject.toml keeps pip below 6.12; for an environment that has 6.12 anyway (a system
package, a user's own venv) we give None the 3.12 treatment by raising its count beyond reach.
"""

from __future__ import annotations

import ctypes
import importlib
import re
import sys
import xml.dom.minidom

_IMMORTAL_BOOST = 1 << 60  # ~1e18 calls: never reached


def protect_none_refcount() -> bool:
    """Make None effectively immortal on CPython < 3.12 with PySide6 6.12; returns whether
    anything was done."""
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    import PySide6

    if tuple(PySide6.__version_info__[:2]) != (6, 12):
        return False
    refcount = ctypes.c_ssize_t.from_address(id(None))  # ob_refcnt is PyObject's first field
    if refcount.value < _IMMORTAL_BOOST // 2:
        refcount.value += _IMMORTAL_BOOST
    return True


# A path's close command, standing alone in its data ("... L0,5 Z"), and what it becomes below
# while pyqtgraph reads the data: a close command given a pair of numbers.
_CLOSE = re.compile(r"(?<!\S)([Zz])(?!\S)")
_CLOSE_WITH_NUMBERS = re.compile(r"([Zz])[^\sZz]*")


def close_svg_paths() -> bool:
    """Mends pyqtgraph's SVG export (a plot's Export… > SVG) for Qt 6, which writes a plot's
    frame, like any outlined rectangle, as a closed path: "M0,0 L10,0 L10,5 L0,5 Z". pyqtgraph
    0.14.0 moves each path into the picture's coordinates by reading every token of its data as
    a pair of numbers, and the "Z" raised ValueError: no plot could be exported as SVG (pyqtgraph
    issue 3495). Here each "Z" is given a pair to read, and after the move it stands alone
    again. Importing the exporters takes about 5 ms. Returns whether the exporter was mended now
    (False: already, or no such exporter)."""
    try:  # the module: pyqtgraph.exporters' own name SVGExporter is the exporter's class
        exporter = importlib.import_module("pyqtgraph.exporters.SVGExporter")
    except ImportError:
        return False
    correct = getattr(exporter, "correctCoordinates", None)
    if correct is None or getattr(correct, "closes_paths", False) or _reads_closed_paths(correct):
        return False  # mended already, or by pyqtgraph itself

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
    group = xml.dom.minidom.parseString(
        '<g><g transform="matrix(1,0,0,1,0,0)"><path d="M0,0 L1,0 L1,1 Z"/></g></g>')
    try:
        correct(group.documentElement, [], None, {})
    except ValueError:
        return False
    return True
