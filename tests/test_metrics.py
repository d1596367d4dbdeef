"""PSNR and SSIM, computed for a whole batch at once, against torchmetrics' own functions."""

from __future__ import annotations

import math

import pytest
import torch

from vae_desktop.core import metrics
from vae_desktop.core.data import to_float


def torchmetrics_image():
    """torchmetrics' image functions, imported by the tests that use them: the import takes some
    3.5 s (it brings scipy.signal and torchvision's models), which every pytest worker paid while
    collecting this file."""
    from torchmetrics.functional import image

    return image


def _pairs(mnist_test, n=600):
    """Real digits and noisy, blurred versions of them (SSIM well away from 0 and 1)."""
    target = to_float(mnist_test[0][:n])
    gen = torch.Generator().manual_seed(0)
    noisy = target + 0.25 * torch.rand(target.shape, generator=gen)
    pred = torch.nn.functional.avg_pool2d(noisy, 3, 1, 1).clamp(0, 1)
    return pred, target


def test_ssim_matches_torchmetrics_within_1e4(mnist_test):
    pred, target = _pairs(mnist_test)  # 600 images: more than one chunk
    expected = torchmetrics_image().structural_similarity_index_measure(
        pred, target, data_range=1.0, reduction="none")
    got = metrics.ssim(pred, target)
    assert got.shape == (600,)
    assert 0.2 < float(got.mean()) < 0.9
    assert torch.allclose(got, expected, atol=1e-4, rtol=0)


def test_ssim_of_other_sizes_channels_and_one_image():
    gen = torch.Generator().manual_seed(1)
    a, b = torch.rand(3, 2, 17, 23, generator=gen), torch.rand(3, 2, 17, 23, generator=gen)
    expected = torchmetrics_image().structural_similarity_index_measure(
        a, b, data_range=1.0, reduction="none")
    assert torch.allclose(metrics.ssim(a, b), expected, atol=1e-4, rtol=0)
    image = torch.rand(28, 28, generator=gen)
    assert float(metrics.ssim(image, image)[0]) == pytest.approx(1.0, abs=1e-6)
    with pytest.raises(ValueError, match="at least 6 pixels"):
        metrics.ssim(torch.rand(1, 1, 5, 5), torch.rand(1, 1, 5, 5))


def test_psnr_matches_torchmetrics(mnist_test):
    pred, target = _pairs(mnist_test, 200)
    expected = torchmetrics_image().peak_signal_noise_ratio(
        pred, target, data_range=1.0, reduction="none", dim=(1, 2, 3))
    assert torch.allclose(metrics.psnr(pred, target), expected, atol=1e-4, rtol=1e-6)


def test_percentile_of_counts_scores_at_or_below_in_their_own_dtype():
    reference = torch.tensor([1.0, 2.0, 3.0, 4.0])
    assert [metrics.percentile_of(v, reference) for v in (0.0, 2.0, 2.5, 4.0)] == [0, 50, 50, 100]
    # 0.1 as float32 is a little above 0.1; compared in float32, as torch does, it is at 0.1.
    assert metrics.percentile_of(0.1, torch.tensor([0.1])) == 100.0
    assert math.isnan(metrics.percentile_of(1.0, torch.tensor([])))


def test_ssim_of_binary_targets_skips_their_square_and_gives_the_same_values(mnist_test):
    # A binarised model is scored against 0/1 pixels, whose squares are themselves: the blur of
    # t^2 is the blur of t, so SSIM needs four blurred maps, not five.
    pred, grey = _pairs(mnist_test)
    target = (grey > 0.5).float()
    full = metrics.ssim(pred, target)
    binary = metrics.ssim(pred, target, binary_target=True)
    assert torch.allclose(binary, full, atol=1e-6, rtol=0)
    expected = torchmetrics_image().structural_similarity_index_measure(
        pred, target, data_range=1.0, reduction="none")
    assert torch.allclose(binary, expected, atol=1e-4, rtol=0)
    # The targets' own SSIM is 1, and a grey-level target is refused rather than scored wrongly.
    assert torch.allclose(metrics.ssim(target[:3], target[:3], binary_target=True),
                          torch.ones(3), atol=1e-6)
    with pytest.raises(ValueError, match="0 or 1"):
        metrics.ssim(pred[:2], grey[:2], binary_target=True)
