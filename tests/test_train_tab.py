"""Train tab: real short runs on MNIST subsets, started from the buttons, run by state.workers."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt
from typing_support import focus_window

from vae_desktop.core import checkpoint, training
from vae_desktop.core.library import ModelLibrary
from vae_desktop.core.model_words import default_name, written
from vae_desktop.core.paths import models_dir
from vae_desktop.core.settings import SETTINGS
from vae_desktop.core.training import evaluate
from vae_desktop.gui.state import AppState
from vae_desktop.gui.tabs.train.tab import TrainTab

# 2,000 images at batch 128: 16 steps an epoch; the test loss is measured on 1,000 images.
QUICK = {"train_size": 2000, "epochs": 2, "latent_dim": 2, "hidden": 64, "batch_size": 128,
         "seed": 3, "lr": 1e-3, "arch": "mlp", "conditional": False, "beta": 1.0, "device": "cpu"}
RUN_TIMEOUT_MS = 90_000


def _make_tab(qtbot, state) -> TrainTab:
    tab = TrainTab(state)
    tab.eval_size = 1000
    qtbot.addWidget(tab)  # closed (so its run stopped) at teardown
    assert tab.apply_settings(QUICK)
    return tab


@pytest.fixture
def tab(qtbot, app_state):
    """A Train tab in an app with the bundled models loaded."""
    return _make_tab(qtbot, app_state)


@pytest.fixture
def bare_tab(qtbot, state):
    return _make_tab(qtbot, state)


UNTRAINED_LOSS = 784 * math.log(2)  # a fresh decoder outputs about 0.5 everywhere: 543 nats


def test_short_run_from_start_button(tab, qtbot, app_state):
    before = app_state.active
    models_before = len(app_state.models)
    started = time.monotonic()
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS) as blocker:
        qtbot.mouseClick(tab.start_button, Qt.LeftButton)
        assert tab.is_training() and tab.busy_reason() == "Training is running."
        assert not tab.start_button.isEnabled() and tab.stop_button.isEnabled()
        assert not tab.field("latent_dim").isEnabled()  # the form is locked while training
    seconds = time.monotonic() - started
    end = blocker.args[0]
    assert end.status == "done", end
    assert not tab.is_training() and tab.start_button.isEnabled() and tab.busy_reason() is None

    # Progress reached the GUI, throttled: at most one update per step and about 10 a second,
    # at least the last step of each epoch.
    assert 2 <= tab.steps_received <= min(2 * 16, 2 + 10 * seconds)
    assert tab.epochs_received == 2
    assert tab.progress.bar.value() == tab.progress.bar.maximum() == 2 * 16

    # The curves grew with the data the worker sent, and the plot shows that data.
    tab.plot.redraw()
    raw_x, raw_y = tab.plot.data("raw")
    assert len(raw_x) == tab.steps_received
    assert np.all(np.diff(raw_x) > 0) and raw_x[-1] == pytest.approx(2.0)
    for key in ("raw", "smooth", "recon", "kl"):
        shown_x, _ = tab.plot.curves[key].getData()
        assert len(shown_x) == tab.steps_received
    test_x, test_y = tab.plot.data("test")
    assert list(test_x) == [1.0, 2.0]
    assert test_y[-1] < test_y[0] < UNTRAINED_LOSS  # it learned
    pairs, samples = tab.preview_images()
    assert pairs.shape == samples.shape == (4 * 30 + 2, 10 * 30 + 2)

    # The new model is active for every tab, with its history, autosaved in the models folder
    # and listed in the library under its readable default name.
    new = app_state.active
    assert new is tab.last_trained and new is not before
    assert len(app_state.models) == models_before + 1
    assert new.epochs == 2 and new.config.latent_dim == 2 and new.config.hidden == 64
    assert new.model.device.type == "cpu" and not new.model.training
    assert new.test_loss == pytest.approx(test_y[-1])
    assert new.path.parent == models_dir()
    entry = app_state.entry(new)
    # Dated when its file was written (model_words.new_name), not when it was listed: the two
    # fell in different minutes once, and a test that compared with the listing failed.
    assert entry.origin == "trained"
    assert new.name == entry.name == default_name(new, written(new.path))
    saved = checkpoint.load(new.path)
    assert saved.epochs == 2 and saved.train_config["train_size"] == 2000
    for key, value in new.model.state_dict().items():
        assert torch.equal(value, saved.model.state_dict()[key])
    assert saved.optimizer_state is not None  # so it can be trained further
    assert "Finished 2 epochs" in tab.progress_text and new.name in tab.progress_text

    # It survives a restart: a new app lists it, by the same name.
    again = AppState(library=ModelLibrary())
    again.load_library()
    listed = [m for m in again.models if m.path == new.path]
    assert len(listed) == 1 and listed[0].name == new.name and listed[0].epochs == 2


def test_pause_really_pauses_and_stop_mid_epoch_keeps_a_usable_model(bare_tab, qtbot, state):
    before = state.active
    assert bare_tab.apply_settings({"epochs": 200})
    qtbot.mouseClick(bare_tab.start_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: bare_tab.steps_received >= 3, timeout=RUN_TIMEOUT_MS)

    qtbot.mouseClick(bare_tab.pause_button, Qt.LeftButton)
    assert bare_tab.pause_button.text() == "Resume" and bare_tab.paused
    # Ctrl+P resumes, too (the tab's shortcut: a new button text cleared the button's own).
    assert bare_tab.pause_key.key().toString() == "Ctrl+P" and bare_tab.pause_key.isEnabled()
    qtbot.wait(300)  # a batch already under way may still report
    paused_at = bare_tab.steps_received
    qtbot.wait(800)
    assert bare_tab.steps_received == paused_at, "steps were reported while paused"
    assert bare_tab.is_training()

    qtbot.mouseClick(bare_tab.pause_button, Qt.LeftButton)
    assert bare_tab.pause_button.text() == "Pause" and not bare_tab.paused
    assert bare_tab.pause_key.key().toString() == "Ctrl+P"
    qtbot.waitUntil(lambda: bare_tab.steps_received > paused_at + 1, timeout=RUN_TIMEOUT_MS)

    with qtbot.waitSignal(bare_tab.run_finished, timeout=RUN_TIMEOUT_MS) as blocker:
        qtbot.mouseClick(bare_tab.stop_button, Qt.LeftButton)
    end = blocker.args[0]
    assert end.status == "stopped" and "during epoch" in end.message
    assert end.usable

    ckpt = state.active
    assert ckpt is bare_tab.last_trained and ckpt is not before
    assert ckpt.epochs < 200 and state.entry(ckpt).origin == "trained"
    images, labels = state.test_set()
    result = evaluate(ckpt.model, images[:500], labels[:500])
    assert math.isfinite(result["test_loss"]) and result["test_loss"] < UNTRAINED_LOSS
    # What was autosaved on stop is the stopped model itself, not the last complete epoch.
    saved = checkpoint.load(ckpt.path)
    for key, value in ckpt.model.state_dict().items():
        assert torch.equal(value, saved.model.state_dict()[key])
    assert "Stopped" in bare_tab.progress_text


def _nan_after(monkeypatch, calls: int) -> None:
    """Make the training loss NaN from the `calls`-th batch on (as a too-high learning rate would):
    the step's loss and the weights it leaves behind both go NaN."""
    real = training.make_train_step
    count = {"n": 0}

    def make_train_step(model, optimizer, *args, **kwargs):
        step = real(model, optimizer, *args, **kwargs)

        def poisoned(x, y, beta):
            count["n"] += 1
            losses = step(x, y, beta)
            if count["n"] >= calls:
                with torch.no_grad():
                    for p in model.parameters():
                        p.mul_(float("nan"))
                return losses * float("nan")
            return losses

        return poisoned

    monkeypatch.setattr(training, "make_train_step", make_train_step)


