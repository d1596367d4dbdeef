"""The Latent space tab on the bundled models: clicks and drags decode exactly, sliders follow KL,
the manifold tiles land where their codes are and conditional labels are decoded."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from latent_tab_support import decoded, viewport_pos
from PySide6.QtCore import QPointF, QRect, Qt
from PySide6.QtGui import QShortcut
from PySide6.QtTest import QTest

from vae_desktop.core import latent
from vae_desktop.gui.tabs.latent.tab import VIEW_DIMS, VIEW_PCA

# The shared fixtures (shared, tab_state, make_tab) live beside the helpers.
pytest_plugins = ["latent_tab_support"]


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
    assert points == []  # the state's point is still the model's origin
    assert not tab_state.latent_point.code.any()
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


def shown_number(label) -> float:
    """The number a label shows ("<0.001" reads as 0.0005: below a thousandth)."""
    text = label.text().strip()
    return 0.0005 if text == "<0.001" else float(text)


def test_sliders_follow_kl_and_mark_inactive_dimensions(make_tab):
    tab, model = make_tab(latent_dim=16)
    kl = tab.stats.kl
    dims = [row.dim for row in tab.slider_rows]
    assert sorted(dims) == list(range(16))
    values = [float(kl[d]) for d in dims]
    assert values == sorted(values, reverse=True)
    for row in tab.slider_rows:
        activity = float(tab.stats.activity[row.dim])
        assert row.active == (activity > latent.ACTIVE_COV)
        assert (row.state_label.text() == "inactive") == (not row.active)
        # The spread shown is the spread, and on the same side of the threshold.
        assert shown_number(row.activity_label) == pytest.approx(activity, rel=0.05, abs=1e-3)
        assert (shown_number(row.activity_label) > latent.ACTIVE_COV) == row.active
    # Active rows come first.
    flags = [row.active for row in tab.slider_rows]
    assert flags == sorted(flags, reverse=True)


def test_active_and_inactive_rows_never_show_the_same_numbers(make_tab, qtbot):
    """Bug: z2 (spread 0.012, active) and z0 (0.0074, inactive) both read "0.01 nats Cov 0.01";
    the criterion was written "Cov_x(E[z|x]) > 0.01", and "z8 inactive" stood out of line."""
    tab, _ = make_tab(latent_dim=16)
    stats = tab.stats
    kl, activity = stats.kl.clone(), stats.activity.clone()
    kl[[3, 9, 5, 11]] = torch.tensor([0.0104, 0.0, 0.0096, 0.0000004])
    activity[[3, 9, 5, 11]] = torch.tensor([0.012, 0.0, 0.0074, 0.0100004])
    order, active = latent.order_dims(kl, activity)
    tab.sliders.build(latent.LatentStats(stats.mu, stats.logvar, stats.labels, kl, order, active,
                                         stats.pca, stats.limits, activity))
    rows = {row.dim: row for row in tab.slider_rows}
    assert [row.active for row in tab.slider_rows] == [True] * 14 + [False] * 2
    assert rows[3].activity_label.text() == "0.012" and rows[3].active
    assert rows[5].activity_label.text() == "0.0074" and not rows[5].active
    assert rows[11].activity_label.text() == "0.0100004" and rows[11].active  # just above
    assert rows[9].activity_label.text() == "<0.001"
    assert rows[3].kl_label.text() == "0.010" and rows[5].kl_label.text() == "0.0096"
    assert rows[11].kl_label.text() == "<0.001"
    assert "14 of 16 dimensions active" in tab.sliders.note.text()
    # The criterion in plain words, on each row and on the column's header.
    for row in (rows[5], rows[3]):
        tip = row.slider.toolTip()
        assert "above 0.01" in tip and "Cov_x" not in tip
    assert "nearly the same code" in rows[5].slider.toolTip()
    assert "above 0.01" in tab.sliders.spread_header.toolTip()
    # Every row's name, mark, numbers and slider start where the other rows' do.
    tab.sliders.scroll.ensureWidgetVisible(rows[5].slider)
    qtbot.wait(10)
    for column in range(len(rows[3].widgets())):
        lefts = {row.widgets()[column].geometry().left() for row in tab.slider_rows}
        rights = {row.widgets()[column].geometry().right() for row in tab.slider_rows}
        assert len(lefts) == 1 and len(rights) == 1, column
    assert rows[5].state_label.isVisibleTo(tab) and rows[5].state_label.text() == "inactive"


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
    x_range, y_range = tab.canvas.visible_region()
    grid = latent.square_grid(x_range, y_range, 10)
    rows, cols = grid.rows, grid.cols
    assert min(rows, cols) == 10  # N across the shorter side (equal scale: square tiles)
    assert item.isVisible() and item.image.shape == (rows * 28, cols * 28)
    rect = item.mapRectToParent(item.boundingRect())
    assert (rect.left(), rect.right()) == pytest.approx(grid.x_range, abs=1e-6)
    assert (rect.top(), rect.bottom()) == pytest.approx(grid.y_range, abs=1e-6)
    assert rect.left() <= x_range[0] and rect.right() >= x_range[1]
    assert rect.top() <= y_range[0] and rect.bottom() >= y_range[1]
    codes = grid.points()
    cell = (grid.x_range[1] - grid.x_range[0]) / cols
    for r, c in [(0, 0), (0, cols - 1), (rows - 1, 0), (4, 6)]:
        tile = item.image[r * 28:(r + 1) * 28, c * 28:(c + 1) * 28]
        np.testing.assert_allclose(tile, decoded(model, codes[r * cols + c]), atol=1e-6)
        # The tile is drawn over the cell its code came from (top-left corner of the cell).
        corner = item.mapToParent(QPointF(c * 28, r * 28))
        assert corner.x() == pytest.approx(grid.x_range[0] + c * cell, abs=1e-6)
        assert corner.y() == pytest.approx(grid.y_range[1] - r * cell, abs=1e-6)
    # Panning recomputes it (debounced) for the new region.
    tab.canvas.vb.setRange(xRange=(0.0, 4.0), yRange=(0.0, 4.0), padding=0)

    def follows() -> bool:
        shown = item.mapRectToParent(item.boundingRect())
        region = latent.square_grid(*tab.canvas.visible_region(), 10)
        return shown.left() == pytest.approx(region.x_range[0], abs=1e-6)

    qtbot.waitUntil(follows, timeout=2000)
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
    code = latent.square_grid(*tab.canvas.visible_region(), 10).points()[0]
    # A grid's batch and a batch of one round differently (1.1e-6 apart at some view sizes);
    # another label is 0.01 and more away.
    np.testing.assert_allclose(tab.canvas.manifold.image[:28, :28], decoded(model, code, 7), atol=1e-5)
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


def wheel(qtbot, widget, steps: int) -> None:
    """`steps` notches of the mouse wheel over the middle of `widget` (negative: towards you),
    as the window system sends them (an event Qt passes on to the parents if ignored)."""
    from PySide6.QtCore import QPoint

    window = widget.window()
    QTest.wheelEvent(window.windowHandle(), widget.mapTo(window, widget.rect().center()),
                     QPoint(0, 120 * steps))
    qtbot.wait(10)


def test_the_wheel_over_the_sliders_scrolls_the_list_and_moves_only_a_focused_slider(make_tab,
                                                                                    qtbot):
    """Bug: scrolling a long list of sliders with the wheel moved whichever slider passed under
    the mouse (z17 went to +0.04 on a 50-slider list)."""
    from typing_support import focus_window

    tab, _ = make_tab(latent_dim=50)
    tab.side.pages.setCurrentWidget(tab.sliders)
    bar = tab.sliders.scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=2000)  # more rows than fit
    bar.setValue(0)
    row = tab.slider_rows[2]
    before = row.slider.value()
    wheel(qtbot, row.slider, -2)
    assert row.slider.value() == before and tab.slider_rows[2].value.text() == "+0.00"
    assert bar.value() > 0  # the list scrolled instead
    # A slider in focus (clicked, or reached with Tab) takes the wheel, as its keys do.
    assert row.slider.focusPolicy() == Qt.StrongFocus
    focus_window(qtbot, tab)
    tab.sliders.scroll.ensureWidgetVisible(row.slider)  # under the mouse again
    row.slider.setFocus()
    qtbot.waitUntil(row.slider.hasFocus, timeout=2000)
    scrolled = bar.value()
    wheel(qtbot, row.slider, 1)
    assert row.slider.value() > before and bar.value() == scrolled


# The tab's page in the main window (menu, toolbar, tab bar and status bar taken off): at
# 1264x672, a maximised window's client area under a window manager on a 1280x720 screen, and
# at 1920x1080.
SMALL_PAGE, LARGE_PAGE = (1264, 575), (1920, 983)


def boxes_in(tab, widgets) -> dict:
    """Each widget shown: its rectangle in the tab's coordinates."""
    from PySide6.QtCore import QRect

    return {name: QRect(w.mapTo(tab, w.rect().topLeft()), w.size())
            for name, w in widgets.items() if w.isVisibleTo(tab)}


