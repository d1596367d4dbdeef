import json
import subprocess
import sys

import pytest
from PIL import Image

from vae_desktop import __version__
from vae_desktop.cli import main
from vae_desktop.core import checkpoint
from vae_desktop.core.data import load_split
from vae_desktop.core.training import evaluate, new_model


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "tiny.pt"
    code = main(["train", "--epochs", "1", "--train-size", "2000", "--test-size", "500",
                 "--latent-dim", "4", "--hidden", "64", "--conditional", "--device", "cpu",
                 "--quiet", "--out", str(out)])
    assert code == 0
    return out


def test_train_writes_a_checkpoint(trained):
    ckpt = checkpoint.load(trained)
    assert ckpt.config.latent_dim == 4 and ckpt.config.conditional
    assert ckpt.epochs == 1 and ckpt.optimizer_state is not None
    assert ckpt.train_config["train_size"] == 2000
    assert ckpt.train_config["test_size"] == 500  # its test loss is on 500 test images


def test_resume_without_out_saves_back_to_the_resumed_file(trained, tmp_path, monkeypatch):
    """Reported: `train --resume x.pt --epochs 1` without --out wrote a new model.pt in the
    working folder and left x.pt as it was."""
    resumed = tmp_path / "x.pt"
    resumed.write_bytes(trained.read_bytes())
    monkeypatch.chdir(tmp_path)
    assert main(["train", "--resume", str(resumed), "--epochs", "1", "--train-size", "500",
                 "--test-size", "100", "--quiet"]) == 0
    assert not (tmp_path / "model.pt").exists()
    assert [h["epoch"] for h in checkpoint.load(resumed).history] == [1, 2]


def test_old_argument_names_still_work(tmp_path):
    out = tmp_path / "old.pt"
    assert main(["train", "--epochs", "1", "--subset", "300", "--test-subset", "100",
                 "--latent-dim", "2", "--hidden", "16", "--quiet", "--out", str(out)]) == 0
    assert checkpoint.load(out).train_config["train_size"] == 300


def test_train_arguments_come_from_the_settings_table(capsys):
    from vae_desktop.core.settings import SETTINGS

    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for setting in SETTINGS.values():
        assert setting.flag in text
    assert "from 8 to 8,192" in text  # hidden: the table's range, not a copy of it


def test_resume_adds_epochs(trained, tmp_path):
    out = tmp_path / "more.pt"
    assert main(["train", "--resume", str(trained), "--epochs", "1", "--train-size", "1000",
                 "--test-size", "200", "--quiet", "--compact", "--out", str(out)]) == 0
    ckpt = checkpoint.load(out)
    assert [h["epoch"] for h in ckpt.history] == [1, 2]
    assert ckpt.optimizer_state is None  # --compact


def test_eval_json_matches_direct_evaluation(trained, capsys):
    assert main(["eval", str(trained), "--json", "--test-size", "300", "--device", "cpu"]) == 0
    result = json.loads(capsys.readouterr().out)
    direct = evaluate(checkpoint.load(trained).model, *load_split("test", size=300))
    for key in ("test_loss", "recon", "kl"):
        assert result[key] == pytest.approx(direct[key], rel=1e-6)


def test_sample_writes_a_png(trained, tmp_path, capsys):
    out = tmp_path / "grid.png"
    assert main(["sample", str(trained), "--n", "16", "--label", "3", "--out", str(out)]) == 0
    with Image.open(out) as img:
        assert img.size == ((2 + 8 * 30) * 2, (2 + 2 * 30) * 2)  # 8x2 tiles, scaled x2


