"""The `vae-desktop` command's arguments: the parser, its subcommands and their help, and the
types that check a value as it is parsed (naming its flag). A parse error is one line (a
UsageError), not argparse's usage block; options given before the command
(`vae-desktop --latent-dim 3 train`), which argparse would misread as the command ("invalid
choice: '3'"), are answered by options_before_command."""

from __future__ import annotations

import argparse
import textwrap

from vae_desktop import __version__, desktop_entry
from vae_desktop.cli.checks import bundled_model_names
from vae_desktop.cli.shared import UsageError
from vae_desktop.core.settings import SETTINGS, TRAIN_IMAGES, Setting

TEST_IMAGES = 10_000  # the test split of MNIST, Fashion-MNIST and KMNIST
DESCRIPTION = "The vae-desktop command: no arguments opens the GUI; subcommands drive the same core."


class _Formatter(argparse.HelpFormatter):
    """argparse's help, wrapped at spaces only: not inside "mnist-vae-z2" or "vae-desktop"."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return textwrap.fill(" ".join(text.split()), width, initial_indent=indent,
                             subsequent_indent=indent, break_on_hyphens=False)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str):  # one line, not the usage block
        raise UsageError(message)


class _Subcommands:
    """`add_parser` of the subcommands, each of which gets its one-line help as the description
    that its own --help shows (desktop_entry adds its commands through this too)."""

    def __init__(self, sub) -> None:
        self.sub = sub

    def add_parser(self, name: str, **kwargs) -> argparse.ArgumentParser:
        help_text = kwargs.get("help")
        if help_text and not kwargs.get("description"):
            kwargs["description"] = help_text[0].upper() + help_text[1:] + "."
        return self.sub.add_parser(name, **kwargs)


class _Renamed(argparse.Action):
    """A flag this command no longer takes (not in its help): using it says what to use."""

    def __init__(self, option_strings, dest, use: str, **kwargs) -> None:
        self.use = use
        super().__init__(option_strings, dest, help=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        parser.error(self.use.format(value=values))


def _digits(text: str) -> tuple[int, ...]:
    try:
        digits = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError:
        raise argparse.ArgumentTypeError(f"digits must be like 0,1,2 (got {text!r})") from None
    if not digits:
        raise argparse.ArgumentTypeError("name at least one digit, like 0,1,2")
    if any(d < 0 or d > 9 for d in digits):
        raise argparse.ArgumentTypeError(f"digits must lie in 0..9 (got {text!r})")
    return digits


def setting_type(setting: Setting):
    """An argparse type that parses a value by the settings table's rule (its range)."""
    def parse(text: str):
        try:
            if setting.kind is int and text.strip().lstrip("+-").isdigit():
                # Exactly: Setting.parse goes through float, and a refusal would quote
                # 99999999999999999999 as 100000000000000000000.
                value = int(text)
                problem = setting.problem(value)
                if problem:
                    raise ValueError(problem)
                return value
            return setting.parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = setting.name
    return parse


def size_type(what: str, most: int, least: int = 1):
    """Image counts: 0 means all (parsed as None), else from `least` to `most`."""
    def parse(text: str) -> int | None:
        try:
            number = float(text)
            if not number.is_integer():
                raise ValueError
            value = int(number)
        except (ValueError, OverflowError):
            value = None
        if value == 0:
            return None
        if value is None or not least <= value <= most:
            raise argparse.ArgumentTypeError(
                f"{what} must be 0 (all) or an integer from {least:,} to {most:,}, got {text!r}")
        return value

    parse.__name__ = what
    return parse


