"""The pieces behind the pages, on hand-built inputs: mention highlighting, the per-version
index (search ranking, newest-first links, co-mentions, posts), ETag revalidation rules."""
from __future__ import annotations

import gzip
import re
from datetime import datetime, timezone
from types import SimpleNamespace

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kb.web import caching, index, views

EX = "http://example.org/"
SCHEMA, ORG, SKOS = "http://schema.org/", "http://www.w3.org/ns/org#", "http://www.w3.org/2004/02/skos/core#"
DCTERMS, PROV = "http://purl.org/dc/terms/", "http://www.w3.org/ns/prov#"
NAMES = {"许昌": "place/许昌", "许昌市司法局": "organization/许昌市司法局", "市司法局": "organization/许昌市司法局",
         "史根治": "person/史根治"}


@pytest.mark.parametrize("text, expected", [
    ("史根治主持会议", [[("史根治", "person/史根治"), ("主持会议", None)]]),
    ("许昌市司法局召开会议", [[("许昌市司法局", "organization/许昌市司法局"), ("召开会议", None)]]),
    ("市司法局和许昌", [[("市司法局", "organization/许昌市司法局"), ("和", None), ("许昌", "place/许昌")]]),
    ("没有名字", [[("没有名字", None)]]),
    ("第一段\n\n史根治", [[("第一段", None)], [("史根治", "person/史根治")]]),
    ("", []),
])
def test_pages_units_highlight_links_longest_names(text, expected):
    spans = views.highlight(text, NAMES)
    assert [[(s["text"], s.get("iri")) for s in para] for para in spans] == expected


def test_pages_units_highlight_without_names_keeps_text():
    assert views.highlight("一段文字", {}) == [[{"text": "一段文字"}]]


def _quad(s: str, p: str, o: ox.NamedNode | ox.Literal) -> ox.Quad:
    return ox.Quad(ox.NamedNode(EX + s), ox.NamedNode(p), o)


def _zh(text: str) -> ox.Literal:
    return ox.Literal(text, language="zh")


def _date(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))


