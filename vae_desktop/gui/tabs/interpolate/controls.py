"""The Interpolate tab's settings: the walk (steps, how labels are set for a conditional model,
the GIF's path and frame time, the export buttons) and the plot of each frame's distance from
the origin."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from vae_desktop.core import interpolation as interp
from vae_desktop.gui.widgets import tones
from vae_desktop.gui.widgets.hint_text import HINT_COLOUR
from vae_desktop.gui.widgets.plot_grid import readable_axes
from vae_desktop.gui.widgets.plot_menus import menus_go_with
from vae_desktop.gui.widgets.range_spin import RangeSpinBox
from vae_desktop.gui.widgets.tones import readable

DIGITS = 10
PATHS = (("linear", "Linear (lerp)"), ("spherical", "Spherical (slerp)"))
PNG_TIP = "Save both strips, linear above spherical"
GIF_TIP = "Save the chosen path as an animation, A to B and back"
NOTHING_TO_EXPORT = ("Nothing to export yet: both ends need a code (see the red line above the "
                     "strips).")


class WalkSettings(QGroupBox):
    """Frames, label mode, GIF settings and the export buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Walk", parent)
        form = QFormLayout(self)
        self.steps_spin = RangeSpinBox("Frames")  # the tab says what it refused
        self.steps_spin.setRange(interp.MIN_STEPS, interp.MAX_STEPS)
        self.steps_spin.setValue(10)
        self.steps_spin.setToolTip("Frames from A to B, both ends included (2 to 30)")
        form.addRow("Frames", self.steps_spin)
        self.blend_radio = QRadioButton("Blend A → B")
        self.blend_radio.setToolTip("Mix the two ends' one-hot labels with the same ratio as the codes")
        self.fixed_radio = QRadioButton("Fixed")
        self.fixed_radio.setToolTip("Decode every frame with one label")
        self.blend_radio.setChecked(True)
        self.label_mode = QButtonGroup(self)
        self.label_mode.addButton(self.blend_radio)
        self.label_mode.addButton(self.fixed_radio)
        self.fixed_combo = QComboBox()
        for d in range(DIGITS):
            self.fixed_combo.addItem(str(d), d)
        self.fixed_combo.setToolTip("The label every frame is decoded with")
        self.fixed_combo.setAccessibleName("Fixed label")
        # Picking a label means decoding every frame with it.
        self.fixed_combo.currentIndexChanged.connect(lambda _: self.fixed_radio.setChecked(True))
        self.labels_row = QWidget()
        row = QHBoxLayout(self.labels_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.blend_radio)
        row.addWidget(self.fixed_radio)
        row.addWidget(self.fixed_combo)
        row.addStretch(1)
        self.labels_caption = QLabel("Labels")
        form.addRow(self.labels_caption, self.labels_row)
        self.frame_ms = RangeSpinBox("The GIF's frame time")
        self.frame_ms.setRange(20, 2000)
        self.frame_ms.setSingleStep(20)
        self.frame_ms.setValue(120)
        self.frame_ms.setSuffix(" ms")
        self.frame_ms.setToolTip("How long the GIF shows each frame")
        self.frame_ms.setAccessibleName("GIF frame time")
        self.gif_path = QComboBox()
        for key, text in PATHS:
            self.gif_path.addItem(text.split(" ")[0], key)
        self.gif_path.setCurrentIndex(1)
        self.gif_path.setToolTip("Which path the GIF walks (there and back)")
        gif_row = QHBoxLayout()
        gif_row.addWidget(self.gif_path, 1)
        gif_row.addWidget(self.frame_ms, 1)
        gif_caption = QLabel("GIF")
        gif_caption.setBuddy(self.gif_path)  # "GIF", for a screen reader: the path it walks
        form.addRow(gif_caption, gif_row)
        buttons = QHBoxLayout()
        self.png_button = QPushButton("Export PNG…")
        self.gif_button = QPushButton("Export GIF…")
        buttons.addWidget(self.png_button)
        buttons.addWidget(self.gif_button)
        form.addRow(buttons)
        self.set_exportable(False)

    def set_exportable(self, exportable: bool) -> None:
        """The export buttons work only while there are strips to export."""
        for button, tip in ((self.png_button, PNG_TIP), (self.gif_button, GIF_TIP)):
            button.setEnabled(exportable)
            button.setToolTip(tip if exportable else NOTHING_TO_EXPORT)

    def set_conditional(self, conditional: bool) -> None:
        self.labels_row.setVisible(conditional)
        self.labels_caption.setVisible(conditional)

    @property
    def blending(self) -> bool:
        return self.blend_radio.isChecked()

    @property
    def fixed_label(self) -> int:
        return int(self.fixed_combo.currentData())


