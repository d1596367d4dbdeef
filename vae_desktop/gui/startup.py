"""Start-up: the main window on screen first, PyTorch and the models after.

`import torch` takes about 2 s, most of the start, and every tab imports it. So `start` shows the
window's frame at once (its menus, toolbar and tab titles, each tab's place saying what is
loading), and once that frame is on screen a background thread imports torch and the modules of
the models and of the tab in view. Then the GUI thread, the only one that makes widgets, loads the
bundled models and builds that tab; only then does the thread import the other tabs' modules
(doing it meanwhile, it held the interpreter from the GUI thread: the models were usable 0.56 s
after the first imports, against 0.26 s now, with every tab built as soon; AVX2, 2026-12-06),
and the GUI thread builds those tabs one at a time, going back to the event loop between them:
the window repaints, and can be closed, at any point. Closing before the models are loaded
needs no shutdown (nothing runs but the imports, which end with the process: run_app ends it with
os._exit); after that, the window closes as always (gui.shutdown).

The thread only imports; it touches no widget, and reports through queued signals. Once every
tab is built and where a GPU is there, a second thread imports what a training step on it would
import (LATER_IMPORTS: torch._dynamo, 1-2.6 s, which `optimizer.step()` brings in): the first
Start, sweep or anomaly run no longer holds the window still for it
(gui.workers.warm_up_in_gui_thread). A step on the CPU never imports it (core.optim_guards).

PySide6 reads the source file of every module imported after it (shibokensupport's
feature_imported, PYSIDE-2029, to find modules that opt into `from __feature__ import ...`):
about 0.25 s of torch's 1,100 modules here, and doing it in a second thread has crashed PySide6
apps. The app uses no __feature__, so that scan is turned off before the thread starts.

With VAE_DESKTOP_LAUNCH_LOG set to a file, each stage's time (time.monotonic, which every process
shares) is appended to it: bench/launch_latency.py reads it.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

from vae_desktop.gui import main_window
from vae_desktop.gui.window import tab_pages

LOADING_TORCH = "Loading PyTorch…"
LOADING_TABS = "Loading the tabs…"
LOADING_MODELS = "Loading the bundled models…"
LAUNCH_LOG_ENV = "VAE_DESKTOP_LAUNCH_LOG"
START_ANYWAY_MS = 500  # a platform that never reports the window exposed still gets its tabs
TORCH_HINT = ("Reinstalling PyTorch in the app's environment (pip install --force-reinstall "
              "torch) mends a broken installation.")


# Imported after start-up where a GPU is there, when nothing waits for them: a step on it calls
# optimizer.step(), which imports torch._dynamo, about 900 modules and 1-2.6 s here.
LATER_IMPORTS = ("torch._dynamo",)


# (name in the launch log, what the window says meanwhile, what the thread does)
Step = tuple[str, str, Callable[[], object]]


def first_imports(title: str) -> tuple[Step, ...]:
    """What the models and the tab `title` (the one in view) need: the GUI thread starts on
    them when these are done, while the thread goes on with `other_imports`."""
    def state_and_tab() -> None:
        for name in ("vae_desktop.gui.state", "vae_desktop.gui.model_files",
                     "vae_desktop.gui.shutdown", "vae_desktop.core.device"):
            importlib.import_module(name)
        if title in tab_pages.TAB_MODULES:
            tab_pages.tab_class(title)

    return (("torch", LOADING_TORCH, lambda: importlib.import_module("torch")),
            ("first-tab", LOADING_TABS, state_and_tab))


def other_imports(first: str) -> tuple[Step, ...]:
    def rest() -> None:
        for title in tab_pages.TAB_TITLES:
            if title != first:
                tab_pages.tab_class(title)
        importlib.import_module("vae_desktop.gui.models_dialog")

    return (("other-tabs", LOADING_TABS, rest),)


def _import_later() -> None:
    """LATER_IMPORTS, in the background once the window is ready, where a GPU is there. A
    failure is left for the import that needs the module to report, where it happens."""
    try:
        from vae_desktop.core import device

        for name in LATER_IMPORTS if device.accelerator_present() else ():
            importlib.import_module(name)
        log_stage("imported:later")
    except Exception:  # noqa: BLE001 - the job that needs it says why (gui.workers)
        pass


def log_stage(stage: str) -> None:
    """Append "stage time" to the launch log, when the bench asked for one."""
    path = os.environ.get(LAUNCH_LOG_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"{stage} {time.monotonic():.6f}\n")


def skip_pyside_source_scan() -> bool:
    """Turn off PySide6's reading of every imported module's source (see the module's doc);
    returns whether it was on. Only `from __feature__ import` needs that scan."""
    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = lambda module: False
    return True


class _ThreadSignals(QObject):
    """Made in the GUI thread with no parent, and kept by the thread until it ends: the thread
    emits, the Startup in the GUI thread receives (queued)."""

    stage = Signal(str)
    imported = Signal()  # the first imports are done
    all_imported = Signal()
    failed = Signal(str, str)  # the first imports failed: what (the stage), the error
    others_failed = Signal()  # an other tab's module: that tab says why when it is built


def _run_imports(signals: _ThreadSignals, first: Sequence[Step], others: Sequence[Step],
                 others_may_start: Callable[[], bool] = lambda: True) -> None:
    """The first steps, then the others once `others_may_start()` (which waits) says so."""
    stage, done = "", signals.imported
    try:
        for steps, done in ((first, signals.imported), (others, signals.all_imported)):
            if done is signals.all_imported and not others_may_start():
                return
            for name, stage, step in steps:
                signals.stage.emit(stage)
                step()
                log_stage(f"imported:{name}")
            done.emit()
    except BaseException as exc:  # noqa: BLE001 - a broken install must say so, not hang
        traceback.print_exc()
        if done is signals.imported:
            signals.failed.emit(stage.rstrip("…"), f"{type(exc).__name__}: {exc}")
        else:
            signals.others_failed.emit()


class Startup(QObject):
    """Drives one window from its frame to every tab built. Stages reached: `shown`, `models`
    (the models are listed and the active one chosen), `usable` (and the tab in view built with
    it), `ready` (every tab built), or `failed`."""

    reached = Signal(str)

    def __init__(self, window: main_window.MainWindow, first_steps=first_imports,
                 other_steps=other_imports) -> None:
        """`first_steps(title)`, `other_steps(title)`: the thread's steps for `title`, the tab
        in view (first_imports and other_imports unless a test wants its own)."""
        super().__init__(window)
        self.window = window
        self.first_steps, self.other_steps = first_steps, other_steps
        self.first_tab = ""  # the tab whose module the first imports bring
        self.stages: list[str] = []
        self.thread: threading.Thread | None = None
        self.later_thread: threading.Thread | None = None  # LATER_IMPORTS, once ready
        self._all_imported = False
        self._waiting = False  # for the other tabs' modules
        # Set once the tab in view is usable (or start-up cannot go on): the thread imports the
        # other tabs' modules only then, since it would hold the interpreter while the GUI
        # thread loads the models and builds that tab.
        self.usable = threading.Event()
        self._signals = _ThreadSignals()
        self._signals.stage.connect(self._stage)
        self._signals.imported.connect(self._imported)
        self._signals.all_imported.connect(self._other_tabs_imported)
        self._signals.failed.connect(self._failed)
        self._signals.others_failed.connect(self._other_tabs_imported)  # see build_tab
        window.show_loading(LOADING_TORCH)

    def watch(self) -> None:
        """Start the imports once the window is on screen (its first expose has been painted),
        so that the thread does not hold the interpreter while the frame is drawn."""
        handle = self.window.windowHandle()
        if handle is not None:
            handle.installEventFilter(self)
        QTimer.singleShot(START_ANYWAY_MS, self, self.begin)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Expose and watched.isExposed():
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, self._on_screen)  # after this expose is painted
        return False

    def _on_screen(self) -> None:
        self._reach("shown")
        self.begin()

    def begin(self) -> None:
        """Start the imports (once)."""
        if self.thread is not None or self.window.closing_down:
            return
        skip_pyside_source_scan()
        self.first_tab = self.window.current_tab_title()
        steps = (self._signals, tuple(self.first_steps(self.first_tab)),
                 tuple(self.other_steps(self.first_tab)), self._others_may_start)
        self.thread = threading.Thread(target=_run_imports, args=steps, daemon=True,
                                       name="vae-desktop start-up imports")
        self.thread.start()

    def _others_may_start(self) -> bool:
        """Called in the thread: waits until the tab in view is usable (True), or the window
        closes down (False: the thread ends, importing nothing more)."""
        while not self.usable.wait(0.2):
            if self.window.closing_down:
                return False
        return not self.window.closing_down

    def _reach(self, stage: str) -> None:
        if stage in self.stages:
            return
        if stage in ("usable", "failed"):
            self.usable.set()
        self.stages.append(stage)
        log_stage(stage)
        self.reached.emit(stage)

    def _stage(self, text: str) -> None:
        # After a failure the thread still reports its later stages: the failure stays shown.
        if (not self.window.closing_down and self.window.state is None
                and "failed" not in self.stages):
            self.window.show_loading(text)

    def _failed(self, what: str, message: str, hint: str | None = None) -> None:
        """Say that `what` failed, with `message` and what may mend it (`hint`; for PyTorch,
        TORCH_HINT)."""
        if self.window.closing_down or "failed" in self.stages:
            return
        if hint is None:
            hint = TORCH_HINT if what == LOADING_TORCH.rstrip("…") else ""
        self.window.show_loading(what, (what, message, hint))
        self._reach("failed")

    def _imported(self) -> None:
        if self.window.closing_down:
            return
        from vae_desktop.core.threads import reserve_cores_for_workers

        reserve_cores_for_workers()  # before the GUI thread's first torch op: see core.threads
        self.window.show_loading(LOADING_MODELS)
        QTimer.singleShot(0, self, self._load_models)  # the status is painted first

    def _load_models(self) -> None:
        if self.window.closing_down:
            return
        from vae_desktop.gui.state import AppState

        try:
            state = AppState(self.window)
            notes = state.load_library()
        except Exception as exc:  # noqa: BLE001 - e.g. an unreadable data folder
            traceback.print_exc()
            said = (f"{exc.strerror}: {exc.filename}" if isinstance(exc, OSError) and exc.strerror
                    and exc.filename else f"{type(exc).__name__}: {exc}")
            from vae_desktop.core.paths import app_data_dir

            self._failed("Loading the models", said,
                         f"The app keeps its models in {app_data_dir(create=False)}: it must be "
                         "a folder you can write to (the environment variable "
                         "VAE_DESKTOP_DATA_DIR picks another).")
            return
        self.window.attach_state(state, notes)
        self.window.show_loading(LOADING_TABS, status=False)  # the other tabs' places
        self._reach("models")
        QTimer.singleShot(0, self, self._build_next)

    def _other_tabs_imported(self) -> None:
        """Every module is in, or the thread stopped at one that failed: build_tab imports
        what is left, and a tab that cannot be imported says why in its place."""
        self._all_imported = True
        if self._waiting:
            self._waiting = False
            self._build_next()

    def _build_next(self) -> None:
        """Build one tab, then come back from the event loop for the next: first the tab whose
        module came with the first imports, then, once every module is in, the tab in view
        (one the person switched to meanwhile) and the rest."""
        if self.window.closing_down or "failed" in self.stages:
            return
        if "usable" not in self.stages:
            if self.first_tab in self.window.pending_tabs():
                self.window.build_tab(self.first_tab)
            self._reach("usable")
        elif not self._all_imported:
            self._waiting = True  # _other_tabs_imported comes back
            return
        else:
            title = self.window.next_tab_to_build()
            if title is None:
                self._reach("ready")
                self._start_later_imports()
                return
            self.window.build_tab(title)
        QTimer.singleShot(0, self, self._build_next)

    def _start_later_imports(self) -> None:
        if self.later_thread is not None or self.window.closing_down:
            return
        self.later_thread = threading.Thread(target=_import_later, daemon=True,
                                             name="vae-desktop later imports")
        self.later_thread.start()


def start(window_class=None) -> main_window.MainWindow:
    """Show the main window's frame now and load the rest behind it (see the module's doc)."""
    window = (window_class or main_window.MainWindow)(show_first=True)
    window.startup = Startup(window)
    window.show()
    window.startup.watch()
    return window
