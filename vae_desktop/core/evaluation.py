"""A model's full report on the test set: the negative ELBO with its parts, PSNR and SSIM of the
reconstructions, a per-digit table, per-image scores and the worst-reconstructed images.

The headline negative ELBO is `training.evaluate`'s (one sampled z, fixed seed, drawn batch by
batch alike) so that it is the very number the CLI and the Train tab print. Per-image scores,
the per-digit table and the reconstructions use z = posterior mean, which is deterministic and
is what anomaly scores use. Everything comes from one pass over the images.

At z = mu the reconstruction plus the KL is not a negative ELBO: the ELBO is an expectation
over q(z|x), and decoding its mean alone is no bound on -log p(x) (on a 50-D binarised model it
falls below the importance-weighted -log p(x)). It is named AT_MU wherever it is shown.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field

import torch

from .data import binarize_fixed
from .jobs import run_to_end
from .latent import ACTIVE_COV, unit_activity
from .metrics import psnr, ssim
from .model import VAE, kl_per_image, recon_per_image, sample_z
from .training import EVAL_BATCH, EVAL_SEED, evaluate

# The per-image "loss" at z = mu (the reconstruction of the mean code plus the KL): one name for
# it in the table, the histogram and the anomaly score, never "negative ELBO", which samples z.
AT_MU = "reconstruction + KL"
# Per-image score names, in display order, with what they mean.
SCORE_NAMES = {
    "loss": f"{AT_MU} (nats)",
    "recon": "reconstruction BCE (nats)",
    "kl": "KL (nats)",
    "psnr": "PSNR (dB)",
    "ssim": "SSIM",
}


@dataclass
class DigitRow:
    """A digit's means over its test images, z = mu (`loss` is AT_MU, not a negative ELBO)."""

    digit: int
    count: int
    loss: float
    recon: float
    kl: float
    psnr: float
    ssim: float

    def to_dict(self) -> dict:
        return {"digit": self.digit, "count": self.count, "loss": self.loss, "recon": self.recon,
                "kl": self.kl, "psnr": self.psnr, "ssim": self.ssim}


@dataclass
class EvaluationReport:
    test_loss: float  # mean negative ELBO, one z sample (as `training.evaluate`)
    recon: float
    kl: float
    psnr: float  # mean over images, reconstructions from z = mu
    ssim: float
    count: int
    per_digit: list[DigitRow]
    scores: dict[str, torch.Tensor]  # SCORE_NAMES -> float [N], z = mu, on the CPU ("loss": AT_MU)
    labels: torch.Tensor  # int64 [N]
    worst: torch.Tensor  # indices of the worst reconstructions (highest BCE first)
    reconstructions: torch.Tensor = field(repr=False)  # float [len(worst), 28, 28] for `worst`
    mu: torch.Tensor = field(repr=False, default=None)  # [N, latent_dim] posterior means
    logvar: torch.Tensor = field(repr=False, default=None)  # [N, latent_dim]
    binarized: bool = False  # scored on the fixed binarisation of the images

    @property
    def unit_activity(self) -> torch.Tensor:
        """[latent_dim] Cov_x(E_q[z_u | x]): the variance of each unit's posterior mean."""
        return unit_activity(self.mu)

    @property
    def active_units(self) -> int:
        return int((self.unit_activity > ACTIVE_COV).sum())

    def to_dict(self) -> dict:
        """The JSON-friendly summary (no per-image arrays)."""
        return {"test_loss": self.test_loss, "recon": self.recon, "kl": self.kl,
                "psnr": self.psnr, "ssim": self.ssim, "count": self.count,
                "binarized": self.binarized, "active_units": self.active_units,
                "unit_activity": [round(float(v), 6) for v in self.unit_activity],
                "per_digit": [row.to_dict() for row in self.per_digit]}


REPORT_COLUMNS = ("digit", "images", "reconstruction_plus_kl_at_mu", "reconstruction_at_mu", "kl",
                  "psnr_db", "ssim", "seen_in_training")


