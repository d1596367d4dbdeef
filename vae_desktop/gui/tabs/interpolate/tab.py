"""Interpolate tab: walk in latent space from one digit to another. Each end is a test digit, a
random test digit of a chosen digit, the current drawing, a random code or a point set on the
Latent space tab; the linear and spherical strips are shown one above the other, each frame with
its mixing ratio; clicking a frame makes its code, with the frame's label (or label blend), the
current latent point and shows it on the Latent space tab. Exports the strips as a PNG and one
path as a there-and-back animated GIF."""

from __future__ import annotations

from html import escape
from pathlib import Path

import numpy as np
import torch
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from vae_desktop.core import interpolation as interp
from vae_desktop.gui.model_files import ask_save_path
from vae_desktop.gui.tabs.interpolate import export
from vae_desktop.gui.tabs.interpolate.controls import PATHS, NormBox, WalkSettings
from vae_desktop.gui.tabs.interpolate.ends import End, EndPicker, clip_to_width, resolve_end
from vae_desktop.gui.tabs.interpolate.strip import EvenColumn, FrameStrip
from vae_desktop.gui.widgets import tones
from vae_desktop.gui.widgets.hint_text import HINT_COLOUR
from vae_desktop.gui.widgets.range_spin import Refusals

__all__ = ["InterpolateTab", "PATHS"]


