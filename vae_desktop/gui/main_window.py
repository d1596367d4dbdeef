"""The main window: one tab per module, a model selector shared by every tab, File and Help
menus, a status bar describing the active model, and settings that persist with QSettings."""

from __future__ import annotations

import csv
import traceback
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QTabWidget,
    QToolBar,
    QWidget,
)

from vae_desktop.core import checkpoint
from vae_desktop.core.fileio import atomic_write
from vae_desktop.core.library import models_dir
from vae_desktop.gui import preferences as qs
from vae_desktop.gui import shutdown
from vae_desktop.gui.about import app_icon, device_label
from vae_desktop.gui.help import HelpMenu
from vae_desktop.gui.model_files import (
    CHECKPOINT_FILTER,
    describe_model,
    is_user_file,
)
from vae_desktop.gui.models_dialog import ModelsDialog
from vae_desktop.gui.state import AppState
from vae_desktop.gui.tabs.conditional.tab import ConditionalTab
from vae_desktop.gui.tabs.draw.tab import DrawTab
from vae_desktop.gui.tabs.evaluate.tab import EvaluateTab
from vae_desktop.gui.tabs.interpolate.tab import InterpolateTab
from vae_desktop.gui.tabs.latent.tab import LatentTab
from vae_desktop.gui.tabs.sweep.tab import SweepTab
from vae_desktop.gui.tabs.train.tab import TrainTab
from vae_desktop.gui.widgets.placeholder import PlannedTab

TABS = (
    ("Train", TrainTab),
    ("Draw", DrawTab),
    ("Latent space", LatentTab),
    ("Conditional", ConditionalTab),
    ("Interpolate", InterpolateTab),
    ("Evaluate", EvaluateTab),
    ("Sweep", SweepTab),
)
HISTORY_COLUMNS = ("epoch", "train_loss", "train_recon", "train_kl", "test_loss", "test_recon",
                   "test_kl", "seconds")


class TabPage(QScrollArea):
    """Holds one tab at the size of the window, and scrolls it only when the window is smaller
    than the tab's minimum size: so the largest tab does not force the window to be wider or
    taller than a small screen. (QScrollArea's own widgetResizable mode gives widgets with
    word-wrapped labels their preferred height, which is too tall.)"""

    def __init__(self, widget: QWidget) -> None:
        super().__init__()
        self.setFrameShape(QScrollArea.NoFrame)
        self.setWidgetResizable(False)
        self.setWidget(widget)
        self.viewport().installEventFilter(self)
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() in (QEvent.Resize, QEvent.LayoutRequest):
            self.fit()
        return super().eventFilter(watched, event)

    def fit(self) -> None:
        widget = self.widget()
        if widget is None:
            return
        smallest = widget.minimumSizeHint().expandedTo(widget.minimumSize())
        size = self.viewport().size().expandedTo(smallest)
        if widget.size() != size:
            widget.resize(size)


