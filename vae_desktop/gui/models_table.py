"""The Models dialog's table (gui.models_dialog): a row for each model, with its settings,
epochs, test loss, training images, date and origin; a greyed row for each entry of the list
whose file cannot be read or is not there. What each cell says, its tooltip and what it sorts
by, and how the columns share the room; and SortControls, the keyboard's way to the sort a click
on a column's title makes. A view of the values it is given: the dialog fills it from the app
state."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from vae_desktop.core.checkpoint import Checkpoint
from vae_desktop.core.library import Unlisted
from vae_desktop.core.library_index import ModelEntry
from vae_desktop.core.model_words import (
    OTHER_DATA_MARK,
    PART_MARK,
    LossNote,
    loss_note,
    train_images,
    trained_on_text,
)
from vae_desktop.core.wording import arch_name, hidden_text

COLUMNS = ("Name", "Kind", "Arch", "Latent", "Hidden", "Beta", "Epochs", "Test loss", "Trained on",
           "Added", "From")
ORIGIN_TEXT = {"bundled": "comes with the app", "trained": "trained here", "sweep": "sweep trial",
               "holdout": "held-out-digit run", "opened": "opened file",
               "saved": "saved as a file"}
LOSS_TIP = ("The negative ELBO per test image, in nats, after the model's last epoch: lower is "
            "better. Compare only losses measured on the same data: a mark says where one was "
            "not (hover it for why).")
REVERSE_KEY = "Ctrl+R"
SORT_TIP = ("Click to sort by this column, again for the other way round, a third time for the "
            "list's own order. Numbers sort as numbers and dates as dates; a cell with no value "
            "(–) comes last. From the keyboard: Sort by, under the list (Alt+S), and Reverse "
            f"({REVERSE_KEY}).")
LIST_ORDER = "List order"
SORT_BY_TIP = ("Sort the list by a column, as a click on the column's title does (the arrow on the "
               f"title shows it); {LIST_ORDER} puts it back in the order the models were added. "
               f"Reverse ({REVERSE_KEY}) sorts the other way round.")
REVERSE_TIP = (f"Sort the other way round: largest, latest or Z first ({REVERSE_KEY}), as a second "
               "click on the column's title does")
SORT_ROLE = Qt.UserRole + 1
UNREADABLE = "This model cannot be used, since its file could not be read"
MISSING = "This model cannot be used until its file is back"
NUMBER_COLUMNS = ("Latent", "Hidden", "Beta", "Epochs", "Test loss")
# The columns that give up room where there is not enough, and the least each keeps (px).
LEAST_WIDTH = {"Name": 200, "Trained on": 140}
LEGEND = {PART_MARK: f"{PART_MARK} measured on part of the test set",
          OTHER_DATA_MARK: f"{OTHER_DATA_MARK} measured on other data (binarised MNIST, another "
                           "dataset) or on data the file does not name: not comparable with the "
                           "others"}


class SortingItem(QTableWidgetItem):
    """A cell that sorts by its key: a tuple (group, value...), or None for a cell with no
    value. Groups keep their order whichever way the column is sorted (losses of other data
    after the others), and None comes last either way."""

    def __init__(self, text: str, key) -> None:
        super().__init__(text)
        self.setData(SORT_ROLE, key)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(SORT_ROLE), other.data(SORT_ROLE)
        group = 2 if mine is None else mine[0]
        other_group = 2 if theirs is None else theirs[0]
        if group != other_group:
            # Descending, Qt puts a before b when b < a: the groups' order is turned back.
            table = self.tableWidget()
            descending = (table is not None and table.horizontalHeader().sortIndicatorOrder()
                          == Qt.DescendingOrder)
            return (group < other_group) != descending
        if mine is None:
            return False
        return mine[1:] < theirs[1:]


class ModelsTable(QTableWidget):
    """One row a model (its Checkpoint in the first cell's Qt.UserRole), then one a greyed
    entry (its ModelEntry there); rows picked whole, one at a time; sorted by a click on a
    column's title, the list's own order until then."""

    def __init__(self, parent=None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(COLUMNS)
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        # Tab and Shift+Tab leave it for the buttons (Qt's tab-key navigation kept Tab, moving
        # from cell to cell and picking each row in turn); the arrow keys pick a model.
        self.setTabKeyNavigation(False)
        self.setAccessibleName("Models")
        self.verticalHeader().setVisible(False)
        self.setAlternatingRowColors(True)
        # A name too long for its column is cut in the middle (its start and its date stay),
        # never wrapped; its tooltip says it whole.
        self.setWordWrap(False)
        self.setTextElideMode(Qt.ElideMiddle)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)  # widths: fit_columns
        header.setSortIndicator(-1, Qt.AscendingOrder)  # the list's own order until a click
        header.setSortIndicatorClearable(True)  # a third click gives that order back
        self.setSortingEnabled(True)
        # The third click clears the arrow, and Qt leaves the rows as they were sorted: the
        # dialog fills the table again then (show_rows puts the rows in the list's order).
        for column, title in enumerate(COLUMNS):
            tip = LOSS_TIP + "\n\n" if title == "Test loss" else ""
            self.horizontalHeaderItem(column).setToolTip(tip + SORT_TIP)
        self.viewport().installEventFilter(self)  # the widths follow the room

    def sort_by(self, column: int, order: Qt.SortOrder = Qt.AscendingOrder) -> None:
        """Sort as clicks on a column's title do (-1: the list's own order), the title's arrow
        with it."""
        self.horizontalHeader().setSortIndicator(column, order)

    def show_rows(self, models: list[Checkpoint], unreadable: list[tuple[ModelEntry, Unlisted]],
                  active: Checkpoint | None, entry_of) -> set[str]:
        """Fill the table: `models` (the `active` one bold), then the `unreadable` entries,
        each with what was found of its file (not there, or why it could not be read).
        `entry_of(ckpt)`: the model's entry in the list, or None. Returns the marks the Test
        loss column shows."""
        self.setSortingEnabled(False)  # rows stay where they are put while they are filled
        self.setRowCount(len(models) + len(unreadable))
        marks = set()
        for row, ckpt in enumerate(models):
            note = loss_note(ckpt)
            if ckpt.test_loss is not None and note.mark:
                marks.add(note.mark)
            where = str(ckpt.path) if ckpt.path else "not saved to a file yet"
            cells = model_cells(ckpt, note, entry_of(ckpt), ckpt is active)
            for column, (text, key) in enumerate(cells):
                item = SortingItem(text, key)
                if COLUMNS[column] in NUMBER_COLUMNS:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                item.setToolTip(cell_tip(COLUMNS[column], text, note, ckpt, where))
                if ckpt is active:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.setItem(row, column, item)
            self.item(row, 0).setData(Qt.UserRole, ckpt)
        for row, (entry, found) in enumerate(unreadable, start=len(models)):
            tip = (f"{MISSING}: {found.reason}: {entry.path}" if found.missing
                   else f"{UNREADABLE}: {found.reason}\n{entry.path}")
            for column, (text, key) in enumerate(entry_cells(entry, found)):
                item = SortingItem(text, key)
                if COLUMNS[column] in NUMBER_COLUMNS:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                item.setToolTip(f"{entry.name}\n{tip}" if column == 0 else tip)
                item.setForeground(self.palette().color(QPalette.Disabled, QPalette.Text))
                self.setItem(row, column, item)
            self.item(row, 0).setData(Qt.UserRole, entry)
        self.setSortingEnabled(True)  # sorted again as the user last asked, if they did
        return marks

    def natural_width(self, column: int) -> int:
        """What a column needs for its title and its longest cell."""
        return max(self.sizeHintForColumn(column),
                   self.horizontalHeader().sectionSizeHint(column))

    def fit_columns(self) -> None:
        """Every column as wide as it needs, Name taking the room to spare. Where there is not
        that much room (a 1280x720 screen), Name and Trained on give it up, down to their least
        widths, their text cut in the middle (the tooltips say it whole); the other columns,
        short numbers and words, never are. Only narrower still, a scroll bar."""
        widths = [self.natural_width(c) for c in range(len(COLUMNS))]
        room = self.viewport().width()
        excess = sum(widths) - room
        if excess > 0:
            slack = {c: max(0, widths[c] - LEAST_WIDTH[COLUMNS[c]])
                     for c in range(len(COLUMNS)) if COLUMNS[c] in LEAST_WIDTH}
            total = sum(slack.values())
            cut = min(excess, total)
            given = 0
            for c, give in slack.items():  # each in proportion to what it can give
                if c != 0 and total:
                    widths[c] -= cut * give // total
                    given += cut * give // total
            widths[0] -= min(cut - given, slack.get(0, 0))  # Name: the rest, rounding included
            excess = sum(widths) - room
        if excess < 0:
            widths[0] -= excess  # Name takes what is left (and rounding's pixels)
        header = self.horizontalHeader()
        for c, width in enumerate(widths):
            if header.sectionSize(c) != width:
                header.resizeSection(c, width)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.viewport() and event.type() == QEvent.Resize:
            self.fit_columns()
        return super().eventFilter(watched, event)


class SortControls(QWidget):
    """Sort by (a box: the list's own order or a column) and Reverse (a toggle, also
    REVERSE_KEY wherever the focus is in the window): the sort a click on a column's title makes,
    from the keyboard. They set the title's arrow, and show what a click on a title sets."""

    def __init__(self, table: ModelsTable, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = table
        label = QLabel("&Sort by:")
        self.box = QComboBox()
        self.box.addItems([LIST_ORDER, *COLUMNS])
        self.box.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        label.setBuddy(self.box)  # Alt+S
        self.box.setAccessibleName("Sort the models by")
        self.box.setToolTip(SORT_BY_TIP)
        self.reverse_button = QPushButton("Reverse")
        self.reverse_button.setCheckable(True)
        self.reverse_button.setAccessibleName("Sort the other way round")
        self.reverse_button.setToolTip(REVERSE_TIP)
        # A shortcut of its own rather than the button's: that one animates a click, and the
        # list is sorted a tenth of a second later.
        self.reverse_key = QShortcut(QKeySequence(REVERSE_KEY), self)
        self.reverse_key.activated.connect(self.reverse_button.click)  # none while it is off
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addWidget(self.box)
        layout.addWidget(self.reverse_button)
        header = table.horizontalHeader()
        header.sortIndicatorChanged.connect(self._show)
        self.box.currentIndexChanged.connect(self._pick)
        self.reverse_button.toggled.connect(self._reverse)
        self._show(header.sortIndicatorSection(), header.sortIndicatorOrder())

    def _pick(self, index: int) -> None:
        """A column picked: sorted by it smallest first, as a first click on its title does."""
        self.table.sort_by(index - 1, Qt.AscendingOrder)

    def _reverse(self, on: bool) -> None:
        column = self.table.horizontalHeader().sortIndicatorSection()
        if column >= 0:
            self.table.sort_by(column, Qt.DescendingOrder if on else Qt.AscendingOrder)

    def _show(self, column: int, order: Qt.SortOrder) -> None:
        """The sort the table is in (a click on a title, or these controls), without acting."""
        for widget in (self.box, self.reverse_button):
            widget.blockSignals(True)
        self.box.setCurrentIndex(column + 1)  # -1 (no sort): the first entry
        self.reverse_button.setChecked(column >= 0 and order == Qt.DescendingOrder)
        self.reverse_button.setEnabled(column >= 0)
        for widget in (self.box, self.reverse_button):
            widget.blockSignals(False)


def cell_tip(title: str, text: str, note: LossNote, ckpt: Checkpoint, where: str) -> str:
    """A cell's tooltip: what a cut cell says in full (Name, Trained on, From), or why a
    test loss is marked, then the model's file."""
    if title == "Test loss" and note.text:
        return note.text
    if title == "Name":
        return f"{ckpt.name}\n{where}"
    if title == "Trained on":
        said = (f"Trained on {text}." if text != "–"
                else "The file does not say what the model was trained on.")
        return f"{said}\n{where}"
    if title == "From":
        return f"{text[0].upper()}{text[1:]}.\n{where}"
    return where


def entry_cells(entry: ModelEntry, found: Unlisted) -> list[tuple[str, object]]:
    """The cells of an entry whose file cannot be read: its name, when it was listed and
    that its file cannot be read, or was not found; no settings (nothing could be read)."""
    cells = [(entry.name, (0, entry.name.casefold()))] + [("–", None)] * (len(COLUMNS) - 1)
    if not entry.bundled:
        cells[COLUMNS.index("Added")] = (
            time.strftime("%Y-%m-%d %H:%M", time.localtime(entry.added)), (0, entry.added))
    said = found.reason if found.missing else "file cannot be read"
    cells[COLUMNS.index("From")] = (said, (1, said))
    return cells


def model_cells(ckpt: Checkpoint, note: LossNote, entry: ModelEntry | None,
                active: bool) -> list[tuple[str, object]]:
    """Each column's text and what it sorts by (None: nothing, sorted last)."""
    cfg, loss = ckpt.config, ckpt.test_loss
    added = None  # a bundled model's file date is only when it was installed
    if entry is not None and not entry.bundled:
        added = entry.added
    name = ckpt.name + ("  (active)" if active else "")
    origin = ORIGIN_TEXT.get(entry.origin, entry.origin) if entry else "not saved"
    images = train_images(ckpt)  # None where the file does not say: sorted last
    return [
        (name, (0, ckpt.name.casefold())),
        ("CVAE" if cfg.conditional else "VAE", (0, cfg.conditional)),
        (arch_name(cfg.arch), (0, cfg.arch)),
        (str(cfg.latent_dim), (0, cfg.latent_dim)),
        (hidden_text(cfg), (0, cfg.hidden, cfg.layers)),
        (f"{cfg.beta:g}", (0, cfg.beta)),
        (str(ckpt.epochs), (0, ckpt.epochs)),
        # Losses measured on other data are set apart after the others, either way round.
        ("–", None) if loss is None else (f"{loss:.2f}{note.mark}",
                                          (0 if note.comparable else 1, loss)),
        (trained_on_text(ckpt), None if images is None else (0, images)),
        ("–", None) if added is None else (
            time.strftime("%Y-%m-%d %H:%M", time.localtime(added)), (0, added)),
        (origin, (0, origin)),
    ]
