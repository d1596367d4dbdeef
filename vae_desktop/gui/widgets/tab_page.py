"""The page of one tab in the main window."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QScrollArea, QWidget


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
