"""What a person changes while a model trains: beta and the learning rate between two batches,
KL warm-up, single steps while paused; and the latent snapshots and the movie made of them."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from vae_desktop.core import checkpoint
from vae_desktop.core.movie import frame_count, write_gif
from vae_desktop.core.snapshots import LatentTimeline, procrustes_rotation
from vae_desktop.core.training import (
    BatchEvent,
    ChangeEvent,
    EndEvent,
    EpochEvent,
    SnapshotDue,
    StepEvent,
    TrainConfig,
    TrainControl,
    Trainer,
    new_model,
)


@pytest.fixture(scope="module")
def small_train(mnist_train_small):
    return mnist_train_small[0][:1280], mnist_train_small[1][:1280]  # 10 batches of 128


@pytest.fixture(scope="module")
def small_test(mnist_test):
    return mnist_test[0][:300], mnist_test[1][:300]


def _trainer(train, test=None, epochs=1, control=None, **kwargs) -> Trainer:
    model = new_model(3, latent_dim=8, hidden=64)
    config = TrainConfig(epochs=epochs, seed=3, device="cpu",
                         beta_warmup=kwargs.pop("beta_warmup", 0),
                         precision=kwargs.pop("precision", TrainConfig.precision))
    return Trainer(model, train, test, config, control=control or TrainControl(), **kwargs)


def test_beta_changed_mid_run_makes_the_kl_term_respond(small_train):
    """Beta raised to 20 after a few batches: the KL per image falls, and the change is kept in
    the history with the batch it took effect at (and travels in the checkpoint)."""
    control = TrainControl()
    trainer = _trainer(small_train, epochs=3, control=control)
    kls, changes = [], []
    for event in trainer.events():
        if isinstance(event, StepEvent):
            kls.append(event.kl)
            if len(kls) == 10:  # the end of epoch 1
                control.set_beta(20.0)
        elif isinstance(event, ChangeEvent):
            changes.append(event)
    assert [(c.name, c.value, c.previous, c.step) for c in changes] == [("beta", 20.0, 1.0, 11)]
    assert changes[0].at_epoch == pytest.approx(1.0)
    assert np.mean(kls[-5:]) < 0.6 * np.mean(kls[5:10]), kls  # the KL term gave way
    betas = [rec["beta"] for rec in trainer.history]
    assert betas == [1.0, 20.0, 20.0]
    assert trainer.history[1]["changes"] == [changes[0].record()]
    assert "changes" not in trainer.history[0]
    assert trainer.model.config.beta == 20.0  # what a continued run trains with


def test_lr_change_is_applied_between_batches_and_recorded(small_train, tmp_path):
    control = TrainControl()
    trainer = _trainer(small_train, epochs=2, control=control)
    for event in trainer.events():
        if isinstance(event, StepEvent) and event.epoch == 1 and event.step == 4:
            control.set_lr(1e-4)
    assert trainer.optimizer.param_groups[0]["lr"] == 1e-4
    assert [rec["lr"] for rec in trainer.history] == [1e-4, 1e-4]
    (change,) = trainer.history[0]["changes"]
    assert (change["name"], change["value"], change["previous"], change["step"]) == (
        "lr", 1e-4, 1e-3, 5)
    path = checkpoint.save(tmp_path / "m.pt", trainer.model, trainer.history)
    assert checkpoint.load(path).history[0]["changes"] == [change]


def test_a_value_out_of_the_tables_range_is_refused():
    control = TrainControl()
    with pytest.raises(ValueError, match="beta"):
        control.set_beta(-1.0)
    with pytest.raises(ValueError, match="learning rate"):
        control.set_lr(0.0)


def test_warm_up_betas_are_recorded_per_epoch_and_rise_to_the_target(small_train):
    trainer = _trainer(small_train, epochs=4, beta_warmup=3)
    trainer.model.config = type(trainer.model.config)(**{**trainer.model.config.to_dict(),
                                                          "beta": 2.0})
    trainer.run()
    betas = [rec["beta"] for rec in trainer.history]
    # Per batch, linearly: the last batch of epoch e has beta 2 * e / 3 until the target.
    assert betas == pytest.approx([2 / 3, 4 / 3, 2.0, 2.0])
    assert trainer.model.config.beta == 2.0


def test_step_trains_exactly_one_batch_while_paused(small_train):
    control = TrainControl()
    trainer = _trainer(small_train, epochs=1, control=control)
    events = trainer.events()
    while not isinstance(next(events), StepEvent):
        pass
    control.pause()
    assert trainer.optimizer_steps() == 1
    assert control.request_step()
    step = next(events)
    batch = next(events)
    assert isinstance(step, StepEvent) and step.step == 2
    assert isinstance(batch, BatchEvent) and batch.step == 2
    assert trainer.optimizer_steps() == batch.optimizer_steps == 2
    assert batch.images.shape == batch.reconstructions.shape == (16, 28, 28)
    # Measured alike before and after: one Adam step on the batch lowers its loss.
    assert batch.after["loss"] < batch.before["loss"]
    assert batch.before["loss"] == pytest.approx(batch.before["recon"] + batch.before["kl"])
    assert not TrainControl().request_step()  # not paused: nothing to step
    control.stop()
    assert isinstance(list(events)[-1], EndEvent)
    assert trainer.optimizer_steps() == 2


def test_stepping_does_not_change_what_is_trained(small_train):
    """A step looked at trains like any other: same weights as a run that never paused."""
    plain = _trainer(small_train)
    plain.run()
    control = TrainControl()
    stepped = _trainer(small_train, control=control)
    events = stepped.events()
    next(events)
    control.pause()
    control.request_step()
    assert isinstance(next(events), StepEvent) and isinstance(next(events), BatchEvent)
    control.resume()
    list(events)
    a, b = plain.model.state_dict(), stepped.model.state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_snapshots_come_at_the_start_every_n_steps_and_after_each_epoch(small_train, small_test):
    trainer = _trainer(small_train, small_test, epochs=2, snapshot_every=4)
    due = [e for e in trainer.events() if isinstance(e, SnapshotDue)]
    # 10 steps an epoch: 4 steps after the last snapshot, and at each epoch's end.
    assert [e.step for e in due] == [0, 4, 8, 10, 14, 18, 20]
    assert math.isnan(due[0].loss) and all(math.isfinite(e.loss) for e in due[1:])
    assert [e.at_epoch for e in due] == pytest.approx([0, 0.4, 0.8, 1, 1.4, 1.8, 2])


def test_snapshots_do_not_change_what_is_trained(small_train, small_test):
    plain = _trainer(small_train, small_test, epochs=1)
    plain.run()
    watched = _trainer(small_train, small_test, epochs=1, snapshot_every=3)
    timeline = LatentTimeline(*small_test, latent_dim=8, size=200)
    for event in watched.events():
        if isinstance(event, SnapshotDue):
            timeline.take(watched.model, event.epoch, event.step, event.at_epoch, event.loss)
    a, b = plain.model.state_dict(), watched.model.state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert len(timeline) == 5 and timeline.snapshots[-1].points.shape == (200, 2)
    assert watched.history[0]["test_loss"] == plain.history[0]["test_loss"]


def test_pca_views_are_aligned_to_the_previous_snapshot(small_test):
    """The same model twice: the PCA is the same up to signs, and the alignment takes them
    away, so the second snapshot's points lie where the first's did."""
    model = new_model(1, latent_dim=8, hidden=64)
    timeline = LatentTimeline(*small_test, latent_dim=8, size=300)
    first = timeline.take(model, 0, 0, 0.0)
    flipped = np.array([[-1.0, 0.0], [0.0, 1.0]])
    timeline._previous = timeline._previous @ flipped  # as if the PCA had flipped its first axis
    second = timeline.take(model, 0, 0, 0.0)
    np.testing.assert_allclose(second.points, first.points @ flipped, atol=1e-4)
    assert first.axes == ("PC 1 (aligned)", "PC 2 (aligned)")
    rng = np.random.default_rng(0)
    points = rng.normal(size=(50, 2))
    turn = np.array([[0.6, -0.8], [0.8, 0.6]])
    np.testing.assert_allclose(procrustes_rotation(points @ turn, points), turn.T, atol=1e-9)


def test_two_d_latents_are_shown_as_they_are(small_test):
    model = new_model(1, latent_dim=2, hidden=64, num_classes=10)
    timeline = LatentTimeline(*small_test, latent_dim=2, num_classes=10, size=100)
    snap = timeline.take(model, 0, 0, 0.0)
    assert snap.axes == ("z0", "z1") and snap.decodings.shape == (10, 28, 28)
    assert snap.labels.tolist() == timeline.labels.tolist()


def test_the_movie_has_a_frame_per_epoch_and_the_frames_change(small_train, small_test, tmp_path):
    from PIL import Image

    trainer = _trainer(small_train, small_test, epochs=3, snapshot_every=1000)
    timeline = LatentTimeline(*small_test, latent_dim=8, size=300)
    for event in trainer.events():
        if isinstance(event, SnapshotDue):
            timeline.take(trainer.model, event.epoch, event.step, event.at_epoch, event.loss)
    path = write_gif(timeline.snapshots, tmp_path / "latent.gif")
    assert frame_count(path) == 4  # the start and each epoch's end
    frames = []
    with Image.open(path) as gif:
        for i in range(gif.n_frames):
            gif.seek(i)
            frames.append(np.asarray(gif.convert("RGB")))
    for a, b in zip(frames, frames[1:], strict=False):
        assert (a != b).any(axis=-1).mean() > 0.01  # more than the caption changes
    assert timeline.snapshots[2].caption().startswith("epoch 2.00 · step 20 · loss ")


def test_epoch_event_records_beta_and_lr(small_train):
    trainer = _trainer(small_train)
    epochs = [e for e in trainer.events() if isinstance(e, EpochEvent)]
    assert (epochs[0].beta, epochs[0].lr) == (1.0, 1e-3)
    assert trainer.history[0]["beta"] == 1.0 and trainer.history[0]["lr"] == 1e-3


def test_a_snapshot_is_taken_in_the_runs_precision(small_train, small_test):
    """The sample's encoding is one matrix product of 2,000 x 784 by 784 x 400 for the classic
    MLP, nearly all of a snapshot's cost: in a bf16 run it runs in bf16 as the training's do
    (about half the time where bf16 is native; 2026-12-05). The points move by rounding only."""
    for precision in ("fp32", "bf16"):
        trainer = _trainer(small_train, small_test, epochs=1, snapshot_every=1000,
                           precision=precision)
        due = [e for e in trainer.events() if isinstance(e, SnapshotDue)]
        assert {e.precision for e in due} == {precision}
    model = new_model(1, latent_dim=2, hidden=64)
    timeline = LatentTimeline(*small_test, latent_dim=2, size=300)
    fp32 = timeline.take(model, 0, 0, 0.0).points
    bf16 = timeline.take(model, 0, 0, 0.0, precision="bf16").points
    assert not np.array_equal(fp32, bf16)  # bf16 was used
    np.testing.assert_allclose(bf16, fp32, atol=0.02 * np.abs(fp32).max())


def test_the_epochs_test_pass_runs_in_the_runs_precision(small_train, small_test):
    """The test pass at each epoch's end scores in the run's precision, as its steps and its
    latent snapshots do: in bf16 the conv model's 10,000 test digits took 0.31-0.36 against
    0.66-0.75 s, and the test loss moved by 0.003-0.005 nats (2026-12-07, Xeon with AMX). A
    float32 run scores in float32, as before."""
    from vae_desktop.core.precision import autocast
    from vae_desktop.core.training import evaluate

    cpu = torch.device("cpu")
    for precision in ("fp32", "bf16"):
        trainer = _trainer(small_train, small_test, epochs=1, precision=precision)
        trainer.run()
        reported = trainer.history[0]["test_loss"]
        in_fp32 = evaluate(trainer.model, *small_test)["test_loss"]
        with autocast(cpu, "bf16"):
            in_bf16 = evaluate(trainer.model, *small_test)["test_loss"]
        assert in_bf16 != in_fp32  # the two passes differ, so the check below tells them apart
        assert reported == (in_fp32 if precision == "fp32" else in_bf16), precision
        assert abs(in_bf16 - in_fp32) < 0.05
