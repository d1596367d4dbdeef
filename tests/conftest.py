"""Shared fixtures. GUI tests run headless; user files go to temporary folders."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.register_assert_rewrite("latent_tab_support", "train_tab_support")  # shared helpers
import torch  # noqa: E402

from vae_desktop.core.heap import keep_freed_memory  # noqa: E402

keep_freed_memory()  # as the app's own process does (cli.main)

# Two threads, as on the 2-core machine the suite is sized for; one each when `make test` runs
# the suite in two processes (pytest-xdist), so the two never fight over the cores.
_WORKERS = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
torch.set_num_threads(1 if _WORKERS > 1 else min(2, os.cpu_count() or 1))
# Fixtures of the sweep storage tests: a PostgreSQL server, and sweep worker processes;
pytest_plugins = ["postgres_server", "sweep_worker_support",
                  "palette_support"]  # and a light or dark palette for colour tests


@pytest.fixture(scope="session")
def _gui_thread_collector(qapp):
    """Garbage cycles are collected in the GUI thread only, as in the app (gui.app)."""
    import gc

    from vae_desktop.gui.app import GuiThreadCollector

    collector = GuiThreadCollector()
    yield collector
    collector.timer.stop()
    gc.enable()


@pytest.fixture(scope="session", autouse=True)
def _bundled_models_untouched():
    """No test writes the checkout's bundled models (git-tracked): one that watched old code
    fail once wrote over mnist-cvae-z2.pt. Checked after the whole session, by content."""
    import hashlib

    from vae_desktop.core.paths import bundled_models_dir

    def digests():
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(bundled_models_dir().glob("*.pt"))}

    before = digests()
    yield
    changed = sorted(name for name, digest in digests().items() if before.get(name) != digest)
    if changed or len(digests()) != len(before):
        pytest.fail(f"a test changed the bundled models in {bundled_models_dir()}: {changed} "
                    "(restore them with git)")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item):
    """Once pytest-qt has closed the test's widgets and handled the events left (the last
    signals of the jobs its fixtures awaited), the widgets are deleted. pytest-qt asks for that
    with deleteLater, which only an event loop carries out: they were left to the next test
    that waits, up to 3,000 more widgets alive, each of them sent every palette change and style
    polish meanwhile (setting a dark palette took 0.3 s)."""
    result = yield
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is not None:
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return result


@pytest.fixture(autouse=True)
def _garbage_collected_in_the_gui_thread(_gui_thread_collector):
    """After each test, in this (the GUI) thread, what the collector's timer may not have had
    an event loop to collect. A test that leaves automatic collection on (as the app never does)
    fails here, where a later one that counts on it being off would fail instead (one did, in a
    run with the tests in another order, 2026-12-07)."""
    import gc

    yield
    if gc.isenabled():
        gc.disable()
        pytest.fail("this test left Python's automatic garbage collection on; the session's "
                    "GUI-thread collector (gui.app.GuiThreadCollector) keeps it off")
    _gui_thread_collector.check()


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path, monkeypatch):
    """Autosaves, sweeps and QSettings go to a temporary folder, never the user's."""
    data = tmp_path / "appdata"
    monkeypatch.setenv("VAE_DESKTOP_DATA_DIR", str(data))
    try:
        from PySide6.QtCore import QSettings
    except ImportError:  # core tests need no Qt
        yield
        return
    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path / "settings"))
    _refuse_modal_dialogs(monkeypatch)
    yield
    if unanswered_dialogs:
        names = list(unanswered_dialogs)
        unanswered_dialogs.clear()
        pytest.fail(f"a modal dialog was left unanswered, and closed after "
                    f"{MODAL_WAIT_MS / 1000:g} s: {names}")


MODAL_WAIT_MS = 20_000  # a dialog opened with exec() that nobody answers is closed after this
unanswered_dialogs: list[str] = []  # the texts of those closed so


