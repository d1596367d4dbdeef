"""The words a refused checkpoint is described in: CheckpointError, what to do about a file
(ALTERED, NEWER), and how a value is shown in a message (short, on one line, never the repr of a
deep structure). Shared by the checks of the file (checkpoint_file) and of its contents
(checkpoint_contents, checkpoint_optimizer)."""

from __future__ import annotations

# What to do about a file whose contents are malformed: no version of the app writes one.
ALTERED = ("It was changed outside vae-desktop or damaged: open another copy of it, or train "
           "the model again.")
# ... and about settings, which a later version may widen the ranges of.
NEWER = ("It may come from a newer vae-desktop (then update this one); otherwise it was changed "
         "outside vae-desktop or damaged.")


class CheckpointError(RuntimeError):
    """The file is not a usable vae-desktop checkpoint; the message says why."""


def is_number(value) -> bool:
    return type(value) in (int, float)  # not bool, and nothing a pickle could make look like one


def is_scalar(value) -> bool:
    return value is None or type(value) in (bool, int, float, str)


def is_text(value, text: str) -> bool:
    return type(value) is str and value == text


def shown(value, lists: bool = False) -> str:
    """A value for a message: short, on one line, never the repr of a deep structure."""
    if is_scalar(value) or (lists and isinstance(value, (list, tuple)) and len(value) <= 12
                            and all(is_scalar(v) for v in value)):
        return short(RuntimeError(repr(value)), 40)
    return article(type(value).__name__)


def key_name(key) -> str:
    return key if type(key) is str and key.isprintable() and len(key) <= 60 else shown(key)


def article(noun: str) -> str:
    """"a list", "an int": a type's name in a sentence."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def short(exc: BaseException, limit: int = 160) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."

