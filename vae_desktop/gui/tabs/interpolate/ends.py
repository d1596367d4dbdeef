"""The two ends of a walk: where each comes from (EndPicker) and how that becomes a code with the
active model (resolve_end). An end is a test digit by index, a random test digit of a chosen
digit, the current drawing, a random code, or a point set on the Latent space tab.

For a conditional model an end has a label: a test digit's own, the label the Draw tab
reconstructs the drawing as (its "Reconstruct as", by default the model's reading), the digit
box's for a random code, and for a Latent space point the label (or label blend) it is decoded
under there, so the end shows the digit Latent space showed. With the walk's labels fixed, an end
previewed by decoding its code is previewed under the fixed label, as its frame is."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import numpy as np
import torch
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from vae_desktop.core import generate, latent
from vae_desktop.core.wording import a_digit
from vae_desktop.gui.state import one_hot
from vae_desktop.gui.widgets import tones
from vae_desktop.gui.widgets.hint_text import HINT_COLOUR
from vae_desktop.gui.widgets.image_view import DigitView
from vae_desktop.gui.widgets.range_spin import RangeSpinBox

DIGITS = 10
MAX_SEED = 999_999

# End sources: (key, text shown in the combo box)
SOURCES = (
    ("index", "Test digit by index"),
    ("random_digit", "Random test digit of…"),
    ("drawing", "The drawing on the Draw tab"),  # as the Conditional tab names it
    ("random_code", "Random code z ~ N(0, I)"),
    ("latent", "Latent space point"),
)
SHOWN_DIMS = 3  # the coordinates a Latent space point's caption names
EMPTY_PREVIEW = np.full((28, 28), np.nan, np.float32)


@dataclass
class End:
    """One resolved end of the walk."""

    code: torch.Tensor | None  # [latent_dim], None when the end cannot be had yet
    label: int | None  # its single label (conditional models); None for a blend or no label
    image: np.ndarray | None  # what to preview: the source image, or the decoded code
    caption: str
    problem: str = ""  # why there is no code, in words
    # [num_classes] float32 label weights it is decoded under: one-hot, or (a Latent space point
    # decoded under a blend) a blend; None for an unconditional model.
    weights: np.ndarray | None = None

    def label_text(self) -> str:
        """Its label for a title: "7", or "5→6 blend: 25% 5, 75% 6" ("" without a label)."""
        if self.weights is None:
            return "" if self.label is None else str(self.label)
        return latent.describe_label(self.weights).removeprefix("label ")


def _signed(value: float) -> str:
    return f"{value:+.2f}".replace("-", "−")


def describe_point(code: np.ndarray) -> str:
    """A latent point by the dimensions it uses: "z17 = +0.04 (the other 49 are 0)", its largest
    coordinates first ("z40 = −2.25, z3 = +1.50, z8 = +0.75 and 2 more (|z| = 2.81)"), every one
    for a model of at most SHOWN_DIMS; "at the origin" when all are 0 (to two decimals)."""
    values = np.round(np.asarray(code, np.float64).reshape(-1), 2)
    used = np.flatnonzero(values)
    if not used.size:
        return "at the origin"
    dims = len(values)
    if dims <= SHOWN_DIMS:
        return ", ".join(f"z{d} = {_signed(values[d])}" for d in range(dims))
    largest = sorted(used, key=lambda d: (-abs(values[d]), d))[:SHOWN_DIMS]
    text = ", ".join(f"z{d} = {_signed(values[d])}" for d in largest)
    more = len(used) - len(largest)
    if not more:
        return f"{text} (the other {dims - len(largest)} are 0)"
    norm = float(np.linalg.norm(np.asarray(code, np.float64)))
    return f"{text} and {more} more (|z| = {norm:.2f})"


def clip_to_width(label: QLabel) -> None:
    """Let a one-line label be narrower than its text (clipped) instead of widening the tab; no word
    wrap either, which would make the tab's height depend on its width inside the scroll area."""
    label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
    label.setMinimumWidth(40)