def _refuse_modal_dialogs(monkeypatch):
    """A modal dialog offscreen waits for a click that never comes, and the test hangs past any
    timeout: fail at once instead, naming the dialog. A test that wants one patches the app's own
    method that opens it."""
    from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

    def refuse(name):
        def opened(*args, **kwargs):
            text = " | ".join(str(a) for a in args[1:3])
            raise AssertionError(f"a modal {name} was opened in a test: {text}")
        return staticmethod(opened)

    real_exec = QMessageBox.exec

    def guarded_exec(box, *args):
        # A question kept open as an instance (the quit question follows the work behind it):
        # answered by the test (a timer clicks it), or closed here after a while and named.
        from PySide6.QtCore import QTimer

        def close() -> None:
            unanswered_dialogs.append(box.text())
            box.reject()

        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(close)
        timer.start(MODAL_WAIT_MS)
        try:
            return real_exec(box, *args)
        finally:
            timer.stop()

    monkeypatch.setattr(QMessageBox, "exec", guarded_exec)
    for cls, names in ((QMessageBox, ("warning", "question", "information", "critical", "about")),
                       (QInputDialog, ("getText", "getInt", "getDouble", "getItem")),
                       (QFileDialog, ("getOpenFileName", "getSaveFileName",
                                      "getExistingDirectory"))):
        for name in names:
            monkeypatch.setattr(cls, name, refuse(f"{cls.__name__}.{name}"))


@pytest.fixture
def after(qapp):
    """`after(ms, fn)`: call `fn` once, `ms` into the event loop, within this test only. A
    QTimer.singleShot still pending when its test ends fires in whichever test comes next:
    one that closed "any modal dialog" 3 s on closed another test's quit question."""
    from PySide6.QtCore import QTimer

    timers = []

    def schedule(ms: int, fn) -> None:
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(fn)
        timer.start(ms)
        timers.append(timer)

    yield schedule
    for timer in timers:
        timer.stop()


@pytest.fixture
def choose_afresh(monkeypatch):
    """core.products.onednn_preferred() asked again, with its variable unset unless a test sets
    it (and asked again after the test)."""
    from vae_desktop.core import products

    monkeypatch.delenv(products.BACKEND_VARIABLE, raising=False)
    products.onednn_preferred.cache_clear()
    yield monkeypatch
    products.onednn_preferred.cache_clear()


@pytest.fixture(scope="session")
def mnist_test():
    from vae_desktop.core.data import load_split

    return load_split("test")


@pytest.fixture(scope="session")
def mnist_train_small():
    from vae_desktop.core.data import load_split

    return load_split("train", size=5000)


@pytest.fixture(scope="session")
def bundled():
    """The bundled pretrained checkpoints, by file stem."""
    from vae_desktop.core import checkpoint
    from vae_desktop.core.paths import bundled_models_dir

    return {p.stem: checkpoint.load(p) for p in sorted(bundled_models_dir().glob("*.pt"))}


@pytest.fixture
def state(qapp):
    """An AppState with no models (for tabs that make their own); its workers are stopped and
    awaited after the test."""
    from vae_desktop.gui.state import AppState

    state = AppState()
    yield state
    state.workers.stop_all()
    state.workers.wait_all(30)


@pytest.fixture
def app_state(qapp):
    """An AppState whose library (in the test's own data folder) holds the bundled models. Its
    workers are stopped and awaited after the test."""
    from vae_desktop.gui.state import AppState

    state = AppState()
    state.load_library()
    yield state
    state.workers.stop_all()
    state.workers.wait_all(30)


@pytest.fixture
def workers(qapp):
    """A pool of the app's one background-work mechanism, stopped and awaited after the test."""
    from vae_desktop.gui.workers import Workers

    pool = Workers()
    yield pool
    pool.stop_all()
    assert pool.wait_all(10)


def shared_window(tmp_path_factory, name: str):
    """A MainWindow shared by a module's tests (building one takes seconds), as a generator for a
    module-scoped fixture. Module-scoped fixtures run before the per-test isolation, so it
    isolates its own data folder and settings."""
    from PySide6.QtCore import QSettings

    from vae_desktop.gui.main_window import MainWindow

    folder = tmp_path_factory.mktemp(name)
    patch = pytest.MonkeyPatch()
    patch.setenv("VAE_DESKTOP_DATA_DIR", str(folder / "appdata"))
    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(folder / "settings"))
    win = MainWindow()
    win.show()
    yield win
    win.close()
    # Deleted with the module's last test (pytest_runtest_teardown above). Closed alone it lived
    # on, with its 2,000 widgets: the app's signals hold its followers' methods from C++.
    win.deleteLater()
    patch.undo()
