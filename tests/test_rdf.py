"""The mapping to RDF, on hand-built pages: the contract's vocabulary written out, provenance,
mention offsets into the source, no duplicates in the union, reproducible builds."""
from __future__ import annotations

import gzip
import hashlib
import os
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox
import pytest

from kb import rdf
from kb.build import build
from kb.config import resolve
from kb.errors import ConfigError
from kb.iris import Minter
from kb.model import Entity, Item, Mention, Page, PageResult, Post
from kb.pipeline import stage_names
from kb.vocab import prefixes

from conftest import SEEDS
from entities_helpers import entity

BASE = "http://example.org/kb/"
WHEN = datetime(2020, 12, 23, 8, 0, tzinfo=timezone.utc)
SOURCE = "本报讯（记者 石冠兵）12月23日，市长史 根治出席许昌市人民政府会议。\n图为会场 本报记者牛书培摄"


def _page(path: Path, page_id: str = "p1") -> Page:
    """The page as normalize would give it: spaces dropped, offsets kept."""
    kept = [i for i, ch in enumerate(SOURCE) if ch != " "]
    text = "".join(SOURCE[i] for i in kept)
    path.write_text(SOURCE, encoding="utf-8")
    sha = hashlib.sha256(SOURCE.encode("utf-8")).hexdigest()
    return Page(page_id, str(path), SOURCE, text, (*kept, len(SOURCE)), sha, "utf-8", 2020)


def _result(page: Page) -> PageResult:
    text = page.text
    split = text.index("图为")
    report = Item(0, "news", "峰会开幕", ("副题",), ("石冠兵",), (), (), "12月23日", "2020-12-23", text[:split],
                  0, split, 0, split)
    photo = Item(1, "photo", None, (), (), (), ("牛书培",), None, None, text[split:], split, len(text), split,
                 len(text))
    name = text.index("史根治")
    org = text.index("许昌市人民政府")
    mentions = (
        Mention("person", "史根治", "史根治", 0, name, name + 3),
        Mention("person", "史根治", "史根治", 0, name, name + 3),  # found twice: one annotation
        Mention("organization", "许昌市人民政府", "许昌市人民政府", 0, org, org + 7),
        Mention("person", "石冠兵", "石冠兵", 0, 0, 0),  # a byline without a span
    )
    posts = (Post("史根治", "市长", "许昌市人民政府", 0, name - 2, name + 3, "2020-12-23"),)
    entities = (Entity("person", "史根治"), Entity("person", "石冠兵"), Entity("person", "牛书培"),
                Entity("organization", "许昌市人民政府", ("市政府",), "government"))
    return PageResult(page, (report, photo), mentions, entities, posts)


@pytest.fixture()
def result(tmp_path) -> PageResult:
    return _result(_page(tmp_path / "p1.txt"))


@pytest.fixture()
def store(result) -> ox.Store:
    mint = Minter(BASE)
    store = ox.Store()
    store.extend(rdf.page_quads(result, mint, WHEN))
    store.extend(rdf.entity_quads(rdf_entities(result), {"市长"}, mint))
    return store


def rdf_entities(result: PageResult) -> tuple[Entity, ...]:
    return tuple(sorted(result.entities, key=lambda e: (e.kind, e.name)))


def _select(store: ox.Store, query: str) -> list[ox.QuerySolution]:
    return list(store.query(query, prefixes=prefixes(BASE), use_default_graph_as_union=True))


def _ask(store: ox.Store, pattern: str) -> bool:
    return bool(store.query(f"ASK {{ {pattern} }}", prefixes=prefixes(BASE), use_default_graph_as_union=True))