# The two paths' colours, as on a white window: the title names each line in its colour, and
# both are made as dark (light window) or as light (dark one) as text must be to read there.
PATH_COLOURS = {"linear": "#e8710a", "spherical": "#1a73e8"}
TITLE = ("‖z‖: <span style='color:{linear}'>linear</span> · "
         "<span style='color:{spherical}'>spherical</span>")
# Both paths at the same distance from the origin all the way (two frames, or ends on one line
# through the origin): one line hides the other.
SAME_TITLE = ("‖z‖: <span style='color:{linear}'>linear</span> and "
              "<span style='color:{spherical}'>spherical</span> coincide")
NORM_NOTE = ("Each frame's distance from the origin. Most of a Gaussian's mass lies near a "
             "shell around it: the straight path cuts inside, the spherical one keeps to it.")


class NormPlot(pg.PlotWidget):
    """|z| of each frame along both paths."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, enableMenu=False)
        menus_go_with(self)
        self.setBackground(None)
        self._title = TITLE
        self.setMouseEnabled(False, False)
        self.hideButtons()
        self.setMinimumSize(200, 180)
        self.setLabel("bottom", "t")
        # Room at the right for the "1" under the path's end, which pyqtgraph would drop as
        # overflowing when the plot is narrow.
        self.getAxis("bottom").setStyle(hideOverlappingLabels=False)
        self.getPlotItem().setContentsMargins(0, 0, 10, 0)
        self.curves = {key: self.plot([], []) for key in PATH_COLOURS}
        readable_axes(self)
        self._recolour()
        tones.follow_palette(self, self._recolour)  # readable on a theme switched to
        self.setToolTip(NORM_NOTE)
        # Nothing to do on it with the keys: no Tab stop, but named for a screen reader.
        self.setFocusPolicy(Qt.NoFocus)
        self.setAccessibleName("Distance from the origin plot")
        self.setAccessibleDescription(NORM_NOTE)

    def show_norms(self, ratios, codes: dict) -> None:
        """Plot |z| against t for each path's codes [steps, D] (an empty dict clears the plot);
        the title says when the two lines lie on each other."""
        top = 0.0
        norms = {}
        for key, curve in self.curves.items():
            if key not in codes:
                curve.setData([], [])
                continue
            norms[key] = codes[key].double().norm(dim=1).numpy()
            curve.setData(ratios.numpy(), norms[key])
            top = max(top, float(norms[key].max()))
        same = len(norms) == 2 and np.allclose(norms["linear"], norms["spherical"], rtol=1e-4,
                                               atol=1e-4 * max(top, 1.0))
        self._title = SAME_TITLE if same else TITLE
        self._show_title()
        if codes:
            self.setYRange(0, top * 1.1 or 1.0, padding=0)
            self.setXRange(0, 1, padding=0.03)


    def _colours(self) -> dict[str, QColor]:
        window = self.palette().color(QPalette.Window)  # behind the plot: it has no background
        return {key: readable(colour, window) for key, colour in PATH_COLOURS.items()}

    def _recolour(self) -> None:
        """The lines and the title in colours readable on the palette (a title in pyqtgraph's
        grey read at 2.6:1 on the light window, "spherical" at 2.7:1 on a dark one)."""
        for key, colour in self._colours().items():
            self.curves[key].setPen(pg.mkPen(colour, width=2))
        self._show_title()

    def _show_title(self) -> None:
        names = {key: colour.name() for key, colour in self._colours().items()}
        self.setTitle(self._title.format(**names), size="9pt",
                      color=self.palette().color(QPalette.WindowText))


class NormBox(QFrame):
    """The plot of |z| beside the strips, under a title, with a line on how to read it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.StyledPanel)
        col = QVBoxLayout(self)
        col.setContentsMargins(8, 6, 8, 8)
        title = QLabel("Distance from the origin")
        title.setStyleSheet("font-weight: 600;")
        col.addWidget(title)
        self.plot = NormPlot()
        col.addWidget(self.plot, 1)
        self.note = QLabel(NORM_NOTE)
        self.note.setWordWrap(True)
        tones.set_tone(self.note, HINT_COLOUR)
        col.addWidget(self.note)
        # About twenty lines of text wide: room for the axis and its ticks, not taken from the
        # strips beyond need.
        self.setFixedWidth(max(260, 20 * self.fontMetrics().height()))
