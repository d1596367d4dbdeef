"""The Sweep plots' axes read the plotted values themselves: AUROCs of 0.736 and 0.788 are ticked
0.74 to 0.78, not 740 to 790 with "(x0.001)" after the axis title (audit of 2026-12-05)."""

from __future__ import annotations

from vae_desktop.core.sweep import SweepStudy, TrialRecord
from vae_desktop.gui.tabs.sweep.tab import SweepTab


def record(number: int, value: float, lr: float) -> TrialRecord:
    settings = {"latent_dim": 8, "hidden": 64, "lr": lr, "batch_size": 128, "beta": 1.0,
                "arch": "mlp", "conditional": False, "epochs": 1}
    return TrialRecord(number, "COMPLETE", value, {"lr": lr}, settings, {1: value}, 1.0)


def test_auroc_axes_carry_no_si_prefix(qtbot, state):
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    tab.resize(1280, 720)
    tab.show()
    qtbot.waitExposed(tab)
    tab.show_study(SweepStudy("auroc", "sqlite:///x.db", "auroc", 2, "maximize",
                              [record(0, 0.736, 1e-3), record(1, 0.788, 3e-3)]))
    plots = tab.view.plots
    plots.choose_setting("lr")
    qtbot.wait(100)  # pyqtgraph picks a prefix as it lays the axes out
    for plot in (plots.by_trial, plots.by_setting):
        for side in ("left", "bottom"):
            axis = plot.getAxis(side)
            assert axis.autoSIPrefixScale == 1.0, (plot, side)
            assert "x0.001" not in axis.labelString() and "(x" not in axis.labelString()
