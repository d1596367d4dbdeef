"""Start-up (vae_desktop.gui.startup): the window is on screen before torch and the tabs, becomes
fully usable once they have loaded, closes cleanly while loading, and says why when loading fails.
Nothing is timed here: bench/launch_latency.py measures the start."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from vae_desktop.gui import startup
from vae_desktop.gui.main_window import MainWindow
from vae_desktop.gui.widgets.loading import LoadingPage
from vae_desktop.gui.widgets.message_tab import MessageTab
from vae_desktop.gui.window import tab_pages
from vae_desktop.gui.window.tab_pages import TAB_TITLES

REPO = Path(__file__).resolve().parents[1]


def gated(steps, gate: threading.Event):
    """The start-up's own steps, after one that waits for `gate`: the test looks at the window
    while the thread is still importing."""
    def first(title):
        return (("gate", startup.LOADING_TORCH, lambda: gate.wait(30)), *steps(title))
    return first


def launch(qtbot, **steps) -> MainWindow:
    window = MainWindow(show_first=True)
    qtbot.addWidget(window)
    window.startup = startup.Startup(window, **steps)
    window.show()
    window.startup.watch()
    return window


def loading_pages(window) -> list[LoadingPage]:
    pages = [window._pages[title].widget() for title in window._pages]
    return [page for page in pages if isinstance(page, LoadingPage)]


def test_no_torch_before_the_window_is_shown():
    """What `vae-desktop` imports up to the window's frame: no torch, nor what the tabs use."""
    code = textwrap.dedent("""
        import os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        import vae_desktop.cli
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from vae_desktop.gui import startup
        window = startup.main_window.MainWindow(show_first=True)
        window.show()
        app.processEvents()
        print(sorted({m.split(".")[0] for m in sys.modules} & {"torch", "numpy", "pyqtgraph",
                                                                 "superqt", "optuna"}))
    """)
    env = {**os.environ, "VAE_DESKTOP_DATA_DIR": os.environ["VAE_DESKTOP_DATA_DIR"]}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=REPO, timeout=120, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_the_window_shows_first_then_every_tab_works(qtbot, bundled):
    from vae_desktop.gui import preferences as qs
    from vae_desktop.gui.tabs.latent.tab import LatentTab
    from vae_desktop.gui.tabs.train.tab import TrainTab

    qs.open_settings().setValue("window/tab", "Latent space")  # the tab in view last time
    gate = threading.Event()
    window = launch(qtbot, first_steps=gated(startup.first_imports, gate))
    tabs_at = {}
    window.startup.reached.connect(lambda stage: tabs_at.setdefault(stage, list(window.tab_widgets)))
    qtbot.waitUntil(lambda: window.startup.thread is not None, timeout=5000)

    # On screen, with its menus and tab titles, before torch-dependent tabs exist.
    assert window.isVisible() and window.windowTitle() == "VAE Desktop"
    room = window.screen().availableGeometry()
    assert window.width() < room.width() and window.height() < room.height()  # a first launch fits
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == list(TAB_TITLES)
    assert window.current_tab_title() == "Latent space"
    assert window.state is None and window.tab_widgets == {} and window.train_tab is None
    pages = loading_pages(window)
    assert len(pages) == len(TAB_TITLES)
    assert all(startup.LOADING_TORCH in page.text() for page in pages)
    assert window.model_label.text() == startup.LOADING_TORCH
    assert window.quit_action.isEnabled() and window.help.guide_action.isEnabled()
    for action in (window.open_action, window.save_action, window.models_action,
                   window.help.about_action, window.export_png_action):
        assert not action.isEnabled()
    assert not window.model_combo.isEnabled() and window.model_combo.count() == 0
    assert [a.text() for a in window.menuBar().actions()] == ["&File", "&View", "&Help"]

    gate.set()
    qtbot.waitUntil(lambda: "ready" in window.startup.stages, timeout=120_000)
    stages = window.startup.stages
    assert stages[-3:] == ["models", "usable", "ready"] and "failed" not in stages
    # The models came before any tab, the tab in view first, then the rest.
    assert tabs_at["models"] == [] and tabs_at["usable"] == ["Latent space"]
    assert set(window.tab_widgets) == set(TAB_TITLES) and loading_pages(window) == []
    assert isinstance(window.train_tab, TrainTab)
    assert isinstance(window.tab_widgets["Latent space"], LatentTab)
    assert window.tabs.currentWidget().widget() is window.tab_widgets["Latent space"]
    assert not any(isinstance(tab, MessageTab) for tab in window.tab_widgets.values())
    # Every bundled model is listed and selectable; the first launch's model is active.
    state = window.state
    assert sorted(m.path.stem for m in state.models) == sorted(bundled)
    assert state.active.path.stem == "mnist-cvae-z2"
    assert window.model_combo.isEnabled() and window.model_combo.count() == len(bundled)
    assert state.active.name in window.model_label.text()
    assert window.device_label.text().startswith("Device: ") and "…" not in window.device_label.text()
    for action in (window.open_action, window.save_as_action, window.models_action,
                   window.help.about_action, window.export_png_action):
        assert action.isEnabled()
    with qtbot.waitSignal(state.model_changed):
        window.model_combo.setCurrentIndex(len(bundled) - 1)
    assert state.active is state.models[-1]


