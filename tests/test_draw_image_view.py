"""DrawImageView, the Draw tab's three 28x28 views: the pixels it paints, and no repaint when a
new image would put the same pixels on screen (the tab sets all three on every stroke)."""

from __future__ import annotations

import numpy as np
import pytest

from vae_desktop.gui.widgets.draw_image_view import DrawImageView


class CountingView(DrawImageView):
    paints = 0

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.paints += 1
        super().paintEvent(event)


def shown(qtbot, **kwargs) -> CountingView:
    view = CountingView(**kwargs)
    qtbot.addWidget(view)
    view.resize(280, 200)
    view.show()
    qtbot.waitExposed(view)
    qtbot.wait(20)
    return view


def test_paints_each_pixel_as_a_centred_square(qtbot):
    view = shown(qtbot)
    image = np.zeros((28, 28), dtype=np.float32)
    image[0, 0] = 1.0  # top-left white
    image[27, 27] = 0.5  # bottom-right mid grey
    view.set_image(image)
    rect = view.image_rect()
    assert (rect.width(), rect.height()) == (200, 200)  # as tall as the widget, and square
    assert rect.left() == (280 - 200) // 2
    picture = view.grab().toImage()
    scale = picture.width() / view.width()  # device pixels
    def colour(x, y):
        return picture.pixelColor(round(x * scale), round(y * scale))
    assert colour(rect.left() + 3, rect.top() + 3).red() == 255
    assert colour(rect.right() - 3, rect.bottom() - 3).red() == 128
    assert colour(rect.left() + 10, rect.top() + 3).red() == 0
    assert colour(5, 100).name() == "#202124"  # the margin beside the square image


def test_levels_and_colour_map(qtbot):
    view = shown(qtbot, colormap="inferno")
    view.set_image(np.full((28, 28), 2.0, dtype=np.float32), levels=(0.0, 4.0))
    picture = view.grab().toImage()
    centre = view.image_rect().center()
    scale = picture.width() / view.width()
    middle = picture.pixelColor(round(centre.x() * scale), round(centre.y() * scale))
    # inferno at 0.5 is a magenta-red, not a grey
    assert middle.red() > middle.green() + 60 and middle.red() > 150


def test_the_same_pixels_are_not_repainted(qtbot):
    view = shown(qtbot)
    image = np.random.default_rng(0).integers(0, 256, (28, 28)).astype(np.float32) / 255
    view.set_image(image)
    qtbot.waitUntil(lambda: view.paints > 0)
    qtbot.wait(30)
    before = view.paints
    view.set_image(image + 1e-4)  # rounds to the same 0-255 levels
    qtbot.wait(30)
    assert view.paints == before
    changed = image.copy()
    changed[5, 5] = 1.0 - changed[5, 5]
    view.set_image(changed)
    qtbot.waitUntil(lambda: view.paints > before)
    assert view.image() is not None and view.image()[5, 5] == changed[5, 5]


def test_refuses_an_image_that_is_not_2d(qtbot):
    view = shown(qtbot)
    with pytest.raises(ValueError, match="2-D"):
        view.set_image(np.zeros((1, 28, 28), dtype=np.float32))
