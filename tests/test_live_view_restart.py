"""The Train tab's live latent view as a new run starts: its first snapshot (the model as it
starts) comes within moments, so the last run's picture stays until that snapshot replaces it,
fitted to its points, rather than the view being emptied and filled again (a blank flash at
every Start, and the view laid out and painted six times around a run's start). A run whose
first snapshot is slow to come (or that takes none) empties the view after a moment, as before,
and a finished model's timeline shown meanwhile is not emptied by it."""

from __future__ import annotations

import numpy as np
import pytest

from vae_desktop.core.snapshots import LatentSnapshot
from vae_desktop.gui.tabs.train import live_latent
from vae_desktop.gui.tabs.train.live_latent import WAITING, LiveLatentView

LABELS = np.arange(200, dtype=np.int64) % 10


def snapshot(step: int, scale: float) -> LatentSnapshot:
    rng = np.random.default_rng(step)
    points = (rng.normal(size=(200, 2)) * scale).astype(np.float32)
    return LatentSnapshot(0, step, step / 100, float("nan"), 1.0, 1e-3, points, LABELS,
                          ("z0", "z1"), np.zeros((10, 28, 28), np.float32))


@pytest.fixture
def view(qtbot):
    widget = LiveLatentView()
    qtbot.addWidget(widget)
    widget.resize(400, 400)
    widget.show()
    widget.set_snapshots([snapshot(0, 1.0), snapshot(100, 1.0)])  # the last run's
    return widget


def emptied(view, monkeypatch) -> list:
    """Each time the picture is emptied."""
    calls = []
    original = view.view.show_snapshot

    def spy(shown, fit=True):
        if shown is None:
            calls.append(shown)
        original(shown, fit)
    monkeypatch.setattr(view.view, "show_snapshot", spy)
    return calls


def test_a_new_runs_first_snapshot_replaces_the_last_picture_without_a_blank(view, qtbot,
                                                                             monkeypatch):
    calls = emptied(view, monkeypatch)
    view.restart()
    # Waiting: no snapshot of this run yet, none to open or scrub, whatever is drawn.
    assert view.snapshots == [] and view.current() is None
    assert view.caption.text() == WAITING and not view.open_button.isEnabled()
    first = snapshot(0, 40.0)  # far wider than the last run's points
    view.add(first)
    assert calls == []  # never emptied
    assert view.current() is first and view.count_label.text() == "1 / 1"
    x0, x1 = view.view.canvas.vb.viewRange()[0]
    assert x1 - x0 > 40  # fitted to the new points, not held at the last run's view
    qtbot.wait(live_latent.EMPTY_AFTER_MS + 100)
    assert calls == [] and view.current() is first  # the pending blank was called off


def test_a_run_whose_first_snapshot_is_slow_empties_the_view(view, qtbot, monkeypatch):
    calls = emptied(view, monkeypatch)
    view.restart()
    qtbot.waitUntil(lambda: calls == [None], timeout=live_latent.EMPTY_AFTER_MS + 2000)
    assert view.view.snapshot is None and view.current() is None
    first = snapshot(0, 40.0)
    view.add(first)
    assert view.current() is first


def test_a_timeline_shown_while_a_blank_is_pending_stays(view, qtbot, monkeypatch):
    view.restart()
    kept = [snapshot(0, 2.0), snapshot(50, 3.0)]
    view.set_snapshots(kept)  # a finished model's timeline, made active at once
    calls = emptied(view, monkeypatch)
    qtbot.wait(live_latent.EMPTY_AFTER_MS + 100)
    assert calls == [] and view.current() is kept[-1] and view.count_label.text() == "2 / 2"
