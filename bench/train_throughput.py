"""An MLP 784-400-20 epoch at batch 128 against the limit the hardware sets for it: the time the
epoch's matrix products take on their own, at the model's own shapes, measured in the same run.

    .venv/bin/python bench/train_throughput.py [--repeats 3] [--threads N] [--classic] [--cli]
                                               [--subnormals EPOCHS [--arch conv]]

An epoch here is what `vae-desktop train` does per epoch: 60,000 training images in batches of
128 (forward, backward, Adam) and the 10,000 test images scored once. Its products are the five
linear layers' forward, input-gradient and weight-gradient GEMMs of every step plus the test
pass's forward GEMMs: 210 GFLOP (issue 19's 247 counted an input gradient for the images too,
which is never computed). Each round times, interleaved so all see the same machine
load: those GEMMs alone (torch.mm on preallocated operands, in float32 and, where the CPU has
native bf16, in bf16; and in float32 through oneDNN, core.products), the trainer's epoch with
the hand-written step (core.fast_step.MLPStep, what training uses) in float32, with its float32
products through both backends, and in bf16, with the autograd step (what it used before), and
with --cli `vae-desktop train` in its own process at its default precision. Figures are medians
over the rounds of each epoch after a run's first; the trainer's line also gives the share in
each round alone, its epoch against that round's GEMMs.

Target: an epoch >= 70% of the float32 GEMM rate (float32 GEMM time / epoch time). The limit is
the faster of the two float32 products: torch's BLAS (MKL), or oneDNN, which ran the same
products 2x faster on an AMD EPYC with AVX-512 (MKL takes its AVX-512 paths only on Intel CPUs;
2026-12-06), and at the same rate on one with AVX2 only. Until that day the limit was torch.mm's
alone.

The epochs above are minutes apart, and on a shared virtual machine the speed drifts between
them; the last lines measure the same share for one training step alone, alternating the step
with its own GEMMs 400 times, so both see the same machine (the epoch adds the test pass, about
4% of it).

The process flushes subnormal floats to zero first, as `vae-desktop train` does
(core.threads.flush_subnormals). --subnormals N trains N epochs twice more, each in a process
of its own, with subnormals flushed and kept, and prints each epoch of both: Adam's averages of rare
gradients go subnormal after an epoch or two, and the CPU's slow path for them grows the epochs
of the run that keeps them. --arch conv makes those two runs the conv model's (the rest of the
bench is the MLP's).

This 2-vCPU machine switches, every few seconds and in no pattern a process can choose,
between two states (2026-12-05): in one, the fp32 step takes 3.4-3.8 ms and its GEMMs 2.7 ms;
in the other, 5.6-6.2 ms and 3.4 ms, the step then no faster on two threads than on one, while a
512x512 product still runs 1.9x faster on two. Thread binding, OpenMP's wait policy and its spin
count change nothing. The last lines therefore also give the share in each 50-step window, and
then the same share with the steps run back to back in blocks of 10, as the trainer runs them,
against their GEMMs in blocks of 10, as the limit above times them: each then finds its own data
in the caches, where one step after another's GEMMs finds its weights and Adam's state pushed
out (and the GEMMs the step's data).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from vae_desktop.core import products, training  # noqa: E402
from vae_desktop.core.data import FILES, bundled_mnist_dir, load_split, to_float  # noqa: E402
from vae_desktop.core.fast_step import AutogradStep  # noqa: E402
from vae_desktop.core.heap import keep_freed_memory  # noqa: E402
from vae_desktop.core.precision import native_bf16, resolve_precision  # noqa: E402
from vae_desktop.core.threads import flush_subnormals  # noqa: E402
from vae_desktop.core.training import TrainConfig, Trainer, new_model  # noqa: E402

D, H, Z = 784, 400, 20
TRAIN, TEST, BATCH, TEST_BATCH = 60_000, 10_000, 128, 1000
CPU = torch.device("cpu")


def step_gemms(b: int) -> list[tuple[int, int, int]]:
    """(M, K, N) of every product of one training step at batch b: forward (mu and logvar as
    one 400x40 layer), the input gradients (none for the images) and the weight gradients."""
    forward = [(b, D, H), (b, H, 2 * Z), (b, Z, H), (b, H, D)]
    input_grads = [(b, D, H), (b, H, Z), (b, 2 * Z, H)]
    weight_grads = [(D, b, H), (H, b, Z), (2 * Z, b, H), (H, b, D)]
    return forward + input_grads + weight_grads


def test_gemms(b: int) -> list[tuple[int, int, int]]:
    return [(b, D, H), (b, H, Z), (b, H, Z), (b, Z, H), (b, H, D)]


def epoch_gemms() -> list[tuple[list[tuple[int, int, int]], float]]:
    """(products of one call, calls per epoch)."""
    return [(step_gemms(BATCH), TRAIN / BATCH), (test_gemms(TEST_BATCH), TEST / TEST_BATCH)]


def flops(shapes) -> float:
    return sum(2 * m * k * n for m, k, n in shapes)


def describe_cpu() -> str:
    """The CPU, since this project's machine changes from session to session: its name, its
    family and model, which tell the README's machines apart (AMD's family 25 is Zen 3 in models
    1 and 33, Zen 4 in 17 and 97; family 26 is Zen 5), and the kernels torch runs on it."""
    fields = products.cpu_fields()
    name = fields.get("model name") or products.cpu_vendor() or "unknown CPU"
    where = ", ".join(f"{key} {fields[key]}" for key in ("cpu family", "model") if key in fields)
    capability = torch.backends.cpu.get_cpu_capability()
    bf16 = "native bf16" if native_bf16(CPU) else "no native bf16"
    return f"{name}{f' ({where})' if where else ''}, torch's {capability} kernels, {bf16}"


def sync(device: torch.device) -> None:
    """Wait for the work queued on `device` (nothing to wait for on the CPU)."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()


