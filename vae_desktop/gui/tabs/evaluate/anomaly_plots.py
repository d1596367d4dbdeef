"""The anomaly panel's views of one AnomalyResult (core.anomaly): a summary line, the score
histograms of normal and held-out test digits with the threshold, the ROC curve and the
synthetic outliers' table."""

from __future__ import annotations

from html import escape

import numpy as np
import pyqtgraph as pg
import torch
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vae_desktop.core.anomaly import OUTLIERS, SCORES, AnomalyResult
from vae_desktop.core.wording import ordinal
from vae_desktop.gui.tabs.evaluate.exports import PLOT_MENU_HINT, add_save_plot_action
from vae_desktop.gui.tabs.evaluate.tips import tip
from vae_desktop.gui.widgets.empty_plot import add_hint, show_axis_values
from vae_desktop.gui.widgets.hint_text import hint_colour
from vae_desktop.gui.widgets.image_view import DigitView
from vae_desktop.gui.widgets.plot_menus import menus_go_with
from vae_desktop.gui.widgets.roc_plot import RocPlot
from vae_desktop.gui.widgets.tones import follow_palette

PLOT_BG = "#202124"
NORMAL_COLOR = (90, 160, 255)
HELD_COLOR = (255, 150, 50)
THRESHOLD_COLOR = (240, 80, 80)
HIST_BINS = 60
OUTLIER_ROW = 32  # table row height, fits a small example image
EMPTY = ("No detector yet: press <b>Train held-out model</b> (the standard experiment) or "
         "<b>Score active model</b>.")


def empty_text(palette) -> str:
    """EMPTY in the hints' grey, readable on `palette`."""
    return f"<span style='color: {hint_colour(palette).name()}'>{EMPTY}</span>"


def legend_key(text: str, color: tuple[int, int, int], mark: str = "■") -> str:
    """A coloured mark and its text, for a plot title that works as a legend. A legend that
    wraps breaks between keys, never inside one."""
    hex_color = "#{:02x}{:02x}{:02x}".format(*color)
    text = text.replace(" ", "&nbsp;")
    return (f"<span style='font-size: 9pt'><span style='color: {hex_color}'>{mark}</span>"
            f"&nbsp;{text}</span>")


def _phrase(text: str) -> str:
    """`text` (plain) as rich text that wraps only around it, never inside."""
    return f"<span style='white-space: nowrap'>{escape(text)}</span>"


