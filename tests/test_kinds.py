"""The one table of kinds (kb.kinds) agrees with the ontology it names, with the IRIs minted
and read back from it, and with the site: every kind is listed, browsed and labelled."""
from __future__ import annotations

import httpx
import lxml.html
import pyoxigraph as ox
import pytest

from kb import corrections
from kb.iris import Minter
from kb.kinds import ENTITY_KINDS, ITEM_CLASSES, SUBTYPES
from kb.rdf import rebased
from kb.vocab import PREFIXES, RDF

BASE = "http://example.org/kb/"


def test_kinds_name_only_classes_the_ontology_declares():
    owl_class = ox.NamedNode(PREFIXES["owl"] + "Class")
    ontology = ox.parse(rebased("kb.ttl", BASE), format=ox.RdfFormat.TURTLE)
    declared = {t.subject.value for t in ontology if t.predicate == RDF.type and t.object == owl_class}
    named = {*ITEM_CLASSES.values(), *(c for s in SUBTYPES.values() for c in s.classes if isinstance(c, str))}
    assert {n for n in named if f"{BASE}ontology#{n}" not in declared} == set()
    assert {s.kind for s in SUBTYPES.values()} <= set(ENTITY_KINDS)


@pytest.mark.parametrize("kind", sorted(ENTITY_KINDS))
@pytest.mark.parametrize("qualifier", [None, "2020-12-23"])
def test_kinds_iris_read_back_as_their_kind(kind: str, qualifier: str | None):
    path = Minter(BASE).entity(kind, "许昌市司法局", qualifier).value.removeprefix(BASE)
    assert path.split("/")[0] == ENTITY_KINDS[kind].path
    assert corrections.entity_key(path) == (kind, "许昌市司法局", qualifier)


def test_kinds_home_links_every_browse_list_by_its_label(client: httpx.Client):
    page = lxml.html.fromstring(client.get("", headers={"Accept": "text/html"}).text)
    links = {a.get("href"): a.text_content() for a in page.iterfind(".//ul[@class='counts']//a")}
    assert {href.removeprefix("./") for href in links} == {f"browse/{kind}" for kind in ENTITY_KINDS}
    for kind in ENTITY_KINDS.values():
        assert links[f"./browse/{kind.path}"].endswith(kind.label)


@pytest.mark.parametrize("kind", sorted(ENTITY_KINDS))
def test_kinds_browse_list_is_headed_by_the_label(client: httpx.Client, kind: str):
    response = client.get(f"browse/{kind}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    page = lxml.html.fromstring(response.text)
    assert page.findtext(".//h1").strip() == ENTITY_KINDS[kind].label
    assert page.find(".//ul[@class='browse-list']/li") is not None  # the seed KB has some of every kind
