"""Start the Qt application."""

from __future__ import annotations

import os
import signal
import sys


class SignalWaker:
    """Python's signal handlers (Ctrl+C, SIGTERM) run as soon as a signal comes, while Qt's
    event loop waits in C++: the interpreter's C-level handler writes to a socket
    (signal.set_wakeup_fd), whose notifier wakes the loop, and the handlers run as its slot
    returns to Python. A 250 ms timer did this by waking the idle app four times a second; it
    is still the way where the wakeup cannot be set (not the main thread, or a platform that
    refuses the socket). Make one once the QApplication exists, and keep it."""

    POLL_MS = 250

    def __init__(self) -> None:
        import socket

        from PySide6.QtCore import QSocketNotifier, QTimer

        self.notifier: QSocketNotifier | None = None
        self.timer = QTimer()
        self.timer.timeout.connect(lambda: None)  # Python runs, and with it the handlers
        ends: tuple[socket.socket, ...] = ()
        try:
            self._read, self._write = ends = socket.socketpair()
            for end in ends:
                end.setblocking(False)
            self._previous = signal.set_wakeup_fd(self._write.fileno())
        except (ValueError, OSError):
            for end in ends:
                end.close()
            self.timer.start(self.POLL_MS)
            return
        self.notifier = QSocketNotifier(self._read.fileno(), QSocketNotifier.Type.Read)
        self.notifier.activated.connect(self._drain)

    def _drain(self, *_args) -> None:
        try:
            while self._read.recv(512):
                pass
        except OSError:  # emptied (BlockingIOError), or closed
            pass

    def close(self) -> None:
        """Give the wakeup back to what had it, and close the sockets (or stop polling)."""
        self.timer.stop()
        if self.notifier is None:
            return
        self.notifier.setEnabled(False)
        signal.set_wakeup_fd(self._previous)
        self._read.close()
        self._write.close()


class GuiThreadCollector:
    """Python's cycle collection in the GUI thread only: automatic collection off, a collection
    of each generation past its threshold on a timer (what pyqtgraph's GarbageCollector does;
    written here because importing pyqtgraph before the first window delayed it by 0.27 s).

    Automatic collection runs in whichever thread allocates past a threshold. In a worker thread
    it destroyed the Qt objects of a garbage cycle there, and that thread, holding Qt's
    connection lock, waited for the GIL, which the GUI thread held while it waited for the lock:
    a test run hung so on 2026-12-04. Make one in the GUI thread once the QApplication exists,
    and keep it."""

    def __init__(self, interval_s: float = 1.0) -> None:
        import gc

        from PySide6.QtCore import QTimer

        self.thresholds = gc.get_threshold()
        gc.disable()
        self.timer = QTimer()
        self.timer.timeout.connect(self.check)
        self.timer.start(int(interval_s * 1000))

    def check(self) -> None:
        """Collect the generations that are due, as automatic collection would have."""
        import gc

        counts = gc.get_count()
        for generation, threshold in enumerate(self.thresholds):
            if counts[generation] <= threshold:
                break
            gc.collect(generation)

    def settle(self) -> None:
        """Call once start-up is over (every tab built): what it made (torch, Qt's bindings,
        the tabs, the models: some 300,000 objects) lives as long as the app, so it leaves the
        collector's sight (gc.freeze). Each full collection traversed it all, with the GIL
        held, window and training standing still: 260-290 ms in the training bench's window,
        due at most every 100 s; CPython's own collection skips most full ones, this timer does
        not (2026-12-05). Not collected first, as that alone would take as long; a cycle that
        was garbage by then stays, once."""
        import gc

        gc.freeze()


def run_app(argv: list[str] | None = None, window_class=None, show_first: bool | None = None) -> int:
    """`window_class`: MainWindow unless a test or bench wants one of its own. `show_first`: show
    the window before torch and the models load (gui.startup); by default only for the app's
    own window, since a window_class of a test drives its tabs from its first showEvent."""
    from vae_desktop.gui.preflight import check_or_exit

    check_or_exit()  # before Qt loads: a missing system library gets its install command
    from PySide6.QtWidgets import QApplication

    from vae_desktop import __version__

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    from vae_desktop.gui.widgets import tones

    # A theme switched while the app runs reaches every widget, from the first window on (a
    # TabPage starts this too, for a tab shown without run_app: in tests and tools).
    tones.watch_theme()
    app.setApplicationName("VAE Desktop")
    app.setOrganizationName("vae-desktop")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("vae-desktop")  # matches the launcher (vae-desktop install-desktop)
    collector = GuiThreadCollector()  # kept until the process ends
    if show_first if show_first is not None else window_class is None:
        from vae_desktop.gui import startup

        window = startup.start(window_class)  # torch and the models load behind the window

        def settle_when_ready(stage: str) -> None:
            if stage == "ready":  # every tab built
                collector.settle()

        window.startup.reached.connect(settle_when_ready)
    else:
        from vae_desktop.core.threads import reserve_cores_for_workers
        from vae_desktop.gui.main_window import MainWindow

        reserve_cores_for_workers()  # before the first torch op of the GUI thread: see core.threads
        window = (window_class or MainWindow)()
        window.show()
        collector.settle()

    # Ctrl+C in the terminal closes the window the normal way (training stops, settings are
    # saved). Qt's event loop does not run Python code on its own: SignalWaker wakes it.
    signal.signal(signal.SIGINT, lambda *_: window.close())
    # A logout or `kill` (SIGTERM) closes it too, without a question nobody could answer, so
    # a run's model is kept and listed instead of the process dying mid-epoch.
    signal.signal(signal.SIGTERM, lambda *_: getattr(window, "terminate", window.close)())
    waker = SignalWaker()  # noqa: F841 - kept until the process ends
    code = app.exec()
    # Closing the window stopped and awaited every job and saved the settings; every file the
    # app writes is written atomically and synced. Python's own teardown of torch and Qt objects
    # would still take about 1.4 s on 2 cores (measured with bench/quit_latency.py), so the
    # process ends here (a start-up still importing torch ends with it).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
