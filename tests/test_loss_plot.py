"""LossPlot: the axes hold still during a run, and the curves keep every point."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QGraphicsItem

from vae_desktop.gui.widgets.loss_plot import LossPlot


@pytest.fixture
def plot(qtbot):
    widget = LossPlot()
    widget.resize(800, 400)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def feed(plot, x0: float, x1: float, n: int, start: float, end: float) -> None:
    for x, loss in zip(np.linspace(x0, x1, n), np.linspace(start, end, n), strict=True):
        plot.add_step(float(x), float(loss), float(loss) * 0.9, float(loss) * 0.1)


def test_during_a_run_x_spans_the_run_and_y_moves_only_when_needed(plot):
    plot.begin_run(0, 4)
    feed(plot, 0.01, 0.5, 50, 220.0, 150.0)
    plot.redraw()
    (x0, x1), (y0, y1) = plot.plot.vb.viewRange()
    assert x0 <= 0.0 and 4.0 <= x1 < 4.2  # the whole run, from the first step on
    assert y0 <= 15.0 and y1 >= 220.0  # every curve inside, KL (15 to 22) included
    # A little more progress inside the same range: nothing moves (cached axes stay valid).
    feed(plot, 0.5, 1.0, 50, 150.0, 140.0)
    plot.redraw()
    assert plot.plot.vb.viewRange() == [[x0, x1], [y0, y1]]
    # A curve leaving the range moves y; x stays.
    feed(plot, 1.0, 1.1, 5, 140.0, 400.0)
    plot.redraw()
    (nx0, nx1), (ny0, ny1) = plot.plot.vb.viewRange()
    assert (nx0, nx1) == (x0, x1) and ny1 >= 400.0
    assert len(plot.curves["raw"].getData()[0]) == 105  # every point reaches its curve
    assert plot.plot.getAxis("left").cacheMode() == QGraphicsItem.DeviceCoordinateCache


def test_after_a_run_the_view_fits_the_data_again(plot, qtbot):
    plot.begin_run(0, 10)
    feed(plot, 0.01, 2.0, 40, 200.0, 120.0)
    plot.end_run()
    # No longer the planned 10 epochs: auto-range follows the data (on the next paint).
    qtbot.waitUntil(lambda: plot.plot.vb.viewRange()[0][1] < 3.0, timeout=2000)


def test_clear_then_same_length_data_is_still_drawn(plot):
    feed(plot, 0.0, 1.0, 10, 200.0, 100.0)
    plot.redraw()
    plot.clear()
    feed(plot, 0.0, 1.0, 10, 50.0, 40.0)
    plot.redraw()
    assert np.allclose(plot.curves["raw"].getData()[1], np.linspace(50.0, 40.0, 10))


def test_the_legend_fits_again_after_the_window_narrows(qtbot, first_epoch):
    """Wide, the legend is one row of five; narrowed (a window un-maximized), it must take more
    rows and fit. pyqtgraph's setColumnCount kept the wide grid: the legend stayed wide, its
    third entry was cut off and the plot pushed past the widget's right edge."""
    wide = LossPlot()
    qtbot.addWidget(wide)
    wide.resize(900, 400)
    wide.show()
    qtbot.waitExposed(wide)
    wide.set_history([first_epoch])
    wide.add_step(1.1, 150.0, 140.0, 10.0)  # a run continued: all five curves have points
    wide.redraw()
    assert wide.legend.columnCount == 5
    for width, columns in ((520, 3), (900, 5), (430, 2), (700, 4)):
        wide.resize(width, 400)
        qtbot.wait(20)
        assert wide.legend.columnCount == columns, width
        right_edge = wide.plot_widget.width()
        for _sample, label in wide.legend.items:
            assert label.mapRectToScene(label.boundingRect()).right() <= right_edge, (width, label.text)
        assert wide.plot.mapRectToScene(wide.plot.boundingRect()).right() <= right_edge + 1, width


def legend_names(plot) -> list[str]:
    return [label.text for _sample, label in plot.legend.items]


def markers_shown(curve) -> int:
    """How many of the curve's points are drawn as markers."""
    if curve.opts["symbol"] is None or not curve.scatter.isVisible():
        return 0
    return len(curve.scatter.points())


@pytest.fixture(scope="module")
def first_epoch():
    """The first epoch's record of a bundled model's history (a model trained for one epoch)."""
    from vae_desktop.core import checkpoint
    from vae_desktop.core.paths import bundled_models_dir

    history = checkpoint.load(bundled_models_dir() / "mnist-vae-z2.pt").history
    return dict(history[0])


