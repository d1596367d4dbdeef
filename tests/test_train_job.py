"""The Train tab's job, run without a worker thread: its events, its autosaves, its summary."""

from __future__ import annotations

import numpy as np
import torch

from vae_desktop.core import checkpoint
from vae_desktop.core.data import CachedSplit, load_split
from vae_desktop.core.jobs import JobControl, run_to_end
from vae_desktop.core.previews import Previews
from vae_desktop.core.training import EndEvent, StepEvent
from vae_desktop.gui.tabs.train.job import EpochDone, RunStarted, TrainRequest, training_run

SETTINGS = {"arch": "mlp", "latent_dim": 2, "hidden": 32, "conditional": True, "beta": 1.0,
            "lr": 1e-3, "batch_size": 100, "epochs": 2, "seed": 5, "train_size": 500}


def drain(steps) -> tuple[list, object]:
    events: list = []
    return events, run_to_end(steps, events.append)


def request(tmp_path, **settings) -> TrainRequest:
    return TrainRequest({**SETTINGS, **settings}, "cpu", CachedSplit("train"),
                        load_split("test", size=300),
                        tmp_path / "run.pt", step_interval_s=0.0)


def test_a_run_reports_each_step_and_epoch_and_autosaves(tmp_path, monkeypatch):
    saves = []
    real_save = checkpoint.save

    def save(path, *args, **kwargs):
        saves.append(real_save(path, *args, **kwargs))
        return saves[-1]

    monkeypatch.setattr(checkpoint, "save", save)
    req = request(tmp_path)
    events, summary = drain(training_run(req, JobControl()))
    kinds = [type(e) for e in events]
    assert kinds[0] is RunStarted and kinds[-1] is EndEvent
    assert kinds.count(StepEvent) == 2 * 5 and kinds.count(EpochDone) == 2
    started = events[0]
    assert (started.steps_per_epoch, started.train_size, started.batch_size) == (5, 500, 100)
    epochs = [e for e in events if isinstance(e, EpochDone)]
    assert [e.record["epoch"] for e in epochs] == [1, 2] and all(e.saved for e in epochs)
    assert len(saves) == 2  # one autosave per epoch, none more for a finished run

    assert summary.status == "done" and summary.usable and summary.path == req.save_path
    assert summary.epochs_this_run == 2 and [r["epoch"] for r in summary.history] == [1, 2]
    model = summary.model
    assert model.device.type == "cpu" and not model.training and model.num_classes == 10
    # The last epoch's grids are those of the model handed back, on the same digits and codes.
    want = Previews(*req.test_data).grids(model)
    assert np.allclose(epochs[-1].pairs, want[0]) and np.allclose(epochs[-1].samples, want[1])
    saved = checkpoint.load(summary.path)
    assert saved.train_config["train_size"] == 500 and saved.epochs == 2
    for key, value in model.state_dict().items():
        assert torch.equal(value, saved.model.state_dict()[key])
    ckpt = summary.checkpoint()
    assert ckpt.path == summary.path and ckpt.history == summary.history


def test_a_stop_before_training_keeps_nothing(tmp_path):
    control = JobControl()
    control.stop()
    events, summary = drain(training_run(request(tmp_path), control))
    assert events == [] and summary.status == "stopped" and not summary.usable
    assert summary.checkpoint() is None and not (tmp_path / "run.pt").exists()


def test_a_stop_ends_the_run_at_once_and_saves_the_model_as_it_is(tmp_path):
    control = JobControl()
    outcome = []
    seen = 0
    for event in training_run(request(tmp_path, epochs=1000), control, outcome):
        if isinstance(event, StepEvent):
            seen += 1
            if seen == 3:
                control.stop()  # the GUI thread's part: a flag the trainer checks between batches
                stopped_after = (event.epoch, event.step)
    summary = outcome[0]
    assert summary.status == "stopped" and summary.usable
    # At once: not one batch more than the one the stop came after (no test pass either).
    assert stopped_after[0] == 1 and summary.steps == stopped_after[1]
    assert summary.epochs_trained == 0 and seen == 3
    saved = checkpoint.load(summary.path)
    for key, value in summary.model.state_dict().items():
        assert torch.equal(value, saved.model.state_dict()[key])


def test_a_stop_after_an_epoch_keeps_that_epoch_so_its_numbers_are_the_models(tmp_path):
    """Stopped in epoch 2, the run kept the weights of 60% of epoch 2 under epoch 1's count and
    test loss: the model list said 178.94 for a model Evaluate scored 178.42."""
    from vae_desktop.core.training import evaluate

    control = JobControl()
    outcome = []
    epoch_one = None
    steps_in_two = 0
    for event in training_run(request(tmp_path, epochs=3), control, outcome):
        if isinstance(event, EpochDone) and event.record["epoch"] == 1:
            epoch_one = checkpoint.load(event.saved).model.state_dict()
        if isinstance(event, StepEvent) and event.epoch == 2:
            steps_in_two += 1
            if steps_in_two == 3:
                control.stop()
    summary = outcome[0]
    assert summary.status == "stopped" and summary.usable and summary.epochs_trained == 1
    assert [r["epoch"] for r in summary.history] == [1]
    for key, value in summary.model.state_dict().items():
        assert torch.equal(value, epoch_one[key]), key
    # The recorded test loss is this model's own.
    test = evaluate(summary.model, *request(tmp_path).test_data)
    assert abs(test["test_loss"] - summary.history[-1]["test_loss"]) < 1e-3
    saved = checkpoint.load(summary.path)
    for key, value in summary.model.state_dict().items():
        assert torch.equal(value, saved.model.state_dict()[key])
    assert "epoch 1" in summary.message and "kept" in summary.message


def test_a_continued_run_stopped_before_an_epoch_keeps_nothing_new(tmp_path):
    first = run_to_end(training_run(request(tmp_path, epochs=1), JobControl()), lambda e: None)
    control = JobControl()
    outcome = []
    req = TrainRequest({**SETTINGS, "epochs": 2}, "cpu", CachedSplit("train"),
                       load_split("test", size=300), tmp_path / "more.pt", first.model,
                       list(first.history), first.optimizer_state, step_interval_s=0.0)
    for event in training_run(req, control, outcome):
        if isinstance(event, StepEvent):
            control.stop()
    summary = outcome[0]
    assert summary.status == "stopped" and not summary.usable and summary.model is None
    assert not (tmp_path / "more.pt").exists()
