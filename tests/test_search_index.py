"""bantin's own search index (bantin/search/engine.py): its tokens, its files, and a build that writes only
what changed, byte for byte what a clean build writes."""

from __future__ import annotations

import gzip
import json
import shutil
from array import array
from collections import Counter
from pathlib import Path

import pytest
from documents_helpers import write_pdf

from bantin.builder import searching
from bantin.builder.pipeline import BuildOptions, load
from bantin.project.config import load_config
from bantin.search import engine, postings, words
from bantin.search.records import article_record

from conftest import SITE_TOML, article
from html_helpers import Page
from test_search import FILES  # the same small site as the Pagefind engine's tests

SHARDED = SITE_TOML + "\n[search]\nshard_years = 5\n"


def test_pairs_never_cross_a_part_or_a_sentence_end_and_are_marked_where_they_cross_punctuation():
    counts, titled, across, length = engine.doc_tokens(
        ["Đổi mới ở Đắk Lắk", "", "Khoa học, công nghệ và khoa học công nghệ. Năm 2024 COVID-19"])
    assert length == 5 + 13
    assert counts["khoa", "học"] == 2 and counts["học", "công"] == 2 and counts["công", "nghệ"] == 2
    assert counts["học,", "công"] == 0 and counts["lắk", "khoa"] == 0  # never across two parts
    # "khoa học, công nghệ": the pair "học công" stands there across a comma, but also without one later
    assert ("học", "công") not in across and ("covid", "19") in across
    assert counts["nghệ", "năm"] == 0  # a sentence's end parts them: no pair
    assert {("đổi", "mới"), "đắk", "lắk"} <= titled and "khoa" not in titled
    # a pair with a digit is no entry (search.js keeps such a word a word), the digit word alone is
    assert engine.token_entry(("năm", "2024")) is None and engine.token_entry("2024") == (engine.core_hash("2024"), "")
    assert engine.token_entry(("đắk", "lắk")) == engine.token_entry("đắk lắk")  # a pair, or its words and a space


def test_the_words_counted_are_those_words_of_splits_a_query_into():
    text = "Hội_thảo (KH&CN) “Đắk Lắk”—2024/25… é x\0y a_b; Tiếng Việt: đúng!"
    counts, _, across, length = engine.doc_tokens([text])
    assert {token: n for token, n in counts.items() if isinstance(token, str)} == Counter(words.words_of(text))
    assert length == len(words.words_of(text))
    assert ("hội", "thảo") in across and ("a", "b") in across  # "_" parts words as any mark does
    assert counts["b", "tiếng"] == 0  # ";" ends a sentence


def test_postings_are_split_into_numbers_and_weights_by_their_bytes():
    for numbers in ([7], [0, 1, 255, 256, 65535, 65536, (1 << 24) - 1]):
        weights = bytes(n % 32 for n in range(len(numbers)))
        packed = array(engine._typecode(max(numbers) + 1), [n << 8 | w for n, w in zip(numbers, weights, strict=True)])
        assert engine._split(packed) == (numbers, weights)
    assert array(engine._typecode(1 << 24)).itemsize == 8


def test_an_entry_is_the_folded_core_and_the_marks_so_every_spelling_finds_its_bucket():
    assert engine.token_entry("đắk lắk") == (engine.core_hash("dak lak"), "dws ws")
    assert engine.token_entry("hoà bình") == engine.token_entry("hòa bình")  # where the tone sits does not count
    assert engine.token_entry("đà nẵng")[0] == engine.token_entry("đa năng")[0]  # one bucket, told apart by marks
    assert engine.token_entry("đà nẵng")[1] != engine.token_entry("đa năng")[1]
    assert engine.core_hash("123456789") == 0xCBF43926  # CRC-32 (its check value), as search-worker.js computes it


def test_weights_keep_counts_in_classes_so_one_more_mention_rarely_changes_a_posting():
    assert [postings.count_class(n) for n in (1, 2, 3, 4, 5, 7, 8, 12, 13, 20, 21, 500)] == [
        1, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7]
    assert postings.weight(3, in_title=True, across=False) == 3 | postings.IN_TITLE
    assert postings.weight(1000, in_title=False, across=True) == 7 | postings.ACROSS
    assert postings.length_class(700) == postings.length_class(710)  # a sentence more


