"""Linked data that works wherever it is served, for every client (issue 16).

A KB built with `--base https://example.org/xc/` and served on a random loopback port without
`--base`: its IRIs dereference by path, its pages' links, headers and VoID point where the client
found the server (or, behind a trusted proxy, at the public address); HEAD and CORS on every
read-only path; clients nobody here wrote read it: SPARQLWrapper, rdflib, pyld, jsonld.js (npm)
and Raptor's rapper (Debian)."""
from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote, urljoin

import anyio
import httpx
import lxml.html
import pytest
import rdflib
from pyld import jsonld
from rdflib.compare import isomorphic
from SPARQLWrapper import CSV, JSON, N3, XML, SPARQLWrapper

from conftest import ROOT, SEEDS, Server, run_kb, serve_refused
from kb.config import resolve
from kb.dumps.files import read_manifest
from kb.iris import to_uri
from kb.web.app import create_app
from kb.store.backend import SnapshotBackend
from kb.web.forwarded import behind_proxies

BASE = "https://example.org/xc/"
PAGE = SEEDS / "001_d0690dd036a74885.txt"
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
SCHEMA = "http://schema.org/"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
PROXY = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "example.org", "X-Forwarded-Prefix": "/xc"}
JSONLD_JS = ROOT / ".venv" / "jsonld-js" / "node_modules"  # deps/test/jsonld-js.sh


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("anywhere") / "data"
    run_kb("build", PAGE, "--data-dir", folder, "--base", BASE, "--quiet")
    return folder


@pytest.fixture(scope="module")
def there(data: Path) -> Iterator[Server]:
    """The KB served on a free port, without --base."""
    with Server(["--data-dir", str(data)]) as srv:
        yield srv


def _first(server: Server, query: str) -> str:
    response = httpx.get(server.url + "sparql", params={"query": "PREFIX schema: <http://schema.org/>\n" + query},
                         headers={"Accept": "application/sparql-results+json"})
    rows = response.json()["results"]["bindings"]
    assert rows, query
    return next(iter(rows[0].values()))["value"]


@pytest.fixture(scope="module")
def person(there: Server) -> str:
    return _first(there, "SELECT ?p { ?a schema:mentions ?p . ?p a schema:Person } ORDER BY ?p LIMIT 1")


def at(server: Server, iri: str) -> str:
    """Where the server answers for an IRI of the KB: the path under the base, under its root."""
    assert iri.startswith(BASE), iri
    return server.url + iri[len(BASE):]


def links(response: httpx.Response) -> set[str]:
    """Every link, stylesheet, script and form of an HTML page, resolved against its address."""
    page = lxml.html.fromstring(response.content)
    found = page.xpath("//a/@href | //link/@href | //script/@src | //form/@action")
    return {unquote(urljoin(str(response.url), href)).split("#")[0] for href in found}


def test_anywhere_entities_dereference_by_path_under_any_address(there, person):
    response = httpx.get(at(there, person), headers={"Accept": "application/ld+json"})
    assert response.status_code == 200
    assert response.json()["@id"] == person  # the IRI stays the KB's, wherever it is served


def test_anywhere_every_link_of_a_page_is_live_on_this_server(there, person):
    page = httpx.get(at(there, person), headers={"Accept": "text/html"})
    assert page.status_code == 200
    found = links(page)
    assert not {link for link in found if link.startswith(BASE)}, "links to the base, not to this server"
    local = sorted(link for link in found if link.startswith(there.url))
    assert len(local) > 10 and at(there, person) + ".jsonld" in local
    with httpx.Client(timeout=30) as client:
        dead = [link for link in local if client.get(link).status_code != 200]
    assert not dead


def test_anywhere_search_gives_each_iri_and_where_it_is_served(there, person):
    name = httpx.get(at(there, person), headers={"Accept": "application/ld+json"}).json()["name"]
    hits = httpx.get(there.url + "search", params={"q": name, "format": "json"}).json()["results"]
    hit = next(h for h in hits if h["iri"] == person)
    assert hit["url"] == at(there, person) and httpx.get(hit["url"]).status_code == 200