# Each row: what CONTRACT.md section 4 requires, as a SPARQL pattern over the mapped page.
CONTRACT = [
    ("report is a NewsArticle", "<{b}article/p1/1> a schema:NewsArticle"),
    ("photo is a Photograph", "<{b}article/p1/2> a schema:Photograph"),
    ("headline @zh", '<{b}article/p1/1> schema:headline "峰会开幕"@zh'),
    ("dateline as printed", '<{b}article/p1/1> schema:dateline "12月23日"@zh'),
    ("normalized text", '<{b}article/p1/1> schema:text ?t FILTER(LANG(?t) = "zh" && CONTAINS(?t, "史根治"))'),
    ("photo caption", '<{b}article/p1/2> schema:text ?t FILTER(STRSTARTS(?t, "图为会场"))'),
    ("reporter is author", "<{b}article/p1/1> schema:author <{b}person/石冠兵>"),
    ("photographer is creator", "<{b}article/p1/2> schema:creator <{b}person/牛书培>"),
    ("mentions a person", "<{b}article/p1/1> schema:mentions <{b}person/史根治>"),
    ("mentions an organization", "<{b}article/p1/1> schema:mentions <{b}organization/许昌市人民政府>"),
    ("person name @zh", '<{b}person/史根治> a schema:Person ; schema:name "史根治"@zh'),
    ("organization full name", '<{b}organization/许昌市人民政府> a schema:Organization ; schema:name "许昌市人民政府"@zh'),
    ("organization short form", '<{b}organization/许昌市人民政府> schema:alternateName "市政府"@zh'),
    ("organization subtype", "<{b}organization/许昌市人民政府> a schema:GovernmentOrganization"),
    ("post", "?p a org:Membership ; org:member <{b}person/史根治> ; org:role ?r ; "
             "org:organization <{b}organization/许昌市人民政府> ; prov:wasDerivedFrom <{b}article/p1/1> ; "
             'dcterms:date "2020-12-23"^^xsd:date . ?r skos:prefLabel "市长"@zh'),
    ("item kind class", "<{b}article/p1/1> a kb:Report . <{b}article/p1/2> a kb:PhotoItem"),
]


@pytest.mark.parametrize("what, pattern", CONTRACT, ids=[row[0] for row in CONTRACT])
def test_rdf_states_the_contract_vocabulary_explicitly(store, what, pattern):
    assert _ask(store, pattern.format(b=BASE)), what


def test_rdf_mention_offsets_point_into_the_source(store, result):
    rows = _select(store, "SELECT ?start ?end ?item { ?m oa:hasBody <%sperson/史根治> ; oa:hasTarget ?t . "
                          "?t oa:hasScope ?item ; oa:hasSource ?page ; oa:hasSelector ?s . "
                          "?s oa:start ?start ; oa:end ?end }" % BASE)
    assert len(rows) == 1  # found twice, annotated once
    start, end, item = int(rows[0]["start"].value), int(rows[0]["end"].value), rows[0]["item"].value
    assert SOURCE[start:end] == "史 根治"  # as printed, stray space and all
    assert item == BASE + "article/p1/1"


def test_rdf_post_has_its_own_annotation(store):
    rows = _select(store, "SELECT ?start ?end { ?m oa:hasBody ?post ; oa:hasTarget/oa:hasSelector ?s . "
                          "?post a org:Membership . ?s oa:start ?start ; oa:end ?end }")
    assert [SOURCE[int(r["start"].value):int(r["end"].value)] for r in rows] == ["市长史 根治"]


def test_rdf_byline_without_span_gets_no_annotation(store):
    assert _ask(store, f"<{BASE}article/p1/1> schema:author <{BASE}person/石冠兵>")
    assert not _ask(store, f"?m oa:hasBody <{BASE}person/石冠兵>")


def _store_of(result: PageResult, roles: set[str] = frozenset()) -> ox.Store:
    store, mint = ox.Store(), Minter(BASE)
    store.extend(rdf.page_quads(result, mint, WHEN))
    store.extend(rdf.entity_quads(rdf_entities(result), set(roles), mint))
    return store


