"""What pages need beyond one IRI's own triples, computed once per version of the data:
counts per type, every entity's names (search, browse), which articles mention each entity
(newest first) and which entities each article mentions (co-mentions), the posts each person
holds, the label and types of every node pages link to. A few SPARQL passes over the whole KB
(~2.5 s at a million triples on a 2-core machine), after which an entity page costs a few
index lookups however often it is mentioned.
"""
from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import pyoxigraph as ox

from kb.kinds import BY_CLASS, ENTITY_KINDS
from kb.vocab import PREFIXES, RDF, SCHEMA, SKOS

ARTICLE_CLASSES = (SCHEMA.NewsArticle.value, SCHEMA.Photograph.value)

NAMES = """
SELECT ?e ?t ?n ?main WHERE {
  VALUES ?t { %s }
  ?e a ?t .
  { ?e schema:name ?n BIND(true AS ?main) } UNION { ?e schema:alternateName ?n BIND(false AS ?main) }
}""" % " ".join(f"<{kind.cls.value}>" for kind in ENTITY_KINDS.values())
MENTIONS = "SELECT ?a ?e ?date WHERE { ?a schema:mentions ?e OPTIONAL { ?a dcterms:date ?date } }"
POSTS = """
SELECT ?person ?role ?org ?date ?source WHERE {
  ?post org:member ?person ; org:role ?role .
  OPTIONAL { ?post org:organization ?org }
  OPTIONAL { ?post dcterms:date ?date }
  OPTIONAL { ?post prov:wasDerivedFrom ?source }
}"""
# posts, photos and briefs have types and no label: known here, pages linking to them need no lookup
UNLABELLED = "SELECT ?x ?t WHERE { VALUES ?c { org:Membership schema:Photograph schema:NewsArticle } ?x a ?c, ?t }"
NOTES = "SELECT ?e ?d WHERE { ?e schema:disambiguatingDescription ?d }"
COUNT = "SELECT (COUNT(DISTINCT ?x) AS ?c) WHERE { ?x a %s }"
LABELLED = """
SELECT ?x ?p ?label ?t WHERE {
  VALUES ?p { schema:name schema:headline skos:prefLabel }
  ?x ?p ?label . OPTIONAL { ?x a ?t }
}"""
LABEL_ORDER = (SCHEMA.name.value, SCHEMA.headline.value, SKOS.prefLabel.value)


@dataclass(frozen=True)
class Label:
    """A node's types and its label (the first of LABEL_ORDER it has), to describe it in
    another node's document and page without a store lookup."""

    types: tuple[str, ...]
    predicate: str
    values: tuple[ox.Literal, ...]

    def triples(self, node: ox.NamedNode) -> list[ox.Triple]:
        predicate = _named(self.predicate)
        return ([ox.Triple(node, RDF.type, _named(t)) for t in self.types]
                + [ox.Triple(node, predicate, v) for v in self.values])


@lru_cache(maxsize=4096)
def _named(iri: str) -> ox.NamedNode:
    """Classes and label predicates: a small vocabulary, named once, not on every page."""
    return ox.NamedNode(iri)


@dataclass(frozen=True)
class Entry:
    iri: str
    kind: str
    name: str
    names: tuple[str, ...]
    mentions: int
    note: str | None = None  # what tells it from a namesake (schema:disambiguatingDescription)


@dataclass(frozen=True)
class PostRow:
    """A post held, as the pages list it (a person's timeline, an organization's members)."""

    role: str
    organization: str | None
    date: str | None
    source: str | None


