"""Workers given different seeds never suggest the same settings because they joined the study
at different times (the sampler's seed was seed + trials already there: worker 1 joining one
trial after worker 2 sampled exactly what worker 2 had)."""

from __future__ import annotations

import optuna

from vae_desktop.core.sweep import SweepSpec, run_sweep
from vae_desktop.core.sweep.run import sampler_seed

optuna.logging.set_verbosity(optuna.logging.WARNING)


def test_a_worker_joining_later_does_not_repeat_another_workers_settings(tmp_path):
    url = f"journal://{(tmp_path / 'sweep.log').as_posix()}"
    tiny = dict(vary=("lr", "latent_dim"), trials=1, epochs=1, train_size=200, test_size=100,
                storage=url, study="seeds", fixed={"hidden": 16}, prune=False)
    first = run_sweep(SweepSpec(**tiny, seed=2))  # worker 2 starts on the empty study
    second = run_sweep(SweepSpec(**tiny, seed=1))  # worker 1 joins one trial later
    [a], [_, b] = first.trials, second.trials
    assert a.params != b.params


def test_sampler_seeds_differ_for_every_seed_and_join_time():
    seeds = {sampler_seed(seed, existing) for seed in range(50) for existing in range(50)}
    assert len(seeds) == 2500
