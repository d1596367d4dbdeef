"""`--help` says what every command and argument is, with its default; --test-size and
--train-size mean the same on every command (0: all), and a bad value names its flag."""

from __future__ import annotations

import argparse

import pytest

from vae_desktop.cli import build_parser, main


def subcommands():
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_every_command_has_a_description(name):
    assert subcommands()[name].description, f"`vae-desktop {name} --help` has no description"


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_every_argument_has_help_and_states_its_default(name):
    for action in subcommands()[name]._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        flag = "/".join(action.option_strings) or action.dest
        assert action.help, f"{name} {flag} has no help text"
        takes_value = action.nargs != 0
        if action.option_strings and takes_value and action.default not in (None, False):
            assert "default" in action.help, f"{name} {flag} does not state its default"


@pytest.mark.parametrize("name", ["train", "eval", "sweep"])
def test_test_size_zero_means_all_everywhere(name):
    extra = {"eval": ["m.pt"]}.get(name, [])
    args = build_parser().parse_args([name, *extra, "--test-size", "0"])
    assert not args.test_size  # 0 or None: the whole test set
    action = next(a for a in subcommands()[name]._actions if "--test-size" in a.option_strings)
    assert "0: all" in action.help


@pytest.mark.parametrize("name", ["train", "anomaly", "sweep"])
def test_train_size_zero_means_all_everywhere(name):
    extra = {"anomaly": ["--holdout", "7"]}.get(name, [])
    args = build_parser().parse_args([name, *extra, "--train-size", "0"])
    assert not args.train_size
    action = next(a for a in subcommands()[name]._actions if "--train-size" in a.option_strings)
    assert "0: all" in action.help


def test_anomaly_train_size_zero_trains_on_every_image(monkeypatch):
    from vae_desktop.core import anomaly

    asked = {}

    def spy(holdout, **kwargs):
        asked.update(kwargs)
        raise ValueError("stop here")

    monkeypatch.setattr(anomaly, "holdout_trainer", spy)
    assert main(["anomaly", "--holdout", "7", "--train-size", "0", "--quiet"]) == 2
    assert asked["train_size"] is None


def test_eval_test_size_zero_scores_the_whole_test_set(capsys):
    from vae_desktop.core.paths import bundled_models_dir

    model = str(bundled_models_dir() / "mnist-vae-z2.pt")
    assert main(["eval", model, "--test-size", "0", "--json", "--device", "cpu"]) == 0
    import json

    result = json.loads(capsys.readouterr().out)
    assert sum(row["count"] for row in result["per_digit"]) == 10_000


@pytest.mark.parametrize("argv, flag", [
    (["train", "--test-size", "-1"], "--test-size"),
    (["eval", "m.pt", "--test-size", "-5"], "--test-size"),
    (["sweep", "--test-size", "-5"], "--test-size"),
    (["sweep", "--train-size", "-5"], "--train-size"),
    (["anomaly", "--holdout", "7", "--train-size", "-5"], "--train-size"),
    (["anomaly", "--holdout", "7", "--epochs", "0"], "--epochs"),
    (["anomaly", "--holdout", "7", "--seed", "-1"], "--seed"),
    (["sweep", "--seed", "99999999999999999999"], "--seed"),
])
def test_a_bad_size_or_seed_names_its_flag(argv, flag, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"argument {flag}" in err and err.count("\n") == 1, err


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_no_argument_states_its_range_twice(name):
    # "--lr: above 0 and at most 1; ... (a number above 0 and at most 1; default 0.001)" said
    # the range in the setting's words and again in the parser's.
    for action in subcommands()[name]._actions:
        text = " ".join((action.help or "").split())
        assert text.count("at most") <= 1, f"{name} {action.option_strings}: {text}"


def test_top_level_help_is_plain_text(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "`" not in capsys.readouterr().out


def test_a_missing_checkpoint_is_named_with_its_folder(tmp_path, capsys):
    missing = tmp_path / "nowhere" / "model.pt"
    assert main(["eval", str(missing)]) == 2
    assert f"{missing}: no such file" in capsys.readouterr().err


def test_the_sweeps_held_out_digit_defaults_as_the_tab_and_the_core():
    """The command line's --holdout said 9 (an AUROC of about 0.5: chance) after the Sweep tab
    and SweepSpec moved to 2. The parser leaves it None unless given (cmd_sweep refuses it
    without --objective auroc, and leaves SweepSpec's default otherwise: see test_cli_words);
    its help states SweepSpec's default."""
    from vae_desktop.core.sweep import SweepSpec

    assert build_parser().parse_args(["sweep"]).holdout is None
    action = next(a for a in subcommands()["sweep"]._actions if "--holdout" in a.option_strings)
    assert f"default: {SweepSpec().holdout};" in action.help and SweepSpec().holdout == 2
