"""A checkpoint's training history is the model's epochs, one record each, numbered 1, 2, 3...
as training writes them. A history that is not that loaded as if fine: `[{"nothing": 1}]` gave
a model of "1 epoch" with an empty loss plot and a CSV export with a "nothing" column; an epoch
numbered "1", 1.5 or 7 in fifth place, or a change marked 45 epochs away, put points and marks
where no epoch was. Such a file is refused when it loads, as a malformed loss or training
setting is: saving the model again would keep the nonsense."""

from __future__ import annotations

import pytest
import torch

from vae_desktop.core import checkpoint
from vae_desktop.core.checkpoint import CheckpointError
from vae_desktop.core.paths import bundled_models_dir
from vae_desktop.core.training import new_model

BUNDLED = bundled_models_dir() / "mnist-vae-z2.pt"  # 30 epochs of real history


def _with_history(tmp_path, edit):
    """A copy of a bundled model whose history `edit` changed (or replaced: its return)."""
    payload = torch.load(BUNDLED, weights_only=True)
    replaced = edit(payload["history"])
    if replaced is not None:
        payload["history"] = replaced
    path = tmp_path / "edited.pt"
    torch.save(payload, path)
    return path


def _set(index, key, value):
    def edit(history):
        history[index][key] = value
    return edit


@pytest.mark.parametrize("edit, says", [
    # A list of records without the expected entries.
    (lambda h: [{"nothing": 1}], "epoch 1 has no epoch number"),
    (lambda h: [{"test_loss": 150.0}], "epoch 1 has no epoch number"),
    (lambda h: h[4].pop("epoch") and None, "epoch 5 has no epoch number"),
    (lambda h: [{}], "epoch 1 has no epoch number"),
    # Numbers of the wrong type or value where the epoch's number belongs.
    (_set(0, "epoch", "1"), "epoch 1 gives epoch as '1', where its number, 1, belongs"),
    (_set(0, "epoch", 1.0), "epoch 1 gives epoch as 1.0, where its number, 1, belongs"),
    (_set(2, "epoch", 2.5), "epoch 3 gives epoch as 2.5, where its number, 3, belongs"),
    (_set(0, "epoch", True), "epoch 1 gives epoch as True, where its number, 1, belongs"),
    (_set(4, "epoch", 7), "epoch 5 gives epoch as 7, where its number, 5, belongs"),
    (_set(0, "epoch", None), "epoch 1 gives epoch as None, where its number, 1, belongs"),
    (lambda h: h[::-1], "epoch 1 gives epoch as 30, where its number, 1, belongs"),
    # A change of the learning rate marked outside its epoch.
    (_set(29, "changes", [{"name": "lr", "value": 0.01, "at_epoch": 45.0}]),
     "a change in epoch 30 is marked at 45.0 epochs, outside that epoch (29 to 30)"),
    (_set(2, "changes", [{"name": "beta", "value": 0.5, "at_epoch": -1.0}]),
     "a change in epoch 3 is marked at -1.0 epochs, outside that epoch (2 to 3)"),
    # Not a list of records at all (refused before too: here with the others).
    (lambda h: "abc", "it is a str, not a list of epochs"),
    (lambda h: 30, "it is an int, not a list of epochs"),
    (lambda h: [1, 2, 3], "epoch 1 is an int, not a record"),
    (_set(0, "train_loss", "1.5"), "epoch 1 gives train_loss as '1.5', where a number belongs"),
])
def test_a_history_that_is_not_the_models_epochs_is_refused(tmp_path, edit, says):
    with pytest.raises(CheckpointError) as caught:
        checkpoint.load(_with_history(tmp_path, edit))
    message = str(caught.value)
    assert message.startswith("edited.pt: the training history is malformed: "), message
    assert says in message, message
    assert message.endswith("open another copy of it, or train the model again.")


def test_the_histories_vae_desktop_writes_still_load(tmp_path, bundled):
    """Every bundled model's; a change anywhere in its epoch (its start included); an epoch
    with only its number (a run's record of a test, or an early file's); an empty history; and
    entries a later version may add, as numbers."""
    for name, ckpt in bundled.items():
        assert [rec["epoch"] for rec in ckpt.history] == list(range(1, ckpt.epochs + 1)), name

    def edit(history):
        history[0]["changes"] = [{"name": "lr", "value": 0.01, "previous": 0.001, "epoch": 1,
                                  "step": 1, "at_epoch": 0.0}]
        history[29]["changes"] = [{"name": "beta", "value": 0.5, "previous": 1.0, "epoch": 30,
                                   "step": 13799, "at_epoch": 29.998}]
        history[10]["grad_norm"] = 3.5
    ckpt = checkpoint.load(_with_history(tmp_path, edit))
    assert ckpt.epochs == 30 and ckpt.history[10]["grad_norm"] == 3.5
    assert ckpt.history[0]["changes"][0]["at_epoch"] == 0.0

    model = new_model(1, latent_dim=2, hidden=16)
    short = checkpoint.load(checkpoint.save(tmp_path / "one.pt", model, [{"epoch": 1}]))
    assert short.epochs == 1 and short.test_loss is None
    assert checkpoint.load(checkpoint.save(tmp_path / "none.pt", model, [])).epochs == 0
