"""The Latent space tab shows the state's truth: the drawing's posterior, the hover preview, the
latent point with its label blend, the background encoding, and nothing of a previous model."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from latent_tab_support import TEST_IMAGES, decoded, viewport_pos
from PIL import Image
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from vae_desktop.core import data as data_module
from vae_desktop.core import latent
from vae_desktop.core.checkpoint import Checkpoint
from vae_desktop.core.data import load_split
from vae_desktop.gui.state import AppState, one_hot
from vae_desktop.gui.tabs.latent.tab import VIEW_PCA, LatentTab

# The shared fixtures (shared, tab_state, make_tab) live beside the helpers.
pytest_plugins = ["latent_tab_support"]


def test_drawing_posterior_is_marked_and_state_points_are_shown(make_tab, tab_state):
    tab, model = make_tab(latent_dim=2)
    mu, logvar = np.array([0.5, -1.0], np.float32), np.log(np.array([0.04, 0.09], np.float32))
    tab_state.posterior_changed.emit({"mu": mu, "logvar": logvar})
    canvas, button = tab.canvas, tab.point_box.drawing_button
    assert canvas.drawing_mark.isVisible() and button.isEnabled()
    x, y = canvas.drawing_mark.getData()
    assert (x[0], y[0]) == pytest.approx((0.5, -1.0))
    ox, oy = canvas.drawing_outline.getData()
    assert ox.min() == pytest.approx(0.5 - 2 * 0.2, abs=1e-3)   # 2 sigma in z0
    assert oy.max() == pytest.approx(-1.0 + 2 * 0.3, abs=1e-3)  # 2 sigma in z1
    button.click()
    np.testing.assert_array_equal(tab.current_image(), decoded(model, mu))
    np.testing.assert_array_equal(tab_state.latent_point.code, mu)
    tab_state.posterior_changed.emit(None)
    assert not canvas.drawing_mark.isVisible() and not button.isEnabled()
    tab_state.posterior_changed.emit({"mu": np.zeros(16), "logvar": np.zeros(16)})  # another model's
    assert not canvas.drawing_mark.isVisible()

    tab_state.set_latent_point(np.array([-1.5, 0.25], np.float32))
    torch.testing.assert_close(tab.z, torch.tensor([-1.5, 0.25]))
    np.testing.assert_array_equal(tab.current_image(), decoded(model, [-1.5, 0.25]))
    messages = []
    tab_state.status_message.connect(lambda text, _ms: messages.append(text))
    tab_state.set_latent_point(np.zeros(5, np.float32))
    assert messages and "5 dimensions" in messages[0]
    torch.testing.assert_close(tab.z, torch.tensor([-1.5, 0.25]))


def test_the_drawing_marker_goes_when_the_model_changes(make_tab, tab_state):
    """Two 2-D models: the drawing's posterior under one is no place in the other's space."""
    tab, _ = make_tab(conditional=True, latent_dim=2)
    tab_state.posterior_changed.emit({"mu": np.array([0.5, -1.0], np.float32),
                                      "logvar": np.zeros(2, np.float32)})
    assert tab.canvas.drawing_mark.isVisible()
    tab_state.set_active(tab_state.find_model(conditional=False, latent_dim=2))
    assert not tab.canvas.drawing_mark.isVisible() and not tab.point_box.drawing_button.isEnabled()


def test_hovering_a_point_shows_its_test_image(make_tab):
    tab, _ = make_tab(latent_dim=2)
    index = 123
    x, y = tab.canvas._xy[index]
    scene = tab.canvas.vb.mapViewToScene(QPointF(x, y))
    found = tab.canvas.nearest_point(scene)
    # Another mean could sit within the same pixel; then it must be just as close.
    assert found == index or np.allclose(tab.canvas._xy[found], (x, y), atol=0.05)
    tab.canvas._set_hovered(found)
    images, labels = tab.state.test_set()
    assert tab.hovered_index == found
    np.testing.assert_allclose(tab.point_box.hover_view.image(), images[found].numpy() / 255.0, atol=1e-6)
    text = tab.point_box.hover_label.text()
    assert f"#{found}" in text and f"digit {int(labels[found])}" in text
    far = tab.canvas.vb.mapViewToScene(QPointF(1e3, 1e3))
    assert tab.canvas.nearest_point(far) == -1
    # Hiding a digit from the legend hides its points and skips them when hovering.
    digit = int(labels[found])
    tab.canvas._proxies[digit].setVisible(False)
    assert len(tab.canvas.scatter.data) == int((labels != digit).sum())
    again = tab.canvas.nearest_point(scene)
    assert again == -1 or int(labels[again]) != digit


def hover_with_the_mouse(tab, qtbot, index: int) -> int:
    """Move the mouse onto test point `index`; returns the index the tab then shows."""
    x, y = tab.canvas._xy[index]
    QTest.mouseMove(tab.canvas.viewport(), viewport_pos(tab.canvas, float(x), float(y)))
    qtbot.waitUntil(lambda: tab.hovered_index is not None, timeout=2000)
    return tab.hovered_index


def assert_no_hover_preview(tab) -> None:
    assert tab.hovered_index is None
    assert not tab.point_box.hover_view.image().any()
    assert "Hover a point" in tab.point_box.hover_label.text()


def test_the_hover_preview_clears_when_hover_ends_and_when_the_model_changes(make_tab, qtbot, tab_state):
    """Bug: the tab kept showing the last hovered test image after the mouse left the point or
    the plot, and after the active model changed."""
    tab, _ = make_tab(latent_dim=2)
    found = hover_with_the_mouse(tab, qtbot, 123)
    images, _ = tab_state.test_set()
    np.testing.assert_allclose(tab.point_box.hover_view.image(), images[found].numpy() / 255.0, atol=1e-6)
    # The mouse moves off the points (far outside the plotted region): no point is hovered.
    tab.canvas.vb.setRange(xRange=(100.0, 101.0), yRange=(100.0, 101.0), padding=0)
    QTest.mouseMove(tab.canvas.viewport(), viewport_pos(tab.canvas, 100.5, 100.5))
    qtbot.waitUntil(lambda: tab.hovered_index is None, timeout=2000)
    assert_no_hover_preview(tab)
    # The mouse leaves the plot.
    tab.fit_view()
    hover_with_the_mouse(tab, qtbot, 123)
    QApplication.sendEvent(tab.canvas, QEvent(QEvent.Leave))
    assert_no_hover_preview(tab)
    qtbot.wait(60)  # a hover look-up still pending must not bring it back
    assert_no_hover_preview(tab)
    # The model changes.
    hover_with_the_mouse(tab, qtbot, 123)
    tab_state.set_active(tab_state.find_model(conditional=True, latent_dim=2))
    assert_no_hover_preview(tab)


def test_model_change_and_no_model(make_tab, tab_state, qtbot):
    tab, _ = make_tab(latent_dim=2)
    assert len(tab.slider_rows) == 2
    # The manifold follows to a conditional model, decoded under the label picked there.
    tab.plot.grid_spin.setValue(10)
    tab.plot.manifold_box.setChecked(True)
    cvae = tab_state.find_model(conditional=True, latent_dim=2)
    tab_state.set_active(cvae)
    qtbot.waitUntil(lambda: tab.stats is not None, timeout=60000)
    code = latent.square_grid(*tab.canvas.visible_region(), 10).points()[0]
    np.testing.assert_allclose(tab.canvas.manifold.image[:28, :28],
                               decoded(cvae.model, code, tab.label_box.checked_label()), atol=1e-6)
    tab.plot.manifold_box.setChecked(False)
    tab_state.set_active(tab_state.find_model(conditional=False, latent_dim=16))
    qtbot.waitUntil(lambda: tab.stats is not None, timeout=60000)
    assert len(tab.slider_rows) == 16 and tab.view_mode() == VIEW_PCA
    assert tab.canvas._xy.shape == (TEST_IMAGES, 2)
    tab_state.active = None
    tab_state.model_changed.emit(None)
    assert tab.pages.currentWidget() is tab.empty_label


def test_the_test_images_are_encoded_in_the_background(make_tab, tab_state, qtbot):
    """No pass over the test set on the GUI thread: the tab shows the pass's progress, stays
    usable meanwhile, renders when the pass is ready, and ignores a pass of a model that is no
    longer active."""
    tab, _ = make_tab(latent_dim=2)  # its pass is ready
    ready = tab_state.active
    base = tab_state.find_model(conditional=False, latent_dim=16)
    texts = []

    def record(_ckpt, _fraction) -> None:  # after the tab has taken the progress in
        texts.append(tab.progress_text())

    tab_state.test_pass_progress.connect(record)

    def fresh_copy() -> Checkpoint:  # another model object: no pass made yet
        model = type(base.model).from_config(base.config)
        model.load_state_dict(base.model.state_dict())
        return Checkpoint(model.eval(), base.config, name="copy of z16")

    first = tab_state.add_model(fresh_copy())
    assert tab.stats is None and tab_state.test_pass_running(first)
    assert tab.progress_text() == f"Encoding the {TEST_IMAGES:,} test images… 0%"
    # Meanwhile the current point and the random samples work with the new model.
    tab_state.set_latent_point(np.full(16, 0.5, np.float32))
    np.testing.assert_array_equal(tab.current_image(), decoded(first.model, np.full(16, 0.5)))
    np.testing.assert_allclose(tab.samples.view.image()[2:30, 2:30],
                               decoded(first.model, tab.sample_codes()[0]), atol=1e-6)
    qtbot.waitUntil(lambda: tab.stats is not None, timeout=60000)
    # The pass reports its progress between batches: a share strictly between none and all.
    shares = [int(t.rsplit(" ", 1)[1].rstrip("%")) for t in texts if t.startswith("Encoding")]
    assert any(0 < share < 100 for share in shares), texts
    assert tab.progress_text() == ""
    report = tab_state.test_pass(first)
    np.testing.assert_allclose(tab.canvas._xy, tab.stats.pca.project(report.mu).numpy(), atol=1e-5)

    # A model whose pass is still running, then one whose pass is ready.
    second = tab_state.add_model(fresh_copy())
    assert tab.stats is None
    tab_state.set_active(ready)
    shown = tab.stats
    assert shown is not None and tab.progress_text() == ""
    qtbot.waitUntil(lambda: tab_state.test_pass(second) is not None, timeout=60000)
    qtbot.wait(20)
    assert tab.stats is shown and tab.progress_text() == ""
    np.testing.assert_allclose(tab.canvas._xy, tab_state.test_pass(ready).mu.numpy(), atol=1e-6)
    tab_state.test_pass_progress.disconnect(record)
    for ckpt in (first, second):
        tab_state.remove_model(ckpt)


def test_a_frame_of_a_label_blend_is_decoded_under_that_blend(make_tab, tab_state, qtbot):
    """Bug: on mnist-cvae-z16, clicking the t = 0.53 frame of a label-blended 5→6 interpolation
    showed that code decoded under the Latent space tab's own label (a 7), not the blend."""
    from vae_desktop.gui.tabs.interpolate.tab import InterpolateTab

    tab, model = make_tab(conditional=True, latent_dim=16)
    tab.set_label(7)
    interpolate = InterpolateTab(tab_state)
    qtbot.addWidget(interpolate)
    _, labels = tab_state.test_set()
    for picker, digit in ((interpolate.end_a, 5), (interpolate.end_b, 6)):
        picker.set_kind("index")
        picker.index_spin.setValue(int(torch.nonzero(labels == digit)[0]))
    interpolate.steps_spin.setValue(18)  # frame 9 is t = 9/17 = 0.53
    interpolate.refresh_now()
    assert interpolate.blend_radio.isChecked()
    requested = []
    tab_state.tab_requested.connect(requested.append)
    interpolate.select_frame("spherical", 9)
    assert requested == ["Latent space"]
    point = tab_state.latent_point
    code, blend = interpolate.codes["spherical"][9].numpy(), interpolate.labels[9].numpy()
    np.testing.assert_array_equal(point.code, code)
    np.testing.assert_allclose(blend[[5, 6]], [8 / 17, 9 / 17], atol=1e-6)
    assert point.origin == "spherical interpolation 5→6, t = 0.53"
    np.testing.assert_array_equal(tab.current_image(), decoded(model, code, blend))
    assert np.abs(tab.current_image() - decoded(model, code, 7)).mean() > 0.01
    assert tab.label_text() == "label 5→6 blend: 47% 5, 53% 6"
    assert "label 5→6 blend: 47% 5, 53% 6" in tab.label_box.blend_text()
    assert tab.label_box.checked_label() is None
    assert "blend" in tab.point_box.coord_label.text()
    # The manifold and the random samples decode under the blend too.
    np.testing.assert_allclose(tab.samples.view.image()[2:30, 2:30],
                               decoded(model, tab.sample_codes()[0], blend), atol=1e-6)
    # Picking a label decodes the same code as that digit, and it becomes the point's label.
    qtbot.mouseClick(tab.label_box.group.button(3), Qt.LeftButton)
    np.testing.assert_array_equal(tab_state.latent_point.code, code)
    assert tab_state.latent_point.label == 3
    np.testing.assert_array_equal(tab_state.latent_point.label_weights, one_hot(3, 10))
    np.testing.assert_array_equal(tab.current_image(), decoded(model, code, 3))
    assert tab.label_text() == "label 3" and tab.label_box.blend_text() == ""
    assert tab.label_box.checked_label() == 3


