"""The plots' axes read the plotted values as they are: no "(x0.001)" beside an axis title with
ticks scaled to match. pyqtgraph turns small ranges into an SI scale factor by itself; the audit
of 2026-12-05 found "PC 1 (aligned) (x0.001)" with ticks -300..200 on the Train tab's live latent
view at the start of every run (its y title cut to "PC 2 (aligned) (x0.00"), and "epoch (x0.001)"
with ticks 20..80 on the loss plot of a run stopped early in its first epoch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from vae_desktop.core.model import VAE
from vae_desktop.core.snapshots import LatentTimeline
from vae_desktop.gui.tabs.train.live_latent import LiveLatentView
from vae_desktop.gui.widgets.latent_canvas import LatentCanvas
from vae_desktop.gui.widgets.loss_plot import LossPlot


def assert_plain(axis, title: str) -> None:
    """The axis is titled `title` alone and its ticks are the values themselves."""
    assert axis.autoSIPrefixScale == 1.0, axis.labelString()
    assert "(x" not in axis.labelString() and title in axis.labelString()
    low, high = sorted(axis.range)
    values = [v for _spacing, ticks in axis.tickValues(low, high, 400) for v in ticks]
    assert values, axis.range
    shown = [float(text.replace("−", "-")) for text in axis.tickStrings(values, 1.0, 1.0)]
    # Whatever the rounding of a tick's text, it reads as the value, not a thousand times it.
    assert np.abs(shown).max() <= 2 * max(abs(low), abs(high)), (axis.range, shown)


@pytest.fixture(scope="module")
def first_snapshot(mnist_test):
    """What the live view shows at the start of a run: an untrained model's codes of 500 test
    digits, a PCA of them (20 dimensions), all within a few tenths of the origin."""
    torch.manual_seed(0)
    model = VAE(latent_dim=20, hidden=64).eval()
    timeline = LatentTimeline(mnist_test[0][:500], mnist_test[1][:500], 20, size=500)
    snapshot = timeline.take(model, 0, 0, 0.0)
    assert np.abs(snapshot.points).max() < 1.0  # the case: pyqtgraph would scale it by 1000
    return snapshot


def test_the_live_latent_view_of_a_run_s_first_snapshot_reads_plain_values(qtbot, first_snapshot):
    view = LiveLatentView()
    qtbot.addWidget(view)
    view.resize(300, 420)
    view.show()
    view.add(first_snapshot)
    qtbot.wait(10)
    plot = view.view.canvas.getPlotItem()
    assert_plain(plot.getAxis("bottom"), "PC 1 (aligned)")
    assert_plain(plot.getAxis("left"), "PC 2 (aligned)")


def test_the_latent_canvas_reads_plain_values(qtbot, first_snapshot):
    """The Latent space tab's plot (a snapshot opened there, or a model whose means are small)."""
    canvas = LatentCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(500, 400)
    canvas.show()
    canvas.set_points(first_snapshot.points, first_snapshot.labels)
    canvas.set_axis_labels("PC 1 (10% of variance)", "PC 2 (10% of variance)")
    canvas.fit_to_points()
    qtbot.wait(10)
    plot = canvas.getPlotItem()
    assert_plain(plot.getAxis("bottom"), "PC 1 (10% of variance)")
    assert_plain(plot.getAxis("left"), "PC 2 (10% of variance)")


def test_the_loss_plot_of_a_run_stopped_early_in_its_first_epoch_reads_plain_epochs(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.resize(700, 400)
    plot.show()
    for step, x in enumerate(np.linspace(0.002, 0.08, 40)):
        loss = 540.0 - 3.0 * step
        plot.add_step(float(x), loss, loss - 10.0, 10.0)
    plot.redraw()
    plot.plot.vb.autoRange()
    qtbot.wait(10)
    assert plot.plot.vb.viewRange()[0][1] < 0.1
    assert_plain(plot.plot.getAxis("bottom"), "epoch")
