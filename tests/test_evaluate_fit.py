"""The Evaluate tab fits a 1280x720 screen without a horizontal scroll bar: maximised under a
title bar (a client area of 1264x672) and as a 1280x720 window, for an unconditional and a
conditional model, while the test-set pass runs, after the report, during and after a
log-likelihood estimate and after an anomaly result, with every button whole and in view and
every column of the outliers' table in view.

The audit: at 1264x672 the tab scrolled sideways (it needed 1269 px of 1264): "Export report as
CSV…", "Score active model", Stop and the outlier table's Flagged column were cut off."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLabel, QWidget
from small_test_set import use_test_digits

from vae_desktop.core.anomaly import run_experiment
from vae_desktop.core.model_words import MAX_NAME
from vae_desktop.gui.main_window import MainWindow
from vae_desktop.gui.tabs.evaluate.anomaly_panel import Detector
from vae_desktop.gui.tabs.evaluate.tab import EvaluateTab

N = 300  # test digits: each model's test-set pass and anomaly scores take a moment
SIZES = [(1264, 672), (1280, 720)]
CONTROLS = (QAbstractButton, QComboBox, QAbstractSpinBox)


@pytest.fixture
def window(qtbot, app_state, mnist_test, monkeypatch):
    use_test_digits(app_state, mnist_test, monkeypatch, N)
    win = MainWindow(state=app_state, tabs=[("Evaluate", EvaluateTab)])
    qtbot.addWidget(win)
    yield win
    assert win.tab_widgets["Evaluate"].shutdown()


def assert_fits(qtbot, win) -> None:
    """At each size: the tab's minimum fits the page, no scroll bar, every control whole."""
    page, tab = win._pages["Evaluate"], win.tab_widgets["Evaluate"]
    for width, height in SIZES:
        win.resize(width, height)
        qtbot.waitUntil(lambda w=width: page.viewport().width() >= w - 30)
        qtbot.wait(20)  # the layout settles
        needed, room = tab.minimumSizeHint(), page.viewport().size()
        where = f"at {width}x{height}"
        assert needed.width() <= room.width(), f"{where} the tab needs {needed}, has {room}"
        assert needed.height() <= room.height(), f"{where} the tab needs {needed}, has {room}"
        assert page.horizontalScrollBar().maximum() == 0, where
        assert page.verticalScrollBar().maximum() == 0, where
        for control in tab.findChildren(QWidget):
            if not (isinstance(control, CONTROLS) and control.isVisible()):
                continue
            name = getattr(control, "text", lambda: "")() or control.toolTip()[:40]
            shown = control.visibleRegion().boundingRect()
            assert shown == control.rect(), f"{where} {name!r} is cut off"
            if isinstance(control, QAbstractButton):
                assert control.width() >= control.sizeHint().width(), f"{where} {name!r} is squeezed"
        table = tab.anomaly.outlier_table
        header = table.horizontalHeader()
        assert not table.horizontalScrollBar().isVisible(), where
        assert header.length() <= table.viewport().width(), where  # Flagged included
        for col in range(table.columnCount()):  # each header's text whole
            text = table.horizontalHeaderItem(col).text()
            assert header.sectionSize(col) >= header.fontMetrics().horizontalAdvance(text), (where, text)


def show_anomaly_result(tab, mnist_train_small, mnist_test):
    """The active model's anomaly result on screen, as Score active model shows it."""
    ckpt = tab.state.active
    model = ckpt.model.eval()
    result = run_experiment(model, mnist_train_small[0][:100], mnist_test[0][:N],
                            mnist_test[1][:N], (), outlier_count=20)
    panel = tab.anomaly
    panel.detector = Detector(model, ckpt.name, None, (), [], {}, source=ckpt)
    panel._show(result)
    panel._set_status("Scored in 12.3 s.")


