"""Models dialog: every model in the library, with its settings, epochs, test loss and date
(gui.models_table), and use, rename, remove and show-in-folder. It renders from the AppState and
changes it only through the state's methods."""

from __future__ import annotations

import html
from itertools import pairwise
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from vae_desktop.core.checkpoint import Checkpoint
from vae_desktop.core.fileio import write_problem
from vae_desktop.core.library import Unlisted
from vae_desktop.core.library_index import ModelEntry, NewerListError
from vae_desktop.core.model_words import loss_note, trained_on_text
from vae_desktop.gui.models_notes import StartupNotes
from vae_desktop.gui.models_table import LEGEND, ModelsTable, SortControls
from vae_desktop.gui.show_folder import show_folder
from vae_desktop.gui.state import AppState
from vae_desktop.gui.widgets import tones
from vae_desktop.gui.widgets.hint_text import HINT_COLOUR


class ModelsDialog(QDialog):
    def __init__(self, state: AppState, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Models")
        self.resize(1100, 460)
        self.state = state
        self._found: dict[str, Unlisted] = {}  # what each greyed entry's file gave, by path
        self._refreshing = False
        self.table = ModelsTable()
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _item: self.activate())
        # A sort cleared (a third click on a title, or List order): the list's own order again.
        self.table.horizontalHeader().sortIndicatorChanged.connect(
            lambda column, _order: self._draw() if column < 0 else None)

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
        tones.set_tone(self.legend, HINT_COLOUR)
        self.notice = StartupNotes(state.load_notes)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextSelectableByMouse)
        buttons = QHBoxLayout()
        for button in (self.activate_button, self.rename_button, self.remove_button,
                       self.folder_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        # The sort a click on a column's title makes, from the keyboard.
        self.sort_controls = SortControls(self.table)
        buttons.addWidget(self.sort_controls)
        buttons.addSpacing(12)
        close = QDialogButtonBox(QDialogButtonBox.Close)
        close.rejected.connect(self.reject)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.detail)
        layout.addLayout(buttons)
        # Tab goes as the eye does: Hide (above the list), the list, its buttons, Sort by and
        # Reverse, Close.
        order = (self.notice.hide_button, self.table, self.activate_button, self.rename_button,
                 self.remove_button, self.folder_button, self.sort_controls.box,
                 self.sort_controls.reverse_button, close.button(QDialogButtonBox.Close))
        for before, after in pairwise(order):
            self.setTabOrder(before, after)
        state.models_changed.connect(self.refresh)
        state.model_changed.connect(lambda _ckpt: self.refresh())
        self.refresh()

    def _button(self, text, tip, slot, shortcut=None) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(lambda _checked=False: slot())  # clicked(bool) is not an argument
        if shortcut is not None:
            button.setShortcut(shortcut)
        return button

    # Rendering
    def refresh(self) -> None:
        """Draw the list as the state has it. An entry new to the state (listed meanwhile by
        another window, and read in by this window's last change of the list) is tried first,
        once: it shows as any model, or greyed with why its file gives none."""
        if self._refreshing:
            return  # the list changed under list_returned_models below: drawn there, once
        self._refreshing = True
        try:
            self.state.list_returned_models()
            self._draw()
        finally:
            self._refreshing = False

    def _draw(self) -> None:
        selected, selected_entry = self.selected(), self.selected_entry()
        table = self.table
        # The entries no model here stands for, since their file cannot be read (damaged) or is
        # not there (a drive unplugged, a folder renamed), with what the app state found when
        # it tried the file (nothing is read again here): they can only be removed.
        unreadable = self.state.unlisted_entries()
        self._found = {entry.path: found for entry, found in unreadable}
        marks = table.show_rows(self.state.models, unreadable, self.state.active, self.state.entry)
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
        table.fit_columns()
        self._update_buttons()

    def showEvent(self, event) -> None:
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
        one): there the long columns are cut (ModelsTable.fit_columns)."""
        table = self.table
        columns = sum(table.natural_width(c) for c in range(table.columnCount()))
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
            found = self._found.get(unreadable.path)
            if found is None:  # a row of the last drawing, while the table is drawn again
                self.detail.setText("")
                return
            reason = found.reason
            if found.missing:
                self.detail.setText(
                    f"<b>{html.escape(unreadable.name)}</b>: this model cannot be used until its "
                    f"file is back: {reason}: {html.escape(unreadable.path)}. It is listed as "
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
        if not self._removed(lambda: self.state.remove_entry(entry),
                             f"{entry.name} is still listed"):
            return False
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

