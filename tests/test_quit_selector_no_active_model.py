"""The model selector in the toolbar shows the active model, and no model while none is active.

Seen during a quit: once the active model was cleared, the selector still showed the last one,
as if every tab were using it. It followed only a model that became active (an index into the
list), never None; and each refill of the list (a model listed, renamed or removed) let Qt pick
the first entry, since a combo box that gets its first item makes it current."""

from __future__ import annotations

from quiet_window import QuietTab

from vae_desktop.core import checkpoint, paths
from vae_desktop.core.checkpoint import Checkpoint
from vae_desktop.core.training import new_model
from vae_desktop.gui.main_window import MainWindow
from vae_desktop.gui.window import status_line


def saved(state, name: str, activate: bool = True) -> Checkpoint:
    """A small model in a file of its own (one in no file would be asked about on closing)."""
    model = new_model(1, latent_dim=2, hidden=16)
    path = checkpoint.save(paths.app_data_dir() / f"{name}.pt", model)
    return state.add_model(checkpoint.load(path), activate=activate, name=name)


def window_for(qtbot, state) -> MainWindow:
    window = MainWindow(state=state, load_library=False, tabs=(("Draw", QuietTab),))
    qtbot.addWidget(window)
    return window


def shows_no_model(window) -> bool:
    combo = window.model_combo
    return combo.currentIndex() == -1 and combo.currentText() == ""


def test_with_no_active_model_the_selector_shows_none(qtbot, state):
    first, second = saved(state, "first"), saved(state, "second")
    window = window_for(qtbot, state)
    assert window.model_combo.currentText() == "second"
    state.set_active(None)
    assert shows_no_model(window), f"the selector shows {window.model_combo.currentText()!r}"
    assert window.model_combo.placeholderText() == status_line.NO_ACTIVE_MODEL
    assert window.model_combo.count() == 2  # both are still there to pick
    # The status bar does not say "No model loaded: train one…" with five models listed.
    assert window.model_label.text() == status_line.NONE_ACTIVE_LINE
    # A model listed while none is active is not made to look active either.
    saved(state, "third", activate=False)
    assert shows_no_model(window) and window.model_combo.count() == 3
    # Picking one makes it active again, and the selector shows it.
    window.model_combo.setCurrentIndex(0)
    assert state.active is first and window.model_combo.currentText() == "first"
    assert window.model_combo.placeholderText() == ""
    assert second in state.models


def test_listing_a_model_while_the_active_one_is_gone_does_not_show_another(qtbot, state):
    """The window is told of the list before the active model: a list refilled then has the
    active model no more, and must not show its first entry as if it were active."""
    kept = saved(state, "kept")
    gone = saved(state, "gone")
    window = window_for(qtbot, state)
    seen = []
    state.models_changed.connect(lambda: seen.append(window.model_combo.currentText()))
    state.remove_model(gone)  # the list changes first; then "kept" becomes active
    assert seen == [""], "the refilled list showed a model that was not active"
    assert state.active is kept and window.model_combo.currentText() == "kept"


def test_removing_the_last_model_leaves_the_selector_empty_saying_so(qtbot, state):
    only = saved(state, "only")
    window = window_for(qtbot, state)
    state.remove_model(only)
    assert state.active is None and window.model_combo.count() == 0
    assert shows_no_model(window) and window.model_combo.placeholderText() == status_line.NO_MODELS
