"""The Conditional tab's settings last across restarts, as the Train, Latent space, Evaluate and
Sweep tabs' do: a student left Digit 3, 100 samples and the mixture sampler and came back to 7,
36 and the prior. Values that are not the tab's (a hand-edited or damaged settings file) leave
the defaults."""

from __future__ import annotations

from vae_desktop.core import mixture
from vae_desktop.gui import preferences as qs
from vae_desktop.gui.main_window import MainWindow
from vae_desktop.gui.tabs.conditional.tab import ConditionalTab


def window(qtbot) -> tuple[MainWindow, ConditionalTab]:
    win = MainWindow(tabs=(("Conditional", ConditionalTab),))
    qtbot.addWidget(win)
    # An unconditional model: the mixture sampler is not fitted while the test runs.
    win.state.set_active(win.state.find_model(conditional=False, latent_dim=2))
    return win, win.tab_widgets["Conditional"]


def values(tab: ConditionalTab) -> dict:
    c = tab.controls
    return {"digit": tab.label, "samples": tab.count_spin.value(), "styles": tab.rows_spin.value(),
            "seed": tab.seed_spin.value(), "sampler": c.sampler_choice.kind(),
            "temperature": tab.temperature, "drawing": tab.src_drawing.isChecked(),
            "test_digit": tab.test_index.value(), "label": tab.label_combo.currentData()}


DEFAULTS = {"digit": 7, "samples": 36, "styles": 8, "seed": 1, "sampler": mixture.SAMPLER_PRIOR,
            "temperature": 1.0, "drawing": False, "test_digit": 0, "label": None}


def test_the_settings_come_back_after_a_restart(qtbot):
    first, tab = window(qtbot)
    assert values(tab) == DEFAULTS
    tab.set_label(3)
    tab.count_spin.setValue(100)
    tab.rows_spin.setValue(5)
    tab.seed_spin.setValue(4242)
    tab.temp_slider.setValue(150)
    tab.controls.sampler_choice.set_kind(mixture.SAMPLER_MIXTURE)
    tab.test_index.setValue(123)
    tab.src_drawing.setChecked(True)
    tab.label_combo.setCurrentIndex(1 + 4)  # "It is a 4"
    wanted = values(tab)
    first.close()

    second, again = window(qtbot)
    assert values(again) == wanted == {
        "digit": 3, "samples": 100, "styles": 5, "seed": 4242, "sampler": mixture.SAMPLER_MIXTURE,
        "temperature": 1.5, "drawing": True, "test_digit": 123, "label": 4}


def test_values_that_are_not_the_tabs_leave_the_defaults(qtbot):
    settings = qs.open_settings()
    for key, value in (("digit", "12"), ("samples", "0"), ("styles", "99"), ("seed", "-5"),
                       ("sampler", "weird"), ("temperature", "hot"), ("style_source", "elsewhere"),
                       ("test_digit", "10000"), ("label", "11")):
        settings.setValue(f"conditional/{key}", value)
    settings.sync()
    _, tab = window(qtbot)
    assert values(tab) == DEFAULTS
    settings.setValue("conditional/temperature", "9.5")  # beyond the slider's 2.00
    settings.setValue("conditional/label", "guess")
    tab.restore_settings(settings)
    assert values(tab) == DEFAULTS
