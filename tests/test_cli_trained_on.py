"""The command line reads what a model was trained on as the app does (core.trained_on), not its
own way from the raw record. Before, `sample`'s note on a label the model never saw named the
digits in the file's order ("trained on 7s and 1s only", where the list of models says "of 1s
and 7s only"), and `train --resume` carried that order into the file it wrote."""

from __future__ import annotations

from vae_desktop.cli import main
from vae_desktop.core import checkpoint
from vae_desktop.core.model_words import default_name
from vae_desktop.core.training import new_model


def few(tmp_path, conditional=False):
    """A small model trained, as its record says, on 300 images of 7s and 1s (in that order)."""
    model = new_model(1, latent_dim=2, hidden=16, num_classes=10 if conditional else 0)
    return checkpoint.save(tmp_path / "few.pt", model, [{"epoch": 1, "test_loss": 150.0}], None,
                           {"train_size": 300, "digits": [7, 1], "dataset": "mnist"})


def test_sample_names_the_digits_as_the_app_does(tmp_path, capsys):
    path = few(tmp_path, conditional=True)
    assert default_name(checkpoint.load(path)).startswith("CVAE of 1s and 7s only · ")
    assert main(["sample", str(path), "--label", "5", "--n", "4", "--out",
                 str(tmp_path / "x.npy")]) == 0
    err = capsys.readouterr().err
    assert err == ("vae-desktop: note: the model never saw a 5: it was trained on 1s and 7s "
                   "only\n")


def test_a_resumed_run_keeps_the_digits_as_the_app_reads_them(tmp_path):
    path = few(tmp_path)
    out = tmp_path / "more.pt"
    assert main(["train", "--resume", str(path), "--epochs", "1", "--test-size", "100",
                 "--quiet", "--out", str(out)]) == 0
    cfg = checkpoint.load(out).train_config
    assert (cfg["digits"], cfg["train_size"], cfg["dataset"]) == ([1, 7], 300, "mnist")