def test_nonfinite_loss_stops_with_advice_and_keeps_last_good_epoch(bare_tab, qtbot,
                                                                    state, monkeypatch):
    _nan_after(monkeypatch, 16 + 4)  # epoch 1 is fine, epoch 2 goes bad at its 4th batch
    with qtbot.waitSignal(bare_tab.run_finished, timeout=RUN_TIMEOUT_MS) as blocker:
        bare_tab.start_button.click()
    end = blocker.args[0]
    assert end.status == "failed" and end.usable
    assert "lower learning rate" in end.message
    text = bare_tab.progress_text
    assert "NaN or infinite" in text and "lower learning rate" in text
    ckpt = state.active
    assert ckpt is bare_tab.last_trained and ckpt.epochs == 1
    assert all(torch.isfinite(v).all() for v in ckpt.model.state_dict().values())
    saved = checkpoint.load(ckpt.path)
    assert saved.epochs == 1
    # The file holds the optimizer state of the good epoch, not one that went through NaN steps.
    moments = [t for s in saved.optimizer_state["state"].values() for t in s.values()
               if torch.is_tensor(t) and t.is_floating_point()]
    assert moments and all(torch.isfinite(t).all() for t in moments)


def test_continue_training_trains_a_copy(tab, qtbot, app_state):
    source = app_state.find_model(conditional=False, latent_dim=2) or app_state.active
    app_state.set_active(source)
    weights = {k: v.clone() for k, v in source.model.state_dict().items()}
    tab.continue_box.setChecked(True)
    assert not tab.field("latent_dim").isEnabled()
    values = tab.settings_dict()
    assert values["latent_dim"] == source.config.latent_dim
    assert values["hidden"] == source.config.hidden
    assert tab.apply_settings({"epochs": 1})
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS) as blocker:
        tab.start_button.click()
    assert blocker.args[0].status == "done"
    new = app_state.active
    assert new is not source and new.path != source.path and new.path.parent == models_dir()
    entry = app_state.entry(new)
    assert entry.origin == "trained" and new.name == default_name(new, written(new.path))
    assert new.epochs == source.epochs + 1
    assert new.history[:source.epochs] == source.history
    for key, value in source.model.state_dict().items():  # the original is untouched
        assert torch.equal(value, weights[key])
    # The plot shows the old history followed by the new epoch.
    test_x, _ = tab.plot.data("test")
    assert test_x[-1] == source.epochs + 1


