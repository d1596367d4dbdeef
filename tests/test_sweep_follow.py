"""The trial table keeps the newest (running) trial in view while a sweep runs, and leaves the
view alone once the user has scrolled away or picked a trial; a tab shown after a restart shows
the named study's trials by itself, quietly when there are none to show, and says at once when
its storage cannot be opened."""

from __future__ import annotations

from PySide6.QtCore import Qt
from test_sweep_tab import make_tab, tiny_form, wait_until_idle

from vae_desktop.core.sweep import SweepStudy, TrialRecord
from vae_desktop.gui import preferences as qs
from vae_desktop.gui.tabs.sweep.tab import SweepTab

START_STATUS = "No sweep running."


def row_of(table, number: int) -> int:
    return next(row for row in range(table.rowCount())
                if table.item(row, 0).data(Qt.UserRole) == number)


def in_view(table, number: int) -> bool:
    """The trial's whole row is within the table's visible rows."""
    rect = table.visualItemRect(table.item(row_of(table, number), 0))
    viewport = table.viewport().rect()
    return rect.top() >= viewport.top() and rect.bottom() <= viewport.bottom()


def record(number: int, state: str = "COMPLETE") -> TrialRecord:
    value = 200.0 - number if state == "COMPLETE" else None
    return TrialRecord(number, state, value, {"lr": 1e-3}, {"lr": 1e-3, "epochs": 1},
                       {1: 200.0 - number} if value is not None else {}, 1.0)


def shown_tab(qtbot, state) -> SweepTab:
    tab = make_tab(qtbot, state)
    tab.resize(1280, 620)  # as in a window of 1280x720 (its menu, tab bar and status bar)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def test_a_running_sweep_keeps_its_newest_trial_in_view(qtbot, state, monkeypatch):
    """With more trials than rows, each trial as it starts, and the last one at the end, is in
    view (they were below the visible rows)."""
    tab = shown_tab(qtbot, state)
    tiny_form(tab, "follow", trials=12)
    table = tab.view.table
    seen = []
    put_trial = tab.view.put_trial

    def put(trial: TrialRecord) -> None:  # the sweep's events: a trial started, or finished
        put_trial(trial)
        seen.append((trial.number, trial.state, in_view(table, trial.number)))

    monkeypatch.setattr(tab.view, "put_trial", put)
    assert tab.start()
    wait_until_idle(qtbot, tab)
    assert table.rowCount() == 12 and table.verticalScrollBar().maximum() > 0  # rows to scroll
    assert [n for n, state, _ in seen if state == "RUNNING"] == list(range(12))
    assert [n for n, _, shown in seen if not shown] == []
    assert in_view(table, 11) and not in_view(table, 0)


def test_the_view_is_left_alone_once_the_user_scrolls_away_or_picks_a_trial(qtbot, state):
    tab = shown_tab(qtbot, state)
    view, table = tab.view, tab.view.table
    tab.show_study(SweepStudy("s", "sqlite:///x.db", "test_loss", None, "minimize",
                              [record(n) for n in range(20)]))
    bar = table.verticalScrollBar()
    assert bar.value() == 0  # a study loaded: its first trials
    view.put_trial(record(20, "RUNNING"))  # a sweep adds a trial: it is followed
    assert in_view(table, 20)
    bar.setValue(3)  # the user scrolls up to look at earlier trials
    view.put_trial(record(20))
    view.put_trial(record(21, "RUNNING"))
    assert bar.value() == 3 and not in_view(table, 21)
    bar.setValue(bar.maximum())  # ... and back to the newest: followed again
    view.put_trial(record(21))
    view.put_trial(record(22, "RUNNING"))
    assert in_view(table, 22)

    # A trial picked by a click stays where it is, and so does the view, even scrolled away.
    rect = table.visualItemRect(table.item(row_of(table, 19), 1))
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, pos=rect.center())
    assert tab.selected_trial().number == 19
    view.put_trial(record(22))
    view.put_trial(record(23, "RUNNING"))
    assert not in_view(table, 23) and in_view(table, 19)
    bar.setValue(2)  # the user looks elsewhere: not pulled back to the selected trial
    view.put_trial(record(23))
    view.merge_trials([record(24, "RUNNING")])  # another worker's, read from the storage
    assert bar.value() == 2 and tab.selected_trial().number == 19


def test_a_restarted_tab_shows_the_named_study_without_load(qtbot, state):
    first = make_tab(qtbot, state)
    tiny_form(first, "kept", trials=2)
    assert first.start()  # Start remembers the form
    wait_until_idle(qtbot, first)
    best = first.view.best().number

    again = make_tab(qtbot, state)  # the next session's tab
    assert again.form.study_name() == "kept" and again.view.table.rowCount() == 0
    again.show()  # first shown: the storage is read in jobs, not on the GUI thread
    assert again.view.table.rowCount() == 0 and again.jobs
    qtbot.waitUntil(lambda: again.view.table.rowCount() == 2, timeout=20_000)
    assert f"trial {best}" in again.view.best_label.text()
    assert "Study <b>kept</b>: 2 trials" in again.view.status()
    assert again.error_text() == "" and again.view.use_best_button.isEnabled()


def test_a_restarted_tab_stays_quiet_when_the_study_is_not_there(qtbot, state, tmp_path):
    s = qs.open_settings()
    s.setValue("sweep/study", "never-ran")
    s.sync()
    tab = make_tab(qtbot, state)
    tab.show()
    qtbot.waitUntil(lambda: not tab.jobs, timeout=20_000)
    assert tab.error_text() == "" and tab.view.status().startswith(START_STATUS)
    assert tab.view.table.rowCount() == 0

    # A storage that cannot be opened is said at once, above the trial table (no dialog:
    # conftest fails the test on one); the form's own message stays empty.
    s.setValue("sweep/storage", f"sqlite:///{tmp_path}/no/such/folder/sweeps.db")
    s.sync()
    other = make_tab(qtbot, state)
    other.show()
    qtbot.waitUntil(lambda: not other.jobs, timeout=20_000)
    assert other.error_text() == ""
    assert other.study_message() == (
        f"The sweep storage sqlite:///{tmp_path}/no/such/folder/sweeps.db cannot be opened: the "
        f"folder {tmp_path}/no/such/folder does not exist. Check the Storage box above, or clear "
        "it to use the file in the app's data folder.")
    assert other.view.status() == "The sweep storage cannot be opened: see the message below."
