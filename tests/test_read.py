"""Reading page files: encodings detected, bad files refused with a clear reason, and
`kb extract` printing what a page yields."""
from __future__ import annotations

import codecs
import json

import pytest

from kb.errors import PageError
from kb.stages.read import read_page

from conftest import SEEDS, run_kb

TEXT = "本报讯（记者 高伟山）4 月 8 日，市委书记史根治主持召开市委常委会会议，研究疫情防控等工作。\n"


@pytest.mark.parametrize("data, encoding", [
    (TEXT.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("gb18030"), "gb18030"),
    (TEXT.encode("gbk"), "gb18030"),
    (TEXT.encode("utf-16"), "utf-16"),
])
def test_read_detects_encodings(tmp_path, data, encoding):
    path = tmp_path / "page.txt"
    path.write_bytes(data)
    page = read_page(path)
    assert (page.source, page.encoding, page.id) == (TEXT, encoding, "page")


@pytest.mark.parametrize("data, reason", [
    (b"", "empty file"),
    (b" \n\r\n\t ", "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    (bytes(range(1, 32)) * 40 + TEXT.encode("gb18030"), "binary file"),
    (b"hello world, this is not a Chinese newspaper page\n" * 5, "not a newspaper page"),
    (codecs.BOM_UTF8 + b"\xff\xfe\xfa" + TEXT.encode("utf-8"), "not valid UTF-8-SIG"),
])
def test_read_refuses_bad_files_with_a_reason(tmp_path, data, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(PageError) as err:
        read_page(path)
    assert reason in err.value.reason and err.value.path == str(path)


def test_read_refuses_missing_and_unreadable_paths(tmp_path):
    with pytest.raises(PageError, match="unreadable"):
        read_page(tmp_path / "missing.txt")
    with pytest.raises(PageError, match="unreadable"):
        read_page(tmp_path)  # a directory


def test_read_extract_prints_items_as_json():
    result = run_kb("extract", SEEDS / "000_a3ac3aca2a99c87c.txt", "--format", "json")
    data = json.loads(result.stdout)
    items = data["items"]
    assert data["page"]["year"] == 2020 and "source" not in data["page"]
    assert {"news", "photo", "teaser"} <= {i["kind"] for i in items}
    news = next(i for i in items if i["kind"] == "news")
    assert news["reporters"] == ["石冠兵", "高伟山"] and news["date"] == "2020-12-23"


def test_read_extract_names_a_bad_page(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02binary")
    result = run_kb("extract", bad, check=False)
    assert result.returncode != 0
    assert str(bad) in result.stderr and "binary" in result.stderr


def test_read_gbk_page_segments_like_utf8(tmp_path):
    source = (SEEDS / "001_d0690dd036a74885.txt").read_text(encoding="utf-8")
    path = tmp_path / "gbk.txt"
    path.write_bytes(source.encode("gb18030"))
    from_gbk = json.loads(run_kb("extract", path, "--format", "json").stdout)["items"]
    from_utf8 = json.loads(run_kb("extract", SEEDS / "001_d0690dd036a74885.txt", "--format", "json").stdout)["items"]
    assert [(i["headline"], i["text"]) for i in from_gbk] == [(i["headline"], i["text"]) for i in from_utf8]
