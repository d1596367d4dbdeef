"""A model's loss history on the Train tab's plot, shown again after switching models or a
restart. A change of beta made in epoch 1 vanished: its marker sat at x = 0.25, outside the
per-epoch history's x range [0.95, 2.05]. And the legend named what was not drawn: "train loss,
per step" (a saved history has no steps) and "train loss, smoothed" for per-epoch means. With a
beta other than 1 it says that the test loss is measured at beta 1, and the exported PNG names
the model in a title line."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QImage
from train_tab_support import shown_tab

from vae_desktop.core.checkpoint import Checkpoint
from vae_desktop.core.training import StepEvent, TrainConfig, TrainControl, Trainer, new_model

STEPS_PER_EPOCH = 4  # 512 images in batches of 128


@pytest.fixture(scope="module")
def changed_in_epoch_one(mnist_train_small, mnist_test):
    """A model trained 2 epochs on real digits, beta set to 3 after its first batch (in force
    from batch 2: x = 0.25 on the plot)."""
    control = TrainControl()
    model = new_model(3, latent_dim=2, hidden=32)
    trainer = Trainer(model, (mnist_train_small[0][:512], mnist_train_small[1][:512]),
                      (mnist_test[0][:200], mnist_test[1][:200]),
                      TrainConfig(epochs=2, seed=3, device="cpu", precision="fp32"),
                      control=control)
    for event in trainer.events():
        if isinstance(event, StepEvent) and event.epoch == 1 and event.step == 1:
            control.set_beta(3.0)
    model.to("cpu").eval()
    return Checkpoint(model, model.config, trainer.history)


def legend_names(plot) -> list[str]:
    return [label.text for _sample, label in plot.legend.items]


def x_range(plot, qtbot) -> tuple[float, float]:
    qtbot.wait(50)  # the view fits its contents on the next paint
    plot.plot.vb.updateAutoRange()
    return tuple(plot.plot.vb.viewRange()[0])


def test_a_change_in_epoch_one_stays_in_view_after_switching_models(qtbot, state,
                                                                   changed_in_epoch_one):
    changes = changed_in_epoch_one.history[0]["changes"]
    assert [(c["name"], c["value"], c["at_epoch"]) for c in changes] == [("beta", 3.0, 0.25)]
    other = new_model(4, latent_dim=2, hidden=32)
    other = state.add_model(Checkpoint(other, other.config), name="another model")
    state.add_model(changed_in_epoch_one, name="beta 3 from batch 2")
    tab = shown_tab(qtbot, state, 1264, 672)
    state.set_active(other)  # another model, then this one again
    state.set_active(changed_in_epoch_one)
    plot = tab.plot
    assert plot.marked_changes() == [(0.25, "β 3")]
    x0, x1 = x_range(plot, qtbot)
    assert x0 < 0.25 < x1 and x1 >= 2.0, (x0, x1)
    # Only what is drawn is named: per-epoch means, no per-step losses.
    names = legend_names(plot)
    assert "train loss, per step" not in names
    assert not any("smoothed" in name for name in names)
    assert any(name.startswith("train loss") and "per epoch" in name for name in names)
    # Trained at beta 3: the test loss is the negative ELBO at beta 1, and the legend says so.
    assert any(name.startswith("test loss") and "β = 1" in name for name in names), names
    tips = {label.text: label.toolTip() for _sample, label in plot.legend.items}
    assert all(tips.values())  # each name explains itself on hover
    test_tip = next(tip for name, tip in tips.items() if name.startswith("test loss"))
    assert "β = 1" in test_tip


def test_the_exported_png_names_the_model_in_a_title_line(qtbot, state, changed_in_epoch_one,
                                                          tmp_path):
    state.add_model(changed_in_epoch_one, name="beta 3 from batch 2")
    tab = shown_tab(qtbot, state, 1264, 672)
    results = tab.results
    assert results.plot_title() == f"beta 3 from batch 2 ({changed_in_epoch_one.config.describe()})"
    image = QImage(str(tab.export_plot_png(tmp_path / "loss.png")))
    view = tab.plot.plot_widget
    scale = image.width() / view.width()
    band = round(results.title_band() * scale)
    assert band > 20
    assert image.height() == pytest.approx((results.title_band() + view.height()) * scale, abs=2)
    rgb = image.convertToFormat(QImage.Format_RGB888)
    data = np.frombuffer(rgb.constBits(), np.uint8, rgb.sizeInBytes()).reshape(
        rgb.height(), rgb.bytesPerLine())[:, :rgb.width() * 3].reshape(rgb.height(), rgb.width(), 3)
    light = data[:band].astype(int).mean(axis=-1) > 150  # the title's letters
    assert light.sum() > 300
    assert light[:, :light.shape[1] // 3].sum() > light[:, 2 * light.shape[1] // 3:].sum()
