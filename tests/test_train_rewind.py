"""Rewind acts on the run on screen only: it is offered while that run goes on, or while the
model it kept is the active one (after another model was made active, the button trained the
last run again while the form and plot showed another model); its tooltip names the run it
trains again; and after a rewind the earlier run's curve stays on the plot, faint, to compare."""

from __future__ import annotations

import numpy as np
from train_tab_support import RUN_TIMEOUT_MS, make_tab, train


def test_rewind_is_offered_only_while_its_run_is_on_screen(qtbot, app_state):
    tab = make_tab(qtbot, app_state)
    rewind = tab.results.run_bar.rewind_button
    assert not rewind.isEnabled()  # no run yet
    train(qtbot, tab)
    trained = app_state.active
    assert rewind.isEnabled()
    tip = rewind.toolTip()

    # Another model made active (the bundled CVAE, z=16): its history is on screen, not the run.
    other = app_state.find_model(conditional=True, latent_dim=16)
    app_state.set_active(other)
    assert other.name in tab.caption
    assert not rewind.isEnabled()
    assert "latent 2, hidden 32" in tip  # what it would train again
    assert "latent 2, hidden 32" not in rewind.toolTip()

    # The run's model again: Rewind is back.
    app_state.set_active(trained)
    assert rewind.isEnabled() and "latent 2, hidden 32" in rewind.toolTip()


def test_after_a_rewind_the_earlier_runs_curve_stays_faintly(qtbot, app_state):
    tab = make_tab(qtbot, app_state)
    earlier = tab.live.earlier_curve
    assert not earlier.isVisible()
    train(qtbot, tab)
    tab.plot.redraw()
    first_x, first_y = (a.copy() for a in tab.plot.data("smooth"))
    assert len(first_x) >= 1  # steps reach the plot at most 10 times a second

    # The same run again: the plot shows the new run over the first one, faint.
    second = train(qtbot, tab, tab.results.run_bar.rewind_button)
    assert second.status == "done"
    tab.plot.redraw()
    assert earlier.isVisible()
    x, y = earlier.getData()
    np.testing.assert_array_equal(x, first_x)
    np.testing.assert_array_equal(y, first_y)
    assert "faint" in tab.caption or "faint" in tab.results.run_bar.rewind_button.toolTip()

    # Another model on screen: the comparison goes with the run.
    rewound = app_state.active
    app_state.set_active(app_state.find_model(conditional=True, latent_dim=16))
    assert not earlier.isVisible()
    app_state.set_active(rewound)
    assert earlier.isVisible()

    # A new run (Start, not Rewind) has nothing to compare with.
    assert tab.apply_settings({"seed": 4})
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS):
        tab.start_button.click()
        assert not earlier.isVisible()
    assert not earlier.isVisible()
