"""The dataset described in VoID and DCAT: size, entities per class, endpoint, licence, dates,
the software that made it, and the dumps with their sizes and checksums.

Two layers, because the dumps cannot hold their own checksums: `add_description` puts the
description of the data in the store (graph {base}graph/void) before the dumps are written, so
it is inside them; `write_description` then adds the dump files (size, SHA-256) and writes the
whole as <snapshot>/void.ttl, served at /.well-known/void.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote

import pyoxigraph as ox
from pyoxigraph import Literal, NamedNode, Triple

from kb.config import Settings
from kb.iris import Minter, segment
from kb.vocab import DCAT, DCTERMS, OA, ORG, PROV, RDF, SCHEMA, SKOS, SPDX, VOID, XSD, prefixes

FILE_NAME = "void.ttl"
# The licence of the KB's own data; the articles' text stays the newspaper's (dcterms:rights).
LICENSE = NamedNode("https://creativecommons.org/licenses/by/4.0/")
RIGHTS = (("数据结构以 CC BY 4.0 发布；稿件原文的著作权归原报社所有。", "zh"),
          ("The structured data is published under CC BY 4.0; the articles' text remains the "
           "newspaper's copyright.", "en"))
MEDIA_TYPES = {".ttl": "text/turtle", ".nt": "application/n-triples", ".nq": "application/n-quads",
               ".trig": "application/trig", ".jsonld": "application/ld+json", ".rdf": "application/rdf+xml"}
IANA = "https://www.iana.org/assignments/media-types/"
VOID_CLASS = getattr(VOID, "class")  # a Python keyword

# over the union of all graphs (the default graph included: files served with --data land there)
CLASS_COUNTS = "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) { ?s a ?class } GROUP BY ?class ORDER BY ?class"
TYPED = "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s a ?class }"
TIMES = "SELECT (MIN(?t) AS ?first) (MAX(?t) AS ?last) { ?g a kb:PageGraph ; prov:generatedAtTime ?t }"
AGENTS = "SELECT DISTINCT ?agent { ?x prov:wasAssociatedWith ?agent } ORDER BY ?agent"
EXAMPLE = """SELECT ?p (COUNT(*) AS ?n) { ?a schema:mentions ?p . ?p a schema:Person }
GROUP BY ?p ORDER BY DESC(?n) ?p LIMIT 1"""


def _integer(value: int) -> Literal:
    return Literal(str(value), datatype=XSD.integer)


def _select(store: ox.Store, query: str, base: str) -> list[ox.QuerySolution]:
    return list(store.query(query, prefixes=prefixes(base), use_default_graph_as_union=True))


def describe(store: ox.Store, settings: Settings) -> list[Triple]:
    """The VoID/DCAT description of everything in the store but the description itself."""
    mint = Minter(settings.base)
    dataset = mint.dataset()
    triples = [Triple(s, p, o) for s, p, o in _dataset(mint, settings)]
    triples.append(Triple(dataset, VOID.triples, _integer(_size(store, mint))))
    triples += _partitions(store, mint)
    triples += _dates(store, mint)
    triples += _agents(store, mint)
    example = _select(store, EXAMPLE, mint.base)
    if example:
        triples.append(Triple(dataset, VOID.exampleResource, example[0]["p"]))
    return triples


def _dataset(mint: Minter, settings: Settings) -> Iterator[tuple[NamedNode, NamedNode, NamedNode | Literal]]:
    dataset, sparql, ontology = mint.dataset(), mint.sparql(), mint.ontology()
    yield dataset, RDF.type, VOID.Dataset
    yield dataset, RDF.type, DCAT.Dataset
    yield dataset, DCTERMS.title, Literal(f"{settings.city}地方报纸知识库", language="zh")
    yield dataset, DCTERMS.title, Literal(f"Knowledge base of a local newspaper of {settings.city}", language="en")
    yield dataset, DCTERMS.description, Literal(
        "从报纸版面文本抽取的稿件、人物、机构、项目、地点、事件与任职，附出处与原文偏移。", language="zh")
    yield dataset, DCTERMS.description, Literal(
        "Articles, people, organizations, projects, places, events and posts held, extracted from the "
        "page text of a newspaper, with provenance and offsets into the source text.", language="en")
    yield dataset, DCTERMS.license, LICENSE
    for text, lang in RIGHTS:
        yield dataset, DCTERMS.rights, Literal(text, language=lang)
    yield dataset, DCTERMS.conformsTo, ontology
    yield dataset, VOID.uriSpace, Literal(settings.base)
    yield dataset, VOID.sparqlEndpoint, sparql
    yield dataset, DCAT.accessService, sparql
    yield sparql, RDF.type, DCAT.DataService
    yield sparql, DCAT.endpointURL, sparql
    yield sparql, DCAT.servesDataset, dataset
    for namespace in (SCHEMA, ORG, PROV, SKOS, OA, DCTERMS):
        yield dataset, VOID.vocabulary, NamedNode(namespace.iri)
    yield dataset, VOID.vocabulary, ontology


def _size(store: ox.Store, mint: Minter) -> int:
    """Triples in the KB, not counting the description's own graph."""
    return len(store) - sum(1 for _ in store.quads_for_pattern(None, None, None, mint.void_graph()))


