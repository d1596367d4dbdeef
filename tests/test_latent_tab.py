"""The Latent space tab on the bundled models: clicks decode exactly, sliders follow KL, the
manifold tiles land where their codes are, conditional labels (and label blends) are decoded,
the state's latent point is what is shown, and the test images are encoded in the background."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from vae_desktop.core import latent
from vae_desktop.core.checkpoint import Checkpoint
from vae_desktop.core.data import load_split
from vae_desktop.core.library import ModelLibrary
from vae_desktop.gui import state as state_module
from vae_desktop.gui.state import AppState, one_hot
from vae_desktop.gui.tabs.latent.tab import VIEW_DIMS, VIEW_PCA, LatentTab

# The tab shows whatever test set the state has; a part of it keeps each model's pass short.
TEST_IMAGES = 2000


@pytest.fixture(scope="module")
def shared(qapp, tmp_path_factory):
    """One AppState and one tab for the module: each model's test-set pass is made once. The
    state's library lives in a folder of its own (module fixtures run before the per-test
    isolation)."""
    folder = tmp_path_factory.mktemp("latent_tab")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(state_module, "load_split", lambda split: load_split(split, size=TEST_IMAGES))
        state = AppState(library=ModelLibrary(index=folder / "library.json", scan=()))
        state.load_library()
        tab = LatentTab(state)
        tab.resize(1100, 700)
        tab.show()
        yield state, tab
        tab.close()
        state.workers.stop_all()
        state.workers.wait_all(30)
        tab.deleteLater()


@pytest.fixture
def tab_state(shared):
    return shared[0]


@pytest.fixture
def make_tab(shared, qtbot):
    state, tab = shared

    def make(conditional: bool = False, latent_dim: int = 2) -> tuple[LatentTab, torch.nn.Module]:
        # Undo what earlier tests changed that a model change does not reset.
        tab.plot.manifold_box.setChecked(False)
        tab.plot.points_box.setChecked(True)
        tab.plot.grid_spin.setValue(20)
        tab.samples.temp_slider.setValue(100)
        for proxy in tab.canvas._proxies:
            proxy.setVisible(True)
        state.posterior_changed.emit(None)
        state.set_latent_point(None)
        ckpt = state.find_model(conditional=conditional, latent_dim=latent_dim)
        assert ckpt is not None, "bundled model missing"
        state.set_active(ckpt)
        qtbot.waitUntil(lambda: tab.stats is not None, timeout=60000)  # the model's test-set pass
        tab.set_label(0)
        qtbot.waitExposed(tab)
        return tab, ckpt.model

    return make


def decoded(model, z, label=None) -> np.ndarray:
    if label is not None and np.ndim(label) == 1:
        label = torch.as_tensor(label, dtype=torch.float32).reshape(1, -1)
    with torch.no_grad():
        return model.decode(torch.as_tensor(z, dtype=torch.float32).reshape(1, -1), label)[0, 0].numpy()


def viewport_pos(canvas, x: float, y: float):
    return canvas.mapFromScene(canvas.vb.mapViewToScene(QPointF(x, y)))


def test_a_real_click_shows_exactly_the_decode_of_the_clicked_point(make_tab, qtbot, tab_state):
    tab, model = make_tab(latent_dim=2)
    canvas = tab.canvas
    pos = viewport_pos(canvas, 0.7, -0.4)
    clicked = canvas.vb.mapSceneToView(canvas.mapToScene(pos))
    with qtbot.waitSignal(tab_state.latent_point_changed, timeout=2000) as blocker:
        qtbot.mouseClick(canvas.viewport(), Qt.LeftButton, pos=pos)
    point = blocker.args[0]
    assert point is tab_state.latent_point and point.origin == "Latent space"
    assert point.label_weights is None  # an unconditional model
    z = point.code
    np.testing.assert_allclose(z, [clicked.x(), clicked.y()], atol=1e-4)
    np.testing.assert_allclose(tab.z.numpy(), z)
    np.testing.assert_array_equal(tab.current_image(), decoded(model, z))
    assert canvas.crosshair() == pytest.approx((float(z[0]), float(z[1])), abs=1e-6)
    # A click on a different spot shows a different digit.
    before = tab.current_image().copy()
    tab.pick(-2.0, 2.0)
    assert np.abs(tab.current_image() - before).mean() > 0.01


def test_dragging_decodes_live_and_only_its_end_becomes_the_latent_point(make_tab, qtbot, tab_state):
    tab, model = make_tab(latent_dim=2)
    points = []
    tab_state.latent_point_changed.connect(points.append)
    for x in np.linspace(-1.5, 1.5, 5):
        tab.pick(float(x), 0.3, final=False)
        np.testing.assert_array_equal(tab.current_image(), decoded(model, [x, 0.3]))
    assert points == [] and tab_state.latent_point is None
    assert tab.canvas.crosshair() == pytest.approx((1.5, 0.3), abs=1e-6)
    # The sliders and coordinates follow shortly after (throttled while dragging).
    by_dim = {row.dim: row for row in tab.slider_rows}
    qtbot.waitUntil(lambda: by_dim[0].value.text() == "+1.50" and by_dim[1].value.text() == "+0.30",
                    timeout=2000)
    assert "+1.500" in tab.point_box.coord_label.text()
    tab.pick(1.5, 0.3, final=True)
    assert len(points) == 1 and points[0].code.tolist() == pytest.approx([1.5, 0.3])
    tab_state.latent_point_changed.disconnect(points.append)


def test_a_real_mouse_drag_follows_every_burst_and_ends_with_one_point(make_tab, qtbot, tab_state):
    """Drag steps skip pyqtgraph's scene dispatch (see LatentCanvas.mouseMoveEvent): check that a
    real drag still decodes where the mouse is, keeps the last of a fast burst of moves, and
    ends with exactly one new latent point at the release point."""
    tab, model = make_tab(latent_dim=2)
    canvas, viewport = tab.canvas, tab.canvas.viewport()
    points = []
    tab_state.latent_point_changed.connect(points.append)
    path = [viewport_pos(canvas, x, 0.5 * x) for x in np.linspace(-1.5, 1.5, 6)]

    def plane(point):
        p = canvas.vb.mapSceneToView(canvas.mapToScene(point))
        return [p.x(), p.y()]

    QTest.mousePress(viewport, Qt.LeftButton, Qt.NoModifier, path[0])
    QTest.mouseMove(viewport, path[1])  # past the drag threshold: pyqtgraph starts the drag
    assert canvas.vb.picking
    np.testing.assert_allclose(tab.z.numpy(), plane(path[1]), atol=1e-4)
    for point in path[2:]:  # faster than pyqtgraph's rate limit: the last one must still land
        QTest.mouseMove(viewport, point)
    qtbot.waitUntil(lambda: np.allclose(tab.z.numpy(), plane(path[-1]), atol=1e-4), timeout=2000)
    np.testing.assert_array_equal(tab.current_image(), decoded(model, tab.z.numpy()))
    assert points == []
    QTest.mouseRelease(viewport, Qt.LeftButton, Qt.NoModifier, path[-1])
    assert len(points) == 1 and not canvas.vb.picking
    np.testing.assert_allclose(points[0].code, plane(path[-1]), atol=1e-4)
    tab_state.latent_point_changed.disconnect(points.append)


def test_pca_view_maps_clicks_through_the_pca_inverse(make_tab):
    tab, model = make_tab(latent_dim=16)
    assert tab.view_mode() == VIEW_PCA
    pca = tab.stats.pca
    tab.pick(1.25, -0.75)
    expected_z = pca.inverse(torch.tensor([[1.25, -0.75]]))[0]
    torch.testing.assert_close(tab.z, expected_z)
    np.testing.assert_array_equal(tab.current_image(), decoded(model, expected_z))
    assert tab.canvas.crosshair() == pytest.approx((1.25, -0.75), abs=1e-5)
    # The scatter is the projection of the test means of the shared test-set pass.
    report = tab.state.test_pass(tab.state.active)
    torch.testing.assert_close(tab.stats.mu, report.mu)
    np.testing.assert_allclose(tab.canvas._xy, pca.project(report.mu).numpy(), atol=1e-5)


def test_two_dims_view_holds_the_other_dimensions_at_the_current_point(make_tab, tab_state):
    tab, model = make_tab(latent_dim=16)
    start = torch.linspace(-1, 1, 16)
    tab_state.set_latent_point(start.numpy())
    tab.plot.view_combo.setCurrentIndex(tab.plot.view_combo.findData(VIEW_DIMS))
    i, j = tab.stats.order[:2]
    assert (tab.plane.i, tab.plane.j) == (i, j)
    tab.pick(2.0, -1.0)
    expected = start.clone()
    expected[i], expected[j] = 2.0, -1.0
    torch.testing.assert_close(tab.z, expected)
    np.testing.assert_array_equal(tab.current_image(), decoded(model, expected))
    # Choosing the y axis's dimension for x swaps the axes instead of repeating one.
    tab.plot.x_combo.setCurrentIndex(tab.plot.x_combo.findData(j))
    assert (tab.plane.i, tab.plane.j) == (j, i)


def test_sliders_follow_kl_and_mark_inactive_dimensions(make_tab):
    tab, model = make_tab(latent_dim=16)
    kl = tab.stats.kl
    dims = [row.dim for row in tab.slider_rows]
    assert sorted(dims) == list(range(16))
    values = [float(kl[d]) for d in dims]
    assert values == sorted(values, reverse=True)
    for row in tab.slider_rows:
        assert row.active == (float(kl[row.dim]) >= latent.INACTIVE_KL)
        assert ("inactive" in row.name.text()) == (not row.active)
    # Active rows come first.
    flags = [row.active for row in tab.slider_rows]
    assert flags == sorted(flags, reverse=True)


def test_slider_marks_inactive_rows_for_a_model_with_unused_dims(make_tab):
    tab, _ = make_tab(latent_dim=16)
    stats = tab.stats
    kl = stats.kl.clone()
    kl[[3, 9]] = torch.tensor([0.004, 0.0])
    order, active = latent.order_dims(kl)
    tab.sliders.build(latent.LatentStats(stats.mu, stats.logvar, stats.labels, kl, order, active,
                                         stats.pca, stats.limits))
    assert [row.dim for row in tab.slider_rows][-2:] == [3, 9]
    assert [row.active for row in tab.slider_rows] == [True] * 14 + [False] * 2
    assert "inactive" in tab.slider_rows[-1].name.text()


def test_moving_a_slider_updates_the_image_crosshair_and_latent_point(make_tab, tab_state):
    tab, model = make_tab(latent_dim=2)
    row = tab.slider_rows[0]
    row.slider.setValue(500)
    expected = torch.zeros(2)
    expected[row.dim] = row.to_value(500)
    torch.testing.assert_close(tab.z, expected)
    np.testing.assert_allclose(tab_state.latent_point.code, expected.numpy())
    np.testing.assert_array_equal(tab.current_image(), decoded(model, expected))
    assert tab.canvas.crosshair() == pytest.approx(tuple(expected.tolist()), abs=1e-6)
    # A click moves the sliders to the clicked point.
    tab.pick(1.0, -2.0)
    by_dim = {r.dim: r for r in tab.slider_rows}
    assert by_dim[0].slider.value() == round(1.0 / by_dim[0].limit * 1000)
    assert by_dim[1].value.text() == "-2.00"


def test_manifold_tiles_cover_the_visible_region(make_tab, qtbot):
    tab, model = make_tab(latent_dim=2)
    tab.plot.grid_spin.setValue(10)
    tab.canvas.vb.setRange(xRange=(-2.0, 3.0), yRange=(-1.0, 1.5), padding=0)
    shortcuts = {s.key().toString(): s for s in tab.findChildren(QShortcut)}
    shortcuts["M"].activated.emit()  # the M key
    assert tab.plot.manifold_box.isChecked()
    item = tab.canvas.manifold
    n = 10
    assert item.isVisible() and item.image.shape == (n * 28, n * 28)
    x_range, y_range = tab.canvas.visible_region()
    rect = item.mapRectToParent(item.boundingRect())
    assert (rect.left(), rect.right()) == pytest.approx(x_range, abs=1e-6)
    assert (rect.top(), rect.bottom()) == pytest.approx(y_range, abs=1e-6)
    codes = latent.manifold_points(x_range, y_range, n)
    for r, c in [(0, 0), (0, n - 1), (n - 1, 0), (4, 6)]:
        tile = item.image[r * 28:(r + 1) * 28, c * 28:(c + 1) * 28]
        np.testing.assert_allclose(tile, decoded(model, codes[r * n + c]), atol=1e-6)
        # The tile is drawn over the cell its code came from (top-left corner of the cell).
        corner = item.mapToParent(QPointF(c * 28, r * 28))
        assert corner.x() == pytest.approx(x_range[0] + c * (x_range[1] - x_range[0]) / n, abs=1e-6)
        assert corner.y() == pytest.approx(y_range[1] - r * (y_range[1] - y_range[0]) / n, abs=1e-6)
    # Panning recomputes it (debounced) for the new region.
    tab.canvas.vb.setRange(xRange=(0.0, 4.0), yRange=(0.0, 4.0), padding=0)
    qtbot.waitUntil(lambda: item.mapRectToParent(item.boundingRect()).left() == pytest.approx(
        tab.canvas.visible_region()[0][0], abs=1e-6), timeout=2000)
    tab.plot.manifold_box.setChecked(False)
    assert not item.isVisible()


def test_conditional_label_is_used_for_every_decode(make_tab, tab_state):
    tab, model = make_tab(conditional=True, latent_dim=2)
    assert tab.label_box.isVisibleTo(tab)
    tab.set_label(7)
    assert tab.label_box.checked_label() == 7 and tab_state.latent_point.label == 7
    tab.pick(0.2, -0.3)
    assert tab_state.latent_point.label == 7  # a click keeps the label
    np.testing.assert_array_equal(tab.current_image(), decoded(model, [0.2, -0.3], 7))
    assert np.abs(tab.current_image() - decoded(model, [0.2, -0.3], 1)).mean() > 0.01
    # Random samples and the manifold decode with the same label.
    codes = tab.sample_codes()
    first = tab.samples.view.image()[2:30, 2:30]
    np.testing.assert_allclose(first, decoded(model, codes[0], 7), atol=1e-6)
    tab.plot.grid_spin.setValue(10)
    tab.plot.manifold_box.setChecked(True)
    x_range, y_range = tab.canvas.visible_region()
    code = latent.manifold_points(x_range, y_range, 10)[0]
    np.testing.assert_allclose(tab.canvas.manifold.image[:28, :28], decoded(model, code, 7), atol=1e-6)
    # The scatter of a conditional model uses means encoded with the true labels.
    images, labels = tab.state.test_set()
    mu, _ = latent.encode_posterior(model, images[:5], labels[:5])
    np.testing.assert_allclose(tab.canvas._xy[:5], mu.numpy(), atol=1e-5)


def test_random_samples_scale_with_temperature(make_tab):
    tab, model = make_tab(latent_dim=16)
    view, slider = tab.samples.view, tab.samples.temp_slider
    assert view.image().shape == (8 * 30 + 2, 8 * 30 + 2)
    slider.setValue(50)
    codes = tab.sample_codes()
    assert codes.shape == (64, 16)
    np.testing.assert_allclose(view.image()[2:30, 32:60], decoded(model, codes[1]), atol=1e-6)
    slider.setValue(0)
    grid = view.image()
    origin = decoded(model, torch.zeros(16))
    for k in (0, 63):
        r, c = divmod(k, 8)
        np.testing.assert_allclose(grid[2 + r * 30:30 + r * 30, 2 + c * 30:30 + c * 30], origin, atol=1e-6)
    slider.setValue(100)
    old = tab.sample_codes().clone()
    tab.new_samples()
    assert not torch.equal(old, tab.sample_codes())


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
    x_range, y_range = tab.canvas.visible_region()
    code = latent.manifold_points(x_range, y_range, 10)[0]
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
    assert f"Encoding the {TEST_IMAGES:,} test images… 20%" in texts
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
    assert Image.open(view).size == (tab.canvas.width(), tab.canvas.height())
    with Image.open(digit) as img:
        assert img.size == (280, 280)
        small = np.asarray(img.resize((28, 28), Image.NEAREST), dtype=np.float32) / 255.0
    np.testing.assert_allclose(small, decoded(model, [0.0, 0.0]), atol=1 / 255 + 1e-6)
    assert Image.open(samples).size == ((8 * 30 + 2) * 4, (8 * 30 + 2) * 4)


def test_a_one_dimensional_latent_works(qtbot, qapp, monkeypatch):
    from vae_desktop.core.model import VAE

    monkeypatch.setattr(state_module, "load_split", lambda split: load_split(split, size=500))
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
    assert tab.canvas.manifold.image.shape == (280, 280)
