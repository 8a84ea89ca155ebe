"""What an entity page costs inside the server: the query that gathers its triples, and
serializing them (pyoxigraph, rdflib JSON-LD, pyld compaction, kb's own JSON-LD: its fast
compaction, the pyld compaction it replaced, and the framed profile)."""
from __future__ import annotations

import json
import random
from typing import Callable

import pyoxigraph as ox

from bench.stats import percentile, summary_ms, timings

SAMPLE = """
PREFIX schema: <http://schema.org/>
SELECT ?s ?kind { ?s a ?class . VALUES (?class ?kind) {
  (schema:Person "person") (schema:Organization "organization") (schema:Project "project")
  (schema:Place "place") (schema:Event "event") (schema:NewsArticle "article") } }
"""
TOP = """
PREFIX schema: <http://schema.org/>
SELECT ?s (COUNT(*) AS ?n) { ?a schema:mentions ?s . ?s a schema:Person } GROUP BY ?s ORDER BY DESC(?n) LIMIT 1
"""


def every(store: ox.Store, seed: int = 0) -> list[str]:
    """Every entity and article IRI of the KB, in a shuffled (reproducible) order."""
    iris = sorted({row["s"].value for row in store.query(SAMPLE, use_default_graph_as_union=True)})
    random.Random(seed).shuffle(iris)
    return iris


def sample(store: ox.Store, per_kind: int, seed: int = 0) -> tuple[list[str], str | None]:
    """Up to `per_kind` IRIs of each kind of entity (and articles), and the most-mentioned person."""
    kinds: dict[str, list[str]] = {}
    for row in store.query(SAMPLE, use_default_graph_as_union=True):
        kinds.setdefault(row["kind"].value, []).append(row["s"].value)
    rng = random.Random(seed)
    chosen = [iri for iris in kinds.values() for iri in rng.sample(sorted(set(iris)), min(per_kind, len(set(iris))))]
    top = next(iter(store.query(TOP, use_default_graph_as_union=True)), None)
    return chosen, top["s"].value if top else None


def measure(store: ox.Store, iris: list[str], budget: float) -> dict:
    try:
        from kb.web import documents
    except ImportError as exc:
        return {"error": f"kb.web.documents: {exc}"}
    gather = getattr(documents, "gather", None) or getattr(documents, "document", None)
    if gather is None:
        return {"error": "kb.web.documents has neither gather() nor document()"}
    per_iri = [sum(timings(lambda: gather(store, iri), 0, least=1, most=1)) for iri in iris]
    found: dict = {"gatherer": gather.__name__,
                   "construct_ms": {"median_ms": percentile(per_iri, 50) * 1000,
                                    "p99_ms": percentile(per_iri, 99) * 1000, "runs": len(per_iri)}}
    docs = ((iri, gather(store, iri)) for iri in iris)
    sized = sorted(((abs(len(_triples(d)) - 50), iri, d) for iri, d in docs if _triples(d)), key=lambda x: x[0])
    _, iri, doc = sized[0]
    found["serialized_triples"] = len(_triples(doc))
    found.update(_serializers(doc, iri, budget, documents))
    return found


def _triples(doc) -> list:
    return list(getattr(doc, "triples", doc))


def _kb_jsonld(documents, doc, iri: str) -> Callable[[], object]:
    """kb's own JSON-LD of a document, whichever of its signatures this version has."""
    try:
        documents.to_jsonld(doc, **_base(documents, iri))
        return lambda: documents.to_jsonld(doc, **_base(documents, iri))
    except TypeError:
        return lambda: documents.to_jsonld(_triples(doc), iri)


def _base(documents, iri: str) -> dict[str, str]:
    """The KB's base, for versions whose JSON-LD context follows it (the IRI's scheme and authority)."""
    if "base" not in documents.to_jsonld.__code__.co_varnames:
        return {}
    scheme, _, rest = iri.partition("://")
    return {"base": f"{scheme}://{rest.split('/', 1)[0]}/"}


def _serializers(doc, iri: str, budget: float, documents) -> dict:
    import rdflib
    from pyld import jsonld

    triples = _triples(doc)
    graph = rdflib.Graph()
    graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    expanded = json.loads(ox.serialize(triples, format=ox.RdfFormat.JSON_LD))
    context = {"@vocab": "http://schema.org/"}
    calls = {
        "pyoxigraph JSON-LD": lambda: ox.serialize(triples, format=ox.RdfFormat.JSON_LD),
        "rdflib JSON-LD": lambda: graph.serialize(format="json-ld"),
        "pyld compact": lambda: jsonld.compact(expanded, context),
        "kb documents.to_jsonld": lambda: _kb_jsonld(documents, doc, iri)(),
    }
    if "use_pyld" in documents.to_jsonld.__code__.co_varnames:  # the fast path and what it replaced
        calls["kb documents.to_jsonld (pyld compaction)"] = lambda: documents.to_jsonld(
            doc, use_pyld=True, **_base(documents, iri))
        calls["kb documents.to_jsonld framed"] = lambda: documents.to_jsonld(doc, "framed", **_base(documents, iri))
    found = {}
    for name, call in calls.items():
        try:
            found[name] = summary_ms(timings(call, budget / len(calls)))
        except Exception as exc:  # a reference that fails is reported, not fatal
            found[name] = {"error": f"{type(exc).__name__}: {exc}"[:200]}
    return found