@pytest.mark.parametrize("argv, message", [
    (["train", "--epochs", "x"], "epochs must be an integer from 1 to 10,000, got 'x'"),
    (["train", "--epochs", "0", "--quiet"], "epochs must be an integer from 1 to 10,000, got 0"),
    (["train", "--arch", "rnn"], "architecture must be one of mlp, conv, got 'rnn'"),
    (["train", "--hidden", "9000"], "hidden units must be an integer from 8 to 8,192, got 9000"),
    (["train", "--lr", "0"], "learning rate must be a number above 0 and at most 1, got 0"),
    (["train", "--device", "tpu", "--epochs", "1"],
     "unknown device 'tpu': choose one of auto, cpu, cuda, cuda:N"),
    (["eval", "missing.pt"], "no such file"),
    (["train", "--digits", ""], "--digits: name at least one digit, like 0,1,2"),
    # An option before the command: argparse said "invalid choice: '3'".
    (["--latent-dim", "3"], "the command comes first, as in vae-desktop train --latent-dim 3"),
    (["--test-size", "9", "eval", "m.pt"], "as in vae-desktop eval --test-size 9 m.pt"),
    (["train", "--beta", "-1"], "beta (KL weight) must be a number from 0 to 1,000, got -1"),
    (["train", "--beta-warmup", "-1"], "KL warm-up (epochs) must be an integer from 0 to 10,000"),
    # --subset is the training images on train, anomaly and sweep; on eval it was the test
    # images: now --test-size (or --test-subset, as train and sweep), and --subset says so.
    (["eval", "m.pt", "--subset", "500"], "eval scores test images: use --test-size 500"),
    (["train", "--movie", "a.png", "--quiet"], "--movie must end in .gif (got 'a.png')"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_arguments_exit_2_with_one_line(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err


def test_bad_checkpoint_and_label(tmp_path, trained, capsys):
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a checkpoint")
    assert main(["eval", str(bad)]) == 2
    assert main(["sample", str(trained), "--label", "12", "--out", str(tmp_path / "x.png")]) == 2
    err = capsys.readouterr().err
    assert "bad.pt is not a vae-desktop checkpoint" in err and "--label must be 0..9" in err


def test_version_via_python_dash_m():
    result = subprocess.run([sys.executable, "-m", "vae_desktop", "--version"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == f"vae-desktop {__version__}"


def test_ctrl_c_stops_cleanly_after_saving(tmp_path):
    import os
    import signal
    import time

    out = tmp_path / "interrupted.pt"
    proc = subprocess.Popen(
        [sys.executable, "-m", "vae_desktop", "train", "--epochs", "500", "--train-size", "1000",
         "--test-size", "100", "--latent-dim", "2", "--hidden", "32", "--device", "cpu",
         "--quiet", "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ})
    deadline = time.time() + 120
    while not out.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert out.exists(), proc.communicate()[1]
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "stopped: saved" in err and "Traceback" not in err
    ckpt = checkpoint.load(out)
    assert 1 <= ckpt.epochs < 500



def test_a_run_stopped_before_its_first_epoch_leaves_the_out_file_as_it_was(tmp_path, monkeypatch,
                                                                           capsys):
    """Ctrl+C early in a run wrote an untrained model over the model already at --out."""
    from vae_desktop import cli
    from vae_desktop.core.training import StepEvent, Trainer

    keep = tmp_path / "keep.pt"
    checkpoint.save(keep, new_model(1, latent_dim=2, hidden=16), [{"epoch": 1, "test_loss": 200.0}])
    before = keep.read_bytes()
    real = Trainer.events

    def stopped_at_once(self):
        for event in real(self):
            if isinstance(event, StepEvent):
                self.stop()  # what the first Ctrl+C does
            yield event

    monkeypatch.setattr(Trainer, "events", stopped_at_once)
    code = cli.main(["train", "--epochs", "2", "--train-size", "1000", "--test-size", "100",
                     "--latent-dim", "2", "--hidden", "16", "--quiet", "--out", str(keep)])
    assert code == 130 and keep.read_bytes() == before
    assert "nothing saved" in capsys.readouterr().err


def test_eval_counts_one_epoch_in_the_singular(trained, capsys):
    assert main(["eval", str(trained), "--test-size", "200"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.endswith(", 1 epoch)") and "1 epochs" not in first


def test_a_sweeps_train_it_longer_line_trains_its_best_trial_again(tmp_path, capsys):
    """The sweep's closing line, `train it longer: vae-desktop train …`, left out the trial's
    seed and its training images, and rounded its learning rate to three digits: run for the
    trial's epochs, it trained another model. Now it gives the same test loss as the trial."""
    storage = f"journal://{(tmp_path / 'sweep.log').as_posix()}"
    assert main(["sweep", "--storage", storage, "--study", "again", "--trials", "1", "--seed", "5",
                 "--vary", "lr,beta", "--epochs", "1", "--subset", "300", "--test-subset", "100",
                 "--hidden", "32", "--latent-dim", "3", "--no-prune"]) == 0
    out = capsys.readouterr().out
    [line] = [line for line in out.splitlines() if "train it longer:" in line]
    command = line.split("train it longer: vae-desktop ", 1)[1].split()
    assert command[0] == "train" and "--seed" in command and "--train-size" in command
    [checkpoint_line] = [line for line in out.splitlines() if "checkpoint:" in line]
    trial = checkpoint.load(checkpoint_line.split("checkpoint: ", 1)[1].strip())
    again = tmp_path / "again.pt"
    epochs = command.index("--epochs")
    assert main([*command[:epochs], *command[epochs + 2:], "--epochs", "1", "--test-size", "100",
                 "--quiet", "--out", str(again)]) == 0
    assert checkpoint.load(again).history[-1]["test_loss"] == pytest.approx(
        trial.history[-1]["test_loss"], abs=1e-4)


def test_eval_says_how_many_test_images_it_scored(trained, capsys):
    """`eval --test-size 500` never said that only 500 images were scored."""
    assert main(["eval", str(trained), "--test-subset", "500", "--device", "cpu"]) == 0
    assert "scored on the first 500 of the 10,000 test images (grey levels)" in capsys.readouterr().out
    assert main(["eval", str(trained), "--test-size", "0", "--device", "cpu"]) == 0
    assert "scored on all 10,000 test images (grey levels)" in capsys.readouterr().out


def test_a_sweep_that_mixes_budgets_says_so(tmp_path, capsys):
    """A study's trials trained 1 epoch on 300 images; a second run with 2 epochs added its
    trials without a word, and its best was then compared with trials that had half the
    training. The command line still adds them (workers of one study may differ on purpose),
    but says how the budgets differ."""
    storage = f"journal://{(tmp_path / 'sweep.log').as_posix()}"
    common = ["sweep", "--storage", storage, "--study", "mixed", "--trials", "1", "--vary", "lr",
              "--subset", "300", "--test-subset", "100", "--hidden", "16", "--latent-dim", "2",
              "--no-prune"]
    assert main([*common, "--epochs", "1"]) == 0
    assert "where these settings say" not in capsys.readouterr().err
    assert main([*common, "--epochs", "2", "--seed", "2"]) == 0
    err = capsys.readouterr().err
    assert "note: study mixed's trials used 1 epoch per trial where these settings say 2" in err
    assert main([*common, "--epochs", "2", "--seed", "3"]) == 0  # the same as the last: still
    assert "where these settings say" in capsys.readouterr().err  # mixed with the first


def test_a_sweeps_values_are_written_alike():
    """A trial's test loss of 180.96 was printed "181" beside another's "184.4" (4 significant
    digits): a loss now has one decimal and an AUROC three, as in the Sweep tab's table."""
    from vae_desktop.core.sweep import objective_text

    assert [objective_text("test_loss", v) for v in (180.96, 184.43, 1023.4)] == [
        "181.0", "184.4", "1023.4"]
    assert objective_text("auroc", 0.734567) == "0.735"
