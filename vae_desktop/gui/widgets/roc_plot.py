"""RocPlot: an ROC curve (false-positive rate against true-positive rate) with the chance diagonal,
the operating point of a threshold as a dot and the area under the curve (AUROC) in the title."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from vae_desktop.gui.widgets.plot_menus import menus_go_with

PLOT_BG = "#202124"
CURVE_COLOR = (255, 150, 50)
POINT_COLOR = (240, 80, 80)


class RocPlot(pg.PlotWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background=PLOT_BG, enableMenu=False)
        menus_go_with(self)
        self.setMouseEnabled(x=False, y=False)
        self.setAspectLocked(False)
        self.setLabel("bottom", "false-positive rate")
        self.setLabel("left", "true-positive rate")
        self.setToolTip("ROC curve of held-out against normal test digits: the dot is the "
                        "threshold. AUROC: the area under the curve, 0.5 is chance.")
        self.setAccessibleName("ROC curve")
        self.auc: float | None = None  # of the curve shown (None: none)
        self.show_message("")

    def _axes(self) -> None:
        self.clear()
        self.plot([0, 1], [0, 1], pen=pg.mkPen((150, 150, 150), width=1, style=Qt.DashLine))
        self.setXRange(0, 1, padding=0.02)
        self.setYRange(0, 1, padding=0.02)

    def show_message(self, text: str) -> None:
        """No curve, only the diagonal and `text` as the title."""
        self._axes()
        self.auc = None
        self.setTitle(f"<span style='font-size: 9pt'>{text}</span>" if text else "")

    def show_curve(self, fpr: np.ndarray, tpr: np.ndarray, auc: float,
                   point: tuple[float, float] | None = None) -> None:
        """`point`: (false-positive rate, true-positive rate) at the threshold."""
        self._axes()
        self.auc = auc
        self.plot(np.asarray(fpr), np.asarray(tpr), pen=pg.mkPen(CURVE_COLOR, width=2.5))
        if point is not None:
            self.plot([point[0]], [point[1]], pen=None, symbol="o", symbolSize=9,
                      symbolBrush=POINT_COLOR, symbolPen=pg.mkPen("w", width=1))
        # "AUROC", as the Evaluate tab's summary and outlier table say.
        self.setTitle(f"<span style='font-size: 9pt'>ROC curve · AUROC {auc:.3f}</span>")
