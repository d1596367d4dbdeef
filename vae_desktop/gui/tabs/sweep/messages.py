"""The Sweep tab's words for what went wrong with a study or its storage: whole sentences that say
what happened and what to do. core.sweep words its errors for the command line ("vae-desktop:
error: no study named ..."); the tab says them its own way, and the jobs that call the storage
raise them already said (`said_call`, `said_steps`), as a job's error reaches the tab as text.

These are plain text: the labels that show them take plain text, and a tooltip gets them through
`plain_tip`. The status line above the table is rich text: what goes in it is escaped."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import Qt

from vae_desktop.core.paths import app_data_dir
from vae_desktop.core.sweep import StorageUnusable, StudyNotFound, SweepError, default_storage_url
from vae_desktop.core.wording import count

MOST_NAMES = 5  # studies named in a message; the others are counted


def plain_tip(text: str) -> str:
    """A tooltip that shows `text` as written: Qt reads a tooltip that looks like HTML as HTML,
    and these quote study names, storage URLs and drivers' words."""
    return Qt.convertFromPlainText(text, Qt.WhiteSpaceNormal) if Qt.mightBeRichText(text) \
        else text


def sentence(text: str) -> str:
    """`text` with a capital letter and a full stop."""
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def _names(names: list[str]) -> str:
    shown = names[:MOST_NAMES]
    if len(names) > MOST_NAMES:
        return f"{', '.join(shown)} and {count(len(names) - MOST_NAMES, 'other')}"
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def said(exc: BaseException) -> str:
    """What the tab says for an error of a study or its storage."""
    if isinstance(exc, StudyNotFound):
        if not exc.names:
            return (f"There is no study named '{exc.study}' yet: this storage holds none. Press "
                    "Start sweep to begin it.")
        return (f"There is no study named '{exc.study}' in this storage, which holds "
                f"{_names(exc.names)}. Pick one from the Study name list, or press Start sweep to "
                f"begin '{exc.study}'.")
    if isinstance(exc, StorageUnusable):
        reason = exc.reason.rstrip(".")
        if exc.shown == default_storage_url() and not (exc.path and Path(exc.path).exists()):
            # The file the Storage box falls back to: clearing the box is no way out.
            journal = (Path.home() / "vae-desktop-sweeps.log").as_posix().lstrip("/")
            return (f"The sweep storage in the app's data folder cannot be opened: {reason}. The "
                    f"data folder {app_data_dir()} cannot be written: check its permissions and "
                    "free space, or type another storage in the Storage box above, such as a "
                    f"journal file in a folder you can write to (journal:///{journal}, for "
                    "example).")
        if exc.path is not None and Path(exc.path).exists():
            return (f"The sweep storage {exc.path} cannot be opened: {exc.reason.rstrip('.')}. The "
                    "file was left as it is: move it out of the way (or rename it) and press Load "
                    "to start a new one there, or type another storage above.")
        return (f"The sweep storage {exc.shown} cannot be opened: {exc.reason.rstrip('.')}. Check "
                "the Storage box above, or clear it to use the file in the app's data folder.")
    return sentence(str(exc) or type(exc).__name__)


def said_call(fn, *args):
    """One storage call as a job (a generator with no events); its SweepError said as the tab
    says it."""
    yield from ()
    try:
        return fn(*args)
    except SweepError as exc:
        raise SweepError(said(exc)) from None


def said_steps(steps, *args):
    """A job's steps, `steps(*args)`, with their SweepError said as the tab says it."""
    try:
        return (yield from steps(*args))
    except SweepError as exc:
        raise SweepError(said(exc)) from None
