"""The Train tab's form as settings: what it holds and takes (from saved settings, another tab,
the active model when Continue is ticked), and the message under it that says why the settings
cannot be used or may disappoint. Mixed into TrainTab, whose form, message line, Continue box and
Start button it uses."""

from __future__ import annotations

import html

from PySide6.QtCore import QSettings

from vae_desktop.core import memory
from vae_desktop.core import settings as table
from vae_desktop.gui.tabs.train.continued import kept_data
from vae_desktop.gui.tabs.train.form import KEPT_TRAIN_SETTINGS
from vae_desktop.gui.tabs.train.progress import ERROR_TONE, WARNING_TONE
from vae_desktop.gui.widgets import tones

SPLITTER_KEY = "train_tab/splitter"  # the loss plot's and the live latent view's widths


class FormSettings:
    """TrainTab's settings half (see the module's note)."""

    def settings_dict(self) -> dict:
        """The form's values: core.settings names plus "device" (lr None if not valid)."""
        return self.form.values()

    def apply_settings(self, values: dict) -> bool:
        """Fill the form from saved or sent settings (core.settings names, or a checkpoint's
        config / train_config names, plus "device"). A value out of range is refused with a
        message naming it and its range, and then nothing changes; returns whether applied."""
        try:
            self.form.apply(values)
        except ValueError as exc:
            self._set_notice(f"These settings were not applied: {exc}.", ERROR_TONE)
            return False
        self._set_notice(None)
        return True

    def save_settings(self, settings: QSettings) -> None:
        """The form's values, and how the plot and the live view share their row."""
        self.form.save(settings)
        settings.setValue(SPLITTER_KEY, self.results.splitter.saveState())

    def restore_settings(self, settings: QSettings) -> None:
        """What `save_settings` kept; a stored value that cannot be used is ignored."""
        self.form.restore(settings)
        self.results.restore_layout(settings.value(SPLITTER_KEY))
        self._validate()

    def prepare_new_model(self) -> None:
        """File > New model: a new model rather than a continued one, the form in focus."""
        if not self.is_training():
            self.continue_box.setChecked(False)
        self.form.field("latent_dim").setFocus()

    def _settings_requested(self, values: dict) -> None:
        """Another tab (e.g. Sweep) asks to train with these settings: not while a model trains
        (the form, locked, names the run's settings)."""
        if self.is_training():
            self.state.status_message.emit(
                "A model is training: the settings were not filled in. Send them again once "
                "the run has ended (or Stop it on the Train tab).", 8000)
            return
        self.continue_box.setChecked(False)
        applied = self.apply_settings(values)
        self.state.tab_requested.emit("Train")
        self.state.status_message.emit(
            "Training settings filled in: press Start to train" if applied
            else "The training settings were not applied: see the Train tab", 5000)

    def _continue_toggled(self, on: bool) -> None:
        """Ticked: the model settings and the training images become the active model's;
        unticked: the form gets back those it held before ticking (the person's own)."""
        if on:
            values = self.form.values()
            self._own_model_settings = {name: values[name]
                                        for name in (*table.MODEL_SETTINGS, *KEPT_TRAIN_SETTINGS)}
            self._fill_from_active()
        else:
            self.form.show_kept(None)
            if self._own_model_settings is not None:
                self.form.set_values(self._own_model_settings)
                self._own_model_settings = None
        self._set_running(self.is_training())
        if not self.is_training():
            self.results.set_continuing(on)

    def _fill_from_active(self) -> None:
        """The active model's settings and training data in the form (Continue is ticked)."""
        ckpt = self.state.active
        if ckpt is None:
            self.form.show_kept(None)
            return
        try:
            self.form.apply(ckpt.config.to_dict())
        except ValueError as exc:  # a model from a file made with other limits
            self._set_notice(f"{ckpt.name} cannot be continued here: {exc}.", ERROR_TONE)
        try:
            self.form.show_kept(kept_data(ckpt))
        except ValueError:  # _validate says why, and Start stays off
            self.form.show_kept(None)

    def _continue_problem(self) -> str | None:
        """Why the active model cannot be continued (Continue is ticked), or None."""
        ckpt = self.state.active
        if ckpt is None:
            return "There is no active model to continue: untick “Continue training”."
        try:
            kept_data(ckpt)
        except ValueError as exc:
            return f"{ckpt.name} cannot be continued here: {exc}."
        return None

    def _refused(self, message: str) -> None:
        self._set_notice(message, ERROR_TONE)
        self._refusal = True

    def _clear_refusal(self) -> None:
        if self._refusal:  # a value the box took: the refusal is old news
            self._refusal = False
            self._set_notice(None)

    def _set_notice(self, text: str | None, tone: str = ERROR_TONE) -> None:
        self._notice = None if text is None else (text, tone)
        self._validate()

    def _validate(self) -> bool:
        """Show why the settings cannot be used (errors) or may disappoint (warnings); returns
        whether training can start."""
        errors = self.form.errors()
        problem = self._continue_problem() if self.continue_box.isChecked() else None
        if problem:
            errors.append(problem)
        warnings = self.form.warnings()
        if not errors:  # what the run needs of the device (core.memory)
            too_big, slow = memory.training_needs(self.form.values(), self.eval_size)
            errors += [f"{too_big[:1].upper()}{too_big[1:]}: use a smaller batch or fewer hidden "
                       "units."] if too_big else []
            warnings += [slow] if slow else []
        lines = errors + warnings
        tone = ERROR_TONE if errors else WARNING_TONE
        if self._notice is not None:
            lines.insert(0, self._notice[0])
            tone = ERROR_TONE if errors else self._notice[1]
        self.message_label.setText("<br>".join(html.escape(line) for line in lines))
        tones.set_tone(self.message_label, tone)
        self.message_label.setVisible(bool(lines))
        ok = not errors
        self.start_button.setEnabled(ok and not self.is_training())
        return ok
