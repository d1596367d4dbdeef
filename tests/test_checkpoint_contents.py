"""What a checkpoint holds besides its weights: the training history, the training settings and
the optimizer state are checked when it loads, so that a malformed value is refused with a
message there and never reaches the loss plot, the model list or a continued run."""

from __future__ import annotations

import math

import pytest
import torch

from vae_desktop.core import checkpoint
from vae_desktop.core.checkpoint import CheckpointError
from vae_desktop.core.paths import bundled_models_dir
from vae_desktop.core.training import TrainConfig, Trainer, new_model

BUNDLED = bundled_models_dir() / "mnist-vae-z2.pt"


def _bundled_with(tmp_path, edit, name="edited.pt"):
    """A copy of a bundled model (30 epochs of real history) with `edit` applied to its payload."""
    payload = torch.load(BUNDLED, weights_only=True)
    edit(payload)
    path = tmp_path / name
    torch.save(payload, path)
    return path


def _last_epoch(key, value):
    def edit(payload):
        payload["history"][-1][key] = value
    return edit


def _refused(path) -> str:
    with pytest.raises(CheckpointError) as caught:
        checkpoint.load(path)
    return str(caught.value)


# History
@pytest.mark.parametrize("edit, says", [
    # The audit's files: a string where a loss goes (File > Open used to do nothing, and the
    # model list to leave the Train tab half-updated).
    (_last_epoch("test_loss", "abc"), "epoch 30 gives test_loss as 'abc', where a number belongs"),
    (_last_epoch("train_loss", "abc"), "epoch 30 gives train_loss as 'abc', where a number belongs"),
    (_last_epoch("seconds", True), "epoch 30 gives seconds as True, where a number belongs"),
    (_last_epoch("test_kl", [1.0]), "epoch 30 gives test_kl as a list, where a number belongs"),
    (_last_epoch("test_kl", torch.tensor(1.0)), "epoch 30 gives test_kl as a Tensor"),
    (lambda p: p["history"].__setitem__(4, [1, 2]), "epoch 5 is a list, not a record"),
    (lambda p: p.__setitem__("history", {"epoch": 1}), "it is a dict, not a list of epochs"),
    (lambda p: p["history"][0].__setitem__(3, 1.0), "epoch 1 has an entry named 3"),
    (_last_epoch("changes", "lr"), "epoch 30 gives changes as 'lr', where a list of changes"),
    (_last_epoch("changes", [{"name": "lr", "value": 0.01}]),
     "a change in epoch 30 lacks at_epoch"),
    (_last_epoch("changes", [{"name": "momentum", "value": 0.01, "at_epoch": 29.5}]),
     "a change in epoch 30 names momentum, where beta or lr belongs"),
    (_last_epoch("changes", [{"name": "lr", "value": math.nan, "at_epoch": 29.5}]),
     "a change in epoch 30 gives value as nan, where a finite number belongs"),
])
def test_a_malformed_history_is_refused_with_what_is_wrong(tmp_path, edit, says):
    message = _refused(_bundled_with(tmp_path, edit))
    assert message.startswith("edited.pt: the training history is malformed: ")
    assert says in message, message


def test_the_values_training_writes_load(tmp_path):
    """NaN (an epoch with no test set, beta and lr before they were kept), infinity (a test loss
    that overflowed), None, ints, and the changes of beta and the learning rate a run records."""
    change = {"name": "lr", "value": 0.01, "previous": 0.001, "epoch": 30, "step": 13800,
              "at_epoch": 29.5}

    def edit(payload):
        payload["history"][-1].update(test_loss=math.nan, beta=math.nan, lr=None,
                                      changes=[change])
        payload["history"][-2].update(test_loss=math.inf)
        payload["history"][-3].update(test_recon=1)

    ckpt = checkpoint.load(_bundled_with(tmp_path, edit))
    assert ckpt.epochs == 30 and ckpt.history[-1]["changes"] == [change]
    assert ckpt.test_loss == math.inf  # the last test loss that is a number, NaN skipped
    assert ckpt.history[0]["epoch"] == 1 and isinstance(ckpt.history[0]["train_loss"], float)


def test_a_real_run_with_changes_round_trips(tmp_path, mnist_train_small):
    """A history as the trainer writes it, with a change of the learning rate, saves and loads."""
    from vae_desktop.core.train_control import TrainControl

    data = (mnist_train_small[0][:256], mnist_train_small[1][:256])
    control = TrainControl()
    model = new_model(1, latent_dim=2, hidden=16)
    trainer = Trainer(model, data, (data[0][:128], data[1][:128]),
                      TrainConfig(epochs=1, batch_size=64, device="cpu"), control=control)
    control.set_lr(0.002)
    trainer.run()
    assert trainer.history[0]["changes"][0]["name"] == "lr"
    path = checkpoint.save(tmp_path / "run.pt", model, trainer.history,
                           trainer.optimizer.state_dict(), {"train_size": 256, "digits": None})
    ckpt = checkpoint.load(path)
    assert ckpt.history == trainer.history and ckpt.test_loss == trainer.history[0]["test_loss"]


