"""File > Export loss plot as PNG…: the loss plot alone (its legend, axes and curves), at a size fit
for a slide or a report, whatever its size on screen. It used to be a grab of the widget on
screen (522x319 at 1280x720) with the Raw steps / Reconstruction / KL / Log scale row half cut
off along its bottom."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QImage
from train_tab_support import shown_tab

from vae_desktop.core.checkpoint import Checkpoint
from vae_desktop.core.training import new_model

EXPORT_WIDTH = 1600  # pixels: sharp on a slide or a printed page
PLOT_BACKGROUND = (0x20, 0x21, 0x24)
TEST_LOSS_ORANGE = (255, 140, 40)  # the test-loss curve's pen (gui.widgets.loss_plot)


def pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format_RGB888)
    data = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes())
    return data.reshape(image.height(), image.bytesPerLine())[:, :image.width() * 3].reshape(
        image.height(), image.width(), 3)


@pytest.fixture
def tab(qtbot, state):
    model = new_model(1, latent_dim=2, hidden=32)
    history = [{"epoch": e, "test_loss": 200.0 - 10 * e, "train_loss": 205.0 - 10 * e}
               for e in range(1, 11)]
    state.add_model(Checkpoint(model, model.config, history), name="ten epochs")
    return shown_tab(qtbot, state, 1264, 640)


def test_the_exported_plot_is_large_and_holds_only_the_plot(tab, tmp_path):
    on_screen = tab.plot.size()
    path = tab.export_plot_png(tmp_path / "loss.png")
    image = QImage(str(path))
    assert not image.isNull()
    assert image.width() == EXPORT_WIDTH and image.width() > 2 * on_screen.width()
    # The plot's own proportions (the legend row, axes and curves), not the widget's, under a
    # title line that names the model (tests/test_loss_plot_history.py).
    plot = tab.plot.plot_widget
    tall = plot.height() + tab.results.title_band()
    assert image.height() == pytest.approx(EXPORT_WIDTH * tall / plot.width(), abs=2)
    rgb = pixels(image).astype(int)
    # No check box row: the bottom edge is the plot's dark background, as is every corner (the
    # row sat on the window's light grey).
    bottom = rgb[-12:]
    assert np.abs(bottom - PLOT_BACKGROUND).max(axis=-1).mean() < 8
    assert rgb.mean(axis=-1).max(axis=1)[-12:].max() < 90  # not a light pixel along the edge
    # The test-loss curve is drawn.
    orange = np.abs(rgb - TEST_LOSS_ORANGE).max(axis=-1) < 30
    assert orange.sum() > 500


def test_the_menu_names_the_plot_it_exports(qtbot):
    """File > "Export plot as PNG…", chosen on the Evaluate tab, saved the Train tab's loss plot
    without a word: the menu now names it, as "Export loss history as CSV…" does."""
    from vae_desktop.gui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    assert window.export_png_action.text().replace("&", "") == "Export loss plot as PNG…"
    assert "Train tab's loss plot" in window.export_png_action.toolTip()