def test_bucket_files_read_back_as_written_and_the_same_postings_give_the_same_bytes():
    entries = {(7, "dws ws"): ([0, 3, 200, 70000], bytes([1, 9, 2, 17])), (7, ""): ([5], b"\x01"),
               (2**32 - 1, "oj"): ([1, 2], b"\x02\x03")}
    data = postings.encode_bucket(entries.items())
    assert postings.decode_bucket(data) == entries
    assert postings.encode_bucket(reversed(list(entries.items()))) == data  # any order in, one order out
    titles = {"dak": [0, 9], "lak": [4]}
    assert postings.decode_titles(postings.encode_titles(titles.items())) == titles
    assert postings.decode_docs(postings.encode_docs(b"\x10\x20")) == b"\x10\x20"
    with pytest.raises(ValueError):
        postings.decode_bucket(gzip.compress(b"\x02"))  # another version of the format


def test_bucket_counts_are_powers_of_two_that_grow_with_the_shard():
    counts = [engine.bucket_count(n) for n in (1, 10, 78, 200, 686, 3348, 100000)]
    assert counts == sorted(counts) and all(n & (n - 1) == 0 for n in counts)
    assert counts[0] == 1 and counts[-1] == 1024 and engine.title_bucket_count(100000) == 64


def test_an_article_s_record_holds_its_text_filters_and_what_its_result_shows(project):
    site = project(FILES)
    loaded = load(load_config(site.root), BuildOptions(), jobs=1)
    article = loaded.bodies.whole(loaded.site.articles["content/tin-tuc/2021/ha-giang.md"])  # its body: on disk
    record = article_record(article, loaded.site, loaded.provinces, "", "vi")
    # a former province is also filed under today's
    assert dict(record.filters) == {"province": ("Hà Giang", "Tuyên Quang"), "topic": ("Chuyển đổi số",),
                                    "section": ("Tin tức",), "year": ("2021",)}
    assert dict(record.shown) == {"date": "01/03/2021", "province": "Hà Giang"}
    assert record.text() == "Hà Giang trước sáp nhập. Đoạn đầu của bài. Đoạn thứ hai."


def test_an_article_that_publishes_a_document_is_found_by_its_number_kind_issuer_and_summary(project, tmp_path):
    pdf = write_pdf(tmp_path / "cv.pdf", [["Công văn về chuyển đổi số"]])
    document = ('document:\n  number: "135/UBND-KTTH"\n  kind: "Công văn"\n  issuer: "UBND tỉnh Hà Giang"\n'
                '  summary: "Về việc triển khai chuyển đổi số"\n  file: /van-ban/2021/135.pdf\n---\n')
    text = article("Công văn của tỉnh", "2021-01-20", province="Hà Giang", body="Đề nghị các hội triển khai.")
    site = project({"content/van-ban/2021/135.pdf": pdf.read_bytes(),
                    "content/bao-cao/cong-van.md": text.replace("\n---\n", "\n" + document, 1)})
    loaded = load(load_config(site.root), BuildOptions(), jobs=1)
    key = "content/bao-cao/cong-van.md"
    record = article_record(loaded.site.articles[key], loaded.site, loaded.provinces, "", "vi")
    assert record.parts[record.shown_parts:] == ("135/UBND-KTTH", "Công văn", "UBND tỉnh Hà Giang",
                                                 "Về việc triển khai chuyển đổi số", "Hà Giang")
    assert "135" not in record.text()  # searched, not shown: the result's excerpt is the article's own text


def shard_files(site: object) -> dict[str, bytes]:
    root = site.out / engine.OUTPUT_DIR  # type: ignore[attr-defined]
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def fragment(files: dict[str, bytes], path: str) -> dict[str, object]:
    return json.loads(gzip.decompress(files[path]))


def test_the_index_holds_each_shard_s_buckets_filters_and_one_fragment_per_article(project):
    site = project(FILES, SHARDED)
    report = site.build()
    assert report.search is not None and sorted(report.search.indexed) == ["2015-2019", "2020-2022", "2023-05"]
    files = shard_files(site)
    assert not (site.out / "pagefind").exists()
    assert {path.split("/")[0] for path in files} == {"2015-2019", "2020-2022", "2023-05"}
    assert sorted(p for p in files if p.startswith("2023-05/")) == [
        "2023-05/b/0.bin", "2023-05/docs.bin", "2023-05/f/0.bin", "2023-05/filters.json", "2023-05/t/0.bin",
        "2023-05/tags.json"]
    shown = fragment(files, "2023-05/f/0.bin")
    assert shown["url"] == "/tin-tuc/2023/dak-lak/"
    assert shown["content"] == "Đổi mới ở Đắk Lắk. Lời dẫn của bài. Trí thức Đắk Lắk bàn về đổi mới."
    meta = shown["meta"]
    assert meta["title"] == "Đổi mới ở Đắk Lắk" and meta["date"] == "10/05/2023" and meta["province"] == "Đắk Lắk"
    assert meta["image"].startswith("/anh/bia.thumb") and meta["image_alt"] == "Ảnh bìa"
    assert (site.out / meta["image"].lstrip("/")).is_file()
    entries = postings.decode_bucket(files["2023-05/b/0.bin"])
    numbers, weights = entries[engine.token_entry("đắk lắk")]
    # in its title, its body and its province's name: three mentions
    assert numbers == [0] and weights[0] & postings.IN_TITLE and postings.count_class(3) == weights[0] & 7
    assert postings.decode_titles(files["2023-05/t/0.bin"]) == {"dak": [0], "doi": [0], "lak": [0], "moi": [0],
                                                                  "o": [0]}
    # the thumbnail's address and the date are not words of the index ("anh" is a common word)
    assert engine.token_entry("anh") not in entries and engine.token_entry("bia") not in entries
    assert json.loads(files["2020-2022/filters.json"])["province"] == {"Hà Giang": [0], "Tuyên Quang": [0]}
    assert json.loads(files["2023-05/tags.json"]) == {"tag": {"Hội thảo": [0], "Đổi mới": [0]}}


