"""The Evaluate tab's gallery of worst reconstructions from the keyboard. Tab reaches it and a
frame marks the current pair; the arrow keys (and Home/End) move it, the line under the gallery
gives its figures, and Enter (or the keypad's, or Space) opens it in the Draw tab as a click
does. The bug: the gallery was a Tab stop but no key did anything there, so its test digits could
be opened with the mouse only."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from small_test_set import evaluated_tab
from typing_support import focus_window

from vae_desktop.gui.tabs.evaluate.report_view import GALLERY_COLUMNS, GALLERY_HINT

N = 300


@pytest.fixture
def tab(qtbot, app_state, mnist_test, monkeypatch):
    tab = evaluated_tab(qtbot, app_state, mnist_test, monkeypatch, N)
    focus_window(qtbot, tab)
    yield tab
    assert tab.shutdown()


def test_tab_into_the_gallery_shows_its_current_pair(tab, qtbot):
    gallery = tab.gallery
    assert gallery.focusPolicy() & Qt.TabFocus
    before = gallery.grab().toImage()
    assert gallery.current == -1
    gallery.setFocus(Qt.TabFocusReason)
    assert QApplication.focusWidget() is gallery
    assert gallery.current == 0
    assert gallery.current_frame.isVisible()
    assert gallery.grab().toImage() != before  # the frame is drawn
    first = tab.gallery_indices[0]
    assert tab.report_view.gallery_info.text().startswith(f"#{first},")
    assert "Enter" in tab.report_view.gallery_info.text()


def test_the_arrow_keys_move_the_current_pair(tab, qtbot):
    gallery = tab.gallery
    gallery.setFocus(Qt.TabFocusReason)
    qtbot.keyClick(gallery, Qt.Key_Right)
    assert gallery.current == 1
    qtbot.keyClick(gallery, Qt.Key_Down)
    assert gallery.current == 1 + GALLERY_COLUMNS
    qtbot.keyClick(gallery, Qt.Key_Left)
    assert gallery.current == GALLERY_COLUMNS
    qtbot.keyClick(gallery, Qt.Key_Up)
    assert gallery.current == 0
    qtbot.keyClick(gallery, Qt.Key_Left)  # the first pair stays current
    assert gallery.current == 0
    qtbot.keyClick(gallery, Qt.Key_End)
    assert gallery.current == gallery.count - 1 == len(tab.gallery_indices) - 1
    qtbot.keyClick(gallery, Qt.Key_Right)  # and the last
    assert gallery.current == gallery.count - 1
    last = tab.gallery_indices[-1]
    assert tab.report_view.gallery_info.text().startswith(f"#{last},")
    qtbot.keyClick(gallery, Qt.Key_Home)
    assert gallery.current == 0


@pytest.mark.parametrize("key, modifiers", [(Qt.Key_Return, Qt.NoModifier),
                                            (Qt.Key_Enter, Qt.KeypadModifier),
                                            (Qt.Key_Space, Qt.NoModifier)],
                         ids=["Enter", "keypad Enter", "Space"])
def test_enter_opens_the_current_pair_in_draw(tab, qtbot, app_state, key, modifiers):
    gallery = tab.gallery
    requested = []
    app_state.tab_requested.connect(requested.append)
    gallery.setFocus(Qt.TabFocusReason)
    qtbot.keyClick(gallery, Qt.Key_Right)
    qtbot.keyClick(gallery, Qt.Key_Down)
    index = gallery.current
    with qtbot.waitSignal(app_state.drawing_changed, timeout=5000) as blocker:
        qtbot.keyClick(gallery, key, modifiers)
    test_index = tab.gallery_indices[index]
    assert blocker.args[0].origin == f"test image #{test_index}"
    expected = app_state.test_images()[test_index, 0].numpy()
    assert np.array_equal(blocker.args[0].image, expected)
    assert requested == ["Draw"]


def test_leaving_the_gallery_hides_the_frame_and_gives_the_hint_back(tab, qtbot):
    gallery = tab.gallery
    gallery.setFocus(Qt.TabFocusReason)
    qtbot.keyClick(gallery, Qt.Key_Right)
    tab.report_view.hist_combo.setFocus(Qt.TabFocusReason)
    assert not gallery.current_frame.isVisible()
    assert tab.report_view.gallery_info.text() == GALLERY_HINT
    gallery.setFocus(Qt.TabFocusReason)  # back where it was
    assert gallery.current == 1


def test_a_digit_picked_in_the_table_keeps_the_current_pair_in_the_gallery(tab, qtbot):
    gallery = tab.gallery
    gallery.setFocus(Qt.TabFocusReason)
    qtbot.keyClick(gallery, Qt.Key_End)
    tab.table.selectRow(1)  # fewer pairs may show: the current one is one of them
    assert 0 <= gallery.current < gallery.count
    # The line under the gallery speaks of the pair now there (the gallery says so itself when
    # it is filled again: the report no longer says it a second time).
    shown = tab.gallery_indices[gallery.current]
    assert tab.report_view.gallery_info.text().startswith(f"#{shown},")
