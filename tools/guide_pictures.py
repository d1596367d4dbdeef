"""Make the guide's pictures (vae_desktop/data/guide/*.png) and the app's icon PNGs from the
app's own screenshots. Run by hand when the screens change; the results are committed.

    python tools/guide_pictures.py SHOTS_DIR

SHOTS_DIR holds full-window screenshots at 1280x720 (/work/notes/shots.sh makes them), named
train, draw, latent_space, conditional, interpolate, evaluate, sweep (each tab in a typical state),
vae_draw, vae_latent: the Draw and Latent space tabs with mnist-vae-z2 active, a test digit on
the Draw tab and its code as the latent point; samples_train: the Train tab with mnist-vae-z2
active; walk_interpolate: the Interpolate tab's walk from a 2 to a 6 in 10 steps. The icon PNGs
are rendered from the SVG by Qt.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageEnhance, ImageFont

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "vae_desktop" / "data"
GUIDE = DATA / "guide"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
TABS = ("train", "draw", "latent_space", "conditional", "interpolate", "evaluate", "sweep")
WIDTH = 640  # the width the pages show them at


def save(image: Image.Image, name: str, colors: int = 128) -> None:
    image.convert("RGB").quantize(colors=colors, method=Image.Quantize.MEDIANCUT).save(
        GUIDE / name, optimize=True)
    print(GUIDE / name, (GUIDE / name).stat().st_size // 1024, "KiB")


def scaled(image: Image.Image, width: int) -> Image.Image:
    return image.resize((width, round(image.height * width / image.width)), Image.LANCZOS)


def tab_pictures(shots: Path) -> None:
    for tab in TABS:
        window = Image.open(shots / f"{tab}_1280x720.png")
        page = window.crop((0, 92, 1280, 700))  # below the tab bar, above the status bar
        save(scaled(page, WIDTH), f"{tab.split('_')[0]}.png")


def arrow(draw: ImageDraw.ImageDraw, x0: int, x1: int, y: int, text: str, font) -> None:
    draw.line((x0, y, x1 - 8, y), fill="#3b2f86", width=3)
    draw.polygon(((x1, y), (x1 - 12, y - 7), (x1 - 12, y + 7)), fill="#3b2f86")
    w = draw.textlength(text, font=font)
    draw.text(((x0 + x1 - w) / 2, y - 24), text, fill="#3b2f86", font=font)


def vae_diagram(shots: Path) -> None:
    """x -> encoder -> z among the test codes -> decoder -> reconstruction."""
    drawn = Image.open(shots / "vae_draw_1280x720.png")
    latent = Image.open(shots / "vae_latent_1280x720.png")
    digit = drawn.crop((437, 187, 686, 436)).resize((120, 120), Image.LANCZOS)
    recon = drawn.crop((710, 187, 960, 436)).resize((120, 120), Image.LANCZOS)
    plot = scaled(latent.crop((45, 131, 803, 632)), 260)
    plot = ImageEnhance.Brightness(ImageEnhance.Color(plot).enhance(1.6)).enhance(1.5)  # small dots
    mark = ImageDraw.Draw(plot)  # ring the test digit's code (the red point, at (597, 433))
    cx, cy = (597 - 45) * 260 / 758, (433 - 131) * 260 / 758
    mark.ellipse((cx - 9, cy - 9, cx + 9, cy + 9), outline="#ffd400", width=3)
    font = ImageFont.truetype(FONT, 14)
    small = ImageFont.truetype(FONT, 12)
    picture = Image.new("RGB", (WIDTH, plot.height + 44), "white")
    top = (plot.height - 120) // 2
    picture.paste(digit, (0, top))
    picture.paste(plot, (190, 0))
    picture.paste(recon, (WIDTH - 120, top))
    draw = ImageDraw.Draw(picture)
    middle = top + 60
    arrow(draw, 124, 186, middle, "encoder", font)
    arrow(draw, 454, WIDTH - 124, middle, "decoder", font)
    for x, width, text in ((0, 120, "x: a test digit"), (190, 260, "z: its code, 2 numbers"),
                           (WIDTH - 120, 120, "the reconstruction")):
        w = draw.textlength(text, font=small)
        draw.text((x + (width - w) / 2, plot.height + 12), text, fill="#404040", font=small)
    save(picture, "vae.png", colors=256)


def samples_and_walk(shots: Path) -> None:
    train = Image.open(shots / "samples_train_1280x720.png")
    save(train.crop((854, 520, 1248, 680)), "samples.png")
    walk = Image.open(shots / "walk_interpolate_1280x720.png")
    save(scaled(walk.crop((180, 326, 1100, 444)), 600), "walk.png")


def icons() -> None:
    from PySide6.QtGui import QGuiApplication, QImage, QPainter, Qt
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(DATA / "vae-desktop.svg"))
    for size in (48, 128, 256):
        image = QImage(size, size, QImage.Format_ARGB32_Premultiplied)
        image.fill(Qt.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.Antialiasing)
        renderer.render(painter)
        painter.end()
        image.save(str(DATA / "icons" / f"vae-desktop-{size}.png"))


if __name__ == "__main__":
    shots = Path(sys.argv[1])
    tab_pictures(shots)
    vae_diagram(shots)
    samples_and_walk(shots)
    icons()