def _add_setting(p: argparse.ArgumentParser, setting: Setting, default=None,
                 help_text: str | None = None) -> None:
    """One argument from the settings table: its type, range and help in one place. `default`:
    None unless given, so that a resumed run can tell a flag given from one left out; the help
    states the table's default (or `help_text`, for a command with a default of its own)."""
    if setting.kind is bool:
        p.add_argument(setting.flag, *setting.aliases, dest=setting.name, action="store_true",
                       default=default, help=setting.help)
        return
    flags = [setting.flag] + (["--subset"] if setting.name == "train_size" else [])  # the old name
    shown = setting.default if default is None else default
    p.add_argument(*flags, dest=setting.name, type=setting_type(setting), default=default,
                   metavar=setting.name.upper(),
                   help=f"{help_text or setting.help} ({setting.range_text()}; default {shown})")


def _add_data_args(p: argparse.ArgumentParser, default: str | None = "mnist") -> None:
    p.add_argument("--data-dir", metavar="DIR",
                   help="a torchvision dataset folder instead of the bundled MNIST: DIR/MNIST/raw/ "
                        "(or FashionMNIST, KMNIST) with the four unpacked idx files; nothing is "
                        "downloaded")
    p.add_argument("--dataset", default=default, choices=("mnist", "fashion-mnist", "kmnist"),
                   help="which dataset in --data-dir (default: mnist)")


DEVICE_HELP = "auto, cpu, cuda, cuda:N or mps (default: auto)"
BUNDLED_HELP = "or a bundled model's name, as mnist-vae-z2 (vae-desktop --help lists them)"
QUIET_HELP = "no progress bar (drawn only where stderr is a terminal)"
TEST_SIZE_HELP = "evaluate on the first N test images (0: all 10,000, the default)"