# Training settings
@pytest.mark.parametrize("train_config, says", [
    ({"train_size": "abc"}, "training images must be an integer from 0 to 60,000, got 'abc'"),
    ({"lr": -5}, "learning rate must be a number above 0 and at most 1, got -5"),
    ({"batch_size": 0}, "batch size must be an integer from 1 to 65,536, got 0"),
    ({"seed": "x"}, "seed must be an integer"),
    ({"digits": "zz"}, "digits must be a list of some of 0 to 9, got 'zz'"),
    ({"digits": []}, "digits must be some of 0 to 9 (at least one), got []"),
    ({"digits": [3, 3]}, "digits must list each digit once, got [3, 3]"),
    ({"dataset": "nope"}, "dataset must be one of mnist, fashion-mnist, kmnist, got 'nope'"),
    ({"subset": -1}, "training images must be an integer from 0 to 60,000, got -1"),
    ({"test_size": 0}, "test images must be an integer from 1 to 10,000, got 0"),
    ({"test_size": "all"}, "test images must be an integer from 1 to 10,000, got 'all'"),
    ({"note": {"a": 1}}, "note is a dict, where a plain value belongs"),
    ({"note": [[1]]}, "note is a list holding a list, where plain values belong"),
    ({7: 1}, "an entry is named 7, where a name belongs"),
])
def test_malformed_training_settings_are_refused(tmp_path, train_config, says):
    message = _refused(_bundled_with(tmp_path, lambda p: p.__setitem__("train_config",
                                                                        train_config)))
    assert message.startswith("edited.pt: the training settings are malformed: ")
    assert says in message, message


def test_the_training_settings_the_app_writes_load(tmp_path, bundled):
    # What the CLI, the Train tab, a sweep and a held-out-digit run write (bundled files too).
    written = {**TrainConfig(epochs=2, device="cpu").to_dict(), "train_size": None,
               "digits": [0, 1, 3, 4, 5, 6, 7, 8, 9], "dataset": "mnist", "sweep": "study one",
               "trial": 3, "subset": None, "device": "cuda:0", "test_size": 1000}
    ckpt = checkpoint.load(_bundled_with(tmp_path, lambda p: p.__setitem__("train_config",
                                                                           written)))
    assert ckpt.train_config == written
    assert bundled["mnist-cvae-z2"].train_config["subset"] is None  # a 0.1 file's old name


# Optimizer state
@pytest.fixture(scope="module")
def adam_state(mnist_train_small):
    """The optimizer state of a real run: 256 training images, one epoch."""
    data = (mnist_train_small[0][:256], mnist_train_small[1][:256])
    model = new_model(1, latent_dim=2, hidden=16)
    trainer = Trainer(model, data, None, TrainConfig(epochs=1, batch_size=64, device="cpu"))
    trainer.run()
    return model, trainer.history, trainer.optimizer.state_dict()


def _broken(state_dict, how):
    import copy

    broken = copy.deepcopy(state_dict)
    how(broken)
    return broken


@pytest.mark.parametrize("how, says", [
    # The audit's file: continuing it failed with "object of type 'int' has no len()".
    (lambda s: s.clear() or s.update(state="junk", param_groups=3),
     "its parameter groups are not a list"),
    (lambda s: s.__setitem__("state", "junk"), "its state is not a table"),
    (lambda s: s["param_groups"][0].__setitem__("params", [0, 1, 2]),
     "its parameter groups list 3 of the model's 10 parameters"),
    (lambda s: s["param_groups"][0]["params"].__setitem__(1, 0),
     "its parameter groups list 9 of the model's 10 parameters"),
    (lambda s: s["param_groups"][0].__setitem__("betas", "fast"),
     "betas is 'fast', where two numbers from 0 to 1 belong"),
    (lambda s: s["param_groups"][0].__setitem__("lr", -1.0), "lr is -1.0"),
    (lambda s: s["param_groups"][0].pop("eps"), "a parameter group lacks eps"),
    (lambda s: s["param_groups"][0].__setitem__("amsgrad", "no"), "amsgrad is 'no'"),
    (lambda s: s["state"][0].__setitem__("exp_avg", torch.zeros(3)),
     "exp_avg of parameter 0 has shape [3], where the model's [16, 784] belongs"),
    (lambda s: s["state"][1].pop("exp_avg_sq"), "parameter 1 lacks exp_avg_sq"),
    (lambda s: s["state"][2].__setitem__("step", torch.tensor(-1.0)),
     "step of parameter 2 is not a count of steps"),
    (lambda s: s["state"][2]["exp_avg"].fill_(math.inf),
     "exp_avg of parameter 2 holds NaN or infinite values"),
    (lambda s: s["state"].__setitem__(10, s["state"][0]), "its state names parameter 10"),
    (lambda s: s["state"][3].__setitem__("momentum", 1.0), "parameter 3 has an entry momentum"),
])
def test_a_malformed_optimizer_state_is_refused(tmp_path, adam_state, how, says):
    model, history, state = adam_state
    path = checkpoint.save(tmp_path / "opt.pt", model, history, _broken(state, how))
    message = _refused(path)
    assert message.startswith("opt.pt: the optimizer state, kept to continue training, is "
                              "malformed: ")
    assert says in message, message


def test_a_real_optimizer_state_loads_and_continues(tmp_path, adam_state, mnist_train_small):
    model, history, state = adam_state
    ckpt = checkpoint.load(checkpoint.save(tmp_path / "opt.pt", model, history, state))
    assert ckpt.optimizer_state["param_groups"] == state["param_groups"]
    data = (mnist_train_small[0][:128], mnist_train_small[1][:128])
    resumed = Trainer(ckpt.model, data, None, TrainConfig(epochs=1, batch_size=64, device="cpu"),
                      optimizer_state=ckpt.optimizer_state, start_epoch=ckpt.epochs,
                      history=list(ckpt.history))
    resumed.run()
    assert resumed.optimizer_steps() == 4 + 2 and len(resumed.history) == 2
