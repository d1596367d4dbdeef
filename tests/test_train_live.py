"""Watching a run learn on the Train tab: the live latent view and its timeline, beta changed
mid-run from the run bar (marked on the plot, kept in the history), Step while paused, Rewind,
a snapshot opened in the Latent space tab, and the movie (GUI and `train --movie`)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt

from vae_desktop import cli
from vae_desktop.core import checkpoint
from vae_desktop.core.movie import frame_count
from vae_desktop.core.snapshots import LatentSnapshot
from vae_desktop.core.training import BatchEvent
from vae_desktop.gui.tabs.latent.tab import LatentTab
from vae_desktop.gui.tabs.train.tab import TrainTab

# 1,280 images at batch 128: 10 steps an epoch; the test loss on 500 images.
QUICK = {"train_size": 1280, "epochs": 1, "latent_dim": 4, "hidden": 64, "batch_size": 128,
         "seed": 3, "lr": 1e-3, "arch": "mlp", "conditional": False, "beta": 1.0, "device": "cpu",
         "beta_warmup": 0}
RUN_TIMEOUT_MS = 90_000


@pytest.fixture
def tab(qtbot, state):
    widget = TrainTab(state)
    widget.eval_size = 500
    qtbot.addWidget(widget)
    assert widget.apply_settings(QUICK)
    return widget


def _events(tab, kind):
    seen = []
    original = tab.live.on_event

    def record(event):
        if isinstance(event, kind):
            seen.append(event)
        original(event)

    tab.live.on_event = record
    return seen


def _pause_at_start(tab, qtbot) -> None:
    """Start, and pause before the first batch (the worker is still loading the images): the
    run then waits between two batches whatever the machine's speed."""
    tab.start_button.click()
    qtbot.mouseClick(tab.pause_button, Qt.LeftButton)
    assert tab.paused and tab.results.run_bar.step_button.isEnabled()


def test_the_live_view_shows_every_snapshot_and_scrubs_through_them(tab, qtbot, state):
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS):
        tab.settings_dict()
        assert tab.apply_settings({"epochs": 2})
        tab.start_button.click()
    view = tab.results.live_view
    # The start and each epoch's end (10 steps an epoch, fewer than one snapshot interval).
    assert [s.at_epoch for s in view.snapshots] == [0.0, 1.0, 2.0]
    assert all(isinstance(s, LatentSnapshot) and s.points.shape == (500, 2)
               for s in view.snapshots)
    assert view.current() is view.snapshots[-1] and view.count_label.text() == "3 / 3"
    shown = view.view.canvas.scatter.getData()
    assert len(shown[0]) == 500
    view.show_index(0)
    assert view.current() is view.snapshots[0] and not view.following
    assert "epoch 0.00 · step 0" in view.caption.text()
    # The first snapshot (untrained) and the last differ: the latent space formed.
    assert not np.allclose(view.snapshots[0].points, view.snapshots[-1].points)
    # Open one in the Latent space tab, through the state.
    latent = LatentTab(state)
    qtbot.addWidget(latent)
    requested = []
    state.tab_requested.connect(requested.append)
    view.open_button.click()
    assert state.latent_snapshot is view.snapshots[0] and requested[-1] == "Latent space"
    assert latent.pages.currentWidget() is latent.snapshot_page
    np.testing.assert_array_equal(latent.snapshot_page.view.canvas._xy, view.snapshots[0].points)
    latent.snapshot_page.back_button.click()
    assert state.latent_snapshot is None and latent.pages.currentWidget() is not latent.snapshot_page


def test_the_live_view_saves_the_timeline_as_a_movie(tab, qtbot, tmp_path):
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS):
        tab.start_button.click()
    path = tab.live.save_movie(str(tmp_path / "run.gif"))
    assert frame_count(path) == len(tab.results.live_view.snapshots) == 2