def test_the_search_page_tells_the_worker_each_shard_s_version_and_buckets(project):
    site = project(FILES, SHARDED)
    site.build(search=False)
    root = Page(site.page("/tim-kiem/")).find("div", cls="search-page")
    facts = json.loads(root["attrs"]["data-shards"])
    assert [(f["name"], f["b"], f["t"]) for f in facts] == [("2023-05", 1, 1), ("2020-2022", 1, 1), ("2015-2019", 1, 1)]
    assert all(len(f["v"]) == 16 for f in facts) and len({f["v"] for f in facts}) == 3
    assert root["attrs"]["data-engine"] == "bantin"
    assert root["attrs"]["data-worker"].startswith("/assets/js/search-worker.")
    # the version (in the URLs of its files) follows the articles' numbering: an article added to a shard changes
    # its shard's, so that no browser mixes files numbered two ways; a correction changes none (the search page
    # stays as it is)
    path = site.root / "content/tin-tuc/2021/ha-giang.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Đoạn thứ hai", "Đoạn thứ ba"), encoding="utf-8")
    corrected = site.build(search=False)
    assert "tim-kiem/index.html" not in corrected.written
    site.write({"content/tin-tuc/2022/moi.md": article("Bài năm 2022", "2022-02-02")})
    site.build(search=False)
    after = json.loads(Page(site.page("/tim-kiem/")).find("div", cls="search-page")["attrs"]["data-shards"])
    assert [a["v"] == f["v"] for a, f in zip(after, facts, strict=True)] == [True, False, True]


def many(count: int, year: int = 2021, month: int = 0) -> dict[str, str]:
    """`count` articles of one year (of one month, if given), each with its own words."""
    return {f"content/tin-tuc/{year}/bai-{n}.md": article(
        f"Hội thảo khoa học số {n} tại tỉnh", f"{year}-{month or n % 12 + 1:02d}-{n % 27 + 1:02d}",
        body=f"Bài số {n} bàn về chủ đề thứ {n}. Các đại biểu từ huyện {n} thảo luận về đổi mới sáng tạo.\n\n"
             f"Đoạn hai của bài {n}: hội viên đề xuất giải pháp cho nông nghiệp và môi trường.") for n in range(count)}


def test_a_correction_rewrites_only_the_buckets_of_the_words_it_changes_and_equals_a_clean_build(project, tmp_path):
    site = project({**many(200), **FILES}, SHARDED)
    site.build()
    before = shard_files(site)
    shard = "2020-2022"
    buckets = sum(1 for path in before if path.startswith(f"{shard}/b/"))
    assert buckets == 16
    path = site.root / "content/tin-tuc/2021/bai-17.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nĐính chính: bài viết đã được cập nhật lần đầu.\n",
                    encoding="utf-8")
    report = site.build()
    assert report.search is not None and report.search.indexed == (shard,)
    after = shard_files(site)
    changed = sorted(p for p in after if before.get(p) != after[p])
    assert set(after) == set(before)  # files keep their names
    # its fragment, the buckets of the words and pairs it adds (of 16), perhaps the lengths, nothing else
    own = next(p for p in after if p.startswith(f"{shard}/f/") and "/bai-17/" in fragment(after, p)["url"])
    assert own in changed and all(p.startswith(f"{shard}/") for p in changed)
    assert 1 <= sum(p.startswith(f"{shard}/b/") for p in changed) < buckets
    assert not [p for p in changed if p.startswith(f"{shard}/t/")]  # the title is the same
    assert {p for p in changed if not p.startswith(f"{shard}/b/")} <= {own, f"{shard}/docs.bin"}
    # and the same bytes as a clean build of the same content
    clean = project_copy(site, tmp_path / "clean")
    clean.build()
    assert shard_files(clean) == after