def test_the_other_tabs_modules_wait_until_the_tab_in_view_is_usable(qtbot):
    """The thread would hold the interpreter while the GUI thread loads the models and builds
    the tab in view: it imports the other tabs' modules after that (the models were usable
    0.26 against 0.56 s after the first imports, every tab built as soon; AVX2, 2026-12-06)."""
    seen: list[list[str]] = []

    def other_steps(title):
        probe = ("probe", startup.LOADING_TABS, lambda: seen.append(list(window.startup.stages)))
        return (probe, *startup.other_imports(title))

    window = launch(qtbot, other_steps=other_steps)
    said = {}  # what the places of the tabs not built yet say, and the status bar, when usable
    window.startup.reached.connect(lambda stage: said.setdefault(stage, (
        {page.text() for page in loading_pages(window)}, window.model_label.text())))
    qtbot.waitUntil(lambda: "ready" in window.startup.stages, timeout=120_000)
    assert len(seen) == 1 and seen[0][-2:] == ["models", "usable"]
    assert set(window.tab_widgets) == set(TAB_TITLES) and loading_pages(window) == []
    pages, status = said["usable"]
    assert len(pages) == len(TAB_TITLES) - 1  # every tab but the one in view
    assert all(startup.LOADING_TABS in text for text in pages)  # not the models any more
    assert window.state.active.name in status


def test_closing_while_loading_is_clean(qtbot):
    from vae_desktop.gui import preferences as qs

    qs.open_settings().setValue("last_model/path", "/models/mine.pt")
    gate = threading.Event()
    window = launch(qtbot, first_steps=gated(startup.first_imports, gate))
    qtbot.waitUntil(lambda: window.startup.thread is not None, timeout=5000)
    assert window.close()  # no question: nothing runs yet
    assert not window.isVisible() and window.closing_down
    settings = qs.open_settings()
    assert not settings.value("window/geometry").isEmpty()
    assert settings.value("last_model/path") == "/models/mine.pt"  # untouched

    gate.set()  # the imports end after the window closed: nothing more is made
    window.startup.thread.join(60)
    assert not window.startup.thread.is_alive()
    qtbot.wait(50)
    assert window.state is None and window.tab_widgets == {}
    assert window.startup.stages in ([], ["shown"])


