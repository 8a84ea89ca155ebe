"""Telling same-named entities apart from what one page states (kb.identity): people by a post
at a body elsewhere, recurring meetings by date; resolution keeps them apart, order-free and stable;
the qualified IRIs dereference (asked of the app in-process)."""
from __future__ import annotations

import itertools
import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
import rdflib

from kb import rdf
from kb.build import build
from kb.config import resolve as settings_of
from kb.identity import event_date, is_elsewhere, is_recurring, person_qualifiers, qualify
from kb.iris import Minter
from kb.model import Entity, Item, Mention, Page, PageResult, Post
from kb.stages.resolve import resolve
from kb.vocab import prefixes

from conftest import SEEDS, run_kb

BASE = "http://example.org/kb/"
HOME = settings_of({}, environ={})  # 许昌市, 河南省
SCHEMA = "http://schema.org/"
WHEN = datetime(2020, 12, 23, tzinfo=timezone.utc)


@pytest.mark.parametrize("name, expected", [
    ("市政府常务会议", True),
    ("市委常委会会议", True),
    ("市委常委会（扩大）会议", True),         # an aside does not hide the kind
    ("中央经济工作会议", True),
    ("市政府第20次常务会议", False),          # the edition is in the name
    ("2021年全市经济工作会议", False),
    ("十九届五中全会", False),
    ("全市优化营商环境工作推进会", False),    # not a recurring kind
    ("北京冬奥会", False),
])
def test_identity_recurring_meetings(name, expected):
    assert is_recurring(name) is expected


@pytest.mark.parametrize("organization, expected", [
    ("北京邮电大学", True),                      # another province
    ("中国工程院", True),                        # national
    ("睿众信息技术（上海）有限公司", True),
    ("许昌市人民政府", False),                   # home city
    ("中共许昌市委员会", False),
    ("河南省工信厅", False),                     # home province
    ("襄城县人民医院", False),                   # unclear: may be a county of the home city
    ("瑞贝卡集团", False),                       # no place named: unclear
])
def test_identity_bodies_elsewhere(organization, expected):
    assert is_elsewhere(organization, ("河南", "河南省", "许昌", "许昌市")) is expected


def _posts(*held: tuple[str, str, str | None]) -> tuple[Post, ...]:
    return tuple(Post(person, title, org, 0, 10 * i, 10 * i + 5) for i, (person, title, org) in enumerate(held))


@pytest.mark.parametrize("posts, expected", [
    (_posts(("张平", "教授", "北京邮电大学")), {"张平": "北京邮电大学"}),
    (_posts(("张平", "市长", "许昌市人民政府")), {}),
    (_posts(("张平", "院士", "中国工程院"), ("张平", "教授", "北京邮电大学")), {"张平": "中国工程院"}),  # the first
    (_posts(("张平", "教授", "北京邮电大学"), ("张平", "市政协委员", "政协许昌市委员会")), {}),  # also home
    (_posts(("王凤霞", "护士长", "襄城县人民医院")), {}),
    (_posts(("张平", "教授", None)), {}),
    (_posts(("张~平", "教授", "北京邮电大学")), {}),  # would be ambiguous with the separator
])
def test_identity_person_qualifier_from_posts(posts, expected):
    home = ("河南", "河南省", "许昌", "许昌市")
    assert person_qualifiers(posts, home) == {("person", k): v for k, v in expected.items()}


def test_identity_home_comes_from_settings():
    beijing = settings_of({"city": "北京市", "province": "北京市"}, environ={})
    page = _page_result("p", "北京邮电大学教授张平作报告。", "2020-12-23",
                        posts=(("张平", "教授", "北京邮电大学"),))
    assert {e.qualifier for e in qualify(page, beijing).entities} == {None}
    assert {e.qualifier for e in qualify(page, HOME).entities} == {"北京邮电大学"}


@pytest.mark.parametrize("facts, expected", [
    ((("date", "2020-12-23"),), "2020-12-23"),                       # the date its sentence states
    ((), None),                                                       # none stated: the item's date is no guess
    ((("date", "2020-12-23"), ("date", "2021-01-05")), None),
    ((("date", "--12-23"),), None),                                   # year unknown: no guess
])
def test_identity_event_date_only_as_stated(facts, expected):
    event = Entity("event", "市政府常务会议", items=(0,), facts=facts)
    assert event_date(event) == expected


