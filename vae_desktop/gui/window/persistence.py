"""What the window keeps between sessions (QSettings, gui.preferences): its size and place, its
toolbar and the tab in view, the model used last, and each tab's own values (its
`save_settings`); and a first window's size, which fits the screen.

WindowPersistence is a part of MainWindow (vae_desktop.gui.main_window): it uses the window's
`settings`, `state`, `tab_widgets`, `show_tab` and `current_tab_title` (TabPages).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSize

from vae_desktop.gui import preferences as qs


class WindowPersistence:
    def _room_on_screen(self) -> QSize:
        """The screen's free area less what a window manager adds around a window (a title bar,
        borders): a first launch on a 1280x720 screen fits it."""
        return self.screen().availableGeometry().size() - QSize(16, 48)

    def _restore_window(self) -> None:
        """The window's size and place, its toolbar and the tab in view; the model used last
        comes back in attach_state, the Train tab's form in build_tab."""
        s = self.settings
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        window_state = s.value("window/state")
        if isinstance(window_state, QByteArray) and not window_state.isEmpty():
            self.restoreState(window_state)
        tab = qs.read_str(s, "window/tab")
        if tab:
            self.show_tab(tab)

    def _restore_last_model(self, path: str, name: str) -> None:
        # By its file, else by its name (names are unique in the list): another install sharing
        # this data folder may have left the path of its own copy of a bundled model.
        by_path = [m for m in self.state.models
                   if path and m.path is not None and str(m.path.resolve()) == path]
        by_name = [m for m in self.state.models if name and m.name == name]
        for ckpt in by_path or by_name:
            if ckpt is not self.state.active:
                self.state.set_active(ckpt)
            return
        if path and Path(path).is_file():  # a model the user trained or opened last time
            from vae_desktop.core import checkpoint

            try:
                self.state.add_model(checkpoint.load(path), origin="opened")
            except checkpoint.CheckpointError as exc:
                self.state.status_message.emit(f"Could not reopen the last model: {exc}", 10000)

    def save_settings(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/tab", self.current_tab_title())
        if self.state is not None:  # closed while starting: the model used last stays as it was
            active = self.state.active
            s.setValue("last_model/path", str(active.path.resolve()) if active and active.path
                       else "")
            s.setValue("last_model/name", active.name if active else "")
        for tab in self.tab_widgets.values():  # the forms' values (Train, Sweep)
            save = getattr(tab, "save_settings", None)
            if callable(save):
                save(s)
        s.sync()
