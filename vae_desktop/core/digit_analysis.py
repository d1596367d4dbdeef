"""Everything the Draw tab shows for one 28x28 digit, given a model: the reconstruction, where it
differs, the score with its parts, PSNR and SSIM, how the score ranks among the test set's, and
for a conditional model which label explains the digit best.

The score (`loss`) is the reconstruction of the posterior mean code z = mu plus the KL, as
`metrics.score_dataset` computes it for the test set, so the drawing and the test set are ranked
on the same footing; the test set is scored under its true labels and the drawing under the label
used for its reconstruction. It is the figure the app names `evaluation.AT_MU`, not a negative
ELBO: the ELBO is an expectation over q(z|x), and decoding its mean alone is no bound on
-log p(x).

The label guess is a generative classifier: the score under each label stands in for
-log p(x | y), so with equal priors p(y | x) ~ softmax_y(-loss_y). It stands in for the sampled
negative ELBO: on the bundled CVAEs the two differ by up to about 15 nats, either way, yet pick
the same best label for nearly every test digit. All ten labels go through the model in one
batch.

A label picked by hand ("reconstruct this as a 7") changes the reconstruction, not the drawing:
whether the drawing is unusual for the model, and the guess, go by the model's own best reading
(`DigitAnalysis.reading`, the best label's scores), kept beside the picked label's.

A model trained on binarised MNIST scores its test digits binarised (`evaluation.test_inputs`:
each pixel black or white, with its grey level as the chance of white, one fixed-seed draw), so a
drawing is binarised the same way (the draw `data.binarize_fixed` makes, with the same seed)
before it is scored, reconstructed and guessed: its score then ranks among theirs like for like
(as grey levels the first 200 test digits scored 84.2 nats on average on
mnist-vae-z50-binarized, binarised 79.6), and the same drawing always gets the same score. A
test digit the Evaluate tab opens is binarised already; a second draw keeps its pixels (a pixel
at 0 or 1 stays there), and its score is the pass's. `DigitAnalysis.image` is what the model
saw.

The verdict says only what the rank shows: a score within the range of most test digits means
the model explains the drawing about as well as it explains digits, not that it is one (a star
or a letter can rank there).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import torch

from . import metrics, small_batch
from .data import binarize_fixed
from .model import VAE, kl_per_image, recon_per_image
from .wording import article

TYPICAL = "scores within the range of most test digits"
UNUSUAL = "unusual for this model"
DEFAULT_THRESHOLD = 99.0  # percentile of the test-set scores above which a digit is unusual
# The guess is "unsure" when the runner-up label explains the drawing within this many nats of
# the best (a likelihood ratio under e^3, about 20), or when the drawing is unusual: a softmax
# over score differences of tens of nats says p = 1.00 even for a scribble.
UNSURE_MARGIN = 3.0


@dataclass(frozen=True)
class DigitAnalysis:
    image: np.ndarray  # float32 [28, 28] the model's input (binarised for a binarised model)
    reconstruction: np.ndarray  # float32 [28, 28] pixel probabilities decoded from mu
    abs_diff: np.ndarray  # |reconstruction - image|
    loss: float  # nats = recon + kl at z = mu (evaluation.AT_MU: not a negative ELBO, no bound)
    recon: float  # Bernoulli negative log-likelihood of the image given z = mu
    kl: float  # KL(q(z|x) || N(0, I))
    psnr: float  # dB, reconstruction against input
    ssim: float
    mu: np.ndarray  # posterior mean [latent_dim]
    logvar: np.ndarray  # posterior log-variance [latent_dim]
    label: int | None  # label the reconstruction was decoded with (conditional models)
    label_probs: np.ndarray | None  # [num_classes] p(y | x), summing to 1 (conditional models)
    percentile: float | None  # share (0-100) of test-set scores at or below `loss`
    label_losses: np.ndarray | None = None  # [num_classes] `loss` under each label
    # The analysis under the best label, when `label` was picked by hand and is another one
    # (None: this analysis is the best reading itself).
    best_reading: DigitAnalysis | None = None

    @property
    def reading(self) -> DigitAnalysis:
        """The model's own best reading of the digit: this analysis, or for a label picked by
        hand that is not the best, the best label's. The verdict and the guess go by it."""
        return self.best_reading if self.best_reading is not None else self

    def verdict(self, threshold: float = DEFAULT_THRESHOLD) -> str | None:
        """TYPICAL or UNUSUAL, judged on the best reading's percentile."""
        return verdict(self.reading.percentile, threshold)

    @property
    def best_labels(self) -> tuple[int, int] | None:
        """(best, runner-up) labels by `loss`, lowest first (conditional models)."""
        if self.label_losses is None or len(self.label_losses) < 2:
            return None
        best, second = np.argsort(self.label_losses, kind="stable")[:2]
        return int(best), int(second)

    @property
    def margin(self) -> float | None:
        """Nats by which the best label's `loss` beats the runner-up's."""
        pair = self.best_labels
        return None if pair is None else float(self.label_losses[pair[1]] - self.label_losses[pair[0]])

    def guess_is_unsure(self, threshold: float = DEFAULT_THRESHOLD) -> bool:
        margin = self.margin
        return margin is not None and (margin < UNSURE_MARGIN or self.verdict(threshold) == UNUSUAL)


