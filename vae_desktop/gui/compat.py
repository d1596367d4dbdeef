"""Work-arounds for bugs in the Qt bindings, applied once when vae_desktop.gui is imported.

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
import sys

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
