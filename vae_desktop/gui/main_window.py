"""The main window: one tab per module, a model selector shared by every tab, File and Help
menus, a status bar describing the active model, and settings that persist with QSettings.

This module imports no torch at its top: `show_first=True` makes only the frame (menus, toolbar,
status bar, a page per tab saying what is loading) so that vae_desktop.gui.startup can show it
before PyTorch has loaded; the models and the tabs are then attached with `attach_state` and
`build_tab`. Without it, the window builds everything at once, as tests and benches want.
"""

from __future__ import annotations

import importlib
import traceback
from pathlib import Path

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QWidget,
)

from vae_desktop.core.fileio import check_folder
from vae_desktop.core.wording import count
from vae_desktop.gui import preferences as qs
from vae_desktop.gui.about import app_icon
from vae_desktop.gui.history_csv import write_history_csv
from vae_desktop.gui.widgets.elided_label import ElidedLabel
from vae_desktop.gui.widgets.loading import LoadingPage
from vae_desktop.gui.widgets.message_tab import MessageTab
from vae_desktop.gui.widgets.tab_page import TabPage
from vae_desktop.gui.window_menus import build_menus, build_toolbar

NO_MODELS = "No models: train one or open a checkpoint"
QUIT_CHECK_MS = 250  # how often an open quit question looks again at what is running
# Every tab: title -> (module, class), imported when the tab is built (each imports torch).
TAB_MODULES = {
    "Train": ("vae_desktop.gui.tabs.train.tab", "TrainTab"),
    "Draw": ("vae_desktop.gui.tabs.draw.tab", "DrawTab"),
    "Latent space": ("vae_desktop.gui.tabs.latent.tab", "LatentTab"),
    "Conditional": ("vae_desktop.gui.tabs.conditional.tab", "ConditionalTab"),
    "Interpolate": ("vae_desktop.gui.tabs.interpolate.tab", "InterpolateTab"),
    "Evaluate": ("vae_desktop.gui.tabs.evaluate.tab", "EvaluateTab"),
    "Sweep": ("vae_desktop.gui.tabs.sweep.tab", "SweepTab"),
}
TAB_TITLES = tuple(TAB_MODULES)


def tab_class(title: str) -> type:
    module, name = TAB_MODULES[title]
    return getattr(importlib.import_module(module), name)


def tab_classes() -> tuple[tuple[str, type], ...]:
    """(title, class) of every tab, in order."""
    return tuple((title, tab_class(title)) for title in TAB_TITLES)


def _files():
    """vae_desktop.gui.model_files, imported on first use (it imports torch)."""
    from vae_desktop.gui import model_files

    return model_files


def describe(ckpt) -> str:
    """The status bar's line for a model: gui.model_files.describe_model (imported on first use)."""
    return _files().describe_model(ckpt)