def guess_sentence(analysis: DigitAnalysis, what: str = "the drawing",
                   threshold: float = DEFAULT_THRESHOLD) -> str | None:
    """How a conditional model reads the digit, in words: the best label and its lead in nats,
    or "Unsure: ..." when the lead is under UNSURE_MARGIN or the digit is unusual for the model
    at `threshold` (a percentile: give the one the verdict shown beside it uses). A label picked
    by hand does not change it. None for an unconditional model. The Draw tab's guess and the
    Conditional tab's style transfer both say it, so the two never disagree about one image."""
    pair = analysis.best_labels
    if pair is None:
        return None
    guess, runner_up = pair
    ahead = f"{analysis.margin:.1f} nats ahead of {article(runner_up)} {runner_up}"
    if analysis.guess_is_unsure(threshold):
        why = (f"{what} is unusual for this model" if analysis.verdict(threshold) == UNUSUAL
               else "two labels explain it almost equally")
        return f"Unsure: {why} (best {article(guess)} {guess}, {ahead})"
    return f"Looks like {article(guess)} {guess}: {ahead}"


def verdict(percentile: float | None, threshold: float = DEFAULT_THRESHOLD) -> str | None:
    """TYPICAL or UNUSUAL: unusual when the score ranks above `threshold` percent of the test set;
    None when there is no percentile to judge by."""
    if percentile is None or percentile != percentile:
        return None
    return UNUSUAL if percentile > threshold else TYPICAL


def _as_input(image: np.ndarray | torch.Tensor, device: torch.device,
              binary: bool = False) -> torch.Tensor:
    # Checked and clipped in numpy: a few us, where each torch op on 784 pixels costs about 10.
    pixels = image.detach().cpu().numpy() if torch.is_tensor(image) else image
    pixels = np.asarray(pixels, dtype=np.float32)
    if pixels.size != 28 * 28:
        raise ValueError(f"expected a 28x28 image, got shape {tuple(pixels.shape)}")
    if not np.isfinite(pixels).all():
        raise ValueError("the image contains NaN or infinite values")
    x = torch.from_numpy(np.clip(pixels, 0.0, 1.0).reshape(1, 1, 28, 28))
    if binary:  # the seeded draw the test digits had (data.binarize_fixed), not kept
        x = binarize_fixed(x, keep=False)
    return x if device.type == "cpu" else x.to(device)


