import threading
import time

import pytest
import torch

from vae_desktop.core.device import DeviceError, resolve_device
from vae_desktop.core.model import VAE
from vae_desktop.core.training import (
    EndEvent,
    EpochEvent,
    StepEvent,
    TrainConfig,
    Trainer,
    evaluate,
    new_model,
)


@pytest.fixture(scope="module")
def small_test(mnist_test):
    return mnist_test[0][:1000], mnist_test[1][:1000]


def test_one_epoch_on_5000_images_learns(mnist_train_small, small_test):
    model = VAE()
    before = evaluate(model, *small_test)["test_loss"]
    events = []
    end = Trainer(model, mnist_train_small, small_test, TrainConfig(epochs=1, device="cpu")).run(
        events.append)
    assert end.status == "done" and end.epochs_trained == 1
    steps = [e for e in events if isinstance(e, StepEvent)]
    epochs = [e for e in events if isinstance(e, EpochEvent)]
    assert len(steps) == 40 and steps[-1].step == steps[-1].steps_per_epoch == 40  # ceil(5000/128)
    assert all(e.samples_per_sec > 0 for e in steps)
    assert len(epochs) == 1
    after = evaluate(model, *small_test)["test_loss"]
    assert before > 500 and after < 230, (before, after)
    assert epochs[0].test_loss == pytest.approx(after, rel=1e-4)  # same estimator as eval
    assert epochs[0].test_loss == pytest.approx(epochs[0].test_recon + epochs[0].test_kl, rel=1e-5)


def test_same_seed_same_weights(mnist_train_small):
    data = (mnist_train_small[0][:600], mnist_train_small[1][:600])
    states = []
    for _ in range(2):
        model = new_model(5, latent_dim=4, hidden=64)
        Trainer(model, data, None, TrainConfig(epochs=1, seed=5, device="cpu")).run()
        states.append(model.state_dict())
    assert all(torch.equal(states[0][k], states[1][k]) for k in states[0])


def test_digit_subset_and_conditional(mnist_test):
    from vae_desktop.core.data import load_split

    train = load_split("train", digits=[0, 1], size=800)
    assert set(train[1].tolist()) == {0, 1}
    model = VAE(latent_dim=2, hidden=64, num_classes=10)
    end = Trainer(model, train, (mnist_test[0][:200], mnist_test[1][:200]),
                  TrainConfig(epochs=1, device="cpu")).run()
    assert end.status == "done"


def test_pause_and_stop_from_another_thread(mnist_train_small):
    trainer = Trainer(VAE(latent_dim=4, hidden=64), mnist_train_small, None,
                      TrainConfig(epochs=50, batch_size=32, device="cpu"))
    events = []
    thread = threading.Thread(target=lambda: trainer.run(events.append))
    thread.start()
    deadline = time.time() + 30
    while not any(isinstance(e, StepEvent) for e in events) and time.time() < deadline:
        time.sleep(0.01)
    trainer.pause()
    time.sleep(0.2)  # let the batch in flight finish
    paused_at = len(events)
    time.sleep(0.5)
    assert len(events) == paused_at, "steps ran while paused"
    assert trainer.paused
    trainer.resume()
    deadline = time.time() + 30
    while len(events) == paused_at and time.time() < deadline:
        time.sleep(0.01)
    assert len(events) > paused_at, "resume did not continue"
    trainer.stop()
    thread.join(timeout=30)
    assert not thread.is_alive()
    end = events[-1]
    assert isinstance(end, EndEvent) and end.status == "stopped"
    # Stopped mid-epoch: the model is usable (finite outputs, eval mode).
    model = trainer.model
    assert not model.training
    assert torch.isfinite(model.decode(torch.zeros(2, 4))).all()


