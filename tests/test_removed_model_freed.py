"""A model removed from the list is freed: no tab, cache or finished job keeps its weights. Each
finished job kept its callbacks alive (PySide holds a connected callable from C++, out of the
garbage collector's sight), and a test-set pass's callbacks named the model, so every model ever
evaluated lived on all session; the Conditional tab's "Switch to …" memory kept removed models
too."""

from __future__ import annotations

import gc
import shutil
import weakref

from vae_desktop.core import checkpoint
from vae_desktop.core import data as data_module
from vae_desktop.core.data import load_split
from vae_desktop.gui.main_window import MainWindow

TEST_IMAGES = 500  # a part of the test set keeps the test-set passes short


def test_a_removed_model_leaves_nothing_behind(qtbot, app_state, bundled, tmp_path, monkeypatch):
    monkeypatch.setattr(data_module, "load_split", lambda split: load_split(split, size=TEST_IMAGES))
    window = MainWindow(state=app_state)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    state = app_state
    before = state.active
    for name in ("mnist-vae-z16", "mnist-cvae-z2"):
        copy = tmp_path / f"copy-{name}.pt"
        shutil.copy(bundled[name].path, copy)
        extra = checkpoint.load(copy)
        state.add_model(extra)
        for title in ("Train", "Draw", "Latent space", "Conditional", "Interpolate", "Evaluate"):
            window.show_tab(title)
            qtbot.wait(30)
        qtbot.waitUntil(lambda m=extra: state.test_pass(m) is not None, timeout=30_000)
        qtbot.wait(100)  # what the pass's end set off in the tabs
        state.set_active(before)
        gone = weakref.ref(extra)
        state.remove_model(extra)
        del extra
        qtbot.wait(100)
        gc.collect()
        assert gone() is None, name
