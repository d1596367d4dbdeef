"""Hyperparameter sweeps with Optuna: which settings vary, the budget, the objective, the storage.

A study lives in Optuna storage (an SQLite file in the app's data folder unless a database URL is
given), so a sweep survives restarts and several processes or machines can work on one study at
once. Progress reaches the caller as plain dicts; no Qt here.

- errors: SweepError (raised by every part)
- spec: SweepSpec (what a sweep tries; limits from core.settings)
- urls: the default storage URL, URLs shown without their password, a study's checkpoint folder
- backends: the Optuna storages (a database, a journal file), each with its heartbeat
- storage: opening storage, listing studies, a storage that stopped answering
- records: the trials read back (TrialRecord, SweepStudy), loaded or watched
- budget: the epochs and images a trial trained and was scored on; a study's trials that differ
- export: the trials as CSV or tab-separated text
- lost: telling a trial whose worker is gone (killed, crashed) from one that runs
- run: run_sweep (callback, for the CLI) and sweep_steps (a job, for the GUI), SweepControl
- text: command-line text to SweepSpec arguments
- trial_model: whether a checkpoint file holds a trial's own model (model_differences)
"""

from .budget import budget_differences, images_text, trial_budget
from .errors import SweepError
from .export import trial_rows, trials_text, write_trials_csv
from .records import SweepStudy, TrialRecord, best_trial, load_trials, watch_trials
from .run import SweepControl, holdout_auroc, run_sweep, sweep_steps, trained_digits
from .spec import (
    DEFAULT_FIXED,
    DEFAULT_STUDY,
    MAX_TRIALS,
    OBJECTIVE_LABELS,
    OBJECTIVES,
    RANGED,
    SETTINGS,
    TEST_IMAGES,
    SweepSpec,
    choice_problems,
    log_scale,
    objective_text,
    range_problems,
)
from .storage import list_studies, open_storage
from .text import parse_setting, spec_settings_from_text
from .trial_model import model_differences
from .urls import (
    HIDDEN_PASSWORD,
    StorageUnusable,
    StudyNotFound,
    checkpoint_dir,
    default_storage_url,
    display_url,
    password_of,
    with_password,
)

__all__ = [
    "DEFAULT_FIXED", "DEFAULT_STUDY", "HIDDEN_PASSWORD", "MAX_TRIALS", "OBJECTIVES",
    "OBJECTIVE_LABELS", "RANGED", "SETTINGS", "TEST_IMAGES", "StorageUnusable", "StudyNotFound",
    "SweepControl", "SweepError",
    "SweepSpec", "SweepStudy", "TrialRecord", "best_trial", "budget_differences",
    "checkpoint_dir", "choice_problems", "images_text",
    "default_storage_url", "display_url", "holdout_auroc", "list_studies", "load_trials",
    "log_scale", "model_differences", "objective_text", "open_storage", "parse_setting", "password_of",
    "range_problems", "run_sweep", "spec_settings_from_text", "sweep_steps", "trained_digits", "trial_budget",
    "trial_rows", "trials_text", "watch_trials", "with_password", "write_trials_csv",
]
