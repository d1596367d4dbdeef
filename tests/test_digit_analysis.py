"""What the Draw tab computes for one digit: scores consistent with the test-set pass it is ranked
against, the conditional model's guess and the percentile verdict."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from vae_desktop.core import generate, metrics
from vae_desktop.core.data import to_float
from vae_desktop.core.digit_analysis import (
    TYPICAL,
    UNUSUAL,
    analyse_digit,
    guess_sentence,
    verdict,
)
from vae_desktop.core.evaluation import evaluate_model


@pytest.fixture(scope="module")
def test_float(mnist_test):
    return to_float(mnist_test[0]), mnist_test[1]


def reference_scores(model, test_float) -> torch.Tensor:
    """The test set's per-image scores at z = mu (reconstruction + KL), as its pass gives them."""
    return metrics.score_dataset(model, *test_float)["loss"]


@pytest.mark.parametrize("name", ["mnist-cvae-z2", "mnist-cvae-z16"])
def test_conditional_model_guesses_clear_test_digits(bundled, test_float, name):
    model = bundled[name].model
    images, labels = test_float
    probs = generate.guess_label(model, images[:50])[1].numpy()
    assert probs.shape == (50, 10) and np.all(probs >= 0)
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    right = int((probs.argmax(axis=1) == labels[:50].numpy()).sum())
    assert right >= 45, f"{name} guessed {right} of 50 test digits"
    result = analyse_digit(model, images[8, 0])
    assert result.label == int(np.argmax(result.label_probs))  # auto decodes with the best guess
    assert np.allclose(result.label_probs, probs[8], atol=1e-5)


def test_a_picked_label_is_used_for_the_reconstruction(bundled, test_float):
    model = bundled["mnist-cvae-z2"].model
    seven = test_float[0][0, 0]  # the first test digit is a 7
    assert int(test_float[1][0]) == 7
    auto = analyse_digit(model, seven)
    as_three = analyse_digit(model, seven, label=3)
    assert auto.label == 7 and as_three.label == 3
    assert as_three.loss > auto.loss
    assert not np.allclose(as_three.reconstruction, auto.reconstruction, atol=0.05)
    with pytest.raises(ValueError, match="0..9"):
        analyse_digit(model, seven, label=10)


def test_scores_match_the_test_set_pass(bundled, test_float, mnist_test):
    model = bundled["mnist-vae-z16"].model
    images, labels = test_float
    reference = evaluate_model(model, mnist_test[0][:300], mnist_test[1][:300]).scores["loss"]
    for i in (0, 1, 2):
        result = analyse_digit(model, images[i, 0].numpy(), reference=reference)
        assert result.label is None and result.label_probs is None
        assert result.loss == pytest.approx(float(reference[i]), rel=1e-4)
        assert result.loss == pytest.approx(result.recon + result.kl, rel=1e-6)
        assert result.percentile == pytest.approx(metrics.percentile_of(result.loss, reference))
        assert result.mu.shape == (16,) and result.logvar.shape == (16,)
        recon = torch.from_numpy(result.reconstruction)
        assert result.psnr == pytest.approx(float(metrics.psnr(recon, images[i, 0])[0]), rel=1e-4)
        assert result.ssim == pytest.approx(float(metrics.ssim(recon, images[i, 0])[0]), rel=1e-4)
        assert np.allclose(result.abs_diff, np.abs(result.reconstruction - result.image))


def test_test_digits_look_typical_and_noise_looks_unusual(bundled, test_float):
    model = bundled["mnist-vae-z2"].model
    images, _ = test_float
    reference = reference_scores(model, test_float)
    results = [analyse_digit(model, images[i, 0], reference=reference) for i in range(0, 2000, 40)]
    percentiles = np.array([r.percentile for r in results])
    assert 30 < np.median(percentiles) < 70  # a test digit ranks like any other test digit
    assert sum(r.verdict() == TYPICAL for r in results) >= 47
    noise = np.random.default_rng(0).random((28, 28)).astype(np.float32)
    odd = analyse_digit(model, noise, reference=reference)
    assert odd.percentile == 100.0 and odd.verdict() == UNUSUAL
    assert odd.verdict(threshold=99.9) == UNUSUAL
    assert verdict(98.0, 99.0) == TYPICAL and verdict(99.5, 99.0) == UNUSUAL
    assert verdict(None) is None and verdict(float("nan")) is None


def test_bad_images_are_refused(bundled):
    model = bundled["mnist-vae-z2"].model
    with pytest.raises(ValueError, match="28x28"):
        analyse_digit(model, np.zeros((20, 20), np.float32))
    bad = np.zeros((28, 28), np.float32)
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        analyse_digit(model, bad)
    with pytest.raises(ValueError, match="conditional"):
        generate.guess_label(model, torch.zeros(1, 1, 28, 28))


def test_a_picked_label_is_judged_on_the_models_own_best_reading(bundled, test_float):
    """Reconstructing a 4 as a 7 scored the drawing under the 7 (hundreds of nats, the 100th
    percentile), so the verdict said "unusual" and the guess "Unsure: the drawing is unusual".
    The drawing did not change: whether it is unusual, and the guess, go by the best label's
    reading; the picked label's numbers are kept beside it."""
    model = bundled["mnist-cvae-z2"].model
    images, labels = test_float
    reference = metrics.score_dataset(model, images[:2000], labels[:2000])["loss"]
    # The first test 4 that the model reads as a 4 within the 99th percentile, and whose score
    # as a 7 alone would rank above it.
    for i in np.flatnonzero(labels.numpy() == 4)[:60]:
        four = images[int(i), 0]
        auto = analyse_digit(model, four, reference=reference)
        as_seven = analyse_digit(model, four, label=7, reference=reference)
        if auto.label == 4 and auto.percentile < 99 and (
                metrics.percentile_of(as_seven.loss, reference) > 99):
            break
    else:
        pytest.fail("no test 4 turns unusual when read as a 7")
    assert auto.best_reading is None and auto.reading is auto
    assert as_seven.label == 7 and as_seven.loss > auto.loss + 50  # the picked label's numbers
    best = as_seven.reading
    assert best is as_seven.best_reading and best.label == 4
    for field in ("loss", "recon", "kl", "psnr", "ssim", "percentile"):
        assert getattr(best, field) == pytest.approx(getattr(auto, field), rel=1e-5), field
    assert np.allclose(best.reconstruction, auto.reconstruction, atol=1e-6)
    assert auto.verdict() == TYPICAL and as_seven.verdict() == TYPICAL
    assert not as_seven.guess_is_unsure()
    assert guess_sentence(as_seven) == guess_sentence(auto)
    assert guess_sentence(as_seven).startswith("Looks like a 4: ")
    # The best label picked by hand is the best reading itself.
    assert analyse_digit(model, four, label=4, reference=reference).best_reading is None


def test_the_verdict_claims_only_what_the_rank_shows():
    """"Looks like a typical digit" was said of a star at the 98.4th percentile: the score ranks
    a drawing among the test digits, it does not recognise digits."""
    assert verdict(98.4, 99.0) == TYPICAL and verdict(99.5, 99.0) == UNUSUAL
    assert "typical digit" not in TYPICAL and "looks like" not in TYPICAL
    assert "most test digits" in TYPICAL
