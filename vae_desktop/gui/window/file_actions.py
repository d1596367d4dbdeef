"""The File menu's actions: New model, Open (and Open recent), Save, Save as, the exports of the
loss history (CSV) and the loss plot (PNG), the Models dialog, and the dialogs they ask with
(methods, so that tests can replace them).

FileActions is a part of MainWindow (vae_desktop.gui.main_window): it uses the window's `state`,
`settings`, `recent_menu`, `models_dialog`, its status bar and `_reporting` (StatusLine), and
`show_tab`, `_built_train_tab` (TabPages).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from vae_desktop.core.fileio import check_folder
from vae_desktop.core.wording import count
from vae_desktop.gui import preferences as qs
from vae_desktop.gui.history_csv import write_history_csv


def _files():
    """vae_desktop.gui.model_files, imported on first use (it imports torch)."""
    from vae_desktop.gui import model_files

    return model_files


class FileActions:
    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        paths = qs.recent_files(self.settings)
        for i, path in enumerate(paths, 1):
            action = self.recent_menu.addAction(f"&{i} {Path(path).name}")
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_checkpoint(p))
        if not paths:
            self.recent_menu.addAction("No recent files").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear list", self._clear_recent)

    def _clear_recent(self) -> None:
        self.settings.setValue("recent_files", [])

    def new_model(self) -> None:
        self.show_tab("Train")
        tab = self._built_train_tab()
        if tab is not None:
            tab.prepare_new_model()
        self.statusBar().showMessage("Choose the model and training settings, then press Start.",
                                     5000)

    def open_checkpoint(self, path: str | None = None) -> bool:
        """Load a checkpoint and make it active; a bad file shows why and changes nothing."""
        if not path:
            path = self._ask_open_path()
            if not path:
                return False
        from vae_desktop.core import checkpoint

        try:
            ckpt = checkpoint.load(path)
        except checkpoint.CheckpointError as exc:
            if not Path(path).exists():
                qs.forget_recent(self.settings, str(path))
            self._show_error("Could not open the checkpoint", str(exc))
            return False
        self._reporting(lambda: self.state.add_model(ckpt, origin="opened"),
                        lambda _: f"Opened {path}.")
        qs.remember_recent(self.settings, str(Path(path).resolve()))
        return True

    def save(self) -> bool:
        ckpt = self.state.active
        if ckpt is None:
            return False
        if not _files().is_user_file(ckpt):
            return self.save_as()
        return self._save_to(ckpt, ckpt.path)

    def save_as(self) -> bool:
        ckpt = self.state.active
        if ckpt is None:
            return False
        path = self._ask_save_path(_files().file_name_for(ckpt.name), "Save model as",
                                   _files().CHECKPOINT_FILTER)
        return bool(path) and self._save_to(ckpt, path)

    def _save_to(self, ckpt, path) -> bool:
        from vae_desktop.core.checkpoint import cannot_save

        try:
            self._reporting(lambda: self.state.save_model_as(ckpt, path),
                            lambda saved: f"Saved {saved.path}.")
        except OSError as exc:
            self._show_error("Could not save the model",
                             cannot_save(_files().checkpoint_path(path), exc))
            return False
        return True

    def export_history_csv(self, path: str | None = None) -> bool:
        ckpt = self.state.active
        if ckpt is None:
            return False
        if not ckpt.history:
            self._show_error("No loss history", f"{ckpt.name} has no training history to export.")
            return False
        path = path or self._ask_save_path(_files().file_name_for(f"{ckpt.name}-history", ".csv"),
                                           "Export loss history",
                                           "CSV files (*.csv)")
        if not path:
            return False
        try:
            check_folder(path)
            write_history_csv(ckpt.history, Path(path))
        except OSError as exc:
            self._show_error("Could not export the loss history", f"{path}: {exc}")
            return False
        self.statusBar().showMessage(f"Exported {count(len(ckpt.history), 'epoch')} to {path}.",
                                     5000)
        return True

    def export_plot_png(self, path: str | None = None) -> bool:
        tab = self._built_train_tab()
        if tab is None:
            return False
        path = path or self._ask_save_path("loss-plot.png", "Export loss plot", "PNG images (*.png)")
        if not path:
            return False
        try:
            check_folder(path)
            tab.export_plot_png(path)
        except OSError as exc:
            self._show_error("Could not export the plot", f"{path}: {exc}")
            return False
        self.statusBar().showMessage(f"Saved the plot to {path}.", 5000)
        return True

    def show_models(self):
        """File ▸ Models…: the models dialog (gui.models_dialog), made on first use."""
        if self.models_dialog is None:
            from vae_desktop.gui.models_dialog import ModelsDialog

            self.models_dialog = ModelsDialog(self.state, self)
        self.models_dialog.refresh()
        self.models_dialog.show()
        self.models_dialog.raise_()
        self.models_dialog.activateWindow()
        return self.models_dialog

    def open_dialog_folder(self) -> Path:
        """Open starts where the app keeps its models."""
        from vae_desktop.core.paths import models_dir

        folder = models_dir()
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _ask_open_path(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self, "Open checkpoint", str(self.open_dialog_folder()),
                                              _files().CHECKPOINT_FILTER)
        return path

    def _ask_save_path(self, suggested: str, title: str, file_filter: str) -> str:
        return _files().ask_save_path(self, suggested, title, file_filter)

    def _show_error(self, title: str, text: str) -> None:
        QMessageBox.warning(self, title, text)
