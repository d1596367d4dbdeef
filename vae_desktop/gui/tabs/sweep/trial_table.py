"""The trial table: one row per trial of the study shown, sortable by the values behind the cells,
the best trial highlighted, the sampled settings in bold, and the worker (machine and process)
that ran it. A double-click or Enter asks to open the trial's model, the context menu also to
train with its settings. Tab leaves the table; the arrow keys move between the trials."""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QGuiApplication,
    QKeySequence,
    QPalette,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from vae_desktop.core import settings as table
from vae_desktop.core.settings import TRAIN_IMAGES
from vae_desktop.core.sweep import (
    OBJECTIVE_LABELS,
    SETTINGS,
    TrialRecord,
    best_trial,
    images_text,
    objective_text,
    trial_budget,
    trials_text,
)
from vae_desktop.core.wording import arch_name
from vae_desktop.gui.tabs.sweep.messages import plain_tip, sentence
from vae_desktop.gui.widgets import tones
from vae_desktop.gui.widgets.keyboard_menu import is_menu_key

# Short, so the columns stay narrow; each header's tooltip gives the form's full label.
SHORT_LABELS = {"latent_dim": "Latent", "hidden": "Hidden", "lr": "LR",
                "batch_size": "Batch", "beta": "Beta", "arch": "Arch"}
# The hues of a trial's state (and of a value not final); each cell takes its hue at the contrast
# text needs against the table's rows, light or dark (tones.readable).
QUIET_COLOR = QColor(tones.QUIET)  # secondary words' grey
STATE_COLORS = {"complete": QColor(70, 160, 90), "pruned": QUIET_COLOR,
                "stopped": QColor(230, 140, 40), "fail": QColor(210, 70, 70),
                "lost": QColor(210, 70, 70),
                "running": QColor(70, 140, 255), "waiting": QUIET_COLOR}
BEST_BACKGROUND = QColor(255, 140, 40, 60)  # the best trial's row
HUE_ROLE = Qt.UserRole + 1  # a cell's hue, kept to colour it again for another palette
COLUMNS = ("#", "State", "Test loss", "Epochs", "Images", "Time") \
    + tuple(SHORT_LABELS[s] for s in SETTINGS) + ("Worker",)
VALUE_COLUMN = 2
EPOCHS_COLUMN = 3
IMAGES_COLUMN = 4
TIME_COLUMN = 5
FIRST_SETTING_COLUMN = 6
WORKER_COLUMN = len(COLUMNS) - 1
MAX_WORKER_WIDTH = 180
EXPORT_TIP = ("Every trial of the study shown, as a CSV file: its number, state, value, each "
              "setting, epochs, training and test images, duration and worker, every value whole")


