"""The ontology (ontology/kb.ttl) and the JSON-LD context: documented, aligned, complete,
published in the KB and dereferenceable on the server."""
from __future__ import annotations

import json

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from pyld import jsonld
from rdflib import OWL, RDF, RDFS, BNode, Literal, URIRef
from rdflib.compare import isomorphic

from kb import vocab
from kb.rdf import jsonld_context, rebased
from kb.resources import ontology_text

DEFAULT_BASE = "http://127.0.0.1:8000/"
KB = rdflib.Namespace(DEFAULT_BASE + "ontology#")
STANDARD = tuple(vocab.PREFIXES[p] for p in ("schema", "org", "prov", "skos", "oa"))
CONTEXT_URL = "urn:kb:context"


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(data=ontology_text("kb.ttl"), format="turtle")


@pytest.fixture(scope="module")
def context() -> dict:
    return json.loads(ontology_text("context.jsonld"))


def _terms(graph: rdflib.Graph) -> set[URIRef]:
    return {s for s in graph.subjects(RDFS.isDefinedBy, None) if str(s).startswith(str(KB))}


def test_ontology_defines_exactly_the_terms_the_code_uses(ontology):
    assert {str(t).removeprefix(str(KB)) for t in _terms(ontology)} == set(vocab.KB_TERMS.split())


@pytest.mark.parametrize("prop", [RDFS.label, RDFS.comment])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_ontology_every_term_is_documented_in_chinese_and_english(ontology, prop, lang):
    missing = [t for t in _terms(ontology)
               if not any(isinstance(o, Literal) and o.language == lang for o in ontology.objects(t, prop))]
    assert missing == []


def test_ontology_every_class_is_aligned_to_a_standard_vocabulary(ontology):
    def reaches_standard(cls: URIRef, seen: frozenset = frozenset()) -> bool:
        supers = {*ontology.objects(cls, RDFS.subClassOf), *ontology.objects(cls, OWL.equivalentClass)}
        return any(str(s).startswith(STANDARD) or (s not in seen and reaches_standard(s, seen | {cls}))
                   for s in supers)

    classes = set(ontology.subjects(RDF.type, OWL.Class))
    assert len(classes) > 20
    assert [c for c in classes if not reaches_standard(c)] == []


def test_ontology_has_no_blank_nodes(ontology):
    assert not [t for t in ontology if isinstance(t[0], BNode) or isinstance(t[2], BNode)]


def test_ontology_rebased_has_every_term_under_the_new_base():
    graph = rdflib.Graph().parse(data=rebased("kb.ttl", "http://example.org/x/"), format="turtle")
    assert (URIRef("http://example.org/x/ontology"), RDF.type, OWL.Ontology) in graph
    assert not [t for t in graph.all_nodes() if str(t).startswith(DEFAULT_BASE)]


def test_ontology_covers_every_own_term_in_the_built_kb(kb_data, base):
    store = ox.Store.read_only(str(kb_data / "current" / "store"))
    ns = base + "ontology#"
    used = {q.predicate.value for q in store if q.predicate.value.startswith(ns)}
    used |= {q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), None)
             if q.object.value.startswith(ns)}
    defined = {ns + t for t in vocab.KB_TERMS.split()}
    assert used and used <= defined


def test_ontology_is_in_the_kb_in_its_own_graph(kb_data, base):
    store = ox.Store.read_only(str(kb_data / "current" / "store"))
    graph = ox.NamedNode(base + "ontology")
    types = {q.object for q in store.quads_for_pattern(graph, ox.NamedNode(str(RDF.type)), None, graph)}
    assert ox.NamedNode(str(OWL.Ontology)) in types


def test_ontology_dereferences_as_turtle_jsonld_and_html(server, base):
    turtle = httpx.get(base + "ontology", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and turtle.headers["content-type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=turtle.text, format="turtle")
    assert (URIRef(base + "ontology"), RDF.type, OWL.Ontology) in graph
    as_json = httpx.get(base + "ontology", headers={"Accept": "application/ld+json"})
    assert as_json.status_code == 200 and json.loads(as_json.text)["@id"] == base + "ontology"
    html = httpx.get(base + "ontology", headers={"Accept": "text/html"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")


def test_ontology_context_keeps_id_and_type_as_keywords(context):
    terms = context["@context"]
    assert "id" not in terms and "type" not in terms


def _expand_iri(value: str, terms: dict) -> str:
    prefix, _, local = value.partition(":")
    return terms[prefix] + local if isinstance(terms.get(prefix), str) and local else value


def test_ontology_context_terms_name_known_vocabulary_terms(context):
    """Every term maps to a term the code knows (catches typos such as schema:alternativeName)."""
    terms = context["@context"]
    known = {t.value for ns in (vocab.RDFS, vocab.SCHEMA, vocab.ORG, vocab.PROV, vocab.SKOS, vocab.DCTERMS,
                                vocab.OA, vocab.kb_namespace(DEFAULT_BASE)) for t in ns}
    prefixes = {name for name, d in terms.items() if isinstance(d, str) and d.endswith(("/", "#"))}
    mapped = {name: _expand_iri(d if isinstance(d, str) else d["@id"], terms)
              for name, d in terms.items() if not name.startswith("@") and name not in prefixes}
    assert {name: iri for name, iri in mapped.items() if iri not in known} == {}


def _loader(context: dict):
    def load(url: str, options: dict | None = None) -> dict:
        assert url == CONTEXT_URL
        return {"contextUrl": None, "documentUrl": url, "document": context}
    return load


def test_ontology_context_makes_entities_read_like_plain_json(kb_data, context):
    """A person and an article, compacted with the context: plain values, same triples back."""
    store = ox.Store.read_only(str(kb_data / "current" / "store"))
    person = next(iter(store.query("SELECT ?p ?n { ?p a schema:Person ; schema:name ?n } ORDER BY ?p LIMIT 1",
                                   prefixes=vocab.PREFIXES, use_default_graph_as_union=True)))
    triples = list(store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {person['p']} }} ?s ?p ?o }}",
                               use_default_graph_as_union=True))
    expanded = json.loads(ox.serialize(triples, format=ox.RdfFormat.JSON_LD))
    options = {"documentLoader": _loader(context)}
    compacted = jsonld.compact(expanded, CONTEXT_URL, options=options)
    assert compacted["name"] == person["n"].value  # "name": "史根治", no @value/@language
    back = rdflib.Graph().parse(data=json.dumps(jsonld.expand(compacted, options=options)), format="json-ld")
    original = rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    assert isomorphic(back, original)


def test_ontology_context_follows_the_kb_base():
    context = jsonld_context("http://example.org/x/")["@context"]
    assert context["kb"] == "http://example.org/x/ontology#" and context["Page"] == "kb:Page"