def best_seconds(fn, reps: int, device: torch.device = CPU) -> float:
    """Seconds per call of `fn`: the best of three timings of `reps` calls, after one call
    untimed, with the device's queue drained around each timing."""
    fn()
    best = float("inf")
    for _ in range(3):
        sync(device)
        start = time.perf_counter()
        for _ in range(reps):
            fn()
        sync(device)
        best = min(best, (time.perf_counter() - start) / reps)
    return best


def gemm_epoch_seconds(dtype: torch.dtype = torch.float32, reps: int = 40,
                       device: torch.device = CPU, onednn: bool = False) -> float:
    """An epoch's products alone, at the model's shapes, on preallocated operands: torch.mm
    (torch's BLAS for float32 on the CPU), or with `onednn` core.products' oneDNN product."""
    total = 0.0
    for shapes, calls in epoch_gemms():
        mats = [(torch.randn(m, k, device=device).to(dtype),
                 torch.randn(k, n, device=device).to(dtype),
                 torch.empty(m, n, dtype=dtype, device=device)) for m, k, n in shapes]

        def run(mats=mats) -> None:
            for a, b, c in mats:
                if onednn:
                    products.mm(a, b, onednn=True)
                else:
                    torch.mm(a, b, out=c)
        total += best_seconds(run, reps, device) * calls
    return total


@contextlib.contextmanager
def fp32_products(backend: str | None):
    """core.products' choice for the steps made inside: "onednn", "blas", or None (as the
    CPU's vendor says)."""
    saved = os.environ.get(products.BACKEND_VARIABLE)
    if backend is not None:
        os.environ[products.BACKEND_VARIABLE] = backend
    products.onednn_preferred.cache_clear()
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(products.BACKEND_VARIABLE, None)
        else:
            os.environ[products.BACKEND_VARIABLE] = saved
        products.onednn_preferred.cache_clear()


def step_and_products(train, precision: str):
    """(train_step(i), blas(), one_dnn() or None): a training step of a new model (the one the
    trainer picks) on the i-th of 40 batches, and the step's products alone on preallocated
    operands, through torch's BLAS and, where this torch has it, through oneDNN."""
    model = new_model(1)
    step = training.make_train_step(model, training.make_adam(model, 1e-3), precision)
    images = to_float(train[0][:BATCH * 40])
    mats = [(torch.randn(m, k), torch.randn(k, n), torch.empty(m, n))
            for m, k, n in step_gemms(BATCH)]

    def train_step(i: int) -> None:
        step(images[(i % 40) * BATCH:(i % 40 + 1) * BATCH], None, 1.0)

    def blas() -> None:
        for a, b, c in mats:
            torch.mm(a, b, out=c)

    def one_dnn() -> None:
        for a, b, _ in mats:
            products.mm(a, b, onednn=True)

    return train_step, blas, one_dnn if products.onednn_available() else None


