"""Setting a plot's range so that one repaint shows it.

pyqtgraph applies a range change to the view's transform only when the view is next painted
(ViewBox.prepareForPaint). The items learn of the new transform there, in the middle of the
paint, and their changed geometry asks for a second paint of the scene: every change of range
was drawn twice. The live latent view and the loss plot change their range while a run trains,
on a GUI thread that shares two cores with training, so the transform is applied at once here;
the latent view does the same for the pans and zooms of the mouse (tests/test_view_range.py)."""

from __future__ import annotations

import pyqtgraph as pg


def set_view_range(view: pg.ViewBox, x: tuple[float, float] | None = None,
                   y: tuple[float, float] | None = None, padding: float = 0.0) -> None:
    """Show `x` and `y` (either may be None: that axis stays) in `view`, with `padding` (a
    share of each span), applied now rather than at the next paint."""
    view.setRange(xRange=x, yRange=y, padding=padding)
    apply_now(view)


def apply_now(view: pg.ViewBox) -> None:
    """Apply `view`'s range, as it changed, to its transform now rather than at the next paint.
    A view that pyqtgraph moves itself (a drag, a wheel turn) calls this on its range's change."""
    view.updateMatrix()