class InterpolateTab(QWidget):
    """Listens to state.model_changed, drawing_changed (a "drawing" end) and latent_point_changed
    (a "latent" end); a frame click sets state.latent_point and asks for the Latent space tab."""

    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.ends: tuple[End, End] | None = None
        self.ratios = interp.mixing_ratios(10)
        self.codes: dict[str, torch.Tensor] = {}  # path -> [steps, latent_dim]
        self.labels: torch.Tensor | None = None  # [steps, C] label rows (conditional)
        self.frames: dict[str, torch.Tensor] = {}  # path -> [steps, 1, 28, 28]
        self.last_click: np.ndarray | None = None  # the latest Latent space point's code
        self.last_weights: np.ndarray | None = None  # and the label weights it is decoded under
        self._click_counter = 0
        self._sending = False  # this tab is setting the latent point (a frame click)
        self._walk = ""  # how the strips' labels are set, in words ("" for no labels)
        # The Draw tab's label for a drawing (its "Reconstruct as"): (that Drawing, label).
        self._draw_reading: tuple | None = None

        self.pages = QStackedWidget()
        self.no_model = QLabel("<h3>No model loaded</h3><p>Load or train a model to walk between "
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
        self._stale = False  # the strips wait for a refresh (a hidden tab's, until it is shown)

        state.model_changed.connect(self._on_model_changed)
        state.drawing_changed.connect(self._on_drawing_changed)
        state.posterior_changed.connect(self._on_posterior)
        state.latent_point_changed.connect(self.on_latent_point)
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
        self.settings = WalkSettings()
        self.steps_spin, self.frame_ms = self.settings.steps_spin, self.settings.frame_ms
        self.blend_radio, self.fixed_radio = self.settings.blend_radio, self.settings.fixed_radio
        self.fixed_combo, self.gif_path = self.settings.fixed_combo, self.settings.gif_path
        self.steps_spin.valueChanged.connect(self.schedule)
        self.settings.label_mode.buttonToggled.connect(lambda *_: self.schedule())
        self.fixed_combo.currentIndexChanged.connect(lambda _: self.schedule())
        self.settings.png_button.clicked.connect(self._export_png_dialog)
        self.settings.gif_button.clicked.connect(self._export_gif_dialog)
        top.addWidget(self.settings, 2)
        top_row = QWidget()
        top_row.setLayout(top)
        top.setContentsMargins(0, 0, 0, 0)
        top_row.setFixedHeight(176)
        col.addWidget(top_row)

        self.message = QLabel()
        self.message.setTextFormat(Qt.RichText)
        # In red, readable on the window's palette, light or dark (widgets.tones); its links in
        # the palette's link colour.
        tones.set_tone(self.message, tones.ERROR)
        clip_to_width(self.message)
        self.message.linkActivated.connect(self.state.tab_requested.emit)
        col.addWidget(self.message)
        # The message also says why a number box did not take what was typed ("300" steps used
        # to become 30 without a word), until a box takes a value.
        self._problems: tuple[str, str] | None = None  # the ends' problems (plain) and links
        self.refusals = Refusals((self.steps_spin, self.frame_ms, self.end_a.index_spin,
                                  self.end_b.index_spin), self)
        self.refusals.changed.connect(self._show_message)
        self.strips: dict[str, FrameStrip] = {}
        self.strip_titles: dict[str, QLabel] = {}
        # The strips one above the other, exactly as tall (so their frames are as large and
        # line up), beside the plot of each frame's distance from the origin.
        body = QHBoxLayout()
        body.setSpacing(10)
        strips = EvenColumn()
        strips.setSpacing(10)
        strips.setContentsMargins(0, 0, 0, 0)
        body.addLayout(strips, 1)
        self.norm_box = NormBox()
        self.norm_plot = self.norm_box.plot
        body.addWidget(self.norm_box)
        col.addLayout(body, 1)
        for key, text in PATHS:
            frame = QFrame()
            frame.setFrameShape(QFrame.StyledPanel)
            inner = QVBoxLayout(frame)
            inner.setContentsMargins(8, 6, 8, 8)
            title = QLabel(text)
            title.setStyleSheet("font-weight: 600;")
            clip_to_width(title)
            strip = FrameStrip(title=f"{text}: click a frame to show its code on the Latent space "
                                     "tab, or move to one with the arrow keys and press Enter")
            strip.setAccessibleName(f"{text.split(' ')[0]} path frames")
            strip.frame_clicked.connect(lambda i, key=key: self.select_frame(key, i))
            inner.addWidget(title)
            inner.addWidget(strip, 1)
            self.strips[key] = strip
            self.strip_titles[key] = title
            strips.addWidget(frame, 1)
        hint = QLabel("Numbers under the frames: the mixing ratio t, the share of B (0 is A, 1 is B). "
                      "Click a frame (or press Enter on one) to see its code on the Latent space "
                      "tab.")
        tones.set_tone(hint, HINT_COLOUR)
        clip_to_width(hint)
        col.addWidget(hint)
        return page

    # ------------------------------------------------------------------ events
    def schedule(self, *_) -> None:
        self._stale = True
        # A hidden tab catches up when shown: a model switch, a stroke on the Draw tab or a drag
        # on the Latent space tab would otherwise decode both strips here each time.
        if self.isVisible():
            self._timer.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh_now()  # before the first paint, which would show the cleared strips

    def _model(self):
        return None if self.state.active is None else self.state.active.model

    def _on_model_changed(self, ckpt) -> None:
        model = self._model()
        # Codes of the previous model mean nothing to this one, even with as many dimensions.
        self.last_click = self.last_weights = None
        for picker in (self.end_a, self.end_b):
            picker.click = picker.click_weights = None
        self.codes, self.frames, self.labels, self.ends = {}, {}, None, None
        for strip in self.strips.values():
            strip.set_frames(None, [])
        self.settings.set_exportable(False)
        self._show_titles()  # nothing of the previous model's labels
        for picker in (self.end_a, self.end_b):
            picker.show_end(End(None, None, None, ""))
        self.norm_plot.show_norms(self.ratios, {})
        self.pages.setCurrentIndex(0 if model is None else 1)
        if model is None:
            return
        conditional = model.num_classes > 0
        for picker in (self.end_a, self.end_b):
            picker.set_conditional(conditional)
        self.settings.set_conditional(conditional)
        # The new model's point (its origin, as the Latent space tab shows it), which the state
        # set before saying the model changed.
        self.on_latent_point(self.state.latent_point)
        self.schedule()

    def _on_drawing_changed(self, _drawing) -> None:
        if "drawing" in (self.end_a.kind, self.end_b.kind):
            self.schedule()

    def on_latent_point(self, point) -> None:
        """A new point on the Latent space tab goes, with the label (or label blend) it is decoded
        under, to the end that listens for them; when both do, to the one that got a point longer
        ago (so two clicks set A and then B). The points this tab sets itself are not new, nor is
        a point that only changed its label: the end that has it takes the new label."""
        if point is None or self._sending:
            return
        code = np.asarray(point.code, dtype=np.float32).reshape(-1)
        weights = point.label_weights
        if self.last_click is not None and np.array_equal(code, self.last_click):
            self.last_weights = weights
            relabelled = [p for p in (self.end_a, self.end_b) if p.relabel(code, weights)]
            if any(p.kind == "latent" for p in relabelled):
                self.schedule()
            return
        self.last_click, self.last_weights = code, weights
        listening = [p for p in (self.end_a, self.end_b) if p.kind == "latent"]
        if not listening:
            return
        target = min(listening, key=lambda p: p.click_order)
        self._click_counter += 1
        target.give_point(code, weights, self._click_counter)
        self.schedule()

    def select_frame(self, path: str, index: int) -> None:
        """Make frame `index` of `path` the current latent point (its code, decoded under the
        frame's label or label blend) and show it on the Latent space tab."""
        codes = self.codes.get(path)
        if codes is None or not 0 <= index < len(codes):
            return
        weights = None if self.labels is None else self.labels[index].numpy()
        t = float(self.ratios[index])
        a, b = self.ends
        blended = self.labels is not None and self.blend_radio.isChecked()
        # Labels by name when both ends have a single one; a blended end's shares are in the
        # frame's own label weights.
        walk = (f"{a.label}→{b.label}" if blended and None not in (a.label, b.label) else "A→B")
        name = dict(PATHS)[path].split(" ")[0].lower()
        self._sending = True
        try:
            self.state.set_latent_point(codes[index].detach().cpu().numpy(), weights,
                                        f"{name} interpolation {walk}, t = {t:.2f}")
        finally:
            self._sending = False
        self.state.tab_requested.emit("Latent space")
        self.state.status_message.emit(
            f"{dict(PATHS)[path]} frame {index + 1} (t = {t:.2f}) shown on the Latent space tab", 4000)

    # ------------------------------------------------------------------ computing
    def resolve_end(self, picker: EndPicker) -> End:
        """The picker's settings as a code (posterior mean for images) with its label."""
        model = self._model()
        fixed = (self.settings.fixed_label if model.num_classes and not self.settings.blending
                 else None)
        return resolve_end(picker, model, self.state, self.last_click, self.last_weights,
                           self._drawing_label(), fixed)

    def _on_posterior(self, posterior) -> None:
        """The Draw tab's reading of the current drawing: the label it reconstructs it as."""
        label = None if posterior is None else posterior.get("label")
        self._draw_reading = None if label is None else (self.state.drawing, int(label))
        if "drawing" in (self.end_a.kind, self.end_b.kind):
            self.schedule()

    def _drawing_label(self) -> int | None:
        """The label the Draw tab gave the drawing now current (None: none given to it)."""
        reading = self._draw_reading
        if reading is None or reading[0] is not self.state.drawing:
            return None
        return reading[1]

    def _show_message(self) -> None:
        """The line under the settings: a box's refusal and the ends' problems, in red. A
        refusal goes with its box (an end's index box, hidden when the end's source changes)."""
        box = self.refusals.box
        if box is not None and not box.isVisibleTo(self):
            self.refusals.clear()  # which shows the message again, without the refusal
            return
        refusal = self.refusals.message
        notes = [escape(refusal, quote=False)] if refusal else []
        link = ""
        if self._problems is not None:
            notes.append(escape(self._problems[0], quote=False))
            link = self._problems[1]
        self.message.setText(" ".join(notes) + link)
        self.message.setVisible(bool(notes))

    def refresh_now(self) -> None:
        """Recompute both strips from the current settings (normally on the next event loop turn,
        so that several changes cost one update)."""
        self._timer.stop()
        self._stale = False
        model = self._model()
        if model is None:
            return
        a, b = self.resolve_end(self.end_a), self.resolve_end(self.end_b)
        self.end_a.show_end(a)
        self.end_b.show_end(b)
        self.ends = (a, b)
        steps = self.steps_spin.value()
        self.ratios = interp.mixing_ratios(steps)
        problems = [f"{name}: {end.problem}." for name, end in (("A", a), ("B", b)) if end.problem]
        if problems:
            self.codes, self.frames, self.labels = {}, {}, None
            for strip in self.strips.values():
                strip.set_frames(None, [])
            self.settings.set_exportable(False)
            self.norm_plot.show_norms(self.ratios, {})
            self._show_titles()
            text = " ".join(problems)
            link = " <a href='Draw'>Open the Draw tab</a>" if "Draw tab" in text else ""
            link += " <a href='Latent space'>Open the Latent space tab</a>" if "Latent space" in text else ""
            self._problems = (" ".join(problems), link)
            self._show_message()
            return
        self._problems = None
        self._show_message()
        self.labels = None
        conditional = model.num_classes > 0
        if conditional:
            if self.settings.blending:
                # A Latent space point's blend (decoded under one there) stays that blend.
                self.labels = interp.blend_weights(torch.from_numpy(a.weights),
                                                   torch.from_numpy(b.weights), self.ratios)
            else:
                self.labels = interp.fixed_labels(self.settings.fixed_label, steps, model.num_classes)
        captions = [f"{float(t):.2f}" for t in self.ratios]
        for key, _ in PATHS:
            codes = interp.strip_codes(a.code, b.code, steps, key)
            self.codes[key] = codes
            self.frames[key] = interp.decode_strip(model, codes, self.labels)
            self.strips[key].set_frames(self.frames[key], captions)
        self.norm_plot.show_norms(self.ratios, self.codes)
        self.settings.set_exportable(True)
        what = ""
        if conditional:
            what = (f"labels blended from {a.label_text()} to {b.label_text()}"
                    if self.settings.blending else f"label fixed at {self.settings.fixed_label}")
        self._walk = what
        self._show_titles(f"{steps} frames" + (f" · {what}" if what else ""))

    def _show_titles(self, what: str = "") -> None:
        """Each strip's title with what its frames are (none: the path's name alone, for empty
        strips, which have no frames and no labels)."""
        for key, text in PATHS:
            self.strip_titles[key].setText(f"{text} · {what}" if what else text)

    # ------------------------------------------------------------------ export
    def _current_frames(self) -> dict[str, torch.Tensor]:
        if self._stale:
            self.refresh_now()
        return self.frames

    def strip_image(self) -> np.ndarray:
        """Both strips as one image, linear above spherical."""
        return export.strip_image(self._current_frames())

    def gif_frames(self, path: str | None = None) -> list[np.ndarray]:
        """The frames of the chosen path there and back: 2 * steps - 2 images (it loops)."""
        return export.gif_frames(self._current_frames(), path or self.gif_path.currentData())

    def export_caption(self) -> list[str]:
        """What the exported strips show, in two lines: the ends, then the paths and labels."""
        frames = self._current_frames()
        if not frames:
            return []
        a, b = self.ends
        steps = len(frames[PATHS[0][0]])
        paths = f"{PATHS[0][1]} above, {PATHS[1][1].lower()} below"
        walk = f" · {self._walk}" if self._walk else ""
        return [f"A: {a.caption}  →  B: {b.caption}",
                f"{paths} · {steps} frames, t from 0 to 1{walk}"]

    def gif_caption(self) -> list[str]:
        """What the GIF shows, in two lines: the ends, then its path, frames and labels."""
        frames = self._current_frames()
        if not frames:
            return []
        a, b = self.ends
        steps = len(frames[PATHS[0][0]])
        walk = f" · {self._walk}" if self._walk else ""
        name = dict(PATHS)[self.gif_path.currentData()]
        return [f"A: {a.caption}  →  B: {b.caption}",
                f"{name} · {steps} frames, A to B and back{walk}"]

    def export_png(self, path: str | Path) -> Path:
        """Both strips under a caption saying what they show."""
        return export.write_png(self._current_frames(), path, self.export_caption())

    def export_gif(self, path: str | Path) -> Path:
        """The chosen path there and back, each frame large under a caption saying what it is."""
        return export.write_gif(self._current_frames(), self.gif_path.currentData(),
                                self.frame_ms.value(), path, self.gif_caption())

    def _export_png_dialog(self) -> None:
        self._export_with_dialog("Export strips as PNG", "interpolation.png", "PNG images (*.png)",
                                 self.export_png)

    def _export_gif_dialog(self) -> None:
        self._export_with_dialog("Export walk as animated GIF", "interpolation.gif", "GIF images (*.gif)",
                                 self.export_gif)

    def _export_with_dialog(self, caption: str, name: str, filters: str, write) -> None:
        path = ask_save_path(self, name, caption, filters)
        if not path:
            return
        try:
            saved = write(path)
        except (OSError, ValueError) as exc:
            self.state.status_message.emit(f"Could not export: {exc}", 6000)
        else:
            self.state.status_message.emit(f"Saved {saved}", 4000)
