"""Models dialog: every model in the library, with its settings, epochs, test loss and date, and
rename, remove and show-in-folder. It renders from the AppState and changes it only through the
state's methods."""

from __future__ import annotations

import html
import time
from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vae_desktop.core.checkpoint import Checkpoint
from vae_desktop.core.fileio import write_problem
from vae_desktop.core.library_index import ModelEntry, NewerListError
from vae_desktop.core.model_words import (
    OTHER_DATA_MARK,
    PART_MARK,
    loss_note,
    train_images,
    trained_on_text,
)
from vae_desktop.core.wording import arch_name, hidden_text
from vae_desktop.gui.show_folder import show_folder
from vae_desktop.gui.state import AppState
from vae_desktop.gui.widgets.hint_text import HINT_STYLE

COLUMNS = ("Name", "Kind", "Arch", "Latent", "Hidden", "Beta", "Epochs", "Test loss", "Trained on",
           "Added", "From")
ORIGIN_TEXT = {"bundled": "comes with the app", "trained": "trained here", "sweep": "sweep trial",
               "holdout": "held-out-digit run", "opened": "opened file",
               "saved": "saved as a file"}
LOSS_TIP = ("The negative ELBO per test image, in nats, after the model's last epoch: lower is "
            "better. Compare only losses measured on the same data: a mark says where one was "
            "not (hover it for why).")
SORT_TIP = ("Click to sort by this column, again for the other way round, a third time for the "
            "list's own order. Numbers sort as numbers and dates as dates; a cell with no value "
            "(–) comes last.")
SORT_ROLE = Qt.UserRole + 1
UNREADABLE = "This model cannot be used, since its file could not be read"
MISSING = "This model cannot be used until its file is back"
NOT_FOUND = "file not found"  # an entry's reason, and its From cell
NUMBER_COLUMNS = ("Latent", "Hidden", "Beta", "Epochs", "Test loss")
# The columns that give up room where there is not enough, and the least each keeps (px).
LEAST_WIDTH = {"Name": 200, "Trained on": 140}
LEGEND = {PART_MARK: f"{PART_MARK} measured on part of the test set",
          OTHER_DATA_MARK: f"{OTHER_DATA_MARK} measured on other data (binarised MNIST or another "
                           "dataset): not comparable with the others"}


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