def test_anywhere_link_header_names_the_address_the_client_used(there, person):
    response = httpx.get(at(there, person), headers={"Accept": "text/turtle"})
    canonical, alternate = response.links["canonical"]["url"], response.links["alternate"]["url"]
    assert canonical == to_uri(at(there, person))
    assert httpx.get(alternate).json()["@id"] == person


def test_anywhere_behind_a_proxy_headers_and_void_name_the_public_address(there, person):
    """A proxy at https://example.org/xc/ (trusted: on loopback) forwards to the server's root."""
    page = httpx.get(at(there, person), headers={"Accept": "text/turtle", **PROXY})
    assert page.status_code == 200 and page.links["canonical"]["url"] == to_uri(person)
    void = rdflib.Graph().parse(data=httpx.get(there.url + ".well-known/void", headers=PROXY).text, format="turtle")
    dataset = rdflib.URIRef(BASE + "dataset")
    assert void.value(dataset, VOID.sparqlEndpoint) == rdflib.URIRef(BASE + "sparql")
    described = rdflib.Graph().parse(data=httpx.get(there.url + "sparql", headers=PROXY).text, format="turtle")
    assert set(described.objects(None, SD.endpoint)) == {rdflib.URIRef(BASE + "sparql")}
    listing = httpx.get(there.url + "dumps/", headers={"Accept": "application/json", **PROXY}).json()
    assert {f["url"] for f in listing["files"]} >= {BASE + "dumps/kb.nq.gz"}


def test_anywhere_void_points_at_this_server_and_its_dumps_are_live(there):
    void = rdflib.Graph().parse(data=httpx.get(there.url + ".well-known/void").text, format="turtle")
    dataset = rdflib.URIRef(BASE + "dataset")
    assert void.value(dataset, VOID.uriSpace) == rdflib.Literal(BASE)
    assert void.value(dataset, VOID.sparqlEndpoint) == rdflib.URIRef(there.url + "sparql")
    downloads = sorted(str(url) for url in void.objects(None, DCAT.downloadURL))
    assert len(downloads) == 5 and all(url.startswith(there.url + "dumps/") for url in downloads)
    assert all(httpx.head(url).status_code == 200 for url in downloads)


def test_anywhere_untrusted_peers_cannot_rename_the_server(data):
    """X-Forwarded-* only from the proxies named in forwarded_allow_ips."""
    settings = resolve({"data_dir": data, "base": BASE, "forwarded_allow_ips": "10.0.0.1"})
    app = behind_proxies(create_app(settings, SnapshotBackend(data)), settings.forwarded_allow_ips)


    async def described(peer: str) -> set:
        transport = httpx.ASGITransport(app=app, client=(peer, 4321))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8080") as client:
            text = (await client.get("/sparql", headers=PROXY)).text
        return set(rdflib.Graph().parse(data=text, format="turtle").objects(None, SD.endpoint))

    endpoints = {peer: anyio.run(described, peer) for peer in ("10.0.0.1", "192.0.2.7")}
    assert endpoints == {"10.0.0.1": {rdflib.URIRef(BASE + "sparql")},
                         "192.0.2.7": {rdflib.URIRef("http://127.0.0.1:8080/sparql")}}


@pytest.mark.parametrize("how", ["--base", "KB_BASE"])
def test_anywhere_a_base_that_contradicts_the_kb_is_refused(data, how):
    other = "http://127.0.0.1:9/"
    args, env = (["--base", other], None) if how == "--base" else ([], {"KB_BASE": other})
    result = serve_refused("--data-dir", data, *args, env=env)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "contradicts" in lines[0] and BASE in lines[0] and other in lines[0]


def test_anywhere_the_same_base_given_again_is_served(data):
    with Server(["--data-dir", str(data), "--base", BASE]) as srv:
        assert httpx.get(srv.url + ".well-known/void").status_code == 200