def test_nonfinite_loss_stops_and_keeps_last_good_weights(mnist_train_small, monkeypatch):
    data = (mnist_train_small[0][:1024], mnist_train_small[1][:1024])
    model = VAE(latent_dim=4, hidden=64)
    trainer = Trainer(model, data, None, TrainConfig(epochs=3, device="cpu"))
    calls = {"n": 0}
    original = model.forward_logits

    def poisoned(x, y=None):
        calls["n"] += 1
        logits, mu, logvar = original(x, y)
        if calls["n"] > 12:  # epoch 2, step 4 (8 steps per epoch)
            logits = logits * float("nan")
        return logits, mu, logvar

    monkeypatch.setattr(model, "forward_logits", poisoned)
    events = []
    end = trainer.run(events.append)
    assert end.status == "failed"
    assert "NaN" in end.message and "lower learning rate" in end.message
    assert end.epochs_trained == 1
    epoch1 = trainer.last_good_state
    assert all(torch.isfinite(v).all() for v in model.state_dict().values())
    assert all(torch.equal(model.state_dict()[k], epoch1[k]) for k in epoch1)


def test_impossible_settings_and_devices():
    with pytest.raises(ValueError, match="learning rate"):
        TrainConfig(lr=0)
    with pytest.raises(ValueError, match="batch size"):
        TrainConfig(batch_size=0)
    with pytest.raises(ValueError, match="epochs"):
        TrainConfig(epochs=0)
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device("auto").type in ("cpu", "cuda", "mps")
    with pytest.raises(DeviceError, match="unknown device"):
        resolve_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(DeviceError, match="no CUDA GPU"):
            resolve_device("cuda")


def test_a_fresh_model_starts_at_the_mean_image_and_a_resumed_one_is_left_alone(mnist_train_small):
    data = (mnist_train_small[0][:256], mnist_train_small[1][:256])
    model = new_model(0, latent_dim=2, hidden=32)
    trainer = Trainer(model, data, None, TrainConfig(epochs=1, lr=1e-9, device="cpu"))
    trainer.run()
    mean = data[0].float().div(255).mean(0).reshape(-1).clamp(1e-3, 1 - 1e-3)
    expected = torch.log(mean) - torch.log1p(-mean)
    assert torch.allclose(model.dec_body[-1].bias, expected, atol=1e-3)  # lr 1e-9: barely moved
    model.dec_body[-1].bias.data.fill_(0.5)
    Trainer(model, data, None, TrainConfig(epochs=1, lr=1e-9, device="cpu"), start_epoch=1,
            optimizer_state=trainer.optimizer.state_dict()).run()
    assert torch.allclose(model.dec_body[-1].bias, torch.full((784,), 0.5), atol=1e-3)


def test_a_stop_during_the_test_evaluation_ends_it_at_once(mnist_train_small, mnist_test):
    """Quitting must not wait for a whole test-set pass (seconds for a conv model on a CPU)."""
    from vae_desktop.core.jobs import JobControl

    class StopAfterTraining(JobControl):
        checks = 0

        @property
        def stop_requested(self) -> bool:
            self.checks += 1
            return self.checks > 2  # the two training steps pass, the evaluation is stopped

    train = (mnist_train_small[0][:256], mnist_train_small[1][:256])
    model = new_model(1, latent_dim=2, hidden=32)
    control = StopAfterTraining()
    trainer = Trainer(model, train, mnist_test, TrainConfig(epochs=3, batch_size=128),
                      control=control)
    end = trainer.run()
    assert end.status == "stopped" and "test evaluation" in end.message
    assert end.epochs_trained == 0 and trainer.history == []
    assert control.checks == 3  # one check in the evaluation, not ten batches of it


def test_a_stopped_run_goes_back_to_its_last_epoch_so_its_numbers_are_its_own():
    """Stopped mid-epoch, the model kept mid-epoch weights under the last epoch's test loss."""
    from vae_desktop.core.data import CachedSplit, load_split

    model = new_model(1, latent_dim=2, hidden=32)
    test = load_split("test", size=200)
    trainer = Trainer(model, CachedSplit("train").get(1000), test,
                      TrainConfig(epochs=5, batch_size=100, seed=1))
    for event in trainer.events():
        if isinstance(event, StepEvent) and event.epoch == 2 and event.step == 3:
            trainer.stop()
    assert trainer.epochs_done == 1 and len(trainer.history) == 1
    again = evaluate(model, *test)
    assert abs(again["test_loss"] - trainer.history[-1]["test_loss"]) < 1e-3
