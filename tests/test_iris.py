"""IRIs: readable, deterministic, under the configured base; stable across page order and adds."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kb.build import build
from kb.config import resolve
from kb.iris import Minter, reserved_page_id, segment, to_uri

from conftest import SEEDS

BASE = "http://example.org/kb/"


@pytest.mark.parametrize("kind, name, path", [
    ("person", "史根治", "person/史根治"),                                # Chinese stays readable
    ("organization", "许昌市司法局", "organization/许昌市司法局"),
    ("organization", "睿众信息技术（上海）有限公司", "organization/睿众信息技术（上海）有限公司"),
    ("project", "5G AI交通信号系统", "project/5G%20AI交通信号系统"),      # a space is encoded
    ("event", "a/b?c#d", "event/a%2Fb%3Fc%23d"),                          # no extra path, query, fragment
    ("place", "100%", "place/100%25"),
    ("person", 'a"<b>', "person/a%22%3Cb%3E"),
])
def test_iris_entity_iri_is_readable_and_safe(kind, name, path):
    iri = Minter(BASE).entity(kind, name)
    assert iri.value == BASE + path
    assert ox.NamedNode(iri.value) == iri  # a valid IRI


@pytest.mark.parametrize("kind, name, qualifier, path", [
    ("person", "张平", "北京邮电大学", "person/张平~北京邮电大学"),           # told apart by an organization
    ("person", "张平", "睿众（上海）/公司", "person/张平~睿众（上海）%2F公司"),
    ("event", "市政府常务会议", "2020-12-23", "event/市政府常务会议/2020-12-23"),  # a meeting of one date
    ("event", "市政府常务会议/2020-12-23", None, "event/市政府常务会议%2F2020-12-23"),  # never the same
])
def test_iris_qualified_entity_iri(kind, name, qualifier, path):
    iri = Minter(BASE).entity(kind, name, qualifier)
    assert iri.value == BASE + path
    assert to_uri(iri.value) == to_uri(BASE) + to_uri(path)  # '~' needs no encoding in a URI either


@pytest.mark.parametrize("page_id, reserved", [
    ("entities", True), ("void", True), ("..", True), ("000_a3ac", False), ("entities2", False),
])
def test_iris_reserved_page_ids(page_id, reserved):
    assert (reserved_page_id(page_id) is not None) is reserved


@pytest.mark.parametrize("make, path", [
    (lambda m: m.page("000_a3ac"), "page/000_a3ac"),
    (lambda m: m.item("000_a3ac", 0), "article/000_a3ac/1"),
    (lambda m: m.post("000_a3ac", 2), "post/000_a3ac/3"),
    (lambda m: m.mention("000_a3ac", 120, 123), "mention/000_a3ac/120-123"),
    (lambda m: m.role("市长"), "role/市长"),
    (lambda m: m.graph("000_a3ac"), "graph/000_a3ac"),
    (lambda m: m.ontology(), "ontology"),
    (lambda m: m.kb.Page, "ontology#Page"),
    (lambda m: m.dataset(), "dataset"),
    (lambda m: m.dump("kb.ttl.gz"), "dumps/kb.ttl.gz"),
])
def test_iris_every_kind_of_iri_is_under_the_base(make, path):
    assert make(Minter(BASE)).value == BASE + path


def test_iris_mention_parts_are_fragments_of_the_mention():
    mint = Minter(BASE)
    mention = mint.mention("p", 1, 4)
    assert mint.mention_part(mention, "selector").value == BASE + "mention/p/1-4#selector"


def test_iris_unknown_ontology_term_is_an_error():
    with pytest.raises(AttributeError, match="Pgae is not a term"):
        Minter(BASE).kb.Pgae


@pytest.mark.parametrize("iri, uri", [
    ("http://h/person/史根治", "http://h/person/%E5%8F%B2%E6%A0%B9%E6%B2%BB"),
    ("http://h/event/a%2Fb", "http://h/event/a%2Fb"),  # already-encoded stays as is
])
def test_iris_to_uri_encodes_non_ascii_only(iri, uri):
    assert to_uri(iri) == uri


def test_iris_segment_keeps_chinese_punctuation():
    assert segment("中国·许昌第三届5G泛在峰会") == "中国·许昌第三届5G泛在峰会"


def _iris(data: Path) -> set[str]:
    store = ox.Store.read_only(str(data / "current" / "store"))
    return {term.value for quad in store for term in (quad.subject, quad.object) if isinstance(term, ox.NamedNode)}


def _build(files: list[Path], data: Path) -> set[str]:
    build(files, resolve({"data_dir": data, "base": BASE}), progress=False)
    return _iris(data)


def test_iris_same_in_any_page_order_and_kept_when_pages_are_added(tmp_path):
    pages = sorted(SEEDS.glob("*.txt"))
    forward = _build(pages, tmp_path / "a")
    backward = _build(pages[::-1], tmp_path / "b")
    fewer = _build(pages[:-1], tmp_path / "c")
    assert forward == backward
    assert any("~" in iri for iri in forward)  # qualified IRIs are part of what must stay stable
    minted = {iri for iri in fewer if iri.startswith(BASE)}
    assert minted and minted <= forward  # nothing renamed when a page is added
    assert not any(iri.startswith("http://127.0.0.1:8000/") for iri in forward)


def test_iris_no_blank_nodes_anywhere(tmp_path):
    build([sorted(SEEDS.glob("*.txt"))[0]], resolve({"data_dir": tmp_path, "base": BASE}), progress=False)
    store = ox.Store.read_only(str(tmp_path / "current" / "store"))
    blank = [q for q in store if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)]
    assert len(store) > 0 and blank == []
