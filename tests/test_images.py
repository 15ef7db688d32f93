"""Photos as editors take them: upright, without GPS, in a few widths and formats, cached."""

from __future__ import annotations

import io
import os
from pathlib import Path
from urllib.parse import unquote

import pytest
from PIL import Image

from bantin.cli.main import main
from bantin.language.errors import BuildFailed

from conftest import ENGLISH, SITE_TOML, article, photo
from html_helpers import Page

ARTICLE_URL = "/tin-tuc/2023/anh/"


def photo_article(body: str = "", **fields: str) -> dict[str, str]:
    return {"content/tin-tuc/2023/anh.md": article("Bài có ảnh", "2023-06-02", body=body or "Đoạn đầu.", **fields)}


def srcset_urls(page: Page) -> list[str]:
    urls = []
    for element in page.elements:
        if element["tag"] in ("img", "source") and element["attrs"].get("srcset"):
            urls += [entry.split(" ")[0] for entry in element["attrs"]["srcset"].split(", ")]
    return urls


def output_images(site) -> list[Path]:
    return sorted(p for p in (site.out / "anh").rglob("*") if p.is_file())


def test_an_upright_phone_photo_comes_out_upright_and_without_gps(project):
    # stored 400x300 with orientation 6: the camera was held upright, the reader sees 300x400
    site = project({**photo_article("![Đứng](/anh/dung.jpg)"),
                    "content/anh/dung.jpg": photo(400, 300, orientation=6, gps=True)})
    site.build(search=False)
    img = Page(site.page(ARTICLE_URL)).find("img")
    assert (img["attrs"]["width"], img["attrs"]["height"]) == ("300", "400")
    files = output_images(site)
    assert len(files) > 5
    for file in files:
        with Image.open(file) as made:
            exif = made.getexif()
            assert made.width < made.height or ".thumb" in file.name or ".share." in file.name
            assert 0x8825 not in exif and 0x010F not in exif and 0x0112 not in exif, file.name
        assert b"PhoneMaker" not in file.read_bytes()
    with Image.open(site.out / "anh/dung.jpg") as upright:  # the original's path holds the largest, upright
        assert upright.size == (300, 400)
        # the red quarter was top-left as stored; turned 90° clockwise it is top-right
        red = upright.convert("RGB").getpixel((upright.width - 10, 10))
        other = upright.convert("RGB").getpixel((10, 10))
        assert red[0] > 200 and red[1] < 60 and other != red


def test_widths_formats_and_sizes_never_enlarged(project):
    site = project({**photo_article("![Lớn](/anh/lon.jpg)\n\n![Nhỏ](/anh/nho.jpg)"),
                    "content/anh/lon.jpg": photo(2000, 1500), "content/anh/nho.jpg": photo(600, 450, seed=3)})
    site.build(search=False)
    page = Page(site.page(ARTICLE_URL))
    pictures = [e for e in page.elements if e["tag"] == "source"]
    widths = [[int(entry.split(" ")[1][:-1]) for entry in s["attrs"]["srcset"].split(", ")] for s in pictures]
    assert widths == [[480, 800, 1200, 1600], [480, 600]]  # the small one is never enlarged
    assert all(s["attrs"]["type"] == "image/webp" for s in pictures)
    for url in srcset_urls(page):  # "/anh/lon.480.<token>.webp" is 480 pixels wide
        with Image.open(site.out / unquote(url).lstrip("/")) as made:
            assert made.width == int(url.rsplit(".", 3)[1])
    smallest = next(u for u in srcset_urls(page) if ".480." in u and u.endswith(".webp"))
    assert (site.out / smallest[1:]).stat().st_size < (site.root / "content/anh/lon.jpg").stat().st_size / 4


