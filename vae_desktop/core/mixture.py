"""Sampling from the aggregate posterior: a Gaussian mixture fitted to the training set's codes.

A VAE's prior N(0, I) has regions ("holes") where no training digit is encoded; decodes of codes
drawn there are blurs between digits. The aggregate posterior q(z) = mean over x of q(z | x) has
no holes by construction, so a mixture fitted to it samples where the decoder was trained.

- The codes are the posterior means of the training images (`CODES_MEAN`): in bench/
  sampler_quality.py they gave more confident digits than one draw from q(z | x) each (which
  fits the aggregate posterior itself, its spread included) - see the README for both figures.
- A Gaussian mixture with full covariances, `COMPONENTS` components for an unconditional model,
  started by scikit-learn's GaussianMixture (k-means) and fitted by its EM iterations written in
  torch (core.mixture_em); a conditional model (CVAE) gets one mixture per label,
  `LABEL_COMPONENTS` each, fitted to the codes of that label's images (encoded with it).
- Temperature t: a sample is z = mu_k + t * L_k eps, with component k drawn by its weight, L_k
  the Cholesky factor of its covariance and eps ~ N(0, I). t = 1 samples the mixture; t = 0
  gives the component means (the most typical codes, as t = 0 gives the prior's mean); t between
  shrinks each sample towards its component's mean, not towards the origin.
- Fitting is seeded and deterministic. Results are cached per model, keyed by a hash of its
  weights and the fit settings, in memory and as an .npz in the user cache folder (plain arrays,
  read with allow_pickle=False, written atomically).

Pure PyTorch and NumPy (scikit-learn is imported only to fit): no Qt here.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Generator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch

from .data import DataError, cache_dir, load_split
from .fileio import atomic_write
from .generate import MAX_TEMPERATURE  # one limit for every sampler
from .jobs import JobControl, run_to_end
from .latent import encode_posterior
from .mixture_em import MixtureState, em_steps
from .model import VAE
from .trained_on import APP_DATASET, trained_on

SAMPLER_PRIOR, SAMPLER_MIXTURE = "prior", "mixture"
SAMPLERS = (SAMPLER_PRIOR, SAMPLER_MIXTURE)
SAMPLER_NAMES = {SAMPLER_PRIOR: "Prior N(0, I)", SAMPLER_MIXTURE: "Aggregate posterior (mixture)"}
CODES_MEAN, CODES_DRAW = "mean", "draw"
# Chosen by BIC in bench/sampler_quality.py (2026-12-02). The bundled 16-D VAE's 60,000 codes:
# 2.24M, 2.15M, 2.10M, 2.06M at 10, 20, 30, 50 components, still falling at the 50 the issue
# allows. The 16-D CVAE's 6,000 codes per digit: lowest at 10 (2.10M, 2.13M, 2.20M summed over
# the digits at 10, 20, 30), and 10 a digit is also the fastest to fit (4 s for all ten).
COMPONENTS = 50
LABEL_COMPONENTS = 10
MIN_COMPONENTS, MAX_COMPONENTS = 1, 200
FIT_SEED = 0
MAX_ITER = 200
REPORT_S = 0.1  # EM's progress reports at most this often (a stop is heard after each iteration)
FORMAT_VERSION = 1
MEMORY_ENTRIES = 8
ENCODE_SHARE = 0.2  # of a fit's progress bar: encoding the images; the rest is EM


@dataclass(frozen=True)
class FitSettings:
    components: int = COMPONENTS
    label_components: int = LABEL_COMPONENTS
    codes: str = CODES_MEAN
    seed: int = FIT_SEED
    max_iter: int = MAX_ITER

    def __post_init__(self) -> None:
        for name in ("components", "label_components"):
            value = getattr(self, name)
            if not MIN_COMPONENTS <= int(value) <= MAX_COMPONENTS:
                raise ValueError(f"{name} must be from {MIN_COMPONENTS} to {MAX_COMPONENTS}, got {value}")
        if self.codes not in (CODES_MEAN, CODES_DRAW):
            raise ValueError(f"codes must be {CODES_MEAN!r} or {CODES_DRAW!r}, got {self.codes!r}")
        if self.max_iter < 1:
            raise ValueError(f"max_iter must be at least 1, got {self.max_iter}")


@dataclass(frozen=True)
class Mixture:
    """One Gaussian mixture over codes: weights [K], means [K, D], covariances [K, D, D]."""

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    chol: torch.Tensor = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        k, d = self.means.shape
        if self.weights.shape != (k,) or self.covariances.shape != (k, d, d):
            raise ValueError(f"mixture arrays disagree: weights {self.weights.shape}, means "
                             f"{self.means.shape}, covariances {self.covariances.shape}")
        if not (np.all(np.isfinite(self.weights)) and np.all(self.weights >= 0)
                and self.weights.sum() > 0):
            raise ValueError("mixture weights must be finite, non-negative and not all zero")
        cov = torch.as_tensor(self.covariances, dtype=torch.float64)
        chol, info = torch.linalg.cholesky_ex(cov)
        if bool(info.any()):
            raise ValueError("a mixture covariance is not positive definite")
        object.__setattr__(self, "chol", chol.float())

    @property
    def components(self) -> int:
        return int(self.weights.shape[0])

    @property
    def latent_dim(self) -> int:
        return int(self.means.shape[1])

    def codes(self, eps: torch.Tensor, picks: torch.Tensor, temperature: float) -> torch.Tensor:
        """mu_k + t L_k eps for each row of eps [N, D] with its component k = picks [N]."""
        means = torch.as_tensor(self.means, dtype=torch.float32)[picks]
        spread = torch.einsum("nij,nj->ni", self.chol[picks], eps)
        return means + float(temperature) * spread

    def log_density(self, z: torch.Tensor) -> torch.Tensor:
        """log q(z) under the mixture, [N] (float64), for codes z [N, D]."""
        z = torch.as_tensor(z, dtype=torch.float64)
        dist = torch.distributions.MultivariateNormal(
            torch.as_tensor(self.means), scale_tril=self.chol.double())
        log_w = torch.log(torch.as_tensor(self.weights / self.weights.sum()))
        return torch.logsumexp(dist.log_prob(z[:, None, :]) + log_w, dim=1)

    def parameters(self) -> int:
        """Free parameters (for BIC): weights, means and covariances."""
        k, d = self.components, self.latent_dim
        return (k - 1) + k * d + k * d * (d + 1) // 2


def _combine(mixtures: list[Mixture], shares: np.ndarray) -> Mixture:
    """One mixture of mixtures, mixture i weighted by shares[i] (those at 0 are left out)."""
    used = [i for i in range(len(mixtures)) if shares[i] > 0]
    if len(used) == 1:
        return mixtures[used[0]]
    weights = np.concatenate([shares[i] * mixtures[i].weights / mixtures[i].weights.sum() for i in used])
    return Mixture(weights, np.concatenate([mixtures[i].means for i in used]),
                   np.concatenate([mixtures[i].covariances for i in used]))


@dataclass(frozen=True)
class AggregatePosterior:
    """The fitted mixtures of one model: one, or one per label (a conditional model)."""

    mixtures: tuple[Mixture, ...]
    label_counts: np.ndarray | None  # training codes per label (conditional models), else None
    count: int  # codes fitted
    key: str  # weights hash and settings: what the cache files it under
    settings: FitSettings = FitSettings()

    @property
    def conditional(self) -> bool:
        return self.label_counts is not None

    @property
    def latent_dim(self) -> int:
        return self.mixtures[0].latent_dim

    def mixture_for(self, label=None) -> Mixture:
        """The mixture to sample under `label`: a digit, label weights (a blend: the labels'
        mixtures weighted by it), or None (a conditional model's: every label's, weighted by how
        many training images it has - codes typical of any digit)."""
        if not self.conditional:
            return self.mixtures[0]
        c = len(self.mixtures)
        if label is None:
            shares = self.label_counts.astype(np.float64)
        elif np.ndim(label) == 0:
            if not 0 <= int(label) < c:
                raise ValueError(f"label must be from 0 to {c - 1}, got {label}")
            return self.mixtures[int(label)]
        else:
            shares = np.asarray(label, dtype=np.float64).reshape(-1)
            if shares.size != c or np.any(shares < 0) or shares.sum() <= 0:
                raise ValueError(f"label weights must be {c} non-negative numbers, not all 0")
        return _combine(list(self.mixtures), shares / shares.sum())


# Sampling: the one API every place that samples codes goes through
def _check(n: int, temperature: float) -> None:
    if n < 1:
        raise ValueError(f"the number of samples must be at least 1, got {n}")
    if not 0.0 <= float(temperature) <= MAX_TEMPERATURE:
        raise ValueError(f"temperature must be from 0 to {MAX_TEMPERATURE:g}, got {temperature}")


class Sampler:
    """Draws latent codes. `codes(n, temperature, seed, label)` is deterministic in its
    arguments; the noise eps is the first draw from `seed` on the CPU for every sampler, so a
    seed gives the same prior codes as before samplers existed, on every device."""

    kind = SAMPLER_PRIOR

    def __init__(self, latent_dim: int) -> None:
        self.latent_dim = int(latent_dim)

    @property
    def name(self) -> str:
        return SAMPLER_NAMES[self.kind]

    def _noise(self, n: int, seed: int) -> tuple[torch.Tensor, torch.Generator]:
        gen = torch.Generator().manual_seed(int(seed))
        return torch.randn(n, self.latent_dim, generator=gen), gen

    def codes(self, n: int, temperature: float = 1.0, seed: int = 0, label=None,
              device: torch.device | str = "cpu") -> torch.Tensor:
        """n codes z ~ N(0, t^2 I) [n, latent_dim]; `label` is ignored."""
        _check(n, temperature)
        eps, _ = self._noise(n, seed)
        return (eps * float(temperature)).to(device)


class MixtureSampler(Sampler):
    """Codes from the aggregate posterior's mixture (for a CVAE, the label's mixture)."""

    kind = SAMPLER_MIXTURE

    def __init__(self, posterior: AggregatePosterior) -> None:
        super().__init__(posterior.latent_dim)
        self.posterior = posterior

    def codes(self, n: int, temperature: float = 1.0, seed: int = 0, label=None,
              device: torch.device | str = "cpu") -> torch.Tensor:
        """n codes mu_k + t L_k eps, k drawn by the mixture's weights (see the module's doc)."""
        _check(n, temperature)
        mixture = self.posterior.mixture_for(label)
        eps, gen = self._noise(n, seed)
        weights = torch.as_tensor(mixture.weights, dtype=torch.float64)
        picks = torch.multinomial(weights, n, replacement=True, generator=gen)
        return mixture.codes(eps, picks, temperature).to(device)


def make_sampler(kind: str, latent_dim: int, posterior: AggregatePosterior | None = None) -> Sampler:
    """The sampler of that kind; the mixture one needs the fitted `posterior`."""
    if kind == SAMPLER_PRIOR:
        return Sampler(latent_dim)
    if kind == SAMPLER_MIXTURE:
        if posterior is None:
            raise ValueError("the mixture sampler needs a fitted aggregate posterior")
        if posterior.latent_dim != latent_dim:
            raise ValueError(f"the mixture has {posterior.latent_dim} dimensions, the model {latent_dim}")
        return MixtureSampler(posterior)
    raise ValueError(f"the sampler must be {' or '.join(SAMPLERS)}, got {kind!r}")


# Fitting
@dataclass(frozen=True)
class FitProgress:
    """What a fit is doing: a short line for a person ("Fitting the mixture to 60,000 codes…"),
    the fraction done in [0, 1], and a detail ("EM iteration 12")."""

    text: str
    fraction: float
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.text} {self.detail}".strip()


def weights_hash(model: VAE) -> str:
    """sha256 of the model's configuration and weights: changes whenever a weight does."""
    h = hashlib.sha256(json.dumps(asdict(model.config), sort_keys=True).encode())
    for name, tensor in sorted(model.state_dict().items()):
        t = tensor.detach().cpu().contiguous()
        h.update(f"{name}:{t.dtype}:{tuple(t.shape)}".encode())
        h.update(t.view(torch.uint8).numpy().tobytes() if t.numel() else b"")
    return h.hexdigest()