def alternating_share(train, precision: str, steps: int = 400,
                      window: int = 50) -> tuple[float, float, list[float]]:
    """(median step, median of the same step's GEMMs alone in fp32, each `window` steps' share),
    in seconds: a training step (the one the trainer picks) and then its products alone on
    preallocated operands, one after the other `steps` times, so a drift in the machine's speed
    reaches both alike. The shares per window show this machine's two states (see the
    docstring): a window's steps all see the same one."""
    train_step, blas, one_dnn = step_and_products(train, precision)
    step_times, blas_times, onednn_times = [], [], []
    for i in range(steps + 10):
        start = time.perf_counter()
        train_step(i)
        middle = time.perf_counter()
        blas()
        after_blas = time.perf_counter()
        if one_dnn is not None:
            one_dnn()
        end = time.perf_counter()
        if i >= 10:  # after the warm-up
            step_times.append(middle - start)
            blas_times.append(after_blas - middle)
            onednn_times.append(end - after_blas if one_dnn is not None else float("inf"))
    # The limit: the faster of the two ways to run the products, step by step.
    gemm_times = [min(b, o) for b, o in zip(blas_times, onednn_times, strict=True)]
    windows = [statistics.median(gemm_times[i:i + window]) / statistics.median(step_times[i:i + window])
               for i in range(0, steps, window)]
    return statistics.median(step_times), statistics.median(gemm_times), windows


def block_share(train, precision: str, blocks: int = 40,
                block: int = 10) -> tuple[float, float, list[float]]:
    """As `alternating_share`, but `block` steps back to back, then `block` runs of their GEMMs
    (each backend), `blocks` times: (median step, median GEMMs, each block pair's share). The
    trainer runs its steps back to back, and `gemm_epoch_seconds` its GEMMs, so each finds its
    own data in the caches; one step after another's GEMMs finds its weights and Adam's state
    pushed out by their operands, as do the GEMMs after a step. A block of 10 takes 40-60 ms,
    well inside one of this machine's states (see the docstring)."""
    train_step, blas, one_dnn = step_and_products(train, precision)

    def timed(fn, count: int) -> list[float]:
        times = []
        for i in range(count + 1):  # the first of a block is the cold one: left out
            start = time.perf_counter()
            fn(i)
            times.append(time.perf_counter() - start)
        return times[1:]

    step_times, gemm_times, shares = [], [], []
    for index in range(blocks + 1):
        steps = timed(train_step, block)
        gemms = timed(lambda _i: blas(), block)
        if one_dnn is not None:
            gemms = min(gemms, timed(lambda _i: one_dnn(), block), key=statistics.median)
        if index:  # after a block of warm-up
            step_times += steps
            gemm_times += gemms
            shares.append(statistics.median(gemms) / statistics.median(steps))
    return statistics.median(step_times), statistics.median(gemm_times), shares


def trainer_epochs(train, test, epochs: int, autograd: bool, precision: str = "fp32") -> list[float]:
    """Seconds of each epoch after the first (train + test pass, as the CLI runs them)."""
    model = new_model(1)
    trainer = Trainer(model, train, test, TrainConfig(epochs=epochs, device="cpu",
                                                      precision=precision), step_interval_s=0.25)
    chosen = training.make_train_step
    if autograd:
        training.make_train_step = lambda m, opt, precision: AutogradStep(m, opt, precision)
    try:
        trainer.run()
    finally:
        training.make_train_step = chosen
    return [record["seconds"] for record in trainer.history[1:]]


def subnormal_run(train, test, epochs: int, flush: bool, arch: str = "mlp") -> dict:
    """Each epoch's seconds and the test loss of one run in fp32 (the MLP's hand-written step),
    seed 1,
    with subnormals flushed (as the app trains) or kept. Run in a process of its own (--one-run):
    a second thread's OpenMP team, beside this one's, would put more threads than cores to wait."""
    torch.set_flush_denormal(flush)
    if not flush:
        training.flush_subnormals = lambda: False
    trainer = Trainer(new_model(1, arch=arch), train, test,
                      TrainConfig(epochs=epochs, device="cpu", precision="fp32"),
                      step_interval_s=0.25)
    trainer.run()
    return {"seconds": [r["seconds"] for r in trainer.history],
            "test_loss": trainer.history[-1]["test_loss"]}


def subnormal_runs(epochs: int, threads: int | None, arch: str) -> dict[str, dict]:
    """{"flushed" / "kept": subnormal_run's result}, each in a fresh process."""
    runs = {}
    for name in ("flushed", "kept"):
        command = [sys.executable, __file__, "--one-run", name, "--subnormals", str(epochs),
                   "--arch", arch]
        if threads:
            command += ["--threads", str(threads)]
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        runs[name] = json.loads(done.stdout.strip().splitlines()[-1])
    return runs