class EndPicker(QGroupBox):
    """The settings of one end; `resolve_end` turns them into a code with the active model."""

    changed = Signal()

    def __init__(self, title: str, index: int, digit: int, seed: int, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.seed = seed
        self.click: np.ndarray | None = None  # the latest Latent space point given to this end
        self.click_weights: np.ndarray | None = None  # the label weights that point came with
        self.click_order = 0  # when it was given (to share points between two listening ends)
        self._conditional = False
        layout = QHBoxLayout(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        self.source = QComboBox()
        for key, text in SOURCES:
            self.source.addItem(text, key)
        # As wide as its longest entry, never cut ("The drawing on the Draw ta"): the two ends
        # and the walk's settings share the row, which has room for them whole at 1280 px.
        self.source.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self.source.setToolTip("Where this end of the walk comes from")
        form.addRow("From", self.source)
        self.index_spin = RangeSpinBox(f"The index of {title}")  # the tab says what it refused
        self.index_spin.setRange(0, 9999)
        self.index_spin.setValue(index)
        self.index_spin.setToolTip("Index into the 10,000 MNIST test digits")
        self.digit_combo = QComboBox()
        for d in range(DIGITS):
            self.digit_combo.addItem(str(d), d)
        self.digit_combo.setCurrentIndex(digit)
        self.another = QPushButton("Another")
        self.another.setToolTip("Pick another at random")
        self.another.clicked.connect(self.reroll)
        detail = QHBoxLayout()
        detail.setContentsMargins(0, 0, 0, 0)
        detail.addWidget(self.index_spin, 1)
        detail.addWidget(self.digit_combo, 1)
        detail.addWidget(self.another)
        self.detail_label = QLabel("Index")
        form.addRow(self.detail_label, detail)
        # What the end is, on up to three lines (the row of ends has a fixed height, so the
        # wrapping does not change the tab's), all of it in the tooltip.
        self.caption = QLabel()
        self.caption.setTextFormat(Qt.PlainText)  # a problem's words shown whole, '<' and all
        clip_to_width(self.caption)
        self.caption.setWordWrap(True)
        self.caption.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        self.caption.setMaximumHeight(3 * self.caption.fontMetrics().lineSpacing())
        form.addRow(self.caption)
        layout.addLayout(form, 1)
        self.preview = DigitView(title=f"{title}: the source image, or the decoded code", min_size=72)
        self.preview.setFixedSize(92, 92)
        layout.addWidget(self.preview, 0, Qt.AlignTop)
        self.source.currentIndexChanged.connect(self._on_source)
        self.index_spin.valueChanged.connect(lambda _: self.changed.emit())
        self.digit_combo.currentIndexChanged.connect(lambda _: self.changed.emit())
        self._on_source()

    @property
    def kind(self) -> str:
        return self.source.currentData()

    @property
    def digit(self) -> int:
        return int(self.digit_combo.currentData())

    def set_kind(self, kind: str) -> None:
        self.source.setCurrentIndex([k for k, _ in SOURCES].index(kind))

    def set_conditional(self, conditional: bool) -> None:
        self._conditional = conditional
        self._on_source(emit=False)

    def give_point(self, code: np.ndarray, weights: np.ndarray | None, order: int) -> None:
        """A Latent space point for this end: its code with the label weights it is decoded
        under there (one-hot, a blend, or None), which become the end's label."""
        self.click, self.click_order = code, order
        self.click_weights = None if weights is None else np.asarray(weights, np.float32).copy()

    def relabel(self, code: np.ndarray, weights: np.ndarray | None) -> bool:
        """The point `code` is now decoded under `weights`: if it is this end's point, take them;
        returns whether it was."""
        if self.click is None or not np.array_equal(self.click, code):
            return False
        self.click_weights = None if weights is None else np.asarray(weights, np.float32).copy()
        return True

    def reroll(self) -> None:
        old = self.seed
        while self.seed == old:
            self.seed = secrets.randbelow(MAX_SEED + 1)
        self.changed.emit()

    def _on_source(self, *_, emit: bool = True) -> None:
        kind = self.kind
        conditional = self._conditional
        self.index_spin.setVisible(kind == "index")
        # The digit box chooses the test digit's class, or the label of a random code. A Latent
        # space point comes with its label: a box beside it would only disagree.
        uses_digit = kind == "random_digit" or (kind == "random_code" and conditional)
        self.digit_combo.setVisible(uses_digit)
        self.another.setVisible(kind in ("random_digit", "random_code"))
        self.detail_label.setText({"index": "Index", "random_digit": "Digit"}.get(
            kind, "Label" if uses_digit else ""))
        # The box beside it is named by it (a screen reader says "Index", "Digit", "Label").
        self.detail_label.setBuddy(self.index_spin if kind == "index" else self.digit_combo)
        self.digit_combo.setToolTip("Which digit to pick at random" if kind == "random_digit"
                                    else "The label this code is decoded with")
        if emit:
            self.changed.emit()

    def show_end(self, end: End) -> None:
        # No image: nothing (transparent), rather than a black square that looks like a digit's.
        self.preview.set_image(end.image if end.image is not None else EMPTY_PREVIEW)
        # Why there is no code in red, else where it comes from in the hints' grey: each
        # readable on the window's palette, light or dark, also after a switch (widgets.tones).
        tones.set_tone(self.caption, tones.ERROR if end.problem else HINT_COLOUR)
        self.caption.setText(end.problem or end.caption)
        self.caption.setToolTip(end.problem or end.caption)


def _seen(model, image: np.ndarray) -> tuple[np.ndarray, str]:
    """The image as the model sees it (core.generate.as_seen: binarised for a model trained on
    binarised MNIST, as its test digits and the Draw tab's drawing are) and a caption's note
    saying so ("" for grey levels)."""
    if not model.config.binarized:
        return image, ""
    x = torch.from_numpy(np.asarray(image, np.float32)).reshape(1, 1, 28, 28)
    return generate.as_seen(model, x).reshape(28, 28).numpy(), ", binarised"


def _encode(model, image: np.ndarray, label: int | None) -> torch.Tensor:
    """The posterior mean of an image, given as the model sees it (`_seen`)."""
    x = torch.from_numpy(np.asarray(image, np.float32)).reshape(1, 1, 28, 28).to(model.device)
    y = None if label is None else torch.tensor([label], device=model.device)
    with torch.no_grad():
        mu, _ = model.encode(x, y)
    return mu[0].cpu()


def _end(model, code, label: int | None, image, caption: str) -> End:
    """An end of a single label (or none, for an unconditional model)."""
    weights = None if label is None else one_hot(label, model.num_classes)
    return End(code, label, image, caption, weights=weights)


def resolve_end(picker: EndPicker, model, state, last_click: np.ndarray | None,
                last_weights: np.ndarray | None = None, drawing_label: int | None = None,
                fixed_label: int | None = None) -> End:
    """The picker's settings as a code (posterior mean for images) with its label, under `model`;
    a "latent" end without a point of its own takes `last_click` with its `last_weights`.
    `drawing_label`: the label the Draw tab reconstructs the current drawing as (None: the
    model's own reading). `fixed_label`: the label every frame is decoded under, if fixed: an
    end previewed by decoding its code is previewed under it."""
    conditional = model.num_classes > 0
    kind = picker.kind
    if kind in ("index", "random_digit"):
        try:
            images, labels = state.test_set()
        except Exception as exc:  # the test set cannot be read: say so in place
            return End(None, None, None, "", f"Could not read the test set: {exc}")
        if kind == "index":
            index = picker.index_spin.value()
        else:
            candidates = torch.nonzero(labels == picker.digit).flatten()
            gen = torch.Generator().manual_seed(picker.seed)
            index = int(candidates[torch.randint(len(candidates), (1,), generator=gen)])
        image, note = _seen(model, images[index].numpy().astype(np.float32) / 255.0)
        label = int(labels[index])
        code = _encode(model, image, label if conditional else None)
        return _end(model, code, label if conditional else None, image,
                    f"test #{index}, {a_digit(label)}{note}")
    if kind == "drawing":
        drawing = state.drawing
        if drawing is None:
            return End(None, None, None, "", "Empty canvas: draw a digit on the Draw tab")
        image, note = _seen(model, drawing.image)
        label = None
        caption = drawing.origin
        if conditional:
            label = int(generate.guess_label(model, torch.from_numpy(image))[0][0])
            if drawing_label is not None and drawing_label != label and \
                    0 <= drawing_label < model.num_classes:
                label = drawing_label  # as the Draw tab and Latent space have it
                caption += f", as {a_digit(label)} (Reconstruct as on the Draw tab)"
            else:
                caption += f", read as {a_digit(label)}"
        return _end(model, _encode(model, image, label), label, image, caption + note)
    label = picker.digit if conditional else None
    weights = None if label is None else one_hot(label, model.num_classes)
    if kind == "random_code":
        code = generate.sample_codes(model.latent_dim, 1, 1.0, picker.seed)[0]
        caption = f"random code (seed {picker.seed})"
    else:
        if picker.click is None:
            picker.click, picker.click_weights = last_click, last_weights
        click = picker.click
        if click is None or click.shape[0] != model.latent_dim:
            return End(None, None, None, "",
                       "No point has been picked on the Latent space tab yet: click one there")
        code = torch.from_numpy(click.copy())
        caption = f"Latent space point {describe_point(click)}"
        given = picker.click_weights
        if conditional and given is not None and given.size == model.num_classes:
            # The label the point is decoded under on Latent space, a blend included.
            weights = np.asarray(given, np.float32)
            single = bool(np.isclose(weights.max(), 1.0))
            label = int(weights.argmax()) if single else None
    shown_under = weights
    if weights is not None and fixed_label is not None:
        shown_under = one_hot(fixed_label, model.num_classes)
        caption += f", shown as {a_digit(fixed_label)} (label fixed)"
    elif weights is not None:
        caption += f", {latent.describe_label(weights)}"
    with torch.no_grad():
        image = latent.decode(model, code, shown_under)[0].numpy()
    return End(code, label, image, caption, weights=weights)
