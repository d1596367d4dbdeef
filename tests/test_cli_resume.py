"""`train --resume`: the resumed run keeps the checkpoint's training settings unless a flag is
given again on this command line, and a model-shape flag that differs from the checkpoint's is
refused, naming the flag and the checkpoint's value."""

from __future__ import annotations

import pytest

from vae_desktop.cli import main
from vae_desktop.core import checkpoint

FIRST = ["--lr", "0.005", "--batch-size", "64", "--train-size", "256", "--beta", "2",
         "--beta-warmup", "1", "--precision", "fp32", "--seed", "3", "--digits", "1,2,3,4,5,6,7",
         "--latent-dim", "2", "--hidden", "16", "--layers", "2"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("resume") / "r.pt"
    assert main(["train", *FIRST, "--epochs", "1", "--test-size", "100", "--quiet",
                 "--out", str(out)]) == 0
    return out


def steps(ckpt) -> int:
    return int(next(iter(ckpt.optimizer_state["state"].values()))["step"])


def resume(run, tmp_path, *extra):
    out = tmp_path / "more.pt"
    code = main(["train", "--resume", str(run), "--epochs", "1", "--test-size", "100", "--quiet",
                 "--out", str(out), *extra])
    return code, out


def test_a_resumed_run_keeps_the_checkpoints_training_settings(run, tmp_path):
    first = checkpoint.load(run)
    assert steps(first) == 4  # 256 images, batches of 64
    code, out = resume(run, tmp_path)
    assert code == 0
    ckpt = checkpoint.load(out)
    cfg = ckpt.train_config
    assert (cfg["lr"], cfg["batch_size"], cfg["train_size"]) == (0.005, 64, 256)
    assert (cfg["beta_warmup"], cfg["precision"], cfg["seed"]) == (1, "fp32", 3)
    assert cfg["digits"] == [1, 2, 3, 4, 5, 6, 7] and cfg["dataset"] == "mnist"
    assert steps(ckpt) == 8  # another 256 images in batches of 64, not all 60,000 in 128s
    assert ckpt.config.beta == 2.0 and ckpt.history[-1]["lr"] == pytest.approx(0.005)


def test_a_flag_given_again_overrides_the_checkpoint(run, tmp_path):
    code, out = resume(run, tmp_path, "--lr", "0.002", "--batch-size", "128", "--beta", "1")
    assert code == 0
    ckpt = checkpoint.load(out)
    cfg = ckpt.train_config
    assert (cfg["lr"], cfg["batch_size"], cfg["train_size"]) == (0.002, 128, 256)
    assert steps(ckpt) == 4 + 2 and ckpt.config.beta == 1.0


def test_the_same_model_shape_is_fine(run, tmp_path):
    assert resume(run, tmp_path, "--hidden", "16", "--latent-dim", "2", "--layers", "2",
                  "--arch", "mlp")[0] == 0


@pytest.mark.parametrize("extra, message", [
    (["--hidden", "32"], "--hidden 32 differs from the checkpoint's 16"),
    (["--latent-dim", "20"], "--latent-dim 20 differs from the checkpoint's 2"),
    (["--layers", "1"], "--layers 1 differs from the checkpoint's 2"),
    (["--arch", "conv"], "--arch conv differs from the checkpoint's mlp"),
    (["--conditional"], "--conditional: the checkpoint's model is not conditional"),
    (["--binarize"], "--binarized: the checkpoint's model was trained on grey levels"),
])
def test_a_different_model_shape_is_refused_before_training(run, tmp_path, capsys, extra, message):
    code, out = resume(run, tmp_path, *extra)
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert err.startswith("vae-desktop: error: ") and message in err and err.count("\n") == 1
