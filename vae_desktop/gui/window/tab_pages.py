"""The window's tabs: which there are (each imported when it is built, as each imports torch),
and their pages, which show a loading page until the tab is built in its place.

TabPages is a part of MainWindow (vae_desktop.gui.main_window): it uses the window's `tabs`
(QTabWidget), `_pages` (title -> TabPage), `tab_widgets` (the tabs built so far), `_tab_specs`
(the (title, class) pairs a test gave, or None), `state` and `settings`.
"""

from __future__ import annotations

import importlib
import traceback

from PySide6.QtWidgets import QWidget

from vae_desktop.gui.widgets.message_tab import MessageTab

# Every tab: title -> (module, class), imported when the tab is built (each imports torch).
TAB_MODULES = {
    "Train": ("vae_desktop.gui.tabs.train.tab", "TrainTab"),
    "Draw": ("vae_desktop.gui.tabs.draw.tab", "DrawTab"),
    "Latent space": ("vae_desktop.gui.tabs.latent.tab", "LatentTab"),
    "Conditional": ("vae_desktop.gui.tabs.conditional.tab", "ConditionalTab"),
    "Interpolate": ("vae_desktop.gui.tabs.interpolate.tab", "InterpolateTab"),
    "Evaluate": ("vae_desktop.gui.tabs.evaluate.tab", "EvaluateTab"),
    "Sweep": ("vae_desktop.gui.tabs.sweep.tab", "SweepTab"),
}
TAB_TITLES = tuple(TAB_MODULES)


def tab_class(title: str) -> type:
    module, name = TAB_MODULES[title]
    return getattr(importlib.import_module(module), name)


def tab_classes() -> tuple[tuple[str, type], ...]:
    """(title, class) of every tab, in order."""
    return tuple((title, tab_class(title)) for title in TAB_TITLES)


class TabPages:
    def pending_tabs(self) -> list[str]:
        """The tabs not built yet (their places show a loading page), in order."""
        return [title for title in self._pages if title not in self.tab_widgets]

    def next_tab_to_build(self) -> str | None:
        """The tab in view if it is still a loading page, else the first such tab; None when
        every tab is built."""
        pending = self.pending_tabs()
        current = self.current_tab_title()
        return current if current in pending else (pending[0] if pending else None)

    def build_tab(self, title: str) -> QWidget:
        """Make the tab (after attach_state) and put it where its loading page was."""
        widget = self._make_tab(title)
        self.tab_widgets[title] = widget
        self._pages[title].hold(widget)
        restore = getattr(widget, "restore_settings", None)  # what save_settings kept
        if callable(restore):
            restore(self.settings)
        if title == "Train":
            self.train_tab = widget
            self.export_png_action.setEnabled(self._built_train_tab() is not None)
        return widget

    def _built_train_tab(self):
        """The Train tab once it is built (None before, or where it could not be built)."""
        if "Train" not in self.tab_widgets:
            return None
        from vae_desktop.gui.tabs.train.tab import TrainTab

        tab = self.tab_widgets["Train"]
        return tab if isinstance(tab, TrainTab) else None

    def _make_tab(self, title: str) -> QWidget:
        """Build one tab; a tab that fails to import or build shows why instead of taking the
        app down."""
        try:
            cls = dict(self._tab_specs)[title] if self._tab_specs is not None else tab_class(title)
            return cls(self.state)
        except Exception as exc:  # noqa: BLE001 - one broken tab must not stop the others
            traceback.print_exc()
            return MessageTab(title, f"This tab could not be opened: {exc}")

    def show_tab(self, title: str) -> None:
        if title in self._pages:
            self.tabs.setCurrentWidget(self._pages[title])

    def current_tab_title(self) -> str:
        return self.tabs.tabText(self.tabs.currentIndex())
