"""A seeded click-through of the whole app, as a restless new user would do it (issue 18).

    python tests/monkey.py SEED [SEED ...]

Starts the real app (gui.app.run_app, so it also ends the way the app ends), then for every tab:
sets random legal values in every spin box, drop-down, check box and text field with a
validator, and clicks every enabled, visible button, in random order. Dialogs are
dismissed: QMessageBox, QFileDialog and QInputDialog answer "cancel", and a timer closes any
other dialog that opens. Finally it makes sure some work is running and closes the window. Each
further seed is a new main window in the same process (a restart, without paying for torch's and
Qt's imports again); the last window's close ends the process.

Values are drawn uniformly or log-uniformly (half each) over each widget's whole range, so both
tiny and enormous runs get started. The machine is said to have 1.5 GB free (core.memory), so
the app refuses the runs that would need more instead of the test eating the CI machine's RAM;
what does start is closed in flight, and closing gives up on a step after a few seconds.

Prints "MONKEY OK <seed>" as each seed is done; every Python exception (sys.excepthook, which PySide6 also
calls for exceptions in slots) and every Qt warning goes to stderr, where the test looks for them.
"""

from __future__ import annotations

import math
import os
import random
import sys
import time
import traceback
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QTimer, qInstallMessageHandler  # noqa: E402
from PySide6.QtGui import QDoubleValidator, QIntValidator  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QToolButton,
    QWidget,
)

FREE_RAM = 1_500_000_000
ROUNDS = 1  # passes over every tab
errors: list[str] = []


def excepthook(kind, value, tb) -> None:
    errors.append(f"{kind.__name__}: {value}")
    traceback.print_exception(kind, value, tb, file=sys.stderr)


def on_qt_message(mode, context, message) -> None:
    print(f"QT: {message}", file=sys.stderr, flush=True)


def dismiss_dialogs() -> None:
    """Patch the static dialogs to answer at once, as if cancelled."""
    def answer(value):
        return staticmethod(lambda *args, **kwargs: value)

    for name in ("question", "warning", "information", "critical"):
        setattr(QMessageBox, name, answer(QMessageBox.Cancel))
    QMessageBox.about = answer(None)
    for name in ("getOpenFileName", "getSaveFileName"):
        setattr(QFileDialog, name, answer(("", "")))
    QFileDialog.getExistingDirectory = answer("")
    QInputDialog.getText = answer(("", False))
    QInputDialog.getInt = answer((0, False))
    QInputDialog.getDouble = answer((0.0, False))
    QInputDialog.getItem = answer(("", False))


def close_open_dialogs() -> None:
    modal = QApplication.activeModalWidget()
    if isinstance(modal, QDialog):
        modal.reject()
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.close()


