"""A picture too large to open is refused in plain words: its size and the largest the app opens,
not Pillow's "Image size (196000000 pixels) exceeds limit of 178956970 pixels, could be
decompression bomb DOS attack"."""

from __future__ import annotations

import struct
import zlib

import pytest
from PIL import Image

from vae_desktop.core.preprocess import ImageLoadError, load_image


def png_header(path, width: int, height: int) -> None:
    """A PNG that says it is `width` x `height` (grey, 1 bit a pixel), with no pixel data:
    enough for Pillow to read its size, a few dozen bytes on disk."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    path.write_bytes(b"\x89PNG\r\n\x1a\n"
                     + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))


def test_a_huge_picture_is_refused_in_plain_words(tmp_path):
    png_header(tmp_path / "bomb.png", 14_000, 14_000)
    with pytest.raises(ImageLoadError) as refused:
        load_image(tmp_path / "bomb.png")
    limit = 2 * Image.MAX_IMAGE_PIXELS  # what Pillow refuses beyond (178,956,970)
    assert str(refused.value) == (
        f"bomb.png is too large to open (14,000 × 14,000 pixels); the largest this app opens is "
        f"{limit:,} pixels (about 13,000 × 13,000). Make it smaller in an image editor and open "
        "it again.")


def test_the_draw_tab_says_so_under_the_canvas(qtbot, state, tmp_path):
    from vae_desktop.gui.tabs.draw.tab import DrawTab

    tab = DrawTab(state)
    qtbot.addWidget(tab)
    png_header(tmp_path / "wide.png", 60_000, 3_000)
    assert not tab.open_file(str(tmp_path / "wide.png"))
    assert tab.message.startswith("wide.png is too large to open (60,000 × 3,000 pixels);")
    assert "bomb" not in tab.message.lower() and "exceeds" not in tab.message
