"""The aggregate-posterior sampler fits its mixtures to the codes of the images the model was
trained on. Only MNIST is bundled: a model trained on Fashion-MNIST or KMNIST (`train
--dataset ... --data-dir ...`) had its mixtures fitted to MNIST's digits instead, silently. It is
refused, saying why and what to use."""

from __future__ import annotations

import pytest

from vae_desktop.core import mixture
from vae_desktop.core.data import DataError


@pytest.mark.parametrize("dataset", ["fashion-mnist", "kmnist"])
def test_a_model_of_another_dataset_gets_no_mixture_of_mnist(dataset):
    with pytest.raises(DataError) as refused:
        mixture.training_data({"dataset": dataset, "train_size": 1000})
    assert str(refused.value) == (
        f"The aggregate-posterior sampler needs the images the model was trained on, and this "
        f"one was trained on {dataset}, which is not bundled (only MNIST is). Use the prior "
        "N(0, I) sampler for it.")


def test_a_model_of_mnist_gets_its_training_images():
    images, labels, key = mixture.training_data({"dataset": "mnist", "digits": [3, 7],
                                                 "train_size": 500})
    assert len(images) == len(labels) == 500 and set(labels.tolist()) == {3, 7}
    assert key == "mnist-train digits=[3, 7] size=500"