class Monkey:
    def __init__(self, window, seed: int) -> None:
        self.window = window
        self.rng = random.Random(seed)
        self.seed = seed
        self.clicks = self.values = 0

    # Values
    def number(self, low: float, high: float, integer: bool) -> float:
        if self.rng.random() < 0.5 or low < 0 or high <= max(low, 0) + 1:
            value = self.rng.uniform(low, high)
        else:  # log-uniform over [max(low, 1), high]: small values as often as large ones
            start = max(low, 1e-6 if not integer else 1)
            value = math.exp(self.rng.uniform(math.log(start), math.log(high)))
        return min(max(round(value) if integer else value, low), high)

    def set_value(self, widget: QWidget) -> None:
        rng = self.rng
        if isinstance(widget, QSpinBox):
            widget.setValue(int(self.number(widget.minimum(), widget.maximum(), True)))
        elif isinstance(widget, QDoubleSpinBox):
            widget.setValue(self.number(widget.minimum(), widget.maximum(), False))
        elif isinstance(widget, QComboBox):
            if widget.count():
                widget.setCurrentIndex(rng.randrange(widget.count()))
                widget.activated.emit(widget.currentIndex())  # as a click in its list does
        elif isinstance(widget, QCheckBox):
            if rng.random() < 0.5:
                widget.click()
        elif isinstance(widget, QLineEdit):
            validator = widget.validator()
            if isinstance(validator, QIntValidator):
                text = str(int(self.number(validator.bottom(), validator.top(), True)))
            else:  # a QDoubleValidator: a value typed like 3e-4, within its bounds
                low, high = max(validator.bottom(), -1e6), min(validator.top(), 1e6)
                text = f"{self.number(max(low, 1e-6), max(high, 1.0), False):.3g}"
            widget.setText(text)
            widget.editingFinished.emit()
        self.values += 1

    # One tab
    def fields(self, page: QWidget) -> list[QWidget]:
        found = []
        for widget in page.findChildren(QWidget):
            if not (widget.isVisibleTo(self.window) and widget.isEnabled()):
                continue
            if isinstance(widget, (QSpinBox, QDoubleSpinBox, QComboBox, QCheckBox)):
                found.append(widget)
            elif (isinstance(widget, QLineEdit)
                  and isinstance(widget.validator(), (QIntValidator, QDoubleValidator))
                  and not isinstance(widget.parent(), (QAbstractSpinBox, QComboBox))):
                found.append(widget)
        return found

    def buttons(self, page: QWidget) -> list[QAbstractButton]:
        return [b for b in page.findChildren(QAbstractButton)
                if isinstance(b, (QPushButton, QToolButton)) and not isinstance(b, QCheckBox)]

    def click(self, button: QAbstractButton) -> None:
        # Earlier clicks may have hidden, disabled or deleted it.
        try:
            if not (button.isVisibleTo(self.window) and button.isEnabled()):
                return
        except RuntimeError:  # its C++ object is gone (a view rebuilt itself)
            return
        t0 = time.monotonic()
        button.click()
        self.clicks += 1
        pump(0.005)
        if os.environ.get("MONKEY_TIMES") and time.monotonic() - t0 > 0.2:
            print(f"slow click {time.monotonic() - t0:.2f} s: {button.text() or button.toolTip()[:40]!r} "
                  f"in {self.window.current_tab_title()}", flush=True)

    def tab(self, index: int) -> None:
        t0 = time.monotonic()
        self._tab(index)
        if os.environ.get("MONKEY_TIMES"):
            print(f"tab {self.window.tabs.tabText(index)}: {time.monotonic() - t0:.2f} s", flush=True)

    def _tab(self, index: int) -> None:
        tabs = self.window.tabs
        tabs.setCurrentIndex(index)
        pump(0.05)
        page = tabs.widget(index)
        fields = self.fields(page)
        self.rng.shuffle(fields)
        for widget in fields:
            try:
                self.set_value(widget)
            except RuntimeError:  # deleted by an earlier change
                continue
        pump(0.02)
        buttons = self.buttons(page) + self.buttons(self.window.toolbar)
        self.rng.shuffle(buttons)
        for button in buttons:
            self.click(button)

    def run(self) -> None:
        started = time.monotonic()
        for _ in range(ROUNDS):
            order = list(range(self.window.tabs.count()))
            self.rng.shuffle(order)
            for index in order:
                self.tab(index)
        if not self.window.state.workers.running():  # close with work in flight, always
            train = self.window.train_tab
            train.continue_box.setChecked(False)
            train.apply_settings({"arch": "mlp", "hidden": 64, "latent_dim": 2, "epochs": 200,
                                  "batch_size": 64, "train_size": 2000, "device": "cpu"})
            train.start()
            pump(0.3)
        running = sorted(job.name for job in self.window.state.workers.running())
        print(f"MONKEY seed {self.seed}: {self.values} values, {self.clicks} clicks in "
              f"{time.monotonic() - started:.1f} s; closing with {running}", flush=True)
        closing = time.monotonic()
        self.window.close()
        print(f"MONKEY seed {self.seed}: closed in {time.monotonic() - closing:.1f} s", flush=True)
        # Without a GPU no job may import it (core.optim_guards), least of all in its thread.
        print(f"MONKEY seed {self.seed}: torch._dynamo imported: {'torch._dynamo' in sys.modules}",
              flush=True)
        if errors:
            print(f"MONKEY FOUND {len(errors)} exception(s)", flush=True)
        else:
            print(f"MONKEY OK {self.seed}", flush=True)


def pump(seconds: float) -> None:
    end = time.monotonic() + seconds
    while True:
        QApplication.processEvents()
        if time.monotonic() >= end:
            return
        time.sleep(0.005)


def main() -> None:
    seeds = [int(arg) for arg in sys.argv[1:]]
    sys.excepthook = excepthook
    qInstallMessageHandler(on_qt_message)
    dismiss_dialogs()

    from vae_desktop.core import memory

    memory.available_ram = lambda: FREE_RAM
    from vae_desktop.gui import app as gui_app
    from vae_desktop.gui.main_window import MainWindow

    windows = []  # every window stays referenced: the process ends with os._exit, as the app does

    class Window(MainWindow):
        def _ask_quit(self, reasons, unkept=()) -> bool:
            return True  # the user says yes, stop it and quit

        def showEvent(self, event) -> None:
            super().showEvent(event)
            if not hasattr(self, "monkey"):
                windows.append(self)
                self.monkey = Monkey(self, seeds[len(windows) - 1])
                self.dialog_closer = QTimer(self)
                self.dialog_closer.timeout.connect(close_open_dialogs)
                self.dialog_closer.start(50)
                QTimer.singleShot(0, self.run_monkey)

        def run_monkey(self) -> None:
            last = len(windows) == len(seeds)
            # The next seed is a new window of the same process, as a restart would be (with
            # the settings the last one saved); only the last close ends the app.
            QApplication.instance().setQuitOnLastWindowClosed(last)
            self.monkey.run()
            if not last:
                Window().show()

    gui_app.run_app([], window_class=Window)


if __name__ == "__main__":
    main()
