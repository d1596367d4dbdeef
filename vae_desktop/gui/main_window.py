"""The main window: one tab per module, a model selector shared by every tab, File and Help
menus, a status bar describing the active model, and settings that persist with QSettings.
MainWindow composes the parts in vae_desktop.gui.window (its tab pages, status line, File
actions, what it remembers, quitting) and makes the frame and the start-up's steps here.

This module imports no torch at its top: `show_first=True` makes only the frame (menus, toolbar,
status bar, a page per tab saying what is loading) so that vae_desktop.gui.startup can show it
before PyTorch has loaded; the models and the tabs are then attached with `attach_state` and
`build_tab`. Without it, the window builds everything at once, as tests and benches want.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget, QWidget

from vae_desktop.gui import preferences as qs
from vae_desktop.gui.about import app_icon
from vae_desktop.gui.widgets.elided_label import ElidedLabel
from vae_desktop.gui.widgets.loading import LoadingPage
from vae_desktop.gui.widgets.tab_page import TabPage
from vae_desktop.gui.window import tab_pages
from vae_desktop.gui.window.file_actions import FileActions
from vae_desktop.gui.window.menus import build_menus, build_toolbar
from vae_desktop.gui.window.persistence import WindowPersistence
from vae_desktop.gui.window.quitting import Quitting
from vae_desktop.gui.window.status_line import NO_MODELS, StatusLine
from vae_desktop.gui.window.tab_pages import TabPages, tab_classes

__all__ = ["MainWindow"]


def __getattr__(name: str):
    if name == "TABS":  # (title, class) pairs, imported on first use: see tab_classes
        return tab_classes()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class MainWindow(TabPages, StatusLine, FileActions, WindowPersistence, Quitting, QMainWindow):
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
        self._in_close_event = False  # the quit's question or the wait for the work is under way
        self.settings = qs.open_settings()
        self._tab_specs = tuple(tabs) if tabs is not None else None

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tab_widgets: dict[str, QWidget] = {}  # the tabs built so far, by title
        self._pages: dict[str, TabPage] = {}
        titles = [title for title, _ in tabs] if tabs is not None else list(tab_pages.TAB_TITLES)
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

    def show_loading(self, stage: str, failure: tuple[str, str, str] | None = None,
                     status: bool = True) -> None:
        """Say what is loading (`stage`), or (`failure`: what failed, the error, what may mend
        it) why the start-up cannot go on, in the place of every tab not built yet and, unless
        `status` is False (the status bar already names the active model), in the status bar."""
        for page in self._pages.values():
            if isinstance(page.widget(), LoadingPage):
                if failure:
                    page.widget().show_failure(*failure)
                else:
                    page.widget().show_stage(stage)
        if not status:
            return
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
