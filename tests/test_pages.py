"""Dereferenceable IRIs, asked of the app in-process (the live server's app, the same store): content
negotiation, suffixes, JSON-LD profiles, ETag/Last-Modified revalidation, 404s, what HTML pages show."""
from __future__ import annotations

import json
from urllib.parse import quote, unquote, urljoin

import httpx
import lxml.html
import pytest
import rdflib
from rdflib import URIRef

SCHEMA = "http://schema.org/"
PREFIXES = """PREFIX schema: <http://schema.org/> PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#> """


def select(client: httpx.Client, query: str) -> list[dict[str, str]]:
    response = client.get("/sparql", params={"query": PREFIXES + query},
                          headers={"Accept": "application/sparql-results+json"})
    response.raise_for_status()
    return [{k: v["value"] for k, v in row.items()} for row in response.json()["results"]["bindings"]]


def first(client: httpx.Client, query: str) -> str:
    rows = select(client, query)
    assert rows, f"the seed KB has no answer to {query}"
    return next(iter(rows[0].values()))


@pytest.fixture(scope="module")
def iris(app) -> dict[str, str]:
    """One IRI of each kind the KB mints."""
    return {
        "person": first(app, "SELECT ?x { ?p org:member ?x ; dcterms:date ?d . ?a schema:mentions ?x } LIMIT 1"),
        "organization": first(app, "SELECT ?x { ?x a schema:Organization } LIMIT 1"),
        "place": first(app, "SELECT ?x { ?x a schema:Place } LIMIT 1"),
        "article": first(app, """SELECT ?x { ?x a schema:NewsArticle ; schema:headline ?h ; schema:text ?t ;
            schema:mentions/schema:name ?n FILTER(CONTAINS(?t, ?n)) } LIMIT 1"""),
        "post": first(app, "SELECT ?x { ?x a org:Membership } LIMIT 1"),
        "role": first(app, "SELECT ?x { ?x a org:Role } LIMIT 1"),
        "page": first(app, "SELECT ?x { ?a schema:isPartOf ?x } LIMIT 1"),
        "graph": first(app, "SELECT ?g { GRAPH ?g { ?s ?p ?o } } LIMIT 1"),
    }


def get(client: httpx.Client, iri: str, accept: str | None = None, **headers: str) -> httpx.Response:
    if accept:
        headers["Accept"] = accept
    return client.get(iri, headers=headers)


def html(response: httpx.Response) -> lxml.html.HtmlElement:
    """The page, its links (relative on the page) resolved against where it was fetched, as IRIs."""
    page = lxml.html.fromstring(response.content)
    page.rewrite_links(lambda href: unquote(urljoin(str(response.url), href)))
    return page


def parse(response: httpx.Response, fmt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=response.content, format=fmt)


