"""The queries of queries/ name their parameters (`# PARAMETER: the person`) with values from
the seed pages; on the generated archive they are set to its own heaviest cases instead: the
most-mentioned person holding a post, the most-mentioned organization, the busiest day."""
from __future__ import annotations

import re

import pyoxigraph as ox

FINDERS = {
    "person": """PREFIX schema: <http://schema.org/> PREFIX org: <http://www.w3.org/ns/org#>
        SELECT ?v (COUNT(DISTINCT ?a) AS ?n) { ?a schema:mentions ?p . ?p a schema:Person ; schema:name ?v .
        FILTER EXISTS { ?post org:member ?p } } GROUP BY ?v ORDER BY DESC(?n) STR(?v) LIMIT 1""",
    "organization": """PREFIX schema: <http://schema.org/>
        SELECT ?v (COUNT(DISTINCT ?a) AS ?n) { ?a schema:mentions ?o . ?o a schema:Organization ; schema:name ?v }
        GROUP BY ?v ORDER BY DESC(?n) STR(?v) LIMIT 1""",
    "date": """PREFIX schema: <http://schema.org/> PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?v (COUNT(*) AS ?n) { ?a a schema:NewsArticle ; dcterms:date ?v . FILTER(datatype(?v) = <http://www.w3.org/2001/XMLSchema#date>) }
        GROUP BY ?v ORDER BY DESC(?n) STR(?v) LIMIT 1""",
}
KINDS = (("person", "person"), ("leader", "person"), ("official", "person"), ("organization", "organization"),
         ("company", "organization"), ("day", "date"), ("date", "date"))
_LITERAL = {"person": r'"[^"]*"@zh', "organization": r'"[^"]*"@zh', "date": r'"[^"]*"\^\^xsd:date'}


def values(store: ox.Store) -> dict[str, str]:
    found = {}
    for kind, query in FINDERS.items():
        row = next(iter(store.query(query, use_default_graph_as_union=True)), None)
        if row is not None:
            found[kind] = row["v"].value
    return found


def substitute(query: str, found: dict[str, str]) -> str:
    """Each `# PARAMETER: the …` line's literal replaced by the value of its kind, when known."""
    lines = []
    for line in query.splitlines():
        code, marker, comment = line.partition("# PARAMETER")
        kind = next((k for word, k in KINDS if marker and word in comment.lower()), None)
        if kind in found:
            literal = f'"{found[kind]}"' + ("@zh" if kind != "date" else "^^xsd:date")
            code = re.sub(_LITERAL[kind], lambda _: literal, code, count=1)
        lines.append(code + marker + comment)
    return "\n".join(lines)
