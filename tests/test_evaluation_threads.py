"""The headline negative ELBO of a test-set pass is the same whether the pass runs alone or
beside another one in another thread.

The bug: `evaluation_steps` seeded torch's one global generator (fork_rng + manual_seed), which
every thread draws from; two passes at once (picking mnist-vae-z16, then mnist-vae-z2 within a
second on the Evaluate tab) drew each other's numbers: 102.94 and 148.79 where alone (and
`vae-desktop eval`) they are 102.96 and 148.80, and the wrong value stayed cached."""

from __future__ import annotations

import threading

import pytest
import torch

from vae_desktop.core.evaluation import evaluate_model, evaluation_steps
from vae_desktop.core.training import evaluate

N = 800  # test digits
BATCH = 200  # four batches each: the two passes take turns between them


def in_lockstep(*jobs):
    """Run each generator job in its own thread, strictly taking turns batch by batch (the
    interleaving two workers may fall into, made certain); returns their results."""
    turns = [threading.Semaphore(0) for _ in jobs]
    results, errors = [None] * len(jobs), []

    def run(i, job):
        try:
            while True:
                turns[i].acquire()
                try:
                    next(job)
                except StopIteration as done:
                    results[i] = done.value
                    return
                finally:
                    turns[(i + 1) % len(jobs)].release()
        except BaseException as exc:  # noqa: BLE001 (reported by the test)
            errors.append(exc)
            for turn in turns:
                turn.release()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    turns[0].release()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    return results


def test_two_passes_at_once_give_the_numbers_of_each_alone(bundled, mnist_test):
    images, labels = mnist_test[0][:N], mnist_test[1][:N]
    z16, z2 = bundled["mnist-vae-z16"].model, bundled["mnist-vae-z2"].model
    alone = [evaluate_model(m, images, labels, batch_size=BATCH) for m in (z16, z2)]
    together = in_lockstep(*(evaluation_steps(m, images, labels, batch_size=BATCH)
                             for m in (z16, z2)))
    for a, t in zip(alone, together, strict=True):
        assert (t.test_loss, t.recon, t.kl) == (a.test_loss, a.recon, a.kl)
    # And alone it is still the number training and `vae-desktop eval` print.
    for model, report in zip((z16, z2), alone, strict=True):
        direct = evaluate(model, images, labels, batch_size=BATCH)
        assert report.test_loss == pytest.approx(direct["test_loss"], abs=1e-9)


def test_the_training_test_pass_is_the_same_beside_other_random_draws(bundled, mnist_test):
    """training.evaluate (the test loss after each epoch, `vae-desktop eval`'s figure) seeded the
    global generator too: another thread drawing random numbers meanwhile (a sweep trial, the
    Latent space tab's samples) changed the figure, and its own draws were reseeded."""
    images, labels = mnist_test[0][:N], mnist_test[1][:N]
    model = bundled["mnist-vae-z16"].model
    alone = evaluate(model, images, labels, batch_size=BATCH)
    stop = threading.Event()

    def draw() -> None:
        while not stop.is_set():
            torch.randn(10_000)

    other = threading.Thread(target=draw)
    other.start()
    try:
        beside = [evaluate(model, images, labels, batch_size=BATCH) for _ in range(3)]
    finally:
        stop.set()
        other.join(10)
    assert all(b == alone for b in beside)
