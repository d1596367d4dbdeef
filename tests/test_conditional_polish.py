"""The Conditional tab as a student met it (audit of 2026-12-05): style transfer's Export PNG…
worked with nothing to export and answered with an internal key ("nothing to export for
'style'"); "Switch to …" always offered the first conditional model of the list, even just
after the student trained one; the darker bar of the label the image was encoded with never
showed when that label was guessed (the best label's gap is 0, a bar of no height); and the
message saying why a box refused a value moved the controls above it."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor

from vae_desktop.core import checkpoint
from vae_desktop.core.paths import models_dir
from vae_desktop.core.training import new_model
from vae_desktop.gui.tabs.conditional.style_transfer import CHOSEN_COLOUR
from vae_desktop.gui.tabs.conditional.tab import ConditionalTab


@pytest.fixture
def tab(app_state, qtbot):
    app_state.set_active(app_state.find_model(conditional=True, latent_dim=2))
    widget = ConditionalTab(app_state)
    qtbot.addWidget(widget)
    widget.resize(1260, 640)
    widget.show()
    qtbot.waitExposed(widget)
    widget.refresh_now()
    return widget


# Export with nothing to export
def test_style_export_is_off_while_there_is_nothing_to_export(tab, app_state, qtbot):
    export = tab.style_panel.export
    assert export.isEnabled()  # test digit #0
    tab.src_drawing.setChecked(True)  # nothing drawn yet
    tab.refresh_now()
    assert not export.isEnabled()
    assert "Draw tab" in export.toolTip() and export.toolTip().endswith(".")
    with pytest.raises(ValueError) as refused:
        tab.export_image("style")
    said = str(refused.value)
    assert "'style'" not in said and said[0].isupper() and said.endswith(".")
    assert "Draw tab" in said
    app_state.set_drawing(app_state.test_images()[3, 0].numpy(), origin="your drawing")
    qtbot.waitUntil(lambda: tab.style is not None, timeout=3000)
    assert export.isEnabled() and "PNG" in export.toolTip()


def test_an_export_refused_says_so_in_a_sentence(tab, app_state, monkeypatch, qtbot):
    import vae_desktop.gui.tabs.conditional.tab as tab_module

    tab.src_drawing.setChecked(True)
    tab.refresh_now()
    monkeypatch.setattr(tab_module, "ask_save_path", lambda *args: "/tmp/never-written.png")
    with qtbot.waitSignal(app_state.status_message) as said:
        tab._export_dialog("style")
    text = said.args[0]
    assert text.startswith("Could not export the style transfer") and "'style'" not in text
    assert text.endswith(".")


# What "Switch to …" offers
def cvae_file(name):
    model = new_model(1, latent_dim=3, hidden=16, num_classes=10)
    return checkpoint.load(checkpoint.save(models_dir() / f"{name}.pt", model,
                                           [{"epoch": 1, "test_loss": 160.0}]))


def test_switch_offers_the_conditional_model_trained_last(app_state, qtbot):
    plain = app_state.find_model(conditional=False)
    app_state.set_active(plain)
    tab = ConditionalTab(app_state)
    qtbot.addWidget(tab)
    first = app_state.find_model(conditional=True)
    assert tab.switch_button.text() == f"Switch to {first.name}"
    mine = app_state.add_model(cvae_file("mine"), origin="trained", activate=False)
    assert mine is not first and tab.switch_button.text() == f"Switch to {mine.name}"
    tab.switch_to_conditional()
    assert app_state.active is mine


def test_switch_offers_the_conditional_model_used_last(app_state, qtbot):
    z2 = app_state.find_model(conditional=True, latent_dim=2)
    app_state.set_active(z2)
    tab = ConditionalTab(app_state)
    qtbot.addWidget(tab)
    app_state.set_active(app_state.find_model(conditional=False))
    assert app_state.find_model(conditional=True) is not z2  # the list's first is z16
    assert tab.switch_button.text() == f"Switch to {z2.name}"


def test_switch_after_a_restart_offers_the_model_listed_last(app_state, qtbot):
    older = app_state.add_model(cvae_file("older"), origin="trained", activate=False)
    newer = app_state.add_model(cvae_file("newer"), origin="opened", activate=False)
    app_state.set_active(app_state.find_model(conditional=False))
    tab = ConditionalTab(app_state)  # made after both were listed, as at a start
    qtbot.addWidget(tab)
    assert older is not newer and tab.switch_button.text() == f"Switch to {newer.name}"


# The label the image was encoded with
def chosen_pixels(tab) -> int:
    image = tab.style_panel.probs_plot.grab().toImage()
    colour = QColor(CHOSEN_COLOUR).rgb()
    return sum(image.pixel(x, y) == colour
               for x in range(image.width()) for y in range(image.height()))


def test_the_encoded_label_is_marked_even_when_guessed(tab, qtbot):
    tab.test_index.setValue(0)  # a 7, read as a 7: its gap is 0
    tab.refresh_now()
    qtbot.wait(10)
    assert tab.style.guessed and tab.style.label == 7
    assert tab.style_panel.gap_bars.heights[7] == 0
    assert chosen_pixels(tab) > 10
    assert tab.style_panel.chosen_label() == 7
    tab.label_combo.setCurrentIndex(1 + 2)  # "It is a 2": a bar of its own, marked too
    tab.refresh_now()
    qtbot.wait(10)
    assert tab.style_panel.gap_bars.heights[2] > 0 and tab.style_panel.chosen_label() == 2
    tab.src_drawing.setChecked(True)  # nothing drawn: nothing marked
    tab.refresh_now()
    qtbot.wait(10)
    assert tab.style_panel.chosen_label() is None and chosen_pixels(tab) == 0


# The refusal message
def test_a_refusal_moves_no_control(app_state, qtbot):
    app_state.set_active(app_state.find_model(conditional=True, latent_dim=2))
    tab = ConditionalTab(app_state)
    qtbot.addWidget(tab)
    tab.resize(1264, 587)  # the tab's room in a 1264x672 window
    tab.show()
    qtbot.waitExposed(tab)
    controls = tab.controls
    # While the mixture is fitted its progress shows under the sampler: the column is full.
    controls.sampler_choice.show_status("Fitting the mixture of digit 7… 30%", 0.3)
    qtbot.wait(10)
    watched = (tab.digit_group.button(0), tab.count_spin, tab.new_button, tab.src_test,
               tab.label_combo, tab.model_label)

    def places():
        return [w.mapTo(tab, w.rect().topLeft()) for w in watched] + [w.height() for w in watched]

    before = places()
    controls.show_refusal("Test digit # must be from 0 to 9,999: 99999 was not taken "
                          "(it stays 0).")
    qtbot.wait(10)
    assert controls.message_label.isVisible()
    assert places() == before
    controls.show_refusal("")
    qtbot.wait(10)
    assert places() == before and not controls.message_label.isVisible()



def test_the_footer_names_another_dataset(app_state, qtbot):
    model = new_model(1, latent_dim=2, hidden=16, num_classes=10)
    path = checkpoint.save(models_dir() / "fashion.pt", model, [{"epoch": 1, "test_loss": 240.0}],
                           None, {"train_size": 3000, "dataset": "fashion-mnist"})
    fashion = app_state.add_model(checkpoint.load(path), origin="opened")
    tab = ConditionalTab(app_state)
    qtbot.addWidget(tab)
    assert "trained on Fashion-MNIST" in tab.model_label.text()
    assert "trained on Fashion-MNIST" in tab.model_label.toolTip()
    app_state.set_active(app_state.find_model(conditional=True, latent_dim=2))
    assert "trained on" not in tab.model_label.text() and fashion.name == "fashion"
