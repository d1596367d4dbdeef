"""What the app state says while File > Open or Save as works stays in the status bar after
the window's own "Opened …" / "Saved …": with a data folder the list of models could not be
written to, the warning that the model is only kept until quitting was replaced at once."""

from __future__ import annotations

from quiet_window import quiet_window

from vae_desktop.core import checkpoint
from vae_desktop.core.training import new_model


def _list_unwritable(state, monkeypatch):
    def refuse(*_args):
        raise PermissionError(13, "Permission denied", str(state.library.index))

    monkeypatch.setattr(state.library, "_write", refuse)


def test_open_and_save_keep_what_the_state_said(qtbot, tmp_path, monkeypatch):
    window = quiet_window(qtbot)
    qtbot.waitUntil(lambda: window.state is not None and window.state.active is not None,
                    timeout=30_000)
    path = checkpoint.save(tmp_path / "mine.pt", new_model(1, latent_dim=2, hidden=16),
                           [{"epoch": 1, "test_loss": 160.0}])
    _list_unwritable(window.state, monkeypatch)
    assert window.open_checkpoint(str(path))
    shown = window.statusBar().currentMessage()
    assert shown.startswith(f"Opened {path}.") and "could not take it" in shown
    assert window._save_to(window.state.active, tmp_path / "copy.pt")
    shown = window.statusBar().currentMessage()
    assert shown.startswith(f"Saved {tmp_path / 'copy.pt'}.") and "could not" in shown
