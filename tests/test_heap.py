"""core.heap: the memory torch frees is kept by the C heap for the next step, so training stops
asking the OS for fresh pages (and faulting them in) at every step. Each case runs in a process
of its own: the heap's settings are the process's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Minor page faults a training step takes after five steps to warm up, first on a worker thread
# (as the GUI trains), then on the process's main thread. With glibc's defaults the conv model's
# autograd step took 3,000-5,000 (2026-12-07, Xeon), each a fresh page from the OS; the MLP's
# hand-written step keeps its buffers and took none already.
FAULTS_PER_STEP = """
import resource, sys, threading
import torch
from vae_desktop.core import heap
from vae_desktop.core.data import load_split, to_float
from vae_desktop.core.fast_step import make_train_step
from vae_desktop.core.training import make_adam, new_model

print("kept", heap.keep_freed_memory())
images = to_float(load_split("train", size=128 * 4)[0])
batches = [images[i:i + 128] for i in range(0, len(images), 128)]

def faults_per_step(arch, found):
    model = new_model(1, arch=arch)
    step = make_train_step(model, make_adam(model, 1e-3), "fp32")
    for i in range(5):
        step(batches[i % 4], None, 1.0)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for i in range(20):
        step(batches[i % 4], None, 1.0)
    found.append((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 20)

for arch in ("mlp", "conv"):
    found = []
    worker = threading.Thread(target=faults_per_step, args=(arch, found))
    worker.start()
    worker.join()
    faults_per_step(arch, found)
    print(arch, *found)
"""


def _run(script: str) -> dict[str, list[str]]:
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return {words[0]: words[1:] for words in map(str.split, done.stdout.splitlines())}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc only")
def test_training_steps_reuse_the_heap_instead_of_faulting_in_fresh_pages():
    found = _run(FAULTS_PER_STEP)
    assert found["kept"] == ["True"]
    for arch in ("mlp", "conv"):
        worker_thread, main_thread = map(float, found[arch])
        # The heap may still grow by a block now and then (one 5 MB gradient over 20 steps is
        # 61 faults a step); a fresh page for every tensor of every step is not allowed.
        assert main_thread < 200, (arch, main_thread)
        assert worker_thread < 200, (arch, worker_thread)


def test_keeping_freed_memory_twice_is_harmless_and_tensors_still_work():
    found = _run(
        "import torch\n"
        "from vae_desktop.core import heap\n"
        "print('first', heap.keep_freed_memory())\n"
        "print('again', heap.keep_freed_memory())\n"
        "big = torch.ones(64 << 20, dtype=torch.uint8)\n"  # above the heap's ceiling: mmap'd
        "print('sum', int(big.sum()))\n"
    )
    assert found["first"] == found["again"]
    assert found["sum"] == [str(64 << 20)]


def test_the_commands_own_process_keeps_freed_memory_before_it_runs(monkeypatch, tmp_path):
    from vae_desktop import cli
    from vae_desktop.core import collector, heap

    calls = []
    monkeypatch.setattr(heap, "keep_freed_memory", lambda: calls.append("kept") or True)
    # The command's own process imports torch and freezes every object there is
    # (collector.import_quietly): recorded here, not done to the test process.
    monkeypatch.setattr(collector, "import_quietly", lambda *names: calls.append("imported"))
    missing = str(tmp_path / "missing.pt")
    assert cli._main(["eval", missing], own_process=False) == 2  # cli.main(argv): a caller's
    assert calls == []
    assert cli._main(["eval", missing], own_process=True) == 2  # `vae-desktop eval` itself
    assert calls == ["kept", "imported"]  # the heap set before torch's import


def test_other_systems_and_c_libraries_are_left_as_they_are(monkeypatch):
    """macOS and Windows have allocators of their own, and musl's mallopt does nothing: there
    nothing is called, and the answer says so."""
    import ctypes

    from vae_desktop.core import heap

    monkeypatch.setattr(heap.sys, "platform", "darwin")
    assert heap.keep_freed_memory() is False
    monkeypatch.setattr(heap.sys, "platform", "linux")
    called = []

    class Musl:  # a C library with mallopt but without glibc's version function
        def __getattr__(self, name):
            if name == "gnu_get_libc_version":
                raise AttributeError(name)
            return lambda *args: called.append(name) or 1

    monkeypatch.setattr(ctypes, "CDLL", lambda name: Musl())
    assert heap.keep_freed_memory() is False
    assert called == []