def test_impossible_values_are_flagged_inline(bare_tab):
    lr = bare_tab.field("lr")
    lr.setText("abc")
    assert not bare_tab.start_button.isEnabled() and not bare_tab.start()
    assert SETTINGS["lr"].range_text() in bare_tab.message and "abc" in bare_tab.message
    assert bare_tab.settings_dict()["lr"] is None
    lr.setText("5")
    assert f"Learning rate must be {SETTINGS['lr'].range_text()}: 5 is not" in bare_tab.message
    assert not bare_tab.start_button.isEnabled()
    lr.setText("0.05")
    assert bare_tab.start_button.isEnabled() and "blow up" in bare_tab.message
    lr.setText("0.001")
    assert bare_tab.message == ""
    bare_tab.field("train_size").setValue(50)
    assert "fewer than one batch" in bare_tab.message and bare_tab.start_button.isEnabled()
    # Spin boxes cannot hold impossible values at all: their limits are the table's.
    bare_tab.field("latent_dim").setValue(0)
    bare_tab.field("batch_size").setValue(10**9)
    assert bare_tab.settings_dict()["latent_dim"] == SETTINGS["latent_dim"].low == 1
    assert bare_tab.settings_dict()["batch_size"] == SETTINGS["batch_size"].high
    devices = bare_tab.field("device")
    assert [devices.itemData(i) for i in range(devices.count())][0] == "cpu"


def test_settings_request_fills_the_form_and_asks_for_the_tab(bare_tab, qtbot, state):
    wanted = {"latent_dim": 7, "hidden": 256, "arch": "conv", "lr": 3e-4, "batch_size": 64,
              "beta": 2.0, "epochs": 4, "seed": 9, "conditional": True}
    with qtbot.waitSignal(state.tab_requested) as blocker:
        state.training_settings_requested.emit(wanted)
    assert blocker.args == ["Train"]
    values = bare_tab.settings_dict()
    assert {k: values[k] for k in wanted} == wanted
    assert bare_tab.message == ""
    # A bad value refuses the whole request, with a message: nothing of it is applied.
    with qtbot.waitSignal(state.tab_requested):
        state.training_settings_requested.emit({"num_classes": 0, "hidden": "bad", "extra": 1})
    assert bare_tab.settings_dict() == values
    assert "hidden units must be an integer from 8 to 8,192" in bare_tab.message




def test_the_progress_bar_does_not_animate_while_training(bare_tab, qtbot):
    """Fusion animates an unfinished (or busy) progress bar at 60 frames a second; on 2 cores
    those repaints came out of training. The bar must only repaint when its value changes."""
    from PySide6.QtCore import QAbstractAnimation

    bar = bare_tab.progress.bar

    def running_animations() -> int:
        return sum(a.state() == QAbstractAnimation.Running
                   for a in bar.findChildren(QAbstractAnimation))

    bare_tab.show()
    with qtbot.waitSignal(bare_tab.run_finished, timeout=RUN_TIMEOUT_MS):
        qtbot.mouseClick(bare_tab.start_button, Qt.LeftButton)
        qtbot.wait(50)  # starting: painted, no busy indicator
        assert bar.isVisible() and running_animations() == 0
        qtbot.waitUntil(lambda: bar.value() > 0, timeout=RUN_TIMEOUT_MS)
        assert running_animations() == 0


