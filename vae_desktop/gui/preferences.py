"""QSettings helpers: one INI file per user (the same format on every platform, so a test can
point it at a temporary folder with QSettings.setPath), and typed reads that survive bad values."""

from __future__ import annotations

from PySide6.QtCore import QSettings

ORGANIZATION = "vae-desktop"
APPLICATION = "vae-desktop"
MAX_RECENT = 8


def open_settings() -> QSettings:
    return QSettings(QSettings.IniFormat, QSettings.UserScope, ORGANIZATION, APPLICATION)


def read_int(settings: QSettings, key: str, default: int) -> int:
    try:
        return int(settings.value(key, default))
    except (TypeError, ValueError):
        return default


def read_float(settings: QSettings, key: str, default: float) -> float:
    try:
        return float(settings.value(key, default))
    except (TypeError, ValueError):
        return default


def read_bool(settings: QSettings, key: str, default: bool) -> bool:
    value = settings.value(key, default)
    if isinstance(value, str):  # INI files store booleans as "true"/"false"
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def read_str(settings: QSettings, key: str, default: str = "") -> str:
    value = settings.value(key, default)
    return value if isinstance(value, str) else default


def setting_text(value) -> str:
    """A value as QSettings text that reads back the same: every digit of a float (repr, the
    shortest exact text), "true"/"false" for a bool."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def read_list(settings: QSettings, key: str) -> list[str]:
    """A list of strings (QSettings returns a bare string for one item and None for none)."""
    value = settings.value(key, [])
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in value if v]


def recent_files(settings: QSettings) -> list[str]:
    return read_list(settings, "recent_files")[:MAX_RECENT]


def remember_recent(settings: QSettings, path: str) -> list[str]:
    """Put `path` first in the recent-files list; returns the new list."""
    paths = [path] + [p for p in recent_files(settings) if p != path]
    paths = paths[:MAX_RECENT]
    settings.setValue("recent_files", paths)
    return paths


def forget_recent(settings: QSettings, path: str) -> list[str]:
    paths = [p for p in recent_files(settings) if p != path]
    settings.setValue("recent_files", paths)
    return paths