def test_beta_changed_from_the_run_bar_is_marked_and_kept_in_the_history(tab, qtbot):
    _pause_at_start(tab, qtbot)
    bar = tab.results.run_bar
    assert bar.apply_button.isEnabled() and bar.values() == (1.0, 1e-3)
    bar.beta_spin.setValue(4.0)
    bar.apply_button.click()
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS) as blocker:
        qtbot.mouseClick(tab.pause_button, Qt.LeftButton)  # resume
    summary = blocker.args[0]
    (change,) = summary.history[0]["changes"]
    assert (change["name"], change["value"], change["previous"], change["step"]) == (
        "beta", 4.0, 1.0, 1)
    assert summary.history[0]["beta"] == 4.0 and summary.model.config.beta == 4.0
    assert tab.plot.marked_changes() == [(pytest.approx(change["at_epoch"]), "β 4")]
    saved = checkpoint.load(summary.path)
    assert saved.history[0]["changes"] == [change] and saved.config.beta == 4.0
    assert not bar.apply_button.isEnabled()  # nothing to change between runs


def test_step_trains_exactly_one_batch_and_shows_it(tab, qtbot):
    batches = _events(tab, BatchEvent)
    _pause_at_start(tab, qtbot)
    tab.results.run_bar.step_button.click()
    qtbot.waitUntil(lambda: len(batches) == 1, timeout=RUN_TIMEOUT_MS)
    steps_before = tab.steps_received  # the worker now waits: paused, between two batches
    tab.results.run_bar.step_button.click()
    qtbot.waitUntil(lambda: len(batches) == 2, timeout=RUN_TIMEOUT_MS)
    qtbot.wait(200)
    first, second = batches
    assert second.optimizer_steps == first.optimizer_steps + 1 == second.step
    assert tab.steps_received == steps_before + 1  # one step event for the step, nothing more
    panel = tab.results.step_panel
    assert tab.results.below.currentWidget() is panel and panel.event is second
    assert f"Step {second.step}" in panel.text() and "recon" in panel.text()
    assert panel.view.image().shape == (4 * 30 + 2, 8 * 30 + 2)  # 2 x (digits over recons)
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS):
        tab.stop()


def test_rewind_reproduces_the_first_runs_loss_curve_exactly(tab, qtbot):
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS) as first:
        tab.start_button.click()
    tab.plot.redraw()
    curve = dict(zip(*(a.tolist() for a in tab.plot.data("raw")), strict=True))
    assert tab.results.run_bar.rewind_button.isEnabled()
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS) as second:
        tab.results.run_bar.rewind_button.click()
    tab.plot.redraw()
    again = dict(zip(*(a.tolist() for a in tab.plot.data("raw")), strict=True))
    a, b = first.args[0], second.args[0]
    assert a.path != b.path  # a model of its own
    assert [r["train_loss"] for r in a.history] == [r["train_loss"] for r in b.history]
    assert [r["test_loss"] for r in a.history] == [r["test_loss"] for r in b.history]
    common = sorted(set(curve) & set(again))
    assert len(common) >= 1 and 1.0 in common  # at least the epoch's last step
    assert [curve[x] for x in common] == [again[x] for x in common]
    wa, wb = a.model.state_dict(), b.model.state_dict()
    assert all(torch.equal(wa[k], wb[k]) for k in wa)


def test_rewind_while_training_stops_and_starts_over(tab, qtbot):
    _pause_at_start(tab, qtbot)
    finished = []
    tab.run_finished.connect(finished.append)
    tab.results.run_bar.rewind_button.click()
    qtbot.waitUntil(lambda: len(finished) == 2, timeout=RUN_TIMEOUT_MS)
    stopped, again = finished
    assert stopped.status == "stopped" and again.status == "done"
    assert again.epochs_this_run == 1


