"""Words for numbers in messages: "1 epoch" but "10 epochs", "a 3" but "an 8", "91st"."""

from __future__ import annotations


def count(n: int, noun: str) -> str:
    """`n` and `noun`, plural unless n is 1; thousands separated ("1,280 images")."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def article(number: int | str) -> str:
    """"an" before a number said with a vowel first (8, 11, 18, 80…), else "a"."""
    text = str(number)
    return "an" if text.startswith("8") or text in ("11", "18") else "a"


def duration(seconds: float) -> str:
    """A wait as it is said, rounded: "19 s", "2 min", "1 h 05 min" (time left, a slow step)."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def ordinal(x: float) -> str:
    """A percentile as English writes it: "91st", "92nd", "95th", "99.5th"."""
    text = f"{x:g}"
    if "." in text or 10 <= int(x) % 100 <= 13:
        return f"{text}th"
    return text + {1: "st", 2: "nd", 3: "rd"}.get(int(x) % 10, "th")


def a_digit(digit: int | str) -> str:
    """The digit with its article: "a 3", "an 8"."""
    return f"{article(digit)} {digit}"


DIGITS = tuple(range(10))
MOST_NAMED = 5  # more digits held out than this: the words name the digits kept instead


def held_out(digits) -> tuple[int, ...]:
    """The digits a model trained on `digits` never saw (none for None)."""
    return () if not digits else tuple(d for d in DIGITS if d not in digits)


def digits_phrase(digits) -> str:
    """'without 2s', 'without 2s and 7s', 'of 1s, 2s and 3s only'; '' for every digit."""
    held = held_out(digits)
    if not held:
        return ""
    if len(held) <= MOST_NAMED:
        return f"without {_and([f'{d}s' for d in held])}"
    return f"of {_and([f'{d}s' for d in digits])} only"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


ARCH_NAMES = {"mlp": "MLP", "conv": "Conv"}  # an architecture as people read it


def arch_name(arch: str) -> str:
    """"MLP", "Conv": one spelling wherever a model's architecture is named."""
    return ARCH_NAMES.get(arch, arch)


def hidden_text(config) -> str:
    """A model's hidden layers: "400", or "2×500" for two layers of 500 units."""
    return f"{config.layers}×{config.hidden}" if config.layers > 1 else str(config.hidden)
