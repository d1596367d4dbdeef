"""The Help menu of the main window: Guide (F1 opens the current tab's page), What is a VAE?,
and About. The dialogs are made on first use and kept, so they reopen where they were. Closing
one gives the focus back to the control of the window that had it before (not to the menu bar,
which holds the focus while the Help menu is open from the keyboard)."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QMenuBar, QWidget

from vae_desktop.gui.about import AboutDialog
from vae_desktop.gui.guide import GuideDialog, page_for_tab


class FocusReturn(QObject):
    """Follows the control of `window` that has the focus, leaving out the menu bar and its
    menus, and gives the focus back to it (`give_back`) when a dialog of the window closes.
    (Where the focus goes when a tab turns off the control that has it is another matter:
    widgets.tab_page.FocusKeeper.)"""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)  # goes with the window, and its connection with it
        self.window = window
        self.last: QWidget | None = None
        QApplication.instance().focusChanged.connect(self._changed)

    def _changed(self, _old, new) -> None:
        if (new is not None and not isinstance(new, (QMenuBar, QMenu))
                and new.window() is self.window):
            self.last = new

    def give_back(self, dialog: QWidget) -> None:
        """`dialog` has closed: while no other window has taken over, the window is made active
        again with the focus where it was."""
        if QApplication.activeWindow() not in (None, dialog, self.window):
            return  # the user has gone on to another window: leave it there
        self.window.activateWindow()
        last = self.last
        if (last is not None and shiboken6.isValid(last) and last.window() is self.window
                and last.isVisible() and last.isEnabled()):
            last.setFocus(Qt.OtherFocusReason)


class HelpMenu:
    def __init__(self, window: QMainWindow, current_tab) -> None:
        """`current_tab`: returns the title of the tab in view (F1 opens its page)."""
        self.window = window
        self.current_tab = current_tab
        self.focus = FocusReturn(window)
        self.guide: GuideDialog | None = None
        self.about: AboutDialog | None = None
        self.guide_action = self._action("&Guide", self.show_guide_for_tab, "F1",
                                         "How to use the tab in view, and the other tabs")
        self.vae_action = self._action("&What is a VAE?", lambda: self.show_guide("vae"),
                                       tip="Encoder, latent code, decoder, and the loss they share")
        self.about_action = self._action("&About VAE Desktop", self.show_about,
                                         tip="Versions, device, and the folders the app uses")
        self.menu: QMenu = window.menuBar().addMenu("&Help")
        self.menu.addAction(self.guide_action)
        self.menu.addAction(self.vae_action)
        self.menu.addSeparator()
        self.menu.addAction(self.about_action)

    def _action(self, text: str, slot, shortcut: str | None = None, tip: str = "") -> QAction:
        action = QAction(text, self.window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())  # triggered(bool): not a path
        return action

    def show_guide_for_tab(self) -> GuideDialog:
        return self.show_guide(page_for_tab(self.current_tab()))

    def show_guide(self, page: str) -> GuideDialog:
        if self.guide is None:
            self.guide = GuideDialog(self.window)
            self.guide.finished.connect(lambda _result: self.focus.give_back(self.guide))
        self.guide.show_page(page)
        return self._raise(self.guide)

    def show_about(self) -> AboutDialog:
        if self.about is None:
            self.about = AboutDialog(self.window)
            self.about.finished.connect(lambda _result: self.focus.give_back(self.about))
        return self._raise(self.about)

    @staticmethod
    def _raise(dialog):
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog
