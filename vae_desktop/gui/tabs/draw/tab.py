"""Draw tab: draw a digit (or open a picture of one) and watch the active model reconstruct it,
with its score, how that score ranks among the test set's, and for a conditional model which
digit the model thinks it is.

The tab is a view of `state.drawing` (a Drawing: the 28x28 image and where it came from). The
user's strokes become the model's input exactly as MNIST was made (`core.preprocess.to_mnist`)
and are published as the drawing "your drawing"; a loaded file is published under its file name;
a drawing set by another tab (e.g. a test image from Evaluate) is shown as it is, exactly.

Canvas updates have no fixed throttle: a change is analysed on the next turn of the event loop,
which first takes every mouse move already queued, so the newest stroke wins and a long stroke
updates as fast as the analysis and the repaint go. The percentile and the histogram come from
the active model's shared test-set pass (`state.request_test_pass`).
"""

from __future__ import annotations

import os

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QVBoxLayout,
    QWidget,
)

from vae_desktop.core import preprocess
from vae_desktop.core.digit_analysis import DEFAULT_THRESHOLD, DigitAnalysis, analyse_digit
from vae_desktop.core.evaluation import AT_MU, SCORE_NAMES
from vae_desktop.gui import preferences, save_dialog
from vae_desktop.gui.model_files import file_name_for
from vae_desktop.gui.tabs.draw import export
from vae_desktop.gui.tabs.draw.canvas_panel import HINT, CanvasPanel
from vae_desktop.gui.tabs.draw.panels import SCORE_CAPTION, GuessPanel, ImagesPanel, ScoresPanel
from vae_desktop.gui.widgets import tones
from vae_desktop.gui.widgets.draw_canvas import DEFAULT_PEN, SIDE
from vae_desktop.gui.widgets.draw_histogram import UNUSUAL_COLOUR, ScoreHistogram
from vae_desktop.gui.widgets.hint_text import HINT_COLOUR
from vae_desktop.gui.widgets.tab_keys import TabKeys

YOUR_DRAWING = "your drawing"  # the origin of what the user drew
ALL_INK = ("The canvas is all ink: there is no digit shape to crop and centre. "
           "Press Esc to clear it or Ctrl+Z to undo.")
DOT = ("Only a dot: like every drawing it is scaled up to fill 20 of the model's 28 pixels, so "
       "the model sees a blob. Draw the digit larger.")
DOT_EXTENT = 40  # canvas pixels: ink no wider or taller than this (or the pen and a bit) is a dot
# A tab shorter than ROOMY (a 1280x720 screen's) has the canvas at 280 px with its buttons in a
# column beside it, and the pictures as tall as its panel. In a taller one the buttons stand in
# a row under the canvas, which grows into the height the Score panel under it leaves (up to
# CANVAS_MAX, and a third of the tab's width); the pictures beside it are about square, and the
# plots under them get the rest, at least PLOTS_MIN.
ROOMY, CANVAS_MAX, PLOTS_MIN = 700, 600, 230
MARGIN, SPACING = 12, 12
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.gif *.webp *.tif *.tiff);;All files (*)"
PEN_KEY, THRESHOLD_KEY, LAST_DIR_KEY = "draw/pen_width", "draw/threshold", "draw/last_dir"
EXPORT_KEY = QKeySequence("Ctrl+E")
EXPORT_TIP = ("Save the drawing, the image the model sees, its reconstruction and where they "
              "differ,\nwith the scores and the guess, as one PNG image for a slide (Ctrl+E).")
NOTHING_TO_EXPORT = "Nothing to export yet: draw a digit or open a picture first."
NO_MODEL_TO_EXPORT = "Nothing to export yet: pick a model in the toolbar first."


def histogram_tip(binarized: bool) -> str:
    """The histogram's tooltip; `binarized`: the model sees the test digits and the drawing
    binarised."""
    which = "binarised test digits'" if binarized else "test digits'"
    return (f"The {which} {AT_MU} (at z = μ), the score the drawing is ranked by"
            f"{' (binarised as they are)' if binarized else ''}.\n"
            "Solid line: your drawing; dashed line: the 'unusual' threshold (drag it).")


