"""Words for numbers in messages: "1 epoch" but "10 epochs", "a 3" but "an 8"."""

from __future__ import annotations


def count(n: int, noun: str) -> str:
    """`n` and `noun`, plural unless n is 1; thousands separated ("1,280 images")."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def article(number: int | str) -> str:
    """"an" before a number said with a vowel first (8, 11, 18, 80…), else "a"."""
    text = str(number)
    return "an" if text.startswith("8") or text in ("11", "18") else "a"


def a_digit(digit: int | str) -> str:
    """The digit with its article: "a 3", "an 8"."""
    return f"{article(digit)} {digit}"
