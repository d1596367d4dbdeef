"""The Sweep tab's advice when the storage in the app's data folder cannot be opened. With the
data folder unwritable and the Storage box empty it said "Check the Storage box above, or clear
it to use the file in the app's data folder": the box was clear, and that file was the one that
failed. It now names the data folder and says what to do there, or which other storage to type."""

from __future__ import annotations

from pathlib import Path

from vae_desktop.core.paths import app_data_dir
from vae_desktop.core.sweep import StorageUnusable, default_storage_url
from vae_desktop.gui.tabs.sweep.messages import said

REASON = "unable to open database file"


def test_the_default_storage_failing_names_the_data_folder_and_what_to_do():
    folder = app_data_dir()
    url = default_storage_url()
    exc = StorageUnusable(f"cannot open the sweep storage {url}: {REASON}", url, REASON,
                          str(folder / "sweeps.db"))
    text = said(exc)
    journal = Path.home() / "vae-desktop-sweeps.log"
    assert text == (
        f"The sweep storage in the app's data folder cannot be opened: {REASON}. The data folder "
        f"{folder} cannot be written: check its permissions and free space, or type another "
        f"storage in the Storage box above, such as a journal file in a folder you can write "
        f"to (journal:///{journal.as_posix().lstrip('/')}, for example).")
    assert "clear it" not in text and "sqlite:" not in text


def test_another_storage_failing_still_points_at_the_storage_box(tmp_path):
    url = f"sqlite:///{(tmp_path / 'mine.db').as_posix()}"
    exc = StorageUnusable(f"cannot open the sweep storage {url}: {REASON}", url, REASON,
                          str(tmp_path / "mine.db"))
    assert said(exc) == (f"The sweep storage {url} cannot be opened: {REASON}. Check the "
                         "Storage box above, or clear it to use the file in the app's data "
                         "folder.")
