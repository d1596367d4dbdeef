"""The one table of training settings: name, type, range, default and help text.

Model and trainer validation, the sweep's ranges, the command line's arguments and every form
widget are built from `SETTINGS`, so a limit is written once. A value out of range is refused
with a message that says the range; nothing is clamped.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

TRAIN_IMAGES = 60_000  # MNIST's training split
NUM_CLASSES = 10  # a conditional model is conditioned on the ten digits


@dataclass(frozen=True)
class Setting:
    name: str  # the field name everywhere: configs, checkpoints, sweeps, QSettings keys
    label: str  # how a person reads it: form labels and messages
    kind: type  # int, float, bool or str
    default: Any
    help: str
    low: float | None = None  # inclusive bounds, unless low_exclusive
    high: float | None = None
    low_exclusive: bool = False
    choices: tuple = ()  # for str settings
    log: bool = False  # a range best sampled and stepped on a log scale
    step: float = 1  # a form's step
    decimals: int = 0  # a form's decimals (floats)
    aliases: tuple = ()  # further command-line flags, e.g. the verb form of a bool's name

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def in_sentence(self) -> str:
        """The label inside a sentence: "beta (KL weight)", "KL warm-up (epochs)" (an acronym
        keeps its capitals)."""
        label = self.label
        return label if label[1:2].isupper() else label[:1].lower() + label[1:]

    @property
    def tooltip(self) -> str:
        """The help with the range of a number ("Adam learning rate; … (a number above 0 and at
        most 1)"), as a form shows it; the CLI's help adds the range and the default itself."""
        numeric = self.kind in (int, float) and not self.choices
        return f"{self.help} ({self.range_text()})" if numeric else self.help

    def range_text(self) -> str:
        if self.choices:
            return "one of " + ", ".join(map(str, self.choices))
        if self.kind is bool:
            return "true or false"
        unit = "an integer" if self.kind is int else "a number"
        if self.low_exclusive:
            return f"{unit} above {_fmt(self.low)} and at most {_fmt(self.high)}"
        return f"{unit} from {_fmt(self.low)} to {_fmt(self.high)}"

    def problem(self, value: Any) -> str | None:
        """Why `value` is not allowed, or None when it is."""
        if self.kind is bool:
            ok = isinstance(value, bool)
        elif self.kind is str:
            ok = isinstance(value, str) and (not self.choices or value in self.choices)
        elif self.kind is int:
            ok = isinstance(value, int) and not isinstance(value, bool) and self._in_range(value)
        else:
            ok = (isinstance(value, (int, float)) and not isinstance(value, bool)
                  and math.isfinite(value) and self._in_range(value))
        if ok:
            return None
        return f"{self.in_sentence} must be {self.range_text()}, got {value!r}"

    def _in_range(self, value: float) -> bool:
        if self.low is not None and (value <= self.low if self.low_exclusive else value < self.low):
            return False
        return self.high is None or value <= self.high

    def parse(self, text: str) -> Any:
        """A value from text (a command line, a QSettings string); ValueError says why not."""
        text = str(text).strip()
        try:
            if self.kind is bool:
                if text.lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                    raise ValueError
                value: Any = text.lower() in ("1", "true", "yes", "on")
            elif self.kind is int:
                number = float(text)
                if not number.is_integer():
                    raise ValueError
                value = int(number)
            elif self.kind is float:
                value = float(text)
            else:
                value = text
        except ValueError:
            raise ValueError(f"{self.in_sentence} must be {self.range_text()}, got {text!r}") from None
        problem = self.problem(value)
        if problem:
            raise ValueError(problem)
        return value


def _fmt(value: float | None) -> str:
    if value is None:
        return "any"
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:g}"