def test_export_view_and_digit(make_tab, tmp_path):
    tab, model = make_tab(latent_dim=2)
    tab.pick(0.0, 0.0)
    view = tab.export_view(str(tmp_path / "view.png"))
    digit = tab.export_digit(str(tmp_path / "digit.png"))
    samples = tab.export_samples(str(tmp_path / "samples.png"))
    width, height = Image.open(view).size  # drawn large, under a caption (test_latent_export_view)
    assert width == 1600 and height > 1600 * tab.canvas.height() / tab.canvas.width()
    with Image.open(digit) as img:
        assert img.size == (280, 280)
        small = np.asarray(img.resize((28, 28), Image.NEAREST), dtype=np.float32) / 255.0
    np.testing.assert_allclose(small, decoded(model, [0.0, 0.0]), atol=1 / 255 + 1e-6)
    assert Image.open(samples).size == ((8 * 30 + 2) * 4, (8 * 30 + 2) * 4)


def test_a_one_dimensional_latent_works(qtbot, qapp, monkeypatch):
    from vae_desktop.core.model import VAE

    monkeypatch.setattr(data_module, "load_split", lambda split: load_split(split, size=500))
    torch.manual_seed(0)
    model = VAE(latent_dim=1, hidden=32).eval()
    state = AppState()
    state.add_model(Checkpoint(model, model.config, name="tiny-z1"))
    tab = LatentTab(state)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitExposed(tab)
    qtbot.waitUntil(lambda: tab.stats is not None, timeout=60000)
    assert tab.stats.pca is None and len(tab.slider_rows) == 1
    tab.pick(0.75, 123.0)  # the y coordinate means nothing here
    torch.testing.assert_close(tab.z, torch.tensor([0.75]))
    np.testing.assert_array_equal(tab.current_image(), decoded(model, [0.75]))
    tab.plot.grid_spin.setValue(10)
    tab.plot.manifold_box.setChecked(True)
    grid = latent.square_grid(*tab.canvas.visible_region(), 10)
    assert tab.canvas.manifold.image.shape == (grid.rows * 28, grid.cols * 28)
    assert min(grid.rows, grid.cols) == 10


