"""FormScroll: a settings form's scroll area, as tall as the form and no taller, so that the
buttons under it follow the form on a tall window instead of sitting at the window's bottom edge;
on a short window it shrinks and the form scrolls.

QScrollArea's own size hint caps the form at 24 lines of text (336 px here), which is why the
hint is the form's own."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QScrollArea, QSizePolicy, QWidget


class FormScroll(QScrollArea):
    def __init__(self, form: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidget(form)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        # Maximum: never taller than the form; its minimum is small, so it can shrink and scroll.
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Maximum)
        # Tab goes from field to field, not to the scroll area itself (it still scrolls to the
        # field that takes the focus).
        self.setFocusPolicy(Qt.NoFocus)

    def sizeHint(self) -> QSize:
        form = self.widget()
        hint = super().sizeHint()
        if form is None:
            return hint
        margins = self.contentsMargins()
        return QSize(hint.width(), form.sizeHint().height() + margins.top() + margins.bottom())
