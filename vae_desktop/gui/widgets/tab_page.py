"""The page of one tab in the main window, and where the keyboard focus goes on a tab when the
tab turns off the control that has it (FocusKeeper)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QScrollArea, QWidget
from shiboken6 import isValid

from vae_desktop.gui.widgets import tones


class TabPage(QScrollArea):
    """Holds one tab at the size of the window, and scrolls it only when the window is smaller
    than the tab's minimum size: so the largest tab does not force the window to be wider or
    taller than a small screen. (QScrollArea's own widgetResizable mode gives widgets with
    word-wrapped labels their preferred height, which is too tall.)

    No Tab stop of its own: frameless, it drew no focus and did nothing, so one press of Tab on
    every tab went nowhere to be seen. It scrolls from the keyboard all the same: Tab to a control
    out of view brings it into view (QScrollArea.focusNextPrevChild), and PageDown and PageUp in a
    control that does not use them come up to the page and scroll it."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__()
        self.setFrameShape(QScrollArea.NoFrame)
        self.setFocusPolicy(Qt.NoFocus)
        self.setWidgetResizable(False)
        self.setWidget(widget)
        self.viewport().installEventFilter(self)
        widget.installEventFilter(self)
        # A theme switched reaches every widget (gui.app starts this for the app; here for a
        # tab shown without it, as in tests). Once for the app: a second call does nothing.
        tones.watch_theme()

    def hold(self, widget: QWidget) -> None:
        """Show `widget` instead of the one held so far (a tab instead of its loading page)."""
        old = self.takeWidget()
        if old is not None:
            old.removeEventFilter(self)
            old.deleteLater()
        self.setWidget(widget)
        widget.installEventFilter(self)
        self.fit()

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


class FocusKeeper:
    """Where the keyboard focus goes when a tab turns off (or hides) the control that has it.

    Qt passes the focus on to the next control that takes it, whichever that is (after Start in
    the Train tab: Pause, then after the run a check box under the plot), or drops it (a whole
    form turned off): a keyboard user is left somewhere unexpected, or nowhere. The tab holds the
    focus before such a change (`hold`) and hands it on after (`hand_on`) to the control a person
    presses next, drawn as focused. Only focus the app took is handed on: it was on a control now
    off or hidden, or nowhere, or where Qt put it the last time the app took it (no control to
    press was on then, as while a run stops); a person who moved on keeps their place."""

    def __init__(self, page: QWidget) -> None:
        self.page = page
        self._left: QWidget | None = None  # where Qt put focus the app took, with nowhere to go

    def hold(self) -> QWidget | None:
        """The control with the focus in the tab's window, before the tab changes its controls."""
        return self.page.window().focusWidget()

    def hand_on(self, held: QWidget | None, *targets: QWidget | None) -> QWidget | None:
        """After the change: if the app took the focus (see the class), give it to the first of
        `targets` that can take it (on, and shown); returns it, or None where the focus stays."""
        window = self.page.window()
        if not self._taken(held):
            self._left = None
            return None
        for target in targets:
            if target is not None and target.isEnabled() and target.isVisible():
                # Drawn: Qt draws the focus after a key moved it only (Tab), and the app's move
                # is as much news to a keyboard user.
                target.setFocus(Qt.TabFocusReason)
                window.setAttribute(Qt.WA_KeyboardFocusChange)
                target.update()
                self._left = None
                return target
        self._left = window.focusWidget()  # nothing to press yet: handed on at the next change
        return None

    def _taken(self, held: QWidget | None) -> bool:
        if held is None:
            return True
        if not isValid(held):  # deleted meanwhile
            return True
        if held is self._left:
            return True
        inside = held is self.page or self.page.isAncestorOf(held)
        return inside and not (held.isEnabled() and held.isVisible())