def cluster_point(tab, digit: int) -> int:
    """The test point of `digit` nearest the middle of that digit's points on the plot."""
    xy, labels = tab.canvas._xy, tab.stats.labels.numpy()
    mine = np.flatnonzero(labels == digit)
    middle = np.median(xy[mine], axis=0)
    return int(mine[np.argmin(((xy[mine] - middle) ** 2).sum(axis=1))])


def test_the_hover_preview_follows_the_mouse_to_where_a_drag_ends(make_tab, qtbot):
    """Bug: after dragging from the 1s to the 0s on mnist-vae-z2, the hover ring and "Test image
    #..., digit 1" stayed where the drag started while the mouse rested on the 0s (drag steps
    skip pyqtgraph's hover handling)."""
    tab, _ = make_tab(latent_dim=2)
    canvas, viewport = tab.canvas, tab.canvas.viewport()
    one, zero = cluster_point(tab, 1), cluster_point(tab, 0)
    start = hover_with_the_mouse(tab, qtbot, one)
    assert int(tab.stats.labels[start]) == 1
    end = viewport_pos(canvas, *(float(v) for v in canvas._xy[zero]))
    QTest.mousePress(viewport, Qt.LeftButton, Qt.NoModifier, viewport_pos(canvas, *canvas._xy[one]))
    for t in np.linspace(0.1, 1.0, 6):
        x, y = (1 - t) * canvas._xy[one] + t * canvas._xy[zero]
        QTest.mouseMove(viewport, viewport_pos(canvas, float(x), float(y)))
    QTest.mouseRelease(viewport, Qt.LeftButton, Qt.NoModifier, end)
    qtbot.waitUntil(lambda: tab.hovered_index != start, timeout=2000)
    hovered = tab.hovered_index
    assert hovered == canvas.nearest_point(canvas.mapToScene(end))
    assert int(tab.stats.labels[hovered]) == 0
    assert f"#{hovered}" in tab.point_box.hover_label.text()
    assert "digit 0" in tab.point_box.hover_label.text()
    ring_x, ring_y = canvas.hover_ring.getData()
    assert (ring_x[0], ring_y[0]) == pytest.approx(tuple(canvas._xy[hovered]))


