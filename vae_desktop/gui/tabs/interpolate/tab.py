"""Interpolate tab: walk in latent space from one digit to another. Each end is a test digit, a
random test digit of a chosen digit, the current drawing, a random code or a point clicked on the
Latent space tab; the linear and spherical strips are shown one above the other, each frame with
its mixing ratio; clicking a frame shows its code on the Latent space tab. Exports the strips as a
PNG and one path as a there-and-back animated GIF."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import torch
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from vae_desktop.core import generate
from vae_desktop.core import interpolation as interp
from vae_desktop.core.images import grid, save_gif, save_png
from vae_desktop.gui.widgets.image_view import DigitView

DIGITS = 10
PAD = 2  # pixels between frames, as images.grid lays them out
EXPORT_SCALE = 4
MAX_SEED = 999_999

# End sources: (key, text shown in the combo box)
SOURCES = (
    ("index", "Test digit by index"),
    ("random_digit", "Random test digit of…"),
    ("drawing", "The current drawing"),
    ("random_code", "Random code z ~ N(0, I)"),
    ("latent", "Point clicked on Latent space"),
)
PATHS = (("linear", "Linear (lerp)"), ("spherical", "Spherical (slerp)"))


@dataclass
class End:
    """One resolved end of the walk."""

    code: torch.Tensor | None  # [latent_dim], None when the end cannot be had yet
    label: int | None  # its label (conditional models)
    image: np.ndarray | None  # what to preview: the source image, or the decoded code
    caption: str
    problem: str = ""  # why there is no code, in words


def _clip_to_width(label: QLabel) -> None:
    """Let a one-line label be narrower than its text (clipped) instead of widening the tab; no word
    wrap either, which would make the tab's height depend on its width inside the scroll area."""
    label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
    label.setMinimumWidth(40)