def assert_fits_without_overlap(tab, size) -> None:
    for _ in range(4):  # again once the tab has laid itself out for the size, as the page does
        tab.resize(*size)
        QTest.qWait(10)
        if (tab.width(), tab.height()) == size:
            break
    assert (tab.width(), tab.height()) == size
    hint = tab.minimumSizeHint()
    assert hint.width() <= size[0] and hint.height() <= size[1], (hint, size)
    box, plot = tab.point_box, tab.plot
    side = {"digit": box.digit_view, "coordinates": box.coord_label, "hovered": box.hover_view,
            "hover caption": box.hover_label, "decode as": tab.label_box,
            "go to drawing": box.drawing_button, "pages": tab.side.pages}
    rects = boxes_in(tab, side)
    names = list(rects)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not rects[a].intersects(rects[b]), (a, rects[a], b, rects[b])
    # Every control of the plot column and the side column within the tab, none cut off.
    rects.update(boxes_in(tab, {"manifold": plot.manifold_box, "N": plot.grid_spin,
                                "points": plot.points_box, "hint": plot.hint_label,
                                "canvas": tab.canvas}))
    for name, rect in rects.items():
        assert tab.rect().contains(rect), (name, rect, tab.size())
    for label in (box.coord_label, box.hover_label):  # every line of the captions shown
        assert label.height() >= label.heightForWidth(label.width()), label.text()


