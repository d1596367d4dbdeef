"""Make the guide's pictures (vae_desktop/data/guide/*.png) and the app's icon PNGs from the
app's own screenshots. Run by hand when the screens change; the results are committed.

    python tools/app_screenshots.py SHOTS_DIR
    python tools/guide_pictures.py SHOTS_DIR [OUT_DIR]

tools/app_screenshots.py drives the real window offscreen and fills SHOTS_DIR with full-window
screenshots at 1280x720: train, draw, latent_space, conditional, interpolate, evaluate, sweep
(each tab in a typical state); vae_draw, vae_latent: the Draw and Latent space tabs with
mnist-vae-z2 active, a test digit on the Draw tab and its code as the latent point;
samples_train: the Train tab with mnist-vae-z2 active; walk_interpolate: the Interpolate tab's
walk from a 2 to a 6 in 10 frames. Beside them it saves the widgets the pictures are made of, each
grabbed on its own (vae_input, vae_recon, vae_plot, samples_grid, walk_strip), and layout.json:
where each shot's tab page lies in the window and where the latent point lies in vae_plot.png.
So nothing here crops fixed pixel boxes, and a change of the tabs' layout needs no change here.

OUT_DIR (default: the guide's folder) receives the pictures; when it is not the guide's folder
the icon PNGs go to OUT_DIR/icons instead of vae_desktop/data/icons, so a trial run overwrites
nothing committed. The icon PNGs are rendered from the SVG by Qt.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageEnhance, ImageFont

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "vae_desktop" / "data"
GUIDE = DATA / "guide"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
TABS = ("train", "draw", "latent_space", "conditional", "interpolate", "evaluate", "sweep")
WIDTH = 640  # the width the pages show them at
SAMPLES_WIDTH = 394  # the width vae.html shows samples.png at
WALK_WIDTH = 600


def save(image: Image.Image, out: Path, name: str, colors: int = 128) -> None:
    path = out / name
    image.convert("RGB").quantize(colors=colors, method=Image.Quantize.FASTOCTREE).save(
        path, optimize=True)
    print(path, path.stat().st_size // 1024, "KiB")


def layout(shots: Path) -> dict:
    """What app_screenshots.py measured: the tab pages' rectangles, the latent point's place."""
    path = shots / "layout.json"
    if not path.is_file():
        raise SystemExit(f"{path} is missing: make the shots with tools/app_screenshots.py")
    return json.loads(path.read_text(encoding="utf-8"))


def scaled(image: Image.Image, width: int) -> Image.Image:
    return image.resize((width, round(image.height * width / image.width)), Image.LANCZOS)


def tab_pictures(shots: Path, out: Path) -> None:
    pages = layout(shots)["pages"]
    for tab in TABS:
        window = Image.open(shots / f"{tab}_1280x720.png")
        x, y, w, h = pages[tab]  # the tab's page: below the tab bar, above the status bar
        save(scaled(window.crop((x, y, x + w, y + h)), WIDTH), out, f"{tab.split('_')[0]}.png")


def arrow(draw: ImageDraw.ImageDraw, x0: int, x1: int, y: int, text: str, font) -> None:
    draw.line((x0, y, x1 - 8, y), fill="#3b2f86", width=3)
    draw.polygon(((x1, y), (x1 - 12, y - 7), (x1 - 12, y + 7)), fill="#3b2f86")
    w = draw.textlength(text, font=font)
    draw.text(((x0 + x1 - w) / 2, y - 24), text, fill="#3b2f86", font=font)


def vae_diagram(shots: Path, out: Path) -> None:
    """x -> encoder -> z among the test codes -> decoder -> reconstruction."""
    digit = Image.open(shots / "vae_input.png").resize((120, 120), Image.LANCZOS)
    recon = Image.open(shots / "vae_recon.png").resize((120, 120), Image.LANCZOS)
    latent = Image.open(shots / "vae_plot.png")
    plot = scaled(latent.convert("RGB"), 260)
    plot = ImageEnhance.Brightness(ImageEnhance.Color(plot).enhance(1.6)).enhance(1.5)  # small dots
    mark = ImageDraw.Draw(plot)  # ring the test digit's code (the latent point)
    scale = 260 / latent.width
    cx, cy = (v * scale for v in layout(shots)["vae_mark"])
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
    save(picture, out, "vae.png", colors=256)


def samples_and_walk(shots: Path, out: Path) -> None:
    save(scaled(Image.open(shots / "samples_grid.png").convert("RGB"), SAMPLES_WIDTH), out,
         "samples.png")
    save(scaled(Image.open(shots / "walk_strip.png").convert("RGB"), WALK_WIDTH), out,
         "walk.png")


def icons(folder: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no window: no display needed
    from PySide6.QtGui import QGuiApplication, QImage, QPainter, Qt
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(DATA / "vae-desktop.svg"))
    folder.mkdir(parents=True, exist_ok=True)
    for size in (48, 128, 256):
        image = QImage(size, size, QImage.Format_ARGB32_Premultiplied)
        image.fill(Qt.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.Antialiasing)
        renderer.render(painter)
        painter.end()
        path = folder / f"vae-desktop-{size}.png"
        image.save(str(path))
        print(path)


def main(argv: list[str]) -> int:
    if len(argv) not in (1, 2) or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 2
    shots = Path(argv[0])
    out = Path(argv[1]).resolve() if len(argv) == 2 else GUIDE
    out.mkdir(parents=True, exist_ok=True)
    tab_pictures(shots, out)
    vae_diagram(shots, out)
    samples_and_walk(shots, out)
    icons(DATA / "icons" if out == GUIDE.resolve() else out / "icons")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
