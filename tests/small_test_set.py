"""A shorter test set for tests whose tabs run a test-set pass (shared by test modules)."""

from __future__ import annotations


def use_test_digits(state, mnist_test, monkeypatch, count: int):
    """Make `state`'s test set the first `count` test digits, so each model's test-set pass is
    quick."""
    from vae_desktop.core.data import to_float

    images, labels = mnist_test[0][:count], mnist_test[1][:count]
    monkeypatch.setattr(state, "test_set", lambda: (images, labels))
    monkeypatch.setattr(state, "test_images", lambda: to_float(images))
    return state