def _page_result(page_id: str, text: str, date: str | None, posts=(), events=(), reporters=()) -> PageResult:
    """A one-item page whose every post, event and reporter is also an entity and a mention."""
    page = Page(page_id, page_id + ".txt", text, text, tuple(range(len(text) + 1)), "0" * 64, "utf-8", 2020)
    item = Item(0, "news", None, (), tuple(reporters), (), (), None, date, text, 0, len(text), 0, len(text))
    held = tuple(Post(p, t, o, 0, text.index(p), text.index(p) + len(p), date) for p, t, o in posts)
    names = [("person", p) for p, _, _ in posts] + [("event", e) for e in events]
    mentions = tuple(Mention(k, n, n, 0, text.index(n), text.index(n) + len(n)) for k, n in names)
    stated = (("date", date),) if date else ()  # each page states its meeting's date
    entities = tuple(Entity(k, n, items=(0,), facts=stated if k == "event" else ())
                     for k, n in dict.fromkeys(names + [("person", r) for r in reporters]))
    return PageResult(page, (item,), mentions, entities, held)


PAGES = {
    "a": _page_result("a", "北京邮电大学教授张平主持。市政府常务会议召开。", "2020-12-23",
                      posts=(("张平", "教授", "北京邮电大学"),), events=("市政府常务会议",), reporters=("张平",)),
    "b": _page_result("b", "市长张平主持市政府常务会议。", "2021-04-08",
                      posts=(("张平", "市长", "许昌市人民政府"),), events=("市政府常务会议",)),
    "c": _page_result("c", "会上传达市政府常务会议精神。", None, events=("市政府常务会议",)),
}


def _store(pages: list[PageResult]) -> ox.Store:
    mint, store = Minter(BASE), ox.Store()
    qualified = [qualify(p, HOME) for p in pages]
    for page in qualified:
        store.extend(rdf.page_quads(page, mint, WHEN))
    store.extend(rdf.entity_quads(resolve(p.entities for p in qualified), set(), mint))
    return store


def _rows(store: ox.Store, query: str) -> set[tuple[str, ...]]:
    result = store.query(query, prefixes=prefixes(BASE), use_default_graph_as_union=True)
    return {tuple(term.value if term else None for term in row) for row in result}


def test_identity_every_use_on_the_page_takes_the_qualified_iri():
    store = _store([PAGES["a"]])
    zhang = BASE + "person/张平~北京邮电大学"
    assert _rows(store, "SELECT ?p { ?post org:member ?p }") == {(zhang,)}
    assert _rows(store, "SELECT ?p { ?a schema:author ?p }") == {(zhang,)}
    meeting = BASE + "event/市政府常务会议/2020-12-23"
    assert _rows(store, "SELECT ?x { ?a schema:mentions ?x }") == {(meeting,)}  # its reporter is its author
    assert _rows(store, "SELECT ?x { ?m oa:hasBody ?x FILTER NOT EXISTS { ?x a org:Membership } }") == {
        (zhang,), (meeting,)}
    assert _rows(store, f"SELECT ?n ?d {{ <{zhang}> a schema:Person ; schema:name ?n ; "
                        "schema:disambiguatingDescription ?d }") == {("张平", "北京邮电大学")}


def test_identity_namesakes_stay_apart_and_only_see_also_each_other():
    store = _store(list(PAGES.values()))
    people = _rows(store, "SELECT ?p { ?p a schema:Person }")
    events = _rows(store, "SELECT ?e ?d { ?e a schema:Event OPTIONAL { ?e schema:startDate ?d } }")
    assert people == {(BASE + "person/张平~北京邮电大学",), (BASE + "person/张平",)}
    assert {e for e, *_ in events} == {BASE + "event/市政府常务会议/2020-12-23",
                                       BASE + "event/市政府常务会议/2021-04-08", BASE + "event/市政府常务会议"}
    see_also = _rows(store, "SELECT ?a ?b { ?a rdfs:seeAlso ?b }")
    assert (BASE + "person/张平", BASE + "person/张平~北京邮电大学") in see_also
    assert (BASE + "event/市政府常务会议/2021-04-08", BASE + "event/市政府常务会议") in see_also
    assert not _rows(store, "SELECT ?a { ?a owl:sameAs ?b }")


