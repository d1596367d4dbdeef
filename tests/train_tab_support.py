"""A Train tab with a tiny run's settings, and a run of it to its end (shared by test modules)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from vae_desktop.gui.tabs.train.tab import TrainTab

TINY = {"train_size": 512, "epochs": 1, "latent_dim": 2, "hidden": 32, "batch_size": 128,
        "seed": 3, "lr": 1e-3, "arch": "mlp", "conditional": False, "beta": 1.0, "device": "cpu",
        "beta_warmup": 0}
RUN_TIMEOUT_MS = 60_000


def make_tab(qtbot, state) -> TrainTab:
    tab = TrainTab(state)
    tab.eval_size = 200
    qtbot.addWidget(tab)
    assert tab.apply_settings(TINY)
    return tab


def train(qtbot, tab, button=None):
    """Click Start (or `button`) and wait for the run's summary."""
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS) as blocker:
        qtbot.mouseClick(button or tab.start_button, Qt.LeftButton)
    return blocker.args[0]


def shown_tab(qtbot, state, width: int = 1264, height: int = 620) -> TrainTab:
    """A Train tab of the state's active model, shown at `width` x `height`."""
    tab = TrainTab(state)
    qtbot.addWidget(tab)
    tab.resize(width, height)
    tab.show()
    qtbot.waitExposed(tab)
    return tab
