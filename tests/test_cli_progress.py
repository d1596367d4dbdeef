"""Progress bars are for a terminal: `train … 2> log.txt` and `sample --sampler mixture 2> err.txt`
filled the file with carriage-return redraws. Where stderr is no terminal (pytest's capture is
none), the commands write no bar; the one-line results stay on stdout, and the mixture's stages
are one plain line each."""

from __future__ import annotations

import io
import sys

import pytest

from vae_desktop.cli import main
from vae_desktop.core import checkpoint, mixture
from vae_desktop.core.paths import bundled_models_dir

TINY = ["--epochs", "1", "--train-size", "500", "--test-size", "100", "--latent-dim", "2",
        "--hidden", "16"]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_train_writes_no_bar_where_stderr_is_no_terminal(tmp_path, capsys):
    assert main(["train", *TINY, "--out", str(tmp_path / "m.pt")]) == 0
    out, err = capsys.readouterr()
    assert err == "" and "\r" not in out
    assert out.startswith("epoch 1: train ") and out.endswith(f"saved {tmp_path / 'm.pt'}\n")


def test_train_shows_its_bar_on_a_terminal(tmp_path, monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["train", *TINY, "--out", str(tmp_path / "m.pt")]) == 0
    assert "epoch 1: 100%" in terminal.getvalue() and "batch/s" in terminal.getvalue()


def test_eval_iwae_writes_no_bar_where_stderr_is_no_terminal(capsys):
    model = str(bundled_models_dir() / "mnist-vae-z2.pt")
    assert main(["eval", model, "--iwae", "4", "--test-size", "50", "--device", "cpu"]) == 0
    out, err = capsys.readouterr()
    assert err == "" and "test -log p(x)" in out


@pytest.fixture
def small_model(tmp_path, monkeypatch):
    """The bundled 2-D VAE marked as trained on the first 1,500 images: its mixture fits in a
    second; the mixture cache goes to a temporary folder."""
    monkeypatch.setattr(mixture, "default_cache_folder", lambda: tmp_path / "mixtures")
    ckpt = checkpoint.load(bundled_models_dir() / "mnist-vae-z2.pt")
    return checkpoint.save(tmp_path / "small.pt", ckpt.model, ckpt.history,
                           train_config={**ckpt.train_config, "train_size": 1500})


def test_the_mixture_fit_writes_plain_lines_where_stderr_is_no_terminal(small_model, tmp_path,
                                                                        capsys):
    out_file = tmp_path / "s.npy"
    assert main(["sample", str(small_model), "--sampler", "mixture", "--n", "8",
                 "--out", str(out_file)]) == 0
    out, err = capsys.readouterr()
    assert out == f"saved {out_file}\n"
    assert "\r" not in err and "\033" not in err
    assert err.splitlines() == ["Reading the training images…",
                                "Encoding the 1,500 training images…",
                                "Fitting the mixture to 1,500 codes…",
                                "mixtures ready: fitted to 1,500 training codes"]


def test_the_mixture_fit_redraws_one_line_on_a_terminal(small_model, tmp_path, monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["sample", str(small_model), "--sampler", "mixture", "--n", "8",
                 "--out", str(tmp_path / "s.npy")]) == 0
    text = terminal.getvalue()
    assert "\rFitting the mixture to 1,500 codes… EM iteration" in text
    assert text.endswith("\rmixtures ready: fitted to 1,500 training codes\033[K\n")
