"""The Sweep tab's coloured words read on a dark theme as on a light one (WCAG AA, 4.5:1): the
message under the form and the one about the study (red, orange), when the trials were last read
(a fixed #808080: 3.1:1 on a dark palette's #353535, 3.4:1 on the light window), and each trial's
state in the table, against both of its row colours."""

from __future__ import annotations

from palette_support import AA, assert_readable, dark_palette, switched_to
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from test_sweep_tab import make_tab

from vae_desktop.core.sweep import TrialRecord
from vae_desktop.gui.tabs.sweep.study_view import StudyView
from vae_desktop.gui.widgets.tones import contrast


def test_the_forms_message_reads_on_either_palette(qtbot, state, palette):
    tab = make_tab(qtbot, state)
    tab.form.space.set_vary(["lr"])
    tab.form.space.rows["lr"].varied.low.widget.setText("fast")  # not a number: an error
    assert "not a number" in tab.error_text()
    assert_readable(tab.error_label)
    tab.form.space.rows["lr"].varied.low.widget.setText("1e-4")
    tab.form.set_budget(trials=1, epochs=1, train_size=0, test_size=0)  # slow: a warning
    if tab.error_text():
        assert_readable(tab.error_label)


def test_the_study_message_reads_on_either_palette(qtbot, state, palette):
    tab = make_tab(qtbot, state)
    tab.form.set_study_name("")
    tab.load_study()  # no name: what to type, in orange
    assert "Study name" in tab.study_message()
    assert_readable(tab.view.message_label)
    tab.show_study_message("The storage could not be opened.")  # in red
    assert_readable(tab.view.message_label)


def test_when_the_trials_were_read_reads_on_either_palette(qtbot, palette):
    view = StudyView()
    qtbot.addWidget(view)
    view.set_live("● Live · read 12:00:01")
    assert_readable(view.live_label)


def trials_view(qtbot) -> StudyView:
    """A study of a trial in each state (the first, complete, is the best)."""
    view = StudyView()
    qtbot.addWidget(view)
    states = [("COMPLETE", {}), ("PRUNED", {}), ("FAIL", {}), ("RUNNING", {}),
              ("WAITING", {}), ("COMPLETE", {"stopped": True}), ("FAIL", {"lost": True})]
    view.show_study("colours", "test_loss", "minimize", [
        TrialRecord(n, state, 150.0 if n == 0 else None, {}, {},
                    {1: 150.0} if state == "PRUNED" else {}, 1.0, **extra)
        for n, (state, extra) in enumerate(states)], same_study=False)
    return view


def assert_states_readable(table) -> None:
    rows = table.palette()
    for row in range(table.rowCount()):
        for column in range(table.columnCount()):
            item = table.item(row, column)
            colour = item.foreground().color() if item.foreground().style() != Qt.NoBrush \
                else rows.color(QPalette.Text)
            for behind in (rows.color(QPalette.Base), rows.color(QPalette.AlternateBase)):
                assert contrast(colour, behind) >= AA, (item.text(), colour.name(), behind.name())


def test_each_trials_state_reads_on_either_palette(qtbot, palette):
    view = trials_view(qtbot)
    assert_states_readable(view.table)


def test_the_states_follow_a_palette_switched_while_shown(qtbot):
    view = trials_view(qtbot)
    with switched_to(dark_palette()):
        assert view.table.palette().color(QPalette.Base).lightness() < 128
        assert_states_readable(view.table)
    assert_states_readable(view.table)