def cache_key(model: VAE, settings: FitSettings, data_key: str = "") -> str:
    fit = hashlib.sha256(json.dumps([asdict(settings), data_key], sort_keys=True).encode())
    return f"{weights_hash(model)[:32]}-{fit.hexdigest()[:16]}"


def training_data(train_config: dict | None = None) -> tuple[torch.Tensor, torch.Tensor, str]:
    """The images a model's aggregate posterior is taken over: the bundled MNIST training set
    as the model was trained on it (train_config's digits, then its first train_size images),
    with a key that names them. A model of another dataset is refused (DataError): its images
    are not bundled."""
    seen = trained_on(train_config)
    if seen.dataset != APP_DATASET:  # only MNIST is bundled: another's images are not here
        raise DataError(
            f"The aggregate-posterior sampler needs the images the model was trained on, and "
            f"this one was trained on {seen.dataset}, which is not bundled (only MNIST is). Use "
            "the prior N(0, I) sampler for it.")
    digits = list(seen.digits) if seen.digits else None
    images, labels = load_split("train", digits=digits, size=seen.size)
    return images, labels, f"mnist-train digits={digits or 'all'} size={seen.size}"


def em_start(codes: np.ndarray, components: int, seed: int = FIT_SEED) -> MixtureState:
    """Where EM starts for these float64 codes [N, D]: scikit-learn's GaussianMixture's own
    initial parameters (k-means), with at most half as many components as codes."""
    from sklearn.mixture import GaussianMixture
    from threadpoolctl import threadpool_limits

    k = max(1, min(components, len(codes) // 2))
    # max_iter=0: the initial parameters alone, as GaussianMixture's own fit starts from them.
    start = GaussianMixture(n_components=k, covariance_type="full", random_state=seed, max_iter=0)
    # One BLAS thread: OpenBLAS's spinning threads made a fit 100x slower (0.13 s -> 50 s) on 2
    # cores shared with a training run. Only NumPy's and SciPy's BLAS are limited, not torch's.
    with threadpool_limits(1, user_api="blas"):
        start.fit(codes)
    return MixtureState(*(torch.from_numpy(np.array(a, dtype=np.float64)) for a in (
        start.weights_, start.means_, start.covariances_, start.precisions_cholesky_)))


def _fit_one(codes: np.ndarray, components: int, settings: FitSettings, control: JobControl | None,
             progress) -> Generator[FitProgress, None, Mixture | None]:
    """`em_start`, then EM in torch (core.mixture_em: the iterations of scikit-learn's
    GaussianMixture; the bundled 16-D VAE's whole fit 3.3-4.0x faster than GaussianMixture's,
    the 50-D one's 2.1x); returns the mixture, or None when stopped between two iterations."""
    state = em_start(codes, components, settings.seed)
    steps = em_steps(torch.from_numpy(codes), state, settings.max_iter)
    reported = time.perf_counter()
    while True:
        if control is not None and control.checkpoint():
            steps.close()
            return None
        try:
            done = next(steps)
        except StopIteration:
            break
        if time.perf_counter() - reported >= REPORT_S:
            yield progress(done)
            reported = time.perf_counter()
    yield progress(state.iterations)
    return Mixture(state.weights.numpy(), state.means.numpy(), state.covariances.numpy())


def fit_steps(model: VAE, images: torch.Tensor, labels: torch.Tensor | None = None,
              settings: FitSettings = FitSettings(), control: JobControl | None = None,
              key: str = "") -> Generator[FitProgress, None, AggregatePosterior | None]:
    """A job: encode the images (uint8 [N, 28, 28]), fit the mixture(s), return them (None when
    stopped). Yields FitProgress between steps."""
    n = len(images)
    if n < 2:
        raise ValueError(f"fitting a mixture needs at least 2 images, got {n}")
    conditional = model.num_classes > 0
    if conditional and labels is None:
        raise ValueError("a conditional model's mixtures need the images' labels")
    if getattr(model.config, "binarized", False):  # its encoder saw binarised digits
        from .data import binarize_fixed
        images = binarize_fixed(images)
    mus, logvars, batch = [], [], 5000
    for start in range(0, n, batch):
        if control is not None and control.checkpoint():
            return None
        yield FitProgress(f"Encoding the {n:,} training images…", ENCODE_SHARE * start / n)
        y = labels[start:start + batch] if conditional else None
        mu, logvar = encode_posterior(model, images[start:start + batch], y)
        mus.append(mu)
        logvars.append(logvar)
    mu, logvar = torch.cat(mus), torch.cat(logvars)
    if settings.codes == CODES_DRAW:  # one draw from q(z | x) per image, seeded
        gen = torch.Generator().manual_seed(settings.seed)
        mu = mu + torch.randn(mu.shape, generator=gen) * (0.5 * logvar).exp()
    codes = mu.double().numpy()
    groups = ([(codes[(labels == c).numpy()], f"digit {c}") for c in range(model.num_classes)]
              if conditional else [(codes, "")])
    components = settings.label_components if conditional else settings.components
    text = f"Fitting the mixture{'s' if conditional else ''} to {n:,} codes…"
    mixtures = []
    for g, (group, what) in enumerate(groups):
        if len(group) < 2:
            of = f" of the {what}" if what else ""
            raise ValueError(f"too few training images{of} to fit a mixture ({len(group)})")
        where = f"{what} ({len(group):,} codes), " if what else ""

        def progress(iters: int, g=g, where=where) -> FitProgress:
            # EM takes 20-40 iterations here; the bar nears its end without knowing when.
            part = 1.0 - math.exp(-iters / 20)
            return FitProgress(text, ENCODE_SHARE + (1 - ENCODE_SHARE) * (g + part) / len(groups),
                               f"{where}EM iteration {iters}")

        yield FitProgress(text, ENCODE_SHARE + (1 - ENCODE_SHARE) * g / len(groups), where.rstrip(", "))
        fitted = yield from _fit_one(group, components, settings, control, progress)
        if fitted is None:
            return None
        mixtures.append(fitted)
    counts = (np.bincount(labels.numpy(), minlength=model.num_classes).astype(np.int64)
              if conditional else None)
    return AggregatePosterior(tuple(mixtures), counts, n, key, settings)


def fit(model: VAE, images: torch.Tensor, labels: torch.Tensor | None = None,
        settings: FitSettings = FitSettings(), key: str = "") -> AggregatePosterior:
    """fit_steps without a worker: the fitted mixtures."""
    return run_to_end(fit_steps(model, images, labels, settings, key=key))


# The cache
def default_cache_folder() -> Path:
    return cache_dir() / "mixtures"


def save_npz(path: str | Path, posterior: AggregatePosterior) -> Path:
    """Write the mixtures as plain arrays (no pickled objects), atomically."""
    arrays: dict[str, np.ndarray] = {
        "meta": np.array(json.dumps({"format": FORMAT_VERSION, "key": posterior.key,
                                     "count": posterior.count, "settings": asdict(posterior.settings),
                                     "mixtures": len(posterior.mixtures)})),
    }
    if posterior.label_counts is not None:
        arrays["label_counts"] = np.asarray(posterior.label_counts, np.int64)
    for i, m in enumerate(posterior.mixtures):
        arrays[f"weights_{i}"], arrays[f"means_{i}"] = m.weights, m.means
        arrays[f"covariances_{i}"] = m.covariances

    def write(tmp: str) -> None:
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)

    return atomic_write(path, write)


def load_npz(path: str | Path) -> AggregatePosterior:
    """Read what save_npz wrote; ValueError (or OSError) if it is not such a file."""
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if meta.get("format") != FORMAT_VERSION:
                raise ValueError(f"format {meta.get('format')!r}, not {FORMAT_VERSION}")
            mixtures = tuple(Mixture(np.asarray(data[f"weights_{i}"], np.float64),
                                     np.asarray(data[f"means_{i}"], np.float64),
                                     np.asarray(data[f"covariances_{i}"], np.float64))
                             for i in range(int(meta["mixtures"])))
            counts = np.asarray(data["label_counts"], np.int64) if "label_counts" in data else None
            settings = FitSettings(**meta["settings"])
    except (KeyError, TypeError, json.JSONDecodeError, EOFError) as exc:
        raise ValueError(f"{path}: not a mixture file ({exc})") from exc
    if not mixtures or (counts is not None and len(counts) != len(mixtures)):
        raise ValueError(f"{path}: not a mixture file (its arrays disagree)")
    return AggregatePosterior(mixtures, counts, int(meta["count"]), str(meta["key"]), settings)


class MixtureCache:
    """Fitted mixtures by cache key (weights hash and settings): the last MEMORY_ENTRIES in
    memory, and every one as an .npz in `folder` (None: memory only). Thread-safe."""

    def __init__(self, folder: str | Path | None = None) -> None:
        self.folder = None if folder is None else Path(folder)
        self._memory: OrderedDict[str, AggregatePosterior] = OrderedDict()
        self._lock = threading.Lock()

    def _path(self, key: str) -> Path | None:
        return None if self.folder is None else self.folder / f"{key}.npz"

    def get(self, key: str) -> AggregatePosterior | None:
        with self._lock:
            if key in self._memory:
                self._memory.move_to_end(key)
                return self._memory[key]
        path = self._path(key)
        if path is None or not path.is_file():
            return None
        try:
            posterior = load_npz(path)
        except (OSError, ValueError):  # unreadable or from another version: fitted again
            return None
        if posterior.key != key:
            return None
        self._remember(posterior)
        return posterior

    def put(self, posterior: AggregatePosterior) -> None:
        self._remember(posterior)
        path = self._path(posterior.key)
        if path is not None:
            try:
                save_npz(path, posterior)
            except OSError:  # a cache that cannot be written costs a refit, nothing else
                pass

    def _remember(self, posterior: AggregatePosterior) -> None:
        with self._lock:
            self._memory[posterior.key] = posterior
            self._memory.move_to_end(posterior.key)
            while len(self._memory) > MEMORY_ENTRIES:
                self._memory.popitem(last=False)


def cached_fit_steps(model: VAE, cache: MixtureCache, images: torch.Tensor,
                     labels: torch.Tensor | None, data_key: str,
                     settings: FitSettings = FitSettings(), control: JobControl | None = None,
                     ) -> Generator[FitProgress, None, AggregatePosterior | None]:
    """A job: the model's mixtures from the cache, or fitted (and cached) when its weights or
    the settings have none there."""
    key = cache_key(model, settings, data_key)
    found = cache.get(key)
    if found is not None:
        return found
    posterior = yield from fit_steps(model, images, labels, settings, control, key)
    if posterior is not None:
        cache.put(posterior)
    return posterior


def aggregate_posterior_steps(model: VAE, cache: MixtureCache, train_config: dict | None = None,
                              settings: FitSettings = FitSettings(), control: JobControl | None = None,
                              ) -> Generator[FitProgress, None, AggregatePosterior | None]:
    """A job: the model's mixtures over its training data (see training_data), from the cache
    or fitted."""
    yield FitProgress("Reading the training images…", 0.0)
    images, labels, data_key = training_data(train_config)
    return (yield from cached_fit_steps(model, cache, images, labels, data_key, settings, control))


def aggregate_posterior(model: VAE, cache: MixtureCache | None = None, train_config: dict | None = None,
                        settings: FitSettings = FitSettings(), on_progress=None) -> AggregatePosterior:
    """aggregate_posterior_steps without a worker (the default cache: the user cache folder)."""
    cache = cache if cache is not None else MixtureCache(default_cache_folder())
    return run_to_end(aggregate_posterior_steps(model, cache, train_config, settings), on_progress)
