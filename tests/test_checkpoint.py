import io
import os
import pickle
import zipfile

import pytest
import torch

from vae_desktop.core import checkpoint
from vae_desktop.core.checkpoint import CheckpointError
from vae_desktop.core.model import VAE
from vae_desktop.core.training import TrainConfig, Trainer, new_model


@pytest.fixture
def saved(tmp_path):
    model = new_model(0, latent_dim=3, hidden=32, num_classes=10, beta=2.0)
    history = [{"epoch": 1, "test_loss": 150.0}]
    path = checkpoint.save(tmp_path / "m.pt", model, history, None, {"lr": 1e-3})
    return path, model


def test_save_then_load_gives_identical_outputs(saved):
    path, model = saved
    ckpt = checkpoint.load(path)
    assert not ckpt.model.training
    assert ckpt.config == model.config and ckpt.config.beta == 2.0
    assert ckpt.history == [{"epoch": 1, "test_loss": 150.0}] and ckpt.test_loss == 150.0
    model.eval()
    x, y = torch.rand(5, 1, 28, 28), torch.arange(5)
    assert torch.equal(ckpt.model(x, y)[0], model(x, y)[0])


def test_save_is_atomic(saved, monkeypatch):
    path, model = saved
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", crash)
    with pytest.raises(OSError, match="disk full"):
        checkpoint.save(path, VAE(latent_dim=5, hidden=16))
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["m.pt"]  # no temporary file left


def test_truncated_file(saved):
    path, _ = saved
    path.write_bytes(path.read_bytes()[:2000])
    with pytest.raises(CheckpointError, match="truncated or corrupt"):
        checkpoint.load(path)


def test_random_bytes(tmp_path):
    path = tmp_path / "noise.pt"
    path.write_bytes(os.urandom(4096))
    with pytest.raises(CheckpointError, match="m?noise.pt"):
        checkpoint.load(path)


def test_missing_file(tmp_path):
    with pytest.raises(CheckpointError, match="no such file"):
        checkpoint.load(tmp_path / "absent.pt")


def _rewrite(path, edit):
    payload = torch.load(path, weights_only=True)
    edit(payload)
    torch.save(payload, path)


def test_wrong_shape(saved):
    path, _ = saved
    _rewrite(path, lambda p: p["state_dict"].__setitem__("fc_mu.weight", torch.zeros(7, 32)))
    with pytest.raises(CheckpointError, match="do not fit a conditional MLP, latent 3"):
        checkpoint.load(path)


def test_wrong_version(saved):
    path, _ = saved
    _rewrite(path, lambda p: p.__setitem__("version", 99))
    with pytest.raises(CheckpointError, match="format version 99.*Update vae-desktop"):
        checkpoint.load(path)


def test_invalid_settings(saved):
    path, _ = saved
    _rewrite(path, lambda p: p["config"].__setitem__("latent_dim", -4))
    with pytest.raises(CheckpointError, match="invalid model settings: latent dimensions must be "
                                              "an integer from 1 to 512, got -4"):
        checkpoint.load(path)


def test_nan_weights(saved):
    path, _ = saved
    _rewrite(path, lambda p: p["state_dict"]["fc_mu.bias"].fill_(float("nan")))
    with pytest.raises(CheckpointError, match="NaN"):
        checkpoint.load(path)


def test_plain_torch_file_is_not_a_checkpoint(tmp_path):
    path = tmp_path / "weights.pt"
    torch.save(VAE(latent_dim=2, hidden=16).state_dict(), path)
    with pytest.raises(CheckpointError, match="not a vae-desktop checkpoint"):
        checkpoint.load(path)


class _Evil:
    def __init__(self, target):
        self.target = target

    def __reduce__(self):
        return (open, (self.target, "w"))


def test_malicious_pickle_runs_nothing(tmp_path):
    victim = tmp_path / "pwned.txt"
    # A torch zip checkpoint whose pickle would create a file when unpickled.
    path = tmp_path / "evil.pt"
    torch.save({"format": checkpoint.FORMAT, "payload": 1}, path)
    with zipfile.ZipFile(path) as zin:
        entries = {info.filename: zin.read(info) for info in zin.infolist()}
    data_name = next(name for name in entries if name.endswith("data.pkl"))
    entries[data_name] = pickle.dumps({"format": checkpoint.FORMAT, "x": _Evil(str(victim))},
                                      protocol=2)
    with zipfile.ZipFile(path, "w") as zout:
        for name, data in entries.items():
            zout.writestr(name, data)
    with pytest.raises(CheckpointError, match="refused.*could run code"):
        checkpoint.load(path)
    assert not victim.exists()
    # The legacy (non-zip) format is refused the same way.
    legacy = tmp_path / "legacy.pt"
    buf = io.BytesIO()
    pickle.dump(_Evil(str(victim)), buf, protocol=2)
    legacy.write_bytes(buf.getvalue())
    with pytest.raises(CheckpointError):
        checkpoint.load(legacy)
    assert not victim.exists()


def test_resume_continues_epochs_and_optimizer(tmp_path, mnist_train_small):
    data = (mnist_train_small[0][:640], mnist_train_small[1][:640])  # 5 steps of 128
    model = new_model(1, latent_dim=4, hidden=64)
    trainer = Trainer(model, data, None, TrainConfig(epochs=1, device="cpu"))
    trainer.run()
    path = checkpoint.save(tmp_path / "r.pt", model, trainer.history, trainer.optimizer.state_dict())
    ckpt = checkpoint.load(path)
    adam_steps = next(iter(ckpt.optimizer_state["state"].values()))["step"]
    assert float(adam_steps) == 5
    resumed = Trainer(ckpt.model, data, None, TrainConfig(epochs=2, device="cpu"),
                      optimizer_state=ckpt.optimizer_state, start_epoch=ckpt.epochs,
                      history=list(ckpt.history))
    seen = []
    resumed.run(seen.append)
    assert [e.epoch for e in seen if e.kind == "epoch"] == [2, 3]
    assert [h["epoch"] for h in resumed.history] == [1, 2, 3]
    assert float(next(iter(resumed.optimizer.state_dict()["state"].values()))["step"]) == 15


@pytest.mark.parametrize("content, says", [
    (b"", "is empty"),
    (b"my notes\nabout digits\n", "not a PyTorch file"),
    (bytes(range(256)) * 16, "not a PyTorch file"),
])
def test_a_wrong_file_is_named_in_words_not_by_the_unpicklers_numbers(tmp_path, content, says):
    """Picking the wrong file is the commonest way to meet this message: it says what the file
    is in words, not "(101)" or "(4045160522)" from the unpickler's insides."""
    path = tmp_path / "picked.pt"
    path.write_bytes(content)
    with pytest.raises(CheckpointError) as caught:
        checkpoint.load(path)
    message = str(caught.value)
    assert message.startswith("picked.pt") and says in message
    assert not any(word.strip("()").isdigit() for word in message.split()), message