def test_every_srcset_url_resolves_on_every_page(project):
    site = project({**photo_article("![A](/anh/a.jpg)", image="/anh/bia.png"),
                    "content/anh/a.jpg": photo(), "content/anh/bia.png": photo(900, 600, kind="PNG")})
    site.build(search=False)
    checked = 0
    for html in site.out.rglob("*.html"):
        page = Page(html.read_text(encoding="utf-8"))
        for url in srcset_urls(page) + [e["attrs"]["src"] for e in page.find_all("img")]:
            assert (site.out / unquote(url).lstrip("/")).is_file(), (html, url)
            checked += 1
    assert checked > 10
    # a transparent PNG keeps PNG as its fallback
    cover = Page(site.page(ARTICLE_URL)).find("figure", cls="cover")
    assert cover and Page(site.page(ARTICLE_URL)).find("img")["attrs"]["src"].endswith(".png")


def test_markup_priority_captions_and_list_thumbnails(project):
    body = "Đoạn đầu.\n\n![Ảnh một](/anh/a.jpg \"Chú thích một\")\n\n![Ảnh hai](/anh/b.jpg)"
    site = project({**photo_article(body, image="/anh/bia.jpg"), "content/anh/a.jpg": photo(seed=4),
                    "content/anh/b.jpg": photo(seed=5), "content/anh/bia.jpg": photo(1200, 800, seed=6)})
    site.build(search=False)
    page = Page(site.page(ARTICLE_URL))
    images = page.find_all("img")
    assert [i["attrs"].get("fetchpriority") for i in images] == ["high", "high", None]  # cover, first, second
    assert [i["attrs"].get("loading") for i in images] == [None, None, "lazy"]
    assert all(i["attrs"]["decoding"] == "async" and i["attrs"]["width"] and i["attrs"]["height"] for i in images)
    assert len(page.find_all("figure")) == 3 and images[1]["attrs"]["alt"] == "Ảnh một"
    assert page.text("figcaption") == "Chú thích một"  # the caption stays under its photo
    # lists show the cover cut to 3:2
    thumb = Page(site.page("/tin-tuc/")).find("img")
    assert round(int(thumb["attrs"]["width"]) / int(thumb["attrs"]["height"]), 2) == 1.5
    with Image.open(site.out / thumb["attrs"]["src"].lstrip("/")) as made:
        assert (made.width, made.height) == (int(thumb["attrs"]["width"]), int(thumb["attrs"]["height"]))


def test_a_second_build_encodes_nothing_and_writes_the_same_bytes(project):
    site = project({**photo_article("![A](/anh/a.jpg)"), "content/anh/a.jpg": photo(1000, 750)})
    first = site.build(search=False)
    before = {p: p.read_bytes() for p in output_images(site)}
    assert first.encoded == 1
    os.remove(site.root / ".bantin-cache/output.pickle")  # the next build writes the whole site again
    second = site.build(search=False)
    assert second.encoded == 0
    assert {p: p.read_bytes() for p in output_images(site)} == before


def test_changed_renamed_and_deleted_photos(project):
    site = project({**photo_article("![A](/anh/a.jpg)"), "content/anh/a.jpg": photo(seed=1)})
    site.build(search=False)
    old = {p.name for p in output_images(site)}
    # changed: new variants under new names, the old ones gone
    (site.root / "content/anh/a.jpg").write_bytes(photo(seed=9))
    assert site.build(search=False).encoded == 1
    changed = {p.name for p in output_images(site)}
    assert changed & old == {"a.jpg"}
    # renamed, and the article follows: only the new name's files remain
    os.rename(site.root / "content/anh/a.jpg", site.root / "content/anh/b.jpg")
    site.write(photo_article("![A](/anh/b.jpg)"))
    assert site.build(search=False).encoded == 0  # same bytes: made from the cache
    assert {p.name.split(".")[0] for p in output_images(site)} == {"b"}
    src = Page(site.page(ARTICLE_URL)).find("img")["attrs"]["src"]
    assert src.startswith("/anh/b.") and (site.out / src[1:]).is_file()
    # deleted while the article still shows it: an error, and the site stays as it was
    os.remove(site.root / "content/anh/b.jpg")
    with pytest.raises(BuildFailed) as failed:
        site.build(search=False)
    assert "the image /anh/b.jpg does not exist" in str(failed.value)
    assert (site.out / src[1:]).is_file()


