"""A study's trials as a table for a spreadsheet: a CSV file (written atomically) or tab-separated
text for the clipboard. Every value whole (a sampled learning rate with all its digits, not as
the Sweep tab's table rounds it); a value a trial does not have is left empty."""

from __future__ import annotations

import csv
import io
import os

from vae_desktop.core.fileio import atomic_write

from .budget import trial_budget
from .records import TrialRecord
from .spec import SETTINGS

AFTER_SETTINGS = ("conditional", "seed")


def _images(n: int | None):
    """A count of images as a trial notes it (0: all of them), for a cell."""
    return None if n is None else n or "all"


def trial_rows(trials: list[TrialRecord], objective: str,
               recorded: dict | None = None) -> tuple[list[str], list[list]]:
    """The header and one row per trial, by number: its number, state, objective value (empty
    unless it completed) and last epoch's value, each setting, its epochs (trained and per
    trial), training and test images ("all" for all of them), duration in seconds, worker (host
    and process) and note. `recorded`: the study's budget, for a trial that did not note its own
    (budget.trial_budget)."""
    header = ["trial", "state", objective, "last_epoch_value", *SETTINGS, *AFTER_SETTINGS,
              "epochs_trained", "epochs_per_trial", "training_images", "test_images",
              "duration_s", "host", "pid", "note"]
    rows = []
    for record in sorted(trials, key=lambda t: t.number):
        values = {**record.settings, **record.params}
        budget = trial_budget(record, recorded)
        last = record.intermediate[max(record.intermediate)] if record.intermediate else None
        rows.append([record.number, record.label, record.value, last,
                     *(values.get(name) for name in (*SETTINGS, *AFTER_SETTINGS)),
                     len(record.intermediate), budget.get("epochs"),
                     _images(budget.get("train_size")), _images(budget.get("test_size")),
                     record.duration_s, record.host or None, record.pid, record.note or None])
    return header, rows


def trials_text(trials: list[TrialRecord], objective: str, delimiter: str = "\t",
                recorded: dict | None = None) -> str:
    """The trials as text, a header line first (tab-separated by default: what a spreadsheet
    takes from the clipboard); `recorded` as in trial_rows."""
    out = io.StringIO()
    header, rows = trial_rows(trials, objective, recorded)
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def write_trials_csv(trials: list[TrialRecord], objective: str, path: str | os.PathLike,
                     recorded: dict | None = None) -> None:
    """Write the trials as CSV to `path`, atomically (OSError if it cannot be written);
    `recorded` as in trial_rows."""
    header, rows = trial_rows(trials, objective, recorded)

    def write(tmp: str) -> None:
        with open(tmp, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows(rows)

    atomic_write(path, write)