@pytest.mark.parametrize("conditional", [False, True], ids=["unconditional", "conditional"])
def test_the_tab_fits_1280x720_without_scrolling_sideways(qtbot, window, monkeypatch, conditional,
                                                          mnist_train_small, mnist_test):
    state = window.state
    state.set_active(state.find_model(conditional=conditional, latent_dim=2))
    tab = window.tab_widgets["Evaluate"]
    # While the test-set pass runs: the status line and its progress bar in the header.
    with monkeypatch.context() as patch:
        patch.setattr(state, "request_test_pass", lambda ckpt: None)
        window.show()
        qtbot.waitExposed(window)
        assert tab.progress.isVisible() and tab.status.text().startswith("Evaluating")
        assert_fits(qtbot, window)
    with qtbot.waitSignal(tab.evaluated, timeout=60_000):
        tab.evaluate()
    assert tab.export_report_button.isEnabled()
    assert_fits(qtbot, window)
    if not conditional:  # the strip is the same for both (a conditional estimate is slower)
        # A log-likelihood estimate under way (its bar and the Stop button), then its figures.
        tab.likelihood.k_combo.setCurrentIndex(0)  # K = 50: quick
        tab.likelihood.start()
        assert tab.likelihood.progress.isVisible()
        assert_fits(qtbot, window)
        qtbot.waitUntil(lambda: tab.likelihood.estimate() is not None, timeout=30_000)
        qtbot.waitUntil(lambda: tab.likelihood.busy_reason() is None)
        assert "inference gap" in tab.likelihood.result.text()
        assert_fits(qtbot, window)
    show_anomaly_result(tab, mnist_train_small, mnist_test)
    assert tab.anomaly.export_button.isEnabled()
    assert_fits(qtbot, window)


def test_a_long_model_name_is_cut_not_scrolled_to(qtbot, window):
    """A name of the person's own may be long: the header cuts it with "…" (whole in the
    tooltip) rather than push Export report as CSV… off the screen."""
    state = window.state
    ckpt = state.find_model(conditional=False, latent_dim=2)
    state.set_active(ckpt)
    tab = window.tab_widgets["Evaluate"]
    with qtbot.waitSignal(tab.evaluated, timeout=60_000):
        window.show()
    # As long as a name may be (80 characters), in Chinese, whose characters are wide where
    # the system has a font for them. Without one (as on a bare CI machine: DejaVu alone) Qt
    # draws each as a narrow box and the name fits, so the name is then in wide capitals.
    title = tab.title
    phrase = "手写数字模型：第一次训练，所有数字，十个周期，晚上的设置，学习率千分之一，批量一百二十八。"
    metrics = title.fontMetrics()
    if metrics.horizontalAdvance(phrase[0]) < metrics.horizontalAdvance("W") * 1.2:
        phrase = "WIDE MNIST MODEL, ALL DIGITS, TEN EPOCHS, EVENING SETTINGS, BATCH 128. "
    long_name = (phrase * 2)[:MAX_NAME]
    state.rename_model(ckpt, long_name)
    assert_fits(qtbot, window)
    assert long_name in title.text() and long_name in title.toolTip()  # whole, for reading
    assert "…" in QLabel.text(title)  # shown cut, in the room it has
    assert title.mapTo(tab, title.rect().topRight()).x() < tab.status.x()
    assert tab.status.width() >= tab.status.sizeHint().width()  # "… evaluated in 0.1 s" whole


def test_a_held_out_run_keeps_the_tab_in_view(qtbot, window):
    """While a held-out model trains (its progress bar and Stop, which moved beside it from a
    sixth column of the boxes) and after it (Add to models, Export result…)."""
    state = window.state
    state.set_active(state.find_model(conditional=False, latent_dim=2))
    tab = window.tab_widgets["Evaluate"]
    with qtbot.waitSignal(tab.evaluated, timeout=60_000):
        window.show()
    panel = tab.anomaly
    panel.epochs_spin.setValue(1)
    panel.train_size_spin.setValue(600)
    with qtbot.waitSignal(panel.result_shown, timeout=60_000):
        panel.start_holdout()
        assert panel.stop_button.isEnabled() and panel.progress.isVisible()
        assert_fits(qtbot, window)
    qtbot.waitUntil(lambda: not panel.training, timeout=10_000)
    assert panel.keep_button.isEnabled() and "AUROC" in panel.summary.text()
    assert_fits(qtbot, window)
    panel.keep_button.click()  # its status names the folder it was saved in: a long line
    assert panel.kept is not None and str(panel.kept.path.parent) in panel.status.text()
    assert_fits(qtbot, window)