def test_a_correction_never_patches_a_bucket_damaged_in_the_cache(project, tmp_path):
    """Every bucket of the shard spoilt in .bantin-cache/ (the site's copies are fine): the correction
    that would patch some of them makes the shard whole instead, the same bytes as a clean build."""
    site = project({**many(200), **FILES}, SHARDED)
    site.build()
    for bucket in (engine.shard_folder(site.root, "2020-2022") / "b").iterdir():
        bucket.write_bytes(b"\x1f\x8b spoiled")
    path = site.root / "content/tin-tuc/2021/bai-17.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nĐính chính: một câu thêm.\n", encoding="utf-8")
    site.build()
    clean = project_copy(site, tmp_path / "clean")
    clean.build()
    assert shard_files(clean) == shard_files(site)


def test_the_cache_keeps_a_shard_s_fragments_in_one_file_and_a_spoiled_one_is_made_again(project, tmp_path):
    """The cache holds no file per article: its fragments are one file a shard, cut out when the site needs
    one; a spoiled byte in it (the site's copy gone, so it is read) is found, the shard made again, said."""
    site = project({**many(40), **FILES}, SHARDED)
    site.build()
    folder = engine.shard_folder(site.root, "2020-2022")
    assert not (folder / "f").exists() and (folder / engine.FRAGMENTS).is_file()
    pack = (folder / engine.FRAGMENTS).read_bytes()
    files = shard_files(site)
    shown = sorted((p for p in files if p.startswith("2020-2022/f/")), key=lambda p: int(p[12:-4]))
    assert pack == b"".join(files[p] for p in shown)  # in article order
    spoiled = bytearray(pack)
    spoiled[-len(files[shown[-1]]) - 1] ^= 0xFF  # the last byte of the last fragment but one
    (folder / engine.FRAGMENTS).write_bytes(bytes(spoiled))
    (site.out / "search-index" / shown[-2]).unlink()
    report = site.build()
    assert any("damaged" in str(warning) and "search" in str(warning) for warning in report.warnings)
    assert shard_files(site) == files and (folder / engine.FRAGMENTS).read_bytes() == pack


def project_copy(site: object, root: Path) -> object:
    """The project's content and settings in a new folder, without its output or cache."""
    from conftest import Project

    shutil.copytree(site.root, root, ignore=shutil.ignore_patterns("_site", ".bantin-cache"))  # type: ignore[attr-defined]
    return Project(root)


def test_a_new_article_is_appended_to_its_shard_and_nothing_else_of_the_index_changes(project, tmp_path):
    site = project({**many(30, 2023, month=5), **FILES}, SHARDED)
    site.build()
    before = shard_files(site)
    site.write({"content/tin-tuc/2023/moi.md": article("Tin mới nhất về hội thảo", "2023-05-29",
                                                       body="Hội thảo về chuyển đổi số ở Hà Tĩnh.")})
    report = site.build()
    after = shard_files(site)
    assert report.search is not None and report.search.indexed == ("2023-05",)
    changed = {p for p in after if before.get(p) != after[p]}
    assert changed and all(p.startswith("2023-05/") for p in changed)
    newest = fragment(after, "2023-05/f/31.bin")  # numbered oldest first: the newest takes the next number
    assert newest["meta"]["title"] == "Tin mới nhất về hội thảo"
    assert all(after[p] == before[p] for p in before if p.startswith("2023-05/f/"))  # the others keep theirs
    clean = project_copy(site, tmp_path / "clean")
    clean.build()
    assert shard_files(clean) == after


def test_an_article_removed_or_dated_before_others_makes_its_shard_again_whole(project, tmp_path):
    site = project({**many(12, 2023, month=5), **FILES}, SHARDED)
    site.build()
    (site.root / "content/tin-tuc/2023/bai-4.md").unlink()
    site.write({"content/tin-tuc/2023/cu.md": article("Bài đến muộn", "2023-05-01")})
    report = site.build()
    assert report.search is not None and report.search.indexed == ("2023-05",)
    clean = project_copy(site, tmp_path / "clean")
    clean.build()
    assert shard_files(clean) == shard_files(site)


