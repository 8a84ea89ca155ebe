"""An IRI's document (kb.web.documents): what it holds, how it pages, its JSON-LD profiles,
checked on the KB built from the seeds and on small hand-built stores."""
from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
import rdflib
import rdflib.compare
from pyld import jsonld

from kb.errors import ConfigError
from kb.store import DataDir
from kb.vocab import ORG, PREFIXES, RDF, SCHEMA, SKOS
from kb.web import documents, index

EX = "http://example.org/"


@pytest.fixture(scope="module")
def store(kb_data) -> ox.Store:
    return DataDir(kb_data).open_read()


def _one(store: ox.Store, query: str) -> str:
    return next(iter(store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True)))[0].value


@pytest.fixture(scope="module")
def poster(store) -> str:
    """A person who holds a post and is mentioned in an article."""
    return _one(store, "SELECT ?p { ?post org:member ?p . ?a schema:mentions ?p } LIMIT 1")


def _graph(triples) -> rdflib.Graph:
    return rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


def test_documents_gather_holds_own_triples_labels_and_incoming(store, poster):
    doc = documents.gather(store, poster)
    node = ox.NamedNode(poster)
    own = {(q.predicate, q.object) for q in store.quads_for_pattern(node, None, None, None)}
    assert own <= {(t.predicate, t.object) for t in doc.triples if t.subject == node}
    posts = [t.subject for t in doc.triples if t.predicate == ORG.member and t.object == node]
    mentions = [t.subject for t in doc.triples if t.predicate == SCHEMA.mentions and t.object == node]
    assert posts and mentions
    roles = [t.object for t in doc.triples if t.subject in posts and t.predicate == ORG.role]
    assert roles and all(any(t.subject == r and t.predicate == SKOS.prefLabel for t in doc.triples) for r in roles)
    assert all(any(t.subject == a and t.predicate == RDF.type for t in doc.triples) for a in mentions)


def _star(n: int) -> ox.Store:
    """n articles mentioning one person, each with a headline."""
    store = ox.Store()
    person = ox.NamedNode(EX + "person/甲")
    store.add(ox.Quad(person, SCHEMA.name, ox.Literal("甲", language="zh")))
    for i in range(n):
        article = ox.NamedNode(f"{EX}article/{i:03d}")
        store.add(ox.Quad(article, SCHEMA.mentions, person))
        store.add(ox.Quad(article, SCHEMA.headline, ox.Literal(f"标题{i}", language="zh")))
    return store


@pytest.mark.parametrize("total, size, page, shown, has_next", [
    (5, 2, 1, 2, True),
    (5, 2, 2, 2, True),
    (5, 2, 3, 1, False),
    (5, 2, 4, 0, False),
    (4, 2, 2, 2, False),
    (3, 0, 1, 0, True),
])
def test_documents_gather_pages_incoming_links(total, size, page, shown, has_next):
    doc = documents.gather(_star(total), EX + "person/甲", page=page, size=size)
    incoming = [t for t in doc.triples if t.predicate == SCHEMA.mentions]
    headlines = [t for t in doc.triples if t.predicate == SCHEMA.headline]
    assert (len(incoming), len(headlines), doc.has_next) == (shown, shown, has_next)


def test_documents_pages_cover_every_incoming_link_once():
    store, seen, page = _star(7), [], 1
    while True:
        doc = documents.gather(store, EX + "person/甲", page=page, size=3)
        seen += [t.subject.value for t in doc.triples if t.predicate == SCHEMA.mentions]
        if not doc.has_next:
            break
        page += 1
    assert sorted(seen) == [f"{EX}article/{i:03d}" for i in range(7)]


def test_documents_hash_nodes_belong_to_their_document():
    store = ox.Store()
    a, target, selector = (ox.NamedNode(EX + "mention/1" + part) for part in ("", "#target", "#selector"))
    start = ox.NamedNode("http://www.w3.org/ns/oa#start")
    store.add(ox.Quad(a, ox.NamedNode("http://www.w3.org/ns/oa#hasTarget"), target))
    store.add(ox.Quad(target, ox.NamedNode("http://www.w3.org/ns/oa#hasSelector"), selector))
    store.add(ox.Quad(selector, start, ox.Literal("4", datatype=ox.NamedNode(PREFIXES["xsd"] + "integer"))))
    doc = documents.gather(store, a.value)
    four = ox.Literal("4", datatype=ox.NamedNode(PREFIXES["xsd"] + "integer"))
    assert ox.Triple(selector, start, four) in doc.triples