def test_rdf_byline_names_are_authors_and_creators_not_mentions(result):
    """石冠兵 wrote the report and 牛书培 took the photo: each named in its own item's byline span
    is its author or creator, never a schema:mentions of it (they would top "most mentioned")."""
    text = result.page.text
    shi, niu = text.index("石冠兵"), text.index("牛书培")
    spans = (Mention("person", "石冠兵", "石冠兵", 0, shi, shi + 3), Mention("person", "牛书培", "牛书培", 1, niu, niu + 3))
    store = _store_of(replace(result, mentions=(*result.mentions, *spans)))
    for item, person, relation in (("1", "石冠兵", "author"), ("2", "牛书培", "creator")):
        assert _ask(store, f"<{BASE}article/p1/{item}> schema:{relation} <{BASE}person/{person}>")
        assert not _ask(store, f"?a schema:mentions <{BASE}person/{person}>")
        assert _ask(store, f"?m oa:hasBody <{BASE}person/{person}>")  # the span still identifies the person
    assert _ask(store, f"<{BASE}article/p1/1> schema:mentions <{BASE}person/史根治>")


POST_FORMS = [
    # (post, what is stated, what is not)
    (Post("史根治", "原市长", "许昌市人民政府", 0, 0, 5, "2020-12-23", "市长", True),
     '?p org:role <{b}role/市长> ; skos:altLabel "原市长"@zh ; kb:former true',
     "?p dcterms:date ?d"),  # held before the item's date, not on it
    (Post("史根治", "许昌市长", "许昌市人民政府", 0, 0, 5, "2020-12-23", "市长"),
     '?p org:role <{b}role/市长> ; skos:altLabel "许昌市长"@zh ; dcterms:date "2020-12-23"^^xsd:date',
     "?p kb:former ?f"),
    (Post("史根治", "市长", "许昌市人民政府", 0, 0, 5, "2020-12-23"),
     "?p org:role <{b}role/市长> ; dcterms:date ?d",
     "?p skos:altLabel ?l"),  # printed as the role: no label of its own
]


@pytest.mark.parametrize("post, stated, absent", POST_FORMS)
def test_rdf_post_states_its_role_printed_title_and_whether_still_held(result, post, stated, absent):
    store = _store_of(replace(result, posts=(post,)), {post.held_role()})
    assert _ask(store, "?p a org:Membership, kb:Post . " + stated.format(b=BASE))
    assert not _ask(store, "?p a org:Membership . " + absent)
    assert _ask(store, f'<{BASE}role/市长> a org:Role ; skos:prefLabel "市长"@zh')


@pytest.mark.parametrize("text, name", [
    ("二十国集团领导人峰会开幕。", "二十国集团"),  # ends in 集团, a company's suffix
    ("亚洲开发银行行长讲话。", "亚洲开发银行"),  # ends in 银行
])
def test_rdf_groups_of_states_are_found_intergovernmental(text, name):
    assert entity(text, "organization", name).subtype == "intergovernmental"


def test_rdf_intergovernmental_group_is_no_company():
    entities = (Entity("organization", "二十国集团", subtype="intergovernmental"),)
    store = ox.Store()
    store.extend(rdf.entity_quads(entities, set(), Minter(BASE)))
    assert _ask(store, f"<{BASE}organization/二十国集团> a schema:Organization, kb:IntergovernmentalOrganization")
    assert not _ask(store, f"<{BASE}organization/二十国集团> a schema:Corporation")


def test_rdf_page_graph_has_provenance(store, result):
    g, page = f"{BASE}graph/p1", f"{BASE}page/p1"
    assert _ask(store, f"""GRAPH <{g}> {{ <{g}> a prov:Entity ; prov:wasDerivedFrom <{page}> ;
        prov:generatedAtTime "2020-12-23T08:00:00Z"^^xsd:dateTime ; prov:wasGeneratedBy ?run .
        ?run prov:used <{page}> ; prov:wasAssociatedWith ?kb .
        <{page}> kb:sha256 "{result.page.sha256}"^^xsd:hexBinary ; dcterms:source "p1.txt" }}""")
    stages = {r["s"].value for r in _select(store, f"SELECT ?s {{ <{BASE}extraction/p1> kb:stage ?s }}")}
    assert stages == set(stage_names())


def test_rdf_entities_graph_has_provenance(store):
    g = f"{BASE}graph/entities"
    assert _ask(store, f"""GRAPH <{g}> {{ <{g}> a prov:Entity ; prov:wasGeneratedBy ?run ; prov:wasAttributedTo ?kb .
        ?run a kb:Resolution ; prov:wasAssociatedWith ?kb ; kb:stage ?stage FILTER(STRSTARTS(?stage, "kb.resolve.")) }}""")