READ_ONLY = ["", "search?q=史", "search?q=史&format=json", "browse/person", "static/kb.css", "favicon.ico",
             "dumps/", "dumps/manifest.json", "dumps/kb.nq.gz", "dumps/kb.ttl", ".well-known/void", "sparql",
             "sparql?query=ASK%7B%7D", "ontology", "openapi.json"]


@pytest.mark.parametrize("path", READ_ONLY)
def test_anywhere_head_wherever_get_and_cors_on_every_read(there, path):
    got = httpx.get(there.url + path)
    head = httpx.head(there.url + path)
    assert got.status_code == 200 and head.status_code == 200, path
    assert head.content == b"" and head.headers["content-type"] == got.headers["content-type"]
    assert got.headers["access-control-allow-origin"] == "*" == head.headers["access-control-allow-origin"]


def test_anywhere_head_and_cors_on_entities(there, person):
    url = at(there, person)
    for accept in ("text/html", "application/ld+json", "text/turtle"):
        got, head = (httpx.request(m, url, headers={"Accept": accept}) for m in ("GET", "HEAD"))
        assert (got.status_code, head.status_code, head.content) == (200, 200, b"")
        assert head.headers["etag"] == got.headers["etag"] and head.headers["link"] == got.headers["link"]
        assert got.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize("path, methods", [("person/x", {"GET", "HEAD", "OPTIONS"}),
                                           ("dumps/kb.nq.gz", {"GET", "HEAD", "OPTIONS"}),
                                           ("sparql", {"GET", "HEAD", "POST", "OPTIONS"})])
def test_anywhere_preflight_lets_other_sites_read(there, path, methods):
    response = httpx.options(there.url + path, headers={"Origin": "https://app.example",
                                                        "Access-Control-Request-Method": "GET",
                                                        "Access-Control-Request-Headers": "accept"})
    assert response.status_code == 204 and response.headers["access-control-allow-origin"] == "*"
    assert {m.strip() for m in response.headers["access-control-allow-methods"].split(",")} == methods
    assert "accept" in response.headers["access-control-allow-headers"].lower()


def test_anywhere_writes_stay_closed(there):
    response = httpx.post(there.url + "sparql", data={"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"},
                          headers={"Origin": "https://app.example"})
    assert response.status_code == 403
    assert httpx.get(there.url + "sparql", params={"query": "ASK { <urn:a> ?p ?o }"},
                     headers={"Accept": "application/sparql-results+json"}).json()["boolean"] is False


def test_anywhere_manifest_is_served_as_written(there, data):
    served = httpx.get(there.url + "dumps/manifest.json")
    assert served.headers["content-type"].startswith("application/json")
    assert served.json()["files"] == [f.__dict__ for f in read_manifest(data / "current" / "dumps")]


def test_anywhere_favicon_and_unique_operation_ids(there):
    assert httpx.get(there.url + "favicon.ico").headers["content-type"].startswith("image/")
    spec = httpx.get(there.url + "openapi.json").json()
    ids = [op["operationId"] for item in spec["paths"].values() for op in item.values()]
    assert ids and len(ids) == len(set(ids))


# --- clients nobody here wrote ---------------------------------------------------------------

CONSTRUCT = "CONSTRUCT { ?p a schema:Person ; schema:name ?n } WHERE { ?p a schema:Person ; schema:name ?n }"
SELECT = "SELECT ?p ?n WHERE { ?p a schema:Person ; schema:name ?n } ORDER BY ?p"