def test_the_tab_fits_a_1280x720_screen_without_overlap(make_tab, tab_state):
    """Bug: at 1264x672, a conditional model's Decode as row pushed the Manifold row and the
    hint below the window's edge, and a five-line caption ("decoded under a label 2→6 blend:
    44% 2, 56% 6") ran the hovered test image over "Hover a point to see its test image"."""
    tab, _ = make_tab(conditional=True, latent_dim=2)
    tab_state.set_latent_point(np.array([0.5, -0.5], np.float32),
                               np.array([0, 0, 0.44, 0, 0, 0, 0.56, 0, 0, 0], np.float32))
    assert "blend" in tab.label_box.blend_text()
    for hovered in (None, 1863):  # a four-digit index, as "#8633" is
        tab._show_hovered(hovered)
        assert_fits_without_overlap(tab, SMALL_PAGE)
    tab, _ = make_tab(latent_dim=16)
    tab._show_hovered(8)
    assert_fits_without_overlap(tab, SMALL_PAGE)
    tab.resize(1100, 700)


def test_a_1920x1080_window_gives_the_decoded_digit_more_room(make_tab):
    """At 1920x1080 the side column stayed 440 px wide: the decoded digit sat small (196 px) over
    a mostly empty column."""
    tab, _ = make_tab(conditional=True, latent_dim=2)
    tab._show_hovered(8)
    assert_fits_without_overlap(tab, LARGE_PAGE)
    small_side, small_digit = 440, 196
    assert tab.side.width() >= 1.2 * small_side
    assert tab.point_box.digit_view.width() >= 1.4 * small_digit
    assert tab.point_box.digit_view.width() % 28 == 0  # whole screen pixels per digit pixel
    assert tab.canvas.width() >= 1200  # and the plot keeps the most of it
    tab.resize(1100, 700)


def test_a_snapshot_shown_in_a_large_window_still_fits_it_once_made_small(make_tab, tab_state):
    """The side column is sized for the window while the snapshot page hides it: the tab made
    for 1920x1080 kept that column's minimum size at 1264x672, under scroll bars that cut off
    'Back to the active model'."""
    from vae_desktop.core.snapshots import LatentTimeline

    tab, model = make_tab(latent_dim=2)
    tab.resize(*LARGE_PAGE)
    QTest.qWait(10)
    images, labels = tab_state.test_set()
    timeline = LatentTimeline(images, labels, 2, size=300)
    tab_state.set_latent_snapshot(timeline.take(model, 1, 10, 0.5))
    assert tab.pages.currentWidget() is tab.snapshot_page
    try:
        for _ in range(4):
            tab.resize(*SMALL_PAGE)
            QTest.qWait(10)
            if (tab.width(), tab.height()) == SMALL_PAGE:
                break
        hint = tab.minimumSizeHint()
        assert hint.width() <= SMALL_PAGE[0] and hint.height() <= SMALL_PAGE[1], hint
        assert (tab.width(), tab.height()) == SMALL_PAGE
        button = tab.snapshot_page.back_button
        assert tab.rect().contains(QRect(button.mapTo(tab, button.rect().topLeft()), button.size()))
    finally:
        tab_state.set_latent_snapshot(None)
        tab.resize(1100, 700)
