"""The Evaluate tab's report of one model's test-set pass (core.evaluation.EvaluationReport): the
headline numbers, a per-digit table, a histogram of a per-image score and the worst
reconstructions. Selecting a digit in the table narrows the histogram and the gallery to it."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
import torch
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vae_desktop.core.evaluation import AT_MU, SCORE_NAMES, EvaluationReport
from vae_desktop.core.wording import a_digit
from vae_desktop.gui import preferences
from vae_desktop.gui.tabs.evaluate.anomaly_plots import PLOT_BG, legend_key
from vae_desktop.gui.tabs.evaluate.exports import PLOT_MENU_HINT, add_save_plot_action
from vae_desktop.gui.tabs.evaluate.tips import tip
from vae_desktop.gui.widgets import tones
from vae_desktop.gui.widgets.gallery_pairs import PairGallery
from vae_desktop.gui.widgets.hint_text import HINT_COLOUR
from vae_desktop.gui.widgets.plot_grid import readable_axes
from vae_desktop.gui.widgets.plot_menus import menus_go_with

# A tall, narrow gallery beside the table and the histogram: there the pairs stay large at
# 1280x720, where a short gallery below the table shrank them to specks.
GALLERY_COLUMNS = 2
GALLERY_ROWS = 9
GALLERY_MAX_ROWS = 20  # a tall window shows more of the worst, rather than an empty column
HIST_BINS = 60
# After a digit the model was trained without, in the table (a word was cut to "2 ..." at
# 1280x720); its tooltip and the column's say what it means.
UNSEEN_MARK = "*"
ROW_HEIGHT = 21  # ten rows as high as the gallery's nine, so neither column sets the height
HISTOGRAM_KEY = "evaluate/histogram"
GALLERY_HINT = "Test digit | reconstruction. Click one to open it in Draw."
BINARISED_HINT = ("Binarised test digit (what the model is scored on) | reconstruction. Click one "
                  "to open it in Draw.")
ALL_COLOR = (90, 160, 255)
# The selected digit's series in the histogram, and the never-seen digit's words in the table: the
# plot's bright orange as it is, the words as dark (light table) or as light (dark one) as text
# must be to read there (the bright orange read at 2.2:1 on the light table).
DIGIT_COLOR = (255, 150, 50)
# The Rec+KL column's tint, deeper for a harder digit: its alpha from the least to the most, the
# most lowered where the palette's words would not read on it at 4.5:1 (on a dark palette, 3.7:1).
TINT = (255, 140, 40)
TINT_ALPHA = (20, 130)
TINT_SHARE = Qt.UserRole + 1  # a tinted cell's place between the easiest digit (0) and hardest (1)
TABLE_COLUMNS = (
    ("Digit", None, "The digit's label; * marks a digit the model never saw in training"),
    # "N": at 1280x720 a column is 54 px, and "Images" with the sort arrow read "mages".
    ("N", None, "How many test images show this digit"),
    ("Rec+KL", "loss", "Mean reconstruction + KL, nats per image: the reconstruction BCE of the "
     "mean code z = μ plus the KL. Not the negative ELBO of the cards, which samples z: it is not "
     "a bound and can fall below −log p(x)."),
    ("Recon", "recon", "Mean reconstruction BCE, nats per image"),
    ("KL", "kl", "Mean KL divergence of the posterior from the prior, nats"),
    ("PSNR", "psnr", "Mean PSNR of the reconstructions, dB (higher is better)"),
    ("SSIM", "ssim", "Mean structural similarity of the reconstructions (1 is perfect)"),
)
LOSS_COLUMN = [key for _, key, _ in TABLE_COLUMNS].index("loss")  # the tinted one
CARDS = (
    # The headline figures are the field's (one sampled z); the table and the histogram decode
    # z = mu, so each says which it is: the two differ by up to ~10 nats on a 50-D latent.
    ("test_loss", "Negative ELBO", "{:.2f}", "nats / image",
     "Mean negative ELBO of the test set, with one sampled z per image (as in training and "
     "`vae-desktop eval`): an upper bound on −log p(x). The table and the histogram below "
     f"decode z = posterior mean instead; their {AT_MU} is no bound and differs from it, lower "
     "on some models and higher on others: the line under the cards gives it."),
    ("recon", "Reconstruction", "{:.2f}", "nats / image",
     "Mean reconstruction BCE, with one sampled z per image."),
    ("kl", "KL", "{:.2f}", "nats / image",
     "Mean KL(q(z|x) || N(0, I)): the same for a sampled z and for z = posterior mean."),
    ("psnr", "PSNR", "{:.2f}", "dB",
     "Mean PSNR of the reconstructions decoded from z = posterior mean."),
    ("ssim", "SSIM", "{:.3f}", "",
     "Mean SSIM of the reconstructions decoded from z = posterior mean (Gaussian window 11, "
     "sigma 1.5)."),
)
BASIS_NOTE = "Cards: one sampled z per image, as in training. Below: z = μ"
# (images [K, 1, 28, 28], labels [K]) -> reconstructions [K, 1, 28, 28], by the report's model.
Reconstruct = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


class NumberItem(QTableWidgetItem):
    """A table cell that shows formatted text but sorts by its number."""

    def __init__(self, value: float, text: str) -> None:
        super().__init__(text)
        self.value = value
        self.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)

    def __lt__(self, other) -> bool:
        if isinstance(other, NumberItem):
            return self.value < other.value
        return super().__lt__(other)


def _hint(label: QLabel, px: int | None = None) -> QLabel:
    """`label` as secondary words (widgets.hint_text), `px` pixels high if given."""
    if px is not None:
        font = label.font()
        font.setPixelSize(px)
        label.setFont(font)
    tones.set_tone(label, HINT_COLOUR)
    return label


class MetricCard(QFrame):
    def __init__(self, caption: str, unit: str, tooltip: str) -> None:
        super().__init__()
        self.setFrameShape(QFrame.StyledPanel)
        self.setToolTip(tooltip)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 4)
        layout.setSpacing(0)
        top = _hint(QLabel(caption), px=11)
        self.value = QLabel("–")
        self.value.setStyleSheet("font-size: 20px; font-weight: 600;")
        self.unit = _hint(QLabel(unit), px=10)
        layout.addWidget(top)
        layout.addWidget(self.value)
        layout.addWidget(self.unit)


class ReportView(QWidget):
    # Open this test image (its index in the test set) in the Draw tab.
    open_requested = Signal(int)
    # What became of a plot saved from its context menu (a sentence).
    said = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report: EvaluationReport | None = None
        self.unseen: tuple[int, ...] = ()  # digits the report's model was trained without
        self.gallery_indices: list[int] = []  # test-set index of each gallery pair
        # The test images as the report's model was scored on them, float [N, 1, 28, 28].
        self.images: torch.Tensor | None = None
        self._reconstruct: Reconstruct | None = None
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 6, 0)
        cards = QHBoxLayout()
        self.cards: dict[str, MetricCard] = {}
        for key, caption, _fmt, unit, text in CARDS:
            self.cards[key] = MetricCard(caption, unit, tip(text))
            cards.addWidget(self.cards[key])
        layout.addLayout(cards)
        # Where the two figures meet: the cards' negative ELBO (a sampled z) and the table's
        # reconstruction + KL (z = mu).
        self.basis_note = QLabel(f"{BASIS_NOTE}.")
        _hint(self.basis_note)
        layout.addWidget(self.basis_note)

        self.table = QTableWidget(0, len(TABLE_COLUMNS))
        self.table.setHorizontalHeaderLabels([c[0] for c in TABLE_COLUMNS])
        for col, (_, _, column_tip) in enumerate(TABLE_COLUMNS):
            self.table.horizontalHeaderItem(col).setToolTip(column_tip)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        # Tab and Shift+Tab pass through it (Qt's tab-key navigation kept Tab, and each Tab
        # picked the next row, which narrowed the histogram and the gallery without a word).
        self.table.setTabKeyNavigation(False)
        self.table.setAccessibleName("Per-digit table")
        self.table.setToolTip("Per-digit means over the test set. Select a row (click it, or "
                              "move to it with the arrow keys) to see that digit in the "
                              "histogram and the gallery; Ctrl+click it (or press Esc) for every "
                              "digit again.")
        # Exactly ten rows high: the histogram below gets the rest of the height.
        self.table.setFixedHeight(ROW_HEIGHT * 10 + self.table.horizontalHeader().sizeHint().height()
                                  + 4)
        self.table.itemSelectionChanged.connect(self._on_digit_selected)
        tones.follow_palette(self.table, self._recolour_table)  # readable on a theme switched to
        QShortcut(QKeySequence(Qt.Key_Escape), self.table, self.table.clearSelection,
                  context=Qt.WidgetShortcut)

        numbers = QVBoxLayout()
        numbers.addWidget(self.table)
        hist_header = QHBoxLayout()
        hist_caption = QLabel("<b>Per-image scores</b>, z = μ")
        hist_header.addWidget(hist_caption)
        hist_header.addStretch(1)
        self.hist_combo = QComboBox()
        hist_caption.setBuddy(self.hist_combo)  # names the box for a screen reader
        for key, text in SCORE_NAMES.items():
            self.hist_combo.addItem(text[0].upper() + text[1:], key)
        self.hist_combo.setToolTip("Which per-image score to plot (z = posterior mean)")
        self.hist_combo.currentIndexChanged.connect(self._show_histogram)
        hist_header.addWidget(self.hist_combo)
        numbers.addLayout(hist_header)
        self.hist_plot = pg.PlotWidget(background=PLOT_BG, enableMenu=False)
        menus_go_with(self.hist_plot)
        self.hist_plot.setMouseEnabled(x=False, y=False)
        self.hist_plot.setLabel("left", "% of images")
        readable_axes(self.hist_plot)
        self.hist_plot.setMinimumHeight(120)
        self.hist_plot.setToolTip(f"Per-image scores of the test digits, z = μ. {PLOT_MENU_HINT}")
        self.hist_plot.setAccessibleName("Per-image score histogram")
        self.hist_plot.setAccessibleDescription(PLOT_MENU_HINT)
        add_save_plot_action(self.hist_plot, self.hist_plot, "per-image-scores.png",
                             self.said.emit)
        numbers.addWidget(self.hist_plot, 1)

        gallery_box = QVBoxLayout()
        self.gallery_title = QLabel()
        self.gallery_title.setTextFormat(Qt.RichText)
        gallery_box.addWidget(self.gallery_title)
        self.gallery = PairGallery(GALLERY_COLUMNS, GALLERY_ROWS, max_rows=GALLERY_MAX_ROWS)
        self.gallery.rows_fit.connect(self._gallery_rows_fit)
        self.gallery.setToolTip("The test digits the model reconstructs worst (highest BCE), "
                                "each beside its reconstruction. Click one to open it in Draw; "
                                "from the keyboard, the arrow keys move the blue frame from pair "
                                "to pair and Enter opens the framed one.")
        self.gallery.setAccessibleName("Worst reconstructions")
        self.gallery.setAccessibleDescription(
            "Test digits beside their reconstructions, the worst first. The arrow keys move "
            "between them, Enter opens one in the Draw tab.")
        self.gallery.clicked.connect(self._on_gallery_clicked)
        self.gallery.described.connect(self._describe_pair)
        gallery_box.addWidget(self.gallery, 1)

        row = QHBoxLayout()
        row.addLayout(numbers, 1)
        row.addLayout(gallery_box, 0)
        layout.addLayout(row, 1)
        # One line: what a pair shows, or the hovered one's figures (they fit in one line at the
        # report's width in a 1264x672 window, where a second line cost a scroll bar).
        self.gallery_info = QLabel(GALLERY_HINT)
        _hint(self.gallery_info)
        self.gallery_info.setMinimumHeight(self.gallery_info.fontMetrics().height())
        # Its changing text never widens the report (the splitter would jump on hover).
        self.gallery_info.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        layout.addWidget(self.gallery_info)

    # ------------------------------------------------------------------ settings
    def save_settings(self, settings) -> None:
        settings.setValue(HISTOGRAM_KEY, self.hist_combo.currentData())

    def restore_settings(self, settings) -> None:
        """The histogram's score; an unknown one gives the first (reconstruction + KL)."""
        index = self.hist_combo.findData(preferences.read_str(settings, HISTOGRAM_KEY))
        self.hist_combo.setCurrentIndex(max(index, 0))

    # ------------------------------------------------------------------ what is shown
    def clear(self) -> None:
        self.report = None
        self.images = None
        self.unseen = ()
        self._reconstruct = None
        for card in self.cards.values():
            card.value.setText("–")
        self.basis_note.setText(f"{BASIS_NOTE}.")
        self.basis_note.setToolTip("")
        self.table.setRowCount(0)
        self.hist_plot.clear()
        self.hist_plot.setTitle("")
        self.gallery.set_pairs(np.zeros((0, 28, 28)), np.zeros((0, 28, 28)))
        self.gallery_indices = []
        self.gallery_title.setText("<b>Worst reconstructions</b>")
        self.gallery_info.setText(GALLERY_HINT)

    def show_report(self, report: EvaluationReport, images: torch.Tensor,
                    reconstruct: Reconstruct, unseen: tuple[int, ...] = ()) -> None:
        """`images`: the test images the report is of; `reconstruct`: the report's model, for the
        gallery of one digit (the report keeps only the worst reconstructions overall);
        `unseen`: the digits the model was trained without, marked in the table."""
        self.report, self.images, self._reconstruct = report, images, reconstruct
        self.unseen = tuple(unseen)
        summary = report.to_dict()
        for key, _caption, fmt, _unit, _tip in CARDS:
            self.cards[key].value.setText(fmt.format(summary[key]))
        self._show_basis(report)
        self._fill_table(report)
        self._show_histogram()
        self._show_gallery()

    def _show_basis(self, report: EvaluationReport) -> None:
        """Say which z each figure decodes, with the z = mu figure (AT_MU) beside the card's."""
        at_mu = float(report.scores["loss"].mean())
        gap = at_mu - report.test_loss
        self.basis_note.setText(f"{BASIS_NOTE}: mean {AT_MU} {at_mu:.2f}.")
        self.basis_note.setToolTip(tip(
            f"The cards score each test image with one z drawn from q(z|x), as training and "
            f"`vae-desktop eval` do: their negative ELBO is an upper bound on −log p(x). The "
            f"per-digit table, the histogram and the gallery decode z = μ, the posterior mean: "
            f"deterministic, and what the anomaly scores use. At z = μ the {AT_MU} is not a "
            f"bound: it can fall below −log p(x). For this model it is {at_mu:.2f}, "
            f"{abs(gap):.2f} nats {'higher' if gap > 0 else 'lower'} than the card's "
            f"{report.test_loss:.2f}."))

    def _fill_table(self, report: EvaluationReport) -> None:
        table = self.table
        table.blockSignals(True)
        table.setSortingEnabled(False)
        table.clearSelection()
        table.setRowCount(len(report.per_digit))
        losses = [row.loss for row in report.per_digit]
        low, high = min(losses), max(losses)
        deepest = self._deepest_tint()
        for r, row in enumerate(report.per_digit):
            if row.digit in self.unseen:
                # Marked at sight, and said: its scores are those of digits new to the model.
                digit_item = NumberItem(row.digit, f"{row.digit}{UNSEEN_MARK}")
                digit_item.setForeground(self._unseen_colour())
                digit_item.setToolTip(tip(
                    f"Never seen in training: the model was trained without {row.digit}s, so "
                    f"these {row.count:,} test digits are new to it (the anomalies of its "
                    f"held-out test)."))
            else:
                digit_item = NumberItem(row.digit, str(row.digit))
            digit_item.setTextAlignment(Qt.AlignCenter)
            table.setItem(r, 0, digit_item)
            table.setItem(r, 1, NumberItem(row.count, f"{row.count:,}"))
            for col, (_, key, _) in enumerate(TABLE_COLUMNS[2:], start=2):
                value = getattr(row, key)
                text = f"{value:.3f}" if key == "ssim" else f"{value:.1f}" if key != "psnr" \
                    else f"{value:.2f}"
                item = NumberItem(value, text)
                if key == "loss" and high > low:
                    # Tint the hardest digits: a quick read of which digits the model finds hard.
                    share = (value - low) / (high - low)
                    item.setData(TINT_SHARE, share)
                    item.setBackground(self._tint(share, deepest))
                table.setItem(r, col, item)
        table.setSortingEnabled(True)
        table.sortItems(0, Qt.AscendingOrder)
        table.blockSignals(False)

    def _unseen_colour(self) -> QColor:
        """The never-seen digit's words: the histogram's orange, readable on the table's rows
        (plain and alternate)."""
        palette = self.table.palette()
        return tones.readable(QColor(*DIGIT_COLOR), palette.color(QPalette.Base),
                              palette.color(QPalette.AlternateBase))

    def _deepest_tint(self) -> int:
        """The alpha of the deepest Rec+KL tint the table's words read on at 4.5:1, over either
        row: it depends on the table's palette only, so it is looked for once per fill or
        palette."""
        palette = self.table.palette()
        words = palette.color(QPalette.Text)
        rows = (palette.color(QPalette.Base), palette.color(QPalette.AlternateBase))
        least, most = TINT_ALPHA
        while most > least and min(tones.contrast(words, tones.over(QColor(*TINT, most), row))
                                   for row in rows) < tones.TEXT_CONTRAST:
            most -= 2
        return most

    @staticmethod
    def _tint(share: float, deepest: int) -> QColor:
        """The Rec+KL tint of a digit `share` of the way from the easiest to the hardest, from
        the least alpha up to `deepest` (the palette's, _deepest_tint)."""
        least = TINT_ALPHA[0]
        return QColor(*TINT, round(least + (deepest - least) * share))

    def _recolour_table(self) -> None:
        """The never-seen digits' words and the tints made again, for the palette the table has
        now."""
        colour = self._unseen_colour()
        deepest = self._deepest_tint()
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.text().endswith(UNSEEN_MARK):
                item.setForeground(colour)
            tinted = self.table.item(row, LOSS_COLUMN)
            if tinted is not None and tinted.data(TINT_SHARE) is not None:
                tinted.setBackground(self._tint(tinted.data(TINT_SHARE), deepest))

    def selected_digit(self) -> int | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        return int(item.value) if isinstance(item, NumberItem) else None

    def _on_digit_selected(self) -> None:
        self._show_histogram()
        self._show_gallery()

    def _show_histogram(self) -> None:
        plot = self.hist_plot
        plot.clear()
        plot.setTitle("")
        if self.report is None:
            return
        key = self.hist_combo.currentData()
        scores = self.report.scores[key].numpy()
        labels = self.report.labels.numpy()
        low, high = np.percentile(scores, [0.0, 99.5])
        if key in ("psnr", "ssim"):
            low, high = np.percentile(scores, [0.5, 100.0])
        edges = np.linspace(low, high, HIST_BINS + 1)
        series = [("all digits", scores, ALL_COLOR)]
        digit = self.selected_digit()
        if digit is not None:
            series.append((f"digit {digit}", scores[labels == digit], DIGIT_COLOR))
        keys = []
        for name, values, color in series:
            counts, _ = np.histogram(values, bins=edges)  # the far tail (0.5%) falls outside
            share = counts / max(len(values), 1) * 100.0
            plot.plot(edges, share, stepMode="center", fillLevel=0, fillOutline=True,
                      brush=(*color, 70), pen=pg.mkPen(color, width=1.5))
            keys.append(legend_key(f"{name}, mean {values.mean():.3g}", color))
        plot.setTitle("&nbsp;&nbsp;".join(keys))
        plot.setLabel("bottom", SCORE_NAMES[key])
        plot.setXRange(low, high, padding=0.02)

    def _show_gallery(self) -> None:
        report = self.report
        if report is None or self.images is None or self._reconstruct is None:
            return
        count = GALLERY_COLUMNS * self.gallery.rows
        digit = self.selected_digit()
        images = self.images
        if digit is None and count <= len(report.worst):
            indices = report.worst[:count]
            recons = report.reconstructions[:count]
            self.gallery_title.setText("<b>Worst reconstructions</b>")
        elif digit is None:  # more than the report kept: the rest are decoded now (a few ms)
            indices = torch.argsort(report.scores["recon"], descending=True)[:count]
            recons = self._reconstruct(images[indices], report.labels[indices])[:, 0]
            self.gallery_title.setText("<b>Worst reconstructions</b>")
        else:
            candidates = torch.nonzero(report.labels == digit).flatten()
            order = torch.argsort(report.scores["recon"][candidates], descending=True)
            indices = candidates[order[:count]]
            recons = self._reconstruct(images[indices], report.labels[indices])[:, 0]
            self.gallery_title.setText(f"<b>Worst reconstructions</b> · digit {digit}")
        self.gallery_indices = [int(i) for i in indices]
        self.gallery.set_pairs(images[indices, 0].numpy(), recons.numpy())  # says `described`

    def _hint(self) -> str:
        """What a pair shows: a binarised model's inputs are binarised."""
        return BINARISED_HINT if self.report is not None and self.report.binarized else GALLERY_HINT

    def _gallery_rows_fit(self, rows: int) -> None:
        self.gallery.set_rows(rows)
        if self.report is None:
            self.gallery.set_pairs(np.zeros((0, 28, 28)), np.zeros((0, 28, 28)))
        else:
            self._show_gallery()

    def _describe_pair(self, index: int) -> None:
        """The line under the gallery: pair `index`'s figures (the one hovered, or the current
        one while the gallery has the focus), or (-1) what the pairs show."""
        if index < 0 or self.report is None or index >= len(self.gallery_indices):
            self.gallery_info.setText(self._hint())
            return
        i = self.gallery_indices[index]
        s = self.report.scores
        self.gallery_info.setText(
            f"#{i}, {a_digit(int(self.report.labels[i]))}"
            f"{' (binarised)' if self.report.binarized else ''}: reconstruction {float(s['recon'][i]):.1f} "
            f"nats, PSNR {float(s['psnr'][i]):.1f} dB, SSIM {float(s['ssim'][i]):.2f}. "
            f"{'Enter or a click opens' if self.gallery.hasFocus() else 'Click to open'} it "
            f"in Draw.")

    def _on_gallery_clicked(self, index: int) -> None:
        if 0 <= index < len(self.gallery_indices):
            self.open_requested.emit(self.gallery_indices[index])