def test_a_failure_while_loading_is_a_message(qtbot, capsys):
    def broken_torch(title):
        def fail():
            raise ImportError("libtorch_cpu.so: cannot open shared object file")
        return (("torch", startup.LOADING_TORCH, fail),)

    window = launch(qtbot, first_steps=broken_torch)
    qtbot.waitUntil(lambda: "failed" in window.startup.stages, timeout=10_000)
    pages = loading_pages(window)
    assert len(pages) == len(TAB_TITLES) and all(page.failed for page in pages)
    text = pages[0].text()
    assert "could not start" in text and "Loading PyTorch failed" in text
    assert "libtorch_cpu.so: cannot open shared object file" in text
    assert "pip install --force-reinstall torch" in text
    assert "Loading PyTorch failed: ImportError: libtorch_cpu.so" in window.model_label.text()
    assert "Traceback" in capsys.readouterr().err  # the details, for a bug report
    assert window.state is None and not window.open_action.isEnabled()
    assert window.close() and not window.isVisible()


def test_unreadable_models_are_a_message(qtbot, monkeypatch):
    from vae_desktop.gui.state import AppState

    def refuse(self):
        raise PermissionError("[Errno 13] Permission denied: 'library.json'")

    monkeypatch.setattr(AppState, "load_library", refuse)
    window = launch(qtbot)
    qtbot.waitUntil(lambda: "failed" in window.startup.stages, timeout=120_000)
    text = loading_pages(window)[0].text()
    assert "Loading the models failed" in text and "Permission denied" in text
    assert window.state is None and window.tab_widgets == {}
    assert window.close()


def test_a_tab_that_cannot_be_imported_says_why_and_the_others_open(qtbot, monkeypatch):
    monkeypatch.setattr(tab_pages, "TAB_MODULES", {
        "Draw": tab_pages.TAB_MODULES["Draw"],
        "Broken": ("vae_desktop.gui.tabs.no_such_tab", "BrokenTab")})
    monkeypatch.setattr(tab_pages, "TAB_TITLES", ("Draw", "Broken"))
    window = launch(qtbot)
    qtbot.waitUntil(lambda: "ready" in window.startup.stages, timeout=120_000)
    assert "failed" not in window.startup.stages
    broken = window.tab_widgets["Broken"]
    assert isinstance(broken, MessageTab)
    message = broken.findChild(QLabel).text()
    assert "could not be opened" in message and "no_such_tab" in message
    assert not isinstance(window.tab_widgets["Draw"], MessageTab)
    assert window.state.active is not None


def test_a_window_made_at_once_has_its_tabs(qtbot):
    """Tests and benches make MainWindow() directly: everything is built in the constructor."""
    window = MainWindow(tabs=(("Draw", lambda state: MessageTab("Draw", "stand-in")),))
    qtbot.addWidget(window)
    assert list(window.tab_widgets) == ["Draw"] and loading_pages(window) == []
    assert window.state is not None and window.state.active is not None
    assert window.open_action.isEnabled() and window.model_combo.isEnabled()


def test_closing_while_the_tabs_are_built_stops_building_them(qtbot):
    window = launch(qtbot)
    closed = []
    window.startup.reached.connect(lambda stage: stage == "usable" and closed.append(window.close()))
    qtbot.waitUntil(lambda: bool(closed), timeout=120_000)
    assert closed == [True] and not window.isVisible()
    built = list(window.tab_widgets)
    assert built == [TAB_TITLES[0]]  # the tab in view, and no other after the close
    window.startup.thread.join(60)
    qtbot.wait(100)
    assert list(window.tab_widgets) == built and "ready" not in window.startup.stages
    assert window.state.workers.closing  # closed the normal way (gui.shutdown)


def test_a_failed_tab_shows_its_error_as_written(qtbot):
    """An exception's message is shown as plain text: "<class 'int'>" must not vanish as a tag."""
    from PySide6.QtGui import QTextDocument
    page = MessageTab("Draw", "This tab could not be opened: expected <class 'int'>")
    qtbot.addWidget(page)
    document = QTextDocument()
    document.setHtml(page.findChild(QLabel).text())
    assert "expected <class 'int'>" in document.toPlainText()


