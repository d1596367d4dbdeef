"""The Latent space tab on the bundled models: clicks decode exactly, sliders follow KL, the
manifold tiles land where their codes are, conditional labels and cross-tab signals work."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QShortcut
from PySide6.QtTest import QTest

from vae_desktop.core import latent
from vae_desktop.gui.tabs.latent.tab import VIEW_DIMS, VIEW_PCA, LatentTab


@pytest.fixture(scope="module")
def shared(qapp):
    """One AppState and one tab for the module: the tab caches each model's test-set statistics,
    so the 10k-image encoding happens once per model rather than once per test."""
    from vae_desktop.gui.state import AppState

    state = AppState()
    state.load_bundled()
    tab = LatentTab(state)
    tab.resize(1100, 700)
    tab.show()
    yield state, tab
    tab.close()
    tab.deleteLater()


@pytest.fixture
def tab_state(shared):
    return shared[0]


@pytest.fixture
def make_tab(shared, qtbot):
    state, tab = shared

    def make(conditional: bool = False, latent_dim: int = 2) -> tuple[LatentTab, torch.nn.Module]:
        # Undo what earlier tests changed that a model change does not reset.
        tab.manifold_box.setChecked(False)
        tab.points_box.setChecked(True)
        tab.grid_spin.setValue(20)
        tab.temp_slider.setValue(100)
        for proxy in tab.canvas._proxies:
            proxy.setVisible(True)
        state.posterior_changed.emit(None)
        ckpt = state.find_model(conditional=conditional, latent_dim=latent_dim)
        assert ckpt is not None, "bundled model missing"
        state.set_active(ckpt)  # rebuilds the views (statistics come from the tab's cache)
        tab.set_label(0)
        qtbot.waitExposed(tab)
        return tab, ckpt.model

    return make


def decoded(model, z, label=None) -> np.ndarray:
    with torch.no_grad():
        return model.decode(torch.as_tensor(z, dtype=torch.float32).reshape(1, -1), label)[0, 0].numpy()


def viewport_pos(canvas, x: float, y: float):
    return canvas.mapFromScene(canvas.vb.mapViewToScene(QPointF(x, y)))


def test_a_real_click_shows_exactly_the_decode_of_the_clicked_point(make_tab, qtbot, tab_state):
    tab, model = make_tab(latent_dim=2)
    canvas = tab.canvas
    pos = viewport_pos(canvas, 0.7, -0.4)
    clicked = canvas.vb.mapSceneToView(canvas.mapToScene(pos))
    with qtbot.waitSignal(tab_state.latent_clicked, timeout=2000) as blocker:
        qtbot.mouseClick(canvas.viewport(), Qt.LeftButton, pos=pos)
    z = blocker.args[0]
    np.testing.assert_allclose(z, [clicked.x(), clicked.y()], atol=1e-4)
    np.testing.assert_allclose(tab.z.numpy(), z)
    np.testing.assert_array_equal(tab.current_image(), decoded(model, z))
    assert canvas.crosshair() == pytest.approx((float(z[0]), float(z[1])), abs=1e-6)
    # A click on a different spot shows a different digit.
    before = tab.current_image().copy()
    tab.pick(-2.0, 2.0)
    assert np.abs(tab.current_image() - before).mean() > 0.01


def test_dragging_decodes_live_without_announcing_a_click(make_tab, qtbot, tab_state):
    tab, model = make_tab(latent_dim=2)
    clicks = []
    tab_state.latent_clicked.connect(clicks.append)
    for x in np.linspace(-1.5, 1.5, 5):
        tab.pick(float(x), 0.3, final=False)
        np.testing.assert_array_equal(tab.current_image(), decoded(model, [x, 0.3]))
    assert clicks == []
    assert tab.canvas.crosshair() == pytest.approx((1.5, 0.3), abs=1e-6)
    # The sliders and coordinates follow shortly after (throttled while dragging).
    by_dim = {row.dim: row for row in tab.slider_rows}
    qtbot.waitUntil(lambda: by_dim[0].value.text() == "+1.50" and by_dim[1].value.text() == "+0.30",
                    timeout=2000)
    assert "+1.500" in tab.coord_label.text()
    tab_state.latent_clicked.disconnect(clicks.append)


def test_a_real_mouse_drag_follows_every_burst_and_ends_with_one_click(make_tab, qtbot, tab_state):
    """Drag steps skip pyqtgraph's scene dispatch (see LatentCanvas.mouseMoveEvent): check that a
    real drag still decodes where the mouse is, keeps the last of a fast burst of moves, and
    ends with exactly one click at the release point."""
    tab, model = make_tab(latent_dim=2)
    canvas, viewport = tab.canvas, tab.canvas.viewport()
    clicks = []
    tab_state.latent_clicked.connect(clicks.append)
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
    assert clicks == []
    QTest.mouseRelease(viewport, Qt.LeftButton, Qt.NoModifier, path[-1])
    assert len(clicks) == 1 and not canvas.vb.picking
    np.testing.assert_allclose(clicks[0], plane(path[-1]), atol=1e-4)
    tab_state.latent_clicked.disconnect(clicks.append)


def test_pca_view_maps_clicks_through_the_pca_inverse(make_tab):
    tab, model = make_tab(latent_dim=16)
    assert tab.view_mode() == VIEW_PCA
    pca = tab.stats.pca
    tab.pick(1.25, -0.75)
    expected_z = pca.inverse(torch.tensor([[1.25, -0.75]]))[0]
    torch.testing.assert_close(tab.z, expected_z)
    np.testing.assert_array_equal(tab.current_image(), decoded(model, expected_z))
    assert tab.canvas.crosshair() == pytest.approx((1.25, -0.75), abs=1e-5)
    # The scatter is the projection of the test means.
    xy = tab.canvas._xy
    np.testing.assert_allclose(xy, pca.project(tab.stats.mu).numpy(), atol=1e-5)


def test_two_dims_view_holds_the_other_dimensions_at_the_current_point(make_tab):
    tab, model = make_tab(latent_dim=16)
    start = torch.linspace(-1, 1, 16)
    tab.set_latent(start.numpy())
    tab.view_combo.setCurrentIndex(tab.view_combo.findData(VIEW_DIMS))
    i, j = tab.stats.order[:2]
    assert (tab.plane.i, tab.plane.j) == (i, j)
    tab.pick(2.0, -1.0)
    expected = start.clone()
    expected[i], expected[j] = 2.0, -1.0
    torch.testing.assert_close(tab.z, expected)
    np.testing.assert_array_equal(tab.current_image(), decoded(model, expected))
    # Choosing the y axis's dimension for x swaps the axes instead of repeating one.
    tab.x_combo.setCurrentIndex(tab.x_combo.findData(j))
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


def test_slider_marks_inactive_rows_for_a_model_with_unused_dims(make_tab, monkeypatch):
    tab, _ = make_tab(latent_dim=16)
    stats = tab.stats
    kl = stats.kl.clone()
    kl[[3, 9]] = torch.tensor([0.004, 0.0])
    order, active = latent.order_dims(kl)
    tab.stats = latent.LatentStats(stats.mu, stats.logvar, stats.labels, kl, order, active, stats.pca,
                                   stats.limits)
    tab._build_sliders()
    assert [row.dim for row in tab.slider_rows][-2:] == [3, 9]
    assert [row.active for row in tab.slider_rows] == [True] * 14 + [False] * 2
    assert "inactive" in tab.slider_rows[-1].name.text()


def test_moving_a_slider_updates_the_image_and_crosshair(make_tab):
    tab, model = make_tab(latent_dim=2)
    row = tab.slider_rows[0]
    row.slider.setValue(500)
    expected = torch.zeros(2)
    expected[row.dim] = row.to_value(500)
    torch.testing.assert_close(tab.z, expected)
    np.testing.assert_array_equal(tab.current_image(), decoded(model, expected))
    assert tab.canvas.crosshair() == pytest.approx(tuple(expected.tolist()), abs=1e-6)
    # A click moves the sliders to the clicked point.
    tab.pick(1.0, -2.0)
    by_dim = {r.dim: r for r in tab.slider_rows}
    assert by_dim[0].slider.value() == round(1.0 / by_dim[0].limit * 1000)
    assert by_dim[1].value.text() == "-2.00"


def test_manifold_tiles_cover_the_visible_region(make_tab, qtbot):
    tab, model = make_tab(latent_dim=2)
    tab.grid_spin.setValue(10)
    tab.canvas.vb.setRange(xRange=(-2.0, 3.0), yRange=(-1.0, 1.5), padding=0)
    shortcuts = {s.key().toString(): s for s in tab.findChildren(QShortcut)}
    shortcuts["M"].activated.emit()  # the M key
    assert tab.manifold_box.isChecked()
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
    tab.manifold_box.setChecked(False)
    assert not item.isVisible()


def test_conditional_label_is_used_for_every_decode(make_tab):
    tab, model = make_tab(conditional=True, latent_dim=2)
    assert tab.label_box.isVisibleTo(tab)
    tab.set_label(7)
    assert tab.label_group.checkedId() == 7
    tab.pick(0.2, -0.3)
    np.testing.assert_array_equal(tab.current_image(), decoded(model, [0.2, -0.3], 7))
    assert np.abs(tab.current_image() - decoded(model, [0.2, -0.3], 1)).mean() > 0.01
    # Random samples and the manifold decode with the same label.
    codes = tab.sample_codes()
    first = tab.samples_view.image()[2:30, 2:30]
    np.testing.assert_allclose(first, decoded(model, codes[0], 7), atol=1e-6)
    tab.grid_spin.setValue(10)
    tab.manifold_box.setChecked(True)
    x_range, y_range = tab.canvas.visible_region()
    code = latent.manifold_points(x_range, y_range, 10)[0]
    np.testing.assert_allclose(tab.canvas.manifold.image[:28, :28], decoded(model, code, 7), atol=1e-6)
    # The scatter of a conditional model uses means encoded with the true labels.
    images, labels = tab.state.test_set()
    mu, _ = latent.encode_posterior(model, images[:5], labels[:5])
    np.testing.assert_allclose(tab.canvas._xy[:5], mu.numpy(), atol=1e-5)


def test_random_samples_scale_with_temperature(make_tab):
    tab, model = make_tab(latent_dim=16)
    assert tab.samples_view.image().shape == (8 * 30 + 2, 8 * 30 + 2)
    tab.temp_slider.setValue(50)
    codes = tab.sample_codes()
    assert codes.shape == (64, 16)
    np.testing.assert_allclose(tab.samples_view.image()[2:30, 32:60], decoded(model, codes[1]), atol=1e-6)
    tab.temp_slider.setValue(0)
    grid = tab.samples_view.image()
    origin = decoded(model, torch.zeros(16))
    for k in (0, 63):
        r, c = divmod(k, 8)
        np.testing.assert_allclose(grid[2 + r * 30:30 + r * 30, 2 + c * 30:30 + c * 30], origin, atol=1e-6)
    tab.temp_slider.setValue(100)
    old = tab.sample_codes().clone()
    tab.new_samples()
    assert not torch.equal(old, tab.sample_codes())


def test_drawing_posterior_is_marked_and_selected_points_are_shown(make_tab, tab_state):
    tab, model = make_tab(latent_dim=2)
    mu, logvar = np.array([0.5, -1.0], np.float32), np.log(np.array([0.04, 0.09], np.float32))
    tab_state.posterior_changed.emit({"mu": mu, "logvar": logvar})
    canvas = tab.canvas
    assert canvas.drawing_mark.isVisible() and tab.drawing_button.isEnabled()
    x, y = canvas.drawing_mark.getData()
    assert (x[0], y[0]) == pytest.approx((0.5, -1.0))
    ox, oy = canvas.drawing_outline.getData()
    assert ox.min() == pytest.approx(0.5 - 2 * 0.2, abs=1e-3)   # 2 sigma in z0
    assert oy.max() == pytest.approx(-1.0 + 2 * 0.3, abs=1e-3)  # 2 sigma in z1
    tab.drawing_button.click()
    np.testing.assert_array_equal(tab.current_image(), decoded(model, mu))
    tab_state.posterior_changed.emit(None)
    assert not canvas.drawing_mark.isVisible() and not tab.drawing_button.isEnabled()
    tab_state.posterior_changed.emit({"mu": np.zeros(16), "logvar": np.zeros(16)})  # another model's
    assert not canvas.drawing_mark.isVisible()

    tab_state.latent_point_selected.emit(np.array([-1.5, 0.25], np.float32))
    torch.testing.assert_close(tab.z, torch.tensor([-1.5, 0.25]))
    np.testing.assert_array_equal(tab.current_image(), decoded(model, [-1.5, 0.25]))
    messages = []
    tab_state.status_message.connect(lambda text, _ms: messages.append(text))
    tab_state.latent_point_selected.emit(np.zeros(5, np.float32))
    assert messages and "5 dimensions" in messages[0]
    torch.testing.assert_close(tab.z, torch.tensor([-1.5, 0.25]))


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
    np.testing.assert_allclose(tab.hover_view.image(), images[found].numpy() / 255.0, atol=1e-6)
    assert f"#{found}" in tab.hover_label.text() and f"digit {int(labels[found])}" in tab.hover_label.text()
    far = tab.canvas.vb.mapViewToScene(QPointF(1e3, 1e3))
    assert tab.canvas.nearest_point(far) == -1
    # Hiding a digit from the legend hides its points and skips them when hovering.
    digit = int(labels[found])
    tab.canvas._proxies[digit].setVisible(False)
    assert len(tab.canvas.scatter.data) == int((labels != digit).sum())
    again = tab.canvas.nearest_point(scene)
    assert again == -1 or int(labels[again]) != digit


def test_model_change_and_no_model(make_tab, tab_state):
    tab, _ = make_tab(latent_dim=2)
    assert len(tab.slider_rows) == 2
    tab_state.set_active(tab_state.find_model(conditional=False, latent_dim=16))
    assert len(tab.slider_rows) == 16 and tab.view_mode() == VIEW_PCA
    assert tab.canvas._xy.shape == (10000, 2)
    tab_state.active = None
    tab_state.model_changed.emit(None)
    assert tab.pages.currentWidget() is tab.empty_label


def test_export_view_and_digit(make_tab, tmp_path):
    tab, model = make_tab(latent_dim=2)
    tab.pick(0.0, 0.0)
    view = tab.export_view(str(tmp_path / "view.png"))
    digit = tab.export_digit(str(tmp_path / "digit.png"))
    assert Image.open(view).size == (tab.canvas.width(), tab.canvas.height())
    with Image.open(digit) as img:
        assert img.size == (280, 280)
        small = np.asarray(img.resize((28, 28), Image.NEAREST), dtype=np.float32) / 255.0
    np.testing.assert_allclose(small, decoded(model, [0.0, 0.0]), atol=1 / 255 + 1e-6)


def test_a_one_dimensional_latent_works(qtbot, qapp):
    from vae_desktop.core.checkpoint import Checkpoint
    from vae_desktop.core.model import VAE
    from vae_desktop.gui.state import AppState

    torch.manual_seed(0)
    model = VAE(latent_dim=1, hidden=32).eval()
    state = AppState()
    state.add_model(Checkpoint(model, model.config, name="tiny-z1"))
    tab = LatentTab(state)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitExposed(tab)
    assert tab.stats.pca is None and len(tab.slider_rows) == 1
    tab.pick(0.75, 123.0)  # the y coordinate means nothing here
    torch.testing.assert_close(tab.z, torch.tensor([0.75]))
    np.testing.assert_array_equal(tab.current_image(), decoded(model, [0.75]))
    tab.grid_spin.setValue(10)
    tab.manifold_box.setChecked(True)
    assert tab.canvas.manifold.image.shape == (280, 280)
