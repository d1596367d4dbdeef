"""Python's cycle collector around long work: what exists as the work starts is left out of its
full passes.

A full (generation 2) collection traverses every object the collector tracks, some 200,000 once
torch is imported, with the GIL held. In a `vae-desktop train` run two of them fell in the first
epoch (85-100 ms each), and the interpreter's exit ran another over everything (a bare `import
torch` process took 0.36-0.42 s to exit, 0.18 s with everything frozen; 2026-12-06, EPYC Zen 3).
What exists before training (modules, the data, the model) lives through it, so it need not be
traversed. The GUI freezes what its start-up made for good (gui.app.GuiThreadCollector); here the
freeze lasts as long as the work, so a caller in a longer-lived process (a test, a script) gets
its objects back. A command's own process (cli.main from its command line) also imports torch
with the collector off and freezes what the import made (`import_quietly`), and freezes
everything before its exit (`freeze_for_exit`).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
from collections.abc import Iterator


@contextlib.contextmanager
def frozen_during() -> Iterator[None]:
    """Run the block with the objects that exist as it starts out of the collector's sight
    (gc.freeze), and give them back after (gc.unfreeze). Where something froze objects before
    (the GUI's start-up, a command's `import_quietly`), it is left as it is: those stay frozen,
    as their owner wants."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def freeze_for_exit() -> None:
    """Nothing but the interpreter's exit runs after this: leave every object out of the full
    collection it would run over them all (a cycle that is garbage now stays, as the process
    ends)."""
    gc.freeze()


def import_quietly(*modules: str) -> None:
    """Import `modules` with the collector off, then leave every object there is out of its
    sight for good (gc.freeze) and turn it back on. torch's import makes some 150,000 objects;
    with the collector on, three full collections traversed them as they came (13, 32 and 65 ms
    before a `vae-desktop train` run; the imports about 0.1 s faster without, 2026-12-06). For a
    process's own command only: what exists then lives as long as the process."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        for name in modules:
            importlib.import_module(name)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