class MainWindow(QMainWindow):
    def __init__(self, state: AppState | None = None, load_library: bool = True,
                 tabs=TABS) -> None:
        """`tabs`: (title, class) pairs, TABS unless a test wants fewer."""
        super().__init__()
        self.setWindowTitle("VAE Desktop")
        self.setWindowIcon(app_icon())
        self.resize(1280, 820)
        self.state = state or AppState(self)
        self._closing_down = False
        self.settings = qs.open_settings()

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tab_widgets: dict[str, QWidget] = {}
        self._pages: dict[str, QScrollArea] = {}
        for title, cls in tabs:
            widget = self._make_tab(title, cls)
            self.tab_widgets[title] = widget
            page = TabPage(widget)
            self._pages[title] = page
            self.tabs.addTab(page, title)
        self.setCentralWidget(self.tabs)
        self.train_tab = self.tab_widgets.get("Train")

        self._build_toolbar()
        self._build_menus()
        self.model_label = QLabel()
        self.model_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.device_label = QLabel(f"Device: {device_label()}")
        self.statusBar().addWidget(self.model_label, 1)
        self.statusBar().addPermanentWidget(self.device_label)

        self.state.models_changed.connect(self._refresh_models)
        self.state.model_changed.connect(self._model_changed)
        self.state.tab_requested.connect(self.show_tab)
        self.state.status_message.connect(self._status_message)
        self.models_dialog: ModelsDialog | None = None
        if load_library:
            notes = self.state.load_library()
            if notes:
                self.state.status_message.emit(" · ".join(notes), 15000)
        self._restore_settings()
        self._refresh_models()
        self._model_changed(self.state.active)

    def _make_tab(self, title: str, cls) -> QWidget:
        """Build one tab; a tab that fails to build shows why instead of taking the app down."""
        try:
            return cls(self.state)
        except Exception as exc:  # noqa: BLE001 - one broken tab must not stop the others
            traceback.print_exc()
            return PlannedTab(title, f"This tab could not be opened: {exc}")

    # Toolbar and menus
    def _build_toolbar(self) -> None:
        bar = QToolBar("Model")
        bar.setObjectName("model_toolbar")
        bar.setMovable(False)
        label = QLabel(" Active model: ")
        bar.addWidget(label)
        self.model_combo = QComboBox()
        self.model_combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self.model_combo.setMinimumWidth(260)
        self.model_combo.setToolTip("The model every tab uses; pick another to switch all tabs")
        self.model_combo.currentIndexChanged.connect(self._pick_model)
        label.setBuddy(self.model_combo)
        bar.addWidget(self.model_combo)
        bar.addSeparator()
        self.addToolBar(bar)
        self.toolbar = bar

    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        self.new_action = self._action("&New model", self.new_model, QKeySequence.New,
                                       "Set up and train a new model on the Train tab")
        self.open_action = self._action("&Open checkpoint…", self.open_checkpoint, QKeySequence.Open,
                                        "Load a model saved by vae-desktop")
        self.save_action = self._action("&Save", self.save, QKeySequence.Save,
                                        "Save the active model to its file")
        self.save_as_action = self._action("Save &as…", self.save_as, QKeySequence.SaveAs,
                                           "Save the active model to a new file")
        self.export_csv_action = self._action("Export loss history as &CSV…", self.export_history_csv,
                                              tip="The active model's per-epoch losses")
        self.export_png_action = self._action("Export &plot as PNG…", self.export_plot_png,
                                              tip="The Train tab's loss plot as an image")
        self.models_action = self._action("&Models…", self.show_models, "Ctrl+M",
                                          "Every model you trained or opened: rename, remove, "
                                          "show in folder")
        self.quit_action = self._action("&Quit", self.close, QKeySequence.Quit)

        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._fill_recent_menu()
        file_menu.addAction(self.models_action)
        file_menu.addSeparator()
        file_menu.addAction(self.save_action)
        file_menu.addAction(self.save_as_action)
        file_menu.addSeparator()
        file_menu.addAction(self.export_csv_action)
        file_menu.addAction(self.export_png_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        self.view_menu = self.menuBar().addMenu("&View")
        for i in range(self.tabs.count()):  # Ctrl+1…7: the tabs in order
            self.view_menu.addAction(self._action(self.tabs.tabText(i), lambda _=False, i=i:
                                                  self.tabs.setCurrentIndex(i), f"Ctrl+{i + 1}"))
            self.tabs.setTabToolTip(i, f"Ctrl+{i + 1} · F1: guide to this tab")
        self.help = HelpMenu(self, self.current_tab_title)  # Guide (F1), What is a VAE?, About
        self.file_menu, self.help_menu = file_menu, self.help.menu

        self.toolbar.addAction(self.models_action)
        self.toolbar.addAction(self.open_action)
        self.toolbar.addAction(self.save_as_action)

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
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        for ckpt in self.state.models:
            self.model_combo.addItem(ckpt.name)
            self.model_combo.setItemData(self.model_combo.count() - 1, describe_model(ckpt),
                                         Qt.ToolTipRole)
        if self.state.active in self.state.models:
            self.model_combo.setCurrentIndex(self.state.models.index(self.state.active))
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

    def _update_status(self) -> None:
        ckpt = self.state.active
        self.model_label.setText(describe_model(ckpt))
        has_model = ckpt is not None
        for action in (self.save_action, self.save_as_action, self.export_csv_action):
            action.setEnabled(has_model)

    def _status_message(self, text: str, timeout_ms: int) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    # File menu
    def new_model(self) -> None:
        self.show_tab("Train")
        tab = self.train_tab
        if isinstance(tab, TrainTab):
            tab.prepare_new_model()
        self.statusBar().showMessage("Choose the model and training settings, then press Start",
                                     5000)

    def open_checkpoint(self, path: str | None = None) -> bool:
        """Load a checkpoint and make it active; a bad file shows why and changes nothing."""
        if not path:
            path = self._ask_open_path()
            if not path:
                return False
        try:
            ckpt = checkpoint.load(path)
        except checkpoint.CheckpointError as exc:
            if not Path(path).exists():
                qs.forget_recent(self.settings, str(path))
            self._show_error("Could not open the checkpoint", str(exc))
            return False
        self.state.add_model(ckpt, origin="opened")
        qs.remember_recent(self.settings, str(Path(path).resolve()))
        self.statusBar().showMessage(f"Opened {path}", 5000)
        return True

    def save(self) -> bool:
        ckpt = self.state.active
        if ckpt is None:
            return False
        if not is_user_file(ckpt):
            return self.save_as()
        return self._save_to(ckpt, ckpt.path)

    def save_as(self) -> bool:
        ckpt = self.state.active
        if ckpt is None:
            return False
        path = self._ask_save_path(f"{ckpt.name}.pt", "Save model as", CHECKPOINT_FILTER)
        return bool(path) and self._save_to(ckpt, path)

    def _save_to(self, ckpt, path) -> bool:
        try:
            saved = self.state.save_model_as(ckpt, path)
        except OSError as exc:
            self._show_error("Could not save the model", f"{path}: {exc}")
            return False
        self.statusBar().showMessage(f"Saved {saved.path}", 5000)
        return True

    def export_history_csv(self, path: str | None = None) -> bool:
        ckpt = self.state.active
        if ckpt is None:
            return False
        if not ckpt.history:
            self._show_error("No loss history", f"{ckpt.name} has no training history to export.")
            return False
        path = path or self._ask_save_path(f"{ckpt.name}-history.csv", "Export loss history",
                                           "CSV files (*.csv)")
        if not path:
            return False
        extra = sorted({key for rec in ckpt.history for key in rec} - set(HISTORY_COLUMNS))
        columns = [c for c in HISTORY_COLUMNS if any(c in rec for rec in ckpt.history)] + extra

        def write(tmp: str) -> None:
            with open(tmp, "w", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
                writer.writeheader()
                writer.writerows(ckpt.history)

        try:
            atomic_write(Path(path), write)
        except OSError as exc:
            self._show_error("Could not export the loss history", f"{path}: {exc}")
            return False
        self.statusBar().showMessage(f"Exported {len(ckpt.history)} epochs to {path}", 5000)
        return True

    def export_plot_png(self, path: str | None = None) -> bool:
        if not isinstance(self.train_tab, TrainTab):
            return False
        path = path or self._ask_save_path("loss-plot.png", "Export plot", "PNG images (*.png)")
        if not path:
            return False
        try:
            self.train_tab.export_plot_png(path)
        except OSError as exc:
            self._show_error("Could not export the plot", str(exc))
            return False
        self.statusBar().showMessage(f"Saved the plot to {path}", 5000)
        return True

    def show_models(self) -> ModelsDialog:
        if self.models_dialog is None:
            self.models_dialog = ModelsDialog(self.state, self)
        self.models_dialog.refresh()
        self.models_dialog.show()
        self.models_dialog.raise_()
        self.models_dialog.activateWindow()
        return self.models_dialog

    # Dialogs (methods, so tests can replace them)
    def open_dialog_folder(self) -> Path:
        """Open starts where the app keeps its models."""
        folder = models_dir()
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _ask_open_path(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self, "Open checkpoint", str(self.open_dialog_folder()),
                                              CHECKPOINT_FILTER)
        return path

    def _ask_save_path(self, suggested: str, title: str, file_filter: str) -> str:
        start = Path(qs.read_str(self.settings, "last_dir", str(Path.home()))) / suggested
        path, _ = QFileDialog.getSaveFileName(self, title, str(start), file_filter)
        if path:
            self.settings.setValue("last_dir", str(Path(path).parent))
        return path

    def _show_error(self, title: str, text: str) -> None:
        QMessageBox.warning(self, title, text)

    # Settings
    def _restore_settings(self) -> None:
        s = self.settings
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        window_state = s.value("window/state")
        if isinstance(window_state, QByteArray) and not window_state.isEmpty():
            self.restoreState(window_state)
        if isinstance(self.train_tab, TrainTab):
            self.train_tab.restore_settings(s)
        self._restore_last_model(qs.read_str(s, "last_model/path"), qs.read_str(s, "last_model/name"))
        tab = qs.read_str(s, "window/tab")
        if tab:
            self.show_tab(tab)

    def _restore_last_model(self, path: str, name: str) -> None:
        for ckpt in self.state.models:
            if (path and ckpt.path is not None and str(ckpt.path.resolve()) == path) or (
                    not path and name and ckpt.name == name):
                if ckpt is not self.state.active:
                    self.state.set_active(ckpt)
                return
        if path and Path(path).is_file():  # a model the user trained or opened last time
            try:
                self.state.add_model(checkpoint.load(path), origin="opened")
            except checkpoint.CheckpointError as exc:
                self.state.status_message.emit(f"Could not reopen the last model: {exc}", 10000)

    def save_settings(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/tab", self.current_tab_title())
        active = self.state.active
        s.setValue("last_model/path", str(active.path.resolve()) if active and active.path else "")
        s.setValue("last_model/name", active.name if active else "")
        if isinstance(self.train_tab, TrainTab):
            self.train_tab.save_settings(s)
        s.sync()

    # Closing
    def busy_reasons(self) -> list[str]:
        """What is still running, in words, from every tab that has background work."""
        reasons = []
        for tab in self.tab_widgets.values():
            busy = getattr(tab, "busy_reason", None)
            reason = busy() if callable(busy) else None
            if reason:
                reasons.append(reason)
        return reasons

    def _ask_quit(self, reasons: list[str]) -> bool:
        text = " ".join(reasons)
        what = "it" if len(reasons) == 1 else "them"
        answer = QMessageBox.question(self, "Quit VAE Desktop", f"{text} Stop {what} and quit?",
                                      QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        return answer == QMessageBox.Yes

    def closeEvent(self, event) -> None:
        if self._closing_down:  # asked again (Ctrl+C) while waiting for the work to stop
            event.ignore()
            return
        reasons = self.busy_reasons()
        if reasons and not self._ask_quit(reasons):
            event.ignore()
            return
        self._closing_down = True
        self.save_settings()
        # Every job stops, or is left to end with the process when one step outlasts the wait:
        # the threads must be done with the widgets they report to before those go away.
        shutdown.close_down(self, self.tab_widgets, self.state.workers)
        super().closeEvent(event)