def _scores_per_label(model: VAE, x: torch.Tensor):
    n = model.num_classes
    xs = x.expand(n, -1, -1, -1)
    labels = torch.arange(n, device=x.device)
    fast = small_batch.for_model(model)
    if fast is not None:  # x's part of the encoder's first layer once, not once per label
        mu, logvar = fast.encode(x, labels)
        logits = fast.decode_logits(mu, labels)
    else:  # a conv model: its convolutions and x's part of the first layer once, too
        mu, logvar = (t.reshape(n, -1) for t in model.encode_each_label(x))
        logits = model.decode_logits(mu, labels)
    recon = recon_per_image(logits, xs)
    kl = kl_per_image(mu, logvar)
    return recon + kl, recon, kl, mu, logvar, logits


@torch.inference_mode()  # about a tenth less overhead per op than no_grad, at these sizes
def analyse_digit(model: VAE, image: np.ndarray | torch.Tensor, label: int | None = None,
                  reference: torch.Tensor | None = None,
                  binarize: bool | None = None) -> DigitAnalysis:
    """Analyse one 28x28 image in [0, 1] (e.g. from `preprocess.to_mnist`).

    `label`: for a conditional model, the label to reconstruct with; None picks the most likely.
    A picked label that is not the most likely one also gets the best label's analysis, as
    `best_reading`. `reference`: the test set's per-image scores at z = mu (a test-set pass's
    `scores["loss"]`, core.evaluation) for the percentile; None leaves `percentile` None.
    `binarize`: score the image binarised as the test digits are (None: when the model was
    trained on binarised MNIST, so that it is scored as its test-set pass scored them)."""
    if binarize is None:
        binarize = bool(model.config.binarized)
    was_training = model.training
    if was_training:
        model.eval()
    try:
        x = _as_input(image, model.device, binarize)
        probs = label_losses = None
        if model.num_classes:
            losses, recons, kls, mus, logvars, all_logits = _scores_per_label(model, x)
            probs_t = torch.softmax(-losses, dim=0)
            best = int(torch.argmax(probs_t))
            if label is None:
                label = best
            elif not 0 <= int(label) < model.num_classes:
                raise ValueError(f"label must lie in 0..{model.num_classes - 1}, got {label}")
            picks = [int(label)] if int(label) == best else [int(label), best]
            probs = probs_t.cpu().numpy()
            label_losses = losses.float().cpu().numpy()
            parts = [(losses[d], recons[d], kls[d], mus[d], logvars[d]) for d in picks]
            logits = all_logits[picks]
        else:
            picks = [None]
            net = small_batch.for_model(model) or model
            mu, logvar = net.encode(x)
            logits = net.decode_logits(mu)
            recon = recon_per_image(logits, x)[0]
            kl = kl_per_image(mu, logvar)[0]
            parts = [(recon + kl, recon, kl, mu[0], logvar[0])]
        recon_images = torch.sigmoid(logits)  # one image per pick, in one batch
        xs = x.expand(len(picks), -1, -1, -1)
        psnrs = metrics.psnr(recon_images, xs).tolist()
        ssims = metrics.ssim(recon_images, xs).tolist()
    finally:
        if was_training:
            model.train()
    inp = x[0, 0].cpu().numpy()
    readings = []
    for i, pick in enumerate(picks):
        loss, recon, kl, mu, logvar = parts[i]
        loss_value = float(loss)
        rec = recon_images[i, 0].cpu().numpy()
        percentile = None
        if reference is not None and reference.numel():
            percentile = metrics.percentile_of(loss_value, reference)
        readings.append(DigitAnalysis(
            image=inp, reconstruction=rec, abs_diff=np.abs(rec - inp), loss=loss_value,
            recon=float(recon), kl=float(kl), psnr=float(psnrs[i]), ssim=float(ssims[i]),
            mu=mu.cpu().numpy(), logvar=logvar.cpu().numpy(), label=pick, label_probs=probs,
            percentile=percentile, label_losses=label_losses,
        ))
    if len(readings) == 2:
        return replace(readings[0], best_reading=readings[1])
    return readings[0]
