"""What the command line says when an argument is wrong: only options that exist are suggested,
paths are named as typed, a --data-dir without the data set says which files belong where (the
command never downloads), range errors say what was given, a sweep refuses --holdout without the
AUROC objective it belongs to, and anomaly's help does not mention a test loss it never reports."""

from __future__ import annotations

import pytest
from torchvision_folder_support import RAW, torchvision_mnist_folder

from vae_desktop.cli import main
from vae_desktop.core import checkpoint

MODEL = "mnist-vae-z2"  # a bundled model, by name


def error(argv, capsys) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("vae-desktop: error: ") and err.count("\n") == 1, err
    return err.removeprefix("vae-desktop: error: ").removesuffix("\n")


@pytest.fixture
def nothing_loaded(monkeypatch):
    monkeypatch.setattr(checkpoint, "load",
                        lambda *a, **k: pytest.fail("the model was loaded before the refusal"))


# An option before the command


def test_an_option_no_command_has_is_not_suggested(capsys):
    """`vae-desktop --bogus` said "as in vae-desktop train --bogus": no such option."""
    said = error(["--bogus"], capsys)
    assert said == ("--bogus is not an option of any command: the command comes first, then its "
                    "options (commands: train, eval, sample, anomaly, sweep, install-desktop, "
                    "uninstall-desktop; vae-desktop COMMAND --help lists its options).")


def test_an_option_the_named_command_lacks_is_not_suggested(capsys):
    said = error(["--iwae", "5", "train"], capsys)
    assert said == ("--iwae is not an option of train: the command comes first, then its options "
                    "(vae-desktop train --help lists them).")


@pytest.mark.parametrize("argv, suggestion", [
    (["--latent-dim", "3"], "vae-desktop train --latent-dim 3"),
    (["--test-size", "9", "eval", "m.pt"], "vae-desktop eval --test-size 9 m.pt"),
    (["--iwae", "5", "m.pt"], "vae-desktop eval --iwae 5 m.pt"),  # only eval has --iwae
    (["--lat", "3"], "vae-desktop train --lat 3"),  # argparse takes an option's unique start
])
def test_real_options_before_the_command_are_suggested_after_it(argv, suggestion, capsys):
    assert f"the command comes first, as in {suggestion} (commands: " in error(argv, capsys)


# Paths as typed


def test_a_folder_given_as_the_model_is_named_as_typed(tmp_path, monkeypatch, capsys):
    """`eval /tmp` said "tmp is a folder"."""
    assert error(["eval", str(tmp_path)], capsys) == (
        f"{tmp_path} is a folder, not a checkpoint: pick a .pt file inside it.")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "runs").mkdir()
    assert error(["sample", "runs/", "--out", "x.png"], capsys).startswith("runs/ is a folder")


# --data-dir


