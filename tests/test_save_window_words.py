"""File ▸ Save as that fails says why in words, as File ▸ Open's refusals do: onto a full disk
it showed nothing at all (torch's RuntimeError reached stderr only), into a read-only folder
"…/copy.pt: [Errno 13] Permission denied: '…/.copy.pt.3dz5mavv.tmp'"."""

from __future__ import annotations

from save_support import full_disk, unwritable

from vae_desktop.core import checkpoint
from vae_desktop.core.paths import bundled_models_dir
from vae_desktop.gui.main_window import MainWindow


def test_save_as_onto_a_full_disk_says_so(qtbot, state, tmp_path, monkeypatch):
    state.add_model(checkpoint.load(bundled_models_dir() / "mnist-vae-z2.pt"))
    window = MainWindow(state=state, load_library=False, tabs=())
    qtbot.addWidget(window)
    errors = []
    monkeypatch.setattr(window, "_show_error", lambda title, text: errors.append((title, text)))
    full_disk(monkeypatch)
    assert not window._save_to(state.active, str(tmp_path / "copy.pt"))
    assert errors == [("Could not save the model",
                       f"copy.pt could not be saved in {tmp_path}: the disk is full. Free some "
                       "space or choose another disk.")]
    assert not (tmp_path / "copy.pt").exists()


def test_save_as_into_a_read_only_folder(qtbot, state, tmp_path, monkeypatch):
    state.add_model(checkpoint.load(bundled_models_dir() / "mnist-vae-z2.pt"))
    window = MainWindow(state=state, load_library=False, tabs=())
    qtbot.addWidget(window)
    errors = []
    monkeypatch.setattr(window, "_show_error", lambda title, text: errors.append((title, text)))
    folder = tmp_path / "ro"
    folder.mkdir()
    unwritable(folder, monkeypatch)
    assert not window._save_to(state.active, str(folder / "copy"))
    assert errors == [("Could not save the model",
                       f"copy.pt could not be saved in {folder}: permission denied. Choose "
                       "another folder.")]