@pytest.mark.parametrize("profile", ["expanded", "compacted", "framed"])
def test_documents_jsonld_profiles_hold_the_same_graph(store, poster, profile, base):
    doc = documents.gather(store, poster)
    data = documents.to_jsonld(doc, profile, base=base)
    parsed = rdflib.Graph().parse(data=json.dumps(data), format="json-ld")
    assert rdflib.compare.isomorphic(parsed, _graph(doc.triples))


@pytest.mark.parametrize("profile", ["compacted", "framed"])
def test_documents_jsonld_puts_the_iri_on_top(store, poster, profile, base):
    data = documents.to_jsonld(documents.gather(store, poster), profile, base=base)
    assert data["@id"] == poster
    assert data["@context"] == documents.context(base)["@context"]
    assert data["name"]


def test_documents_jsonld_expanded_has_no_context(store, poster, base):
    data = documents.to_jsonld(documents.gather(store, poster), "expanded", base=base)
    assert isinstance(data, list)
    assert poster in [node["@id"] for node in data]
    assert jsonld.expand(data) == data


@pytest.mark.parametrize("value, expected", [
    (None, "compacted"),
    ("", "compacted"),
    ("expanded", "expanded"),
    ("framed", "framed"),
    ("http://www.w3.org/ns/json-ld#compacted", "compacted"),
    ("http://www.w3.org/ns/json-ld#framed", "framed"),
])
def test_documents_profile_of_reads_names_and_iris(value, expected):
    assert documents.profile_of(value) == expected


def test_documents_profile_of_names_a_bad_profile():
    with pytest.raises(ConfigError, match="flattened"):
        documents.profile_of("flattened")


def test_documents_loader_never_fetches_remote_contexts():
    with pytest.raises(jsonld.JsonLdError, match="offline"):
        documents._loader("https://schema.org/")
    document = {"@context": "https://schema.org/", "name": "x"}
    with pytest.raises(jsonld.JsonLdError):
        jsonld.expand(document, options=documents.OPTIONS)


@pytest.mark.parametrize("fmt, rdflib_format", [
    (ox.RdfFormat.TURTLE, "turtle"),
    (ox.RdfFormat.N_TRIPLES, "nt"),
    (ox.RdfFormat.RDF_XML, "xml"),
])
def test_documents_rdf_formats_round_trip(store, poster, fmt, rdflib_format):
    doc = documents.gather(store, poster)
    parsed = rdflib.Graph().parse(data=documents.to_rdf(doc, fmt), format=rdflib_format)
    assert rdflib.compare.isomorphic(parsed, _graph(doc.triples))


def test_documents_exists_for_subjects_and_objects_only(store, poster):
    role = _one(store, "SELECT ?r { ?post org:role ?r } LIMIT 1")
    assert documents.exists(store, poster) and documents.exists(store, role)
    assert not documents.exists(store, poster + "不存在")


def test_documents_index_labels_give_the_same_document(store, poster):
    """The served Index's labels stand in for store lookups without changing a triple."""
    labels = index.build(store).labels
    for iri in (poster, _one(store, "SELECT ?a { ?a schema:mentions ?m } LIMIT 1")):
        assert documents.gather(store, iri, labels=labels).triples == documents.gather(store, iri).triples


def test_documents_unlinked_document_is_the_iri_alone(store, poster):
    doc = documents.gather(store, poster, size=0, linked=False)
    node = ox.NamedNode(poster)
    assert doc.triples and {t.subject for t in doc.triples} == {node}
    assert set(doc.triples) == {ox.Triple(q.subject, q.predicate, q.object)
                                for q in store.quads_for_pattern(node, None, None, None)}


@pytest.mark.parametrize("profile", ["compacted", "expanded", "framed"])
def test_documents_dumps_is_json_dumps(store, poster, profile, base):
    """The context encoded once gives the same JSON as encoding the whole document."""
    article = _one(store, "SELECT ?a { ?a a schema:NewsArticle } LIMIT 1")
    for iri in (poster, article):
        document = documents.to_jsonld(documents.gather(store, iri), profile, base=base)
        assert json.loads(documents.dumps(document, base)) == document
