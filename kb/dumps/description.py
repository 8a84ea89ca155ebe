"""The dataset described in VoID and DCAT: size, entities per class, endpoint, licence, dates,
the software that made it, and the dumps with their sizes and checksums.

Two layers, because the dumps cannot hold their own checksums: a build puts the description of
the data in its own graph ({base}graph/void) before the dumps are written, so it is inside them;
`write_description` then adds the dump files (size, SHA-256) and writes the whole as
<snapshot>/void.ttl, served at /.well-known/void. A build counts from tallies of each graph
(`Tally`, made as the graph is mapped); a store served as it is gets counted by SPARQL.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
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


@dataclass
class Tally:
    """What the description counts, summable over graphs (no subject is described in two graphs,
    kb.rdf): a build tallies each page's graph once, in the worker that maps it, and an add
    takes a replaced page's tally out again."""

    triples: int = 0
    classes: dict[str, int] = field(default_factory=dict)  # class IRI -> subjects typed with it
    typed: int = 0  # subjects with any type
    times: dict[str, int] = field(default_factory=dict)  # extraction times (N-Triples terms) -> graphs
    agents: dict[str, int] = field(default_factory=dict)  # software IRIs -> graphs
    mentions: dict[str, int] = field(default_factory=dict)  # IRI -> items mentioning it

    @classmethod
    def of_lines(cls, lines: list[bytes]) -> "Tally":
        """The tally of one graph's canonical N-Triples lines (kb.dumps.graphs)."""
        classes, mentions, typed, times, agents = Counter(), Counter(), set(), Counter(), Counter()
        for line in lines:
            subject, predicate, obj = line.decode("utf-8").split(" ", 2)
            if predicate == _RDF_TYPE:
                classes[obj[1:-1]] += 1
                typed.add(subject)
            elif predicate == _MENTIONS:
                mentions[obj[1:-1]] += 1
            elif predicate == _GENERATED_AT:
                times[obj] += 1
            elif predicate == _ASSOCIATED_WITH:
                agents[obj[1:-1]] += 1
        return cls(len(lines), dict(classes), len(typed), dict(times), dict(agents), dict(mentions))

    def add(self, other: "Tally", sign: int = 1) -> None:
        """Count `other` in (sign -1: out), in place: a build adds up thousands of pages."""
        self.triples += sign * other.triples
        self.typed += sign * other.typed
        for mine, theirs in ((self.classes, other.classes), (self.mentions, other.mentions),
                             (self.times, other.times), (self.agents, other.agents)):
            for key, count in theirs.items():
                mine[key] = mine.get(key, 0) + sign * count
                if mine[key] <= 0:
                    del mine[key]

    def most_mentioned(self, among: set[str]) -> str | None:
        counts = [(-n, iri) for iri, n in self.mentions.items() if iri in among]
        return min(counts)[1] if counts else None


_RDF_TYPE, _MENTIONS = f"<{RDF.type.value}>", f"<{SCHEMA.mentions.value}>"
_GENERATED_AT, _ASSOCIATED_WITH = f"<{PROV.generatedAtTime.value}>", f"<{PROV.wasAssociatedWith.value}>"


def subjects_typed(lines: list[bytes], cls: NamedNode) -> set[str]:
    """The IRIs typed `cls` in a graph's canonical N-Triples lines."""
    marker = f" {_RDF_TYPE} {cls}".encode("utf-8")
    return {line[1:line.index(b">")].decode("utf-8") for line in lines if line.endswith(marker)}


def describe(store: ox.Store, settings: Settings) -> list[Triple]:
    """The VoID/DCAT description of everything in a store but the description itself (kb serve
    --data: the description is not in the store, and void:triples counts what is)."""
    mint = Minter(settings.base)
    return _described(_tally(store, mint), _example(store, mint), settings, counts_itself=False)


def describe_tally(tally: Tally, people: set[str], settings: Settings) -> list[Triple]:
    """The same description from a build's tally; `people`: the IRIs of schema:Person. It goes into
    the KB (graph {base}graph/void), so its void:triples counts its own triples too: every triple
    of the dumps, as the manifest and COUNT(*) over the endpoint do."""
    example = tally.most_mentioned(people)
    return _described(tally, NamedNode(example) if example else None, settings, counts_itself=True)


