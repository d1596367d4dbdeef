"""Where the Train tab's settings sit in their form: short fields two to a row, so that the whole
form is in view in a 1280x720 window (one setting a row took 524 px of the 420 left to it there).

Labels line up in two columns across both groups (Model, Training); a field of its own spans the
width of a pair."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel, QSizePolicy, QWidget

# The rows of each group: one setting (the whole width) or two side by side. Settings of the
# group not named here get a row of their own at the end, so a new table setting still shows.
# The two check boxes share a row: at 1280 x 720 the form then fits above the Progress box
# without a scroll bar cutting the Device row in half.
MODEL_ROWS = (("arch",), ("hidden", "layers"), ("latent_dim", "beta"),
              ("conditional", "binarized"))
TRAIN_ROWS = (("lr", "batch_size"), ("epochs", "beta_warmup"), ("seed", "precision"),
              ("train_size",), ("digits",), ("device",))
# The second of a pair has less room for its label; its tooltip still gives the whole meaning.
SHORT_LABELS = {"layers": "Layers", "beta": "Beta", "beta_warmup": "KL warm-up"}
# Narrower than a spin box asks for (it sizes itself for its largest value, 2,147,483,647 for
# the seed), yet wide enough for the values people type; wider values scroll in the box.
PAIRED_MIN_WIDTH = 56
LABEL_COLUMNS = (0, 2)  # the label of a row's first field, and of its second
FIELD_COLUMNS = (1, 3)


def planned_rows(plan: Sequence[tuple[str, ...]], names: Iterable[str]) -> list[tuple[str, ...]]:
    """`plan`'s rows, keeping only `names`, then a row for each name it left out."""
    names = list(names)
    rows = [tuple(n for n in row if n in names) for row in plan]
    rows = [row for row in rows if row]
    placed = {n for row in rows for n in row}
    return rows + [(n,) for n in names if n not in placed]


class SettingsGrid(QGridLayout):
    """A group's rows: label, field, and for a pair a second label and field."""

    def __init__(self) -> None:
        super().__init__()
        self.setHorizontalSpacing(6)
        self.setVerticalSpacing(4)  # a little denser than QFormLayout's 6 px
        for column in FIELD_COLUMNS:
            self.setColumnStretch(column, 1)  # the pair's two fields equally wide
        self.labels: list[tuple[int, QLabel]] = []  # (column, label), to line columns up
        self.fields: list[QWidget] = []  # in reading order, row by row
        self._rows = 0  # rowCount() says 1 for an empty grid

    def add_row(self, cells: Sequence[tuple[str, QWidget]]) -> None:
        """`cells`: (label, field) for one field or two; a check box's text is its label."""
        row = self._rows
        self._rows += 1
        self.fields += [widget for _text, widget in cells]
        if len(cells) == 1:
            text, widget = cells[0]
            if isinstance(widget, QCheckBox):
                self.addWidget(widget, row, 0, 1, 4)
            else:
                self.addWidget(self._label(text, widget, LABEL_COLUMNS[0]), row, 0)
                self.addWidget(widget, row, 1, 1, 3)
            return
        if all(isinstance(widget, QCheckBox) for _text, widget in cells):
            for (_text, widget), column in zip(cells, LABEL_COLUMNS, strict=True):
                self.addWidget(widget, row, column, 1, 2)  # a pair of boxes: half the row each
            return
        columns = zip(cells, LABEL_COLUMNS, FIELD_COLUMNS, strict=True)
        for (text, widget), label_column, field_column in columns:
            # Ignored: the pair shares the width the column has rather than widening the column
            # to the boxes' own wishes (the seed's box asks for room for ten digits).
            widget.setSizePolicy(QSizePolicy.Ignored, widget.sizePolicy().verticalPolicy())
            widget.setMinimumWidth(PAIRED_MIN_WIDTH)
            self.addWidget(self._label(text, widget, label_column), row, label_column)
            self.addWidget(widget, row, field_column)

    def _label(self, text: str, widget: QWidget, column: int) -> QLabel:
        label = QLabel(text)
        label.setBuddy(widget)
        label.setToolTip(widget.toolTip())
        self.labels.append((column, label))
        return label


def line_up(grids: Sequence[SettingsGrid]) -> None:
    """Give each label column the same width in every grid, so the groups' fields align."""
    for column in LABEL_COLUMNS:
        widths = [label.sizeHint().width() for grid in grids for c, label in grid.labels
                  if c == column]
        for grid in grids:
            grid.setColumnMinimumWidth(column, max(widths, default=0))
