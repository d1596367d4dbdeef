"""The Sweep tab's messages about the study and its storage: a damaged sweeps.db is said as soon as
the tab first opens (and left as it is), a study that does not exist yet is said in a sentence
that says what to do, every such message is a sentence, and none moves the form or its buttons."""

from __future__ import annotations

import os

import optuna
import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QLabel

from vae_desktop.core.paths import app_data_dir
from vae_desktop.core.sweep import default_storage_url
from vae_desktop.gui.tabs.sweep.tab import SweepTab

optuna.logging.set_verbosity(optuna.logging.WARNING)


def shown_tab(qtbot, state, size=(1280, 720)) -> SweepTab:
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    tab.resize(*size)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def messages(tab: SweepTab) -> list[str]:
    """The texts of the tab's visible labels that say something went wrong or is missing (the
    form's and the study's), wherever the tab shows them."""
    return [label.text() for label in tab.findChildren(QLabel)
            if label.isVisible() and label.text() and "color: #" in label.styleSheet()]


def message_with(qtbot, tab: SweepTab, words: str) -> str:
    qtbot.waitUntil(lambda: any(words in m for m in messages(tab)), timeout=20_000)
    [message] = [m for m in messages(tab) if words in m]
    return message


def where(tab: SweepTab) -> dict:
    """Where the form's fields and the Start button are, and how wide the form is."""
    return {"study": tab.form.study_combo.mapTo(tab, QPoint(0, 0)),
            "trials": tab.form.trials_spin.mapTo(tab, QPoint(0, 0)),
            "start": tab.start_button.mapTo(tab, QPoint(0, 0)),
            "form width": tab.form.width()}


def assert_sentence(message: str) -> None:
    assert message[0].isupper() and message.endswith("."), message


def test_a_damaged_sweep_database_is_said_when_the_tab_first_opens(qtbot, state):
    path = app_data_dir() / "sweeps.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    damage = os.urandom(4096)
    path.write_bytes(damage)
    tab = shown_tab(qtbot, state)  # the first show lists the studies and loads the named one
    message = message_with(qtbot, tab, "file is not a database")
    assert message == (f"The sweep storage {path.as_posix()} cannot be opened: file is not a "
                       "database. The file was left as it is: move it out of the way (or rename "
                       "it) and press Load to start a new one there, or type another storage "
                       "above.")
    assert "cannot be opened" in tab.view.status()
    assert path.read_bytes() == damage  # never written over, nor deleted

    tab.form.load_button.click()  # Load says it again, the same way
    qtbot.waitUntil(lambda: not tab.jobs, timeout=20_000)
    assert message_with(qtbot, tab, "file is not a database") == message
    assert path.read_bytes() == damage


def test_a_study_not_made_yet_is_said_in_a_sentence_that_moves_nothing(qtbot, state):
    tab = shown_tab(qtbot, state)
    qtbot.waitUntil(lambda: not tab.jobs, timeout=20_000)  # the first show's listing
    before = where(tab)
    tab.form.load_button.click()  # the default name, in a storage with no study yet
    message = message_with(qtbot, tab, "vae-sweep")
    assert message == ("There is no study named 'vae-sweep' yet: this storage holds none. Press "
                       "Start sweep to begin it.")
    assert where(tab) == before
    assert not tab.form.parentWidget().parentWidget().verticalScrollBar().isVisible()


def test_a_study_not_there_names_those_that_are(qtbot, state):
    for name in ("alpha", "beta"):
        optuna.create_study(storage=default_storage_url(), study_name=name)
    tab = shown_tab(qtbot, state)
    qtbot.waitUntil(lambda: tab.form.studies() == ["alpha", "beta"], timeout=20_000)
    before = where(tab)
    tab.form.set_study_name("gamma")
    tab.form.load_button.click()
    assert message_with(qtbot, tab, "gamma") == (
        "There is no study named 'gamma' in this storage, which holds alpha and beta. Pick one "
        "from the Study name list, or press Start sweep to begin 'gamma'.")
    assert where(tab) == before


@pytest.mark.parametrize("url, words", [
    ("nosuchdb://somewhere/sweeps", "unknown database kind 'nosuchdb'"),
    ("not a url", "is not a database URL"),
    ("sqlite:////no/such/folder/sweeps.db", "the folder /no/such/folder does not exist"),
])
def test_storage_messages_are_sentences_that_move_nothing(qtbot, state, url, words):
    tab = shown_tab(qtbot, state)
    qtbot.waitUntil(lambda: not tab.jobs, timeout=20_000)
    before = where(tab)
    tab.form.set_storage(url)  # listing its studies fails at once
    message = message_with(qtbot, tab, words)
    assert_sentence(message)
    assert where(tab) == before
    tab.form.set_storage("")  # the default storage again: the message goes
    qtbot.waitUntil(lambda: not any(words in m for m in messages(tab)), timeout=20_000)


def test_a_message_about_the_forms_values_moves_no_field(qtbot, state):
    """A two-line message under the buttons at 1280x720, where the form only just fits: the form
    may have to scroll, but its fields keep their places and widths (the scroll bar's room is
    kept free), and Start stays where it was."""
    tab = shown_tab(qtbot, state)
    qtbot.waitUntil(lambda: not tab.jobs, timeout=20_000)
    before = where(tab)
    tab.form.space.set_varied("lr", (1e-2, 1e-4))
    assert tab.error_text() == ("Learning rate range: the lowest value (0.01) is above the "
                                "highest (0.0001).")
    qtbot.wait(50)  # the layout settles
    after = where(tab)
    assert (after["study"].x(), after["trials"].x(), after["form width"], after["start"]) == (
        before["study"].x(), before["trials"].x(), before["form width"], before["start"])
    assert tab.error_label.visibleRegion().boundingRect() == tab.error_label.rect()