_TABLE = (
    # The model
    Setting("arch", "Architecture", str, "mlp", choices=("mlp", "conv"),
            help="The classic fully connected VAE (mlp), or a small convolutional one (conv): "
                 "lower loss, slower per epoch"),
    Setting("latent_dim", "Latent dimensions", int, 20, low=1, high=512,
            help="Size of the latent code z. 2 lets the Latent space tab map the codes "
                 "directly; 16-20 reconstructs better"),
    Setting("hidden", "Hidden units", int, 400, low=8, high=8192, step=50,
            help="Units in each hidden layer"),
    Setting("layers", "Hidden layers", int, 1, low=1, high=4,
            help="Hidden layers in the encoder and, mirrored, in the decoder: 1 is the classic "
                 "VAE; 2 (as in Burda et al.'s) fits binarised MNIST's likelihood better"),
    Setting("conditional", "Conditional", bool, False,
            help="Give the digit label to encoder and decoder (a CVAE), so you can ask for a "
                 "particular digit"),
    Setting("beta", "Beta (KL weight)", float, 1.0, low=0.0, high=1000.0, step=0.1, decimals=2,
            help="Weight of the KL term: 1 is the true ELBO; above 1 (beta-VAE) trades "
                 "reconstruction for a tidier latent space"),
    Setting("binarized", "Binarised MNIST", bool, False, aliases=("--binarize",),
            help="Train on dynamically binarised MNIST, the likelihood papers' protocol: every "
                 "pixel is redrawn as 0 or 1 with its grey level as probability in every batch, "
                 "and the test set is one fixed, seeded binarisation"),
    # The training run
    Setting("lr", "Learning rate", float, 1e-3, low=0.0, high=1.0, low_exclusive=True, log=True,
            decimals=6, help="Adam learning rate; 0.001 is the classic choice"),
    Setting("batch_size", "Batch size", int, 128, low=1, high=65_536, help="Images per gradient step"),
    Setting("epochs", "Epochs", int, 10, low=1, high=10_000, help="Passes over the training images"),
    Setting("beta_warmup", "KL warm-up (epochs)", int, 0, low=0, high=10_000,
            help="Raise beta linearly, batch by batch, from 0 to its value over this many epochs "
                 "(0: no warm-up), so the code is used before the KL term pulls it to the prior"),
    Setting("seed", "Seed", int, 1, low=0, high=2**31 - 1,
            help="Random seed: the same seed and settings give the same model"),
    Setting("train_size", "Training images", int, 0, low=0, high=TRAIN_IMAGES, step=1000,
            help="Train on the first N training images, for a quick run (0: all 60,000); the "
                 "test loss is always measured on the test set"),
    Setting("precision", "Precision", str, "auto", choices=("fp32", "bf16", "auto"),
            help="Arithmetic of the matrix products: fp32, or bf16 autocast (weights, Adam and "
                 "the loss stay fp32); auto, the default, is bf16 for the MLP where the hardware "
                 "computes it natively (a CUDA GPU, or a CPU with AMX or AVX512-BF16) and fp32 "
                 "elsewhere; the conv model stays fp32 under auto (bf16 trains it about 1.5x "
                 "faster on such a CPU, its 10-epoch loss within 0.6 nats of fp32's)"),
)
SETTINGS: dict[str, Setting] = {s.name: s for s in _TABLE}
MODEL_SETTINGS = ("arch", "latent_dim", "hidden", "layers", "conditional", "beta", "binarized")
TRAIN_SETTINGS = ("lr", "batch_size", "epochs", "beta_warmup", "seed", "train_size",
                  "precision")


def defaults(names: Iterable[str] = SETTINGS) -> dict[str, Any]:
    return {name: SETTINGS[name].default for name in names}


def problems(values: Mapping[str, Any], names: Iterable[str] | None = None) -> list[str]:
    """Why these values are not allowed (only the names given, or every known key in `values`)."""
    names = [n for n in values if n in SETTINGS] if names is None else list(names)
    out = []
    for name in names:
        problem = SETTINGS[name].problem(values.get(name))
        if problem:
            out.append(problem)
    return out


def check(values: Mapping[str, Any], names: Iterable[str] | None = None) -> None:
    """Raise ValueError listing every problem, or return."""
    found = problems(values, names)
    if found:
        raise ValueError("; ".join(found))


def num_classes(conditional: bool) -> int:
    """The one place where `conditional` becomes the model's class count."""
    return NUM_CLASSES if conditional else 0


def model_kwargs(values: Mapping[str, Any]) -> dict[str, Any]:
    """VAE(...) keyword arguments from table values (conditional becomes num_classes)."""
    return {"latent_dim": values["latent_dim"], "hidden": values["hidden"], "arch": values["arch"],
            "num_classes": num_classes(bool(values["conditional"])), "beta": float(values["beta"]),
            "layers": values.get("layers", 1), "binarized": bool(values.get("binarized", False))}


def from_saved(values: Mapping[str, Any]) -> dict[str, Any]:
    """Table values from a saved dict: a checkpoint's model config (num_classes) and train_config
    (subset), a sweep's parameters, or QSettings strings. Unknown keys are dropped; a value that
    is out of range raises ValueError (it is never clamped)."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key == "num_classes":
            key, value = "conditional", _as_int(value) > 0
        elif key == "subset":  # the name checkpoints written before 0.2 use
            key, value = "train_size", value or 0
        if key not in SETTINGS or value is None:
            continue
        setting = SETTINGS[key]
        if isinstance(value, str) and setting.kind is not str:
            value = setting.parse(value)
        elif setting.kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        problem = setting.problem(value)
        if problem:
            raise ValueError(problem)
        out[key] = value
    return out


def _as_int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