def test_rdf_every_page_fact_is_in_the_page_graph_and_no_blank_nodes(result):
    quads = list(rdf.page_quads(result, Minter(BASE), WHEN))
    assert {q.graph_name.value for q in quads} == {BASE + "graph/p1"}
    assert not [q for q in quads if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)]


def test_rdf_extraction_time_is_source_date_epoch_else_file_mtime(result, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1608681600")
    assert rdf.source_time(result.page.path) == datetime(2020, 12, 23, tzinfo=timezone.utc)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    os.utime(result.page.path, (1609459200, 1609459200))
    assert rdf.source_time(result.page.path) == datetime(2021, 1, 1, tzinfo=timezone.utc)


def test_rdf_bad_source_date_epoch_is_named(result, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ConfigError, match="SOURCE_DATE_EPOCH='yesterday'"):
        rdf.source_time(result.page.path)


def test_rdf_union_of_two_pages_has_no_duplicate_triples(tmp_path):
    mint = Minter(BASE)
    results = [_result(_page(tmp_path / f"{pid}.txt", pid)) for pid in ("p1", "p2")]
    quads = [q for r in results for q in rdf.page_quads(r, mint, WHEN)]
    quads += rdf.entity_quads(rdf_entities(results[0]), {"市长"}, mint)
    triples = [q.triple for q in quads]
    assert len(triples) == len(set(triples))


@pytest.mark.parametrize("fact, pattern", [
    (("investment", "3630000000"), '<{b}project/X项目> kb:investment 3630000000.0'),
    (("signed", "true"), "<{b}project/X项目> kb:signed true"),
    (("location", "襄城县"), "<{b}project/X项目> schema:location <{b}place/襄城县>"),
    (("owner", "瑞达公司"), "<{b}project/X项目> kb:owner <{b}organization/瑞达公司>"),
    (("capacity", "年产14600吨"), '<{b}project/X项目> kb:capacity "年产14600吨"@zh'),
])
def test_rdf_project_facts(fact, pattern):
    quads = rdf.entity_quads((Entity("project", "X项目", facts=(fact,)),), set(), Minter(BASE))
    store = ox.Store()
    store.extend(quads)
    assert _ask(store, pattern.format(b=BASE))


def test_rdf_place_hierarchy_and_event_date():
    entities = (Entity("place", "库庄镇", subtype="town", facts=(("containedIn", "襄城县"),)),
                Entity("event", "市政府常务会议", facts=(("date", "2020-12-23"),)))
    store = ox.Store()
    store.extend(rdf.entity_quads(entities, set(), Minter(BASE)))
    assert _ask(store, f"<{BASE}place/库庄镇> a kb:Town, schema:AdministrativeArea ; "
                       f"schema:containedInPlace <{BASE}place/襄城县>")
    assert _ask(store, f'<{BASE}event/市政府常务会议> schema:startDate "2020-12-23"^^xsd:date')


def test_rdf_ontology_is_rebased_onto_the_kb_base():
    quads = rdf.ontology_quads(Minter(BASE))
    iris = {t.value for q in quads for t in (q.subject, q.object) if isinstance(t, ox.NamedNode)}
    assert BASE + "ontology" in iris and BASE + "ontology#Page" in iris
    assert not [i for i in iris if i.startswith("http://127.0.0.1:8000/")]
    assert {q.graph_name.value for q in quads} == {BASE + "ontology"}


def _quads(data: Path) -> bytes:
    with gzip.open(data / "current" / "dumps" / "kb.nq.gz") as dump:
        return b"\n".join(sorted(dump.read().splitlines()))


def test_rdf_two_builds_of_the_same_pages_give_the_same_quads(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    pages = sorted(SEEDS.glob("*.txt"))[:2]
    for name in ("a", "b"):
        build(pages, resolve({"data_dir": tmp_path / name, "base": BASE}), progress=False)
    first, second = _quads(tmp_path / "a"), _quads(tmp_path / "b")
    assert first == second and b"generatedAtTime" in first
