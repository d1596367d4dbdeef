"""The main window's toolbar and menus: File, View (Ctrl+1…7: the tabs) and Help. Their actions
become the window's attributes (window.open_action, window.recent_menu, ...) and call its
methods (vae_desktop.gui.main_window). Nothing here imports torch: the menus work while it loads."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QToolBar

from vae_desktop.gui.help import HelpMenu


def make_action(window, text: str, slot, shortcut=None, tip: str = "") -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(tip)
    action.triggered.connect(lambda _checked=False: slot())  # triggered(bool): not a path
    return action


def build_toolbar(window) -> None:
    """The model selector (window.model_combo); build_menus adds Models, Open and Save as."""
    bar = QToolBar("Model")
    bar.setObjectName("model_toolbar")
    bar.setMovable(False)
    label = QLabel(" Active model: ")
    bar.addWidget(label)
    combo = QComboBox()
    combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
    combo.setMinimumWidth(260)
    combo.setToolTip("The model every tab uses; pick another to switch all tabs")
    combo.setPlaceholderText("Loading the bundled models…")
    combo.currentIndexChanged.connect(window._pick_model)
    label.setBuddy(combo)
    bar.addWidget(combo)
    bar.addSeparator()
    window.addToolBar(bar)
    window.model_combo, window.toolbar = combo, bar


def build_menus(window) -> None:
    """File, View and Help; after build_toolbar."""
    w = window
    w.new_action = make_action(w, "&New model", w.new_model, QKeySequence.New,
                               "Set up and train a new model on the Train tab")
    w.open_action = make_action(w, "&Open checkpoint…", w.open_checkpoint, QKeySequence.Open,
                                "Load a model saved by vae-desktop")
    w.save_action = make_action(w, "&Save", w.save, QKeySequence.Save,
                                "Save the active model to its file")
    w.save_as_action = make_action(w, "Save &as…", w.save_as, QKeySequence.SaveAs,
                                   "Save the active model to a new file")
    w.export_csv_action = make_action(w, "Export loss history as &CSV…", w.export_history_csv,
                                      tip="The active model's per-epoch losses")
    w.export_png_action = make_action(w, "Export &loss plot as PNG…", w.export_plot_png,
                                      tip="The Train tab's loss plot as an image")
    w.models_action = make_action(w, "&Models…", w.show_models, "Ctrl+M",
                                  "Every model you trained or opened: rename, remove, "
                                  "show in folder")
    # Qt names no Quit key on Windows or outside GNOME/KDE: Ctrl+Q there, as desktops use.
    quit_key = QKeySequence.Quit if QKeySequence.keyBindings(QKeySequence.Quit) else "Ctrl+Q"
    w.quit_action = make_action(w, "&Quit", w.close, quit_key)

    file_menu = w.menuBar().addMenu("&File")
    file_menu.addAction(w.new_action)
    file_menu.addAction(w.open_action)
    w.recent_menu = file_menu.addMenu("Open &recent")
    w.recent_menu.aboutToShow.connect(w._fill_recent_menu)
    w._fill_recent_menu()
    file_menu.addAction(w.models_action)
    file_menu.addSeparator()
    file_menu.addAction(w.save_action)
    file_menu.addAction(w.save_as_action)
    file_menu.addSeparator()
    file_menu.addAction(w.export_csv_action)
    file_menu.addAction(w.export_png_action)
    file_menu.addSeparator()
    file_menu.addAction(w.quit_action)
    w.view_menu = w.menuBar().addMenu("&View")
    for i in range(w.tabs.count()):  # Ctrl+1…7: the tabs in order
        w.view_menu.addAction(make_action(w, w.tabs.tabText(i), lambda _=False, i=i:
                                          w.tabs.setCurrentIndex(i), f"Ctrl+{i + 1}"))
        w.tabs.setTabToolTip(i, f"Ctrl+{i + 1} · F1: guide to this tab")
    w.help = HelpMenu(w, w.current_tab_title)  # Guide (F1), What is a VAE?, About
    w.file_menu, w.help_menu = file_menu, w.help.menu

    w.toolbar.addAction(w.models_action)
    w.toolbar.addAction(w.open_action)
    w.toolbar.addAction(w.save_as_action)