def fmt(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1e-2 or abs(value) >= 1e4 else f"{value:.4g}"
    return str(value)


def setting_text(name: str, value) -> str:
    """A setting's value as the table shows it: an architecture as everywhere ("MLP", "Conv")."""
    return arch_name(value) if name == "arch" and isinstance(value, str) else fmt(value)


def as_shown(value):
    """A float as the table shows it, as a number (0.003940278388674021 -> 0.00394): what a
    person reads there and would type; any other value as it is."""
    if isinstance(value, float) and math.isfinite(value):
        return float(fmt(value))
    return value


def worker_text(record: TrialRecord) -> str:
    """The machine and process that ran the trial, as "host · pid"."""
    if record.pid is None:
        return record.host or "–"
    return f"{record.host or '?'} · {record.pid}"


def state_tip(record: TrialRecord) -> str:
    """A trial's state in a sentence: why it is lost, failed or pruned, when it says."""
    return plain_tip(sentence(f"lost: {record.note}" if record.lost
                              else record.note or record.label))


def epochs_text(done: int, planned: int | None) -> str:
    """The epochs a trial trained, "1 of 3" while (or when it ended) short of its budget."""
    if not done:
        return "–"
    return f"{done} of {planned}" if planned and done < planned else str(done)


def images_tip(budget: dict) -> str:
    """What a trial trained and was scored on, in a sentence."""
    if "train_size" not in budget:
        return "Not recorded."
    tip = f"Trained on {images_text('train_size', budget['train_size'])}"
    if "test_size" in budget:
        tip += f", scored on {images_text('test_size', budget['test_size'])}"
    return tip + "."


class SortableItem(QTableWidgetItem):
    """A cell that shows formatted text and sorts by the value behind it (numbers before text)."""

    def __init__(self, text: str, value) -> None:
        super().__init__(text)
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        self.key = (0, float(value), "") if number else (1, 0.0, str(value))

    def __lt__(self, other) -> bool:
        return self.key < getattr(other, "key", (1, 0.0, other.text()))


class TrialTable(QTableWidget):
    open_requested = Signal(int)  # a trial's number: open its model
    train_requested = Signal(int)  # ... train with its settings
    export_requested = Signal()  # export every trial as CSV

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(COLUMNS)
        for column, name in enumerate(SETTINGS, FIRST_SETTING_COLUMN):
            self.horizontalHeaderItem(column).setToolTip(table.SETTINGS[name].label)
        self.horizontalHeaderItem(WORKER_COLUMN).setToolTip(
            "The machine and process that ran the trial")
        self.horizontalHeaderItem(EPOCHS_COLUMN).setToolTip(
            "The epochs the trial trained (\"1 of 3\": pruned or stopped before its last)")
        self.horizontalHeaderItem(IMAGES_COLUMN).setToolTip(
            "The training images the trial trained on; each cell's tooltip also gives the test "
            "images that scored it. Trials compare only on the same images")
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(24)
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        # Shift- and Ctrl-click pick several rows to copy (Ctrl+C); the trial to open or train
        # with is the current one (selected()).
        self.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        # Tab leaves the table (Qt's tab-key navigation moved from cell to cell, so the focus
        # never left a table with rows); the arrow keys move between the trials.
        self.setTabKeyNavigation(False)
        self.setAlternatingRowColors(True)
        self.setSortingEnabled(True)
        self.sortByColumn(0, Qt.AscendingOrder)
        # Widths set by _fit_columns: Qt's Stretch would cut a learning rate short, and its
        # ResizeToContents leaves all the room over to one column.
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        # A header's size hint keeps room for the sort arrow in every column; only the sorted
        # column shows one. The room, to leave out of the others (13 columns fit at 1280x720).
        with_arrow = [header.sectionSizeHint(c) for c in range(len(COLUMNS))]
        header.setSortIndicatorShown(False)
        self._arrow_room = max(0, *(w - header.sectionSizeHint(c)
                                    for c, w in enumerate(with_arrow)))
        header.setSortIndicatorShown(True)
        header.sortIndicatorChanged.connect(lambda *_: self._fit_columns())
        self.setContextMenuPolicy(Qt.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.itemDoubleClicked.connect(self._double_clicked)
        self.setToolTip("Double-click a trial (or select it and press Enter) to open its model; "
                        "right-click (or press the menu key) for more. Ctrl+C copies the "
                        "selected rows for a spreadsheet")
        self.setAccessibleName("Trials")
        self.setAccessibleDescription("One row per trial of the study shown. Enter opens the "
                                      "selected trial's model; the menu key offers more.")
        self.records: dict[int, TrialRecord] = {}
        self._objective = "test_loss"
        self._recorded: dict | None = None  # the study's budget (SweepStudy.budget)
        # While trials run or arrive, the newest is kept in view, until the user scrolls away
        # from it (back to it: followed again) or picks a trial; their view is then left alone.
        self._follow = True
        self._newest: int | None = None  # the newest trial shown
        self._moving = 0  # > 0 while the table moves its own view
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        tones.follow_palette(self, self._colour_cells)  # a theme switched: the cells follow

    def set_objective(self, objective: str) -> None:
        self.horizontalHeaderItem(VALUE_COLUMN).setText(
            "AUROC" if objective == "auroc" else "Test loss")
        self.horizontalHeaderItem(VALUE_COLUMN).setToolTip(OBJECTIVE_LABELS.get(objective, ""))

    def show_trials(self, records: list[TrialRecord], direction: str, objective: str,
                    keep_selection: bool = True, recorded: dict | None = None) -> None:
        """Fill the table. With keep_selection the selected trial stays selected (the same study,
        refreshed); without, nothing is (another study: its trial 3 is not the one picked).
        `recorded`: the study's budget, for the trials that did not note theirs (trial_budget:
        trials of older versions)."""
        self._recorded = recorded
        keep = self.selected_number() if keep_selection else None
        view = (self.horizontalScrollBar().value(),
                self.verticalScrollBar().value() if keep_selection else 0)
        if not keep_selection:  # another study: from its first trials, followed as they come
            self._follow, self._newest = True, None
        self._moving += 1
        try:
            self._fill(records, direction, objective, keep)
            self._place_view(records, keep, view)
        finally:
            self._moving -= 1

    def _fill(self, records: list[TrialRecord], direction: str, objective: str,
              keep: int | None) -> None:
        self.records = {r.number: r for r in records}
        self._objective = objective
        records = sorted(records, key=lambda t: t.number)
        best = best_trial(records, direction)
        self.set_objective(objective)
        self.setSortingEnabled(False)
        self.clearSelection()
        self.setRowCount(len(records))
        bold = QFont()
        bold.setBold(True)
        for row, record in enumerate(records):
            value = record.value if record.value is not None else record.last_value
            seconds = record.duration_s
            budget = trial_budget(record, self._recorded)
            cells = [record.number, record.label, value, len(record.intermediate) or None,
                     budget.get("train_size"), f"{seconds:.1f} s" if seconds is not None else "–"]
            cells += [record.settings.get(name, record.params.get(name)) for name in SETTINGS]
            cells.append(worker_text(record))
            for col, content in enumerate(cells):
                text = objective_text(objective, content) if col == VALUE_COLUMN else fmt(content)
                if FIRST_SETTING_COLUMN <= col < FIRST_SETTING_COLUMN + len(SETTINGS):
                    text = setting_text(SETTINGS[col - FIRST_SETTING_COLUMN], content)
                key = content
                if col == EPOCHS_COLUMN:
                    text = epochs_text(len(record.intermediate), budget.get("epochs"))
                elif col == IMAGES_COLUMN and content is not None:
                    text, key = (f"{content:,}", content) if content else ("all", TRAIN_IMAGES)
                item = SortableItem(text, key)
                item.setTextAlignment(Qt.AlignCenter)
                if col == 0:
                    item.setData(Qt.UserRole, record.number)
                elif col == 1:
                    item.setData(HUE_ROLE, STATE_COLORS.get(record.label, QUIET_COLOR))
                    item.setToolTip(state_tip(record))
                elif col == IMAGES_COLUMN:
                    item.setToolTip(images_tip(budget))
                elif col == TIME_COLUMN and record.lost:
                    item.setToolTip("Not known: its worker stopped without a word, and the "
                                    "trial was recorded failed when that was noticed.")
                elif col == VALUE_COLUMN and record.value is None and value is not None:
                    item.setToolTip("The last epoch's value: the trial did not complete")
                    item.setData(HUE_ROLE, QUIET_COLOR)
                elif col == WORKER_COLUMN:
                    item.setToolTip(plain_tip(f"Process {record.pid} on {record.host}; its "
                                              "checkpoint is on that machine")
                                    if record.host else "Not recorded")
                elif col >= FIRST_SETTING_COLUMN and \
                        SETTINGS[col - FIRST_SETTING_COLUMN] in record.params:
                    item.setToolTip("Sampled by the sweep")
                    item.setFont(bold)
                if best is not None and record.number == best.number:
                    item.setBackground(BEST_BACKGROUND)
                self.setItem(row, col, item)
        self._colour_cells()
        self.setSortingEnabled(True)
        if keep is not None:
            self.select_trial(keep)  # it scrolls to the trial: _place_view puts the view back
        self._fit_columns()

    def _colour_cells(self) -> None:
        """Each coloured cell in its hue, readable on both row colours and the best trial's."""
        rows = self.palette()
        base, alternate = rows.color(QPalette.Base), rows.color(QPalette.AlternateBase)
        best = tones.over(BEST_BACKGROUND, base)
        made: dict[int, QColor] = {}  # a few hues over many cells: each made readable once
        for row in range(self.rowCount()):
            for col in range(self.columnCount()):
                item = self.item(row, col)
                hue = item.data(HUE_ROLE) if item is not None else None
                if hue is not None:
                    hue = QColor(hue)
                    key = hue.rgba()
                    if key not in made:
                        made[key] = tones.readable(hue, base, alternate, best)
                    item.setForeground(made[key])

    def _place_view(self, records: list[TrialRecord], keep: int | None,
                    view: tuple[int, int]) -> None:
        """After a refill: the newest trial brought into view while trials run or arrive, if
        followed (see __init__) and no trial is selected; otherwise the view as it was."""
        newest = max((r.number for r in records), default=None)
        arrived = newest is not None and self._newest is not None and newest > self._newest
        running = any(r.state == "RUNNING" for r in records)
        self._newest = newest
        self.updateGeometries()  # the scroll range for the rows as they are now
        across, down = view
        if keep is None and self._follow and (running or arrived):
            self.scrollToItem(self._item_of(newest))
            down = self.verticalScrollBar().value()  # up or down only
        self.horizontalScrollBar().setValue(across)
        self.verticalScrollBar().setValue(down)

    def _item_of(self, number: int) -> QTableWidgetItem | None:
        for row in range(self.rowCount()):
            item = self.item(row, 0)
            if item is not None and item.data(Qt.UserRole) == number:
                return item
        return None

    def _in_view(self, number: int | None) -> bool:
        item = self._item_of(number) if number is not None else None
        if item is None:
            return False
        rect, viewport = self.visualItemRect(item), self.viewport().rect()
        return rect.top() >= viewport.top() and rect.bottom() <= viewport.bottom()

    def _scrolled(self, _value: int) -> None:
        """The user scrolled: the newest trial is followed while it is in view."""
        if not self._moving:
            self._follow = self._in_view(self._newest) or self._newest is None

    def _fit_columns(self) -> None:
        """Each column as wide as its cells and header (a long host name up to a limit: the
        tooltip has it whole), and an equal share of the room left over."""
        header = self.horizontalHeader()
        arrow = header.sortIndicatorSection() if header.isSortIndicatorShown() else -1
        widths = [max(self.sizeHintForColumn(c),
                      header.sectionSizeHint(c) - (0 if c == arrow else self._arrow_room))
                  for c in range(self.columnCount())]
        widths[WORKER_COLUMN] = min(widths[WORKER_COLUMN], MAX_WORKER_WIDTH)
        extra = max(self.viewport().width() - sum(widths), 0) // len(widths)
        for column, width in enumerate(widths):
            header.resizeSection(column, width + extra)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_columns()

    def column_texts(self, column: int) -> list[str]:
        """The cells of one column, top to bottom as shown."""
        return [self.item(row, column).text() for row in range(self.rowCount())]

    def selected_number(self) -> int | None:
        """The trial of the current row when it is selected (of several, the one last clicked),
        else of the first selected row; None when no row is selected."""
        rows = [index.row() for index in self.selectionModel().selectedRows()] \
            if self.selectionModel() else []
        if not rows:
            return None
        row = self.currentRow() if self.currentRow() in rows else min(rows)
        item = self.item(row, 0)
        return item.data(Qt.UserRole) if item is not None else None

    def selected_records(self) -> list[TrialRecord]:
        """The selected trials, top to bottom as shown."""
        rows = sorted(index.row() for index in self.selectionModel().selectedRows()) \
            if self.selectionModel() else []
        numbers = [self.item(row, 0).data(Qt.UserRole) for row in rows]
        return [self.records[n] for n in numbers if n in self.records]

    def copy_selected(self) -> bool:
        """The selected rows, every value whole and a header line first, to the clipboard as
        tab-separated text (what a spreadsheet pastes as cells); whether any row was."""
        records = self.selected_records()
        if records:
            QGuiApplication.clipboard().setText(trials_text(records, self._objective,
                                                             recorded=self._recorded))
        return bool(records)

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.Copy):  # Qt's own copies the current cell only
            self.copy_selected()
            event.accept()
            return
        modifiers = event.modifiers() & ~Qt.KeypadModifier
        if is_menu_key(event):
            self._keyboard_menu()  # Wayland, macOS and the offscreen platform send only the key
            event.accept()
            return
        if event.key() in (Qt.Key_Return, Qt.Key_Enter) and modifiers == Qt.NoModifier:
            # Enter opens the selected trial's model, as a double-click does (and as Enter means
            # Use in the Models dialog); Ctrl+Enter stays the tab's Start.
            number = self.selected_number()
            if number is not None:
                self.open_requested.emit(number)
            event.accept()
            return
        super().keyPressEvent(event)

    def selected(self) -> TrialRecord | None:
        number = self.selected_number()
        return self.records.get(number) if number is not None else None

    def select_trial(self, number: int) -> bool:
        item = self._item_of(number)
        if item is None:
            return False
        self.selectRow(item.row())
        self.scrollToItem(item)
        return True

    def _double_clicked(self, item: QTableWidgetItem) -> None:
        number = self.item(item.row(), 0).data(Qt.UserRole)
        self.open_requested.emit(number)

    def context_menu(self, pos) -> QMenu | None:
        """The menu for a right-click at `pos` (viewport coordinates): for the trial there,
        train with its settings, open its model, copy the selected rows; and export every
        trial. A click on a selected row keeps the selection (to copy those rows)."""
        item = self.itemAt(pos)
        record = None
        if item is not None:
            row = item.row()
            if self.selectionModel().isRowSelected(row, QModelIndex()):
                self.setCurrentCell(row, item.column(), QItemSelectionModel.NoUpdate)
            else:
                self.selectRow(row)
            record = self.records.get(self.item(row, 0).data(Qt.UserRole))
        if record is None and not self.records:
            return None
        menu = QMenu(self)
        menu.setToolTipsVisible(True)
        if record is not None:
            train = menu.addAction("Train with these settings")
            train.setToolTip("Copy what this trial trained with into the Train tab")
            train.setEnabled(bool(record.settings))
            train.triggered.connect(lambda: self.train_requested.emit(record.number))
            opened = menu.addAction("Open its model")
            opened.setToolTip("Load this trial's model, list it with your models and make it "
                              "the active one")
            opened.setEnabled(bool(record.checkpoint))
            opened.triggered.connect(lambda: self.open_requested.emit(record.number))
            menu.addSeparator()
            copy = menu.addAction("Copy")
            copy.setShortcut(QKeySequence.Copy)
            copy.setToolTip("The selected rows as tab-separated text, every value whole, for a "
                            "spreadsheet")
            copy.triggered.connect(self.copy_selected)
        export = menu.addAction("Export trials as CSV…")
        export.setToolTip(EXPORT_TIP)
        export.triggered.connect(self.export_requested)
        return menu

    def _menu(self, pos) -> None:
        menu = self.context_menu(pos)
        if menu is not None:
            menu.exec(self.viewport().mapToGlobal(pos))

    def event(self, event) -> bool:
        # The platform's menu event for a key (the menu key on X11, Shift+F10 on Windows) comes
        # at the mouse pointer, or with Qt's position in the table's own coordinates, a row
        # below the current one: the menu is the current trial's, at its row.
        if event.type() == QEvent.ContextMenu and event.reason() == QContextMenuEvent.Keyboard:
            self._keyboard_menu()
            return True
        return super().event(event)

    def _keyboard_menu(self) -> None:
        """The menu of the current trial (its row's), opened at that row (viewport
        coordinates), as a right-click on it opens it."""
        index = self.currentIndex()
        area = self.viewport().rect()
        if index.isValid():
            self.scrollTo(index)  # the row in view: the menu opens on it
            rect = self.visualRect(index)
            pos = QPoint(min(max(rect.left() + 12, 0), area.right()),
                         min(max(rect.center().y(), 0), area.bottom()))
        else:
            pos = QPoint(12, 12)
        self._menu(pos)
