"""At 1280x720 the Train tab's buttons, "Save model as…" included, are in view and readable (the
save button used to sit at the bottom of the scrolling column, cut off)."""

from __future__ import annotations

from vae_desktop.gui.main_window import MainWindow
from vae_desktop.gui.tabs.train.tab import TrainTab


def fully_visible(widget) -> bool:
    """Not clipped by a scroll area or the window, and as wide as its text needs."""
    return (widget.isVisible() and widget.visibleRegion().boundingRect() == widget.rect()
            and widget.width() >= widget.sizeHint().width())


def test_the_buttons_are_in_view_at_1280x720(qtbot, app_state):
    window = MainWindow(state=app_state, tabs=(("Train", TrainTab),))
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    tab = window.train_tab
    # A long report (a NaN failure's advice) makes the progress box taller.
    tab.progress.set_result("The loss became NaN or infinite at epoch 1, step 16; training "
                            "stopped and no epoch completed, so there is no model to keep. Try a "
                            "lower learning rate (now 1). The active model is unchanged.", "")
    qtbot.wait(50)
    for button in (tab.start_button, tab.pause_button, tab.stop_button, tab.save_button):
        assert fully_visible(button), button.text()
    assert tab.save_button.text() == "Save model as…" and tab.save_button.isEnabled()
    assert fully_visible(tab.progress.bar)
    # Its whole height is on screen: the window's bottom edge is below the button.
    bottom = tab.save_button.mapTo(window, tab.save_button.rect().bottomLeft()).y()
    assert bottom < window.statusBar().mapTo(window, window.statusBar().rect().topLeft()).y()
