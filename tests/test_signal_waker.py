"""A signal (Ctrl+C in the terminal, SIGTERM at logout) reaches the app's Python handler while
Qt's event loop waits, with nothing polling for it: gui.app.SignalWaker. Before, a 250 ms timer
woke the idle loop four times a second so that Python could notice a signal."""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading

import pytest
from PySide6.QtCore import QEventLoop, QTimer

from vae_desktop.gui.app import SignalWaker

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGUSR1 is POSIX")


def test_a_signal_runs_its_handler_while_the_loop_waits(qapp):
    loop = QEventLoop()
    order = []

    def handler(signum, frame):
        order.append("handler")
        loop.quit()

    def fallback():  # only if the handler did not run first
        order.append("timeout")
        loop.quit()

    previous = signal.signal(signal.SIGUSR1, handler)
    waker = SignalWaker()
    # The notifier firing is what woke the loop (another timer of the process might have).
    waker.notifier.activated.connect(lambda *_: order.append("woken"))
    try:
        QTimer.singleShot(5000, fallback)
        threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGUSR1)).start()
        loop.exec()
    finally:
        waker.close()
        signal.signal(signal.SIGUSR1, previous)
    assert sorted(order) == ["handler", "woken"]
    assert signal.set_wakeup_fd(-1) == -1  # close() gave the wakeup back


@pytest.mark.parametrize("refused", ["wakeup", "sockets"])
def test_where_the_wakeup_cannot_be_set_a_timer_polls_instead(qapp, monkeypatch, refused):
    # set_wakeup_fd refuses outside the main thread, and a platform may refuse the sockets:
    # the app must start all the same, and still hear Ctrl+C.
    def refuse(*args, **kwargs):
        if refused == "wakeup":
            raise ValueError("set_wakeup_fd only works in main thread of the main interpreter")
        raise OSError(24, "Too many open files")

    loop = QEventLoop()
    order = []

    def handler(signum, frame):
        order.append("handler")
        loop.quit()

    previous = signal.signal(signal.SIGUSR1, handler)
    with monkeypatch.context() as patch:
        if refused == "wakeup":
            patch.setattr(signal, "set_wakeup_fd", refuse)
        else:
            patch.setattr(socket, "socketpair", refuse)
        waker = SignalWaker()
    try:
        assert waker.notifier is None and waker.timer.isActive()
        QTimer.singleShot(5000, lambda: (order.append("timeout"), loop.quit()))
        threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGUSR1)).start()
        loop.exec()
    finally:
        waker.close()
        signal.signal(signal.SIGUSR1, previous)
    assert order == ["handler"] and not waker.timer.isActive()
