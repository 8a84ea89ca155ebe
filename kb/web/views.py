"""What an HTML page shows, per type of resource, as plain dicts for the templates.

Lists come from the per-version Index (kb.web.index) and are sliced before anything is looked
up, so an entity mentioned thousands of times costs about as much as one mentioned once;
labels are then fetched by index lookups for the rows shown only.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pyoxigraph as ox

from kb.kinds import ENTITY_KINDS
from kb.vocab import DCTERMS, RDF, RDFS, SCHEMA
from kb.web.documents import LABELS, Document
from kb.web.index import Index

LIST_SIZE = 50  # articles per page of a "mentioned in" list
WINDOW = 200  # co-mentions are counted over this many of the newest mentioning articles
CO_TOP = 20
TIMELINE_SOURCES = 3


@dataclass
class View:
    template: str
    title: str
    data: dict = field(default_factory=dict)


def properties(store: ox.Store, node: ox.NamedNode) -> dict[str, list[ox.Term]]:
    """The node's own statements, by predicate IRI, each predicate's values sorted (a store's
    order is its own: on disk and in memory it differs) and once (across graphs)."""
    found: dict[str, set[ox.Term]] = {}
    for quad in store.quads_for_pattern(node, None, None, None):
        found.setdefault(quad.predicate.value, set()).add(quad.object)
    return {predicate: sorted(values, key=str) for predicate, values in found.items()}


def label(store: ox.Store, node: ox.Term | str) -> str:
    """A readable name: schema:name, headline, prefLabel or rdfs:label; else the IRI's end."""
    node = ox.NamedNode(node) if isinstance(node, str) else node
    if not isinstance(node, ox.NamedNode):
        return node.value
    for predicate in LABELS:
        for quad in store.quads_for_pattern(node, predicate, None, None):
            return quad.object.value
    return node.value.rstrip("/").rsplit("/", 1)[-1]


def _label(store: ox.Store, index: Index, iri: str) -> str:
    return index.label(iri) or label(store, iri)


def _value(store: ox.Store, iri: str, predicate: ox.NamedNode) -> str | None:
    quads = store.quads_for_pattern(ox.NamedNode(iri), predicate, None, None)
    return next((q.object.value for q in quads), None)


def _values(props: dict[str, list[ox.Term]], predicate: ox.NamedNode) -> list[str]:
    return [v.value for v in props.get(predicate.value, [])]


def _links(store: ox.Store, index: Index, props: dict[str, list[ox.Term]], predicate: ox.NamedNode) -> list[dict]:
    return [{"iri": n.value, "label": _label(store, index, n.value)} for n in props.get(predicate.value, [])]


def _article_row(store: ox.Store, index: Index, iri: str) -> dict:
    known = index.labels.get(iri)
    row = {"a": iri, "date": index.dates.get(iri),
           "headline": known.values[0].value if known and known.predicate == SCHEMA.headline.value else None}
    if not row["headline"]:  # photos: the start of the caption
        row["excerpt"] = (_value(store, iri, SCHEMA.text) or "")[:40]
    return row


def _source(store: ox.Store, index: Index, iri: str) -> dict:
    row = _article_row(store, index, iri)
    return {"iri": iri, "label": row["headline"] or row["excerpt"] + "……"}


def _mentioned_in(store: ox.Store, index: Index, iri: str, page: int) -> dict:
    """The page's slice of the articles mentioning `iri` (newest first), and co-mentions."""
    articles = index.mentioned_in.get(iri, [])
    shown = articles[(page - 1) * LIST_SIZE: page * LIST_SIZE]
    co = {kind: [{"o": e, "label": _label(store, index, e), "n": n} for e, n in pairs]
          for kind, pairs in index.co_mentioned(iri, WINDOW, CO_TOP).items()}
    return {"articles": [_article_row(store, index, a) for a in shown], "page": page,
            "has_next": len(articles) > page * LIST_SIZE, "total": len(articles), "co": co}


def _namesakes(store: ox.Store, index: Index, props: dict[str, list[ox.Term]]) -> dict:
    """What tells this entity apart from others of the same name (the body or date in its
    IRI), and those others (rdfs:seeAlso), so two 张平 never look alike on a page."""
    see_also = [{"iri": n.value, "label": _label(store, index, n.value)}
                for n in props.get(RDFS.seeAlso.value, []) if isinstance(n, ox.NamedNode)]
    return {"note": (_values(props, SCHEMA.disambiguatingDescription) or [None])[0], "namesakes": see_also}


def _timeline(store: ox.Store, index: Index, iri: str) -> list[dict]:
    """Posts grouped by (title, organization): first and last date seen, the newest articles
    that state them; `current` marks those seen on the latest date."""
    groups: dict[tuple, dict] = {}
    for post in index.posts.get(iri, []):  # newest first
        group = groups.setdefault((post.role, post.organization), {
            "role": post.role, "org": post.organization, "first": post.date, "last": post.date, "sources": []})
        group["first"] = post.date or group["first"]
        if post.source and len(group["sources"]) < TIMELINE_SOURCES and post.source not in group["sources"]:
            group["sources"].append(post.source)
    posts = list(groups.values())
    for post in posts:
        post["title"] = _label(store, index, post["role"])
        post["orgname"] = _label(store, index, post["org"]) if post["org"] else None
        post["sources"] = [_source(store, index, s) for s in post["sources"]]
        post["current"] = post["last"] == posts[0]["last"]
    return posts


def person(store: ox.Store, index: Index, s: ox.NamedNode, props: dict, page: int) -> View:
    name = (_values(props, SCHEMA.name) or [label(store, s)])[0]
    return View("person.html", name, {
        "name": name, "alternate": _values(props, SCHEMA.alternateName), "posts": _timeline(store, index, s.value),
        **_namesakes(store, index, props), **_mentioned_in(store, index, s.value, page)})