def test_identity_same_in_any_page_order_and_stable_when_pages_are_added():
    pages = list(PAGES.values())
    descriptions = {frozenset(q.triple for q in _store(list(order))) for order in itertools.permutations(pages)}
    assert len(descriptions) == 1
    before = {e for row in _rows(_store(pages[:1]), "SELECT ?e { ?e schema:name ?n }") for e in row}
    after = {e for row in _rows(_store(pages), "SELECT ?e { ?e schema:name ?n }") for e in row}
    assert before and before <= after


def test_identity_reserved_page_id_is_refused_by_name(tmp_path):
    seed = sorted(SEEDS.glob("*.txt"))[0]
    shutil.copy(seed, tmp_path / "entities.txt")
    report = build([seed, tmp_path / "entities.txt"], settings_of({"data_dir": tmp_path / "data", "base": BASE}),
                   progress=False)
    assert [(Path(e.path).name, "reserved" in e.reason) for e in report.skipped] == [("entities.txt", True)]
    store = ox.Store.read_only(str(tmp_path / "data" / "current" / "store"))
    graph = ox.NamedNode(BASE + "graph/entities")
    kinds = {q.object.value for q in store.quads_for_pattern(None, None, None, graph)
             if q.predicate.value.endswith("#type")}
    assert report.pages == 1 and SCHEMA + "Person" in kinds and SCHEMA + "NewsArticle" not in kinds


def _select(client: httpx.Client, query: str) -> list[str]:
    response = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    response.raise_for_status()
    return [row["x"]["value"] for row in response.json()["results"]["bindings"]]


QUALIFIED = {
    "person": "SELECT DISTINCT ?x { ?p <http://www.w3.org/ns/org#member> ?x FILTER(CONTAINS(STR(?x), '~')) }",
    "event": f"SELECT DISTINCT ?x {{ ?x a <{SCHEMA}Event> ; <{SCHEMA}startDate> ?d "
             "FILTER(STRENDS(STR(?x), CONCAT('/', STR(?d)))) }",
}


@pytest.mark.parametrize("kind", QUALIFIED)
def test_identity_qualified_iris_dereference(app, kind):
    found = _select(app, QUALIFIED[kind])
    assert found, f"the seed KB has no qualified {kind}"
    for iri in found:
        page = app.get(iri, headers={"Accept": "text/html"})
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        graph = rdflib.Graph().parse(data=app.get(iri, headers={"Accept": "text/turtle"}).text,
                                     format="turtle", publicID=iri)
        names = set(graph.objects(rdflib.URIRef(iri), rdflib.URIRef(SCHEMA + "name")))
        assert len(names) == 1 and str(names.pop()) in iri


def test_identity_seed_example_two_people_called_zhang_ping(app, base):
    """The issue's example: 北京邮电大学教授张平 is not the plain 张平 of the home city."""
    members = _select(app, "SELECT DISTINCT ?x { ?p <http://www.w3.org/ns/org#member> ?x ; "
                           "<http://www.w3.org/ns/org#organization>/<http://schema.org/name> '北京邮电大学'@zh }")
    assert base + "person/张平~北京邮电大学" in members


def test_identity_kb_extract_shows_the_qualifiers_the_build_uses():
    page = json.loads(run_kb("extract", SEEDS / "000_a3ac3aca2a99c87c.txt", "--format", "json").stdout)
    qualified = {(e["kind"], e["name"]): e["qualifier"] for e in page["entities"] if e["qualifier"]}
    assert qualified[("person", "张平")] == "北京邮电大学"
    assert all(kind in ("person", "event") for kind, _ in qualified)


def test_identity_namesakes_are_told_apart_on_pages(app, kb_data):
    """A qualified person's page says what tells it apart, and search lists it with that note."""
    out = run_kb("query", "SELECT ?e ?d ?n { ?e <http://schema.org/disambiguatingDescription> ?d ; "
                 "<http://schema.org/name> ?n ; a <http://schema.org/Person> } LIMIT 1",
                 "--data-dir", kb_data, "--format", "json")
    row = {k: v["value"] for k, v in json.loads(out.stdout)["results"]["bindings"][0].items()}
    page = app.get(row["e"], headers={"Accept": "text/html"})
    assert page.status_code == 200 and row["d"] in page.text
    hits = app.get("search", params={"q": row["n"], "format": "json"}).json()["results"]
    assert {"iri": row["e"], "note": row["d"]}.items() <= next(h for h in hits if h["iri"] == row["e"]).items()