def build_parser() -> argparse.ArgumentParser:
    names = bundled_model_names()
    parser = _Parser(prog="vae-desktop", description=DESCRIPTION, epilog=(
        f"Bundled models, which eval, sample and train --resume take by name: {', '.join(names)}."
        if names else None))
    parser.add_argument("--version", action="version", version=f"vae-desktop {__version__}")
    sub = _Subcommands(parser.add_subparsers(dest="command", parser_class=_Parser))
    test_size = size_type("test images", TEST_IMAGES)

    t = sub.add_parser("train", help="train a VAE and save a checkpoint after every epoch")
    for setting in SETTINGS.values():
        _add_setting(t, setting)
    t.add_argument("--device", default="auto", help=DEVICE_HELP)
    t.add_argument("--out", help="checkpoint path (default: model.pt, or the --resume file)")
    t.add_argument("--resume", help="continue training this checkpoint (saved back to it unless "
                                    "--out names another file; a bundled model needs --out), with "
                                    "the training settings it records unless given again; "
                                    "--epochs is how many to add, and the model's shape cannot "
                                    f"change. A .pt file {BUNDLED_HELP}")
    t.add_argument("--digits", type=_digits, help="train on these digits only, e.g. 0,1,2")
    t.add_argument("--test-size", "--test-subset", dest="test_size", type=test_size,
                   help=TEST_SIZE_HELP)
    t.add_argument("--quiet", action="store_true",
                   help="no progress bar (drawn only where stderr is a terminal) and no line per "
                        "epoch")
    t.add_argument("--compact", action="store_true",
                   help="leave the optimizer state out of the checkpoint (a third of the size; "
                        "resuming then restarts Adam's moment estimates)")
    t.add_argument("--movie", metavar="GIF",
                   help="also write the latent space forming as an animated GIF: 2,000 test "
                        "digits re-encoded at the start, every 200 steps and after each epoch")
    _add_data_args(t, default=None)

    e = sub.add_parser("eval", help="test-set negative ELBO, reconstruction and KL per image")
    e.add_argument("checkpoint", help=f"the model to evaluate: a .pt file written by train, {BUNDLED_HELP}")
    e.add_argument("--json", action="store_true", help="print JSON")
    e.add_argument("--device", default="auto", help=DEVICE_HELP)
    e.add_argument("--iwae", type=int, metavar="K",
                   help="also estimate the test log-likelihood by importance sampling with K "
                        "samples per image (Burda et al.'s protocol uses 5000); adds iwae_nll "
                        "and iwae_k to --json")
    e.add_argument("--quiet", action="store_true", help=QUIET_HELP)
    e.add_argument("--test-size", "--test-subset", dest="test_size", type=test_size,
                   help=TEST_SIZE_HELP)
    e.add_argument("--subset", action=_Renamed,
                   use="eval scores test images: use --test-size {value} (--subset is the "
                       "training images on train, anomaly and sweep)")
    _add_data_args(e)

    s = sub.add_parser("sample", help="decode random codes into a PNG grid, or a .npy of the images")
    s.add_argument("checkpoint", help=f"the model to sample from: a .pt file written by train, "
                                      f"{BUNDLED_HELP}")
    s.add_argument("--n", type=int, default=64, help="how many images, from 1 to 1,024 (default: 64)")
    s.add_argument("--label", type=int, help="digit to generate (conditional models)")
    s.add_argument("--temperature", type=float, default=1.0,
                   help="prior: z ~ N(0, t^2 I); mixture: component mean + t x its spread (default 1)")
    _add_setting(s, SETTINGS["seed"], default=0,
                 help_text="random seed of the codes: the same seed gives the same images")
    s.add_argument("--sampler", default="prior", choices=("prior", "mixture"),
                   help="prior N(0, I) (default), or the aggregate posterior: a Gaussian mixture "
                        "fitted to the training set's codes (one per digit for a conditional "
                        "model), fitted once per model's weights and cached")
    s.add_argument("--out", default="samples.png",
                   help="a .png gets the grid; a .npy the raw images, float32 [N, 28, 28] in "
                        "[0, 1] (default: samples.png)")
    s.add_argument("--quiet", action="store_true", help="no progress while the mixture is fitted")

    a = sub.add_parser("anomaly", help="held-out-digit anomaly detection: train without a digit, "
                                       "print the AUROC")
    a.add_argument("--holdout", type=_digits, required=True, help="digit(s) to hold out, e.g. 7")
    _add_setting(a, SETTINGS["epochs"], default=SETTINGS["epochs"].default)
    a.add_argument("--score", choices=("elbo", "recon"), default="elbo",
                   help="reconstruction + KL at z = μ (elbo) or reconstruction error (recon) "
                        "(default: elbo)")
    a.add_argument("--percentile", type=float, default=95.0,
                   help="threshold at this percentile of the training scores (default: 95)")
    _add_setting(a, SETTINGS["train_size"], default=SETTINGS["train_size"].default,
                 help_text="Train on the first N training images of the digits not held out, "
                           "for a quick run (0: all of them); the AUROC is always scored on all "
                           f"{TEST_IMAGES:,} test images")
    _add_setting(a, SETTINGS["seed"], default=SETTINGS["seed"].default)
    a.add_argument("--device", default="auto", help=DEVICE_HELP)
    a.add_argument("--json", action="store_true", help="print JSON")
    a.add_argument("--out", help="also save the trained model to this checkpoint")
    a.add_argument("--quiet", action="store_true", help=QUIET_HELP)

    w = sub.add_parser("sweep", help="hyperparameter sweep with Optuna (TPE sampler, median pruner); "
                                     "several processes or machines can share one study")
    w.add_argument("--storage", help="Optuna database URL, e.g. postgresql://user:pw@host/db, or a "
                                     "journal file on a shared folder, journal:///path/sweep.log "
                                     "(default: sweeps.db in the app data folder)")
    w.add_argument("--study", default="vae-sweep",
                   help="study name; an existing one is resumed (default: vae-sweep)")
    w.add_argument("--trials", type=int, default=20, help="trials this process adds (default: 20)")
    w.add_argument("--epochs", type=int, default=3, help="epochs per trial (default: 3)")
    w.add_argument("--train-size", "--subset", dest="train_size", default=10_000,
                   type=size_type("training images", TRAIN_IMAGES, least=10),
                   help="train on the first N training images (default: 10000; 0: all)")
    w.add_argument("--test-size", "--test-subset", dest="test_size", default=2_000,
                   type=size_type("test images", TEST_IMAGES, least=10),
                   help="evaluate on the first N test images (default: 2000; 0: all)")
    w.add_argument("--objective", choices=("test_loss", "auroc"), default="test_loss",
                   help="minimise the test negative ELBO (test_loss, the default), or maximise "
                        "the AUROC of --holdout")
    # None unless given (cmd_sweep refuses it without --objective auroc); the default stated is
    # SweepSpec's (not imported: the CLI starts without Optuna).
    w.add_argument("--holdout", type=int,
                   help="digit left out for --objective auroc, and only with it (default: 2; "
                        "held-out 1s, 7s and 9s score no higher than the digits a model saw)")
    w.add_argument("--vary", default="latent_dim,lr",
                   help="settings to vary: latent_dim,hidden,lr,batch_size,beta,arch "
                        "(default: latent_dim,lr)")
    w.add_argument("--latent-dim", help="range LOW:HIGH if varied (default 2:32), else a value")
    w.add_argument("--hidden", help="choices A,B,.. if varied (default 128,256,400,512), else a value")
    w.add_argument("--lr", help="range LOW:HIGH, log scale, if varied (default 1e-4:1e-2), else a value")
    w.add_argument("--batch-size", help="choices if varied (default 64,128,256), else a value")
    w.add_argument("--beta", help="range LOW:HIGH if varied (default 0.5:2), else a value")
    w.add_argument("--arch", help="choices mlp,conv if varied, else mlp or conv")
    w.add_argument("--conditional", action="store_true", help="train conditional VAEs")
    w.add_argument("--no-prune", action="store_true",
                   help="train every trial to the end (default: the median pruner stops laggards)")
    w.add_argument("--seed", type=setting_type(SETTINGS["seed"]),
                   help="sampler and training seed, from 0 to 2,147,483,647 (default: random; "
                        "give each worker its own)")
    w.add_argument("--device", default="auto", help=DEVICE_HELP)
    w.add_argument("--heartbeat", type=int, default=30, metavar="S",
                   help="a running trial tells the storage it is alive every S seconds (default: 30)")
    w.add_argument("--grace", type=int, default=120, metavar="S",
                   help="a trial silent for S seconds (its worker died) is marked failed by the next "
                        "worker to start a trial (default: 120)")
    w.add_argument("--retry-failed", type=int, default=0, metavar="N",
                   help="run a trial whose worker died again, up to N times (default: 0)")
    desktop_entry.add_parsers(sub)
    return parser