def __getattr__(name: str):
    if name == "TABS":  # (title, class) pairs, imported on first use: see tab_classes
        return tab_classes()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class MainWindow(QMainWindow):
    def __init__(self, state=None, load_library: bool = True, tabs=None,
                 show_first: bool = False) -> None:
        """`state`: an AppState, a new one unless given. `tabs`: (title, class) pairs, every tab
        unless a test wants fewer. `show_first`: make only the frame; vae_desktop.gui.startup
        attaches the state and the tabs once torch has loaded."""
        super().__init__()
        self.setWindowTitle("VAE Desktop")
        self.setWindowIcon(app_icon())
        self.resize(1280, 820)
        self.state = None  # an AppState once attached
        self._closing_down = False
        self._terminating = False  # SIGTERM: close as Quit does, with nobody to ask
        self.settings = qs.open_settings()
        self._tab_specs = tuple(tabs) if tabs is not None else None

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tab_widgets: dict[str, QWidget] = {}  # the tabs built so far, by title
        self._pages: dict[str, TabPage] = {}
        titles = [title for title, _ in tabs] if tabs is not None else list(TAB_TITLES)
        for title in titles:
            page = TabPage(LoadingPage(title, self.windowIcon()))
            self._pages[title] = page
            self.tabs.addTab(page, title)
        self.setCentralWidget(self.tabs)
        self.train_tab = None

        build_toolbar(self)
        build_menus(self)
        self.model_label = ElidedLabel()  # cut with "…" where the window is narrow
        self.model_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.device_label = QLabel("Device: …")
        self.statusBar().addWidget(self.model_label, 1)
        self.statusBar().addPermanentWidget(self.device_label)
        # QStatusBar hides a normal widget for a message only if it is visible at that moment:
        # a message from loading, before the window shows, was drawn over the model's line.
        self.statusBar().messageChanged.connect(lambda text: self.model_label.setVisible(not text))
        self.models_dialog = None
        self.quit_box: QMessageBox | None = None  # the quit question while it is open
        self._told_dataset: set = set()  # models said to be of another dataset (their paths)
        self._heard: list[str] | None = None  # status messages said during an open or a save
        if show_first:
            self.resize(self.size().boundedTo(self._room_on_screen()))
        self._restore_window()
        self._set_loaded(False)
        if show_first:
            return
        if state is None:
            from vae_desktop.gui.state import AppState

            state = AppState(self)
        self.attach_state(state, state.load_library() if load_library else [])
        while (title := self.next_tab_to_build()) is not None:
            self.build_tab(title)

    # Start-up: the state and the tabs join the frame (all at once, or from gui.startup)
    def attach_state(self, state, notes: list[str] = ()) -> None:
        """Take the app's state, its models loaded (`notes`: what a person should be told about
        them), and restore the model used last."""
        from vae_desktop.gui.about import device_label

        self.state = state
        self.device_label.setText(f"Device: {device_label()}")
        state.models_changed.connect(self._refresh_models)
        state.model_changed.connect(self._model_changed)
        state.tab_requested.connect(self.show_tab)
        state.status_message.connect(self._status_message)
        if notes:
            self._show_load_notes(list(notes))
        s = self.settings
        self._restore_last_model(qs.read_str(s, "last_model/path"), qs.read_str(s, "last_model/name"))
        self._set_loaded(True)
        self._refresh_models()
        self._model_changed(state.active)

    def _show_load_notes(self, notes: list[str]) -> None:
        """What loading the list of models had to say (entries dropped, files refused or not
        found), which can be long and comes back at every start while it is true: a short
        status line, and a button in the status bar that stays until the notes are read in
        File ▸ Models, where they are whole (the Models dialog's notice)."""
        from PySide6.QtWidgets import QStyle, QToolButton

        said = count(len(notes), "note")
        button = QToolButton()
        button.setAutoRaise(True)
        button.setIcon(self.style().standardIcon(QStyle.SP_MessageBoxInformation))
        button.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        button.setText(f"{said} on the models")
        button.setToolTip(f"What vae-desktop found when it read the list of models at start-up "
                          f"({said}): click to read {'it' if len(notes) == 1 else 'them'} in "
                          "File ▸ Models.")
        button.clicked.connect(lambda _checked=False: self.show_models())
        self.statusBar().insertPermanentWidget(1, button)  # after the model line, before Device
        self.model_notes_button = button
        self.state.status_message.emit(f"{said} on the list of models: see File ▸ Models.",
                                       15000)

    def pending_tabs(self) -> list[str]:
        """The tabs not built yet (their places show a loading page), in order."""
        return [title for title in self._pages if title not in self.tab_widgets]

    def next_tab_to_build(self) -> str | None:
        """The tab in view if it is still a loading page, else the first such tab; None when
        every tab is built."""
        pending = self.pending_tabs()
        current = self.current_tab_title()
        return current if current in pending else (pending[0] if pending else None)

    def build_tab(self, title: str) -> QWidget:
        """Make the tab (after attach_state) and put it where its loading page was."""
        widget = self._make_tab(title)
        self.tab_widgets[title] = widget
        self._pages[title].hold(widget)
        restore = getattr(widget, "restore_settings", None)  # what save_settings kept
        if callable(restore):
            restore(self.settings)
        if title == "Train":
            self.train_tab = widget
            self.export_png_action.setEnabled(self._built_train_tab() is not None)
        return widget

    def show_loading(self, stage: str, failure: tuple[str, str, str] | None = None) -> None:
        """Say what is loading (`stage`), or (`failure`: what failed, the error, what may mend
        it) why the start-up cannot go on, in every tab's place and in the status bar."""
        for page in self._pages.values():
            if isinstance(page.widget(), LoadingPage):
                if failure:
                    page.widget().show_failure(*failure)
                else:
                    page.widget().show_stage(stage)
        self.model_label.setText(f"{failure[0]} failed: {failure[1]}" if failure else stage)
        if failure:
            self.model_combo.setPlaceholderText(NO_MODELS)

    def _set_loaded(self, loaded: bool) -> None:
        """Before the state is attached, only what needs no model works: Quit, the View menu,
        the guide."""
        for action in (self.new_action, self.open_action, self.models_action,
                       self.help.about_action):
            action.setEnabled(loaded)
        self.recent_menu.setEnabled(loaded)
        self.model_combo.setEnabled(loaded)
        if not loaded:
            for action in (self.save_action, self.save_as_action, self.export_csv_action,
                           self.export_png_action):
                action.setEnabled(False)

    def _room_on_screen(self) -> QSize:
        """The screen's free area less what a window manager adds around a window (a title bar,
        borders): a first launch on a 1280x720 screen fits it."""
        return self.screen().availableGeometry().size() - QSize(16, 48)

    @property
    def closing_down(self) -> bool:
        return self._closing_down

    def _built_train_tab(self):
        """The Train tab once it is built (None before, or where it could not be built)."""
        if "Train" not in self.tab_widgets:
            return None
        from vae_desktop.gui.tabs.train.tab import TrainTab

        tab = self.tab_widgets["Train"]
        return tab if isinstance(tab, TrainTab) else None

    def _make_tab(self, title: str) -> QWidget:
        """Build one tab; a tab that fails to import or build shows why instead of taking the
        app down."""
        try:
            cls = dict(self._tab_specs)[title] if self._tab_specs is not None else tab_class(title)
            return cls(self.state)
        except Exception as exc:  # noqa: BLE001 - one broken tab must not stop the others
            traceback.print_exc()
            return MessageTab(title, f"This tab could not be opened: {exc}")

    # Menus
    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        paths = qs.recent_files(self.settings)
        for i, path in enumerate(paths, 1):
            action = self.recent_menu.addAction(f"&{i} {Path(path).name}")
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_checkpoint(p))
        if not paths:
            self.recent_menu.addAction("No recent files").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear list", self._clear_recent)

    def _clear_recent(self) -> None:
        self.settings.setValue("recent_files", [])

    # Tabs and models
    def show_tab(self, title: str) -> None:
        if title in self._pages:
            self.tabs.setCurrentWidget(self._pages[title])

    def current_tab_title(self) -> str:
        return self.tabs.tabText(self.tabs.currentIndex())

    def _refresh_models(self) -> None:
        if self.state is None:
            return
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        for ckpt in self.state.models:
            self.model_combo.addItem(ckpt.name)
            self.model_combo.setItemData(self.model_combo.count() - 1, describe(ckpt),
                                         Qt.ToolTipRole)
        if self.state.active in self.state.models:
            self.model_combo.setCurrentIndex(self.state.models.index(self.state.active))
        # Shown while nothing is picked: an empty list is not a list still loading.
        self.model_combo.setPlaceholderText(NO_MODELS if not self.state.models else "")
        self.model_combo.blockSignals(False)
        self._update_status()

    def _pick_model(self, index: int) -> None:
        if 0 <= index < len(self.state.models) and self.state.models[index] is not self.state.active:
            self.state.set_active(self.state.models[index])

    def _model_changed(self, ckpt) -> None:
        if ckpt in self.state.models:
            self.model_combo.blockSignals(True)
            self.model_combo.setCurrentIndex(self.state.models.index(ckpt))
            self.model_combo.blockSignals(False)
        self._update_status()
        self._say_other_dataset(ckpt)

    def _say_other_dataset(self, ckpt) -> None:
        """Once per model and session: a model trained on another dataset (Fashion-MNIST) is
        shown MNIST digits by every tab, which is worth a word the first time it is used."""
        from vae_desktop.core.library import other_dataset

        dataset = None if ckpt is None else other_dataset(ckpt)
        key = str(ckpt.path.resolve()) if ckpt is not None and ckpt.path else id(ckpt)
        if dataset is None or key in self._told_dataset:
            return
        self._told_dataset.add(key)
        self._status_message(f"{ckpt.name} was trained on {dataset}, but every tab shows it "
                             "MNIST digits: expect poor reconstructions and high losses.", 15000)

    def _update_status(self) -> None:
        ckpt = self.state.active
        self.model_label.setText(describe(ckpt))
        has_model = ckpt is not None
        for action in (self.save_action, self.save_as_action, self.export_csv_action):
            action.setEnabled(has_model)

    def _status_message(self, text: str, timeout_ms: int) -> None:
        self.statusBar().showMessage(text, timeout_ms)
        if self._heard is not None:
            self._heard.append(text)

    def _reporting(self, work, done) -> object:
        """Run `work()`, then say `done(its result)` ("Opened …"), followed by what was said
        meanwhile (a list of models that could not be written, another dataset), which it would
        replace."""
        self._heard = []
        try:
            result = work()
        finally:
            heard, self._heard = self._heard, None
        said = " ".join(heard)
        self.statusBar().showMessage(f"{done(result)} {said}".strip(), 15000 if said else 5000)
        return result

    # File menu
    def new_model(self) -> None:
        self.show_tab("Train")
        tab = self._built_train_tab()
        if tab is not None:
            tab.prepare_new_model()
        self.statusBar().showMessage("Choose the model and training settings, then press Start.",
                                     5000)

    def open_checkpoint(self, path: str | None = None) -> bool:
        """Load a checkpoint and make it active; a bad file shows why and changes nothing."""
        if not path:
            path = self._ask_open_path()
            if not path:
                return False
        from vae_desktop.core import checkpoint

        try:
            ckpt = checkpoint.load(path)
        except checkpoint.CheckpointError as exc:
            if not Path(path).exists():
                qs.forget_recent(self.settings, str(path))
            self._show_error("Could not open the checkpoint", str(exc))
            return False
        self._reporting(lambda: self.state.add_model(ckpt, origin="opened"),
                        lambda _: f"Opened {path}.")
        qs.remember_recent(self.settings, str(Path(path).resolve()))
        return True

    def save(self) -> bool:
        ckpt = self.state.active
        if ckpt is None:
            return False
        if not _files().is_user_file(ckpt):
            return self.save_as()
        return self._save_to(ckpt, ckpt.path)

    def save_as(self) -> bool:
        ckpt = self.state.active
        if ckpt is None:
            return False
        path = self._ask_save_path(_files().file_name_for(ckpt.name), "Save model as",
                                   _files().CHECKPOINT_FILTER)
        return bool(path) and self._save_to(ckpt, path)

    def _save_to(self, ckpt, path) -> bool:
        from vae_desktop.core.checkpoint import cannot_save

        try:
            self._reporting(lambda: self.state.save_model_as(ckpt, path),
                            lambda saved: f"Saved {saved.path}.")
        except OSError as exc:
            self._show_error("Could not save the model",
                             cannot_save(_files().checkpoint_path(path), exc))
            return False
        return True

    def export_history_csv(self, path: str | None = None) -> bool:
        ckpt = self.state.active
        if ckpt is None:
            return False
        if not ckpt.history:
            self._show_error("No loss history", f"{ckpt.name} has no training history to export.")
            return False
        path = path or self._ask_save_path(_files().file_name_for(f"{ckpt.name}-history", ".csv"),
                                           "Export loss history",
                                           "CSV files (*.csv)")
        if not path:
            return False
        try:
            check_folder(path)
            write_history_csv(ckpt.history, Path(path))
        except OSError as exc:
            self._show_error("Could not export the loss history", f"{path}: {exc}")
            return False
        self.statusBar().showMessage(f"Exported {count(len(ckpt.history), 'epoch')} to {path}.",
                                     5000)
        return True

    def export_plot_png(self, path: str | None = None) -> bool:
        tab = self._built_train_tab()
        if tab is None:
            return False
        path = path or self._ask_save_path("loss-plot.png", "Export loss plot", "PNG images (*.png)")
        if not path:
            return False
        try:
            check_folder(path)
            tab.export_plot_png(path)
        except OSError as exc:
            self._show_error("Could not export the plot", f"{path}: {exc}")
            return False
        self.statusBar().showMessage(f"Saved the plot to {path}.", 5000)
        return True

    def show_models(self):
        """File ▸ Models…: the models dialog (gui.models_dialog), made on first use."""
        if self.models_dialog is None:
            from vae_desktop.gui.models_dialog import ModelsDialog

            self.models_dialog = ModelsDialog(self.state, self)
        self.models_dialog.refresh()
        self.models_dialog.show()
        self.models_dialog.raise_()
        self.models_dialog.activateWindow()
        return self.models_dialog

    # Dialogs (methods, so tests can replace them)
    def open_dialog_folder(self) -> Path:
        """Open starts where the app keeps its models."""
        from vae_desktop.core.library import models_dir

        folder = models_dir()
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _ask_open_path(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self, "Open checkpoint", str(self.open_dialog_folder()),
                                              _files().CHECKPOINT_FILTER)
        return path

    def _ask_save_path(self, suggested: str, title: str, file_filter: str) -> str:
        return _files().ask_save_path(self, suggested, title, file_filter)

    def _show_error(self, title: str, text: str) -> None:
        QMessageBox.warning(self, title, text)

    # Settings
    def _restore_window(self) -> None:
        """The window's size and place, its toolbar and the tab in view; the model used last
        comes back in attach_state, the Train tab's form in build_tab."""
        s = self.settings
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        window_state = s.value("window/state")
        if isinstance(window_state, QByteArray) and not window_state.isEmpty():
            self.restoreState(window_state)
        tab = qs.read_str(s, "window/tab")
        if tab:
            self.show_tab(tab)

    def _restore_last_model(self, path: str, name: str) -> None:
        # By its file, else by its name (names are unique in the list): another install sharing
        # this data folder may have left the path of its own copy of a bundled model.
        by_path = [m for m in self.state.models
                   if path and m.path is not None and str(m.path.resolve()) == path]
        by_name = [m for m in self.state.models if name and m.name == name]
        for ckpt in by_path or by_name:
            if ckpt is not self.state.active:
                self.state.set_active(ckpt)
            return
        if path and Path(path).is_file():  # a model the user trained or opened last time
            from vae_desktop.core import checkpoint

            try:
                self.state.add_model(checkpoint.load(path), origin="opened")
            except checkpoint.CheckpointError as exc:
                self.state.status_message.emit(f"Could not reopen the last model: {exc}", 10000)

    def save_settings(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/tab", self.current_tab_title())
        if self.state is not None:  # closed while starting: the model used last stays as it was
            active = self.state.active
            s.setValue("last_model/path", str(active.path.resolve()) if active and active.path
                       else "")
            s.setValue("last_model/name", active.name if active else "")
        for tab in self.tab_widgets.values():  # the forms' values (Train, Sweep)
            save = getattr(tab, "save_settings", None)
            if callable(save):
                save(s)
        s.sync()

    # Closing
    def _tabs_say(self, method: str) -> list[str]:
        """What each tab that has `method` (an optional hook, no arguments) answers, if anything."""
        answers = []
        for tab in self.tab_widgets.values():
            hook = getattr(tab, method, None)
            answer = hook() if callable(hook) else None
            if answer:
                answers.append(answer)
        return answers

    def busy_reasons(self) -> list[str]:
        """What is still running, in words, from every tab that has background work."""
        return self._tabs_say("busy_reason")

    def unkept_reasons(self) -> list[str]:
        """What is done but would be lost: the models that are in no file, then what any tab
        has (a held-out model not added to the models)."""
        return [*self._unsaved_words(), *self._tabs_say("unkept_reason")]

    def unsaved_models(self) -> list:
        """The models listed that are in no file (a run whose autosave failed: a read-only or
        full data folder): quitting loses them."""
        return [] if self.state is None else [m for m in self.state.models if m.path is None]

    def _unsaved_words(self) -> list[str]:
        unsaved = self.unsaved_models()
        if not unsaved:
            return []
        if len(unsaved) == 1:
            return [f"“{unsaved[0].name}” is not saved in any file: it is lost when you quit."]
        names = ", ".join(f"“{m.name}”" for m in unsaved)
        return [f"{count(len(unsaved), 'model')} are not saved in any file ({names}): they are "
                "lost when you quit."]

    def quit_question(self, reasons: list[str], unkept: list[str] = ()) -> str:
        """The quit question: what is running and what would be lost, then what quitting keeps
        (a tab's optional `quit_note()`, e.g. the Train tab's model of its last complete
        epoch), and what Save as… does where a model is in no file."""
        what = "it" if len(reasons) == 1 else "them"
        ask = f"Stop {what} and quit?" if reasons else "Quit anyway?"
        text = " ".join([*reasons, *unkept, ask])
        notes = self._tabs_say("quit_note")
        unsaved = len(self.unsaved_models())
        if unsaved:
            each = "it" if unsaved == 1 else "each of them"
            notes.append(f"Save as… saves {each} in a file you choose, then quits.")
        return "\n\n".join([text, *notes])

    def _ask_quit(self, reasons: list[str], unkept: list[str] = ()) -> bool:
        """Ask whether to quit (True: yes). While the question is open the work goes on behind
        it, so it follows that work: its text is brought up to date (a run's epochs, work that
        ends with something to keep), and once nothing is left running and nothing would be
        lost it closes and the app quits, as the user asked: the question was only there to
        protect that work, and asking again about nothing would be a click for no reason."""
        box = QMessageBox(QMessageBox.Question, "Quit VAE Desktop",
                          self.quit_question(reasons, unkept),
                          QMessageBox.Yes | QMessageBox.No, self)
        box.setDefaultButton(QMessageBox.No)
        box.setEscapeButton(QMessageBox.No)
        ended = []
        save_button = []

        def offer_save() -> None:
            """Where a model is in no file: Save as… (the default), Quit anyway, Cancel."""
            if save_button or not self.unsaved_models():
                return
            button = box.addButton("Save as…", QMessageBox.AcceptRole)
            button.setToolTip("Save each model that is in no file to a file you choose, then "
                              "quit")
            box.button(QMessageBox.Yes).setText("Quit anyway")
            box.button(QMessageBox.Yes).setToolTip("Quit without saving it: it is lost")
            box.button(QMessageBox.No).setText("Cancel")
            box.button(QMessageBox.No).setToolTip("Go back to the app (Esc)")
            box.setDefaultButton(button)
            save_button.append(button)

        def follow() -> None:
            now_running, now_unkept = self.busy_reasons(), self.unkept_reasons()
            if not now_running and not now_unkept:
                ended.append(True)
                box.done(QMessageBox.Yes)
                return
            offer_save()  # a run ended behind the question, its autosave failed
            text = self.quit_question(now_running, now_unkept)
            if text != box.text():
                box.setText(text)

        offer_save()

        timer = QTimer(box)
        timer.setInterval(QUIT_CHECK_MS)
        timer.timeout.connect(follow)
        timer.start()
        self.quit_box = box
        try:
            box.exec()
        finally:
            timer.stop()
            self.quit_box = None
            box.deleteLater()
        if ended:
            return True
        if save_button and box.clickedButton() is save_button[0]:
            return self._save_unsaved()
        return box.clickedButton() is box.button(QMessageBox.Yes)

    def terminate(self) -> None:
        """Close without the quit question (a logout or `kill` sent SIGTERM): running work stops
        and what it has done so far is kept, as when the question is answered Yes."""
        self._terminating = True
        self.close()

    def closeEvent(self, event) -> None:
        if self._closing_down:  # asked again (Ctrl+C) while waiting for the work to stop
            event.ignore()
            return
        reasons, unkept = self.busy_reasons(), self.unkept_reasons()
        if ((reasons or unkept) and not self._terminating
                and not self._ask_quit(reasons, unkept)):
            event.ignore()
            return
        self._closing_down = True
        self.save_settings()
        if self.state is not None:  # before it, nothing runs but the start-up's imports
            from vae_desktop.gui import shutdown

            in_memory = {id(m) for m in self.unsaved_models()}  # answered for already
            # Every job stops, or is left to end with the process when one step outlasts the
            # wait: the threads must be done with the widgets they report to before those go.
            shutdown.close_down(self, self.tab_widgets, self.state.workers)
            stranded = [m for m in self.unsaved_models() if id(m) not in in_memory]
            if stranded and not self._terminating:
                self._offer_to_save_stranded(stranded)
        super().closeEvent(event)

    def _offer_to_save_stranded(self, models: list) -> None:
        """Work stopped by the quit left models that no file holds (a new model stopped in its
        first epoch, or a run whose autosave failed: a full or read-only models folder). The
        work has stopped, so there is no going back to the app: Save as… (the default, asked
        again after a cancelled or failed save) or Quit without saving; Esc does neither."""
        while models := [m for m in models if m.path is None]:
            names = ", ".join(f"“{m.name}”" for m in models)
            one = len(models) == 1
            box = QMessageBox(QMessageBox.Warning, "Quit VAE Desktop",
                              f"{names} could not be saved to a file when the work stopped "
                              f"({'its autosave' if one else 'their autosaves'} failed): "
                              f"{'it is' if one else 'they are'} lost "
                              "when you quit.\n\nSave as… saves "
                              f"{'it' if one else 'each of them'} in a file you choose, then "
                              "quits.", QMessageBox.NoButton, self)
            save = box.addButton("Save as…", QMessageBox.AcceptRole)
            save.setToolTip("Choose a file for each model that is in no file, then quit")
            lose = box.addButton("Quit without saving", QMessageBox.DestructiveRole)
            lose.setToolTip("Quit now: the models named here are lost")
            box.setDefaultButton(save)
            self.quit_box = box
            try:
                box.exec()
            finally:
                self.quit_box = None
                box.deleteLater()
            if box.clickedButton() is not save:
                return
            self._save_unsaved(models)

    def _save_unsaved(self, models: list | None = None) -> bool:
        """The quit question's Save as…: each model that is in no file (or of `models`), saved
        where the user says; False (the app stays) when a dialog is cancelled or a save fails
        (and says why)."""
        for ckpt in self.unsaved_models() if models is None else models:
            path = self._ask_save_path(_files().file_name_for(ckpt.name), f"Save “{ckpt.name}” as",
                                       _files().CHECKPOINT_FILTER)
            if not path or not self._save_to(ckpt, path):
                return False
        return True