def report_csv(report: EvaluationReport, model_name: str, unseen: Sequence[int] = (),
               notes: Sequence[str] = ()) -> str:
    """The report as CSV text: the headline figures as "# " lines (pandas: comment="#"), then
    the per-digit table, one row per digit (REPORT_COLUMNS). `unseen`: the digits the model was
    trained without; `notes`: more "# " lines (an estimate of -log p(x))."""
    name = " ".join(model_name.split())  # one line, whatever the name holds
    inputs = "binarised" if report.binarized else "grey-level"
    at_mu = float(report.scores["loss"].mean())
    lines = [
        f"vae-desktop evaluation of {name} on {report.count} {inputs} test digits",
        f"negative ELBO, one sampled z per image (nats/image): {report.test_loss:.4f}",
        f"reconstruction, one sampled z per image (nats/image): {report.recon:.4f}",
        f"KL (nats/image): {report.kl:.4f}",
        f"{AT_MU} at z = mu, not a bound (nats/image): {at_mu:.4f}",
        f"PSNR of the reconstructions from z = mu (dB): {report.psnr:.4f}",
        f"SSIM of the reconstructions from z = mu: {report.ssim:.4f}",
        f"active latent dimensions: {report.active_units} of {len(report.unit_activity)}",
        *notes,
        "per digit below: means over its test images, z = mu",
    ]
    out = io.StringIO()
    out.writelines(f"# {line}\n" for line in lines)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REPORT_COLUMNS)
    for row in report.per_digit:
        writer.writerow([row.digit, row.count, f"{row.loss:.6f}", f"{row.recon:.6f}",
                         f"{row.kl:.6f}", f"{row.psnr:.6f}", f"{row.ssim:.6f}",
                         "no" if row.digit in unseen else "yes"])
    return out.getvalue()


def test_inputs(model: VAE, images: torch.Tensor) -> torch.Tensor:
    """What `model` is scored on: the images as floats [N, 1, 28, 28], binarised once with the
    fixed seed when the model was trained on binarised MNIST (core.data.binarize_fixed)."""
    return binarize_fixed(images) if model.config.binarized else _as_float(images)


@torch.no_grad()
def reconstruct(model: VAE, images: torch.Tensor, labels: torch.Tensor | None = None,
                batch_size: int = 2000) -> torch.Tensor:
    """Reconstructions decoded from z = mu: float [N, 1, 28, 28] on the CPU."""
    images = _as_float(images)
    out = []
    for start in range(0, len(images), batch_size):
        x = images[start:start + batch_size].to(model.device)
        y = labels[start:start + batch_size].to(model.device) if model.num_classes else None
        mu, _ = model.encode(x, y)
        out.append(model.decode(mu, y).cpu())
    return torch.cat(out) if out else images.new_zeros((0, 1, 28, 28))


def evaluate_model(model: VAE, images: torch.Tensor, labels: torch.Tensor,
                   worst: int = 24, batch_size: int = EVAL_BATCH) -> EvaluationReport:
    """Evaluate `model` on (images, labels): float [N, 1, 28, 28] in [0, 1] or uint8 [N, 28, 28]."""
    return run_to_end(evaluation_steps(model, images, labels, worst, batch_size))