def _item(text: str, number: bool = False, tooltip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    horizontal = Qt.AlignRight if number else Qt.AlignLeft
    item.setTextAlignment(horizontal | Qt.AlignVCenter)
    if tooltip:
        item.setToolTip(tooltip)
    return item


class AnomalyPlots(QWidget):
    # What became of a plot saved from its context menu (a sentence).
    said = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.RichText)
        self.summary.setWordWrap(True)
        self._empty = False  # the summary says there is no detector yet
        follow_palette(self.summary, self._redraw_empty)  # its grey readable on a new theme
        layout.addWidget(self.summary)

        plots = QHBoxLayout()
        # The legend and the histogram in one widget: saved as PNG together.
        self.hist_box = QWidget()
        hist_column = QVBoxLayout(self.hist_box)
        hist_column.setContentsMargins(0, 0, 0, 0)
        hist_column.setSpacing(2)
        # The legend: a label that wraps, over the histogram (a plot's title is one line, and at
        # 1280x720 it was cut: "threshold (95th pct").
        self.hist_legend = QLabel()
        self.hist_legend.setTextFormat(Qt.RichText)
        self.hist_legend.setWordWrap(True)
        self.hist_legend.setAlignment(Qt.AlignCenter)
        self.hist_plot = pg.PlotWidget(background=PLOT_BG, enableMenu=False)
        menus_go_with(self.hist_plot)
        self.hist_plot.setMouseEnabled(x=False, y=False)
        self.hist_plot.setLabel("bottom", f"{SCORES['elbo']} (nats)")
        self.hist_plot.setLabel("left", "% of images")
        self.hist_plot.setToolTip("Score histograms of normal test digits and held-out test "
                                  f"digits; the red dashed line is the threshold. {PLOT_MENU_HINT}")
        self.hist_plot.setAccessibleName("Anomaly score histogram")
        self.hist_plot.setAccessibleDescription(PLOT_MENU_HINT)
        hist_column.addWidget(self.hist_legend)
        hist_column.addWidget(self.hist_plot, 1)
        self.roc_plot = RocPlot()
        self.roc_plot.setToolTip(f"{self.roc_plot.toolTip()} {PLOT_MENU_HINT}")
        self.roc_plot.setAccessibleDescription(PLOT_MENU_HINT)
        add_save_plot_action(self.hist_plot, self.hist_box, "anomaly-scores.png", self.said.emit)
        add_save_plot_action(self.roc_plot, self.roc_plot, "roc-curve.png", self.said.emit)
        plots.addWidget(self.hist_box, 3)
        plots.addWidget(self.roc_plot, 2)
        layout.addLayout(plots, 3)

        self.outlier_table = QTableWidget(len(OUTLIERS), 5)
        self.outlier_table.setHorizontalHeaderLabels(
            ["Example", "Synthetic outlier (1,000 each)", "Mean score", "AUROC", "Flagged"])
        self.outlier_table.verticalHeader().hide()
        self.outlier_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.outlier_table.setSelectionMode(QAbstractItemView.NoSelection)
        self.outlier_table.setFocusPolicy(Qt.NoFocus)
        self.outlier_table.setTabKeyNavigation(False)  # never a Tab stop, and never keeps Tab
        header = self.outlier_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        self.outlier_table.setToolTip(
            "Outliers made from normal test digits, scored like them. AUROC: chance that an "
            "outlier scores above a normal digit. Flagged: share above the threshold.")
        self.outlier_views = {}
        for row, name in enumerate(OUTLIERS):
            view = DigitView(min_size=28)
            view.setFixedSize(OUTLIER_ROW - 2, OUTLIER_ROW - 2)
            view.ci.setContentsMargins(0, 0, 0, 0)  # the digit fills the little cell
            self.outlier_views[name] = view
            # In the middle of its cell: the column is as wide as its header, "Example".
            cell = QWidget()
            centred = QHBoxLayout(cell)
            centred.setContentsMargins(0, 0, 0, 0)
            centred.addWidget(view, 0, Qt.AlignCenter)
            self.outlier_table.setCellWidget(row, 0, cell)
            self.outlier_table.setRowHeight(row, OUTLIER_ROW)
            self.outlier_table.setItem(row, 1, _item(OUTLIERS[name]))
        self.outlier_table.setColumnWidth(0, OUTLIER_ROW + 8)
        height = self.outlier_table.horizontalHeader().sizeHint().height() + 4 * OUTLIER_ROW + 4
        self.outlier_table.setFixedHeight(height)
        layout.addWidget(self.outlier_table)

    def _redraw_empty(self) -> None:
        if self._empty:
            self.summary.setText(empty_text(self.summary.palette()))

    def name_score(self, score: str) -> None:
        """Label the histogram's axis with `score` (a key of SCORES)."""
        self.hist_plot.setLabel("bottom", f"{SCORES[score]} (nats)")

    def show_empty(self, examples: dict[str, np.ndarray], score: str) -> None:
        """No result: a hint, one example image of each synthetic outlier, and the axis named
        after `score`, the score chosen (not the one of a result that has gone)."""
        self._empty = True
        self.summary.setText(empty_text(self.summary.palette()))
        self.hist_plot.clear()
        self.hist_plot.setTitle(None)
        self.name_score(score)
        self.hist_legend.setText("&nbsp;&nbsp; ".join([
            legend_key("normal digits", NORMAL_COLOR),
            legend_key("held-out digits", HELD_COLOR),
            legend_key("threshold", THRESHOLD_COLOR, "┆")]))
        self.hist_legend.setToolTip("Normal digits: the test digits of the digits the model was "
                                    "trained on. Held-out digits: those it never saw.")
        self.roc_plot.show_message("")
        for row in range(len(OUTLIERS)):
            for col in (2, 3, 4):
                self.outlier_table.setItem(row, col, _item("–", number=True))
        for name, view in self.outlier_views.items():
            view.set_image(examples.get(name))
        add_hint(self.hist_plot, "Train a held-out model or score the active model\n"
                                 "to see the score histograms here.")
        self.hist_plot.setXRange(0, 1)
        self.hist_plot.setYRange(0, 1)
        show_axis_values(self.hist_plot, False)

    def show_result(self, result: AnomalyResult, detector: str) -> None:
        """`detector`: the scoring model's name, as the summary's first words."""
        self._empty = False
        self._show_summary(result, detector)
        self._show_histograms(result)
        if result.auroc is None:
            self.roc_plot.show_message("ROC curve: hold out a digit")
        else:
            at = result.at_threshold
            self.roc_plot.show_curve(result.fpr.numpy(), result.tpr.numpy(), result.auroc,
                                     (at["false_positive_rate"], at["recall"]))
        for row, name in enumerate(OUTLIERS):
            self.outlier_views[name].set_image(result.outlier_examples[name].numpy())
            self.outlier_table.setItem(
                row, 2, _item(f"{float(result.outliers[name].mean()):,.1f}", number=True))
            auc = result.outlier_auroc[name]
            auc_item = _item(f"{auc:.3f}", number=True)
            if auc < 0.5:
                auc_item.setToolTip("Below 0.5: these outliers score LOWER than real digits; "
                                    "the model finds them easy to explain")
                auc_item.setForeground(pg.mkColor(THRESHOLD_COLOR))
            self.outlier_table.setItem(row, 3, auc_item)
            self.outlier_table.setItem(
                row, 4, _item(f"{result.outlier_flagged[name]:.1%}", number=True))

    def _show_summary(self, result: AnomalyResult, detector: str) -> None:
        name = escape(detector)  # a name may hold "<"
        threshold = f"{result.threshold:,.1f} nats"
        percentile = f"{ordinal(result.percentile)} percentile of the training digits' scores"
        self.summary.setToolTip(tip(
            f"The threshold, {threshold}, is the {percentile} ({SCORES[result.score]}): that "
            f"share of the images the model was trained on score below it. An image scoring "
            f"above it is flagged as unusual."))
        if result.auroc is None:
            fp = float((result.normal > result.threshold).float().mean())
            self.summary.setText(
                f"<b>{name}</b>, with every test digit taken as normal: threshold {threshold} "
                f"({percentile}). {fp:.1%} of them score above it (false alarms). Hold out a "
                f"digit for an ROC curve.")
            return
        at = result.at_threshold
        held = ",".join(map(str, result.holdout))
        # Phrases that never break inside (a line of "ELBO)" alone, at 1280x720): the threshold
        # is a whole line of its own in a wide window.
        figures = " · ".join(_phrase(text) for text in (
            f"precision {at['precision']:.3f}", f"recall {at['recall']:.3f}",
            f"false alarms {at['false_positive_rate']:.1%}"))
        # Short enough for two lines in the anomaly half of a 1280x720 window; the tooltip says
        # the threshold in full.
        short = f"({ordinal(result.percentile)} percentile of training scores)"
        self.summary.setText(
            f"<b>{name}</b>, held-out {held} against the other digits: "
            f"<span style='font-size: 15px'><b>AUROC {result.auroc:.3f}</b></span> · "
            f"{figures} {_phrase(f'at threshold {threshold} {short}')}")

    def _show_histograms(self, result: AnomalyResult) -> None:
        plot = self.hist_plot
        plot.clear()
        show_axis_values(plot, True)
        series = [("normal digits", result.normal, NORMAL_COLOR)]
        if result.anomalous.numel():
            held = ",".join(map(str, result.holdout))
            series.append((f"held-out {held}", result.anomalous, HELD_COLOR))
        values = torch.cat([s for _, s, _ in series]).numpy()
        low, high = np.percentile(values, [0.0, 99.5])
        high = max(high, result.threshold * 1.05)
        edges = np.linspace(low, high, HIST_BINS + 1)
        for name, scores, color in series:
            counts, _ = np.histogram(scores.numpy(), bins=edges)
            share = counts / max(len(scores), 1) * 100.0
            plot.plot(edges, share, stepMode="center", fillLevel=0, fillOutline=True,
                      brush=(*color, 70), pen=pg.mkPen(color, width=1.5), name=name)
        line = pg.InfiniteLine(result.threshold, angle=90,
                               pen=pg.mkPen(THRESHOLD_COLOR, width=2, style=Qt.DashLine))
        plot.addItem(line)
        # The legend is over the plot, not in it: there it would hide a histogram's peak.
        keys = [legend_key(name, color) for name, _, color in series]
        keys.append(legend_key(f"threshold ({ordinal(result.percentile)} percentile)",
                               THRESHOLD_COLOR, "┆"))
        self.hist_legend.setText("&nbsp;&nbsp; ".join(keys))  # breaks only between keys
        self.name_score(result.score)
        plot.setXRange(low, high, padding=0.02)
        plot.enableAutoRange(axis="y")  # the empty state fixed it at 0..1
