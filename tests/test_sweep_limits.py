"""A sweep's ranges, choices and fixed values have the limits of the one settings table
(core.settings), and a value beyond them is refused in the table's words."""

from __future__ import annotations

import pytest

from vae_desktop.core import settings as table
from vae_desktop.core import sweep
from vae_desktop.core.sweep import SweepError, SweepSpec


def _lowest(setting: table.Setting):
    return setting.low if not setting.low_exclusive else setting.low + 1e-9


def _beyond(setting: table.Setting):
    return setting.high + 1 if setting.kind is int else setting.high * 1.5


@pytest.mark.parametrize("name", sweep.RANGED)
def test_a_range_reaches_the_table_limits_and_no_further(name):
    s = table.SETTINGS[name]
    spec = SweepSpec(vary=(name,), **{name: (_lowest(s), s.high)})
    dist = spec.distributions()[name]
    assert (dist.low, dist.high) == (_lowest(s), s.high)
    assert dist.log == (s.log or name == "latent_dim")  # latent sizes: log scale, as always
    with pytest.raises(SweepError) as info:
        SweepSpec(vary=(name,), **{name: (_lowest(s), _beyond(s))})
    label = s.label[0].lower() + s.label[1:]
    assert info.value.problems == [
        f"{label} range: each end must be {s.range_text()}, got {_lowest(s):g} to {_beyond(s):g}"]


def test_the_learning_rate_range_cannot_start_at_zero():
    with pytest.raises(SweepError, match=r"learning rate range: each end must be a number above 0"):
        SweepSpec(vary=("lr",), lr=(0.0, 1e-2))


@pytest.mark.parametrize("name", ["hidden", "batch_size"])
def test_choices_reach_the_table_limits_and_no_further(name):
    s = table.SETTINGS[name]
    spec = SweepSpec(vary=(name,), **{name: (int(s.low), int(s.high))})
    assert spec.distributions()[name].choices == (int(s.low), int(s.high))
    with pytest.raises(SweepError) as info:
        SweepSpec(vary=(name,), **{name: (int(s.low), int(s.high) + 1)})
    assert info.value.problems == [f"{s.label.lower()} choices: each must be {s.range_text()}, "
                                   f"got {int(s.high) + 1}"]


def test_architecture_choices_are_the_tables():
    assert SweepSpec(vary=("arch",)).distributions()["arch"].choices == \
        table.SETTINGS["arch"].choices
    with pytest.raises(SweepError, match="architecture choices: each must be one of mlp, conv, "
                                         "got 'rnn'"):
        SweepSpec(vary=("arch",), arch=("mlp", "rnn"))


@pytest.mark.parametrize("name", sweep.SETTINGS)
def test_a_fixed_value_beyond_the_table_is_refused_in_its_words(name):
    s = table.SETTINGS[name]
    bad = "rnn" if s.kind is str else _beyond(s)
    with pytest.raises(SweepError) as info:
        SweepSpec(vary=(), fixed={name: bad})
    assert info.value.problems == [s.problem(bad)]
    # A varied setting's fixed value is not used, so it is not checked either.
    SweepSpec(vary=(name,), fixed={name: bad})


def test_defaults_of_fixed_settings_are_the_tables():
    assert SweepSpec(vary=()).fixed == table.defaults(sweep.SETTINGS)


def test_epochs_and_seed_use_the_table_limits():
    with pytest.raises(SweepError) as info:
        SweepSpec(epochs=table.SETTINGS["epochs"].high + 1, seed=-1)
    assert info.value.problems == [
        f"{table.SETTINGS['epochs'].problem(table.SETTINGS['epochs'].high + 1)} (per trial)",
        table.SETTINGS["seed"].problem(-1)]