def test_an_image_named_with_other_capitals_names_the_file_that_is_there(project):
    """Windows and macOS open /anh/Hoi-Thao.JPG as hoi-thao.jpg; the site's server will not."""
    site = project({**photo_article("Đoạn đầu.\n\n![Ảnh](/anh/Hoi-Thao.JPG)\n\n![Khác](/anh/khac.jpg)"),
                    "content/anh/hoi-thao.jpg": photo(800, 600)})
    with pytest.raises(BuildFailed) as failed:
        site.build(search=False)
    hints = {e.message: e.hint for e in failed.value.errors}
    assert hints["the image /anh/Hoi-Thao.JPG does not exist"] == (
        "the file is /anh/hoi-thao.jpg: write its name with the same capitals")
    assert hints["the image /anh/khac.jpg does not exist"] == (
        "put the photo at content/anh/khac.jpg, or correct its path")


def test_missing_and_unreadable_images_are_errors_with_file_line_and_field(project):
    body = "Đoạn đầu.\n\n![Không có](/anh/khong-co.jpg)\n\n![Hỏng](/anh/hong.jpg)\n\n![Cụt](/anh/cut.jpg)"
    site = project({**photo_article(body, image="/anh/bia-mat.jpg"), "content/anh/hong.jpg": b"not a photo at all",
                    "content/anh/cut.jpg": photo(800, 600)[:3000]})
    with pytest.raises(BuildFailed) as failed:
        site.build(search=False)
    found = {(e.path, e.line, e.field): e.message for e in failed.value.errors}
    key = "content/tin-tuc/2023/anh.md"
    assert found[(key, 6, "image")] == "the image /anh/bia-mat.jpg does not exist"
    assert found[(key, 11, "body")] == "the image /anh/khong-co.jpg does not exist"
    assert found[(key, 13, "body")].startswith("the image /anh/hong.jpg cannot be used: it is not a photo")
    # a photo cut short (its header reads fine) in the same round: its facts are read by decoding it
    assert found[(key, 15, "body")].startswith("the image /anh/cut.jpg cannot be used: it cannot be read")
    assert len(found) == 4 and not site.out.exists()


def test_check_finds_a_photo_cut_short_as_the_build_would(project, capsys):
    cut = photo(800, 600)[:3000]
    site = project({**photo_article("Đoạn đầu.\n\n![Cụt](/anh/cut.jpg)"), "content/anh/cut.jpg": cut})
    assert main(["check", "--root", str(site.root)]) == 1
    said = capsys.readouterr().err
    assert "content/tin-tuc/2023/anh.md:10: [body] không dùng được ảnh /anh/cut.jpg: không đọc được" in said, said


def test_a_photo_with_a_phone_s_trailer_after_its_end_is_read_whole(project, capsys):
    """Some phones append data after the JPEG's end marker: such a file is decoded to be sure, and passes."""
    site = project({**photo_article("Đoạn đầu.\n\n![Ảnh](/anh/duoi.jpg)"),
                    "content/anh/duoi.jpg": photo(800, 600) + b"SEFH" + bytes(40)})
    assert main(["check", "--root", str(site.root)]) == 0, capsys.readouterr().err


def test_check_reports_a_missing_photo_and_missing_can_be_a_warning(project, capsys):
    site = project(photo_article("![Không có](/anh/khong-co.jpg)"))
    assert main(["check", "--root", str(site.root)]) == 1
    assert "content/tin-tuc/2023/anh.md:8: [body] không có ảnh /anh/khong-co.jpg" in capsys.readouterr().err
    (site.root / "site.toml").write_text(SITE_TOML + '\n[images]\nmissing = "warning"\n', encoding="utf-8")
    assert main(["build", "--root", str(site.root), "--no-search"]) == 0  # warnings: not with --quiet
    assert "cảnh báo: content/tin-tuc/2023/anh.md:8: [body] không có ảnh /anh/khong-co.jpg" in capsys.readouterr().err