@pytest.fixture(scope="module")
def kb() -> ox.Store:
    """Three articles on three dates; 甲 holds 市长 then 市委书记; 乙 and 某局 appear beside 甲."""
    store = ox.Store()
    people = {"甲": "person/甲", "乙": "person/乙", "甲乙丙": "person/甲乙丙"}
    for name, path in people.items():
        store.add(_quad(path, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", ox.NamedNode(SCHEMA + "Person")))
        store.add(_quad(path, SCHEMA + "name", _zh(name)))
    store.add(_quad("organization/某局", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
                    ox.NamedNode(SCHEMA + "Organization")))
    store.add(_quad("organization/某局", SCHEMA + "name", _zh("许昌市某局")))
    store.add(_quad("organization/某局", SCHEMA + "alternateName", _zh("某局")))
    for i, (date, named) in enumerate([("2020-01-01", ["甲", "乙"]), ("2021-01-01", ["甲", "乙", "某局"]),
                                       ("2019-01-01", ["甲"])]):
        article = f"article/{i}"
        store.add(_quad(article, DCTERMS + "date", _date(date)))
        for name in named:
            target = people.get(name) or f"organization/{name}"
            store.add(_quad(article, SCHEMA + "mentions", ox.NamedNode(EX + target)))
    for i, (title, date) in enumerate([("市长", "2020-01-01"), ("市委书记", "2021-01-01")]):
        post = f"post/{i}"
        store.add(_quad(post, ORG + "member", ox.NamedNode(EX + "person/甲")))
        store.add(_quad(post, ORG + "role", ox.NamedNode(EX + f"role/{title}")))
        store.add(_quad(f"role/{title}", SKOS + "prefLabel", _zh(title)))
        store.add(_quad(post, DCTERMS + "date", _date(date)))
        store.add(_quad(post, PROV + "wasDerivedFrom", ox.NamedNode(EX + f"article/{i}")))
    return store


@pytest.fixture(scope="module")
def built(kb) -> index.Index:
    return index.build(kb)


@pytest.mark.parametrize("query, expected", [
    ("甲", ["甲", "甲乙丙"]),  # exact first, then names starting with it
    ("乙", ["乙", "甲乙丙"]),
    ("乙丙", ["甲乙丙"]),
    ("某局", ["许昌市某局"]),  # found by its short name
    ("许昌", ["许昌市某局"]),
    ("丁", []),
    ("  ", []),
])
def test_pages_units_search_ranks_exact_then_prefix_then_contains(built, query, expected):
    assert [e.name for e in built.search(query)] == expected


def test_pages_units_index_counts_and_lists(built):
    assert built.counts["person"] == 3 and built.counts["organization"] == 1
    assert [e.name for e in built.top("person", 2)] == ["甲", "乙"]
    assert [e.name for e in built.by_kind("person")] == sorted(["甲", "乙", "甲乙丙"])


def test_pages_units_mentioned_in_is_newest_first(built):
    assert built.mentioned_in[EX + "person/甲"] == [EX + "article/1", EX + "article/0", EX + "article/2"]


def test_pages_units_co_mentioned_counts_shared_articles(built):
    assert built.co_mentioned(EX + "person/甲", window=10, top=5) == {
        "person": [(EX + "person/乙", 2)], "organization": [(EX + "organization/某局", 1)]}
    assert built.co_mentioned(EX + "person/甲", window=1, top=5)["person"] == [(EX + "person/乙", 1)]


def test_pages_units_timeline_marks_the_latest_post_current(kb, built):
    timeline = views._timeline(kb, built, EX + "person/甲")
    assert [(p["title"], p["last"], p["current"]) for p in timeline] == [
        ("市委书记", "2021-01-01", True), ("市长", "2020-01-01", False)]
    assert [s["iri"] for s in timeline[0]["sources"]] == [EX + "article/1"]


MODIFIED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


@pytest.mark.parametrize("headers, expected", [
    ({}, False),
    ({"if-none-match": 'W/"abc"'}, True),
    ({"if-none-match": '"abc"'}, True),  # weak comparison
    ({"if-none-match": 'W/"x", W/"abc"'}, True),
    ({"if-none-match": "*"}, True),
    ({"if-none-match": 'W/"x"'}, False),
    ({"if-none-match": 'W/"x"', "if-modified-since": "Fri, 02 Jan 2026 03:04:05 GMT"}, False),  # ETag decides
    ({"if-modified-since": "Fri, 02 Jan 2026 03:04:05 GMT"}, True),
    ({"if-modified-since": "Sat, 03 Jan 2026 00:00:00 GMT"}, True),
    ({"if-modified-since": "Thu, 01 Jan 2026 00:00:00 GMT"}, False),
    ({"if-modified-since": "not a date"}, False),
])
def test_pages_units_not_modified_follows_rfc9110(headers, expected):
    request = SimpleNamespace(headers=headers)
    assert caching.not_modified(request, 'W/"abc"', MODIFIED) is expected


def test_pages_units_bodies_drop_least_recently_used():
    pages = {name: caching.CachedPage(name.encode() * 8, False) for name in ("a", "b")}
    bodies = caching.Bodies(budget=160)
    bodies.put(("a",), pages["a"])
    bodies.put(("b",), pages["b"])
    assert bodies.get(("a",)) == pages["a"]
    for i in range(20):
        bodies.put((i,), caching.CachedPage(b"z" * 8, False))
    assert bodies.get(("a",)) is None and bodies.get((19,)) == caching.CachedPage(b"z" * 8, False)
    bodies.put(("huge",), caching.CachedPage(b"h" * 100, False))  # more than a sixteenth of the budget: not kept
    assert bodies.get(("huge",)) is None


def test_pages_units_kept_pages_are_gzip_of_the_body():
    body = "史根治主持会议。".encode() * 100
    page = caching.CachedPage.of(body, True)
    assert gzip.decompress(page.gzipped) == body and page.size < len(body) // 5


@given(st.text(alphabet="许昌市司法局史根治和", max_size=30),
       st.lists(st.text(alphabet="许昌市司法局史根治", min_size=1, max_size=6), max_size=6))
def test_pages_units_highlight_matches_a_longest_first_alternation(text, names):
    """The spans are those of one regex alternation of the names, longest first."""
    table = {name: f"iri/{name}" for name in names}
    pattern = re.compile("|".join(map(re.escape, sorted(table, key=len, reverse=True)))) if table else None
    expected = [(m.start(), m.end()) for m in pattern.finditer(text)] if pattern and text.strip() else []
    spans = views.highlight(text, table)
    linked, at = [], 0
    for span in (spans[0] if spans else []):
        if "iri" in span:
            linked.append((at, at + len(span["text"])))
        at += len(span["text"])
    offset = len(text) - len(text.lstrip())  # paragraphs are stripped
    assert [(s + offset, e + offset) for s, e in linked] == expected