def test_train_movie_from_the_command_line(tmp_path, capsys):
    gif, out = tmp_path / "latent.gif", tmp_path / "m.pt"
    code = cli.main(["train", "--quiet", "--epochs", "3", "--train-size", "640", "--test-size",
                     "300", "--latent-dim", "3", "--hidden", "32", "--device", "cpu",
                     "--beta-warmup", "2", "--movie", str(gif), "--out", str(out)])
    assert code == 0
    assert frame_count(gif) == 4  # the start and one per epoch (5 steps an epoch)
    assert "wrote" in capsys.readouterr().err
    history = checkpoint.load(out).history
    assert [r["beta"] for r in history] == pytest.approx([0.5, 1.0, 1.0])
    assert checkpoint.load(out).train_config["beta_warmup"] == 2


def test_a_models_history_brings_its_changes_onto_the_loss_plot(qtbot):
    from vae_desktop.gui.widgets.loss_plot import LossPlot

    plot = LossPlot()
    qtbot.addWidget(plot)
    change = {"name": "lr", "value": 1e-4, "previous": 1e-3, "epoch": 2, "step": 15,
              "at_epoch": 1.4}
    plot.set_history([{"epoch": 1, "train_loss": 150.0, "test_loss": 140.0},
                      {"epoch": 2, "train_loss": 130.0, "test_loss": 128.0, "changes": [change]}])
    assert plot.marked_changes() == [(1.4, "lr 0.0001")]
    plot.clear()
    assert plot.marked_changes() == []


def test_a_movie_that_cannot_be_written_is_reported(tab, monkeypatch, tmp_path, mnist_test):
    from vae_desktop.core.snapshots import LatentTimeline
    from vae_desktop.core.training import new_model
    from vae_desktop.gui.tabs.train import live

    timeline = LatentTimeline(mnist_test[0][:100], mnist_test[1][:100], latent_dim=2, size=50)
    tab.results.live_view.add(timeline.take(new_model(1, latent_dim=2, hidden=32), 0, 0, 0.0))
    warnings = []
    monkeypatch.setattr(live.QMessageBox, "warning", lambda *args: warnings.append(args[1:]))
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert tab.live.save_movie(str(blocker / "movie.gif")) is None
    assert warnings and warnings[0][0] == "Could not save the movie"
    assert tab.live.save_movie(str(tmp_path / "ok.gif")) == str(tmp_path / "ok.gif")


def test_an_open_snapshot_stays_shown_when_the_model_changes(qtbot, state, mnist_test):
    from vae_desktop.core.snapshots import LatentTimeline
    from vae_desktop.core.training import new_model

    latent = LatentTab(state)
    qtbot.addWidget(latent)
    latent.show()
    timeline = LatentTimeline(mnist_test[0][:100], mnist_test[1][:100], latent_dim=3, size=80)
    snapshot = timeline.take(new_model(1, latent_dim=3, hidden=32), 1, 40, 0.5, 150.0, 2.0)
    state.set_latent_snapshot(snapshot)
    assert latent.pages.currentWidget() is latent.snapshot_page
    assert "epoch 0.50 · step 40 · loss 150.0" in latent.snapshot_page.title.text()
    state.set_active(None)  # the tab re-renders its pages
    assert latent.pages.currentWidget() is latent.snapshot_page
    latent.snapshot_page.back_button.click()
    assert latent.pages.currentWidget() is latent.empty_label  # no model: the empty page


def test_the_run_bar_shows_no_error_while_idle(qtbot):
    """Before a run its fields are empty and disabled: not an invalid value to frame in red."""
    from vae_desktop.gui.tabs.train.live_controls import RunBar

    bar = RunBar()
    qtbot.addWidget(bar)
    bar.set_state(running=False, paused=False, can_rewind=False)
    assert not bar.lr_edit.isEnabled()
    assert "border" not in bar.lr_edit.styleSheet()
    bar.lr_edit.setEnabled(True)
    bar.lr_edit.setText("not a rate")
    assert "border" in bar.lr_edit.styleSheet()  # while a run goes on, a bad value is shown
