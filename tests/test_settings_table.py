"""The one table of settings: every limit is written once, and values out of range are refused,
never clamped."""

from __future__ import annotations

import pytest

from vae_desktop.core import settings
from vae_desktop.core.model import VAEConfig
from vae_desktop.core.settings import SETTINGS
from vae_desktop.core.training import TrainConfig


def test_every_default_is_allowed_and_every_setting_has_help():
    for setting in SETTINGS.values():
        assert setting.problem(setting.default) is None, setting.name
        assert len(setting.help) > 20 and setting.label


@pytest.mark.parametrize("name, good, bad", [
    ("latent_dim", 512, 513), ("hidden", 8192, 8193), ("beta", 1000.0, 1000.5),
    ("lr", 1.0, 1.5), ("batch_size", 65_536, 65_537), ("epochs", 10_000, 10_001),
])
def test_model_and_trainer_validation_use_the_table(name, good, bad):
    build = (lambda v: VAEConfig(**{name: v})) if name in settings.MODEL_SETTINGS else (
        lambda v: TrainConfig(**{name: v}))
    build(good)
    with pytest.raises(ValueError) as error:
        build(bad)
    assert SETTINGS[name].problem(bad) in str(error.value)


def test_messages_say_the_range_in_words():
    assert SETTINGS["hidden"].problem(9000) == (
        "hidden units must be an integer from 8 to 8,192, got 9000")
    assert SETTINGS["lr"].problem(0) == "learning rate must be a number above 0 and at most 1, got 0"
    assert SETTINGS["arch"].problem("rnn") == "architecture must be one of mlp, conv, got 'rnn'"
    assert SETTINGS["latent_dim"].problem(True) is not None  # a bool is not an integer here
    assert SETTINGS["beta"].problem(float("nan")) is not None


def test_parse_reads_text_and_refuses_what_is_out_of_range():
    assert SETTINGS["latent_dim"].parse(" 16 ") == 16
    assert SETTINGS["latent_dim"].parse("16.0") == 16
    assert SETTINGS["lr"].parse("5e-4") == pytest.approx(5e-4)
    assert SETTINGS["conditional"].parse("true") is True
    for name, text in (("latent_dim", "2.5"), ("latent_dim", "0"), ("lr", "abc"),
                       ("conditional", "maybe")):
        with pytest.raises(ValueError, match=SETTINGS[name].label.lower()):
            SETTINGS[name].parse(text)


def test_from_saved_converts_old_names_and_never_clamps():
    values = settings.from_saved({"num_classes": 10, "subset": 2000, "hidden": "8192",
                                  "lr": "0.001", "beta": 3, "digits": None, "dataset": "mnist"})
    assert values == {"conditional": True, "train_size": 2000, "hidden": 8192, "lr": 0.001,
                      "beta": 3.0}
    assert isinstance(values["beta"], float)
    with pytest.raises(ValueError, match="hidden units must be an integer from 8 to 8,192"):
        settings.from_saved({"hidden": 9000})


def test_conditional_becomes_ten_classes_in_one_place():
    kwargs = settings.model_kwargs({**settings.defaults(), "conditional": True})
    assert kwargs["num_classes"] == settings.num_classes(True) == 10
    assert settings.num_classes(False) == 0