def test_an_edit_whose_text_before_is_unknown_makes_the_shard_whole_and_still_right(project, tmp_path):
    site = project({**many(40), **FILES}, SHARDED)
    site.build()
    path = site.root / "content/tin-tuc/2021/bai-3.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Đoạn hai", "Phần hai"), encoding="utf-8")
    site.build(search=False)  # the parse cache now holds the edit; the index does not
    path.write_text(path.read_text(encoding="utf-8").replace("Phần hai", "Mục hai"), encoding="utf-8")
    report = site.build()
    assert report.search is not None and report.search.indexed == ("2020-2022",)
    clean = project_copy(site, tmp_path / "clean")
    clean.build()
    assert shard_files(clean) == shard_files(site)


def test_an_unchanged_site_indexes_nothing_and_the_cache_may_go(project):
    site = project(FILES, SHARDED)
    site.build()
    files = shard_files(site)
    again = site.build()
    assert again.search is not None and again.search.indexed == () and again.written == ()
    shutil.rmtree(site.root / ".bantin-cache")
    cold = site.build()
    assert cold.search is not None and len(cold.search.indexed) == 3 and shard_files(site) == files


def test_a_site_indexed_by_pagefind_then_by_bantin_keeps_only_bantin_s_files(project):
    site = project(FILES, SHARDED.replace("[search]\n", '[search]\nengine = "pagefind"\n'))
    site.build()
    assert (site.out / "pagefind").is_dir()
    (site.root / "site.toml").write_text(SHARDED, encoding="utf-8")
    site.build()
    assert not (site.out / "pagefind").exists() and shard_files(site)


def test_an_unknown_engine_is_an_error_naming_the_setting(project):
    from bantin.language.errors import BuildFailed

    site = project(FILES, SITE_TOML + '\n[search]\nengine = "lunr"\n')
    with pytest.raises(BuildFailed) as failed:
        site.build()
    assert "search.engine" in str(failed.value) and "pagefind" in str(failed.value)


def test_the_index_made_by_worker_processes_equals_the_one_made_here(project, tmp_path):
    site = project({**many(130, 2021), **many(130, 2023)}, SHARDED)
    report = site.build(jobs=2)  # forked workers, started with the build
    assert report.search is not None and len(report.search.indexed) >= 2
    here = project_copy(site, tmp_path / "here")
    here.build(jobs=1)
    assert shard_files(here) == shard_files(site)


def test_the_build_indexes_beside_its_one_worker_each_shard_once(project, monkeypatch, tmp_path):
    """With two cores, one worker indexes while the build renders; the build then takes the shards left."""
    import os
    import time

    site = project({**many(70, 2011), **many(70, 2016), **many(70, 2021), **many(70, 2026)}, SHARDED)
    config = load_config(site.root)
    loaded = load(config, BuildOptions(), 2)
    assert len(loaded.shards) >= 4
    here, log = os.getpid(), tmp_path / "indexed"
    update = engine.update_shard

    def logged(task: engine.Task, *args):  # the worker is slow: the build must take shards of its own
        if os.getpid() != here:
            time.sleep(1)
        with log.open("a", encoding="utf-8") as out:
            out.write(f"{os.getpid()} {task.name}\n")
        return update(task, *args)

    monkeypatch.setattr(engine, "update_shard", logged)
    with searching.Indexer.for_build(loaded, config, True, 2, b"") as indexer:
        assert indexer is not None and len(indexer.workers) == 1
        names = [result.name for result in indexer.results()]
    assert sorted(names) == sorted(shard.name for shard in loaded.shards)  # each once
    by = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    assert sorted(name for _, name in by) == sorted(names)
    indexed_by = {pid for pid, _ in by}
    assert str(here) in indexed_by and len(indexed_by) == 2  # the build and its worker


def test_a_build_given_up_stops_its_index_workers(project):
    import multiprocessing

    from bantin.language.errors import Cancelled

    site = project({**many(130, 2021), **many(130, 2023)}, SHARDED)
    asked: list[str] = []

    def cancelled() -> bool:
        asked.append("")
        return len(asked) > 2  # after the photos: while the pages render and the workers index

    with pytest.raises(Cancelled):
        from bantin.builder.pipeline import build

        build(load_config(site.root), BuildOptions(jobs=2), cancelled=cancelled)
    # the index's workers are stopped (the render pool's end on their own, as it was shut down without waiting)
    assert not [child for child in multiprocessing.active_children() if child.name == searching.WORKER_NAME]
    assert not site.out.exists()  # nothing half-written
    report = site.build(jobs=2)
    assert report.plan is not None  # the cache holds the shards' folders, no work left by the build given up
    assert sorted(p.name for p in (site.root / engine.CACHE_DIR).iterdir()) == sorted(
        shard.name for shard in report.plan.shards)
