"""The best trial's line above the table wraps instead of widening the tab: with every setting
varied, its settings and the three buttons beside it (Use best, Open model, Export CSV…) made
the Sweep tab wider than the window at 1280x720, which then scrolled sideways and cut the form."""

from __future__ import annotations

from vae_desktop.core.sweep import SweepStudy, TrialRecord
from vae_desktop.gui.tabs.sweep.tab import SweepTab


def every_setting_varied(number: int, value: float) -> TrialRecord:
    params = {"latent_dim": 14, "hidden": 400, "lr": 0.000274123, "batch_size": 128,
              "beta": 1.5312, "arch": "mlp"}
    settings = {**params, "conditional": False, "epochs": 2, "train_size": 500, "test_size": 300}
    return TrialRecord(number, "COMPLETE", value, params, settings, {1: value}, 2.0,
                       host="gpu-box-2", pid=123456)


def test_a_long_best_line_wraps_within_the_window_at_1280x720(qtbot, state):
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    tab.resize(1264, 640)
    tab.show()
    qtbot.waitExposed(tab)
    one_line = tab.view.best_label.height()
    tab.show_study(SweepStudy("a study with a rather long name", "sqlite:///x.db", "test_loss",
                              None, "minimize", [every_setting_varied(0, 136.5)]))
    qtbot.wait(50)
    assert tab.minimumSizeHint().width() <= 1264
    label = tab.view.best_label
    assert "Arch MLP" in label.text() and "Beta 1.531" in label.text()
    right = label.mapTo(tab, label.rect().topRight()).x()
    assert right < tab.view.use_best_button.mapTo(tab, tab.view.use_best_button.rect().topLeft()).x()
    assert label.height() >= one_line  # as tall as its lines: nothing cut off
    assert label.height() >= label.text_height(label.width())
