"""A trial's budget: the epochs it trained for and the images it trained and was scored on. Trials
of one study compare only when these agree: the best would otherwise be picked among trials
trained differently, and the median pruner would judge a trial against others trained on other
data. run.py accepts a mixed study (the command line's workers may differ on purpose); the Sweep
tab asks before it adds trials of another budget (budget_differences)."""

from __future__ import annotations

from vae_desktop.core.settings import TRAIN_IMAGES

from .records import TrialRecord
from .spec import TEST_IMAGES, SweepSpec

BUDGET_KEYS = ("epochs", "train_size", "test_size")  # as a trial's settings note them (0: all)


def trial_budget(record: TrialRecord, recorded: dict | None = None) -> dict[str, int]:
    """The budget the trial noted with its settings: epochs per trial, training and test images
    (0: all). A part it did not note comes from `recorded`, the budget its study recorded
    (SweepStudy.budget, None there: all images), where the trial noted any settings: trials of
    older versions noted their epochs only, and their study its first run's budget. A part
    known from neither is left out."""
    budget = {}
    for key in BUDGET_KEYS:
        value = record.settings.get(key)
        if not isinstance(value, int) and record.settings and recorded and key in recorded:
            value = recorded[key] or 0
        if isinstance(value, int) and not isinstance(value, bool):
            budget[key] = value
    return budget


def spec_budget(spec: SweepSpec) -> dict[str, int]:
    """The budget a sweep's trials will have, as trials note it."""
    return {"epochs": spec.epochs, "train_size": spec.train_size or 0,
            "test_size": spec.test_size or 0}


def images_text(key: str, n: int) -> str:
    """"200 training images", "all 10,000 test images"."""
    what = "training images" if key == "train_size" else "test images"
    if not n:
        return f"all {TRAIN_IMAGES if key == 'train_size' else TEST_IMAGES:,} {what}"
    return f"{n:,} {what}"


def _values(key: str, values: list[int]) -> str:
    """"1 or 2 epochs per trial", "500 or all 60,000 training images"."""
    numbers = " or ".join(_wanted(key, v) for v in values)
    if key == "epochs":
        return f"{numbers} epoch{'' if values == [1] else 's'} per trial"
    return f"{numbers} {'training' if key == 'train_size' else 'test'} images"


def _wanted(key: str, value: int) -> str:
    if key == "epochs":
        return f"{value:,}"
    return images_text(key, value).removesuffix(" training images").removesuffix(" test images")


def budget_differences(trials: list[TrialRecord], spec: SweepSpec,
                       recorded: dict | None = None) -> list[str]:
    """How the budget of the study's trials differs from the trials `spec` would add, one phrase
    for each part that differs ("1 epoch per trial where these settings say 3"); empty when
    every trial whose budget is known agrees. `recorded`: the study's own record of its budget
    (SweepStudy.budget), for trials that did not note theirs (trial_budget)."""
    wanted = spec_budget(spec)
    budgets = [trial_budget(trial, recorded) for trial in trials]
    out = []
    for key in BUDGET_KEYS:
        other = sorted({budget[key] for budget in budgets
                        if key in budget and budget[key] != wanted[key]},
                       key=lambda v: v or 10**9)  # "all" last
        if other:
            out.append(f"{_values(key, other)} where these settings say {_wanted(key, wanted[key])}")
    return out