def _partitions(store: ox.Store, mint: Minter) -> list[Triple]:
    """Entities per class (void:classPartition), and how many typed entities in all."""
    dataset, curies = mint.dataset(), prefixes(mint.base)
    triples: list[Triple] = []
    rows = _select(store, CLASS_COUNTS, mint.base)
    classes = [(row["class"], row["n"]) for row in rows if isinstance(row["class"], NamedNode)]
    for cls, count in classes:
        part = NamedNode(f"{dataset.value}#class-{segment(_curie(cls.value, curies))}")
        triples += [Triple(dataset, VOID.classPartition, part), Triple(part, VOID_CLASS, cls),
                    Triple(part, VOID.entities, _integer(int(count.value)))]
    typed = _select(store, TYPED, mint.base)[0]["n"]
    triples.append(Triple(dataset, VOID.classes, _integer(len(classes))))
    triples.append(Triple(dataset, VOID.entities, _integer(int(typed.value))))
    return triples


def _curie(iri: str, curies: dict[str, str]) -> str:
    for prefix, namespace in curies.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _dates(store: ox.Store, mint: Minter) -> list[Triple]:
    """Created and modified: the oldest and newest extraction times (reproducible, see rdf.py)."""
    row, dataset = _select(store, TIMES, mint.base)[0], mint.dataset()
    if row["first"] is None:
        return []
    return [Triple(dataset, DCTERMS.created, row["first"]), Triple(dataset, DCTERMS.modified, row["last"])]


def _agents(store: ox.Store, mint: Minter) -> list[Triple]:
    """The versions of kb that made the page graphs (their IRIs end with the version)."""
    triples = []
    for row in _select(store, AGENTS, mint.base):
        agent = row["agent"]
        version = unquote(agent.value.rsplit("/", 1)[-1])
        triples += [Triple(agent, RDF.type, PROV.SoftwareAgent), Triple(agent, RDF.type, SCHEMA.SoftwareApplication),
                    Triple(agent, SCHEMA.name, Literal("kb")), Triple(agent, SCHEMA.softwareVersion, Literal(version))]
    return triples


def add_description(store: ox.Store, settings: Settings) -> None:
    """Put (or replace) the description in the store, in its own graph, so the dumps carry it."""
    graph = Minter(settings.base).void_graph()
    store.clear_graph(graph)
    triples = describe(store, settings)
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)


def distributions(folder: Path, mint: Minter) -> list[Triple]:
    """Every RDF dump in `folder` as a DCAT distribution, with its size and SHA-256."""
    dataset = mint.dataset()
    triples = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else ():
        suffixes = [s for s in path.suffixes if s != ".gz"]
        media = MEDIA_TYPES.get(suffixes[-1] if suffixes else "")
        if media is None or not path.is_file():
            continue
        dump, checksum = mint.dump(path.name), NamedNode(mint.dump(path.name).value + "#sha256")
        triples += [
            Triple(dataset, VOID.dataDump, dump), Triple(dataset, DCAT.distribution, dump),
            Triple(dump, RDF.type, DCAT.Distribution), Triple(dump, DCAT.downloadURL, dump),
            Triple(dump, DCAT.mediaType, NamedNode(IANA + media)),
            Triple(dump, DCAT.byteSize, Literal(str(path.stat().st_size), datatype=XSD.nonNegativeInteger)),
            Triple(dump, SPDX.checksum, checksum), Triple(checksum, RDF.type, SPDX.Checksum),
            Triple(checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256),
            Triple(checksum, SPDX.checksumValue, Literal(_sha256(path), datatype=XSD.hexBinary)),
        ]
        if path.suffix == ".gz":
            triples.append(Triple(dump, DCAT.compressFormat, NamedNode(IANA + "application/gzip")))
    return triples


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_description(store: ox.Store, snapshot: Path, settings: Settings) -> Path:
    """The description in the store plus the dumps now written: <snapshot>/void.ttl."""
    mint = Minter(settings.base)
    stored = [q.triple for q in store.quads_for_pattern(None, None, None, mint.void_graph())]
    triples = sorted({*stored, *distributions(snapshot / "dumps", mint)}, key=str)
    path = snapshot / FILE_NAME
    ox.serialize(triples, str(path), ox.RdfFormat.TURTLE, prefixes=prefixes(settings.base))
    return path