@dataclass
class Index:
    entries: list[Entry] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # kind or "article" -> how many
    mentioned_in: dict[str, list[str]] = field(default_factory=dict)  # entity -> articles, newest first
    mentions: dict[str, list[str]] = field(default_factory=dict)  # article -> entities it mentions
    posts: dict[str, list[PostRow]] = field(default_factory=dict)  # person -> posts, newest first
    members: dict[str, list[tuple[str, PostRow]]] = field(default_factory=dict)  # organization -> (person, post)
    stated: dict[str, list[tuple[str, PostRow]]] = field(default_factory=dict)  # article -> (person, post)
    kinds: dict[str, str] = field(default_factory=dict)  # entity -> kind
    labels: dict[str, Label] = field(default_factory=dict)  # entities, articles, roles, pages -> Label
    dates: dict[str, str] = field(default_factory=dict)  # article -> its date

    def label(self, iri: str) -> str | None:
        found = self.labels.get(iri)
        return found.values[0].value if found and found.values else None

    def by_kind(self, kind: str) -> list[Entry]:
        """Every entity of a kind, by name."""
        return sorted((e for e in self.entries if e.kind == kind), key=lambda e: (e.name, e.iri))

    def top(self, kind: str, n: int) -> list[Entry]:
        """The n most mentioned entities of a kind."""
        return sorted((e for e in self.entries if e.kind == kind), key=lambda e: (-e.mentions, e.name, e.iri))[:n]

    def search(self, text: str, limit: int = 50) -> list[Entry]:
        """Entities whose name or short name contains `text`: exact matches first, then
        names starting with it, then the rest; the most mentioned first within each."""
        text = text.strip()
        if not text:
            return []
        hits = []
        for entry in self.entries:
            rank = min((_rank(name, text) for name in entry.names), default=3)
            if rank < 3:
                hits.append((rank, -entry.mentions, len(entry.name), entry.name, entry.iri, entry))
        hits.sort(key=lambda h: h[:5])
        return [h[-1] for h in hits[:limit]]

    def co_mentioned(self, iri: str, window: int, top: int) -> dict[str, list[tuple[str, int]]]:
        """Per kind, the entities most often mentioned alongside `iri` in its `window`
        newest articles, with how many of those articles name both."""
        counts = Counter(e for a in self.mentioned_in.get(iri, [])[:window] for e in self.mentions.get(a, ()))
        counts.pop(iri, None)
        found: dict[str, list[tuple[str, int]]] = {}
        for entity, n in sorted(counts.items(), key=lambda pair: (-pair[1], pair[0])):
            kind = self.kinds.get(entity)
            if kind and len(found.setdefault(kind, [])) < top:
                found[kind].append((entity, n))
        return found


def _rank(name: str, text: str) -> int:
    if name == text:
        return 0
    if name.startswith(text):
        return 1
    return 2 if text in name else 3


def build(store: ox.Store) -> Index:
    def select(query: str):
        return store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True)

    index = Index()
    _links(index, select(MENTIONS))
    _posts(index, select(POSTS))
    _labels(index, select(LABELLED))
    _unlabelled(index, select(UNLABELLED))
    names: dict[str, list[str]] = {}
    for row in select(NAMES):
        iri, name = row["e"].value, row["n"].value
        index.kinds.setdefault(iri, BY_CLASS[row["t"].value].name)
        bucket = names.setdefault(iri, [])
        bucket.insert(0, name) if row["main"].value == "true" else bucket.append(name)
    notes = {row["e"].value: row["d"].value for row in select(NOTES)}
    index.entries = [Entry(iri, index.kinds[iri], ns[0], tuple(dict.fromkeys(ns)),
                           len(index.mentioned_in.get(iri, ())), notes.get(iri))
                     for iri, ns in names.items()]
    count = lambda cls: int(next(iter(select(COUNT % f"<{cls}>")))["c"].value)  # noqa: E731
    index.counts = {kind.name: count(kind.cls.value) for kind in ENTITY_KINDS.values()}
    index.counts["article"] = sum(count(cls) for cls in ARTICLE_CLASSES)
    return index


def _links(index: Index, rows) -> None:
    strings: dict[str, str] = {}  # one string object per IRI: the tables share them
    dated: dict[str, list[tuple[str, str]]] = {}
    for row in rows:
        article = strings.setdefault(row["a"].value, row["a"].value)
        entity = strings.setdefault(row["e"].value, row["e"].value)
        date = row["date"].value if row["date"] is not None else ""
        if date:
            index.dates[article] = date
        dated.setdefault(entity, []).append((date, article))
        index.mentions.setdefault(article, []).append(entity)
    for entity, pairs in dated.items():
        pairs = sorted(set(pairs), key=lambda p: (p[0], p[1]), reverse=True)
        index.mentioned_in[entity] = [article for _, article in pairs]