class FrameStrip(DigitView):
    """A row of frames with a caption under each; clicking a frame emits its index."""

    frame_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None, title: str | None = None) -> None:
        super().__init__(parent, title=title, min_size=60)
        self.setMinimumHeight(110)
        self.setCursor(Qt.PointingHandCursor)
        self._captions: list[pg.TextItem] = []
        self._count = 0
        self.scene().sigMouseClicked.connect(self._on_click)
        self.caption_font = QFont()
        self.caption_font.setPointSize(8)

    def set_frames(self, frames: torch.Tensor | None, captions: list[str]) -> None:
        if frames is None or len(frames) == 0:
            self._count = 0
            self.set_image(np.zeros((28 + 2 * PAD, 28 + 2 * PAD), np.float32))
            captions = []
        else:
            self._count = len(frames)
            self.set_image(grid(frames, nrow=len(frames), padding=PAD))
        while len(self._captions) < len(captions):
            item = pg.TextItem(color="#bdc1c6", anchor=(0.5, 0.0))
            item.setFont(self.caption_font)
            self.view.addItem(item)
            self._captions.append(item)
        for i, item in enumerate(self._captions):
            if i < len(captions):
                item.setText(captions[i])
                item.setPos(PAD + i * (28 + PAD) + 14, 28 + 2 * PAD)
                item.show()
            else:
                item.hide()
        h, w = self.image().shape
        # Room under the frames for their captions (in image pixels; the text itself does not scale).
        self.view.setRange(xRange=(0, w), yRange=(0, h + 10), padding=0.0)

    def captions(self) -> list[str]:
        return [item.toPlainText() for item in self._captions if item.isVisible()]

    def frame_at(self, x: float, y: float) -> int | None:
        """The frame under image coordinates (x, y), or None."""
        if self._count == 0 or not 0 <= y <= 28 + 2 * PAD + 10:
            return None
        index = int((x - PAD / 2) // (28 + PAD))
        return index if 0 <= index < self._count else None

    def _on_click(self, event) -> None:
        if event.button() != Qt.LeftButton:
            return
        pos = self.view.mapSceneToView(event.scenePos())
        index = self.frame_at(pos.x(), pos.y())
        if index is not None:
            self.frame_clicked.emit(index)


class EndPicker(QGroupBox):
    """The settings of one end; the tab turns them into a code with the active model."""

    changed = Signal()

    def __init__(self, title: str, index: int, digit: int, seed: int, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.seed = seed
        self.click: np.ndarray | None = None  # the latest Latent space click given to this end
        self.click_order = 0  # when it was given (to share clicks between two listening ends)
        self._conditional = False
        layout = QHBoxLayout(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        self.source = QComboBox()
        for key, text in SOURCES:
            self.source.addItem(text, key)
        # Sized by a typical entry, not the longest, so two pickers fit side by side.
        self.source.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.source.setMinimumContentsLength(14)
        self.source.setToolTip("Where this end of the walk comes from")
        form.addRow("From", self.source)
        self.index_spin = QSpinBox()
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
        self.caption = QLabel()
        self.caption.setTextFormat(Qt.RichText)
        _clip_to_width(self.caption)
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

    def reroll(self) -> None:
        old = self.seed
        while self.seed == old:
            self.seed = secrets.randbelow(MAX_SEED + 1)
        self.changed.emit()

    def _on_source(self, *_, emit: bool = True) -> None:
        kind = self.kind
        conditional = self._conditional
        self.index_spin.setVisible(kind == "index")
        # The digit box chooses the test digit's class, or the label of a code without an image.
        uses_digit = kind == "random_digit" or (kind in ("random_code", "latent") and conditional)
        self.digit_combo.setVisible(uses_digit)
        self.another.setVisible(kind in ("random_digit", "random_code"))
        self.detail_label.setText({"index": "Index", "random_digit": "Digit"}.get(
            kind, "Label" if uses_digit else ""))
        self.digit_combo.setToolTip("Which digit to pick at random" if kind == "random_digit"
                                    else "The label this code is decoded with")
        if emit:
            self.changed.emit()

    def show_end(self, end: End) -> None:
        self.preview.set_image(end.image)
        if end.problem:
            self.caption.setText(f"<span style='color:#d93025'>{end.problem}</span>")
        else:
            self.caption.setText(f"<span style='color:palette(mid)'>{end.caption}</span>")
        self.caption.setToolTip(end.problem or end.caption)


class InterpolateTab(QWidget):
    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.ends: tuple[End, End] | None = None
        self.ratios = interp.mixing_ratios(10)
        self.codes: dict[str, torch.Tensor] = {}  # path -> [steps, latent_dim]
        self.labels: torch.Tensor | None = None  # [steps, C] label rows (conditional)
        self.frames: dict[str, torch.Tensor] = {}  # path -> [steps, 1, 28, 28]
        self.last_click: np.ndarray | None = None
        self._click_counter = 0

        self.pages = QStackedWidget()
        self.no_model = QLabel("<h3>No model is loaded</h3><p>Load or train a model to walk between "
                               "digits in its latent space.</p>")
        self.no_model.setAlignment(Qt.AlignCenter)
        self.pages.addWidget(self.no_model)
        self.pages.addWidget(self._build_main())
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.pages)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.refresh_now)

        state.model_changed.connect(self._on_model_changed)
        state.drawing_changed.connect(self._on_drawing_changed)
        state.latent_clicked.connect(self.on_latent_clicked)
        self._on_model_changed(state.active)

    # ------------------------------------------------------------------ building
    def _build_main(self) -> QWidget:
        page = QWidget()
        col = QVBoxLayout(page)
        col.setContentsMargins(10, 10, 10, 10)
        col.setSpacing(10)
        top = QHBoxLayout()
        top.setSpacing(10)
        self.end_a = EndPicker("Start (A)", index=1, digit=1, seed=1)
        self.end_b = EndPicker("End (B)", index=0, digit=6, seed=2)
        self.end_b.set_kind("random_digit")
        for picker in (self.end_a, self.end_b):
            picker.changed.connect(self.schedule)
            top.addWidget(picker, 3)
        top.addWidget(self._build_settings(), 2)
        top.addWidget(self._build_norm_plot(), 2)
        top_row = QWidget()
        top_row.setLayout(top)
        top.setContentsMargins(0, 0, 0, 0)
        top_row.setFixedHeight(176)
        col.addWidget(top_row)

        self.message = QLabel()
        self.message.setTextFormat(Qt.RichText)
        _clip_to_width(self.message)
        self.message.linkActivated.connect(self.state.tab_requested.emit)
        col.addWidget(self.message)
        self.strips: dict[str, FrameStrip] = {}
        self.strip_titles: dict[str, QLabel] = {}
        for key, text in PATHS:
            frame = QFrame()
            frame.setFrameShape(QFrame.StyledPanel)
            inner = QVBoxLayout(frame)
            inner.setContentsMargins(8, 6, 8, 8)
            title = QLabel(text)
            title.setStyleSheet("font-weight: 600;")
            _clip_to_width(title)
            strip = FrameStrip(title=f"{text}: click a frame to show its code on the Latent space tab")
            strip.frame_clicked.connect(lambda i, key=key: self.select_frame(key, i))
            inner.addWidget(title)
            inner.addWidget(strip, 1)
            self.strips[key] = strip
            self.strip_titles[key] = title
            col.addWidget(frame, 1)
        hint = QLabel("Numbers under the frames: the mixing ratio t, the share of B (0 is A, 1 is B). "
                      "Click a frame to see its code on the Latent space tab.")
        hint.setStyleSheet("color: palette(mid);")
        _clip_to_width(hint)
        col.addWidget(hint)
        return page

    def _build_settings(self) -> QGroupBox:
        box = QGroupBox("Walk")
        form = QFormLayout(box)
        self.steps_spin = QSpinBox()
        self.steps_spin.setRange(interp.MIN_STEPS, interp.MAX_STEPS)
        self.steps_spin.setValue(10)
        self.steps_spin.setToolTip("Frames from A to B, both ends included (2 to 30)")
        form.addRow("Steps", self.steps_spin)
        self.blend_radio = QRadioButton("Blend A → B")
        self.blend_radio.setToolTip("Mix the two ends' one-hot labels with the same ratio as the codes")
        self.fixed_radio = QRadioButton("Fixed")
        self.fixed_radio.setToolTip("Decode every frame with one label")
        self.blend_radio.setChecked(True)
        self.label_mode = QButtonGroup(self)
        self.label_mode.addButton(self.blend_radio)
        self.label_mode.addButton(self.fixed_radio)
        self.fixed_combo = QComboBox()
        for d in range(DIGITS):
            self.fixed_combo.addItem(str(d), d)
        self.fixed_combo.setToolTip("The label every frame is decoded with")
        self.labels_row = QWidget()
        row = QHBoxLayout(self.labels_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.blend_radio)
        row.addWidget(self.fixed_radio)
        row.addWidget(self.fixed_combo)
        row.addStretch(1)
        self.labels_caption = QLabel("Labels")
        form.addRow(self.labels_caption, self.labels_row)
        self.frame_ms = QSpinBox()
        self.frame_ms.setRange(20, 2000)
        self.frame_ms.setSingleStep(20)
        self.frame_ms.setValue(120)
        self.frame_ms.setSuffix(" ms")
        self.frame_ms.setToolTip("How long the GIF shows each frame")
        self.gif_path = QComboBox()
        for key, text in PATHS:
            self.gif_path.addItem(text.split(" ")[0], key)
        self.gif_path.setCurrentIndex(1)
        self.gif_path.setToolTip("Which path the GIF walks (there and back)")
        gif_row = QHBoxLayout()
        gif_row.addWidget(self.gif_path, 1)
        gif_row.addWidget(self.frame_ms, 1)
        form.addRow("GIF", gif_row)
        buttons = QHBoxLayout()
        self.png_button = QPushButton("Export PNG…")
        self.png_button.setToolTip("Save both strips, linear above spherical")
        self.png_button.clicked.connect(self._export_png_dialog)
        self.gif_button = QPushButton("Export GIF…")
        self.gif_button.setToolTip("Save the chosen path as an animation, A to B and back")
        self.gif_button.clicked.connect(self._export_gif_dialog)
        buttons.addWidget(self.png_button)
        buttons.addWidget(self.gif_button)
        form.addRow(buttons)
        self.steps_spin.valueChanged.connect(self.schedule)
        self.label_mode.buttonToggled.connect(lambda *_: self.schedule())
        self.fixed_combo.currentIndexChanged.connect(lambda _: self._fixed_label_picked())
        return box

    def _build_norm_plot(self) -> pg.PlotWidget:
        plot = pg.PlotWidget()
        plot.setBackground(None)
        plot.setTitle("‖z‖: <span style='color:#e8710a'>linear</span> · "
                      "<span style='color:#1a73e8'>spherical</span>", size="9pt")
        plot.setMouseEnabled(False, False)
        plot.hideButtons()
        plot.setMenuEnabled(False)
        plot.setMinimumWidth(170)
        plot.setLabel("bottom", "t")
        self.norm_curves = {
            "linear": plot.plot([], [], pen=pg.mkPen("#e8710a", width=2)),
            "spherical": plot.plot([], [], pen=pg.mkPen("#1a73e8", width=2)),
        }
        plot.setToolTip("Distance of each frame's code from the origin. Most of a Gaussian's mass "
                        "lies near a shell; the straight line cuts inside it, the slerp path keeps to it")
        self.norm_plot = plot
        return plot

    # ------------------------------------------------------------------ events
    def schedule(self, *_) -> None:
        self._timer.start()

    def _fixed_label_picked(self) -> None:
        self.fixed_radio.setChecked(True)
        self.schedule()

    def _model(self):
        return None if self.state.active is None else self.state.active.model

    def _on_model_changed(self, ckpt) -> None:
        model = self._model()
        self.pages.setCurrentIndex(0 if model is None else 1)
        if model is None:
            return
        conditional = model.num_classes > 0
        for picker in (self.end_a, self.end_b):
            picker.set_conditional(conditional)
            if picker.click is not None and picker.click.shape[0] != model.latent_dim:
                picker.click = None  # a code of another model's latent space
        if self.last_click is not None and self.last_click.shape[0] != model.latent_dim:
            self.last_click = None
        self.labels_row.setVisible(conditional)
        self.labels_caption.setVisible(conditional)
        self.schedule()

    def _on_drawing_changed(self, image) -> None:
        if "drawing" in (self.end_a.kind, self.end_b.kind):
            self.schedule()

    def on_latent_clicked(self, z) -> None:
        """A click on the Latent space tab goes to the end that listens for clicks; when both do,
        to the one that got a click longer ago (so two clicks set A and then B)."""
        z = np.asarray(z, dtype=np.float32).reshape(-1)
        self.last_click = z
        listening = [p for p in (self.end_a, self.end_b) if p.kind == "latent"]
        if not listening:
            return
        target = min(listening, key=lambda p: p.click_order)
        self._click_counter += 1
        target.click, target.click_order = z, self._click_counter
        self.schedule()

    def select_frame(self, path: str, index: int) -> None:
        """Send frame `index` of `path` to the Latent space tab."""
        codes = self.codes.get(path)
        if codes is None or not 0 <= index < len(codes):
            return
        self.state.latent_point_selected.emit(codes[index].detach().cpu().numpy().astype(np.float32))
        self.state.tab_requested.emit("Latent space")
        self.state.status_message.emit(
            f"{dict(PATHS)[path]} frame {index + 1} (t = {float(self.ratios[index]):.2f}) "
            "shown on the Latent space tab", 4000)

    # ------------------------------------------------------------------ computing
    def _encode(self, model, image: np.ndarray, label: int | None) -> torch.Tensor:
        x = torch.from_numpy(np.asarray(image, np.float32)).reshape(1, 1, 28, 28).to(model.device)
        y = None if label is None else torch.tensor([label], device=model.device)
        with torch.no_grad():
            mu, _ = model.encode(x, y)
        return mu[0].cpu()

    def _decode_one(self, model, code: torch.Tensor, label: int | None) -> np.ndarray:
        y = None if label is None else torch.tensor([label], device=model.device)
        with torch.no_grad():
            return model.decode(code.reshape(1, -1).to(model.device), y)[0, 0].cpu().numpy()

    def resolve_end(self, picker: EndPicker) -> End:
        """The picker's settings as a code (posterior mean for images) with its label."""
        model = self._model()
        conditional = model.num_classes > 0
        kind = picker.kind
        if kind in ("index", "random_digit"):
            try:
                images, labels = self.state.test_set()
            except Exception as exc:  # the test set cannot be read: say so in place
                return End(None, None, None, "", f"Could not read the test set: {exc}")
            if kind == "index":
                index = picker.index_spin.value()
            else:
                candidates = torch.nonzero(labels == picker.digit).flatten()
                gen = torch.Generator().manual_seed(picker.seed)
                index = int(candidates[torch.randint(len(candidates), (1,), generator=gen)])
            image = images[index].numpy().astype(np.float32) / 255.0
            label = int(labels[index])
            code = self._encode(model, image, label if conditional else None)
            return End(code, label if conditional else None, image, f"test #{index}, a {label}")
        if kind == "drawing":
            if self.state.drawing is None:
                return End(None, None, None, "", "Empty canvas: draw a digit on the Draw tab")
            image = np.asarray(self.state.drawing, np.float32).reshape(28, 28)
            label = None
            caption = "your drawing"
            if conditional:
                label = int(generate.guess_label(model, torch.from_numpy(image))[0][0])
                caption += f", read as a {label}"
            return End(self._encode(model, image, label), label, image, caption)
        label = picker.digit if conditional else None
        tag = f", label {label}" if conditional else ""
        if kind == "random_code":
            code = generate.sample_codes(model.latent_dim, 1, 1.0, picker.seed)[0]
            caption = f"random code (seed {picker.seed}){tag}"
        else:
            click = picker.click if picker.click is not None else self.last_click
            if click is None or click.shape[0] != model.latent_dim:
                return End(None, None, None, "", "Click a point on the Latent space tab")
            picker.click = click
            code = torch.from_numpy(click.copy())
            caption = "clicked: (" + ", ".join(f"{v:.2f}" for v in click[:3]) + \
                (", …" if len(click) > 3 else "") + f"){tag}"
        return End(code, label, self._decode_one(model, code, label), caption)

    def refresh_now(self) -> None:
        """Recompute both strips from the current settings (normally on the next event loop turn,
        so that several changes cost one update)."""
        self._timer.stop()
        model = self._model()
        if model is None:
            return
        a, b = self.resolve_end(self.end_a), self.resolve_end(self.end_b)
        self.end_a.show_end(a)
        self.end_b.show_end(b)
        self.ends = (a, b)
        steps = self.steps_spin.value()
        self.ratios = interp.mixing_ratios(steps)
        problems = [f"{name}: {end.problem}" for name, end in (("A", a), ("B", b)) if end.problem]
        if problems:
            self.codes, self.frames, self.labels = {}, {}, None
            for strip in self.strips.values():
                strip.set_frames(None, [])
            for curve in self.norm_curves.values():
                curve.setData([], [])
            link = " <a href='Draw'>Open the Draw tab</a>" if "Draw tab" in " ".join(problems) else ""
            link += " <a href='Latent space'>Open the Latent space tab</a>" if "Latent space" in \
                " ".join(problems) else ""
            self.message.setText("<span style='color:#d93025'>" + "; ".join(problems) + "</span>" + link)
            self.message.show()
            return
        self.message.hide()
        self.labels = None
        conditional = model.num_classes > 0
        if conditional:
            if self.blend_radio.isChecked():
                self.labels = interp.blend_labels(a.label, b.label, self.ratios, model.num_classes)
            else:
                self.labels = interp.fixed_labels(self.fixed_combo.currentData(), steps, model.num_classes)
        captions = [f"{float(t):.2f}" for t in self.ratios]
        top = 0.0
        for key, _ in PATHS:
            codes = interp.strip_codes(a.code, b.code, steps, key)
            self.codes[key] = codes
            self.frames[key] = interp.decode_strip(model, codes, self.labels)
            self.strips[key].set_frames(self.frames[key], captions)
            norms = codes.double().norm(dim=1).numpy()
            self.norm_curves[key].setData(self.ratios.numpy(), norms)
            top = max(top, float(norms.max()))
        self.norm_plot.setYRange(0, top * 1.1 or 1.0, padding=0)
        self.norm_plot.setXRange(0, 1, padding=0.03)
        if conditional:
            what = (f"labels blended from {a.label} to {b.label}" if self.blend_radio.isChecked()
                    else f"label fixed at {self.fixed_combo.currentData()}")
        else:
            what = ""
        for key, text in PATHS:
            self.strip_titles[key].setText(f"{text} · {steps} frames" + (f" · {what}" if what else ""))

    # ------------------------------------------------------------------ export
    def strip_image(self) -> np.ndarray:
        """Both strips as one image, linear above spherical."""
        if self._timer.isActive():
            self.refresh_now()
        if not self.frames:
            raise ValueError("there is no strip to export: both ends need a code")
        stacked = torch.cat([self.frames[key] for key, _ in PATHS])
        return grid(stacked, nrow=len(self.ratios), padding=PAD)

    def gif_frames(self, path: str | None = None) -> list[np.ndarray]:
        """The frames of the chosen path there and back: 2 * steps - 2 images (it loops)."""
        if self._timer.isActive():
            self.refresh_now()
        if not self.frames:
            raise ValueError("there is no strip to export: both ends need a code")
        path = path or self.gif_path.currentData()
        return interp.there_and_back([f[0].numpy() for f in self.frames[path]])

    def export_png(self, path: str | Path) -> Path:
        return save_png(path, self.strip_image(), scale=EXPORT_SCALE)

    def export_gif(self, path: str | Path) -> Path:
        return save_gif(path, self.gif_frames(), frame_ms=self.frame_ms.value(), scale=EXPORT_SCALE)

    def _export_png_dialog(self) -> None:
        self._export_with_dialog("Export strips as PNG", "interpolation.png", "PNG images (*.png)",
                                 self.export_png)

    def _export_gif_dialog(self) -> None:
        self._export_with_dialog("Export walk as animated GIF", "interpolation.gif", "GIF images (*.gif)",
                                 self.export_gif)

    def _export_with_dialog(self, caption: str, name: str, filters: str, write) -> None:
        path, _ = QFileDialog.getSaveFileName(self, caption, name, filters)
        if not path:
            return
        try:
            saved = write(path)
        except (OSError, ValueError) as exc:
            self.state.status_message.emit(f"Could not export: {exc}", 6000)
        else:
            self.state.status_message.emit(f"Saved {saved}", 4000)