def test_a_large_original_is_a_warning_and_still_processed(project, capsys):
    site = project({**photo_article("![A](/anh/lon.jpg)"), "content/anh/lon.jpg": photo(1600, 1200)},
                   SITE_TOML + "\n[images]\nwarn_megapixels = 1\n")
    assert main(["build", "--root", str(site.root), "--no-search"]) == 0  # warnings: not with --quiet
    err = capsys.readouterr().err
    assert "cảnh báo: content/anh/lon.jpg: ảnh gốc lớn: 1600×1200 (2 megapixel)" in err
    assert Page(site.page(ARTICLE_URL)).find("source")


def test_images_settings_are_validated(project, capsys):
    settings = '\n[images]\nwidths = [0]\nformats = ["gif"]\nquality = 101\n'
    site = project(photo_article(), ENGLISH + SITE_TOML + settings)
    assert main(["check", "--root", str(site.root)]) == 1
    err = capsys.readouterr().err
    assert "[images.widths] expected a list of widths" in err
    assert "[images.formats] expected a list of 'webp' and 'avif'" in err
    assert "[images.quality] expected 1 to 100, got 101" in err


def test_avif_widths_and_quality_follow_site_toml(project):
    toml = SITE_TOML + '\n[images]\nwidths = [320, 640]\nformats = ["avif", "webp"]\nquality = 60\n'
    site = project({**photo_article("![A](/anh/a.jpg)"), "content/anh/a.jpg": photo(1000, 750)}, toml)
    site.build(search=False)
    page = Page(site.page(ARTICLE_URL))
    assert [s["attrs"]["type"] for s in page.find_all("source")] == ["image/avif", "image/webp"]
    avif = [u for u in srcset_urls(page) if u.endswith(".avif")]
    assert [u.split(".")[1] for u in avif] == ["320", "640"]
    with Image.open(site.out / avif[0][1:]) as made:
        assert made.format == "AVIF" and made.width == 320


def test_file_names_with_spaces_commas_and_quotes_stay_one_srcset_entry(project):
    name = 'ảnh hội thảo, "1".jpg'
    site = project({**photo_article("<img src=\"/anh/ảnh hội thảo, &quot;1&quot;.jpg\" alt='x\" onerror=\"y'>"),
                    f"content/anh/{name}": photo()})
    site.build(search=False)
    page = Page(site.page(ARTICLE_URL))
    img = page.find("img")
    assert img["attrs"]["alt"] == 'x" onerror="y' and "onerror" not in img["attrs"]
    for url in srcset_urls(page):
        assert " " not in url and "," not in url
        assert (site.out / unquote(url).lstrip("/")).is_file()
    # the link preview's address is encoded too, and resolves
    shared = page.find("meta", property="og:image")["attrs"]["content"]
    assert " " not in shared and '"' not in shared
    assert (site.out / unquote(shared.removeprefix("https://example.org/"))).is_file()


def test_an_animation_and_an_svg_are_published_as_they_are(project):
    frames = [Image.new("RGB", (60, 40), colour) for colour in ("red", "blue")]
    gif = io.BytesIO()
    frames[0].save(gif, "GIF", save_all=True, append_images=frames[1:], loop=0)
    site = project({**photo_article("![Động](/anh/dong.gif)"), "content/anh/dong.gif": gif.getvalue()})
    site.build(search=False)
    assert (site.out / "anh/dong.gif").read_bytes() == gif.getvalue()
    img = Page(site.page(ARTICLE_URL)).find("img")
    assert (img["attrs"]["src"], img["attrs"]["width"], img["attrs"]["height"]) == ("/anh/dong.gif", "60", "40")