def test_the_view_chosen_stays_across_model_switches_and_sessions(make_tab, tab_state, qtbot,
                                                                   tmp_path):
    """Bug: the View went back to PCA on every model switch, and neither it nor the Manifold tick
    was kept from one session to the next."""
    from PySide6.QtCore import QSettings

    from vae_desktop.gui.tabs.latent.tab import VIEW_DIMS

    tab, _ = make_tab(latent_dim=16)
    combo = tab.plot.view_combo
    combo.setCurrentIndex(combo.findData(VIEW_DIMS))
    tab_state.set_active(tab_state.find_model(conditional=True, latent_dim=16))
    qtbot.waitUntil(lambda: tab.stats is not None, timeout=60000)
    assert tab.view_mode() == VIEW_DIMS and isinstance(tab.plane, latent.DimsPlane)
    # A 2-D model offers its two dimensions only, in the same words as a larger model does.
    tab_state.set_active(tab_state.find_model(conditional=False, latent_dim=2))
    qtbot.waitUntil(lambda: tab.stats is not None, timeout=60000)
    assert [combo.itemText(i) for i in range(combo.count())] == ["Two latent dimensions"]
    assert not combo.isEnabled() and "two latent dimensions" in combo.toolTip()
    tab_state.set_active(tab_state.find_model(conditional=False, latent_dim=16))
    qtbot.waitUntil(lambda: tab.stats is not None, timeout=60000)
    assert tab.view_mode() == VIEW_DIMS and combo.isEnabled()
    assert combo.currentText() == "Two latent dimensions"

    tab.plot.grid_spin.setValue(12)
    tab.plot.manifold_box.setChecked(True)
    settings = QSettings(str(tmp_path / "latent.ini"), QSettings.IniFormat)
    tab.save_settings(settings)
    settings.sync()
    # The next session: a new tab, given the settings as the window gives them.
    again = LatentTab(tab_state)
    qtbot.addWidget(again)
    again.restore_settings(QSettings(str(tmp_path / "latent.ini"), QSettings.IniFormat))
    again.resize(1100, 700)
    again.show()
    qtbot.waitUntil(lambda: again.stats is not None, timeout=60000)
    assert again.view_mode() == VIEW_DIMS and isinstance(again.plane, latent.DimsPlane)
    assert again.plot.manifold_box.isChecked() and again.plot.grid_spin.value() == 12
    assert again.canvas.manifold.isVisible() and min(again.canvas.manifold.image.shape) == 12 * 28
    # Restored while showing a model: the view changes at once.
    settings.setValue("latent/view", VIEW_PCA)
    settings.setValue("latent/manifold", False)
    again.restore_settings(settings)
    assert again.view_mode() == VIEW_PCA and isinstance(again.plane, latent.PCAPlane)
    assert not again.canvas.manifold.isVisible()
    again.close()


def test_digits_hidden_in_the_legend_come_back_with_another_model(make_tab, tab_state, qtbot):
    """A digit hidden by a click on the legend stays hidden while the same model is shown (and
    its snapshots move), and a new model shows all its digits: the legend's tooltip says so."""
    tab, _ = make_tab(latent_dim=2)
    tab.canvas._proxies[3].setVisible(False)  # what clicking the legend's 3 does
    labels = tab.stats.labels.numpy()
    assert len(tab.canvas.scatter.data) == int((labels != 3).sum())
    tab.refresh()  # the same model shown again (as after leaving a snapshot)
    assert not tab.canvas.shown_digits()[3]
    tab_state.set_active(tab_state.find_model(conditional=True, latent_dim=2))
    qtbot.waitUntil(lambda: tab.stats is not None, timeout=60000)
    assert tab.canvas.shown_digits().all()
    assert len(tab.canvas.scatter.data) == len(tab.stats.labels)
    assert "another model shows them all" in tab.canvas.legend.toolTip()
