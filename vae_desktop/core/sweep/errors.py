"""SweepError: a sweep that cannot run (impossible settings, unusable storage), in words that say
what to change. A module of its own because every part of the sweep raises it, the settings
(spec) and the storage's URLs (urls) among them, and neither may import the other for it."""

from __future__ import annotations


class SweepError(ValueError):
    """Impossible sweep settings or unusable storage; the message says what to change.
    `problems` lists each reason on its own (the message joins them)."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems) if problems else [message]
