"""Anomaly detection with a VAE: an image the model explains badly is unusual.

Each image gets a score, its reconstruction plus KL or its reconstruction error (both decode
z = posterior mean: deterministic, and no bound on -log p(x), so not called a negative ELBO), and
is flagged when the score is above a threshold set at a percentile of the training images' scores.
The standard experiment trains on all digits but one and asks how well the scores pick out the
held-out digit (the AUROC). Synthetic outliers anyone understands (noise, inverted digits, blank
images, rotated digits) are scored the same way.

What a checkpoint says its model was trained on (so which digits it holds out) is read by
core.trained_on; `trained_on` and `TrainedOn` are importable from here too.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field

import torch

from .data import TEST_BINARIZATION_SEED, binarize_fixed, load_split, to_float
from .evaluation import AT_MU, negative_elbo
from .jobs import JobControl, mapped, run_to_end
from .metrics import score_dataset_steps
from .model import VAE, score_each_label
from .trained_on import TrainedOn as TrainedOn
from .trained_on import trained_on as trained_on
from .training import EndEvent, Event, TrainConfig, Trainer, new_model

# Score name -> what it is, for menus and reports. "elbo" (the CLI's --score elbo) is the
# evaluation report's AT_MU figure, the reconstruction of the mean code plus the KL.
SCORES = {"elbo": AT_MU, "recon": "reconstruction error"}
OUTLIERS = {
    "noise": "uniform noise",
    "inverted": "inverted digits",
    "blank": "blank images",
    "rotated": "digits rotated 90 degrees",
}


OUTLIER_SEED = 0  # the synthetic outliers' draws (the noise)
OUTLIER_BINARIZATION_SEED = OUTLIER_SEED + 1  # never the noise's own draws


def anomaly_scores(model: VAE, images: torch.Tensor, score: str = "elbo",
                   batch_size: int = 2000) -> torch.Tensor:
    """Per-image anomaly score (higher = more unusual), float [N] on the CPU, of the images as
    the model takes them (`model_inputs`: binarised for a model trained on binarised MNIST).

    "elbo" is the reconstruction BCE plus the KL, "recon" the reconstruction BCE alone, both in
    nats with z = mu (evaluation.AT_MU and the report's "recon": the same numbers). A conditional
    model is not told the label (an anomaly has none): "elbo" then marginalises the labels out
    (uniform prior) as -log mean_c exp(-score(x, c)), and "recon" takes the best label."""
    return run_to_end(anomaly_score_steps(model, images, score, batch_size))


def scoring_passes(model: VAE, count: int) -> int:
    """How many images `anomaly_score_steps` runs through the model to score `count`: a
    conditional model takes each image once per label."""
    return count * max(1, model.num_classes)


def anomaly_score_steps(model: VAE, images: torch.Tensor, score: str = "elbo",
                        batch_size: int = 2000) -> Generator[int, None, torch.Tensor]:
    """`anomaly_scores` as a job's steps: yields after each batch how many images it ran through
    the model (`scoring_passes` in all), so that a job stops within one batch."""
    if score not in SCORES:
        raise ValueError(f"unknown score {score!r}: choose {' or '.join(SCORES)}")
    images = model_inputs(model, images)
    key = "loss" if score == "elbo" else "recon"
    if not model.num_classes:
        return (yield from score_dataset_steps(model, images, None, batch_size))[key]
    # Each image against every label in one step (encoded once: score_each_label), in batches
    # of as many image-label passes as an unconditional model's step.
    classes = model.num_classes
    step = max(1, batch_size // classes)
    parts = []
    for start in range(0, len(images), step):
        x = images[start:start + step]
        x = to_float(x, model.device) if x.dtype == torch.uint8 else x.to(model.device)
        parts.append(score_each_label(model, x)[key].cpu())
        yield len(x) * classes
    per_label = torch.cat(parts, dim=1) if parts else torch.empty(classes, 0)
    if score == "recon":
        return per_label.min(dim=0).values
    # -log sum_c p(c) exp(-score(x, c)): the labels marginalised out, as they are for p(x).
    return -(torch.logsumexp(-per_label, dim=0) - math.log(model.num_classes))


def model_inputs(model: VAE, images: torch.Tensor,
                 seed: int = TEST_BINARIZATION_SEED) -> torch.Tensor:
    """`images` as `model` is scored on them, on the CPU: for a model trained on binarised
    MNIST, their fixed binarisation (`data.binarize_fixed`: the pixels `evaluation.test_inputs`
    gives the test set, so that training images, outliers and test digits are scored alike; an
    image binarised already stays as it is); for any other model, the images unchanged. The
    binarisation binarize_fixed keeps (the test set's) stays: these images are scored once."""
    if not model.config.binarized:
        return images
    return binarize_fixed(images.cpu(), seed, keep=False)


def threshold_at(train_scores: torch.Tensor, percentile: float) -> float:
    """The score below which `percentile` % of the training scores lie."""
    if not 0 < percentile < 100:
        raise ValueError(f"percentile must lie strictly between 0 and 100, got {percentile}")
    if train_scores.numel() == 0:
        raise ValueError("there are no training scores to set a threshold from")
    return float(torch.quantile(train_scores.double(), percentile / 100.0))


def _check(normal: torch.Tensor, anomalous: torch.Tensor) -> None:
    if normal.numel() == 0 or anomalous.numel() == 0:
        raise ValueError("the ROC needs at least one normal and one anomalous score")
    if not (torch.isfinite(normal).all() and torch.isfinite(anomalous).all()):
        raise ValueError("anomaly scores must be finite numbers")


# The ROC, its area and the counts at a threshold are a sort and a cumulative sum, written here:
# scikit-learn's and torchmetrics' imports (some 2,000 modules) took 2.7-4.6 s of a first
# scoring's worker, whose scores took 0.7 s (2026-12-07). tests/test_anomaly_roc.py checks them
# against both.
def _roc_counts(normal: torch.Tensor, anomalous: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(false positives, true positives), int64, flagging the scores at or above each distinct
    score from the highest down, after (0, 0): the ROC's corners in counts."""
    _check(normal, anomalous)
    scores = torch.cat([normal.flatten(), anomalous.flatten()]).double().cpu()
    hits = torch.cat([torch.zeros(normal.numel(), dtype=torch.long),
                      torch.ones(anomalous.numel(), dtype=torch.long)])
    scores, order = torch.sort(scores, descending=True, stable=True)
    true_pos = torch.cumsum(hits[order], 0)
    false_pos = torch.arange(1, len(scores) + 1) - true_pos
    # A threshold flags all the images of a score or none: the last of each run of ties.
    last = torch.ones(len(scores), dtype=torch.bool)
    last[:-1] = scores[1:] != scores[:-1]
    zero = torch.zeros(1, dtype=torch.long)
    return torch.cat([zero, false_pos[last]]), torch.cat([zero, true_pos[last]])


def auroc(normal: torch.Tensor, anomalous: torch.Tensor) -> float:
    """Area under the ROC curve: the chance that a random anomaly scores above a random normal
    image (ties count half). 1 is perfect, 0.5 is chance, 0 is perfectly reversed. The
    trapezoids' sum is counted in integers, so perfect separation gives exactly 1: torchmetrics'
    float32 trapezoid rounded it to 0.99999994, or to 1.0000001."""
    false_pos, true_pos = _roc_counts(normal, anomalous)
    twice_area = int(((false_pos[1:] - false_pos[:-1]) * (true_pos[1:] + true_pos[:-1])).sum())
    return twice_area / (2 * normal.numel() * anomalous.numel())


def roc_curve(normal: torch.Tensor, anomalous: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(false-positive rate, true-positive rate), float32, from (0, 0) to (1, 1): a point at
    every distinct score."""
    false_pos, true_pos = _roc_counts(normal, anomalous)
    return ((false_pos.double() / normal.numel()).float(),
            (true_pos.double() / anomalous.numel()).float())


def precision_recall_at(normal: torch.Tensor, anomalous: torch.Tensor,
                        threshold: float) -> dict[str, float]:
    """Flag scores above `threshold`: precision and recall of the anomalies (precision 0 when
    nothing is flagged), and the share of normal images wrongly flagged (false-positive rate)."""
    _check(normal, anomalous)
    false_pos, true_pos = int((normal > threshold).sum()), int((anomalous > threshold).sum())
    flagged = false_pos + true_pos
    return {
        "precision": true_pos / flagged if flagged else 0.0,
        "recall": true_pos / anomalous.numel(),
        "false_positive_rate": false_pos / normal.numel(),
    }


def synthetic_outliers(digits: torch.Tensor, count: int = 1000, seed: int = 0) -> dict[str, torch.Tensor]:
    """Outliers made from normal digits (float [N, 1, 28, 28] in [0, 1]): uniform noise, the
    digits inverted (black ink on white), blank (all-black) images and digits rotated 90 degrees."""
    if digits.dtype == torch.uint8:
        digits = digits.unsqueeze(1).float() / 255.0
    digits = digits[:count].float().cpu()
    gen = torch.Generator().manual_seed(seed)
    return {
        "noise": torch.rand(digits.shape, generator=gen),
        "inverted": 1.0 - digits,
        "blank": torch.zeros_like(digits),
        "rotated": torch.rot90(digits, 1, dims=(2, 3)),
    }


@dataclass
class AnomalyResult:
    score: str  # key of SCORES
    percentile: float
    threshold: float
    holdout: tuple[int, ...]  # digits the model never saw (empty: none held out)
    train: torch.Tensor  # scores of the training images (the threshold's reference)
    normal: torch.Tensor  # scores of normal test digits
    anomalous: torch.Tensor  # scores of held-out test digits (empty when nothing is held out)
    outliers: dict[str, torch.Tensor]  # synthetic outlier name -> scores
    outlier_examples: dict[str, torch.Tensor]  # name -> one example image [28, 28]
    auroc: float | None = None  # held-out vs normal test digits
    fpr: torch.Tensor | None = None
    tpr: torch.Tensor | None = None
    outlier_auroc: dict[str, float] = field(default_factory=dict)
    # Set by `apply_threshold`: precision, recall, false_positive_rate of the held-out digits.
    at_threshold: dict[str, float] | None = None
    outlier_flagged: dict[str, float] = field(default_factory=dict)  # share above threshold

    def to_dict(self) -> dict:
        return {
            "score": self.score, "percentile": self.percentile, "threshold": self.threshold,
            "holdout": list(self.holdout), "auroc": self.auroc,
            "normal_mean": float(self.normal.mean()),
            "holdout_mean": float(self.anomalous.mean()) if self.anomalous.numel() else None,
            **(self.at_threshold or {}),
            "outliers": {name: {"auroc": self.outlier_auroc[name],
                                "mean": float(self.outliers[name].mean()),
                                "flagged": self.outlier_flagged[name]}
                         for name in self.outliers},
        }

    def to_rows(self) -> list[tuple[str, object]]:
        """`to_dict` flattened into (figure, value) rows for a CSV: "outliers.rotated.auroc",
        lists as their items joined by spaces, None as ""."""
        rows: list[tuple[str, object]] = []

        def add(name: str, value) -> None:
            if isinstance(value, dict):
                for key, item in value.items():
                    add(f"{name}.{key}" if name else key, item)
            elif isinstance(value, (list, tuple)):
                rows.append((name, " ".join(map(str, value))))
            else:
                rows.append((name, "" if value is None else value))

        add("", self.to_dict())
        return rows


def apply_threshold(result: AnomalyResult, percentile: float) -> AnomalyResult:
    """Set the threshold at `percentile` of the training scores and what it flags, in place
    (cheap: no model is run, so a GUI can call it on every change of the percentile)."""
    result.percentile = float(percentile)
    result.threshold = threshold_at(result.train, percentile)
    if result.anomalous.numel():
        result.at_threshold = precision_recall_at(result.normal, result.anomalous, result.threshold)
    result.outlier_flagged = {name: float((scores > result.threshold).float().mean())
                              for name, scores in result.outliers.items()}
    return result


def run_experiment(model: VAE, train_images: torch.Tensor, test_images: torch.Tensor,
                   test_labels: torch.Tensor, holdout: Sequence[int] = (), score: str = "elbo",
                   percentile: float = 95.0, outlier_count: int = 1000,
                   test_scores: torch.Tensor | None = None) -> AnomalyResult:
    """Score everything with `model`: threshold from `train_images`, test digits in `holdout`
    against the others, and synthetic outliers made from the normal test digits.

    `test_scores`: the test images' scores if they are known already (an unconditional model's
    test-set pass has them: "elbo" is its per-image loss, "recon" its recon)."""
    return run_to_end(experiment_steps(model, train_images, test_images, test_labels, holdout,
                                       score, percentile, outlier_count, test_scores))


def experiment_steps(model: VAE, train_images: torch.Tensor, test_images: torch.Tensor,
                     test_labels: torch.Tensor, holdout: Sequence[int] = (), score: str = "elbo",
                     percentile: float = 95.0, outlier_count: int = 1000,
                     test_scores: torch.Tensor | None = None,
                     ) -> Generator[float, None, AnomalyResult]:
    """`run_experiment` as a job: yields the fraction done after each batch it scores (up to
    0.9; the AUROCs and the threshold are the rest)."""
    holdout = tuple(sorted({int(d) for d in holdout}))
    is_held = torch.isin(test_labels.cpu(), torch.tensor(holdout, dtype=torch.long))
    normal_images = test_images[~is_held]
    if len(normal_images) == 0:
        raise ValueError("every test image belongs to a held-out digit: nothing normal is left")
    if test_scores is not None and len(test_scores) != len(test_images):
        raise ValueError(f"{len(test_scores)} test scores for {len(test_images)} test images")
    # As the model takes them (binarised for a binarised model), so the examples show what was
    # scored. Not with the outliers' own seed: the noise is uniform draws of that seed, and
    # binarising them with the same draws gave all zeros, a second blank image.
    outlier_images = {name: model_inputs(model, images, OUTLIER_BINARIZATION_SEED) for name, images
                      in synthetic_outliers(normal_images, outlier_count, OUTLIER_SEED).items()}
    scored = [train_images, *([test_images] if test_scores is None else []),
              *outlier_images.values()]
    total, done = scoring_passes(model, sum(len(images) for images in scored)), 0

    def progress(passes: int) -> float:
        nonlocal done
        done += passes
        return 0.9 * done / total

    def score_of(images: torch.Tensor) -> Generator[float, None, torch.Tensor]:
        return mapped(anomaly_score_steps(model, images, score), progress)

    train_scores = yield from score_of(train_images)
    if test_scores is None:
        test_scores = yield from score_of(test_images)
    normal, anomalous = test_scores[~is_held], test_scores[is_held]
    outliers = {}
    for name, images in outlier_images.items():
        outliers[name] = yield from score_of(images)
    result = AnomalyResult(
        score, float(percentile), float("nan"), holdout, train_scores, normal, anomalous,
        outliers=outliers,
        outlier_examples={name: images[0, 0].clone() for name, images in outlier_images.items()},
    )
    if anomalous.numel():
        result.auroc = auroc(normal, anomalous)
        result.fpr, result.tpr = roc_curve(normal, anomalous)
    result.outlier_auroc = {name: auroc(normal, scores) for name, scores in result.outliers.items()}
    return apply_threshold(result, percentile)


def normal_digits(holdout: Sequence[int]) -> tuple[int, ...]:
    """The digits a held-out model trains on; refuses to hold out none or all of them."""
    held = {int(d) for d in holdout}
    if not held or any(d < 0 or d > 9 for d in held):
        raise ValueError(f"held-out digits must be a non-empty subset of 0..9, got {sorted(held)}")
    if len(held) == 10:
        raise ValueError("cannot hold out every digit: nothing would be left to train on")
    return tuple(d for d in range(10) if d not in held)


def holdout_trainer(holdout: Sequence[int], epochs: int = 10, train_size: int | None = None,
                    seed: int = 1, device: str = "auto", latent_dim: int = 20, hidden: int = 400,
                    arch: str = "mlp", lr: float = 1e-3, batch_size: int = 128,
                    control: JobControl | None = None) -> Trainer:
    """A Trainer for a fresh unconditional VAE on the training digits not in `holdout` (the first
    `train_size` of them when given). Call `.run()` or iterate `.events()`; `.train_data` holds the
    images, for the threshold afterwards. The test set is not evaluated each epoch (not needed).
    `control` pauses and stops it from any thread."""
    digits = normal_digits(holdout)
    config = TrainConfig(epochs=epochs, lr=lr, batch_size=batch_size, seed=seed, device=device)
    model = new_model(seed, latent_dim=latent_dim, hidden=hidden, arch=arch)
    train = load_split("train", digits=digits, size=train_size)
    return Trainer(model, train, None, config, step_interval_s=0.1,
                   control=control if control is not None else JobControl())


def holdout_experiment(trainer: Trainer, test: tuple[torch.Tensor, torch.Tensor],
                       holdout: Sequence[int], score: str = "elbo",
                       percentile: float = 95.0) -> AnomalyResult:
    """Score the model of a finished `holdout_trainer` on the test set."""
    model = trainer.model.eval()
    return run_experiment(model, trainer.train_data[0], test[0], test[1], holdout, score,
                          percentile)


@dataclass
class HoldoutOutcome:
    """A finished (or stopped) held-out run: the model, what it was trained on, its scores."""

    model: VAE
    holdout: tuple[int, ...]
    end: EndEvent
    train_images: torch.Tensor  # uint8 [N, 28, 28], the threshold's reference
    history: list[dict]
    train_config: dict  # for the checkpoint: the TrainConfig, train_size and the digits seen
    result: AnomalyResult


SCORING = "scoring"  # the event `holdout_steps` yields when training is over and scoring begins


def holdout_steps(holdout: Sequence[int], test: tuple[torch.Tensor, torch.Tensor],
                  epochs: int = 10, train_size: int | None = None, score: str = "elbo",
                  percentile: float = 95.0, control: JobControl | None = None,
                  cancel: JobControl | None = None, **trainer_settings,
                  ) -> Generator[Event | str | float, None, HoldoutOutcome | None]:
    """The held-out experiment as a job: train (`holdout_trainer`; its events are yielded), then
    yield SCORING and score the test set with what was learnt (scoring progress: fractions).

    `control` stops the training; the epochs done are still scored. `cancel` abandons the whole
    job (an app that quits): it then returns None. Raises ValueError when training failed or no
    epoch was completed."""
    held = tuple(sorted({int(d) for d in holdout}))
    trainer = holdout_trainer(held, epochs=epochs, train_size=train_size, control=control,
                              **trainer_settings)
    end = None
    for event in trainer.events():
        if cancel is not None and cancel.stop_requested:
            trainer.stop()
        yield event
        if isinstance(event, EndEvent):
            end = event
    if cancel is not None and cancel.stop_requested:
        return None
    if end is None or end.status == "failed":
        raise ValueError(end.message if end is not None else "training ended without a result")
    if end.epochs_trained == 0:
        raise ValueError("stopped before the first epoch ended: no model to score")
    yield SCORING
    model = trainer.model.eval()
    steps = experiment_steps(model, trainer.train_data[0], test[0], test[1], held, score,
                             percentile)
    while True:
        try:
            fraction = next(steps)
        except StopIteration as done:
            result = done.value
            break
        if cancel is not None and cancel.stop_requested:
            return None
        yield fraction
    train_config = {**trainer.config.to_dict(), "train_size": train_size,
                    "digits": [d for d in range(10) if d not in held]}
    return HoldoutOutcome(model, held, end, trainer.train_data[0],
                          measured_history(model, trainer.history, test), train_config, result)


def measured_history(model, history: list[dict], test: tuple) -> list[dict]:
    """A held-out run's history with the kept model's test loss measured once, in its last
    epoch: the test set was not evaluated each epoch, and so its checkpoint has the test loss
    the Evaluate tab shows for it (the Train tab's record), from the app or the CLI."""
    history = [dict(record) for record in history]
    measured = negative_elbo(model, test[0], test[1])
    history[-1].update(test_loss=measured["test_loss"], test_recon=measured["recon"],
                       test_kl=measured["kl"])
    return history
