"""A sweep on a real PostgreSQL server that stops in the middle: the worker ends with one clear
line (the command line exits 2, the Sweep tab shows it), the finished trials are kept, and the
password is never shown, neither in messages nor logs nor the tab."""

from __future__ import annotations

import logging

import optuna
from optuna.trial import TrialState
from postgres_server import PASSWORD
from PySide6.QtWidgets import QLabel
from sweep_worker_support import finished, forget_storages, trials, wait_for

from vae_desktop.core.sweep import load_trials
from vae_desktop.gui.tabs.sweep.tab import SweepTab

optuna.logging.set_verbosity(optuna.logging.WARNING)
LOST = "lost the connection to the sweep storage postgresql+psycopg://vae:***@127.0.0.1:"


def database_after_restart(server, url: str) -> str:
    forget_storages()  # the test's connections died with the server
    server.start()
    return server.url(url.rsplit("/", 1)[1])


def test_a_stopped_server_ends_the_worker_in_one_line_and_keeps_its_trials(
        postgres_server, postgres_url, launch):
    start = launch("lost")
    worker = start.add(postgres_url, "lost", 1000, 1)
    start.release()
    done = wait_for(lambda: finished(trials(postgres_url, "lost")), "a finished trial")
    postgres_server.stop()
    assert worker.finish() == 2
    lines = worker.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("vae-desktop: error: " + LOST), worker.err
    assert lines[0].endswith("; the trials that finished are kept there")
    assert PASSWORD not in worker.out + worker.err

    kept = trials(database_after_restart(postgres_server, postgres_url), "lost")
    assert set(done) <= set(finished(kept))  # every trial seen finished is still there


def test_the_sweep_tab_says_the_server_stopped(qtbot, state, postgres_server, postgres_url,
                                               caplog, capfd):
    caplog.set_level(logging.WARNING)
    tab = SweepTab(state)
    qtbot.addWidget(tab)
    tab.form.space.set_vary(["lr"])
    tab.form.space.set_fixed("hidden", 16)
    tab.form.space.set_fixed("latent_dim", 2)
    tab.form.set_budget(trials=1000, epochs=1, train_size=200, test_size=100)
    tab.form.set_study_name("gui-lost")
    tab.form.set_storage(postgres_url)
    assert tab.start()
    qtbot.waitUntil(lambda: "complete" in tab.view.table.column_texts(1), timeout=120_000)
    postgres_server.stop()
    qtbot.waitUntil(lambda: not tab.is_running(), timeout=60_000)

    message = tab.study_message()  # above the table, a sentence
    assert message.startswith("L" + LOST[1:]) and tab.view.message_label.isVisibleTo(tab)
    assert message.endswith("; the trials that finished are kept there.")
    assert tab.error_text() == ""  # the form's values were fine
    assert tab.view.status() == "The sweep stopped: see the message below."
    shown_complete = tab.view.table.column_texts(1).count("complete")
    assert shown_complete >= 1  # the table keeps what finished
    labels = [label.text() for label in tab.findChildren(QLabel)]
    logged = [record.getMessage() for record in caplog.records]
    assert PASSWORD not in repr(labels) + repr(logged) + "".join(capfd.readouterr())

    kept = load_trials(database_after_restart(postgres_server, postgres_url), "gui-lost")
    assert len([t for t in kept.trials if t.state == TrialState.COMPLETE.name]) >= shown_complete