def _wrapper(server: Server, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(server.url + "sparql")
    client.setQuery("PREFIX schema: <http://schema.org/>\n" + query)
    client.setReturnFormat(fmt)
    return client


def test_anywhere_sparqlwrapper_construct_as_n3(there):
    """SPARQLWrapper's CONSTRUCT with returnFormat=N3 sends format=n3&output=n3&results=n3."""
    graph = rdflib.Graph().parse(data=_wrapper(there, CONSTRUCT, N3).queryAndConvert(), format="n3")
    assert len(graph) > 10 and all(str(s).startswith(BASE) for s in graph.subjects())


@pytest.mark.parametrize("fmt", [JSON, XML, CSV])
def test_anywhere_sparqlwrapper_select_in_every_format(there, fmt):
    result = _wrapper(there, SELECT, fmt).query()
    assert result.response.status == 200
    assert result.convert()


@pytest.mark.parametrize("param, value, media", [("output", "json", "application/sparql-results+json"),
                                                 ("results", "csv", "text/csv"),
                                                 ("output", "xml", "application/sparql-results+xml")])
def test_anywhere_output_and_results_name_the_format(there, param, value, media):
    response = httpx.get(there.url + "sparql", params={"query": "PREFIX schema: <http://schema.org/>\n" + SELECT,
                                                        param: value})
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)


def test_anywhere_a_browser_opening_a_query_link_gets_the_editor(there):
    query = "PREFIX schema: <http://schema.org/>\nSELECT ?n WHERE { ?p schema:name ?n } LIMIT 3"
    page = httpx.get(there.url + "sparql", params={"query": query}, headers={"Accept": BROWSER})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert _shared(page.text) == query  # handed to the editor, which runs it (test_sparql_editor.py)
    for accept in (None, "*/*", "application/sparql-results+json, text/html"):  # machines: results as before
        answer = httpx.get(there.url + "sparql", params={"query": query}, headers={"Accept": accept} if accept else {})
        assert answer.headers["content-type"].startswith(("application/sparql-results", "text/tab")), accept


def _shared(page: str) -> str:
    """The query the editor page holds: handed to YASGUI (a JSON string), or in the plain form."""
    for line in page.splitlines():
        if line.strip().startswith("const shared = "):
            return json.loads(line.split("=", 1)[1].split(";  //")[0])
    return lxml.html.fromstring(page).xpath("//textarea[@name='query']")[0].text


@pytest.mark.parametrize("accept, fmt", [("application/xml", "xml"), ("text/xml", "xml"), ("text/n3", "n3"),
                                         ("text/rdf+n3", "n3")])
def test_anywhere_entities_answer_xml_and_n3_clients(there, person, accept, fmt):
    response = httpx.get(at(there, person), headers={"Accept": accept})
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.content, format=fmt)
    assert (rdflib.URIRef(person), rdflib.URIRef(SCHEMA + "name"), None) in graph


def test_anywhere_rdflib_and_pyld_read_an_entity_by_its_address(there, person):
    by_rdflib = rdflib.Graph().parse(to_uri(at(there, person)))  # rdflib's own Accept and parser choice
    expanded = jsonld.expand(to_uri(at(there, person)))  # pyld's own loader (requests)
    by_pyld = rdflib.Graph().parse(data=json.dumps(expanded), format="json-ld")
    assert len(by_rdflib) > 5 and isomorphic(by_rdflib, by_pyld)