class ModelsDialog(QDialog):
    def __init__(self, state: AppState, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Models")
        self.resize(1100, 460)
        self.state = state
        self._reasons: dict[str, str] = {}  # why each greyed entry's file gives no model, by path
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        # A name too long for its column is cut in the middle (its start and its date stay),
        # never wrapped; its tooltip says it whole.
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.ElideMiddle)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)  # widths: _fit_columns
        header.setSortIndicator(-1, Qt.AscendingOrder)  # the list's own order until a click
        header.setSortIndicatorClearable(True)  # a third click gives that order back
        self.table.setSortingEnabled(True)
        for column, title in enumerate(COLUMNS):
            tip = LOSS_TIP + "\n\n" if title == "Test loss" else ""
            self.table.horizontalHeaderItem(column).setToolTip(tip + SORT_TIP)
        self.table.viewport().installEventFilter(self)  # the widths follow the room
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _item: self.activate())

        self.activate_button = self._button("Use", "Make this the active model of every tab "
                                            "(double-click a row does the same)", self.activate)
        self.rename_button = self._button("Rename…", "Give the model a name of your own (F2)",
                                          self.rename, QKeySequence(Qt.Key_F2))
        self.remove_button = self._button("Remove…", "Take the model off the list (asks first; "
                                          "models that come with the app stay)", self.remove,
                                          QKeySequence.Delete)
        self.folder_button = self._button("Show in folder", "Open the folder that holds the "
                                          "model's file", self.show_in_folder)
        self.legend = QLabel()  # what the Test loss column's marks mean, when it shows any
        self.legend.setWordWrap(True)
        self.legend.setStyleSheet(HINT_STYLE)
        self.notice = self._notice(state.load_notes)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextSelectableByMouse)
        buttons = QHBoxLayout()
        for button in (self.activate_button, self.rename_button, self.remove_button,
                       self.folder_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.Close)
        close.rejected.connect(self.reject)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.detail)
        layout.addLayout(buttons)
        state.models_changed.connect(self.refresh)
        state.model_changed.connect(lambda _ckpt: self.refresh())
        self.refresh()

    def _notice(self, notes: list[str]) -> QWidget:
        """What the app found when it read the list of models at start-up (entries dropped,
        files refused or not found), whole, at the top; "Hide" puts it away until the app is
        started again. Nothing to say: nothing shown."""
        box = QWidget()
        box.setObjectName("startupNotes")
        self.notice_text = QLabel()
        self.notice_text.setWordWrap(True)
        self.notice_text.setTextFormat(Qt.RichText)
        self.notice_text.setTextInteractionFlags(Qt.TextSelectableByMouse)
        items = "".join(f"<li>{html.escape(note)}</li>" for note in notes)
        self.notice_text.setText("<b>When vae-desktop started, it found this about the list "
                                 f"of models:</b><ul style='margin: 0'>{items}</ul>")
        self.hide_notes_button = QPushButton("Hide")
        self.hide_notes_button.setToolTip("Put these notes away until vae-desktop is started "
                                          "again (they are shown again then if still true)")
        self.hide_notes_button.setAutoDefault(False)  # Enter in the table is not "Hide"
        self.hide_notes_button.clicked.connect(lambda _checked=False: box.hide())
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 6)
        row.addWidget(self.notice_text, 1)
        row.addWidget(self.hide_notes_button, 0, Qt.AlignTop)
        box.setVisible(bool(notes))
        return box

    def _button(self, text, tip, slot, shortcut=None) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(lambda _checked=False: slot())  # clicked(bool) is not an argument
        if shortcut is not None:
            button.setShortcut(shortcut)
        return button

    # Rendering
    def refresh(self) -> None:
        selected, selected_entry = self.selected(), self.selected_entry()
        table = self.table
        unreadable = self._unreadable_entries()
        self._reasons = {entry.path: reason for entry, reason in unreadable}
        table.setSortingEnabled(False)  # rows stay where they are put while they are filled
        table.setRowCount(len(self.state.models) + len(unreadable))
        marks = set()
        for row, ckpt in enumerate(self.state.models):
            note = loss_note(ckpt)
            if ckpt.test_loss is not None and note.mark:
                marks.add(note.mark)
            where = str(ckpt.path) if ckpt.path else "not saved to a file yet"
            for column, (text, key) in enumerate(self._cells(ckpt, note)):
                item = SortingItem(text, key)
                if COLUMNS[column] in NUMBER_COLUMNS:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                item.setToolTip(self._tip(COLUMNS[column], text, note, ckpt, where))
                if ckpt is self.state.active:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                table.setItem(row, column, item)
            table.item(row, 0).setData(Qt.UserRole, ckpt)
        for row, (entry, reason) in enumerate(unreadable, start=len(self.state.models)):
            tip = (f"{MISSING}: {NOT_FOUND}: {entry.path}" if reason == NOT_FOUND
                   else f"{UNREADABLE}: {reason}\n{entry.path}")
            for column, (text, key) in enumerate(self._entry_cells(entry, reason)):
                item = SortingItem(text, key)
                if COLUMNS[column] in NUMBER_COLUMNS:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                item.setToolTip(f"{entry.name}\n{tip}" if column == 0 else tip)
                item.setForeground(self.palette().color(QPalette.Disabled, QPalette.Text))
                table.setItem(row, column, item)
            table.item(row, 0).setData(Qt.UserRole, entry)
        table.setSortingEnabled(True)  # sorted again as the user last asked, if they did
        self.legend.setText(" · ".join(LEGEND[mark] for mark in LEGEND if mark in marks))
        self.legend.setVisible(bool(marks))
        # The model picked before, while it is listed; else (it was just removed, say) the
        # active one, which is what every tab now shows.
        target = selected if selected is not None else self.state.active
        entry_row = self._entry_row(selected_entry) if selected_entry is not None else -1
        if entry_row >= 0:
            table.selectRow(entry_row)
        elif target is not None and self.row_of(target) >= 0:
            self.select(target)
        else:
            table.clearSelection()
        self._fit_columns()
        self._update_buttons()

    @staticmethod
    def _tip(title: str, text: str, note, ckpt: Checkpoint, where: str) -> str:
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

    def _unreadable_entries(self) -> list[tuple[ModelEntry, str]]:
        """The entries of the model list that no model here stands for, since their file
        cannot be read (damaged), or is not there (NOT_FOUND: a drive unplugged, a folder
        renamed), each with why, as the app state found it when it tried the file (nothing is
        read again here): they can only be removed."""
        return [(entry, NOT_FOUND if found.missing else found.reason)
                for entry, found in self.state.unlisted_entries()]

    def _entry_cells(self, entry: ModelEntry, reason: str) -> list[tuple[str, object]]:
        """The cells of an entry whose file cannot be read: its name, when it was listed and
        that its file cannot be read, or was not found; no settings (nothing could be read)."""
        cells = [(entry.name, (0, entry.name.casefold()))] + [("–", None)] * (len(COLUMNS) - 1)
        if not entry.bundled:
            cells[COLUMNS.index("Added")] = (
                time.strftime("%Y-%m-%d %H:%M", time.localtime(entry.added)), (0, entry.added))
        said = NOT_FOUND if reason == NOT_FOUND else "file cannot be read"
        cells[COLUMNS.index("From")] = (said, (1, said))
        return cells

    def _cells(self, ckpt: Checkpoint, note) -> list[tuple[str, object]]:
        """Each column's text and what it sorts by (None: nothing, sorted last)."""
        entry = self.state.entry(ckpt)
        cfg, loss = ckpt.config, ckpt.test_loss
        added = None  # a bundled model's file date is only when it was installed
        if entry is not None and not entry.bundled:
            added = entry.added
        name = ckpt.name + ("  (active)" if ckpt is self.state.active else "")
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

    def _natural_width(self, column: int) -> int:
        """What a column needs for its title and its longest cell."""
        return max(self.table.sizeHintForColumn(column),
                   self.table.horizontalHeader().sectionSizeHint(column))

    def _fit_columns(self) -> None:
        """Every column as wide as it needs, Name taking the room to spare. Where there is not
        that much room (a 1280x720 screen), Name and Trained on give it up, down to their least
        widths, their text cut in the middle (the tooltips say it whole); the other columns,
        short numbers and words, never are. Only narrower still, a scroll bar."""
        table = self.table
        widths = [self._natural_width(c) for c in range(len(COLUMNS))]
        room = table.viewport().width()
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
        header = table.horizontalHeader()
        for c, width in enumerate(widths):
            if header.sectionSize(c) != width:
                header.resizeSection(c, width)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Resize:
            self._fit_columns()
        return super().eventFilter(watched, event)

    def showEvent(self, event) -> None:
        # A model whose file was not there (a drive unplugged) and is now: listed again.
        self.state.list_returned_models()
        # The start-up notes are read here: the status bar's button that points to them goes.
        button = getattr(self.parentWidget(), "model_notes_button", None)
        if button is not None and self.notice.isVisibleTo(self):
            button.hide()
        # Opened again, the dialog starts on the active model, not on the row picked last time.
        if self.state.active in self.state.models:
            self.select(self.state.active)
        # The keys work on the list (F2, Delete, Enter), not on the notes' Hide above it.
        self.table.setFocus(Qt.OtherFocusReason)
        self._widen_to_fit()
        super().showEvent(event)

    def _widen_to_fit(self) -> None:
        """As wide as every column needs (long names, "3,000 Fashion-MNIST images without 2s"),
        where the screen has the room, and never wider than the screen (1240 px of a 1280x720
        one): there the long columns are cut (_fit_columns)."""
        table = self.table
        columns = sum(self._natural_width(c) for c in range(len(COLUMNS)))
        margins = self.layout().contentsMargins()
        wanted = (columns + table.verticalScrollBar().sizeHint().width()
                  + 2 * table.frameWidth() + margins.left() + margins.right())
        screen = self.screen() or (self.parentWidget().screen() if self.parentWidget() else None)
        room = screen.availableGeometry().width() - 40 if screen is not None else wanted
        width = min(max(self.width(), wanted), room)
        if width != self.width():
            self.resize(width, self.height())

    def model_at(self, row: int) -> Checkpoint | None:
        """The model a row of the table shows."""
        item = self.table.item(row, 0)
        ckpt = item.data(Qt.UserRole) if item is not None else None
        return ckpt if any(ckpt is m for m in self.state.models) else None

    def row_of(self, ckpt: Checkpoint) -> int:
        """The table's row of a model (-1 if it is not shown)."""
        return next((row for row in range(self.table.rowCount())
                     if self.table.item(row, 0) is not None
                     and self.table.item(row, 0).data(Qt.UserRole) is ckpt), -1)

    def selected(self) -> Checkpoint | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model_at(rows[0].row()) if rows else None

    def entry_at(self, row: int) -> ModelEntry | None:
        """The entry a row shows when its file cannot be read (None for a model's row)."""
        item = self.table.item(row, 0)
        entry = item.data(Qt.UserRole) if item is not None else None
        return entry if isinstance(entry, ModelEntry) else None

    def selected_entry(self) -> ModelEntry | None:
        """The picked row's entry, when it is one whose file cannot be read."""
        rows = self.table.selectionModel().selectedRows()
        return self.entry_at(rows[0].row()) if rows else None

    def _entry_row(self, entry: ModelEntry) -> int:
        return next((row for row in range(self.table.rowCount())
                     if (shown := self.entry_at(row)) is not None and shown.path == entry.path),
                    -1)

    def select(self, ckpt: Checkpoint) -> None:
        self.table.selectRow(self.row_of(ckpt))

    def _update_buttons(self) -> None:
        ckpt, unreadable = self.selected(), self.selected_entry()
        entry = self.state.entry(ckpt) if ckpt is not None else unreadable
        self.activate_button.setEnabled(ckpt is not None and ckpt is not self.state.active)
        self.rename_button.setEnabled(ckpt is not None)
        self.remove_button.setEnabled(entry is not None and not entry.bundled)
        self.folder_button.setEnabled((ckpt is not None and ckpt.path is not None) or (
            unreadable is not None and unreadable.file.parent.is_dir()))
        if unreadable is not None:
            reason = self._reasons.get(unreadable.path, "")
            if reason == NOT_FOUND:
                self.detail.setText(
                    f"<b>{html.escape(unreadable.name)}</b>: this model cannot be used until its "
                    f"file is back: {NOT_FOUND}: {html.escape(unreadable.path)}. It is listed as "
                    "any model again when this dialog is opened with the file there (a drive "
                    "plugged in, a folder renamed back). Remove takes it off the list.")
                return
            self.detail.setText(f"<b>{html.escape(unreadable.name)}</b>: this model cannot be "
                                f"used, since its file could not be read: {html.escape(reason)} "
                                f"File: {html.escape(unreadable.path)}. Remove takes it off the "
                                "list.")
            return
        if ckpt is None:
            self.detail.setText("")
            return
        where = str(ckpt.path) if ckpt.path else "not saved to a file yet"
        if ckpt.path is not None and not ckpt.path.is_file():
            where += " (no longer there: the model is only in memory)"
        data = trained_on_text(ckpt)
        data = f" Trained on {data}." if data != "–" else ""
        note = loss_note(ckpt).text if ckpt.test_loss is not None else ""
        note = (f" Its test loss ({ckpt.test_loss:.2f}) was {note[0].lower()}{note[1:]}"
                if note else "")
        extra = " It comes with vae-desktop and cannot be removed." if entry and entry.bundled else ""
        self.detail.setText(f"<b>{html.escape(ckpt.name)}</b>: {ckpt.config.describe()}.{data}"
                            f"{note} File: {html.escape(where)}.{extra}")

    # Actions
    def activate(self) -> None:
        ckpt = self.selected()
        if ckpt is not None:
            self.state.set_active(ckpt)

    def rename(self, name: str | None = None) -> bool:
        ckpt = self.selected()
        if ckpt is None:
            return False
        if name is None:
            name, ok = self._ask_name(ckpt.name)
            if not ok:
                return False
        try:
            self.state.rename_model(ckpt, name)
        except ValueError as exc:
            self._show_error("Could not rename the model", str(exc))
            return False
        except OSError as exc:
            self._show_error("Could not rename the model",
                             self._not_saved(f"{ckpt.name} keeps its name", exc))
            return False
        self.select(ckpt)
        return True

    def remove(self) -> bool:
        if self.selected_entry() is not None:
            return self._remove_unreadable(self.selected_entry())
        ckpt = self.selected()
        entry = self.state.entry(ckpt) if ckpt is not None else None
        if ckpt is None or entry is None or entry.bundled:
            return False
        owned = self.state.library.owns_file(entry)
        if not entry.file.is_file():
            what = (f"Its file is no longer there ({ckpt.path}): only the entry in the list is "
                    "removed.")
        elif owned:
            what = f"Its file will be deleted:\n{ckpt.path}"
        else:
            what = f"Its file stays where it is:\n{ckpt.path}"
        if not self._confirm(f"Remove {ckpt.name} from the list of models?\n\n{what}"):
            return False
        was_active = ckpt is self.state.active
        if not self._removed(lambda: self.state.remove_model(ckpt),
                             f"{ckpt.name} is still listed, and its file is kept"):
            return False
        text = f"Removed {ckpt.name}."
        if was_active and self.state.active is not None:  # every tab switched: say to what
            text += f" {self.state.active.name} is now the active model."
        self.state.status_message.emit(text, 8000)
        return True

    def _remove_unreadable(self, entry: ModelEntry) -> bool:
        """Take an entry whose file cannot be read off the list (asks first). Its file is
        deleted only where there is one the app made, as for any model."""
        if entry.bundled:
            return False
        if not entry.file.is_file():
            what = (f"Its file was not found ({entry.path}): only the entry in the list is "
                    "removed, and the file is not touched if it comes back.")
        else:
            what = ("Its file could not be read, so the model cannot be used. " +
                    (f"The file, which vae-desktop made, will be deleted:\n{entry.path}"
                     if self.state.library.owns_file(entry) else
                     f"The file stays where it is:\n{entry.path}"))
        if not self._confirm(f"Remove {entry.name} from the list of models?\n\n{what}"):
            return False
        if not self._removed(lambda: self.state.library.remove(entry.path),
                             f"{entry.name} is still listed"):
            return False
        self.refresh()  # no tab shows the entry: the dialog is the only view to update
        self.state.status_message.emit(f"Removed {entry.name} from the list of models.", 8000)
        return True

    def _removed(self, remove, still_listed: str) -> bool:
        """Run `remove`; whether it did. A refusal is shown: in its own words, or, where the list
        could not be written, `still_listed` with why and what to do."""
        try:
            remove()
        except ValueError as exc:
            self._show_error("Could not remove the model", str(exc))
            return False
        except OSError as exc:
            self._show_error("Could not remove the model", self._not_saved(still_listed, exc))
            return False
        return True

    def _not_saved(self, outcome: str, exc: OSError) -> str:
        """What to say when the list of models could not be written: `outcome` (nothing
        changed), why, and what to do."""
        if isinstance(exc, NewerListError):
            return f"{outcome}: {exc}."
        reason = write_problem(exc)[0]  # as every save says it: "the disk is full"
        folder = self.state.library.index.parent
        return (f"{outcome}: the list of models could not be saved in {folder} ({reason}). "
                "Check that the folder can be written to and that the disk has room, then "
                "try again.")

    def show_in_folder(self) -> bool:
        ckpt, entry = self.selected(), self.selected_entry()
        if entry is not None:
            return show_folder(self, entry.file.parent)
        if ckpt is None or ckpt.path is None:
            return False
        return show_folder(self, Path(ckpt.path).parent)

    # Dialogs (methods, so tests can replace them)
    def _confirm(self, text: str) -> bool:
        answer = QMessageBox.question(self, "Remove model", text,
                                      QMessageBox.Yes | QMessageBox.Cancel, QMessageBox.Cancel)
        return answer == QMessageBox.Yes

    def _ask_name(self, current: str) -> tuple[str, bool]:
        box = self._name_dialog(current)
        accepted = box.exec() == QDialog.Accepted
        return box.textValue(), accepted

    def _name_dialog(self, current: str) -> QInputDialog:
        """Wide enough for a default name ("CVAE · MLP · z=16 · 30 epochs · 5 Dec 07:25") and
        the title, which Qt's static getText cut to "Rena… model"."""
        box = QInputDialog(self)
        box.setWindowTitle("Rename model")
        box.setLabelText("Name (shown in the model list and every tab):")
        box.setTextValue(current)
        box.setMinimumWidth(460)
        return box

    def _show_error(self, title: str, text: str) -> None:
        QMessageBox.warning(self, title, text)

