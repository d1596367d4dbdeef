"""The loss plot's readout of the values under the mouse never widens the Train tab: at 1280x720
(the tab's 1264 px) its long line beside the check boxes ("epoch 17.15 · train 131.3 · recon
126.7 · KL 4.6 · test 131.9 (epoch 17) nats/image") made the page wider than the window, pushed
"Latent space, live" off screen behind a horizontal scroll bar, and stayed after the mouse had
left the plot. It is now written inside the plot, away from the cursor, and goes when the mouse
leaves."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from train_tab_support import shown_tab

WIDTH, HEIGHT = 1264, 672  # the tab's room in a 1280x720 window


def hover(qtbot, plot, fraction: float) -> None:
    """Move the mouse over the plot's data area, `fraction` of the way across."""
    view = plot.plot_widget
    area = view.mapFromScene(plot.plot.vb.sceneBoundingRect()).boundingRect()
    at = QPoint(int(area.left() + fraction * area.width()), area.center().y())
    qtbot.mouseMove(view.viewport(), at)
    qtbot.waitUntil(lambda: plot.cursor.isVisible(), timeout=2000)
    qtbot.wait(20)


def test_the_readout_never_widens_the_tab_and_clears_when_the_mouse_leaves(qtbot, app_state):
    tab = shown_tab(qtbot, app_state, WIDTH, HEIGHT)
    assert len(app_state.active.history) >= 20  # a long history: a long readout
    plot = tab.plot
    smallest = tab.minimumSizeHint().width()
    assert smallest <= WIDTH
    live_right = tab.results.live_view.mapTo(tab, tab.results.live_view.rect().topRight()).x()
    hover(qtbot, plot, 0.55)
    qtbot.wait(20)
    assert tab.minimumSizeHint().width() == smallest
    assert tab.results.live_view.mapTo(tab, tab.results.live_view.rect().topRight()).x() \
        == live_right
    said = plot.readout_text()
    assert said.startswith("epoch ") and "test " in said and said.endswith("nats/image")
    # Written inside the data area, whole (wrapped if need be), away from the cursor's side.
    area = plot.plot.vb.sceneBoundingRect()
    box = plot.readout.sceneBoundingRect()
    assert area.contains(box), (area, box)
    assert box.right() < area.center().x()  # the cursor is at 55%: the readout on the left
    hover(qtbot, plot, 0.2)
    assert plot.readout.sceneBoundingRect().left() > area.center().x()
    # The mouse leaves the plot: the readout and the cursor line go.
    qtbot.mouseMove(tab.form, QPoint(20, 20))
    qtbot.waitUntil(lambda: not plot.cursor.isVisible(), timeout=2000)
    assert plot.readout_text() == "" and not plot.readout.isVisible()
    assert not plot.cursor.isVisible()
    # Back over the plot, then over the axes outside the data area: cleared as well.
    hover(qtbot, plot, 0.3)
    assert plot.readout_text().startswith("epoch ")
    view = plot.plot_widget
    qtbot.mouseMove(view.viewport(), QPoint(2, 2))
    qtbot.waitUntil(lambda: not plot.cursor.isVisible(), timeout=2000)
    assert plot.readout_text() == ""