def test_a_one_epoch_history_is_drawn_with_markers_under_a_legend_of_what_is_drawn(plot,
                                                                                  first_epoch):
    """After a restart a 1-epoch model has one point per curve (its per-step losses are not in
    the checkpoint): lines alone drew nothing but the test loss's dot, under a legend of five."""
    plot.set_history([first_epoch])
    for key in ("smooth", "recon", "kl", "test"):
        assert markers_shown(plot.curves[key]) == 1, key
    assert plot.data("smooth")[1].tolist() == pytest.approx([first_epoch["train_loss"]])
    # Only what is drawn is named: per-epoch means, no per-step losses (whose box is off and
    # says why there are none).
    assert legend_names(plot) == ["train loss, per epoch", "test loss, per epoch",
                                  "reconstruction (train)", "KL (train)"]
    assert not plot.toggles["raw"].isEnabled()  # there are no per-step losses to show
    assert "keeps only one value per epoch" in plot.toggles["raw"].toolTip()
    # Held out: no test loss either. The three curves are still drawn, the legend says so.
    held_out = {k: v for k, v in first_epoch.items() if not k.startswith("test")}
    plot.set_history([held_out])
    for key in ("smooth", "recon", "kl"):
        assert markers_shown(plot.curves[key]) == 1, key
    assert legend_names(plot) == ["train loss, per epoch", "reconstruction (train)", "KL (train)"]
    assert not plot.empty_hint.isVisible()
    # Nothing at all: no legend of curves that are not there, and a word in the plot.
    plot.clear()
    assert legend_names(plot) == [] and plot.empty_hint.isVisible()


def test_the_first_steps_of_a_run_get_markers_and_a_long_curve_none(plot, monkeypatch):
    plot.set_history([])
    plot.begin_run(0, 2)
    assert plot.toggles["raw"].isEnabled()
    # A run draws all five curves: the legend lists them from its start and holds still. Built
    # again as each curve got its first point, it laid the plot out anew three times a run:
    # 40 ms of the GUI thread's CPU in bench/gui_training_speed.py (0.09 -> 0.13 s a run).
    names = legend_names(plot)
    assert len(names) == 5 and not plot.empty_hint.isVisible()
    rebuilt = []
    monkeypatch.setattr(plot.legend, "clear", lambda: rebuilt.append(True))
    feed(plot, 0.01, 0.02, 2, 200.0, 190.0)
    plot.redraw()
    assert markers_shown(plot.curves["smooth"]) == 2 and markers_shown(plot.curves["raw"]) == 2
    assert legend_names(plot) == names
    # Hundreds of steps: lines only (markers on every step would cost the GUI thread).
    feed(plot, 0.03, 1.0, 300, 190.0, 120.0)
    plot.add_epoch(1.0, 118.0)
    plot.redraw()
    for key in ("raw", "smooth", "recon", "kl"):
        assert markers_shown(plot.curves[key]) == 0, key
    assert markers_shown(plot.curves["test"]) == 1
    assert legend_names(plot) == names and rebuilt == []
    plot.end_run()


def drawn(plot, key: str) -> int:
    """How many points the curve `key` draws now."""
    x = plot.curves[key].getData()[0]
    return 0 if x is None else len(x)


def test_the_redraw_timer_runs_only_while_points_arrive(plot, qtbot):
    # An idle window wakes for nothing: the plot's 200 ms redraw tick ran five times a second
    # from its creation to the app's end, with or without a run.
    assert not plot.timer.isActive()
    plot.begin_run(0, 2)
    assert not plot.timer.isActive()  # begin_run drew at once
    feed(plot, 0.01, 0.2, 5, 200.0, 180.0)
    assert plot.timer.isActive()
    # The next tick draws the new points; the one after finds nothing new and stops.
    qtbot.waitUntil(lambda: drawn(plot, "raw") == 5, timeout=2000)
    qtbot.waitUntil(lambda: not plot.timer.isActive(), timeout=2000)
    plot.add_epoch(1.0, 170.0)  # an epoch's test loss alone starts it again
    assert plot.timer.isActive()
    qtbot.waitUntil(lambda: drawn(plot, "test") == 1, timeout=2000)
    qtbot.waitUntil(lambda: not plot.timer.isActive(), timeout=2000)
    plot.end_run()
    plot.set_history([{"epoch": 1, "train_loss": 150.0, "test_loss": 149.0}])
    assert not plot.timer.isActive() and drawn(plot, "test") == 1
