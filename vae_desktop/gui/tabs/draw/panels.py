"""The Draw tab's views of one analysis (core.digit_analysis.DigitAnalysis): the three images,
the scores with the verdict, and a conditional model's guess. Each shows what it is given; the
tab decides what and when."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QAction,
    QBrush,
    QFont,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from vae_desktop.core.digit_analysis import (
    DEFAULT_THRESHOLD,
    UNSURE_MARGIN,
    UNUSUAL,
    DigitAnalysis,
    guess_sentence,
)
from vae_desktop.core.evaluation import AT_MU
from vae_desktop.core.wording import a_digit
from vae_desktop.gui.tabs.draw.canvas_panel import ERROR_COLOUR
from vae_desktop.gui.widgets import tones
from vae_desktop.gui.widgets.draw_histogram import PLOT_BG, UNUSUAL_COLOUR, cache_as_pixmaps
from vae_desktop.gui.widgets.draw_image_view import DrawImageView
from vae_desktop.gui.widgets.gap_bars import GapBars, axis_ticks, cut_brush
from vae_desktop.gui.widgets.hint_text import HINT_COLOUR
from vae_desktop.gui.widgets.plot_menus import menus_go_with
from vae_desktop.gui.widgets.range_spin import RangeDoubleSpinBox, Refusals
from vae_desktop.gui.widgets.wrapping_label import WrappingLabel

TYPICAL_COLOUR = "#3ba55c"
BAR_COLOUR = (90, 140, 220)
CHOSEN_BAR_COLOUR = (255, 170, 60)
GAP_SHOWN = 40.0  # nats: the guess's bars stop here (further behind is as good as ruled out)
# A bar cut at GAP_SHOWN is hatched and the axis's top says "40+" (widgets.gap_bars).
BARS_MIN_HEIGHT = 100  # px
THRESHOLD_RANGE = (50.0, 99.9)  # percent of the test set
PERCENTILE_NOTE = "of test digits score as well or better"
# The drawing's score, the test digits' and each label's: the reconstruction of the mean code
# z = mu plus the KL, named as the Evaluate tab's table names it (not a negative ELBO, which
# samples z: decoding the mean alone is no bound on -log p(x)).
SCORE_CAPTION = AT_MU[0].upper() + AT_MU[1:]
NOT_A_BOUND = "Not a bound on −log p(x): the Evaluate tab's cards show the sampled negative ELBO."
# A model trained on binarised MNIST (core.digit_analysis): what it sees of the drawing.
BINARISED_NOTE = (
    "This model was trained on binarised MNIST: it sees every pixel black or white. The drawing\n"
    "is binarised as its test digits were (each pixel white with its grey level as the chance,\n"
    "one fixed draw), so it is scored like them and the same drawing always gets the same score.")
INPUT_TIP = "The 28×28 image the model sees"
LOSS_TIP = (
    f"{SCORE_CAPTION} in nats: the reconstruction error of the drawing decoded from its\n"
    "mean code z = μ, plus the KL divergence. Lower means the model explains it better.\n"
    "The test digits in the histogram are scored the same way, as in the Evaluate tab's "
    f"table.\n{NOT_A_BOUND}\n"
    "A conditional model's is under the label that explains the drawing best (named here).")


class TextBox(QWidget):
    """Up to `lines` lines of word-wrapped text in a box of fixed height. A label in a layout
    that changes its text asks the whole tab for a new layout (about 1 ms, and the plots beside
    it resize when its line count changes); this label is placed by hand, so a new text repaints
    the label alone."""

    def __init__(self, lines: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(self)
        # Plain text: a rich-text label lays out a text document for every new text (about
        # 0.7 ms of a Draw update's repaint for the guess, whose margin changes every stroke).
        self.label.setTextFormat(Qt.PlainText)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignCenter)
        self.setFixedHeight(lines * self.label.fontMetrics().lineSpacing() + 6)
        self.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)

    def text(self) -> str:
        return self.label.text()

    def setText(self, text: str) -> None:  # noqa: N802 (QLabel's name, so it reads like one)
        if text != self.label.text():
            self.label.setText(text)

    def resizeEvent(self, event) -> None:
        self.label.setGeometry(self.rect())
        super().resizeEvent(event)


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    label.setAlignment(Qt.AlignCenter)
    label.setStyleSheet("font-weight: bold;")
    return label


COPY_NOTE = "\nRight-click the panel (or press Ctrl+Shift+C) to copy the scores."


def _value_label(tooltip: str, widest: str, bold: bool = False) -> QLabel:
    """A score label as wide as `widest` ever needs, and fixed at that size: a new text then
    repaints the label alone instead of asking the tab for a new layout on every update.

    Plain text and not selectable: a selectable or rich-text label lays out a text document on
    every new text (about a fifth of the tab's repaint); the panel's "Copy scores" action
    copies them instead."""
    label = QLabel(widest)
    label.setTextFormat(Qt.PlainText)
    label.setToolTip(tooltip + COPY_NOTE)
    if bold:
        font = QFont(label.font())
        font.setBold(True)
        label.setFont(font)
    hint = label.sizeHint()
    label.setFixedSize(hint.width() + 8, hint.height())
    label.setText("–")
    return label


class ImagesPanel(QGroupBox):
    """The model's input, its reconstruction and their difference. For a conditional model the
    reconstruction's caption is "Reconstruct as" with a box of the label it is rebuilt as."""

    def __init__(self) -> None:
        super().__init__("What the model sees and gives back")
        grid = QGridLayout(self)
        self.input_view = DrawImageView(title=INPUT_TIP, min_size=140)
        self.recon_view = DrawImageView(title="The model's reconstruction (pixel probabilities)",
                                    min_size=140)
        self.diff_view = DrawImageView(title="Absolute difference between input and reconstruction "
                                         "(black: same, yellow: off by 1)",
                                   min_size=140, colormap="inferno")
        self.recon_caption = _caption("Reconstruction")
        self.label_combo = QComboBox()
        self.label_combo.addItem("best guess", None)
        self.label_combo.setToolTip(
            "The label a conditional model rebuilds the drawing as: its best guess, or a digit\n"
            "you pick to see your handwriting written as that digit. The verdict, the percentile\n"
            "and the guess stay those of the model's best guess; the Score panel adds a row\n"
            "with the picked label's numbers.")
        self.recon_caption.setBuddy(self.label_combo)
        recon_head = QWidget()
        head = QHBoxLayout(recon_head)
        head.setContentsMargins(0, 0, 0, 0)
        head.addStretch(1)
        head.addWidget(self.recon_caption)
        head.addWidget(self.label_combo)
        head.addStretch(1)
        self.input_caption = _caption("Model input (28×28)")
        captions = (self.input_caption, recon_head, _caption("|Input − reconstruction|"))
        # As tall with the box as without: the pictures keep their size when the model changes.
        height = self._caption_height = self.label_combo.sizeHint().height()
        for col, (caption, view) in enumerate(
                zip(captions, (self.input_view, self.recon_view, self.diff_view), strict=True)):
            caption.setFixedHeight(height)
            grid.addWidget(caption, 0, col)
            grid.addWidget(view, 1, col)
            grid.setColumnStretch(col, 1)
        self.set_conditional(None, model=False)

    @property
    def chosen_label(self) -> int | None:
        """The label picked to reconstruct with; None: the most likely one."""
        return self.label_combo.currentData()

    def height_for_pictures(self, side: int) -> int:
        """The panel's height that shows its pictures `side` px square."""
        grid = self.layout()
        margins = grid.contentsMargins()
        frame = self.sizeHint().height() - grid.sizeHint().height()  # the title and the frame
        return (frame + margins.top() + margins.bottom() + grid.verticalSpacing()
                + self._caption_height + side)

    def set_conditional(self, num_classes: int | None, model: bool = True) -> None:
        """A conditional model with `num_classes` labels, an unconditional one (None), or no
        model at all (`model` False)."""
        conditional = bool(num_classes)
        if not conditional and self.label_combo.currentIndex() != 0:
            self.label_combo.blockSignals(True)  # a picked label goes with the labels' box
            self.label_combo.setCurrentIndex(0)
            self.label_combo.blockSignals(False)
        self.label_combo.setVisible(conditional)
        self.label_combo.setEnabled(conditional)
        self.recon_caption.setText("Reconstruct as" if conditional else
                                   "Reconstruction" if model else "Reconstruction (no model)")
        if conditional and self.label_combo.count() != num_classes + 1:
            self.label_combo.blockSignals(True)
            while self.label_combo.count() > 1:
                self.label_combo.removeItem(1)
            for label in range(num_classes):
                self.label_combo.addItem(str(label), label)
            self.label_combo.setCurrentIndex(0)
            self.label_combo.blockSignals(False)

    def set_binarized(self, binarized: bool) -> None:
        """Say whether the model sees the drawing binarised (a model trained on binarised MNIST),
        in the input's caption and tooltip."""
        self.input_caption.setText("Model input (binarised)" if binarized else "Model input (28×28)")
        tip = f"{INPUT_TIP}.\n{BINARISED_NOTE}" if binarized else f"{INPUT_TIP}."
        self.input_caption.setToolTip(tip)
        self.input_view.setToolTip(tip)

    def show_analysis(self, analysis: DigitAnalysis | None) -> None:
        self.recon_view.set_image(None if analysis is None else analysis.reconstruction)
        self.diff_view.set_image(None if analysis is None else analysis.abs_diff)


class ScoresPanel(QGroupBox):
    """The verdict, the score (AT_MU: the reconstruction from z = mu plus the KL) with its
    parts, PSNR, SSIM, the percentile and the threshold that turns it into a verdict: all of the
    model's own best reading of the drawing (for a conditional model, under its best label, which
    the score names). A label picked in "Reconstruct as" adds a row with that reconstruction's
    numbers, named after it."""

    def __init__(self, threshold: float) -> None:
        super().__init__("Score")
        layout = QVBoxLayout(self)
        self.verdict_label = WrappingLabel()
        self.verdict_label.setAlignment(Qt.AlignCenter)
        self.verdict_label.setMinimumHeight(34)
        font = QFont(self.verdict_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.verdict_label.setFont(font)
        layout.addWidget(self.verdict_label)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight)
        self.loss_label = _value_label(LOSS_TIP, "8888.8 nats as an 8", bold=True)
        self.parts_label = _value_label(
            "The two parts, in the caption's order:\n"
            "reconstruction: Bernoulli negative log-likelihood of the 784 pixels, decoded from z = μ;"
            "\nKL: how far the drawing's posterior is from the prior N(0, I).",
            "= 8888.8 + 888.8")
        self._fit_loss_width("8.8 nats")
        self.psnr_label = _value_label("Peak signal-to-noise ratio of the reconstruction (higher is "
                                       "closer; torchmetrics' definition)", "-88.8 dB")
        self.ssim_label = _value_label("Structural similarity of the reconstruction, 0 to 1 "
                                       "(torchmetrics' definition)", "-0.888")
        self.percentile_label = _value_label(
            f"Share of the MNIST test digits that score as well or better: their {AT_MU}\n"
            "(at z = μ, the same figure as the drawing's) is at or below the drawing's.",
            f"88.8 % {PERCENTILE_NOTE}")
        # The score and its parts share a row, as the two image-quality scores do: the panel
        # fits under the canvas of a 1280x720 window with the row of a picked label.
        loss_row = QHBoxLayout()
        loss_row.setSpacing(6)
        loss_row.addWidget(self.loss_label)
        loss_row.addWidget(self.parts_label)
        loss_row.addStretch(1)
        self.loss_caption = QLabel(f"{SCORE_CAPTION}:")
        self.loss_caption.setToolTip(self.loss_label.toolTip())
        form.addRow(self.loss_caption, loss_row)
        quality = QHBoxLayout()
        quality.setSpacing(6)
        quality.addWidget(self.psnr_label)
        quality.addSpacing(12)
        quality.addWidget(QLabel("SSIM:"))
        quality.addWidget(self.ssim_label)
        quality.addStretch(1)
        form.addRow("PSNR:", quality)
        form.addRow("Percentile:", self.percentile_label)  # its note on the same row: one fewer
        # The reconstruction under a label picked in "Reconstruct as", when one is: its numbers,
        # named after that label, so that none is taken for the drawing's own score.
        self.picked_caption = QLabel("As a 0:")
        self.picked_scores = _value_label(
            "The reconstruction shown, under the label picked in “Reconstruct as”: its "
            f"{AT_MU} (at z = μ),\nPSNR and SSIM. The verdict, the percentile and the guess go by "
            "the model's own best reading\nof the drawing (the rows above), whatever label it is "
            "rebuilt as.",
            "8888.8 nats · PSNR -88.8 dB · SSIM -0.888")
        form.addRow(self.picked_caption, self.picked_scores)
        self._form = form
        # Says what it did not take ("150" used to go back to the old value without a word), in
        # a line under it (the line under the canvas is too short for it).
        self.threshold_spin = RangeDoubleSpinBox("Unusual above")
        self.threshold_spin.setRange(*THRESHOLD_RANGE)
        self.threshold_spin.setDecimals(1)
        self.threshold_spin.setSingleStep(0.5)
        self.threshold_spin.setSuffix(" %")
        self.threshold_spin.setToolTip(
            "A drawing scoring worse than this share of the test digits is called unusual.\n"
            "You can also drag the dashed line in the histogram.\n"
            "(The Evaluate tab's anomaly detector sets its own threshold, a percentile of the\n"
            "training digits' scores, for its experiments.)")
        self.threshold_spin.setValue(min(THRESHOLD_RANGE[1], max(THRESHOLD_RANGE[0], threshold)))
        self.threshold_spin.setMaximumWidth(110)
        form.addRow("Unusual above:", self.threshold_spin)
        layout.addLayout(form)
        self.threshold_message = WrappingLabel()
        tones.set_tone(self.threshold_message, ERROR_COLOUR)  # the tab's error colour
        self.threshold_message.hide()
        layout.addWidget(self.threshold_message)
        Refusals([self.threshold_spin], self).changed.connect(self._show_refusal)
        layout.addStretch(1)
        self.copy_action = QAction("Copy scores", self)
        self.copy_action.setShortcut(QKeySequence("Ctrl+Shift+C"))
        # Wherever the focus is while the tab is shown (the tab adds the action too).
        self.copy_action.setShortcutContext(Qt.WindowShortcut)
        self.copy_action.setToolTip("Copy the verdict and the scores to the clipboard as text")
        self.copy_action.triggered.connect(self.copy_scores)
        self.copy_action.setEnabled(False)
        self.addAction(self.copy_action)
        self.setContextMenuPolicy(Qt.ActionsContextMenu)
        self._picked: int | None = None  # the label of the row of a picked label, when shown
        self._room = self._measure_room()

    def room(self) -> int:
        """The height the panel needs with all its rows shown (a picked label's too, and two
        lines of the threshold box's refusal): what a tall tab keeps for it under the canvas,
        whichever are shown, so that the canvas keeps its size."""
        return self._room

    def _measure_room(self) -> int:
        self._form.setRowVisible(self.picked_scores, True)
        self.threshold_message.setMinimumHeight(
            2 * self.threshold_message.fontMetrics().lineSpacing())
        self.threshold_message.setVisible(True)
        room = self.minimumSizeHint().height()
        self.threshold_message.setVisible(False)
        self.threshold_message.setMinimumHeight(0)
        self._form.setRowVisible(self.picked_scores, False)
        return room

    def _show_refusal(self, message: str) -> None:
        """Why the threshold box did not take what was typed ("": nothing to say)."""
        self.threshold_message.setText(message)
        self.threshold_message.setVisible(bool(message))

    def scores_text(self) -> str:
        """The verdict and the scores as shown, one per line (what "Copy scores" copies)."""
        percentile = self.percentile_label.text()
        rows = [self.verdict_label.text(),
                f"{self.loss_caption.text()} {self.loss_label.text()} {self.parts_label.text()}"
                .rstrip(),
                f"PSNR: {self.psnr_label.text()}", f"SSIM: {self.ssim_label.text()}",
                f"Percentile: {percentile}"]
        if self._picked is not None:
            rows.append(f"{self.picked_caption.text()} {self.picked_scores.text()}")
        rows.append(f"Unusual above: {self.threshold_spin.text()}")
        return "\n".join(rows)

    def copy_scores(self) -> None:
        QGuiApplication.clipboard().setText(self.scores_text())

    def show_analysis(self, analysis: DigitAnalysis | None, percentile_missing: str,
                      picked: int | None = None) -> None:
        """`percentile_missing`: what the percentile says when there is none (e.g. the test-set
        scores are still being computed). `picked`: the label picked in "Reconstruct as" (None:
        the best), whose numbers `analysis` holds beside the best reading's."""
        self.copy_action.setEnabled(analysis is not None)  # nothing to copy but dashes
        self._show_picked(None if analysis is None else picked)
        if analysis is None:
            for label in (self.loss_label, self.psnr_label, self.ssim_label, self.percentile_label):
                label.setText("–")
            self.parts_label.setText("")
            return
        reading = analysis.reading  # the drawing's own score, whatever label it is rebuilt as
        named = "" if reading.label is None else f" as {a_digit(reading.label)}"
        self.loss_label.setText(f"{reading.loss:.1f} nats{named}")
        self._fit_loss_width(self.loss_label.text())
        self.parts_label.setText(f"= {reading.recon:.1f} + {reading.kl:.1f}")  # as the caption
        self.psnr_label.setText(f"{reading.psnr:.1f} dB")
        self.ssim_label.setText(f"{reading.ssim:.3f}")
        if reading.percentile is None:
            self.percentile_label.setText(percentile_missing)
        else:
            self.percentile_label.setText(f"{reading.percentile:.1f} % {PERCENTILE_NOTE}")
        if picked is not None:
            self.picked_scores.setText(f"{analysis.loss:.1f} nats · PSNR {analysis.psnr:.1f} dB · "
                                       f"SSIM {analysis.ssim:.3f}")
        self.show_verdict(analysis)

    def _fit_loss_width(self, text: str) -> None:
        """The score as wide as its text, in steps of 16 px, so that its parts follow it
        closely and a new width (a new layout of the tab) comes only with a longer number."""
        needed = self.loss_label.fontMetrics().horizontalAdvance(text) + 4
        now = self.loss_label.minimumWidth()  # the fixed width
        if needed > now or now - needed > 32:
            self.loss_label.setFixedWidth(-(-needed // 16) * 16)

    def set_binarized(self, binarized: bool) -> None:
        """Say in the score's tooltip whether the drawing is scored binarised (a model trained
        on binarised MNIST)."""
        tip = f"{LOSS_TIP}\n{BINARISED_NOTE}" if binarized else LOSS_TIP
        self.loss_label.setToolTip(tip + COPY_NOTE)
        self.loss_caption.setToolTip(tip + COPY_NOTE)

    def _show_picked(self, picked: int | None) -> None:
        """The row of a picked label's reconstruction, named after it (None: no row)."""
        if picked == self._picked:
            return
        self._picked = picked
        if picked is not None:
            self.picked_caption.setText(f"As {a_digit(picked)}:")
        self._form.setRowVisible(self.picked_scores, picked is not None)

    def show_verdict(self, analysis: DigitAnalysis) -> None:
        """The verdict on the best reading at the threshold in the box."""
        text = analysis.verdict(self.threshold_spin.value())
        if text is None:
            self.set_verdict("Scored (no test-set scores to compare with yet)", None)
        else:
            colour = UNUSUAL_COLOUR if text == UNUSUAL else TYPICAL_COLOUR
            self.set_verdict(text[0].upper() + text[1:], colour)

    def set_verdict(self, text: str, colour: str | None) -> None:
        """`colour`: a hue (green, orange, the hints' grey), made as dark or as light as text
        must be to read on the window's palette (widgets.tones: the green read at 2.7:1 on the
        light window); None: the palette's text colour."""
        self.verdict_label.setText(text)
        tones.set_tone(self.verdict_label, colour)  # restyled (a re-polish) only on a change


class GuessPanel(QGroupBox):
    """How a conditional model reads the drawing: each label's score (AT_MU) as bars, how far it
    is behind the best, and the guess in words."""

    def __init__(self) -> None:
        super().__init__("The model's guess")
        layout = QVBoxLayout(self)
        self.stack = QStackedWidget()
        self.message = WrappingLabel(
            "A conditional model (a CVAE) can say which digit it thinks this is: pick one in "
            "the toolbar, or train one with “Conditional (CVAE)” ticked.")
        self.message.setAlignment(Qt.AlignCenter)
        tones.set_tone(self.message, HINT_COLOUR)
        self.stack.addWidget(self.message)
        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        self.guess_label = TextBox(lines=3)
        page_layout.addWidget(self.guess_label)
        self.bar_plot = pg.PlotWidget(background=PLOT_BG, enableMenu=False)
        menus_go_with(self.bar_plot)
        self.bar_plot.setMouseEnabled(x=False, y=False)
        self.bar_plot.hideButtons()
        # Room above the top bar for its tick's "40+", which a range ending at 40 cuts in half.
        self.bar_plot.setYRange(0.0, GAP_SHOWN * 1.06, padding=0.0)
        self.bar_plot.setLabel("left", "nats behind")  # short: the plot is low at 1280x720
        self.bar_plot.getAxis("left").setTicks(axis_ticks(GAP_SHOWN))
        self.bar_plot.setMinimumHeight(BARS_MIN_HEIGHT)  # the axis title whole, the bars legible
        # Nothing to do on it with the keys (the line above it says the guess in words): no Tab
        # stop, but named for a screen reader.
        self.bar_plot.setFocusPolicy(Qt.NoFocus)
        self.bar_plot.setAccessibleName("Guess chart")
        self.bar_plot.setAccessibleDescription(
            "How many nats each label, 0 to 9, is behind the one that explains the drawing best.")
        self.bar_plot.setToolTip(
            f"Generative classifier: the drawing's {AT_MU} (at z = μ) under each label stands\n"
            "in for −log p(x | y), so the label with the lowest explains it best. The bars show "
            "how many\nnats each label is behind the best one (0: the best). A hatched bar at "
            f"the top is {GAP_SHOWN:g} nats or more behind:\nas good as ruled out (the line "
            f"above says by how much the runner-up is behind).\n{NOT_A_BOUND}\n"
            "The two pick the same best label for nearly every test digit.\n"
            "A softmax over these differences would say p = 1.00 for almost any drawing, a "
            "scribble\nincluded, so the guess is called unsure when the runner-up is within "
            f"{UNSURE_MARGIN:g} nats or the drawing\nis unusual for the model.")
        self._bars_shown: tuple | None = None  # (heights in 0.05 nats, chosen label) on screen
        self._count = 10  # labels on the chart
        self._bar_brush, self._chosen_brush = pg.mkBrush(BAR_COLOUR), pg.mkBrush(CHOSEN_BAR_COLOUR)
        self._cut_brush = cut_brush(BAR_COLOUR)
        self._chosen_cut_brush = cut_brush(CHOSEN_BAR_COLOUR)
        self.cut: list[bool] = []  # which bars are cut at GAP_SHOWN
        self.bar_brushes: list[QBrush] = []  # the brush of each bar shown
        self.bars = GapBars(10, top=GAP_SHOWN, colour=BAR_COLOUR)
        self.bar_plot.addItem(self.bars)
        # The best label is 0 nats behind itself, so it has no bar: a marker says which it is.
        self.best_marker = pg.TextItem("best", color=TYPICAL_COLOUR, anchor=(0.5, 1.0))
        self.best_marker.setVisible(False)
        self.bar_plot.addItem(self.best_marker, ignoreBounds=True)
        cache_as_pixmaps(self.bar_plot, self.best_marker)
        page_layout.addWidget(self.bar_plot, 1)
        self.stack.addWidget(page)
        self.set_label_count(10)
        layout.addWidget(self.stack, 1)

    @property
    def showing_guess(self) -> bool:
        """True when the bars are shown (a conditional model), False for the message."""
        return self.stack.currentIndex() == 1

    def set_conditional(self, num_classes: int | None) -> None:
        """A conditional model with `num_classes` labels, or (None) an unconditional one."""
        conditional = bool(num_classes)
        self.stack.setCurrentIndex(1 if conditional else 0)
        if conditional and num_classes != self._count:
            self.set_label_count(num_classes)

    def set_label_count(self, count: int) -> None:
        """Labels 0..count-1 on the bar chart's axis (MNIST models have 10)."""
        self._count = count
        self.bars.set_count(count)  # empty bars: the next analysis draws them
        self._bars_shown = None
        self.bar_plot.setXRange(-0.6, count - 0.4, padding=0.0)
        self.bar_plot.getAxis("bottom").setTicks([[(d, str(d)) for d in range(count)]])

    def show_analysis(self, analysis: DigitAnalysis | None, threshold: float = DEFAULT_THRESHOLD,
                      empty: str = "Draw a digit to see the guess") -> None:
        """`threshold`: the "Unusual above" percentile, the one the verdict beside it uses.
        `empty`: what the line says when there is no analysis."""
        losses = None if analysis is None else analysis.label_losses
        if losses is None:
            count = self._count
            if self._bars_shown is not None:
                self.bar_brushes, self.cut = [self._bar_brush] * count, [False] * count
                self.bars.set_bars(np.zeros(count), self.bar_brushes)
                self._bars_shown = None
            self.guess_label.setText(empty)
            self.best_marker.setVisible(False)
            return
        chosen = analysis.label
        guess = analysis.best_labels[0]
        behind = np.minimum(losses - losses[guess], GAP_SHOWN)
        # Redrawn only when a bar would change on screen (to 0.05 nats, under a pixel): a
        # confident guess keeps nine bars at the cap and one at 0 stroke after stroke.
        shown = (tuple(np.round(behind / 0.05).astype(int)), chosen)
        if shown != self._bars_shown:
            self._bars_shown = shown
            self.cut = [bool(b >= GAP_SHOWN) for b in behind]
            self.bar_brushes = [
                (self._chosen_cut_brush if cut else self._chosen_brush) if d == chosen
                else (self._cut_brush if cut else self._bar_brush)
                for d, cut in enumerate(self.cut)]
            self.bars.set_bars(behind, self.bar_brushes)
        if not self.best_marker.isVisible() or self.best_marker.pos().x() != guess:
            self.best_marker.setPos(guess, 0.0)  # moved only when the best label changes
            self.best_marker.setVisible(True)
        text = guess_sentence(analysis, threshold=threshold)
        if chosen is not None and chosen != guess:
            text += f" · reconstructed as {a_digit(chosen)}"
        self.guess_label.setText(text)
