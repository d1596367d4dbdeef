"""Evaluate tab: its options come back next session (K, the held-out digit, Epochs, Images,
Score, Threshold, the histogram's score and where the splitter is), and a settings file edited
by hand with nonsense in it gives the defaults, never a broken tab.

The bug: all of them came back to their defaults at every start."""

from __future__ import annotations

from PySide6.QtCore import QByteArray

from vae_desktop.gui import preferences as qs
from vae_desktop.gui.tabs.evaluate.likelihood_panel import DEFAULT_K
from vae_desktop.gui.tabs.evaluate.tab import EvaluateTab

CHOSEN = {"k": 5000, "digit": 7, "epochs": 3, "train_size": 3000, "score": "recon",
          "percentile": 97.5, "histogram": "ssim"}
DEFAULTS = {"k": DEFAULT_K, "digit": 2, "epochs": 10, "train_size": 0, "score": "elbo",
            "percentile": 95.0, "histogram": "loss"}


def options(tab: EvaluateTab) -> dict:
    a = tab.anomaly
    return {"k": tab.likelihood.k, "digit": a.digit_combo.currentData(),
            "epochs": a.epochs_spin.value(), "train_size": a.train_size_spin.value(),
            "score": a.score, "percentile": a.percentile_spin.value(),
            "histogram": tab.report_view.hist_combo.currentData()}


def choose(tab: EvaluateTab, values: dict) -> None:
    a = tab.anomaly
    tab.likelihood.k_combo.setCurrentIndex(tab.likelihood.k_combo.findData(values["k"]))
    a.digit_combo.setCurrentIndex(a.digit_combo.findData(values["digit"]))
    a.epochs_spin.setValue(values["epochs"])
    a.train_size_spin.setValue(values["train_size"])
    a.score_combo.setCurrentIndex(a.score_combo.findData(values["score"]))
    a.percentile_spin.setValue(values["percentile"])
    combo = tab.report_view.hist_combo
    combo.setCurrentIndex(combo.findData(values["histogram"]))


def shown_tab(qtbot, state) -> EvaluateTab:
    tab = EvaluateTab(state)
    qtbot.addWidget(tab)
    tab.resize(1904, 935)  # the tab's room at 1920x1080: the splitter has play there
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def test_the_options_come_back_next_session(qtbot, state):
    first = shown_tab(qtbot, state)
    assert options(first) == DEFAULTS
    choose(first, CHOSEN)
    assert options(first) == CHOSEN
    first.splitter.setSizes([1100, 780])
    left = first.splitter.sizes()[0]
    assert abs(left - 1100) <= 2
    settings = qs.open_settings()
    first.save_settings(settings)  # as the main window does on closing
    settings.sync()

    # The next session: a new tab reads them back.
    second = shown_tab(qtbot, state)
    second.restore_settings(qs.open_settings())
    assert options(second) == CHOSEN
    assert abs(second.splitter.sizes()[0] - left) <= 2


def test_nonsense_in_the_settings_file_gives_the_defaults(qtbot, state):
    settings = qs.open_settings()
    for key, value in {"k": "many", "holdout_digit": "11", "epochs": "-5",
                       "train_size": "1e99", "score": "bogus", "threshold": "nan",
                       "histogram": "<b>", "splitter": "garbage"}.items():
        settings.setValue(f"evaluate/{key}", value)
    settings.sync()
    tab = shown_tab(qtbot, state)
    tab.restore_settings(qs.open_settings())  # no exception
    assert options(tab) == DEFAULTS
    sizes = tab.splitter.sizes()
    assert min(sizes) > 300  # both halves shown, as by default

    # Values of the right type but out of range, or between the choices: the defaults too.
    for key, value in {"k": 7, "holdout_digit": -1, "epochs": 100_000, "train_size": -3,
                       "threshold": 20.0, "splitter": QByteArray(b"\x00\xff" * 8)}.items():
        settings.setValue(f"evaluate/{key}", value)
    settings.sync()
    tab.restore_settings(qs.open_settings())
    assert options(tab) == DEFAULTS
    assert tab.splitter.sizes() == sizes


def test_the_main_window_keeps_them_from_one_session_to_the_next(qtbot, state):
    """The window saves every tab's options on closing, and gives them back to the Evaluate tab
    it builds next time."""
    from vae_desktop.gui.main_window import MainWindow

    first = MainWindow(state=state, load_library=False, tabs=[("Evaluate", EvaluateTab)])
    qtbot.addWidget(first)
    choose(first.tab_widgets["Evaluate"], CHOSEN)
    first.save_settings()  # what closing does
    second = MainWindow(state=state, load_library=False, tabs=[("Evaluate", EvaluateTab)])
    qtbot.addWidget(second)
    assert options(second.tab_widgets["Evaluate"]) == CHOSEN