def test_a_data_dir_without_the_data_set_says_which_files_go_where(tmp_path, monkeypatch, capsys,
                                                                   nothing_loaded):
    """It passed on torchvision's "You can use download=True to download it", which the
    command cannot do."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    said = error(["eval", MODEL, "--data-dir", "data"], capsys)
    assert said == ("--data-dir data holds no MNIST: it needs train-images-idx3-ubyte, "
                    "train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, "
                    "unpacked, in data/MNIST/raw. vae-desktop does not download data sets: copy "
                    "them there, or leave --data-dir out to use the bundled MNIST.")
    assert "download=True" not in said
    raw = tmp_path / "data" / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    for name in RAW[:3]:
        (raw / name).write_bytes(b"")
    said = error(["train", "--data-dir", "data", "--dataset", "fashion-mnist", "--quiet"], capsys)
    assert said == ("--data-dir data holds no Fashion-MNIST: it needs t10k-labels-idx1-ubyte, "
                    "unpacked, in data/FashionMNIST/raw. vae-desktop does not download data "
                    "sets: copy it there.")
    assert error(["eval", MODEL, "--data-dir", "nowhere"], capsys) == (
        "--data-dir nowhere: no such folder.")


def test_a_torchvision_data_dir_is_read(tmp_path, capsys):
    """The check lets a folder laid out as torchvision's MNIST through (eval reads only the
    test files: the training files only have to be there)."""
    torchvision_mnist_folder(tmp_path)
    assert main(["eval", MODEL, "--data-dir", str(tmp_path), "--test-size", "100"]) == 0
    assert "scored on the first 100 of the 10,000 test images" in capsys.readouterr().out


# Ranges say what was given


@pytest.mark.parametrize("argv, said", [
    (["sample", MODEL, "--n", "0"], "--n must be from 1 to 1,024, got 0."),
    (["sample", MODEL, "--n", "2000"], "--n must be from 1 to 1,024, got 2000."),
    (["sample", MODEL, "--temperature", "-1"], "--temperature must be from 0 to 5, got -1."),
    (["eval", MODEL, "--iwae", "0"], "--iwae must be from 1 to 100,000 samples per image, got 0."),
    (["anomaly", "--holdout", "7", "--percentile", "100"],
     "--percentile must lie strictly between 0 and 100, got 100."),
])
def test_a_value_out_of_range_says_what_was_given(argv, said, capsys, nothing_loaded, monkeypatch):
    from vae_desktop.core import anomaly

    monkeypatch.setattr(anomaly, "holdout_trainer", lambda *a, **k: pytest.fail("trained"))
    assert error(argv, capsys) == said


def test_a_label_out_of_range_says_what_was_given(capsys, tmp_path):
    # Checked once the model is loaded: its number of labels.
    assert error(["sample", "mnist-cvae-z2", "--label", "12", "--out", str(tmp_path / "x.png")],
                 capsys) == "--label must be 0..9, got 12."


# Sweep --holdout


def test_sweep_refuses_holdout_without_the_auroc_objective(tmp_path, capsys, monkeypatch):
    """`sweep --holdout 2` without --objective auroc trained on every digit, silently."""
    from vae_desktop.core import sweep

    monkeypatch.setattr(sweep, "run_sweep", lambda *a, **k: pytest.fail("the sweep ran"))
    storage = f"journal://{(tmp_path / 'sweep.log').as_posix()}"
    assert error(["sweep", "--storage", storage, "--holdout", "2"], capsys) == (
        "--holdout goes with --objective auroc: the test-loss objective trains on every digit. "
        "Add --objective auroc, or leave --holdout out.")
    assert not (tmp_path / "sweep.log").exists()


@pytest.mark.parametrize("extra, holdout", [([], 2), (["--holdout", "7"], 7)])
def test_sweep_takes_holdout_with_the_auroc_objective(extra, holdout, tmp_path, monkeypatch):
    from vae_desktop.core import sweep

    seen = []

    def run(spec, *args, **kwargs):
        seen.append(spec)
        return sweep.SweepResult.__new__(sweep.SweepResult) if False else type(
            "Result", (), {"best": None, "objective": spec.objective})()

    monkeypatch.setattr(sweep, "run_sweep", run)
    storage = f"journal://{(tmp_path / 'sweep.log').as_posix()}"
    assert main(["sweep", "--storage", storage, "--objective", "auroc", *extra]) == 0
    assert seen[0].objective == "auroc" and seen[0].holdout == holdout
    assert sweep.SweepSpec().holdout == 2  # what the help states as the default


# anomaly --help


def test_anomaly_train_size_help_speaks_of_the_auroc_not_a_test_loss(capsys):
    with pytest.raises(SystemExit):
        main(["anomaly", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    part = text.split("--train-size TRAIN_SIZE, --subset TRAIN_SIZE ", 1)[1].split(" --seed", 1)[0]
    assert "test loss" not in part
    assert part == ("Train on the first N training images of the digits not held out, for a quick "
                    "run (0: all of them); the AUROC is always scored on all 10,000 test images "
                    "(an integer from 0 to 60,000; default 0)")