def test_a_run_that_raises_reports_why_and_leaves_the_tab_ready(bare_tab, qtbot, monkeypatch):
    from vae_desktop.core import data

    real_load_split = data.load_split

    def missing(split, *args, **kwargs):
        if split == "train":
            raise OSError("MNIST file train-images-idx3-ubyte.gz is missing")
        return real_load_split(split, *args, **kwargs)

    monkeypatch.setattr(data, "load_split", missing)
    with qtbot.waitSignal(bare_tab.run_finished, timeout=RUN_TIMEOUT_MS) as blocker:
        bare_tab.start_button.click()
    assert blocker.args[0].status == "failed" and not blocker.args[0].usable
    assert "is missing" in bare_tab.progress_text and "active model is unchanged" in bare_tab.progress_text
    assert not bare_tab.is_training() and bare_tab.start_button.isEnabled()


def test_the_training_split_is_read_from_disk_once_for_every_run(bare_tab, qtbot, monkeypatch):
    """Each run used to read all 60,000 training images again in its worker (19 to 140 ms of
    a 1.8 s run, measured 2026-12-05); the app now keeps them after the first run."""
    from vae_desktop.core import data

    reads = []
    real_load_mnist = data.load_mnist

    def counting_load_mnist(split="train", *args, **kwargs):
        reads.append(split)
        return real_load_mnist(split, *args, **kwargs)

    monkeypatch.setattr(data, "load_mnist", counting_load_mnist)
    bare_tab.apply_settings({"epochs": 1, "train_size": 500})
    started = []
    bare_tab.run_started.connect(started.append)
    for _ in range(2):
        with qtbot.waitSignal(bare_tab.run_finished, timeout=RUN_TIMEOUT_MS) as blocker:
            bare_tab.start_button.click()
        assert blocker.args[0].status == "done", blocker.args[0]
    assert reads.count("train") == 1
    # Each run trained on the first 500 images, as the form asked (and as the CLI does): the
    # same seed gives the same model twice.
    assert [event.train_size for event in started] == [500, 500]
    first, second = (bare_tab.state.models[-2], bare_tab.state.models[-1])
    assert first is not second
    for a, b in zip(first.model.parameters(), second.model.parameters(), strict=True):
        assert torch.equal(a, b)


def test_a_typed_value_out_of_range_is_refused_with_a_message(bare_tab, qtbot):
    """The spin boxes used to drop what they could not take without a word: "0" epochs went back
    to 10 and "20000" epochs became 2,000. The value is still not taken, the box keeps the value
    it had before the edit, and the form says why, in the table's own words."""
    epochs = bare_tab.form.fields["epochs"]
    focus_window(qtbot, bare_tab)
    for typed, kept in (("0", 10), ("20000", 10)):
        epochs.setValue(10)
        epochs.setFocus()
        epochs.selectAll()
        qtbot.keyClicks(epochs, typed)
        epochs.clearFocus()  # leaving the box, as Tab or a click elsewhere does
        assert epochs.value() == kept
        text = bare_tab.message_label.text()
        assert bare_tab.message_label.isVisible()
        assert "Epochs must be an integer from 1 to 10,000" in text, text
        assert f"{typed} was not taken (it stays {kept:,})" in text, text
    epochs.setFocus()
    epochs.selectAll()
    qtbot.keyClicks(epochs, "12")  # an allowed value clears the message
    epochs.clearFocus()
    assert epochs.value() == 12 and "must be" not in bare_tab.message_label.text()


def test_continue_shows_the_active_model_after_a_run_that_kept_nothing(tab, qtbot, app_state):
    """Continue ticked, the active model changed during the run, and the run stopped without
    a model to keep: the locked form went on showing the model the run continued, while Start
    would continue the new active one."""
    source = app_state.find_model(conditional=False, latent_dim=2)
    other = app_state.find_model(conditional=False, latent_dim=16)
    app_state.set_active(source)
    tab.continue_box.setChecked(True)
    assert tab.apply_settings({"epochs": 1}) and tab.settings_dict()["latent_dim"] == 2

    def switch_and_stop(_started) -> None:
        app_state.set_active(other)
        tab.stop()

    tab.run_started.connect(switch_and_stop)
    with qtbot.waitSignal(tab.run_finished, timeout=RUN_TIMEOUT_MS):
        tab.start_button.click()
    assert app_state.active is other
    assert tab.settings_dict()["latent_dim"] == 16 and tab.start_button.isEnabled()