class DrawTab(QWidget):
    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.analysis: DigitAnalysis | None = None
        self.model_input: np.ndarray | None = None  # the 28x28 image last analysed
        self.update_count = 0  # canvas updates done (tests and the latency benchmark watch it)
        self._settings = preferences.open_settings()
        self._source: np.ndarray | None = None  # an exact 28x28 image set by another tab
        self._canvas_origin = YOUR_DRAWING  # what the canvas shows: a file's name after a load
        self._loading = False  # the canvas is being loaded, not drawn on
        self._publishing = False  # this tab is setting state.drawing
        self._all_ink = False  # the canvas is ink all over: no shape to score
        self._reference_report = None  # the test-set pass the histogram shows
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.update_now)

        self._build_ui()
        self._connect()
        self._on_model_changed(self.state.active)
        if self.state.drawing is not None:
            self._on_drawing_changed(self.state.drawing)

    # Layout
    def _build_ui(self) -> None:
        self.canvas_panel = CanvasPanel(preferences.read_int(self._settings, PEN_KEY, DEFAULT_PEN))
        self.images_panel = ImagesPanel()
        self.scores_panel = ScoresPanel(
            preferences.read_float(self._settings, THRESHOLD_KEY, DEFAULT_THRESHOLD))
        self.guess_panel = GuessPanel()
        self.histogram = ScoreHistogram()
        # Named as the Evaluate tab's histogram of the same scores (z = mu: no negative ELBO).
        self.histogram.setLabel("bottom", SCORE_NAMES["loss"])
        self.histogram.setToolTip(histogram_tip(False))
        hist_box = QGroupBox(f"{SCORE_CAPTION} of the test digits")
        QVBoxLayout(hist_box).addWidget(self.histogram)

        # Two columns: the canvas over the scores, the pictures over the plots.
        root = QHBoxLayout(self)
        root.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        root.setSpacing(SPACING)
        left = QVBoxLayout()
        left.setSpacing(SPACING)
        left.addWidget(self.canvas_panel)
        left.addWidget(self.scores_panel, 1)
        right = QVBoxLayout()
        right.setSpacing(SPACING)
        right.addWidget(self.images_panel)
        bottom = QHBoxLayout()
        bottom.setSpacing(SPACING)
        bottom.addWidget(hist_box, 3)
        bottom.addWidget(self.guess_panel, 2)
        right.addLayout(bottom, 1)
        root.addLayout(left)
        root.addLayout(right, 1)
        self._fit_canvas(0)

        # The views tests and the benchmark look at.
        self.canvas = self.canvas_panel.canvas
        self.input_view = self.images_panel.input_view
        self.recon_view = self.images_panel.recon_view
        self.diff_view = self.images_panel.diff_view
        self.verdict_label = self.scores_panel.verdict_label
        self.loss_label = self.scores_panel.loss_label
        self.parts_label = self.scores_panel.parts_label
        self.psnr_label = self.scores_panel.psnr_label
        self.percentile_label = self.scores_panel.percentile_label
        self.threshold_spin = self.scores_panel.threshold_spin
        self.label_combo = self.images_panel.label_combo
        # Export: the button and Ctrl+E, wherever the focus is while the tab is shown (as Copy
        # scores), enabled while there is a scored drawing.
        self.export_action = QAction("Export PNG…", self)
        self.export_action.setShortcut(EXPORT_KEY)
        self.export_action.setShortcutContext(Qt.WindowShortcut)
        self.export_action.setToolTip(EXPORT_TIP)
        self.export_action.triggered.connect(self.export_png)
        self.addAction(self.export_action)
        self._set_exportable(None)

    def _connect(self) -> None:
        panel = self.canvas_panel
        self.canvas.changed.connect(self._on_canvas_changed)
        self.canvas.file_dropped.connect(self.open_file)
        panel.pen_spin.valueChanged.connect(lambda width: self._settings.setValue(PEN_KEY, width))
        panel.open_button.clicked.connect(self.choose_file)
        panel.export_button.clicked.connect(self.export_png)
        self.threshold_spin.valueChanged.connect(self._on_threshold_changed)
        self.histogram.threshold_dragged.connect(self._on_threshold_dragged)
        self.histogram.threshold_drag_finished.connect(self._place_threshold)
        self.label_combo.currentIndexChanged.connect(lambda _i: self._analyse())
        # The keys work whenever the tab is shown, wherever the keyboard focus is (the toolbar's
        # model box, the tab bar): the window's context, scoped by this tab's visibility, as the
        # Latent space tab's keys are. A text or number box keeps its own Esc and Ctrl+Z
        # (tab_keys, the one rule of every tab's keys).
        self.addAction(self.scores_panel.copy_action)
        self.keys = TabKeys(self)
        self.keys.add(QKeySequence(Qt.Key_Escape), self.canvas.clear, "clear the canvas")
        self.keys.add(QKeySequence.Undo, self.canvas.undo, "undo on the canvas")
        self.state.model_changed.connect(self._on_model_changed)
        self.state.drawing_changed.connect(self._on_drawing_changed)
        self.state.test_pass_ready.connect(self._on_test_pass_ready)
        self.state.test_pass_failed.connect(self._on_test_pass_failed)

    # What is shown, in words
    @property
    def message(self) -> str:
        """The line under the canvas: what is on it, or what went wrong."""
        return self.canvas_panel.message

    @property
    def verdict(self) -> str:
        return self.verdict_label.text()

    @property
    def reference_scores(self) -> np.ndarray | None:
        """The active model's test-set scores the drawing is ranked among (AT_MU, z = mu; None
        until its test-set pass is ready)."""
        report = self.state.test_pass(self.state.active)
        return None if report is None else report.scores["loss"].numpy()

    # The active model and its test-set pass
    def resizeEvent(self, event) -> None:
        """280 px with the buttons beside it in a 1280x720 window, more with the buttons under it
        in a larger one (at 1920x1080 it was the smallest picture of the tab)."""
        super().resizeEvent(event)
        self._fit_canvas(self.height())

    def _fit_canvas(self, height: int) -> None:
        """Arrange the canvas and the pictures for a tab `height` px tall (and as wide as it is)."""
        panel, canvas = self.canvas_panel, self.canvas_panel.canvas
        compact = height < ROOMY
        panel.set_compact(compact)
        side = SIDE
        if not compact:
            around = panel.sizeHint().height() - canvas.height()  # the panel's title, buttons...
            room = height - 2 * MARGIN - SPACING - self.scores_panel.room() - around
            side = min(CANVAS_MAX, room, (self.width() - 2 * MARGIN) // 3 - 30)
        if max(SIDE, side) != canvas.width():
            canvas.set_side(side)
        top = panel.sizeHint().height()
        if not compact:  # pictures about square, as wide as their third of the column
            width = self.width() - 2 * MARGIN - SPACING - panel.sizeHint().width()
            pictures = self.images_panel.height_for_pictures((width - 50) // 3)
            top = max(min(pictures, height - 2 * MARGIN - SPACING - PLOTS_MIN), top // 2)
        if self.images_panel.minimumHeight() != top or self.images_panel.maximumHeight() != top:
            self.images_panel.setFixedHeight(top)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        # Score the test set while the user reaches for the mouse, not in the first stroke.
        QTimer.singleShot(0, self, self._request_reference)  # not once the tab is gone

    def _request_reference(self) -> None:
        if self.isVisible() and self.state.active is not None:
            if self.state.request_test_pass(self.state.active) is not None:
                self._show_reference()

    def _on_model_changed(self, ckpt) -> None:
        num_classes = ckpt.config.num_classes if ckpt is not None else None
        self.guess_panel.set_conditional(num_classes)
        self.images_panel.set_conditional(num_classes, model=ckpt is not None)
        # A model trained on binarised MNIST sees the drawing binarised (core.digit_analysis).
        binarized = ckpt is not None and bool(ckpt.config.binarized)
        self.images_panel.set_binarized(binarized)
        self.scores_panel.set_binarized(binarized)
        self.histogram.setToolTip(histogram_tip(binarized))
        self._request_reference()
        # Nothing of the previous model stays: its histogram goes, the drawing is scored anew.
        self._show_reference()
        self._analyse()

    def _on_test_pass_ready(self, ckpt) -> None:
        if ckpt is self.state.active:
            self._show_reference()
            self._analyse()  # the percentile and the verdict were missing

    def _on_test_pass_failed(self, ckpt, message: str) -> None:
        if ckpt is self.state.active:
            self._error(f"No test-set scores to compare with: {message}")

    def _show_reference(self) -> None:
        report = self.state.test_pass(self.state.active)
        if report is self._reference_report:
            return
        self._reference_report = report
        self.histogram.set_reference(None if report is None else report.scores["loss"].numpy())
        self._place_threshold()

    # The drawing
    def _on_drawing_changed(self, drawing) -> None:
        if self._publishing:
            return  # this tab's own update: already shown
        self._all_ink = False  # what the canvas showed is replaced
        if drawing is None:
            self._source = None
            self._canvas_origin = YOUR_DRAWING
            self._load_canvas(None)
            self.canvas_panel.set_message(HINT)
            self._analyse(None)
            return
        image = np.asarray(drawing.image, dtype=np.float32)
        if not np.isfinite(image).all():
            self._error(f"Cannot show {drawing.origin}: it has NaN or infinite pixels")
            return
        self._load_canvas(image)
        self._source = np.clip(image, 0.0, 1.0)
        self._canvas_origin = drawing.origin
        self.canvas_panel.set_message(f"Showing {drawing.origin} · draw on it to make it yours")
        self._analyse(self._source)

    def _load_canvas(self, picture: np.ndarray | None, margin: int = 0) -> None:
        """Put a picture on the canvas (None: clear it) without taking it for the user's own
        drawing; the caller analyses it."""
        self._loading = True
        try:
            if picture is None:
                self.canvas.clear()
            else:
                self.canvas.load_array(picture, margin=margin)
        finally:
            self._loading = False
        self._timer.stop()  # the canvas's change asked for an update the caller makes itself
        self.canvas_panel.undo_button.setEnabled(self.canvas.can_undo())

    def _on_canvas_changed(self) -> None:
        if not self._loading:
            # The user edited the picture: analyse the canvas again, as theirs.
            self._source = None
            self._canvas_origin = YOUR_DRAWING
            if self.canvas_panel.message != HINT:
                self.canvas_panel.set_message(HINT)
        self.canvas_panel.undo_button.setEnabled(self.canvas.can_undo())
        self.schedule_update()

    def schedule_update(self) -> None:
        if not self._timer.isActive():  # else an update is on its way and will see this change
            self._timer.start(0)

    def update_now(self) -> None:
        """Analyse the canvas as it is now and publish it as the current drawing."""
        self._timer.stop()
        self.update_count += 1
        image = self._source
        self._all_ink = False
        if image is None and not self.canvas.is_empty():
            pixels = self.canvas.to_array()
            try:
                image = preprocess.to_mnist(pixels)
            except preprocess.AllInkError:
                self._all_ink = True
                self._error(ALL_INK)
            except preprocess.EmptyImageError:
                image = None
            if image is not None:
                self._say_if_a_dot(pixels)
        if self._source is None:
            self._publishing = True
            try:
                self.state.set_drawing(image, origin=self._canvas_origin)
            finally:
                self._publishing = False
        self._analyse(image)

    def _say_if_a_dot(self, pixels: np.ndarray) -> None:
        """Under the canvas, when the user's own finished drawing is only a dot (mid-stroke,
        every drawing starts as one)."""
        if self._canvas_origin != YOUR_DRAWING or self.canvas.is_drawing():
            return
        dot = preprocess.ink_extent(pixels) <= max(DOT_EXTENT, self.canvas.pen_width() + 12)
        if dot:
            self.canvas_panel.set_message(DOT)
        elif self.message == DOT:
            self.canvas_panel.set_message(HINT)

    # Files
    def choose_file(self) -> None:
        start = preferences.read_str(self._settings, LAST_DIR_KEY, os.path.expanduser("~"))
        path, _ = QFileDialog.getOpenFileName(self, "Open a picture of a digit", start, IMAGE_FILTER)
        if path:
            self._settings.setValue(LAST_DIR_KEY, os.path.dirname(path))
            self.open_file(path)

    def open_file(self, path: str) -> bool:
        """Load a picture (either polarity) into the canvas; returns False and says why if not."""
        try:
            picture = preprocess.load_image(path)
        except (preprocess.EmptyImageError, preprocess.ImageLoadError) as exc:
            self._error(str(exc))
            return False
        name = os.path.basename(path)
        self._load_canvas(picture, margin=20)
        self._source = None
        self._canvas_origin = name
        self.canvas_panel.set_message(f"Loaded {name}")
        self.update_now()
        return True

    def _error(self, message: str) -> None:
        self.canvas_panel.set_message(message, error=True)
        self.state.status_message.emit(message, 6000)

    # Export
    def _set_exportable(self, why_not: str | None) -> None:
        """Export on while there is a scored drawing; `why_not`: why there is nothing to export,
        said in the button's tooltip."""
        self.export_action.setEnabled(why_not is None)
        button = self.canvas_panel.export_button
        button.setEnabled(why_not is None)
        button.setToolTip(EXPORT_TIP if why_not is None else f"{EXPORT_TIP}\n{why_not}")

    def export_picture(self) -> export.ExportPicture:
        """The picture Export saves: what the tab shows of the drawing now."""
        analysis, ckpt = self.analysis, self.state.active
        if analysis is None or ckpt is None:
            raise ValueError(NOTHING_TO_EXPORT if ckpt is not None else NO_MODEL_TO_EXPORT)
        canvas = self.canvas.to_array().astype(np.float32) / 255.0
        panels = [
            export.Panel("drawing", "Drawing", canvas, crisp=False),
            export.Panel("input", self.images_panel.input_caption.text(), analysis.image),
            export.Panel("reconstruction", self._reconstruction_caption(),
                         analysis.reconstruction),
            export.Panel("difference", "|Input − reconstruction|", analysis.abs_diff,
                         colormap="inferno"),
        ]
        # The scores as "Copy scores" words them, PSNR and SSIM on one line as in the panel.
        lines = self.scores_panel.scores_text().split("\n")
        psnr = next((i for i, line in enumerate(lines) if line.startswith("PSNR:")), None)
        if psnr is not None and psnr + 1 < len(lines) and lines[psnr + 1].startswith("SSIM:"):
            lines[psnr:psnr + 2] = [f"{lines[psnr]} · {lines[psnr + 1]}"]
        if self.guess_panel.showing_guess:
            lines.append(f"The model's guess: {self.guess_panel.guess_label.text()}")
        if ckpt.config.binarized:
            lines.append("Scored binarised, as this model's test digits were (one fixed draw).")
        # The verdict's hue, readable on the white paper whatever the window's theme.
        tone = tones.tone_of(self.verdict_label)
        colour = None if tone is None else tones.readable(tone, export.PAPER)
        return export.compose(f"{ckpt.name} · {self._canvas_origin}", panels, lines, colour)

    def _reconstruction_caption(self) -> str:
        label = self.analysis.label
        return "Reconstruction" if label is None else f"Reconstruction as {label}"

    def export_png(self) -> None:
        """Ask where, then save `export_picture` as a PNG; say what became of it."""
        try:
            picture = self.export_picture()
        except ValueError as exc:
            self.canvas_panel.set_message(str(exc), error=True)
            return
        message = save_dialog.save_with_dialog(
            self, file_name_for(f"{self.state.active.name}-draw", ".png"),
            "Export the drawing and its scores as PNG", export.PNG_FILTER,
            lambda path: export.write_png(path, picture.image))
        if message:
            self.state.status_message.emit(message, 6000)

    # Settings
    def _on_threshold_changed(self, value: float) -> None:
        self._settings.setValue(THRESHOLD_KEY, value)
        self._place_threshold()
        self._show_judgement()

    def _on_threshold_dragged(self, share: float) -> None:
        self.threshold_spin.blockSignals(True)
        self.threshold_spin.setValue(share)  # the spin box keeps it within its range
        self.threshold_spin.blockSignals(False)
        self._settings.setValue(THRESHOLD_KEY, self.threshold_spin.value())
        self._show_judgement()

    def _show_judgement(self) -> None:
        """The verdict and the guess, which both depend on the threshold: always together."""
        if self.analysis is not None:
            self.scores_panel.show_verdict(self.analysis)
            self.guess_panel.show_analysis(self.analysis, self.threshold_spin.value())

    def _place_threshold(self) -> None:
        self.histogram.set_threshold(self.threshold_spin.value())

    # The analysis
    def _analyse(self, image: np.ndarray | None = ...) -> None:
        """Score `image` (default: the one shown) with the active model and show the result."""
        if image is ...:
            image = self.model_input
        self.model_input = image
        analysis = None
        ckpt = self.state.active
        if image is not None and ckpt is not None:
            reference = self.state.test_pass(ckpt)
            try:
                analysis = analyse_digit(
                    ckpt.model, image, label=self.images_panel.chosen_label,
                    reference=None if reference is None else reference.scores["loss"])
            except (RuntimeError, ValueError) as exc:
                self.scores_panel.set_verdict(f"The model could not score this drawing: {exc}",
                                              UNUSUAL_COLOUR)
        self.analysis = analysis
        # What the model saw: the drawing, binarised for a model trained on binarised MNIST.
        self.input_view.set_image(image if analysis is None else analysis.image)
        self._show_analysis(image, ckpt)
        # With the label it was encoded under (conditional models: the best guess, or the one
        # picked in "Reconstruct as"), so Latent space decodes the drawing as this tab does.
        self.state.posterior_changed.emit(
            None if analysis is None else {"mu": analysis.mu.copy(), "logvar": analysis.logvar.copy(),
                                           "label": analysis.label})

    def _show_analysis(self, image, ckpt) -> None:
        analysis = self.analysis
        self._set_exportable(None if analysis is not None
                             else NOTHING_TO_EXPORT if image is None or ckpt is not None
                             else NO_MODEL_TO_EXPORT)
        self.images_panel.show_analysis(analysis)
        self.guess_panel.show_analysis(analysis, self.threshold_spin.value(),
                                       empty="No digit shape to guess from" if self._all_ink
                                       else "Draw a digit to see the guess")
        missing = ("– (test-set scores coming…)" if self.state.test_pass_running(ckpt)
                   else "– (no test-set scores)")
        self.scores_panel.show_analysis(analysis, missing, self.images_panel.chosen_label)
        # The drawing's own score (the best reading), which the percentile ranks.
        self.histogram.set_score(None if analysis is None else analysis.reading.loss)
        if analysis is None:
            if image is None and self._all_ink:
                self.scores_panel.set_verdict("Nothing to score: the canvas is all ink",
                                              UNUSUAL_COLOUR)
            elif image is None:
                self.scores_panel.set_verdict("Draw a digit", HINT_COLOUR)
            elif ckpt is None:
                self.scores_panel.set_verdict("No model: train one or pick one in the toolbar",
                                              UNUSUAL_COLOUR)