def test_anywhere_jsonld_js_reads_an_entity_by_its_address(there, person):
    if not (shutil.which("node") and (JSONLD_JS / "jsonld").is_dir()):
        pytest.skip("jsonld.js is not installed: `make test` installs it (deps/test/jsonld-js.sh)")
    script = ("const jsonld = require('jsonld');"
              "jsonld.toRDF(process.argv[1], {format: 'application/n-quads'})"
              ".then(out => process.stdout.write(out), e => { console.error(e); process.exit(1); });")
    out = subprocess.run(["node", "-e", script, to_uri(at(there, person))], capture_output=True, text=True,
                         timeout=60, env={"NODE_PATH": str(JSONLD_JS), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr[-500:]
    turtle = rdflib.Graph().parse(data=httpx.get(at(there, person) + ".ttl").text, format="turtle")
    assert isomorphic(rdflib.Graph().parse(data=out.stdout, format="nt"), turtle)


def _rapper(*args: str) -> list[str]:
    if not shutil.which("rapper"):
        pytest.skip("rapper is not installed: `make test` installs it (deps/test/raptor.sh)")
    out = subprocess.run(["rapper", "-q", *args], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-500:]
    return [line for line in out.stdout.splitlines() if line.strip()]


def test_anywhere_rapper_negotiates_rdf_xml_of_an_entity(there, person):
    """Raptor fetches the IRI's address itself (libcurl, its own Accept) and parses RDF/XML."""
    triples = _rapper("-i", "rdfxml", "-o", "ntriples", to_uri(at(there, person)))
    ours = rdflib.Graph().parse(data=httpx.get(at(there, person) + ".nt").text, format="nt")
    assert isomorphic(rdflib.Graph().parse(data="\n".join(triples), format="nt"), ours)


def test_anywhere_rapper_reads_the_turtle_dump_as_counted(there, data):
    statements = {f.format: f.statements for f in read_manifest(data / "current" / "dumps")}
    assert len(_rapper("-i", "turtle", "-o", "ntriples", there.url + "dumps/kb.ttl")) == statements["ttl"]


# --- one JSON-LD context, from the KB's base -------------------------------------------------

def test_anywhere_the_same_triple_compacts_the_same_under_any_base(there, server):
    """A page's kb:Page type compacts to "Page" under https://example.org/xc/ and under the
    session KB's base alike, on entity pages and in the JSON-LD dump."""
    for srv in (there, server):
        page = _first(srv, "SELECT ?pg { ?a schema:isPartOf ?pg } LIMIT 1")
        document = httpx.get(page if srv is server else at(there, page), headers={"Accept": "application/ld+json"})
        types = document.json()["@type"]
        assert "Page" in (types if isinstance(types, list) else [types]), srv.url
    dump = json.loads(gzip.decompress(httpx.get(there.url + "dumps/kb.jsonld.gz").content))
    assert dump["@context"]["kb"] == BASE + "ontology#"
    assert any("Page" in node.get("@type", []) for node in dump["@graph"])
    expanded = jsonld.expand({"@context": dump["@context"], "@type": "Page", "@id": BASE + "page/x"})
    assert expanded[0]["@type"] == [BASE + "ontology#Page"]


# --- kb serve --endpoint: a slow store stalls no other client --------------------------------

class _SlowStore(BaseHTTPRequestHandler):
    """A SPARQL store in front of another (the KB's own endpoint), answering each request after
    `delay` seconds: the store a page waits for."""

    upstream = ""
    delay = 0.0

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        time.sleep(type(self).delay)
        answer = httpx.post(self.upstream, content=body, timeout=60, headers={
            "Content-Type": self.headers["content-type"], "Accept": self.headers.get("accept", "*/*")})
        self.send_response(answer.status_code)
        self.send_header("Content-Type", answer.headers.get("content-type", "application/octet-stream"))
        self.send_header("Content-Length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)

    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def slow_store(there: Server) -> Iterator[type[_SlowStore]]:
    handler = type("Store", (_SlowStore,), {"upstream": there.url + "sparql", "delay": 0.0})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    handler.url = f"http://127.0.0.1:{httpd.server_address[1]}/sparql"
    yield handler
    httpd.shutdown()
    httpd.server_close()


def test_anywhere_a_slow_remote_store_stalls_no_other_client(slow_store, person):
    with Server(["--endpoint", slow_store.url, "--base", BASE]) as srv:
        try:
            assert httpx.get(srv.url, timeout=120).status_code == 200  # the page index is built
            slow_store.delay = 3.0
            page = threading.Thread(target=httpx.get, args=(at(srv, person),), kwargs={"timeout": 60})
            page.start()
            time.sleep(0.5)  # the page is waiting for the store now
            started = time.monotonic()
            assert httpx.get(srv.url + "static/kb.css", timeout=30).status_code == 200
            waited = time.monotonic() - started
            page.join()
        finally:
            slow_store.delay = 0.0
    assert waited < 1.5, f"a stylesheet waited {waited:.1f} s for another client's page"