def options_before_command(argv: list[str]) -> str:
    """What to say to options given before the command: the same words with the command first,
    where one command has all those options (the one named, else train, else the first), or
    which option no command (or not the one named) has. The commands are the parser's, listed
    in its order."""
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    names = list(sub.choices)
    options = [word.split("=", 1)[0] for word in argv if word.startswith("-") and word != "-"]

    def has(command: str, option: str) -> bool:  # argparse takes an option's unique start too
        return any(known.startswith(option) for known in sub.choices[command]._option_string_actions)

    named = [word for word in argv if word in names][:1]
    if named:
        lacking = [option for option in options if not has(named[0], option)]
        if lacking:
            return (f"{lacking[0]} is not an option of {named[0]}: the command comes first, then "
                    f"its options (vae-desktop {named[0]} --help lists them).")
        candidates = named
    else:
        candidates = [c for c in names if all(has(c, option) for option in options)]
        candidates.sort(key=lambda c: c != "train")
    commands = ", ".join(names)
    if not candidates:
        unknown = [o for o in options if not any(has(c, o) for c in names)] or options
        return (f"{unknown[0]} is not an option of any command: the command comes first, then "
                f"its options (commands: {commands}; vae-desktop COMMAND --help lists its "
                "options).")
    rest = [word for word in argv if word != candidates[0]]
    return (f"the command comes first, as in vae-desktop {candidates[0]} {' '.join(rest)} "
            f"(commands: {commands})")
