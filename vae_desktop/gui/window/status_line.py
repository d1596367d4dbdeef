"""What the window says about the models: the active model's selector in the toolbar and its
line in the status bar, status messages (and those said while a file is opened or saved, which
follow its "Opened …"), another dataset's model said once, and the notes on the list of models.

StatusLine is a part of MainWindow (vae_desktop.gui.main_window): it uses the window's `state`,
`model_combo`, `model_label`, the File menu's actions and `_told_dataset`, `_heard`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from vae_desktop.core.wording import count

NO_MODELS = "No models: train one or open a checkpoint"
NO_ACTIVE_MODEL = "No active model: pick one here"  # models listed, none of them in use
NONE_ACTIVE_LINE = ("No active model: pick one in the Active model box above the tabs, train one "
                    "on the Train tab or open a checkpoint (Ctrl+O).")  # the status bar's then


def describe(ckpt) -> str:
    """The status bar's line for a model: gui.model_files.describe_model (imported on first use)."""
    from vae_desktop.gui.model_files import describe_model

    return describe_model(ckpt)


class StatusLine:
    def _show_load_notes(self, notes: list[str]) -> None:
        """What loading the list of models had to say (entries dropped, files refused or not
        found), which can be long and comes back at every start while it is true: a short
        status line, and a button in the status bar that stays until the notes are read in
        File ▸ Models, where they are whole (the Models dialog's notice)."""
        from PySide6.QtWidgets import QStyle, QToolButton

        said = count(len(notes), "note")
        button = QToolButton()
        button.setAutoRaise(True)
        button.setIcon(self.style().standardIcon(QStyle.SP_MessageBoxInformation))
        button.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        button.setText(f"{said} on the models")
        button.setToolTip(f"What vae-desktop found when it read the list of models at start-up "
                          f"({said}): click to read {'it' if len(notes) == 1 else 'them'} in "
                          "File ▸ Models.")
        button.clicked.connect(lambda _checked=False: self.show_models())
        self.statusBar().insertPermanentWidget(1, button)  # after the model line, before Device
        self.model_notes_button = button
        self.state.status_message.emit(f"{said} on the list of models: see File ▸ Models.",
                                       15000)

    def _refresh_models(self) -> None:
        if self.state is None:
            return
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        for ckpt in self.state.models:
            self.model_combo.addItem(ckpt.name)
            self.model_combo.setItemData(self.model_combo.count() - 1, describe(ckpt),
                                         Qt.ToolTipRole)
        self.model_combo.blockSignals(False)
        self._show_active()
        self._update_status()

    def _show_active(self) -> None:
        """The selector shows the active model, or none while none is active (or the active one
        has just left the list): not the list's first entry, which a combo box makes current
        when it is filled, as if every tab used it. The placeholder then says why it is empty:
        an empty list is not a list still loading."""
        models, active = self.state.models, self.state.active
        index = next((i for i, m in enumerate(models) if m is active), -1)
        self.model_combo.blockSignals(True)
        self.model_combo.setCurrentIndex(index)
        self.model_combo.setPlaceholderText(NO_MODELS if not models
                                            else NO_ACTIVE_MODEL if index < 0 else "")
        self.model_combo.blockSignals(False)

    def _pick_model(self, index: int) -> None:
        if 0 <= index < len(self.state.models) and self.state.models[index] is not self.state.active:
            self.state.set_active(self.state.models[index])

    def _model_changed(self, ckpt) -> None:
        self._show_active()
        self._update_status()
        self._say_other_dataset(ckpt)

    def _say_other_dataset(self, ckpt) -> None:
        """Once per model and session: a model trained on another dataset (Fashion-MNIST) is
        shown MNIST digits by every tab, which is worth a word the first time it is used."""
        from vae_desktop.core.model_words import other_dataset

        dataset = None if ckpt is None else other_dataset(ckpt)
        key = str(ckpt.path.resolve()) if ckpt is not None and ckpt.path else id(ckpt)
        if dataset is None or key in self._told_dataset:
            return
        self._told_dataset.add(key)
        self._status_message(f"{ckpt.name} was trained on {dataset}, but every tab shows it "
                             "MNIST digits: expect poor reconstructions and high losses.", 15000)

    def _update_status(self) -> None:
        ckpt = self.state.active
        self.model_label.setText(NONE_ACTIVE_LINE if ckpt is None and self.state.models
                                 else describe(ckpt))
        has_model = ckpt is not None
        for action in (self.save_action, self.save_as_action, self.export_csv_action):
            action.setEnabled(has_model)

    def _status_message(self, text: str, timeout_ms: int) -> None:
        self.statusBar().showMessage(text, timeout_ms)
        if self._heard is not None:
            self._heard.append(text)

    def _reporting(self, work, done) -> object:
        """Run `work()`, then say `done(its result)` ("Opened …"), followed by what was said
        meanwhile (a list of models that could not be written, another dataset), which it would
        replace."""
        self._heard = []
        try:
            result = work()
        finally:
            heard, self._heard = self._heard, None
        said = " ".join(heard)
        self.statusBar().showMessage(f"{done(result)} {said}".strip(), 15000 if said else 5000)
        return result
