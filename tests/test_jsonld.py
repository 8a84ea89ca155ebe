"""kb.jsonld: compacted JSON-LD without pyld, proved equal to pyld's compaction (and
framing) with our context on every entity and article of the seed KB, and on hand-built nodes
for each rule of term selection and value compaction; the dumps' style gives back the same triples."""
from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from pyld import jsonld

from kb import jsonld as kb_jsonld
from kb.store import DataDir
from kb.web import documents
from kb.web.index import build as build_index

S = "http://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
BASE = "http://127.0.0.1:8000/"
ONTOLOGY = BASE + "ontology#"  # the context's kb: prefix under BASE
ME = "http://example.org/person/甲"
CLASSES = ("Person", "Organization", "Project", "Place", "Event", "NewsArticle", "Photograph")


@pytest.fixture(scope="module")
def store(kb_data) -> ox.Store:
    return DataDir(kb_data).open_read()


def _pages(store: ox.Store) -> list[str]:
    """Every entity and article of the KB."""
    values = " ".join(f"schema:{c}" for c in CLASSES)
    rows = store.query(f"SELECT DISTINCT ?s {{ VALUES ?c {{ {values} }} ?s a ?c }}",
                       prefixes={"schema": S}, use_default_graph_as_union=True)
    return sorted(row["s"].value for row in rows)


@pytest.mark.parametrize("profile", ["compacted", "framed"])
def test_jsonld_equals_pyld_on_every_page_of_the_seed_kb(store, profile, base):
    """The fast path serves these profiles; expanded never went through pyld's compaction."""
    labels = build_index(store).labels
    iris = _pages(store)
    assert len(iris) > 100
    for iri in iris:
        doc = documents.gather(store, iri, labels=labels)
        fast = documents.to_jsonld(doc, profile, base=base)
        reference = json.loads(json.dumps(documents.to_jsonld(doc, profile, use_pyld=True, base=base)))
        assert fast == reference, iri


@pytest.mark.parametrize("dump", [False, True], ids=["pages", "dumps"])
def test_jsonld_either_style_reads_back_as_the_triples_given(store, base, dump):
    """Every graph of the seed KB, compacted in the pages' and the dumps' style, parsed again."""
    compactor = kb_jsonld.Compactor(documents.context(base), dump=dump)
    graphs = list(store.named_graphs())
    assert len(graphs) > 4
    for graph in graphs:
        triples = sorted((q.triple for q in store.quads_for_pattern(None, None, None, graph)), key=str)
        document = {**documents.context(base), "@graph": kb_jsonld.nodes(compactor, triples)}
        read = ox.parse(json.dumps(document, ensure_ascii=False).encode("utf-8"), ox.RdfFormat.JSON_LD)
        assert {q.triple for q in read} == set(triples), graph


def _t(s: str, p: str, o: ox.Term) -> ox.Triple:
    return ox.Triple(ox.NamedNode(s), ox.NamedNode(p), o)


def _zh(text: str) -> ox.Literal:
    return ox.Literal(text, language="zh")


def _typed(text: str, datatype: str) -> ox.Literal:
    return ox.Literal(text, datatype=ox.NamedNode(XSD + datatype))


IRI = ox.NamedNode
CASES = [  # (the node's triples as (predicate, object), the compacted node without its @id)
    ("language term", [(S + "name", _zh("甲"))], {"name": "甲"}),
    ("plain literal under a language term: compact IRI", [(S + "name", ox.Literal("甲"))], {"schema:name": "甲"}),
    ("other language: compact IRI and value object", [(S + "name", ox.Literal("Jia", language="en"))],
     {"schema:name": {"@value": "Jia", "@language": "en"}}),
    ("both at once", [(S + "name", _zh("甲")), (S + "name", ox.Literal("甲"))], {"name": "甲", "schema:name": "甲"}),
    ("@set term: always an array", [(S + "alternateName", _zh("小甲"))], {"alternateName": ["小甲"]}),
    ("@id term", [(S + "isPartOf", IRI("http://example.org/page/1"))], {"isPartOf": "http://example.org/page/1"}),
    ("@id @set term, two values", [(S + "mentions", IRI("http://example.org/a")), (S + "mentions", IRI(S + "b"))],
     {"mentions": ["http://example.org/a", "schema:b"]}),
    ("literal under an @id term", [(S + "author", ox.Literal("甲"))], {"schema:author": "甲"}),
    ("IRI under a language term", [(S + "name", IRI("http://example.org/x"))],
     {"schema:name": {"@id": "http://example.org/x"}}),
    ("datatype term", [(S + "position", _typed("3", "integer"))], {"position": "3"}),
    ("other datatype", [(S + "position", _typed("3", "decimal"))],
     {"schema:position": {"@value": "3", "@type": "xsd:decimal"}}),
    ("term without a mapping takes anything", [("http://www.w3.org/2000/01/rdf-schema#label", _zh("标签")),
                                                ("http://www.w3.org/2000/01/rdf-schema#label", ox.Literal("x")),
                                                ("http://www.w3.org/2000/01/rdf-schema#label", IRI(S + "y"))],
     {"label": [{"@value": "标签", "@language": "zh"}, "x", {"@id": "schema:y"}]}),
    ("no prefix: the absolute IRI", [("http://example.org/p", ox.Literal("x"))], {"http://example.org/p": "x"}),
    ("one type: a term", [(RDF_TYPE, IRI(S + "Person"))], {"@type": "Person"}),
    ("types: terms, compact IRIs", [(RDF_TYPE, IRI(S + "Person")), (RDF_TYPE, IRI(S + "Thing")),
                                    (RDF_TYPE, IRI(ONTOLOGY + "Page"))], {"@type": ["Person", "schema:Thing", "Page"]}),
    ("the kb: prefix", [(ONTOLOGY + "unknownTerm", IRI(ONTOLOGY + "X"))], {"kb:unknownTerm": {"@id": "kb:X"}}),
    ("blank node value", [(S + "location", ox.BlankNode("b1"))], {"location": "_:b1"}),
]


@pytest.mark.parametrize("name, pairs, expected", CASES, ids=[c[0] for c in CASES])
def test_jsonld_node_compaction(name, pairs, expected):
    triples = [_t(ME, p, o) for p, o in pairs]
    node = kb_jsonld.nodes(kb_jsonld.Compactor(documents.context(BASE)), triples)[0]
    assert node == {"@id": ME, **expected}
    expanded = documents._types_as_keyword(json.loads(ox.serialize(triples, format=ox.RdfFormat.JSON_LD)))
    reference = jsonld.compact(expanded, documents.context_url(BASE), options=documents.COMPACT)
    assert {k: v for k, v in reference.items() if k != "@context"} == node  # pyld agrees


@pytest.mark.parametrize("context", [
    {"@context": {"@vocab": S}},
    {"@context": {"tags": {"@id": S + "keywords", "@container": "@list"}}},
    {"@context": {"kind": {"@id": S + "additionalType", "@type": "@vocab"}}},
    {"@context": [{"schema": S}]},
])
def test_jsonld_refuses_contexts_beyond_its_subset(context):
    with pytest.raises(kb_jsonld.Unsupported):
        kb_jsonld.Compactor(context)
