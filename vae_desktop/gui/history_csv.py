"""File ▸ Export loss history as CSV: a model's per-epoch losses, one row an epoch."""

from __future__ import annotations

import csv
from pathlib import Path

from vae_desktop.core.fileio import atomic_write

HISTORY_COLUMNS = ("epoch", "train_loss", "train_recon", "train_kl", "test_loss", "test_recon",
                   "test_kl", "seconds")


def write_history_csv(history: list[dict], path: Path) -> None:
    """The known columns that any epoch has, in HISTORY_COLUMNS' order, then any others by name
    (OSError if the file cannot be written; written atomically)."""
    extra = sorted({key for rec in history for key in rec} - set(HISTORY_COLUMNS))
    columns = [c for c in HISTORY_COLUMNS if any(c in rec for rec in history)] + extra

    def write(tmp: str) -> None:
        with open(tmp, "w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(history)

    atomic_write(path, write)