def cli_epoch(tmp: Path) -> float:
    """`vae-desktop train` in its own process, at its default precision ("auto": bf16 where the
    CPU has it): (t[3 epochs] - t[1 epoch]) / 2."""
    def run(epochs: int) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "vae_desktop", "train", "--epochs", str(epochs),
                        "--quiet", "--device", "cpu", "--out", str(tmp / "m.pt")], check=True,
                       stdout=subprocess.DEVNULL)
        return time.perf_counter() - start
    one = run(1)
    return (run(3) - one) / 2


def classic_epoch(root: Path) -> float:
    """The pytorch/examples/vae loop (torchvision MNIST + ToTensor + DataLoader)."""
    import torch.nn.functional as F
    from torch import nn
    from torchvision import datasets, transforms

    class ClassicVAE(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc1, self.fc21, self.fc22 = nn.Linear(784, 400), nn.Linear(400, 20), nn.Linear(400, 20)
            self.fc3, self.fc4 = nn.Linear(20, 400), nn.Linear(400, 784)

        def forward(self, x):
            h1 = F.relu(self.fc1(x.view(-1, 784)))
            mu, logvar = self.fc21(h1), self.fc22(h1)
            z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
            return torch.sigmoid(self.fc4(F.relu(self.fc3(z)))), mu, logvar

    dataset = datasets.MNIST(str(root), train=True, download=False, transform=transforms.ToTensor())
    loader = torch.utils.data.DataLoader(dataset, batch_size=128, shuffle=True)
    model = ClassicVAE()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    start = time.perf_counter()
    for data, _ in loader:
        optimizer.zero_grad()
        recon, mu, logvar = model(data)
        bce = F.binary_cross_entropy(recon, data.view(-1, 784), reduction="sum")
        kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        (bce + kld).backward()
        optimizer.step()
    return time.perf_counter() - start


def torchvision_folder(tmp: Path) -> Path:
    raw = tmp / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for names in FILES.values():
        for name in names:
            (raw / name).write_bytes(gzip.decompress((bundled_mnist_dir() / f"{name}.gz").read_bytes()))
    return tmp


def main() -> None:
    keep_freed_memory()  # the C heap as the app's own process keeps it (cli.main)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="interleaved rounds")
    parser.add_argument("--threads", type=int, help="torch threads (default: torch's choice)")
    parser.add_argument("--classic", action="store_true", help="also the pytorch/examples loop")
    parser.add_argument("--cli", action="store_true", help="also `vae-desktop train` as a process")
    parser.add_argument("--bf16", action="store_true",
                        help="also the GEMMs in bf16 (always where the CPU has native bf16)")
    parser.add_argument("--subnormals", type=int, metavar="EPOCHS",
                        help="also EPOCHS-epoch runs with subnormals flushed and kept")
    parser.add_argument("--arch", choices=("mlp", "conv"), default="mlp",
                        help="the model of --subnormals' runs")
    parser.add_argument("--one-run", choices=("flushed", "kept"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.one_run:  # one of --subnormals' runs, in this process of its own
        result = subnormal_run(load_split("train"), load_split("test"), args.subnormals,
                               args.one_run == "flushed", args.arch)
        print(json.dumps(result))
        return
    flush_subnormals()  # as the CLI does, before the first parallel op
    train, test = load_split("train"), load_split("test")
    gflop = sum(flops(shapes) * calls for shapes, calls in epoch_gemms()) / 1e9
    print(f"# torch {torch.__version__}, {torch.get_num_threads()} threads, CPU; an epoch's "
          f"products: {gflop:.0f} GFLOP; {args.repeats} interleaved rounds")
    print(f"# {describe_cpu()}")
    rows: dict[str, list[float]] = {"gemm": [], "onednn gemm": [], "bf16 gemm": [], "fast": [],
                                    "fast other": [], "fast bf16": [], "autograd": [], "cli": [],
                                    "classic": []}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        root = torchvision_folder(tmp / "tv") if args.classic else None
        for _ in range(args.repeats):
            rows["gemm"].append(gemm_epoch_seconds())
            if products.onednn_available():
                rows["onednn gemm"].append(gemm_epoch_seconds(onednn=True))
            if args.bf16 or native_bf16(torch.device("cpu")):  # emulated bf16 is ~20x slower
                rows["bf16 gemm"].append(gemm_epoch_seconds(torch.bfloat16, reps=5))
            rows["fast"] += trainer_epochs(train, test, 2, autograd=False)
            if products.onednn_available():  # the other backend than this CPU's
                with fp32_products("blas" if products.onednn_preferred() else "onednn"):
                    rows["fast other"] += trainer_epochs(train, test, 2, autograd=False)
            if native_bf16(torch.device("cpu")):
                rows["fast bf16"] += trainer_epochs(train, test, 2, autograd=False, precision="bf16")
            rows["autograd"] += trainer_epochs(train, test, 2, autograd=True)
            if args.cli:
                rows["cli"].append(cli_epoch(tmp))
            if root is not None:
                rows["classic"].append(classic_epoch(root))
    med = {k: statistics.median(v) for k, v in rows.items() if v}
    limit = min(med["gemm"], med.get("onednn gemm", float("inf")))
    for key, label in (("gemm", "BLAS (torch.mm)"), ("onednn gemm", "oneDNN")):
        if key in med:
            print(f"GEMMs alone, fp32, {label + ':':17s}   {med[key]:6.2f} s/epoch  "
                  f"{gflop / med[key]:6.0f} GFLOP/s{'  (the limit)' if med[key] == limit else ''}")
    if "bf16 gemm" in med:
        print(f"GEMMs alone, bf16:                      {med['bf16 gemm']:6.2f} s/epoch  "
              f"{gflop / med['bf16 gemm']:6.0f} GFLOP/s ({limit / med['bf16 gemm']:.2f}x fp32)")
    mine, other = ("oneDNN", "BLAS") if products.onednn_preferred() else ("BLAS", "oneDNN")
    names = {"fast": f"trainer, hand-written step ({mine})",
             "fast other": f"trainer, hand-written step ({other})",
             "fast bf16": "trainer, hand-written, bf16",
             "autograd": "trainer, autograd step",
             "cli": f"vae-desktop train (t3-t1)/2, {resolve_precision('auto', CPU)}",
             "classic": "classic loop (no test pass)"}
    # Each round's own limit against its own epoch: the rounds are minutes apart, and a share
    # of medians can pair a fast moment's epochs with a slow moment's GEMMs.
    round_limits = [min(g, o) for g, o in zip(rows["gemm"], rows["onednn gemm"] or rows["gemm"],
                                              strict=True)]
    for key, label in names.items():
        if key in med:
            target = ""
            if key in ("fast", "fast bf16"):
                shares = [lim / t for lim, t in zip(round_limits, rows[key], strict=True)]
                target = f" (target >= 70%; rounds {min(shares):.0%}-{max(shares):.0%})"
            print(f"{label + ':':40s}{med[key]:6.2f} s/epoch  {gflop / med[key]:6.0f} GFLOP/s  "
                  f"share of the limit {limit / med[key]:4.0%}{target}")
    print("rounds (s):", {k: [round(t, 2) for t in v] for k, v in rows.items() if v})
    if args.subnormals:
        runs = subnormal_runs(args.subnormals, args.threads, args.arch)
        for name, run in runs.items():
            print(f"{args.arch}, {args.subnormals} epochs, subnormals {name}: "
                  f"{', '.join(f'{t:.2f}' for t in run['seconds'])} s; "
                  f"test loss {run['test_loss']:.4f}")
        tail = max(1, args.subnormals // 3)  # the run's last third
        kept, flushed = (statistics.median(runs[k]["seconds"][-tail:])
                         for k in ("kept", "flushed"))
        print(f"last {tail} epochs' median: kept {kept:.2f} s, flushed {flushed:.2f} s: "
              f"{kept / flushed:.2f}x")
    precisions = ["fp32", "bf16"] if native_bf16(CPU) else ["fp32"]
    for precision in precisions:
        step, gemms, windows = alternating_share(train, precision)
        print(f"a step alternating with its own GEMMs (fp32), {precision}: step {step * 1e3:.2f} ms, "
              f"GEMMs {gemms * 1e3:.2f} ms: share {gemms / step:4.0%} (target >= 70%); "
              f"by 50-step windows {min(windows):.0%}-{max(windows):.0%}")
        step, gemms, shares = block_share(train, precision)
        print(f"steps in blocks of 10 against their GEMMs in blocks of 10 (fp32), {precision}: "
              f"step {step * 1e3:.2f} ms, GEMMs {gemms * 1e3:.2f} ms: share {gemms / step:4.0%} "
              f"(target >= 70%); blocks {min(shares):.0%}-{max(shares):.0%}, half of them "
              f"{statistics.quantiles(shares, n=4)[0]:.0%}-{statistics.quantiles(shares, n=4)[2]:.0%}")


if __name__ == "__main__":
    main()
