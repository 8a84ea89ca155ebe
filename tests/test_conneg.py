"""Content negotiation: Accept parsing and the choice among offers, as tables."""
from __future__ import annotations

import pytest

from kb.errors import NotAcceptable
from kb.web.conneg import GRAPH_TYPES, HTML, RESULTS_TYPES, negotiate

RESULTS_CASES = [
    # (Accept, explicit format, expected)
    (None, None, "json"),
    ("", None, "json"),
    ("*/*", None, "json"),
    ("application/sparql-results+xml", None, "xml"),
    ("text/csv", None, "csv"),
    ("text/tab-separated-values", None, "tsv"),
    ("application/json", None, "json"),
    ("application/xml", None, "xml"),
    ("text/*", None, "csv"),
    ("text/csv;q=0.5, text/tab-separated-values", None, "tsv"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", None, "xml"),
    ("application/sparql-results+json;q=0, */*;q=0.1", None, "xml"),
    ("TEXT/CSV", None, "csv"),
    ("text/csv;q=abc, application/sparql-results+xml;q=0.2", None, "xml"),
    ("text/csv", "tsv", "tsv"),
    ("image/png", "application/sparql-results+xml", "xml"),
    (None, "JSON", "json"),
]


@pytest.mark.parametrize(("accept", "explicit", "expected"), RESULTS_CASES)
def test_conneg_results_choice(accept: str | None, explicit: str | None, expected: str) -> None:
    assert negotiate(accept, RESULTS_TYPES, explicit, default="json") == expected


GRAPH_CASES = [
    ("text/turtle", None, "ttl"),
    ("application/n-triples", None, "nt"),
    ("text/plain", None, "nt"),
    ("application/rdf+xml", None, "rdf"),
    ("application/ld+json", None, "jsonld"),
    ("application/x-turtle", None, "ttl"),
    ("*/*", None, "ttl"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", None, "html"),
    ("application/ld+json;q=0.9, text/turtle;q=0.9", None, "ttl"),
    ("text/html", "jsonld", "jsonld"),
    (None, "turtle", "ttl"),
    (None, "ntriples", "nt"),
    (None, "xml", "rdf"),
    (None, "json", "jsonld"),
    (None, "application/rdf+xml", "rdf"),
]


@pytest.mark.parametrize(("accept", "explicit", "expected"), GRAPH_CASES)
def test_conneg_graph_and_html_choice(accept: str, explicit: str | None, expected: str) -> None:
    assert negotiate(accept, {**HTML, **GRAPH_TYPES}, explicit, default="ttl") == expected


@pytest.mark.parametrize(("accept", "explicit", "named"), [
    ("image/png", None, "image/png"),
    ("text/turtle", None, "text/turtle"),
    ("application/sparql-results+json;q=0", None, "application/sparql-results+json"),
    (None, "pdf", "pdf"),
])
def test_conneg_refuses_what_is_not_offered(accept: str | None, explicit: str | None, named: str) -> None:
    with pytest.raises(NotAcceptable) as caught:
        negotiate(accept, RESULTS_TYPES, explicit, default="json")
    assert named in str(caught.value)
