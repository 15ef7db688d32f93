"""Draws the example site's photos (content/anh/2021/) and logo (assets/img/logo.png): made by the
project with Pillow, free to use (CC0).

    python3 bench/example_photos.py

Meeting-room scenes like the ones in the seed articles: a hall, a banner, rows of delegates.
One is saved as a phone saves a photo taken upright: the sensor's frame, sideways, with EXIF
orientation 6 and a GPS position, so the example shows the pipeline turning it upright and
dropping the position. Deterministic: the same files every run.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

REPO = Path(__file__).resolve().parent.parent
FOLDER = REPO / "content" / "anh" / "2021"


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans Bold (it has every Vietnamese letter) where installed, else Pillow's own font."""
    try:
        return ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", size)
    except OSError:
        return ImageFont.load_default(size=size)


def scene(seed: int, size: tuple[int, int], banner: str) -> Image.Image:
    """A meeting hall: wall, banner, a table of delegates in front, with light texture."""
    rnd = random.Random(seed)
    width, height = size
    wall = tuple(rnd.randint(150, 210) for _ in range(3))
    image = Image.new("RGB", size, wall)
    draw = ImageDraw.Draw(image)
    for y in range(height):  # light from above
        shade = int(40 * y / height)
        draw.line((0, y, width, y), fill=tuple(max(0, c - shade) for c in wall))
    top, bottom = int(height * 0.08), int(height * 0.32)
    draw.rectangle((int(width * 0.08), top, int(width * 0.92), bottom), fill=(170, 20, 30))
    font = _font(max(12, height // 14))
    draw.text((width // 2, (top + bottom) // 2), banner, font=font, fill=(250, 220, 90), anchor="mm")
    floor = int(height * 0.62)
    draw.rectangle((0, floor, width, height), fill=(90, 60, 40))
    for row in range(3):  # delegates: heads and shoulders, rows getting larger towards the camera
        scale = 1 + row * 0.45
        y = floor + int(row * height * 0.11)
        x = rnd.randint(0, int(40 * scale))
        while x < width:
            body = tuple(rnd.randint(20, 230) for _ in range(3))
            w, h = int(70 * scale * width / 2400), int(90 * scale * width / 2400)
            draw.rounded_rectangle((x, y, x + w, y + h), radius=w // 3, fill=body)
            head = int(w * 0.55)
            skin = (rnd.randint(180, 230), rnd.randint(140, 180), rnd.randint(110, 140))
            draw.ellipse((x + (w - head) // 2, y - head, x + (w + head) // 2, y), fill=skin)
            x += int(w * rnd.uniform(1.2, 1.8))
    draw.rectangle((0, int(height * 0.9), width, height), fill=(60, 90, 140))  # the front table's cloth
    image = image.filter(ImageFilter.GaussianBlur(1.5))
    grain = Image.frombytes("L", size, rnd.randbytes(width * height)).point(lambda v: 120 + v // 32)
    return Image.blend(image, Image.merge("RGB", [grain] * 3), 0.05)


def logo(size: int = 512) -> Image.Image:
    """The example site's logo and favicon: the initials of Liên hiệp hội on the site's blue."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 5, fill=(11, 92, 173, 255))
    ring = size // 10
    draw.ellipse((ring, ring, size - ring, size - ring), outline=(255, 255, 255, 255), width=size // 28)
    draw.text((size // 2, size // 2), "LH", font=_font(size * 2 // 5), fill=(255, 255, 255, 255), anchor="mm")
    return image


def main() -> int:
    FOLDER.mkdir(parents=True, exist_ok=True)
    scene(1, (2400, 1600), "HỘI THẢO KHOA HỌC").save(FOLDER / "hoi-thao-ha-giang.jpg", quality=82)
    scene(2, (2400, 1600), "HỘI NGHỊ GIAO BAN").save(FOLDER / "hoi-nghi-giao-ban.jpg", quality=82)
    upright = scene(3, (1200, 1600), "SƠN LA")
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: turn 90° clockwise to show
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (21.0, 19.0, 40.0), "E", (103.0, 54.0, 50.0)
    upright.transpose(Image.Transpose.ROTATE_90).save(FOLDER / "son-la-lam-viec.jpg", quality=82, exif=exif)
    logo().save(REPO / "assets" / "img" / "logo.png", optimize=True)
    (FOLDER.parent / "2023").mkdir(exist_ok=True)
    scene(4, (2400, 1600), "HÀ TĨNH").save(FOLDER.parent / "2023" / "ha-tinh-lam-viec.jpg", quality=82)
    return 0


if __name__ == "__main__":
    sys.exit(main())