@pytest.mark.parametrize("accept, media, rdflib_format", [
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("text/turtle", "text/turtle", "turtle"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
    ("text/turtle;q=0.5, application/ld+json;q=0.9", "application/ld+json", "json-ld"),
    ("application/x-turtle", "text/turtle", "turtle"),
    ("application/json", "application/json", "json-ld"),
    ("application/ld+json, application/json", "application/ld+json", "json-ld"),
])
def test_pages_negotiate_rdf_for_every_kind(app, iris, accept, media, rdflib_format):
    for kind, iri in iris.items():
        response = get(app, iri, accept)
        assert response.status_code == 200, (kind, response.text[:200])
        assert response.headers["content-type"].split(";")[0] == media
        assert "Accept" in response.headers["vary"]
        graph = parse(response, rdflib_format)
        assert (URIRef(iri), None, None) in graph or (None, None, URIRef(iri)) in graph, kind


@pytest.mark.parametrize("accept", ["text/html", "text/html,application/xhtml+xml,*/*;q=0.8", "*/*", None])
def test_pages_give_browsers_html(app, iris, accept):
    response = get(app, iris["person"], accept)
    assert response.headers["content-type"].startswith("text/html")
    assert html(response).findtext(".//h1")


@pytest.mark.parametrize("suffix, media, rdflib_format", [
    (".jsonld", "application/ld+json", "json-ld"),
    (".ttl", "text/turtle", "turtle"),
    (".nt", "application/n-triples", "nt"),
    (".rdf", "application/rdf+xml", "xml"),
])
def test_pages_suffix_beats_accept(app, iris, suffix, media, rdflib_format):
    response = get(app, iris["person"] + suffix, "text/html")
    assert response.headers["content-type"].split(";")[0] == media
    assert (URIRef(iris["person"]), URIRef(SCHEMA + "name"), None) in parse(response, rdflib_format)


def test_pages_format_parameter_beats_accept(app, iris):
    response = get(app, iris["article"] + "?format=ttl", "application/ld+json")
    assert response.headers["content-type"].startswith("text/turtle")


def test_pages_unknown_format_is_406_naming_it(app, iris):
    response = get(app, iris["person"] + "?format=pdf")
    assert response.status_code == 406
    assert "pdf" in response.json()["message"]


@pytest.mark.parametrize("how, profile", [
    ({"accept": 'application/ld+json; profile="http://www.w3.org/ns/json-ld#expanded"'}, "expanded"),
    ({"accept": 'application/ld+json;profile="http://www.w3.org/ns/json-ld#framed"'}, "framed"),
    ({"accept": "application/ld+json"}, "compacted"),
    ({"query": "?profile=expanded", "accept": "application/ld+json"}, "expanded"),
])
def test_pages_jsonld_profile_selects_the_form(app, iris, how, profile):
    response = get(app, iris["person"] + how.get("query", ""), how["accept"])
    assert response.headers["content-type"].endswith(f'profile="http://www.w3.org/ns/json-ld#{profile}"')
    data = response.json()
    if profile == "expanded":
        assert isinstance(data, list) and iris["person"] in [n["@id"] for n in data]
    else:
        assert data["@id"] == iris["person"] and "@context" in data


def test_pages_jsonld_describes_posts_and_mentions(app, iris):
    data = get(app, iris["person"], "application/ld+json").json()
    graph = rdflib.Graph().parse(data=json.dumps(data), format="json-ld")
    person = URIRef(iris["person"])
    expected = select(app, f"SELECT ?post ?title {{ ?post org:member <{iris['person']}> ; "
                              "org:role/skos:prefLabel ?title }")
    titles = set(graph.objects(None, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")))
    assert expected
    for row in expected:
        assert (URIRef(row["post"]), URIRef("http://www.w3.org/ns/org#member"), person) in graph
        assert rdflib.Literal(row["title"], lang="zh") in titles
    mentions = select(app, f"SELECT DISTINCT ?a {{ ?a schema:mentions <{iris['person']}> }}")
    assert {URIRef(r["a"]) for r in mentions} <= set(graph.subjects(URIRef(SCHEMA + "mentions"), person))


def test_pages_etag_revalidates_with_304(app, iris):
    first_response = get(app, iris["person"], "text/turtle")
    tag, modified = first_response.headers["etag"], first_response.headers["last-modified"]
    again = get(app, iris["person"], "text/turtle", **{"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == tag
    assert get(app, iris["person"], "text/turtle", **{"If-Modified-Since": modified}).status_code == 304
    assert get(app, iris["person"], "text/turtle", **{"If-None-Match": 'W/"other"'}).status_code == 200
    assert get(app, iris["person"], "application/ld+json").headers["etag"] != tag


@pytest.mark.parametrize("accept", ["application/ld+json", "text/html"])
def test_pages_gzip_only_for_clients_that_accept_it(app, iris, accept):
    """The cache keeps pages gzipped: sent as is to gzip clients, decompressed for the others."""
    plain = app.get(iris["article"], headers={"Accept": accept, "Accept-Encoding": "identity"})
    for _ in range(2):  # rendered, then from the cache
        zipped = app.get(iris["article"], headers={"Accept": accept, "Accept-Encoding": "gzip"})
        assert zipped.headers["content-encoding"] == "gzip"
        assert zipped.content == plain.content  # httpx undid the gzip
    refused = app.get(iris["article"], headers={"Accept": accept, "Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in plain.headers and "content-encoding" not in refused.headers
    assert refused.content == plain.content and len(plain.content) > 1000
    assert "Accept-Encoding" in plain.headers["vary"] and zipped.headers["etag"] != plain.headers["etag"]


def test_pages_old_if_modified_since_gets_the_page(app, iris):
    response = get(app, iris["person"], "text/turtle", **{"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert response.status_code == 200 and response.content


def test_pages_head_answers_like_get(app, iris):
    response = app.head(iris["article"], headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle") and "etag" in response.headers


def test_pages_links_canonical_and_jsonld_alternate(app, iris):
    links = get(app, iris["person"], "text/turtle").links
    assert links["canonical"]["url"] == quote(iris["person"], safe=":/")
    assert links["alternate"]["url"].endswith(".jsonld")


def test_pages_percent_encoded_and_raw_paths_are_the_same_iri(app, iris, base):
    encoded = base + quote(iris["person"][len(base):])
    assert get(app, encoded, "application/n-triples").content == get(app, iris["person"], "application/n-triples").content


def test_pages_unknown_iri_is_404_with_suggestions(app, iris, base):
    person_page = html(get(app, iris["person"], "text/html"))
    name = person_page.findtext(".//h1")
    response = get(app, base + "person/" + name[:-1] + "不存在", "text/html")
    assert response.status_code == 404
    page = html(response)
    assert page.xpath(f"//a[@href='{base}']") and page.xpath(f"//a[starts-with(@href, '{base}search?q=')]")


def test_pages_unknown_iri_suggests_similar_names(app, iris, base):
    name = html(get(app, iris["person"], "text/html")).findtext(".//h1")
    response = get(app, base + "person/" + name + "某", "text/html")
    assert response.status_code == 404
    assert iris["person"] in html(response).xpath("//ul[@class='results']//a/@href")


def test_pages_unknown_iri_is_a_json_error_for_machines(app, base):
    response = get(app, base + "person/没有这个人", "application/ld+json")
    assert response.status_code == 404
    assert response.json()["status"] == 404 and "没有这个人" in response.json()["message"]


@pytest.mark.parametrize("page", ["0", "x", "-1", "100000"])
def test_pages_bad_page_number_is_400(app, iris, page):
    response = get(app, iris["person"] + f"?page={page}", "application/ld+json")
    assert response.status_code == 400 and page in response.json()["message"]


@pytest.mark.parametrize("kind", ["person", "organization", "place", "article", "post", "role", "page", "graph"])
def test_pages_html_embeds_its_jsonld_and_links_formats(app, iris, kind, base):
    page = html(get(app, iris[kind], "text/html"))
    scripts = page.xpath("//script[@type='application/ld+json']/text()")
    assert len(scripts) == 1 and json.loads(scripts[0])["@id"] == iris[kind]
    hrefs = page.xpath("//a/@href")
    assert {iris[kind] + s for s in (".jsonld", ".ttl")} <= set(hrefs)
    assert base + "sparql" in hrefs


def test_pages_person_shows_posts_with_dates_and_sources(app, iris):
    page = html(get(app, iris["person"], "text/html"))
    rows = select(app, f"""SELECT ?title ?date ?source {{ ?post org:member <{iris['person']}> ;
        org:role/skos:prefLabel ?title ; dcterms:date ?date ; prov:wasDerivedFrom ?source }}""")
    assert rows
    timeline = page.xpath("//ol[@class='timeline']/li")
    shown = " ".join(li.text_content() for li in timeline)
    sources = set(page.xpath("//ol[@class='timeline']//a/@href"))
    dates: dict[str, list[str]] = {}
    for row in rows:
        dates.setdefault(row["title"], []).append(row["date"])
    for title, seen in dates.items():  # a post is shown with the first and last dates it was seen
        assert title in shown and min(seen) in shown and max(seen) in shown
    assert {r["source"] for r in rows} & sources


def test_pages_person_lists_mentioning_articles_newest_first(app, iris):
    page = html(get(app, iris["person"], "text/html"))
    listed = page.xpath("//section[@class='mentions']//li/a/@href")
    expected = select(app, f"SELECT DISTINCT ?a {{ ?a schema:mentions <{iris['person']}> }}")
    assert sorted(listed) == sorted(r["a"] for r in expected)
    dates = page.xpath("//section[@class='mentions']//li/time/@datetime")
    assert dates == sorted(dates, reverse=True)


def test_pages_person_shows_co_mentioned_people(app, iris):
    page = html(get(app, iris["person"], "text/html"))
    shown = set(page.xpath("//section[@class='co']//a/@href"))
    expected = select(app, f"""SELECT DISTINCT ?o {{ ?a schema:mentions <{iris['person']}>, ?o .
        ?o a ?t FILTER(?t IN (schema:Person, schema:Organization) && ?o != <{iris['person']}>) }}""")
    assert shown and shown <= {r["o"] for r in expected}


def test_pages_article_highlights_and_links_mentions(app, iris):
    page = html(get(app, iris["article"], "text/html"))
    headline = first(app, f"SELECT ?h {{ <{iris['article']}> schema:headline ?h }}")
    assert page.find(".//h1").text_content() == headline
    names: dict[str, set[str]] = {}
    for row in select(app, f"""SELECT ?m ?n {{ <{iris['article']}> schema:mentions ?m .
        {{ ?m schema:name ?n }} UNION {{ ?m schema:alternateName ?n }} }}"""):
        names.setdefault(row["m"], set()).add(row["n"])
    links = page.xpath("//article//a[@class='mention']")
    assert page.xpath("//div[@class='text']//a[@class='mention']")
    assert links
    for link in links:
        assert link.get("href") in names and link.text in names[link.get("href")]


def test_pages_article_shows_byline_and_dateline(app, iris):
    article = iris["article"]
    page = html(get(app, article, "text/html"))
    byline = page.xpath("//p[@class='byline']")[0]
    authors = select(app, f"SELECT ?p {{ <{article}> schema:author|schema:creator ?p }}")
    assert {r["p"] for r in authors} <= set(byline.xpath(".//a/@href"))
    for row in select(app, f"SELECT ?d {{ <{article}> schema:dateline ?d }}"):
        assert row["d"] in byline.text_content()


def test_pages_home_shows_counts_and_browse_lists(app, base):
    page = html(app.get("/"))
    people = int(first(app, "SELECT (COUNT(DISTINCT ?p) AS ?n) { ?p a schema:Person }"))
    counts = {a.get("href"): a.findtext("strong") for a in page.xpath("//ul[@class='counts']//a")}
    assert int(counts[base + "browse/person"]) == people
    top = page.xpath("//section[contains(@class, 'person')]//a/@href")
    assert top and all(href.startswith(base + "person/") for href in top if href != base + "browse/person")
    assert page.xpath(f"//form[@action='{base}search']//input[@name='q']")


def test_pages_browse_lists_every_entity_of_a_kind(app):
    page = html(app.get("/browse/organization"))
    listed = set(page.xpath("//ul[@class='browse-list']//a/@href"))
    expected = {r["o"] for r in select(app, "SELECT ?o { ?o a schema:Organization }")}
    assert listed == expected


def test_pages_browse_unknown_kind_is_404(app):
    assert app.get("/browse/unicorn", headers={"Accept": "application/json"}).status_code == 404


def test_pages_search_finds_people_by_part_of_name(app, iris):
    name = first(app, f"SELECT ?n {{ <{iris['person']}> schema:name ?n }}")
    for part in {name, name[:2], name[1:]}:
        results = app.get("/search", params={"q": part, "format": "json"}).json()["results"]
        assert iris["person"] in [r["iri"] for r in results], part
        assert all(any(part in n for n in r["names"]) for r in results)


def test_pages_search_ranks_exact_name_first(app, iris):
    name = first(app, f"SELECT ?n {{ <{iris['person']}> schema:name ?n }}")
    results = app.get("/search", params={"q": name}, headers={"Accept": "application/json"}).json()["results"]
    assert results[0]["name"] == name


def test_pages_search_html_links_results(app, iris):
    name = first(app, f"SELECT ?n {{ <{iris['person']}> schema:name ?n }}")
    page = html(app.get("/search", params={"q": name[:2]}))
    assert iris["person"] in page.xpath("//ol[@class='results']//a/@href")


def test_pages_search_without_hits_says_so(app):
    page = html(app.get("/search", params={"q": "不会有这个名字"}))
    assert not page.xpath("//ol[@class='results']") and page.xpath("//p[@class='none']")


def test_pages_search_refuses_long_text(app):
    response = app.get("/search", params={"q": "长" * 51}, headers={"Accept": "application/json"})
    assert response.status_code == 400 and "51" in response.json()["message"]


def test_pages_stylesheet_is_served(app):
    response = app.get("/static/kb.css")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/css")


def test_pages_every_named_graph_dereferences_with_its_size(app):
    graphs = select(app, "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert len(graphs) > 1
    for row in graphs:
        graph = parse(get(app, row["g"], "text/turtle"), "turtle")
        size = graph.value(URIRef(row["g"]), URIRef("http://rdfs.org/ns/void#triples"))
        assert size is not None and int(size) == int(row["n"]), row["g"]
