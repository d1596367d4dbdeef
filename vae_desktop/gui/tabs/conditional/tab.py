"""Conditional tab: ask a conditional VAE for a digit. A grid of samples of the picked digit, the
all-digits view (one code per row written as every digit) and style transfer (a drawing or a
test digit rewritten as all ten digits in its own style). With an unconditional model the tab
explains what it needs and offers to switch to a conditional model or to train one."""

from __future__ import annotations

import math
import secrets
from html import escape
from pathlib import Path

import numpy as np
import torch
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from vae_desktop.core import generate, mixture
from vae_desktop.core.digit_analysis import analyse_digit
from vae_desktop.core.images import grid, save_png
from vae_desktop.core.model_words import other_dataset
from vae_desktop.gui import preferences as qs
from vae_desktop.gui.model_files import ask_save_path
from vae_desktop.gui.tabs.conditional.panels import export_button, panel
from vae_desktop.gui.tabs.conditional.picker import DIGITS, MAX_SEED, Controls, NeedsModelPage
from vae_desktop.gui.tabs.conditional.style_transfer import StyleTransferView
from vae_desktop.gui.tabs.sampling import SamplerSource
from vae_desktop.gui.widgets.image_view import DigitView
from vae_desktop.gui.widgets.tab_page import FocusKeeper

PNG_SCALE = 4
PARTS = ("samples", "digits", "style")
SETTINGS_GROUP = "conditional"  # the tab's keys in the settings file
# Why style transfer's Export PNG… is off (its tooltip then, and what export says).
NOTHING_YET = "Nothing to export yet: the style transfer has not been made."
NO_DRAWING = ("Nothing to export: there is no drawing to restyle. Draw a digit on the Draw tab "
              "first, or pick a test digit as the source.")


