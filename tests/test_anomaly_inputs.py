"""The pixels a binarised model is scored on: `anomaly.model_inputs` drew the fixed binarisation
of data.binarize_fixed by hand (the same seed, the same draws, written twice); it now asks
binarize_fixed. The pixels and the scores are the same as before, to the pixel: the counts and
scores below were measured with the hand-drawn version (2026-12-06)."""

from __future__ import annotations

import pytest
import torch

from vae_desktop.core import anomaly, data
from vae_desktop.core.anomaly import (
    OUTLIER_BINARIZATION_SEED,
    anomaly_scores,
    model_inputs,
    synthetic_outliers,
)
from vae_desktop.core.data import load_split


@pytest.fixture(scope="module")
def binarized(bundled):
    return bundled["mnist-vae-z50-binarized"].model


@pytest.fixture(scope="module")
def first_200():
    return load_split("test", size=200)


def test_the_pixels_and_scores_are_those_of_before(binarized, first_200):
    images, labels = first_200
    pixels = model_inputs(binarized, images)
    assert pixels.dtype == torch.float32 and pixels.device.type == "cpu"
    assert pixels.shape == (200, 1, 28, 28) and int(pixels.sum()) == 18663
    assert set(pixels.unique().tolist()) == {0.0, 1.0}
    scores = anomaly_scores(binarized, images)
    assert scores[:4].tolist() == pytest.approx(
        [63.212703704833984, 99.25904846191406, 38.144893646240234, 68.73873901367188], rel=1e-5)
    assert float(scores.double().sum()) == pytest.approx(15916.472854614258, rel=1e-6)
    # The outliers' own seed, never the noise's draws; scored as the Evaluate tab's experiment
    # scores them (run_experiment: these sums were its outliers' and training images').
    normal = images[labels != 2]  # holding out the 2s
    outliers = {name: model_inputs(binarized, x, OUTLIER_BINARIZATION_SEED)
                for name, x in synthetic_outliers(normal, 50).items()}
    assert {name: int(x.sum()) for name, x in outliers.items()} == {
        "noise": 19652, "inverted": 34687, "blank": 0, "rotated": 4544}
    sums = {name: float(anomaly_scores(binarized, x).double().sum())
            for name, x in outliers.items()}
    assert sums == pytest.approx({"noise": 468588.0712890625, "inverted": 1254163.568359375,
                                  "blank": 1276.7151832580566, "rotated": 7398.880325317383},
                                 rel=1e-6)
    train = anomaly_scores(binarized, load_split("train", size=300)[0])
    assert float(train.double().sum()) == pytest.approx(23935.391344070435, rel=1e-6)


def test_the_pixels_are_binarize_fixeds(binarized, first_200, monkeypatch):
    images = first_200[0]
    assert torch.equal(model_inputs(binarized, images), data.binarize_fixed(images))
    assert torch.equal(model_inputs(binarized, images, 1), data.binarize_fixed(images, 1))
    drawn = []

    def spy(x, seed=data.TEST_BINARIZATION_SEED, **kwargs):
        drawn.append(seed)
        return data.binarize_fixed(x, seed, **kwargs)

    monkeypatch.setattr(anomaly, "binarize_fixed", spy)
    model_inputs(binarized, images, 5)
    assert drawn == [5]  # drawn there, not by a second copy of its draws


def test_images_scored_once_do_not_replace_the_kept_binarisation(binarized, first_200, bundled):
    """binarize_fixed keeps its last binarisation (the test set's, drawn again by every
    evaluation of a binarised model); the training images and the outliers an anomaly pass
    scores once are not kept in its place (60,000 training images: 188 MB kept for nothing)."""
    test_images = first_200[0]
    kept = data.binarize_fixed(test_images)
    train = load_split("train", size=100)[0]
    assert int(model_inputs(binarized, train).sum()) > 0
    assert data._last_binarization[1] is test_images
    assert torch.equal(data._last_binarization[2], kept)
    # A model of grey levels takes the images as they are.
    grey = bundled["mnist-vae-z2"].model
    assert model_inputs(grey, train) is train
