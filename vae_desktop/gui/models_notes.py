"""The start-up notes at the top of the Models dialog (gui.models_dialog): what the app found
when it read the list of models as it started (entries dropped, files refused or not found, a
list rebuilt), whole, with a Hide button that puts them away until the app is started again."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget


class StartupNotes(QWidget):
    """The notes as a list under a heading, `text`; `hide_button` beside them. Nothing to say:
    nothing shown."""

    def __init__(self, notes: list[str], parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("startupNotes")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.RichText)
        self.text.setTextInteractionFlags(Qt.TextSelectableByMouse)
        items = "".join(f"<li>{html.escape(note)}</li>" for note in notes)
        self.text.setText("<b>When vae-desktop started, it found this about the list "
                          f"of models:</b><ul style='margin: 0'>{items}</ul>")
        self.hide_button = QPushButton("Hide")
        self.hide_button.setToolTip("Put these notes away until vae-desktop is started "
                                    "again (they are shown again then if still true)")
        self.hide_button.setAutoDefault(False)  # Enter in the table is not "Hide"
        self.hide_button.clicked.connect(lambda _checked=False: self.hide())
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 6)
        row.addWidget(self.text, 1)
        row.addWidget(self.hide_button, 0, Qt.AlignTop)
        self.setVisible(bool(notes))
