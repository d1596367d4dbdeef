"""The Sweep's held-out digit is 2 unless chosen, as on the Evaluate tab: digit 9's AUROC is about
0.5, chance (see the Evaluate tab's digit tooltip), so a sweep on it would compare noise."""

from __future__ import annotations

from vae_desktop.core.sweep import SweepSpec
from vae_desktop.gui.tabs.sweep.form import SweepForm


def test_the_default_held_out_digit_is_2(qtbot):
    assert SweepSpec().holdout == 2
    form = SweepForm()
    qtbot.addWidget(form)
    assert form.holdout_spin.value() == 2
    form.set_objective("auroc")
    assert form.spec().holdout == 2
