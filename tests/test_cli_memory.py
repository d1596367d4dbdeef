"""The command line refuses a training run or a sweep that cannot fit in the free memory: exit
status 2 and one line with the estimate, before any training (issue 18)."""

from __future__ import annotations

from vae_desktop import cli
from vae_desktop.core import memory

ISSUE = ["--arch", "conv", "--latent-dim", "512", "--hidden", "8192", "--batch-size", "52950",
         "--train-size", "26307", "--test-size", "7850", "--device", "cpu"]
LINE = ("batch 52,950 (26,307 images a step, all there are) with 8,192 hidden units needs about "
        "8.3 GB; this machine has 4.0 GB free\n")


def test_train_and_sweep_refuse_what_cannot_fit(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(memory, "available_ram", lambda: 4_000_000_000)
    out = tmp_path / "model.pt"
    assert cli.main(["train", *ISSUE, "--epochs", "1", "--out", str(out)]) == 2
    assert capsys.readouterr().err == f"vae-desktop: error: {LINE}"
    assert not out.exists()
    assert cli.main(["sweep", "--vary", "", *ISSUE, "--objective", "auroc", "--trials", "1"]) == 2
    assert capsys.readouterr().err == f"vae-desktop: error: the largest trial the ranges allow: {LINE}"
    assert not (tmp_path / "appdata" / "sweeps.db").exists()