def _described(tally: Tally, example: NamedNode | None, settings: Settings, counts_itself: bool) -> list[Triple]:
    mint = Minter(settings.base)
    dataset = mint.dataset()
    triples = [Triple(s, p, o) for s, p, o in _dataset(mint, settings)]
    triples += _partitions(tally, mint)
    if tally.times:  # xsd:dateTime literals written alike (UTC, seconds): they sort as text
        first, last = (next(ox.parse(f"<x:s> <x:p> {t} .", ox.RdfFormat.N_TRIPLES)).object
                       for t in (min(tally.times), max(tally.times)))
        triples += [Triple(dataset, DCTERMS.created, first), Triple(dataset, DCTERMS.modified, last)]
    triples += _agents(sorted(tally.agents))
    if example is not None:
        triples.append(Triple(dataset, VOID.exampleResource, example))
    own = len(set(triples)) + 1 if counts_itself else 0  # + 1: the void:triples statement itself
    return [*triples, Triple(dataset, VOID.triples, _integer(tally.triples + own))]


def _tally(store: ox.Store, mint: Minter) -> Tally:
    """The tally of a store, by SPARQL over the union of its graphs (the description's own left out)."""
    rows = [row for row in _select(store, CLASS_COUNTS, mint.base) if isinstance(row["class"], NamedNode)]
    times = _select(store, TIMES, mint.base)[0]
    return Tally(
        triples=_size(store, mint),
        classes={row["class"].value: int(row["n"].value) for row in rows},
        typed=int(_select(store, TYPED, mint.base)[0]["n"].value),
        times=dict.fromkeys((str(times["first"]), str(times["last"])), 1) if times["first"] is not None else {},
        agents=dict.fromkeys((row["agent"].value for row in _select(store, AGENTS, mint.base)), 1),
    )


def _example(store: ox.Store, mint: Minter) -> NamedNode | None:
    example = _select(store, EXAMPLE, mint.base)
    return example[0]["p"] if example else None


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


def _partitions(tally: Tally, mint: Minter) -> list[Triple]:
    """Entities per class (void:classPartition), and how many typed entities in all."""
    dataset, curies = mint.dataset(), prefixes(mint.base)
    triples: list[Triple] = []
    for cls, count in sorted(tally.classes.items()):
        part = NamedNode(f"{dataset.value}#class-{segment(_curie(cls, curies))}")
        triples += [Triple(dataset, VOID.classPartition, part), Triple(part, VOID_CLASS, NamedNode(cls)),
                    Triple(part, VOID.entities, _integer(count))]
    triples.append(Triple(dataset, VOID.classes, _integer(len(tally.classes))))
    triples.append(Triple(dataset, VOID.entities, _integer(tally.typed)))
    return triples


def _curie(iri: str, curies: dict[str, str]) -> str:
    for prefix, namespace in curies.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _agents(agents: list[str]) -> list[Triple]:
    """The versions of kb that made the graphs (their IRIs end with the version)."""
    triples = []
    for iri in agents:
        agent, version = NamedNode(iri), unquote(iri.rsplit("/", 1)[-1])
        triples += [Triple(agent, RDF.type, PROV.SoftwareAgent), Triple(agent, RDF.type, SCHEMA.SoftwareApplication),
                    Triple(agent, SCHEMA.name, Literal("kb")), Triple(agent, SCHEMA.softwareVersion, Literal(version))]
    return triples


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


def write_description(described: list[Triple], snapshot: Path, settings: Settings) -> Path:
    """The description (in the store and the dumps) plus the dumps now written: <snapshot>/void.ttl."""
    mint = Minter(settings.base)
    triples = sorted({*described, *distributions(snapshot / "dumps", mint)}, key=str)
    path = snapshot / FILE_NAME
    ox.serialize(triples, str(path), ox.RdfFormat.TURTLE, prefixes=prefixes(settings.base))
    return path
