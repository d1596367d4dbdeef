"""Sweep settings as typed on the command line: a range LOW:HIGH or choices A,B,C for a varied
setting, one value for a fixed one. The words of every limit come from core.settings."""

from __future__ import annotations

from typing import Any

from vae_desktop.core import settings as table

from .errors import SweepError
from .spec import RANGED, SETTINGS


def _value(name: str, text: str) -> Any:
    """One value of `name` from text (range checks are SweepSpec's, with every problem at once)."""
    setting = table.SETTINGS[name]
    if setting.kind is str:
        return text
    number = float(text)
    if setting.kind is int:
        if not number.is_integer():
            raise ValueError(text)
        return int(number)
    return number


def parse_setting(name: str, text: str, varied: bool):
    """One setting as typed on the command line: for a varied setting a range LOW:HIGH
    (latent_dim, lr, beta) or choices A,B,C (hidden, batch_size, arch); otherwise one value."""
    text = text.strip()
    setting = table.SETTINGS[name]
    try:
        if not varied:
            if ":" in text or "," in text:
                raise SweepError(f"{name} {text!r} is a range or list, but {name} is not varied: "
                                 f"add it to --vary or give one value")
            return _value(name, text)
        if name in RANGED:
            parts = text.split(":")
            if len(parts) != 2:
                raise SweepError(f"{name} is varied: give a range LOW:HIGH, got {text!r}")
            return (_value(name, parts[0]), _value(name, parts[1]))
        return tuple(_value(name, p.strip()) for p in text.split(",") if p.strip())
    except SweepError:
        raise
    except ValueError:
        kind = "integers" if setting.kind is int else "numbers"
        raise SweepError(f"{name}: expected {kind} ({setting.in_sentence} must be "
                         f"{setting.range_text()}), got {text!r}") from None


def spec_settings_from_text(vary: str, texts: dict[str, str | None]) -> dict[str, Any]:
    """SweepSpec keyword arguments (vary, ranges, fixed) from command-line text."""
    names = tuple(n.strip() for n in vary.split(",") if n.strip())
    unknown = [n for n in names if n not in SETTINGS]
    if unknown:
        raise SweepError(f"cannot vary {', '.join(unknown)}: choose from {', '.join(SETTINGS)}")
    kwargs: dict[str, Any] = {"vary": names, "fixed": {}}
    for name, text in texts.items():
        if text is None:
            continue
        value = parse_setting(name, text, name in names)
        if name in names:
            kwargs[name] = value
        else:
            kwargs["fixed"][name] = value
    return kwargs