def test_a_data_folder_that_is_a_file_is_a_message_that_stays(qtbot, monkeypatch, tmp_path):
    """The models failed to load while the thread still imported the other tabs' modules: its
    next stage ("Loading the tabs…") painted over the failure, and the window said it was
    loading for ever."""
    datafile = tmp_path / "datafile"
    datafile.write_text("not a folder")
    monkeypatch.setenv("VAE_DESKTOP_DATA_DIR", str(datafile))
    window = launch(qtbot)
    qtbot.waitUntil(lambda: "failed" in window.startup.stages, timeout=120_000)
    window.startup.thread.join(60)  # every later stage has been sent
    qtbot.wait(100)
    text = loading_pages(window)[0].text()
    assert "Loading the models failed" in text and str(datafile) in text
    assert "Loading the models failed" in window.model_label.text()
    assert window.close()


def test_without_a_gpu_nothing_imports_dynamo_once_the_window_is_ready():
    """torch._dynamo (about 900 modules, 1-2.6 s) is imported only for a step on a GPU
    (optimizer.step(); core.optim_guards): without one, the window's start-up never imports
    it, its later imports included. A fresh interpreter: in this one an earlier test has
    imported it."""
    code = textwrap.dedent("""
        import os, sys, time
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QApplication
        QSettings.setDefaultFormat(QSettings.IniFormat)
        QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, sys.argv[1])
        app = QApplication([])
        app.setOrganizationName("vae-desktop-test")
        from vae_desktop.core import device
        device.accelerator_present = lambda: False  # as here, on a machine with a GPU too
        from vae_desktop.gui import startup
        window = startup.start()
        deadline = time.monotonic() + 240
        while "ready" not in window.startup.stages and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.005)
        print("ready", "ready" in window.startup.stages)
        window.startup.later_thread.join(240)
        print("imported", "torch._dynamo" in sys.modules)
        window.close()
        app.processEvents()
        os._exit(0)
    """)
    env = {**os.environ, "VAE_DESKTOP_DATA_DIR": os.environ["VAE_DESKTOP_DATA_DIR"]}
    settings = Path(os.environ["VAE_DESKTOP_DATA_DIR"]) / "later-imports-settings"
    out = subprocess.run([sys.executable, "-c", code, str(settings)], capture_output=True,
                         text=True, env=env, cwd=REPO, timeout=300, check=True).stdout
    assert out.strip().splitlines()[-2:] == ["ready True", "imported False"]


@pytest.mark.parametrize("gpu", [True, False])
def test_dynamo_is_imported_ahead_only_where_a_gpu_step_needs_it(monkeypatch, gpu):
    """With a GPU, torch._dynamo is imported in the background once the window is ready, and
    before a job starts, so that no worker thread imports it (a stop asked meanwhile would wait
    for it); without one, neither imports it."""
    from vae_desktop.core import device
    from vae_desktop.gui import workers

    imported, real_import = [], startup.importlib.import_module

    def import_module(name, *args):
        if name != "torch._dynamo":
            return real_import(name, *args)
        imported.append(name)  # recorded, not imported: in this process it may not be yet

    monkeypatch.setattr(device, "accelerator_present", lambda: gpu)
    monkeypatch.setattr(startup.importlib, "import_module", import_module)
    startup._import_later()
    assert imported == (["torch._dynamo"] if gpu else [])
    imported.clear()
    monkeypatch.setattr(workers, "_warmed_up", False)
    workers.warm_up_in_gui_thread()
    assert imported == (["torch._dynamo"] if gpu else [])


def test_no_later_imports_after_closing_while_loading(qtbot):
    gate = threading.Event()
    window = launch(qtbot, first_steps=gated(startup.first_imports, gate))
    qtbot.waitUntil(lambda: window.startup.thread is not None, timeout=5000)
    window.close()
    gate.set()
    window.startup.thread.join(60)
    qtbot.wait(50)
    assert "ready" not in window.startup.stages and window.startup.later_thread is None
