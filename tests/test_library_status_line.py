"""The status bar's model line is made by one function (gui.model_files.describe_model) and marks
a test loss as the Models dialog does: * for a loss measured on part of the test set, † for one
measured on other data (binarised MNIST, another dataset), with a few words saying which. Before,
two functions made it, and the bundled binarised model's 90.08 read as the best loss of all."""

from __future__ import annotations

from vae_desktop.core import checkpoint
from vae_desktop.core.model_words import OTHER_DATA_MARK, PART_MARK, loss_note
from vae_desktop.core.paths import bundled_models_dir
from vae_desktop.core.training import new_model
from vae_desktop.gui.model_files import describe_model
from vae_desktop.gui.window.status_line import describe


def made(train_config, loss=153.594, binarized=False, conditional=False):
    model = new_model(1, latent_dim=2, hidden=16, arch="conv", binarized=binarized,
                      num_classes=10 if conditional else 0)
    return checkpoint.Checkpoint(model, model.config, name="trial-2", train_config=train_config,
                                 history=[{"epoch": 1, "test_loss": loss}])


def test_the_bundled_binarised_model_is_marked_as_in_the_dialog():
    ckpt = checkpoint.load(bundled_models_dir() / "mnist-vae-z50-binarized.pt")
    assert loss_note(ckpt).mark == OTHER_DATA_MARK
    assert describe_model(ckpt) == (
        "mnist-vae-z50-binarized · MLP · latent 50 · unconditional · 423 epochs · "
        "test loss 90.08† nats/image (on binarised MNIST, not comparable)")
    # A grey-level bundled model: nothing to add.
    plain = checkpoint.load(bundled_models_dir() / "mnist-vae-z2.pt")
    assert describe_model(plain) == ("mnist-vae-z2 · MLP · latent 2 · unconditional · 30 epochs "
                                     "· test loss 148.80 nats/image")


def test_part_of_the_test_set_and_another_dataset_are_marked():
    part = made({"test_size": 1000})
    assert loss_note(part).mark == PART_MARK
    assert describe_model(part) == ("trial-2 · Conv · latent 2 · unconditional · 1 epoch · "
                                    "test loss 153.59* nats/image (on 1,000 of 10,000 test images)")
    fashion = made({"dataset": "fashion-mnist"}, conditional=True)
    assert describe_model(fashion) == (
        "trial-2 · Conv · latent 2 · conditional · 1 epoch · trained on Fashion-MNIST · "
        "test loss 153.59† nats/image (not comparable)")
    both = made({"dataset": "fashion-mnist", "test_size": 500})
    assert describe_model(both).endswith(
        "· trained on Fashion-MNIST · test loss 153.59† nats/image (on 500 of 10,000 test images, "
        "not comparable)")
    binarised_part = made({"test_size": 2000}, binarized=True)
    assert describe_model(binarised_part).endswith(
        "(on 2,000 of 10,000 binarised test images, not comparable)")
    # Not measured: nothing to mark, but the dataset is still said.
    untested = made({"dataset": "kmnist"}, loss=None)
    assert describe_model(untested).endswith("· trained on KMNIST · test loss not measured")
    assert describe_model(made({})).endswith("· test loss 153.59 nats/image")


def test_the_window_and_the_model_files_say_the_same_line():
    ckpt = checkpoint.load(bundled_models_dir() / "mnist-vae-z50-binarized.pt")
    assert describe(ckpt) == describe_model(ckpt)
    fashion = made({"dataset": "fashion-mnist"})
    assert describe(fashion) == describe_model(fashion)
    assert describe(None) == describe_model(None)
    assert describe_model(None).endswith(".")


def test_a_default_name_is_not_said_twice():
    """A model the library named ("VAE · MLP · z=16 · 2 epochs · 5 Dec 12:42") read "… · 5 Dec
    12:42 · MLP · latent 16 · unconditional · 2 epochs · test loss …": the name already says
    what the model is. A name of the person's own keeps the facts."""
    from vae_desktop.core.model_words import default_name

    ckpt = made({"digits": [0, 1, 3, 4, 5, 6, 7, 8, 9]})
    ckpt.name = default_name(ckpt, when=0)
    assert ckpt.name.startswith("VAE without 2s · Conv · z=2 · 1 epoch · ")
    assert describe_model(ckpt) == f"{ckpt.name} · test loss 153.59 nats/image"
    ckpt.name = "my best one"
    assert describe_model(ckpt) == ("my best one · Conv · latent 2 · unconditional · 1 epoch · "
                                    "test loss 153.59 nats/image")