def evaluation_steps(model: VAE, images: torch.Tensor, labels: torch.Tensor, worst: int = 24,
                     batch_size: int = EVAL_BATCH) -> Generator[float, None, EvaluationReport]:
    """`evaluate_model` as a job: yields the fraction done (0 to 1) between batches and returns
    the report. One pass over the images gives every number the app shows: each batch is
    encoded once, then decoded from a sampled z (the headline, drawn exactly as
    `training.evaluate(..., batch_size=batch_size)` draws it, so it is the same number) and from
    z = mu (scores, reconstructions, PSNR, SSIM), and the posterior (mu, logvar) is kept, so
    Draw, Latent space, Evaluate and the anomaly panel share it."""
    if len(images) == 0:
        raise ValueError("there are no test images to evaluate")
    if len(images) != len(labels):
        raise ValueError(f"{len(images)} images but {len(labels)} labels")
    labels = labels.long().cpu()
    images = test_inputs(model, images)
    was_training = model.training
    model.eval()
    parts: dict[str, list[torch.Tensor]] = {k: [] for k in (*SCORE_NAMES, "mu", "logvar")}
    kept = _WorstKept(worst)
    headline = {"loss": 0.0, "recon": 0.0, "kl": 0.0}
    n = len(images)
    # The pass's own generator, seeded as `training.evaluate` seeds torch's global one, so that
    # it draws the same z: the global generator is shared by every thread, and two passes at
    # once (or a training beside one) drew each other's numbers.
    generator = torch.Generator(device=model.device).manual_seed(EVAL_SEED)
    try:
        with torch.no_grad():
            for start in range(0, n, batch_size):
                x = _as_float(images[start:start + batch_size]).to(model.device)
                y = labels[start:start + batch_size].to(model.device) if model.num_classes else None
                mu, logvar = model.encode(x, y)
                kl = kl_per_image(mu, logvar)
                sampled = recon_per_image(model.decode_logits(sample_z(mu, logvar, generator), y), x)
                for key, value in (("loss", sampled + kl), ("recon", sampled), ("kl", kl)):
                    headline[key] += float(value.sum())
                logits = model.decode_logits(mu, y)
                recon = recon_per_image(logits, x)
                pred = torch.sigmoid(logits)
                values = {"loss": recon + kl, "recon": recon, "kl": kl, "psnr": psnr(pred, x),
                          "ssim": ssim(pred, x, binary_target=model.config.binarized),
                          "mu": mu.float(), "logvar": logvar.float()}
                for key, value in values.items():
                    parts[key].append(value.cpu())
                kept.add(start, parts["recon"][-1], pred)  # the scores on the CPU, just kept
                yield min(start + batch_size, n) / n
    finally:
        model.train(was_training)
    scores = {key: torch.cat(parts[key]) for key in SCORE_NAMES}
    per_digit = []
    for digit in torch.unique(labels).tolist():
        mask = labels == digit
        means = {key: float(scores[key][mask].mean()) for key in SCORE_NAMES}
        per_digit.append(DigitRow(int(digit), int(mask.sum()), **means))
    order = torch.argsort(scores["recon"], descending=True)[:worst]
    return EvaluationReport(
        test_loss=headline["loss"] / n, recon=headline["recon"] / n, kl=headline["kl"] / n,
        psnr=float(scores["psnr"].mean()), ssim=float(scores["ssim"].mean()),
        count=n, per_digit=per_digit, scores=scores, labels=labels, worst=order,
        reconstructions=kept.images(order), mu=torch.cat(parts["mu"]),
        logvar=torch.cat(parts["logvar"]), binarized=model.config.binarized,
    )


class _WorstKept:
    """The reconstructions that may be among the `worst` highest reconstruction BCEs, batch by
    batch: each batch's images whose BCE is at least its own `worst`-th highest (ties kept). An
    image among the `worst` highest of all is among those of its batch, so the pass keeps these
    rather than every reconstruction it makes (31 MB for the 10,000 test digits, joined at the
    end for 24 of them: 0.98x the report's time without it, 2026-12-06)."""

    def __init__(self, worst: int) -> None:
        self.worst = worst
        self.found: dict[int, torch.Tensor] = {}  # image index -> its reconstruction [28, 28]

    def add(self, start: int, recon: torch.Tensor, pred: torch.Tensor) -> None:
        if self.worst <= 0 or len(recon) == 0:
            return
        least = torch.topk(recon, min(self.worst, len(recon))).values[-1]
        # NaN sorts above every number (topk and argsort alike), and compares as nothing.
        for i in torch.nonzero((recon >= least) | recon.isnan()).flatten().tolist():
            self.found[start + i] = pred[i, 0].cpu().clone()

    def images(self, order: torch.Tensor) -> torch.Tensor:
        """The reconstructions of the images at `order` (each one kept), float [len, 28, 28]."""
        if len(order) == 0:
            return torch.zeros((0, 28, 28))
        return torch.stack([self.found[int(i)] for i in order])


def negative_elbo(model: VAE, images: torch.Tensor, labels: torch.Tensor,
                  batch_size: int = EVAL_BATCH) -> dict[str, float]:
    """The report's headline alone: {"test_loss", "recon", "kl"}, nats per image, as
    `training.evaluate` gives them (the same seeded z) on what the model is scored on
    (test_inputs). For a model trained without the test set evaluated each epoch (a held-out
    run)."""
    if len(images) == 0:
        raise ValueError("there are no test images to evaluate")
    return evaluate(model, test_inputs(model, images), labels.long().cpu(), batch_size)


def _as_float(images: torch.Tensor) -> torch.Tensor:
    if images.dtype == torch.uint8:
        return images.unsqueeze(1).float() / 255.0
    return images.float()
