"""A widget's context menu from the keyboard: the menu key or Shift+F10, while the widget has the
focus, opens the menu of its actions (Qt.ActionsContextMenu) at the widget, as a right-click
opens it at the pointer. A plot (a QGraphicsView) is a Tab stop already; widgets.focus_frame's
FocusFrame draws a frame over its edge while it has the focus, so a keyboard user sees where the
keys go.

Platforms differ: on X11 the menu key also comes as a context-menu event at the mouse pointer,
and on Windows Shift+F10 does; elsewhere (Wayland, macOS, the offscreen platform) nothing comes
but the key. Both are taken here, and one press opens one menu, at the widget.

A pyqtgraph plot whose right-click opens pyqtgraph's own menu (View All, the axes, Export…) gets
that menu from the keyboard too: `KeyboardMenu(plot, lambda: plot_menu(plot))`."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QMenu, QWidget

MENU_KEYS_TEXT = "the menu key or Shift+F10"


def is_menu_key(event) -> bool:
    """The menu key, or Shift+F10 (a key press event)."""
    modifiers = event.modifiers() & ~Qt.KeypadModifier
    return ((event.key() == Qt.Key_Menu and modifiers == Qt.NoModifier)
            or (event.key() == Qt.Key_F10 and modifiers == Qt.ShiftModifier))


class KeyboardMenu(QObject):
    """Opens `widget`'s actions as a menu at the widget on the menu key or Shift+F10 (and on a
    context-menu event the keyboard caused); a right-click is left to Qt. `menu`, if given, makes
    the menu to open instead (one its owner keeps: pyqtgraph's, by `plot_menu`), or None when
    there is none to offer."""

    def __init__(self, widget: QWidget, menu: Callable[[], QMenu | None] | None = None) -> None:
        super().__init__(widget)
        self.widget = widget
        self.menu: QMenu | None = None  # the menu open, if any
        self._make = menu
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        kind = event.type()
        if kind == QEvent.KeyPress and is_menu_key(event):
            self.open()
            return True
        if kind == QEvent.ContextMenu and event.reason() == QContextMenuEvent.Keyboard:
            # The platform's own event for the key just taken comes while its menu is open.
            if self.menu is None or not self.menu.isVisible():
                self.open()
            return True
        return super().eventFilter(watched, event)

    def open(self) -> QMenu | None:
        """The menu, open at the widget's top left quarter (None: no action to offer)."""
        if self._make is not None:
            menu = self._make()  # its owner's, kept after it closes
            if menu is None:
                return None
        else:
            actions = [action for action in self.widget.actions() if action.isVisible()]
            if not actions:
                return None
            menu = QMenu(self.widget)
            menu.setAttribute(Qt.WA_DeleteOnClose)
            menu.addActions(actions)
            menu.aboutToHide.connect(self._forget)
        self.menu = menu
        rect = self.widget.rect()
        menu.popup(self.widget.mapToGlobal(QPoint(rect.width() // 4, rect.height() // 4)))
        return menu

    def _forget(self) -> None:
        self.menu = None


class _Asked:
    """What pyqtgraph's scene reads of the right-click that asks for a menu: the item clicked
    (its Export… dialog selects that item's plot)."""

    def __init__(self, item) -> None:
        self.acceptedItem = item


def plot_menu(plot) -> QMenu | None:
    """The menu a right-click in a pyqtgraph plot's (PlotWidget's) data area opens: its view's
    (View All, the axes, mouse mode), the plot's options and the scene's Export…; None where the
    plot has that menu turned off."""
    view = plot.getViewBox()
    if not view.menuEnabled():
        return None
    menu = view.getMenu(None)
    # As pyqtgraph's right-click does (ViewBox.raiseContextMenu): the parents' entries after it.
    view.scene().addParentContextMenus(view, menu, _Asked(view))
    return menu
