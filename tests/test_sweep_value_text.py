"""A trial's objective value reads the same on the command line (`vae-desktop sweep`) and in the
Sweep tab (its table, its best line, the status of a loaded study): a loss in nats to a tenth, an
AUROC to three decimals, whatever the size of the number; no value is "–".

The bug: the command line chose the decimals by the objective, the table by the size of the value,
so a loss under 10 nats read 9.9 in the terminal and 9.877 in the table."""

from __future__ import annotations

import math

import pytest

from vae_desktop.core.sweep import SweepStudy, TrialRecord, objective_text
from vae_desktop.gui.tabs.sweep.tab import SweepTab
from vae_desktop.gui.tabs.sweep.trial_table import VALUE_COLUMN

LOSSES = [9.87654, 180.96, 1023.4]
AUROCS = [0.734567, 0.9]


def test_one_function_writes_every_value():
    assert [objective_text("test_loss", v) for v in LOSSES] == ["9.9", "181.0", "1023.4"]
    assert [objective_text("auroc", v) for v in AUROCS] == ["0.735", "0.900"]
    assert objective_text("test_loss", None) == objective_text("auroc", math.nan) == "–"


def study_of(objective: str, values: list[float]) -> SweepStudy:
    direction = "minimize" if objective == "test_loss" else "maximize"
    trials = [TrialRecord(n, "COMPLETE", value, {"lr": 1e-3}, {"lr": 1e-3, "epochs": 1},
                          {1: value}, 1.0) for n, value in enumerate(values)]
    return SweepStudy("values", "sqlite:///x.db", objective, 2 if objective == "auroc" else None,
                      direction, trials)


@pytest.mark.parametrize("objective, values, best", [("test_loss", LOSSES, "9.9"),
                                                      ("auroc", AUROCS, "0.900")])
def test_the_table_best_line_and_status_write_values_as_the_cli_does(qtbot, state, objective,
                                                                      values, best):
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    tab.show_study(study_of(objective, values))
    assert tab.view.table.column_texts(VALUE_COLUMN) == [objective_text(objective, v) for v in values]
    what = "AUROC" if objective == "auroc" else "test loss"
    assert f"{what} {best}" in tab.view.best_label.text()
    assert f"best {best}." in tab.view.status()
