"""Evaluate tab: what a person needs to choose the digit to hold out is in the app, not in a
README a pip user does not have. The Hold out box's tooltip names the easy and the hard digits
with their AUROC, and the guide's Evaluate page has every digit's, the figures of
bench/README.md (the benchmark that measured them)."""

from __future__ import annotations

import re
from pathlib import Path

from vae_desktop.core.anomaly import SCORES
from vae_desktop.gui.guide import page_path
from vae_desktop.gui.tabs.evaluate.anomaly_controls import AnomalyControls
from vae_desktop.gui.widgets.hint_text import plain_text

BENCH = Path(__file__).resolve().parents[1] / "bench" / "README.md"
AT_MU_ROW = "reconstruction + KL at z = μ"  # the score at z = mu, as the bench's table names it


def measured() -> dict[str, list[str]]:
    """bench/README.md's held-out AUROC table: score -> the ten digits' AUROC and the mean."""
    rows = {}
    for line in BENCH.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] in (AT_MU_ROW, "reconstruction error") and len(cells) == 12:
            rows[cells[0]] = cells[1:]
    assert set(rows) == {AT_MU_ROW, "reconstruction error"}
    return rows


def test_the_hold_out_tooltip_says_which_digits_stand_out(qtbot):
    """Bug: it said 'See the README for every digit's AUROC'; the README has only the mean."""
    controls = AnomalyControls()
    qtbot.addWidget(controls)
    tip = plain_text(controls.digit_combo.toolTip())
    assert "README" not in tip
    elbo = measured()[AT_MU_ROW]
    for digit in (2, 0, 8, 7, 9, 1):  # the three easiest, the three hardest
        assert f"{digit}: {elbo[digit]}" in tip, digit
    assert "guide" in tip and "F1" in tip and tip.endswith(".")
    assert controls.digit_combo.toolTip().startswith("<p>")  # rich text: Qt wraps it


def test_the_guide_lists_every_digits_auroc():
    html = page_path("evaluate").read_text(encoding="utf-8")
    table = re.search(r"<table[^>]*>(.*?)</table>", html, re.S)
    assert table, "the Evaluate page has no table"
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>",
                                                                         row, re.S)]
        rows[cells[0]] = cells[1:]
    assert rows["Held-out digit"] == [str(d) for d in range(10)] + ["mean"]
    for score, figures in measured().items():
        # bench/README.md's reconstruction + KL row is the score the app calls SCORES["elbo"].
        name = SCORES["elbo"] if score == AT_MU_ROW else score
        assert rows[name[0].upper() + name[1:]] == figures, score
