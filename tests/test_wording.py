"""Numbers in messages read as English: "1 epoch", "an 8" (issue 16 found "1 epochs" and "a 8")."""

from vae_desktop.core import checkpoint
from vae_desktop.core.model_words import default_name
from vae_desktop.core.paths import bundled_models_dir
from vae_desktop.core.wording import a_digit, article, count, duration, ordinal


def test_counts_are_singular_only_for_one():
    assert count(1, "epoch") == "1 epoch"
    assert count(0, "epoch") == "0 epochs"
    assert count(20000, "image") == "20,000 images"


def test_digits_take_an_before_a_vowel_sound():
    assert [a_digit(d) for d in range(10)] == ["a 0", "a 1", "a 2", "a 3", "a 4", "a 5", "a 6",
                                               "a 7", "an 8", "a 9"]
    assert article(11) == article(18) == article(80) == "an" and article(12) == "a"


def test_a_one_epoch_models_name_is_singular():
    ckpt = checkpoint.load(next(iter(sorted(bundled_models_dir().glob("*.pt")))))  # its own copy
    del ckpt.history[1:]  # epochs are its history's length
    assert ckpt.epochs == 1
    assert "· 1 epoch ·" in default_name(ckpt)


def test_percentiles_read_as_ordinals():
    """The Evaluate tab's threshold at 91 read "91th percentile", and at 95.0 its box read
    "95.0th percentile"."""
    assert [ordinal(x) for x in (91, 92.0, 93, 95.0, 99.5, 99.9, 50)] == [
        "91st", "92nd", "93rd", "95th", "99.5th", "99.9th", "50th"]
    assert [ordinal(x) for x in (11, 12, 13, 111, 101, 62, 73.0)] == [
        "11th", "12th", "13th", "111th", "101st", "62nd", "73rd"]


def test_a_wait_is_said_one_way():
    """The Train tab said "about 2 min 05 s left", the Evaluate tab "about 2 min left" and a
    slow step's warning "about 2 minutes": three formatters for one thing."""
    assert [duration(x) for x in (0.4, 19, 59.4, 61, 125, 3599, 3725, 7200)] == [
        "0 s", "19 s", "59 s", "1 min", "2 min", "1 h 00 min", "1 h 02 min", "2 h 00 min"]