def named(store: ox.Store, index: Index, s: ox.NamedNode, props: dict, page: int, kind: str) -> View:
    """Organizations, projects, places, events."""
    name = (_values(props, SCHEMA.name) or [label(store, s)])[0]
    members, seen = [], set()
    for person_iri, post in index.members.get(s.value, []):  # newest first: one line per (person, title)
        if (person_iri, post.role) not in seen and len(members) < LIST_SIZE:
            seen.add((person_iri, post.role))
            members.append({"person": person_iri, "name": _label(store, index, person_iri),
                            "title": _label(store, index, post.role), "last": post.date})
    return View("named.html", name, {
        "name": name, "kind": kind, "start": (_values(props, SCHEMA.startDate) or [None])[0], "members": members,
        "alternate": _values(props, SCHEMA.alternateName), **_namesakes(store, index, props),
        **_mentioned_in(store, index, s.value, page)})


def article(store: ox.Store, index: Index, s: ox.NamedNode, props: dict) -> View:
    text = (_values(props, SCHEMA.text) or [""])[0]
    headline = (_values(props, SCHEMA.headline) or [None])[0]
    mentions = _links(store, index, props, SCHEMA.mentions)
    names = _names(store, mentions)
    posts = [{"person": p, "name": _label(store, index, p), "title": _label(store, index, post.role),
              "org": post.organization,
              "orgname": _label(store, index, post.organization) if post.organization else None}
             for p, post in index.stated.get(s.value, [])]
    return View("article.html", headline or text[:30], {
        "headline": headline, "headline_spans": highlight(headline or "", names)[:1],
        "decks": [spans for deck in _values(props, SCHEMA.alternativeHeadline) for spans in highlight(deck, names)],
        "dateline": (_values(props, SCHEMA.dateline) or [None])[0],
        "date": next((v.value for v in props.get(DCTERMS.date.value, [])), None),
        "authors": _links(store, index, props, SCHEMA.author),
        "creators": _links(store, index, props, SCHEMA.creator),
        "page_of": _links(store, index, props, SCHEMA.isPartOf),
        "position": (_values(props, SCHEMA.position) or [None])[0],
        "photo": SCHEMA.Photograph.value in _types(props),
        "paragraphs": highlight(text, names), "mentions": mentions, "posts": posts})


def _names(store: ox.Store, mentions: list[dict]) -> dict[str, str]:
    """Every name (and short name) of the mentioned entities -> the entity's IRI."""
    names: dict[str, str] = {}
    alternate = SCHEMA.alternateName
    for mention in mentions:
        names.setdefault(mention["label"], mention["iri"])
        for quad in store.quads_for_pattern(ox.NamedNode(mention["iri"]), alternate, None, None):
            names.setdefault(quad.object.value, mention["iri"])
    return names


def highlight(text: str, names: dict[str, str]) -> list[list[dict]]:
    """The text as paragraphs of spans: {"text"} or {"text", "iri"} where a name occurs.
    Longest names win, so 许昌市司法局 is one link, not 许昌 plus the rest."""
    paragraphs = []
    for para in filter(None, (p.strip() for p in text.split("\n"))):
        spans, at = [], 0
        for start, end in _occurrences(para, names):
            if start > at:
                spans.append({"text": para[at:start]})
            spans.append({"text": para[start:end], "iri": names[para[start:end]]})
            at = end
        if at < len(para):
            spans.append({"text": para[at:]})
        paragraphs.append(spans)
    return paragraphs


def _occurrences(para: str, names: dict[str, str]) -> list[tuple[int, int]]:
    """Where names occur, left to right, the longest at each place, none overlapping (what an
    alternation of the names, longest first, finds; without compiling a pattern per article)."""
    found = []
    for name in filter(None, names):
        start = para.find(name)
        while start >= 0:
            found.append((start, -len(name)))
            start = para.find(name, start + 1)
    spans, at = [], 0
    for start, negative in sorted(found):
        if start >= at:
            at = start - negative
            spans.append((start, at))
    return spans


def resource(store: ox.Store, s: ox.NamedNode, props: dict, page: int, doc: Document) -> View:
    """Anything else (posts, roles, pages, graphs, the ontology, the dataset): its statements
    and the incoming links of its document, labelled."""
    rows = [{"predicate": p, "values": [{"iri": o.value, "label": label(store, o)} if isinstance(o, ox.NamedNode)
                                        else {"text": o.value} for o in objects]}
            for p, objects in sorted(props.items())]
    incoming = [{"iri": t.subject.value, "label": label(store, t.subject), "predicate": t.predicate.value}
                for t in doc.triples if t.object == s and isinstance(t.subject, ox.NamedNode)]
    return View("resource.html", label(store, s), {"rows": rows, "incoming": incoming, "page": page,
                                                   "has_next": doc.has_next})


def _types(props: dict) -> list[str]:
    return [t.value for t in props.get(RDF.type.value, [])]


def view(store: ox.Store, index: Index, iri: str, page: int, document: Callable[[], Document]) -> View:
    """The view for `iri`, picked by its types; `document` (its linked-data document, only
    gathered when needed) feeds the generic page."""
    s = ox.NamedNode(iri)
    props = properties(store, s)
    types = _types(props)
    for kind in ENTITY_KINDS.values():
        if kind.cls.value in types:
            return person(store, index, s, props, page) if kind.name == "person" else named(
                store, index, s, props, page, kind.name)
    if SCHEMA.NewsArticle.value in types or SCHEMA.Photograph.value in types:
        return article(store, index, s, props)
    return resource(store, s, props, page, document())
