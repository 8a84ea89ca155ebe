"""Paging of much-mentioned entities over HTTP: `kb serve --data` on a generated graph where one
person is mentioned in 120 articles; documents and HTML lists come in bounded pages."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import httpx
import lxml.html
import pytest
import rdflib
from rdflib import URIRef

from conftest import Server, free_port
from kb.iris import to_uri

ARTICLES = 120
MENTIONS = URIRef("http://schema.org/mentions")
HEADLINE = URIRef("http://schema.org/headline")


@pytest.fixture(scope="module")
def star(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(server URL, the much-mentioned person's IRI)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    lines = [f'<{base}person/甲> a <http://schema.org/Person> ; <http://schema.org/name> "甲"@zh .']
    for i in range(ARTICLES):
        day = f"2020-{1 + i // 28:02d}-{1 + i % 28:02d}"
        lines.append(f'<{base}article/p/{i}> a <http://schema.org/NewsArticle> ; '
                     f'<http://schema.org/headline> "第{i}篇"@zh ; <http://schema.org/mentions> <{base}person/甲> ; '
                     f'<http://purl.org/dc/terms/date> "{day}"^^<http://www.w3.org/2001/XMLSchema#date> .')
    data = Path(tmp_path_factory.mktemp("star")) / "star.ttl"
    data.write_text("\n".join(lines), encoding="utf-8")
    with Server(["--data", str(data), "--base", base], port) as server:
        yield server.url, base + "person/甲"


def test_pages_paging_documents_follow_next_links_to_every_mention(star):
    _, person = star
    url, seen, pages = to_uri(person), set(), 0
    while url:
        response = httpx.get(url, headers={"Accept": "text/turtle"})
        graph = rdflib.Graph().parse(data=response.content, format="turtle")
        articles = set(graph.subjects(MENTIONS, URIRef(person)))
        assert 0 < len(articles) <= 50 and not articles & seen
        assert all(graph.value(a, HEADLINE) for a in articles)  # each linked article is labelled
        seen |= articles
        pages += 1
        url = response.links.get("next", {}).get("url")
    assert pages == 3 and len(seen) == ARTICLES


def test_pages_paging_html_lists_fifty_newest_first(star):
    _, person = star
    dates = []
    for page in (1, 2, 3):
        tree = lxml.html.fromstring(httpx.get(person, params={"page": page}, headers={"Accept": "text/html"}).content)
        listed = tree.xpath("//section[@class='mentions']//li/time/@datetime")
        assert len(listed) == (50 if page < 3 else 20)
        assert bool(tree.xpath("//nav[@class='pager']/a[@rel='next']")) == (page < 3)
        assert "120" in tree.xpath("string(//section[@class='mentions']/h2)")
        dates += listed
    assert dates == sorted(dates, reverse=True) and len(set(dates)) == ARTICLES


def test_pages_paging_past_the_end_is_empty_not_an_error(star):
    _, person = star
    response = httpx.get(person, params={"page": 9}, headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    assert response.status_code == 200 and not set(graph.subjects(MENTIONS, URIRef(person)))
    assert "next" not in response.links
