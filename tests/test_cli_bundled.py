"""The bundled models on the command line: eval, sample and train --resume take a bundled model's
name (with or without .pt) where no such file is in the working folder, the help says which
names there are, and a bundled model is never saved over (`train --resume mnist-vae-z2.pt`
without --out wrote into site-packages, or into the checkout's git-tracked resources/models/)."""

from __future__ import annotations

import hashlib
import json

import pytest

from vae_desktop.cli import main
from vae_desktop.core import checkpoint
from vae_desktop.core.fileio import is_bundled_model
from vae_desktop.core.paths import bundled_models_dir
from vae_desktop.core.training import new_model

NAMES = ["mnist-cvae-z16", "mnist-cvae-z2", "mnist-vae-z16", "mnist-vae-z2",
         "mnist-vae-z50-binarized"]
TINY = ["--epochs", "1", "--train-size", "500", "--test-size", "100", "--quiet"]


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(autouse=True)
def bundled_copy(tmp_path, monkeypatch):
    """The bundled models as copies in a temporary resources folder (the MNIST files linked):
    a test of a refusal that watches the old code fail would otherwise write over the
    checkout's git-tracked models, as one did while this file was written."""
    from vae_desktop.core import paths

    real = paths.resources_dir()
    copy = tmp_path / "resources"
    (copy / "models").mkdir(parents=True)
    for model in (real / "models").glob("*.pt"):
        (copy / "models" / model.name).write_bytes(model.read_bytes())
    (copy / "mnist").symlink_to(real / "mnist")
    monkeypatch.setattr(paths, "resources_dir", lambda: copy)
    assert bundled_models_dir() == copy / "models"
    return copy / "models"


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    """A working folder that holds no model, as a pip user's."""
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def nothing_loaded(monkeypatch):
    """Fails the test if the command loads a model: the refusal must come first."""
    monkeypatch.setattr(checkpoint, "load",
                        lambda *a, **k: pytest.fail("the model was loaded before the refusal"))


@pytest.mark.parametrize("given", ["path", "name", "name.pt"])
def test_resuming_a_bundled_model_without_out_is_refused_before_any_work(given, elsewhere, capsys,
                                                                        nothing_loaded):
    model = bundled_models_dir() / "mnist-vae-z2.pt"
    before = digest(model)
    text = {"path": str(model), "name": "mnist-vae-z2", "name.pt": "mnist-vae-z2.pt"}[given]
    assert main(["train", "--resume", text, *TINY]) == 2
    err = capsys.readouterr().err
    assert err == (f"vae-desktop: error: --resume {text} is a bundled model, which is never "
                   "saved over: give --out for the trained model, as in --out my-model.pt.\n")
    assert digest(model) == before and list(elsewhere.iterdir()) == []


def test_out_naming_a_bundled_model_is_refused(elsewhere, capsys, nothing_loaded):
    model = bundled_models_dir() / "mnist-cvae-z2.pt"
    assert main(["train", *TINY, "--out", str(model)]) == 2
    assert f"--out {model} is a bundled model" in capsys.readouterr().err


def test_a_bundled_model_resumed_with_out_trains_into_the_out_file(elsewhere):
    model = bundled_models_dir() / "mnist-vae-z2.pt"
    before = digest(model)
    assert main(["train", "--resume", "mnist-vae-z2", *TINY, "--out", "mine.pt"]) == 0
    mine = checkpoint.load(elsewhere / "mine.pt")
    epochs = checkpoint.load(model).epochs
    assert mine.epochs == epochs + 1 and mine.config.latent_dim == 2
    assert digest(model) == before


def test_is_bundled_model_knows_the_bundled_folder_only(tmp_path):
    assert is_bundled_model(bundled_models_dir() / "mnist-vae-z2.pt")
    assert is_bundled_model(bundled_models_dir() / "not-there-yet.pt")  # a new file in that folder, too
    copy = tmp_path / "mnist-vae-z2.pt"
    copy.write_bytes(b"")
    assert not is_bundled_model(copy)
    link = tmp_path / "link.pt"
    link.symlink_to(bundled_models_dir() / "mnist-vae-z2.pt")
    assert is_bundled_model(link)  # what is written goes where the link points


@pytest.mark.parametrize("name", ["mnist-vae-z2", "mnist-vae-z2.pt"])
def test_eval_takes_a_bundled_models_name(name, elsewhere, capsys):
    assert main(["eval", name, "--test-size", "100", "--json", "--device", "cpu"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert 100 < result["test_loss"] < 200 and result["active_units"] == 2


def test_a_file_in_the_working_folder_wins_over_a_bundled_name(elsewhere, capsys):
    checkpoint.save(elsewhere / "mnist-vae-z2.pt", new_model(0, latent_dim=5, hidden=16))
    assert main(["eval", "mnist-vae-z2.pt", "--test-size", "100"]) == 0
    assert "latent 5, hidden 16" in capsys.readouterr().out.splitlines()[0]


def test_sample_takes_a_bundled_models_name(elsewhere, capsys):
    assert main(["sample", "mnist-cvae-z2", "--n", "10", "--out", "digits.npy"]) == 0
    assert capsys.readouterr().out == "saved digits.npy\n"
    import numpy as np

    assert np.load(elsewhere / "digits.npy").shape == (10, 28, 28)


def test_a_name_that_is_neither_a_file_nor_bundled_lists_the_bundled_names(elsewhere, capsys):
    assert main(["eval", "mnist-vae-z3"]) == 2
    err = capsys.readouterr().err
    assert err == ("vae-desktop: error: mnist-vae-z3: no such file in this folder, and no bundled "
                   f"model has that name (bundled models: {', '.join(NAMES)}).\n")


def test_a_missing_path_with_a_folder_is_not_looked_up_among_the_bundled(elsewhere, capsys):
    assert main(["eval", "sub/mnist-vae-z2.pt"]) == 2
    assert "sub/mnist-vae-z2.pt: no such file" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["eval"], ["sample"], ["train"]])
def test_each_commands_help_says_bundled_names_work(argv, capsys):
    with pytest.raises(SystemExit):
        main([*argv, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "or a bundled model's name, as mnist-vae-z2" in text
    assert "vae-desktop --help" in text  # where the names are listed


def test_the_top_level_help_lists_the_bundled_models(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert f"Bundled models, which eval, sample and train --resume take by name: {', '.join(NAMES)}." \
        in text