def _labels(index: Index, rows) -> None:
    found: dict[str, dict[str, tuple[set, set]]] = {}  # node -> predicate -> (types, labels)
    for row in rows:
        types, labels = found.setdefault(row["x"].value, {}).setdefault(row["p"].value, (set(), set()))
        labels.add(row["label"])
        if row["t"] is not None:
            types.add(row["t"].value)
    for node, by_predicate in found.items():
        predicate = next(p for p in LABEL_ORDER if p in by_predicate)
        types, labels = by_predicate[predicate]
        index.labels[node] = Label(tuple(sorted(types)), predicate, tuple(sorted(labels, key=str)))


def _unlabelled(index: Index, rows) -> None:
    """Their types, for the nodes that have no label (the others are in already)."""
    types: dict[str, list[str]] = {}
    for row in rows:
        types.setdefault(row["x"].value, []).append(row["t"].value)
    shared: dict[tuple[str, ...], Label] = {}  # a few distinct sets of types: one Label each
    for node, found in types.items():
        key = tuple(sorted(found))
        index.labels.setdefault(node, shared.setdefault(key, Label(key, LABEL_ORDER[0], ())))


def _posts(index: Index, rows) -> None:
    for row in rows:
        value = lambda name: row[name].value if row[name] is not None else None  # noqa: E731
        post = PostRow(value("role"), value("org"), value("date"), value("source"))
        index.posts.setdefault(value("person"), []).append(post)
        if post.organization:
            index.members.setdefault(post.organization, []).append((value("person"), post))
        if post.source:
            index.stated.setdefault(post.source, []).append((value("person"), post))
    # newest first; ties in the same order whatever the store's own order (it differs on disk and in memory)
    newest = lambda post: (post.date or "", post.source or "", post.role, post.organization or "")  # noqa: E731
    for posts in index.posts.values():
        posts.sort(key=newest, reverse=True)
    for held in index.members.values():
        held.sort(key=lambda pair: (newest(pair[1]), pair[0]), reverse=True)
    for stated in index.stated.values():
        stated.sort(key=lambda pair: (pair[1].role, pair[0], pair[1].organization or ""))


class PerVersion:
    """The Index of the data being served, rebuilt when the data's version changes.

    A rebuild runs in the background while the previous index keeps answering, so a new
    snapshot never stalls page requests; only the very first index is built in line."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: str | None = None
        self._value: Index | None = None
        self._building: str | None = None

    def get(self, backend, version: str | None = None) -> Index:
        version = version or backend.version()
        with self._lock:
            if self._value is None:
                self._value, self._version = build(backend.store()), version
            elif version != self._version and self._building != version:
                self._building = version
                threading.Thread(target=self._rebuild, args=(backend, version), daemon=True).start()
            return self._value

    def ready(self) -> bool:
        """Whether an index is there to answer at once (get() would not build one in line)."""
        return self._value is not None

    def fresh(self, backend, version: str | None = None) -> bool:
        """Whether the index describes the data being served now (not a previous snapshot)."""
        return self._version == (version or backend.version())

    def _rebuild(self, backend, version: str) -> None:
        try:
            fresh = build(backend.store())
        finally:
            with self._lock:
                self._building = None
        with self._lock:
            self._value, self._version = fresh, version


def of(request, version: str | None = None) -> Index:
    """The app's index for the data being served (built on first use, per version);
    `version`: the backend's version as the request already read it."""
    state = request.app.state
    if not hasattr(state, "kb_index"):
        state.kb_index = PerVersion()
    return state.kb_index.get(state.backend, version)


def ready(request) -> bool:
    """Whether of(request) answers at once, without building the first index."""
    state = request.app.state
    return hasattr(state, "kb_index") and state.kb_index.ready()


def fresh(request, version: str | None = None) -> bool:
    """Whether pages rendered now may be cached: the index is that of the current data."""
    state = request.app.state
    return hasattr(state, "kb_index") and state.kb_index.fresh(state.backend, version)