class ConditionalTab(QWidget):
    """Listens to state.model_changed, models_changed (what the needs-model page offers) and
    drawing_changed (the style transfer source)."""

    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.samples: torch.Tensor | None = None  # [N, 1, 28, 28] of the picked digit
        self.digits_view: generate.AllDigits | None = None
        self.style: generate.StyleTransfer | None = None
        self.style_source: np.ndarray | None = None  # the 28x28 image being restyled
        self.style_error: str | None = None

        self.focus_keeper = FocusKeeper(self)  # where the focus goes as the pages change
        self.pages = QStackedWidget()
        self.needs_page = NeedsModelPage()
        self.needs_text, self.switch_button = self.needs_page.text, self.needs_page.switch_button
        self.train_button = self.needs_page.train_button
        self.switch_button.clicked.connect(self.switch_to_conditional)
        self.train_button.clicked.connect(self.request_training)
        self.pages.addWidget(self.needs_page)
        self.pages.addWidget(self._build_main_page())
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.pages)

        # Several settings can change in one go (a model switch); redraw once, after them.
        self._dirty: set[str] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._refresh)

        # Prior or the label's aggregate-posterior mixture: both grids of samples use it.
        self.sampler_source = SamplerSource(state, self.controls.sampler_choice,
                                            lambda: state.active if self._model() is not None else None, self)
        self.sampler_source.changed.connect(lambda: self._schedule("samples", "digits"))
        # The conditional models in the order they were last trained, opened or used, newest
        # last: "Switch to …" offers the newest. Those listed before the tab was made: the
        # user's in the order they were added to the list, after the bundled ones (of which
        # the list's first is offered, as before).
        def added(ckpt) -> float:
            entry = state.entry(ckpt)
            return -1.0 if entry is None or entry.bundled else entry.added

        conditional = [m for m in state.models if m.config.conditional]
        self._recent: list = sorted(reversed(conditional), key=added)
        self._known = {id(m) for m in state.models}
        state.model_changed.connect(self._on_model_changed)
        state.models_changed.connect(self._on_models_changed)
        state.drawing_changed.connect(self._on_drawing_changed)
        state.test_pass_ready.connect(self._on_test_pass_ready)
        self._on_model_changed(state.active)

    # ------------------------------------------------------------------ building
    def _build_main_page(self) -> QWidget:
        page = QWidget()
        self.main_page = page
        layout = QHBoxLayout(page)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(10)
        self.controls = c = Controls(shortcut_scope=page)
        self.digit_group, self.count_spin, self.temp_slider = c.digit_group, c.count_spin, c.temp_slider
        self.seed_spin, self.rows_spin, self.new_button = c.seed_spin, c.rows_spin, c.new_button
        self.src_drawing, self.src_test, self.test_index = c.src_drawing, c.src_test, c.test_index
        self.label_combo, self.model_label = c.label_combo, c.model_label
        self.digit_group.idToggled.connect(self._on_digit_toggled)
        self.new_button.clicked.connect(self.new_samples)
        for signal, parts in (
            (c.count_spin.valueChanged, {"samples"}),
            (c.seed_spin.valueChanged, {"samples", "digits"}),
            (c.rows_spin.valueChanged, {"digits"}),
            (c.temp_slider.valueChanged, {"samples", "digits"}),
            (c.src_drawing.toggled, {"style"}),
            (c.test_index.valueChanged, {"style"}),
            (c.label_combo.currentIndexChanged, {"style"}),
        ):
            signal.connect(lambda *_, parts=parts: self._schedule(*parts))
        layout.addWidget(c)
        layout.addLayout(self._build_views(), 1)
        return page

    def _build_views(self) -> QGridLayout:
        views = QGridLayout()
        views.setSpacing(10)
        self.samples_title = QLabel()
        self.samples_view = DigitView(title="Samples of the picked digit", min_size=200)
        self.samples_export = export_button("Save the samples grid as a PNG")
        self.samples_export.clicked.connect(lambda: self._export_dialog("samples"))
        views.addWidget(panel(self.samples_title, self.samples_view, self.samples_export), 0, 0)

        self.digits_title = QLabel("All digits: each row one code, written as 0 to 9")
        self.digits_view_widget = DigitView(title="Each row: the same z with labels 0 to 9", min_size=200)
        self.digits_export = export_button("Save the all-digits view as a PNG")
        self.digits_export.clicked.connect(lambda: self._export_dialog("digits"))
        views.addWidget(panel(self.digits_title, self.digits_view_widget, self.digits_export), 0, 1)

        self.style_panel = StyleTransferView()
        self.source_view, self.style_view = self.style_panel.source_view, self.style_panel.style_view
        self.source_caption, self.style_message = self.style_panel.source_caption, self.style_panel.message
        self.style_message.linkActivated.connect(lambda _: self.state.tab_requested.emit("Draw"))
        self.style_panel.export.clicked.connect(lambda: self._export_dialog("style"))
        views.addWidget(self.style_panel.frame, 1, 0, 1, 2)
        views.setRowStretch(0, 3)
        views.setRowStretch(1, 1)
        return views

    # ------------------------------------------------------------------ settings
    @property
    def label(self) -> int:
        return self.controls.label

    @property
    def temperature(self) -> float:
        return self.controls.temperature

    def set_label(self, label: int) -> None:
        self.controls.set_label(label)

    def new_samples(self) -> None:
        """Fresh codes: a new random seed (shown, so the result can be had again)."""
        seed = self.seed_spin.value()
        while seed == self.seed_spin.value():
            seed = secrets.randbelow(MAX_SEED + 1)
        self.seed_spin.setValue(seed)

    def _on_digit_toggled(self, _label: int, checked: bool) -> None:
        if checked:
            self._schedule("samples")

    def _on_drawing_changed(self, _drawing) -> None:
        if self.src_drawing.isChecked():
            self._schedule("style")

    # ------------------------------------------------------------------ kept across restarts
    def save_settings(self, settings) -> None:
        """The controls' values (MainWindow calls this when it closes)."""
        c = self.controls
        label = self.label_combo.currentData()
        for key, value in (("digit", self.label), ("samples", self.count_spin.value()),
                           ("styles", self.rows_spin.value()), ("seed", self.seed_spin.value()),
                           ("sampler", c.sampler_choice.kind()),
                           ("temperature", self.temperature),
                           ("style_source", "drawing" if self.src_drawing.isChecked() else "test"),
                           ("test_digit", self.test_index.value()),
                           ("label", "guess" if label is None else label)):
            settings.setValue(f"{SETTINGS_GROUP}/{key}", qs.setting_text(value))

    def restore_settings(self, settings) -> None:
        """The values save_settings kept; one that is not the tab's (out of its box's range, an
        unknown sampler, not a number) leaves that control as it is."""
        def number(key: str, read=qs.read_int):
            return read(settings, f"{SETTINGS_GROUP}/{key}", None)

        for key, box in (("samples", self.count_spin), ("styles", self.rows_spin),
                         ("seed", self.seed_spin), ("test_digit", self.test_index)):
            value = number(key)
            if value is not None and box.minimum() <= value <= box.maximum():
                box.setValue(value)
        digit = number("digit")
        if digit is not None and 0 <= digit < DIGITS:
            self.set_label(digit)
        temperature = number("temperature", qs.read_float)
        if temperature is not None and math.isfinite(temperature):
            steps = round(temperature * 100)
            if self.temp_slider.minimum() <= steps <= self.temp_slider.maximum():
                self.temp_slider.setValue(steps)
        sampler = qs.read_str(settings, f"{SETTINGS_GROUP}/sampler")
        if sampler in mixture.SAMPLERS:
            self.controls.sampler_choice.set_kind(sampler)
        source = qs.read_str(settings, f"{SETTINGS_GROUP}/style_source")
        if source in ("drawing", "test"):  # after the test digit #, which picks its own source
            (self.src_drawing if source == "drawing" else self.src_test).setChecked(True)
        label = qs.read_str(settings, f"{SETTINGS_GROUP}/label")
        index = self.label_combo.findData(None if label == "guess" else
                                          int(label) if label.isdigit() else "none")
        if label and index >= 0:
            self.label_combo.setCurrentIndex(index)

    # ------------------------------------------------------------------ model
    def _model(self):
        ckpt = self.state.active
        if ckpt is None or not ckpt.config.conditional:
            return None
        return ckpt.model

    def _note_recent(self, ckpt) -> None:
        if ckpt is not None and ckpt.config.conditional:
            self._recent = [m for m in self._recent if m is not ckpt] + [ckpt]

    def _on_models_changed(self) -> None:
        listed = {id(m) for m in self.state.models}
        # A removed model is forgotten: kept here, its weights would live on all session.
        self._recent = [m for m in self._recent if id(m) in listed]
        self._known &= listed
        for ckpt in self.state.models:  # a model just trained or opened is the newest
            if id(ckpt) not in self._known:
                self._known.add(id(ckpt))
                self._note_recent(ckpt)
        self._update_needs_model_page()

    def switch_target(self):
        """The conditional model "Switch to …" offers: the one trained, opened or used last
        (still listed), else the list's first; None when there is none."""
        listed = [m for m in self._recent
                  if m.config.conditional and any(m is other for other in self.state.models)]
        return listed[-1] if listed else self.state.find_model(conditional=True)

    def _on_model_changed(self, ckpt) -> None:
        self._note_recent(ckpt)
        # Nothing of the previous model stays on show, even while the tab is hidden.
        self._clear_views()
        self.sampler_source.refresh()
        model = self._model()
        self._update_needs_model_page()
        if model is None:
            self.pages.setCurrentIndex(0)
            self.main_page.setEnabled(False)  # also silences the 0-9 shortcuts
            return
        self.pages.setCurrentIndex(1)
        self.main_page.setEnabled(True)
        self.controls.set_num_classes(model.num_classes)
        ckpt = self.state.active
        dataset = other_dataset(ckpt)  # these views show it MNIST digits whatever it learnt
        what = ckpt.config.describe() + (f", trained on {dataset}" if dataset else "")
        self.model_label.setText(f"Model: <b>{escape(ckpt.name)}</b><br>{what}")
        self.model_label.setToolTip(f"{ckpt.name}: {what}")
        self._schedule(*PARTS)

    def _clear_views(self) -> None:
        self.samples, self.digits_view, self.style, self.style_source = None, None, None, None
        for view in (self.samples_view, self.digits_view_widget):
            view.set_image(None)
        self.samples_title.setText("")
        self.style_panel.show_none("", NOTHING_YET)

    def _update_needs_model_page(self) -> None:
        self.needs_page.describe(self.state.active, self.switch_target())

    def switch_to_conditional(self) -> None:
        """Make the offered conditional model the active one; the focus, on the button that
        goes away with its page, goes to the digit picked, where a person goes next, drawn."""
        target = self.switch_target()
        if target is None:
            return
        held = self.focus_keeper.hold()
        self.state.set_active(target)
        if self.pages.currentWidget() is self.main_page:
            self.focus_keeper.hand_on(held, self.digit_group.checkedButton())

    def request_training(self) -> None:
        """Hand the Train tab a conditional model's settings, like the current model otherwise."""
        settings = {"conditional": True, "num_classes": DIGITS}
        if self.state.active is not None:
            cfg = self.state.active.config
            settings.update(latent_dim=cfg.latent_dim, hidden=cfg.hidden, arch=cfg.arch)
        self.state.training_settings_requested.emit(settings)
        self.state.tab_requested.emit("Train")

    # ------------------------------------------------------------------ drawing
    def _schedule(self, *parts: str) -> None:
        self._dirty.update(parts)
        if self.isVisible():  # a hidden tab catches up when shown (a model switch stays cheap)
            self._timer.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty:
            self._timer.stop()
            self._refresh()  # before the first paint, which would show the cleared views
        if self._model() is not None:  # to judge the style source against (shared, made once)
            self.state.request_test_pass(self.state.active)

    def _on_test_pass_ready(self, ckpt) -> None:
        if ckpt is self.state.active and self._model() is not None:
            self._schedule("style")  # now the source can be called unusual for the model

    def refresh_now(self) -> None:
        """Bring every view up to date at once (the views otherwise update on the next event loop
        turn, so that several changes cost one redraw)."""
        self._dirty.update(PARTS)
        self._timer.stop()
        self._refresh()

    def _refresh(self) -> None:
        parts, self._dirty = self._dirty, set()
        model = self._model()
        if model is None:
            return
        seed, sampler = self.seed_spin.value(), self.sampler_source.sampler()
        if "samples" in parts:
            self.samples = generate.conditional_samples(
                model, self.label, self.count_spin.value(), self.temperature, seed, sampler)
            n = self.samples.shape[0]
            self.samples_view.set_image(grid(self.samples, nrow=int(np.ceil(np.sqrt(n)))))
            mixture = self.sampler_source.kind() == "mixture"
            plural = "s" if n > 1 else ""
            # Short enough for the panel at 1280x720 ("100 mixture samples of 7 · t = 2.00 ·
            # seed 999999"); the tooltip says it in full.
            self.samples_title.setText(f"{n} {'mixture' if mixture else 'prior'} sample{plural} "
                                       f"of {self.label} · t = {self.temperature:.2f} · seed {seed}")
            origin = "the aggregate posterior's mixture" if mixture else "the prior N(0, I)"
            self.samples_title.setToolTip(
                f"{n} sample{plural} of the digit {self.label}, their codes drawn from {origin} "
                f"at temperature {self.temperature:.2f} with seed {seed}.")
        if "digits" in parts:
            self.digits_view = generate.all_digits(model, self.rows_spin.value(), self.temperature, seed,
                                                   sampler)
            self.digits_view_widget.set_image(grid(self.digits_view.images, nrow=self.digits_view.columns))
        if "style" in parts:
            self._refresh_style(model)

    def _style_source(self) -> tuple[np.ndarray | None, int | None, str]:
        """(image, true label or None, caption) of the style transfer source."""
        if self.src_drawing.isChecked():
            drawing = self.state.drawing
            if drawing is None:
                return None, None, ""
            return drawing.image, None, drawing.origin
        images, labels = self.state.test_set()
        i = self.test_index.value()
        return images[i].numpy().astype(np.float32) / 255.0, int(labels[i]), f"test #{i} (a {int(labels[i])})"

    def _refresh_style(self, model) -> None:
        try:
            image, _true_label, caption = self._style_source()
        except Exception as exc:  # the test set could not be read: say so in place
            image, caption = None, ""
            self.style_error = f"Could not read the test set: {exc}"
        else:
            self.style_error = None
        self.style_source = image
        if image is None:
            self.style = None
            if self.style_error:  # in red, readable on a light or dark window
                error = self.style_error.rstrip(".")
                self.style_panel.show_none(
                    f"{error}.", f"Nothing to export: {error[0].lower()}{error[1:]}.", error=True)
            else:
                self.style_panel.show_none("Draw a digit first: <a href='draw'>open the Draw "
                                           "tab</a>", NO_DRAWING)
            return
        given = self.label_combo.currentData()
        self.style = generate.style_transfer(model, torch.from_numpy(image), given)
        # How the model reads the image, judged as the Draw tab judges a drawing (ranked among
        # the test set's scores once the model's test-set pass is ready).
        report = self.state.test_pass(self.state.active)
        reading = analyse_digit(model, image, self.style.label,
                                None if report is None else report.scores["loss"])
        self.style_panel.show_result(caption, self.style, reading, bool(model.config.binarized))

    # ------------------------------------------------------------------ export
    def export_image(self, which: str) -> np.ndarray:
        """The 2-D float image of one view: 'samples', 'digits' or 'style'."""
        self._timer.stop()
        if self._dirty:
            self._refresh()
        if which == "samples" and self.samples is not None:
            return grid(self.samples, nrow=int(np.ceil(np.sqrt(self.samples.shape[0]))))
        if which == "digits" and self.digits_view is not None:
            return grid(self.digits_view.images, nrow=self.digits_view.columns)
        if which == "style" and self.style is not None:  # the source as the model saw it
            source = self.style.seen.reshape(1, 1, 28, 28)
            return grid(torch.cat([source, self.style.images]), nrow=DIGITS + 1)
        if which == "style":
            raise ValueError(self.style_panel.export.toolTip())  # why there is none, in words
        raise ValueError("Nothing to export: this tab needs a conditional model.")

    def export_png(self, which: str, path: str | Path) -> Path:
        return save_png(path, self.export_image(which), scale=PNG_SCALE)

    def _export_dialog(self, which: str) -> None:
        name, what = {"samples": (f"cvae-samples-{self.label}.png", "samples"),
                      "digits": ("cvae-all-digits.png", "all-digits view"),
                      "style": ("cvae-style-transfer.png", "style transfer")}[which]
        try:
            image = self.export_image(which)  # nothing to export: said before asking for a file
        except ValueError as exc:
            self.state.status_message.emit(f"Could not export the {what}. {exc}", 8000)
            return
        path = ask_save_path(self, name, f"Export the {what} as PNG", "PNG images (*.png)")
        if not path:
            return
        try:
            saved = save_png(path, image, scale=PNG_SCALE)
        except (OSError, ValueError) as exc:
            reason = str(exc).rstrip(".")
            self.state.status_message.emit(f"Could not export the {what}: {reason}.", 8000)
        else:
            self.state.status_message.emit(f"Saved the {what} to {saved}.", 5000)
