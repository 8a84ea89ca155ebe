"""Hostile requests against a live server: oversized, nested and endless queries, SPARQL Update
without the token, path traversal, invalid UTF-8 and percent-encoding, NUL bytes, huge headers.
Each gets a clean 4xx or a time-limit error (never a 500), and the server answers a normal query
after each one. Requests that an HTTP client would normalize or refuse go over a raw socket."""
from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path
from typing import Iterator
from urllib.parse import quote, urlsplit

import httpx
import pyoxigraph as ox
import pytest
from conftest import Server

from kb.errors import QueryError
from kb.store.engine import MAX_NESTING, check_nesting
from kb.web.sparql import MAX_BODY, WORKER_MEMORY_MB, WORKERS

TOKEN = "hostile-token"
TIMEOUT = 2.0
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
# every triple with every other, four times over: 10^16 rows to count
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
INSERT = "INSERT DATA { <http://example.org/intruder> <http://example.org/was> <http://example.org/here> }"
INTRUDED = "ASK { <http://example.org/intruder> ?p ?o }"


@pytest.fixture(scope="module")
def hostile(kb_data: Path, base: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The seed KB (a copy: the update tests must not touch the shared one) behind a server with
    a short time limit and an update token."""
    data = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(kb_data, data, symlinks=True)
    with Server(["--data-dir", str(data), "--base", base, "--update-token", TOKEN],
                env={"KB_QUERY_TIMEOUT": str(TIMEOUT)}) as srv:
        yield srv


@pytest.fixture()
def http(hostile: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=hostile.url, timeout=30) as c:
        yield c


def count_triples(url: str) -> int:
    """A normal query, answered in full: the server is still serving."""
    response = httpx.get(url + "sparql", params={"query": COUNT}, headers={"Accept": "application/sparql-results+json"},
                         timeout=30)
    assert response.status_code == 200, response.text
    return int(next(iter(ox.parse_query_results(response.content, ox.QueryResultsFormat.JSON)))["n"].value)


def ask(url: str, query: str) -> bool:
    response = httpx.get(url + "sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    return bool(ox.parse_query_results(response.content, ox.QueryResultsFormat.JSON))


def raw(port: int, request: bytes) -> tuple[int | None, bytes]:
    """Send bytes as they are; return (status, body), status None when the server closed the
    connection without an answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        try:
            sock.sendall(request)
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        except (ConnectionResetError, BrokenPipeError):
            return None, b""
    if not data:
        return None, b""
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def get(target: bytes, *headers: bytes) -> bytes:
    return b"GET " + target + b" HTTP/1.1\r\nHost: localhost\r\n" + b"".join(h + b"\r\n" for h in headers) \
        + b"Connection: close\r\n\r\n"


@pytest.mark.parametrize(("query", "nested"), [
    ("SELECT * WHERE " + "{" * (MAX_NESTING + 1) + " ?s ?p ?o " + "}" * (MAX_NESTING + 1), True),
    ("ASK { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }", True),
    ("SELECT * WHERE " + "{" * MAX_NESTING + " ?s ?p ?o " + "}" * MAX_NESTING, False),
    ('SELECT * WHERE { ?s ?p "' + "{" * 5000 + '" } # ' + "(" * 5000, False),  # in strings and comments
    ("SELECT * WHERE { ?s <http://x/{{{{{{{{{{> ?o }", False),
])
def test_hostile_nesting_is_checked_before_parsing(query: str, nested: bool) -> None:
    if nested:
        with pytest.raises(QueryError, match=f"more than {MAX_NESTING} levels"):
            check_nesting(query)
    else:
        check_nesting(query)


def test_hostile_oversized_queries_are_413(http: httpx.Client, hostile: Server) -> None:
    before = count_triples(hostile.url)
    big = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 10_000_000
    for kwargs in ({"content": big.encode(), "headers": {"Content-Type": "application/sparql-query"}},
                   {"data": {"query": big}}, {"data": {"update": big}}):
        response = http.post("sparql", **kwargs)
        assert response.status_code == 413, response.text
        assert f"{MAX_BODY // 1024} KiB" in response.json()["message"]
    just_under = "ASK {} # " + "x" * (MAX_BODY - 100)
    assert http.post("sparql", content=just_under.encode(),
                     headers={"Content-Type": "application/sparql-query"}).json()["boolean"] is True
    status, _ = raw(hostile.port, get(b"/sparql?query=ASK%7B%7D%23" + b"x" * 1_000_000))  # a 1 MB request line
    assert status is None or 400 <= status < 500
    assert count_triples(hostile.url) == before


@pytest.mark.parametrize("query", [
    "SELECT * WHERE " + "{" * 10_000 + " ?s ?p ?o " + "}" * 10_000,
    "ASK { FILTER(" + "(" * 100_000 + "1" + ")" * 100_000 + ") }",
    "SELECT * WHERE { ?s " + "(" * 1000 + "<http://x/p>" + ")*" * 1000 + " ?o }",
])
def test_hostile_deeply_nested_queries_are_400(http: httpx.Client, hostile: Server, query: str) -> None:
    response = http.post("sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400 and "levels deep" in response.json()["message"]
    assert count_triples(hostile.url) > 0


@pytest.mark.parametrize("query", [
    CARTESIAN,
    "ASK { FILTER(" + " + ".join(["1"] * 100_000) + " > 0) }",  # no brackets, but 100 000 operators deep
    "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 20_000) + " }",
])
def test_hostile_endless_queries_hit_the_time_limit(http: httpx.Client, hostile: Server, query: str) -> None:
    response = http.post("sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 503, response.text
    assert response.json()["error"] == "QueryTimeout" and f"{TIMEOUT:g} s" in response.json()["message"]
    assert count_triples(hostile.url) > 0


def test_hostile_a_crashing_worker_is_a_400_and_the_server_goes_on(http: httpx.Client, hostile: Server) -> None:
    """A query that makes the engine crash (simulated: its worker gets SIGSEGV) is the query's fault."""
    outcome: dict[str, httpx.Response] = {}
    slow = threading.Thread(target=lambda: outcome.setdefault("r", http.get("sparql", params={"query": CARTESIAN})))
    slow.start()
    time.sleep(TIMEOUT / 4)
    for pid in hostile.children():
        os.kill(pid, 11)
    slow.join(30)
    assert outcome["r"].status_code == 400 and "crashed the query engine" in outcome["r"].json()["message"]
    assert count_triples(hostile.url) > 0


def test_hostile_a_client_that_stops_reading_frees_its_worker(hostile: Server) -> None:
    """Clients that ask for big results and never read them hold their workers until the time
    limit at most: then the others are served again."""
    query = "SELECT%20*%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20.%20%3Fa%20%3Fb%20%3Fc%20%7D"
    stalled = []
    for _ in range(6):  # more than there are workers
        sock = socket.create_connection(("127.0.0.1", hostile.port))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.sendall(get(b"/sparql?query=" + query.encode(), b"Accept: text/csv"))
        stalled.append(sock)
    try:
        time.sleep(TIMEOUT * 1.5)
        assert [count_triples(hostile.url) > 0 for _ in range(3)] == [True] * 3
    finally:
        for sock in stalled:
            sock.close()


@pytest.mark.parametrize(("headers", "body"), [
    ({}, {"update": INSERT}),
    ({"Authorization": "Bearer wrong-token"}, {"update": INSERT}),
    ({"Authorization": f"Basic {TOKEN}"}, {"update": INSERT}),
    ({"Authorization": f"Bearer {TOKEN}x"}, {"update": INSERT}),
    ({"Authorization": f"Bearer {TOKEN[:-1]}"}, {"update": INSERT}),
    ({"Authorization": "Bearer"}, {"update": INSERT}),
    ({}, {"query": INTRUDED, "update": INSERT}),
])
def test_hostile_update_without_the_right_token_changes_nothing(http: httpx.Client, hostile: Server,
                                                                  headers: dict, body: dict) -> None:
    response = http.post("sparql", data=body, headers=headers)
    assert response.status_code in (400, 403), response.text
    assert response.json()["status"] == response.status_code
    raw_body = http.post("sparql", content=INSERT.encode(),
                         headers={**headers, "Content-Type": "application/sparql-update"})
    assert raw_body.status_code == 403
    assert http.get("sparql", params={"update": INSERT}, headers=headers).status_code == 403
    assert ask(hostile.url, INTRUDED) is False


def test_hostile_update_on_a_read_only_server_is_403_even_with_a_token(client: httpx.Client, server: Server) -> None:
    response = client.post("sparql", data={"update": INSERT}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 403 and "read-only" in response.json()["message"]
    assert ask(server.url, INTRUDED) is False


SECRETS = (b"root:x:0:0", b"[build-system]")  # /etc/passwd, the repository's pyproject.toml
TRAVERSALS = [
    b"/dumps/../../etc/passwd", b"/dumps/../../../../../../etc/passwd", b"/dumps/%2e%2e/%2e%2e/etc/passwd",
    b"/dumps/..%2f..%2fetc%2fpasswd", b"/dumps/%2e%2e%2f%2e%2e%2fetc%2fpasswd", b"/dumps/%252e%252e%252fetc%252fpasswd",
    b"/dumps/..\\..\\etc\\passwd", b"/dumps/..%5c..%5cetc%5cpasswd", b"/dumps/%2Fetc%2Fpasswd", b"/dumps//etc/passwd",
    b"/dumps/%2F%2Fetc%2Fpasswd", b"/dumps/..%2f..%2f..%2f..%2fpyproject.toml", b"/dumps/....//....//etc/passwd",
    b"/dumps/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd", b"/..%2f..%2fetc/passwd", b"/%2e%2e/%2e%2e/etc/passwd",
    b"/../../pyproject.toml", b"/static/..%2f..%2f..%2f..%2fpyproject.toml", b"/static/%2e%2e/%2e%2e/pyproject.toml",
    b"/sparql/editor/..%2f..%2f..%2f..%2fpyproject.toml", b"/entity/..%2f..%2f..%2fetc%2fpasswd",
    b"/.well-known/..%2f..%2fetc%2fpasswd", b"/dumps/%00../../etc/passwd", b"/dumps/passwd%00.ttl",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_hostile_path_traversal_finds_nothing(hostile: Server, target: bytes) -> None:
    status, body = raw(hostile.port, get(target))
    assert status is not None and 400 <= status < 500, (status, body[:200])
    assert not any(secret in body for secret in SECRETS)
    assert count_triples(hostile.url) > 0


# (request target, the status it gets): invalid UTF-8, invalid percent-encoding and NUL bytes
MANGLED = [
    (b"/sparql?query=%ff%fe", 400), (b"/sparql?query=%zz", 400), (b"/sparql?query=%", 400),
    (b"/sparql?query=\xff\xfe", 400), (b"/sparql?query=ASK%00%7B%7D", 400), (b"/sparql?query=%C0%80", 400),
    (b"/sparql?query=ASK%7B%7D&default-graph-uri=%ff", 400), (b"/sparql?query=ASK%7B%7D&default-graph-uri=%00", 400),
    (b"/sparql?query=ASK%7B%7D&named-graph-uri=a%20b", 400), (b"/sparql?query=ASK%7B%7D&format=%ff", 406),
    (b"/sparql?query=ASK%7B%7D&format=%00", 406), (b"/sparql?format=%ff", 406),
    (b"/.well-known/void?format=%ff", 406), (b"/\xff\xfe", 400), (b"/dumps/%ff", 404), (b"/dumps/a%00b", 404),
    (b"/%00", 404), (b"/%zz", 404),
]


@pytest.mark.parametrize(("target", "status"), MANGLED)
def test_hostile_mangled_targets_are_4xx(hostile: Server, target: bytes, status: int) -> None:
    assert raw(hostile.port, get(target))[0] == status
    assert count_triples(hostile.url) > 0


# entity pages with an IRI that cannot be one (invalid UTF-8, a non-character): no such page
BAD_IRIS = [b"/%ff%fe", b"/id/%ff", b"/%ff.ttl", b"/%e4%b8", b"/%C0%AF", b"/%ED%A0%80", b"/%EF%BF%BF", b"/dumps/%ff/x"]


@pytest.mark.parametrize("target", BAD_IRIS)
def test_hostile_impossible_iris_are_not_found(hostile: Server, target: bytes) -> None:
    status, body = raw(hostile.port, get(target))
    assert status is not None and 400 <= status < 500, (status, body[:200])
    assert count_triples(hostile.url) > 0


@pytest.mark.parametrize(("body", "content_type"), [
    (b"query=%ff%fe", "application/x-www-form-urlencoded"),
    (b"query=\xff\xfe", "application/x-www-form-urlencoded"),
    (b"query=ASK%00%7B%7D", "application/x-www-form-urlencoded"),
    (b"query=ASK%7B%7D&" + b"&".join(b"f%d=1" % i for i in range(2000)), "application/x-www-form-urlencoded"),
    (b"ASK \xff\xfe {}", "application/sparql-query"),
    (b"ASK \x00 {}", "application/sparql-query"),
    (b"ASK {}", "application/sparql-query; charset=no-such-charset"),
    (b"\xff\xfe", "application/sparql-update"),
])
def test_hostile_mangled_bodies_are_400(http: httpx.Client, hostile: Server, body: bytes, content_type: str) -> None:
    response = http.post("sparql", content=body, headers={"Content-Type": content_type})
    assert response.status_code in (400, 403), response.text  # 403: an update is refused before it is read
    assert response.json()["status"] == response.status_code
    assert count_triples(hostile.url) > 0


def test_hostile_nul_and_binary_in_headers_are_refused(hostile: Server) -> None:
    for header in (b"Accept: text/csv\x00", b"Authorization: Bearer \x00" + TOKEN.encode(), b"X-\x00: 1"):
        status, _ = raw(hostile.port, get(b"/sparql?query=ASK%7B%7D", header))
        assert status == 400
    status, body = raw(hostile.port, get(b"/sparql?query=ASK%7B%7D", b"Accept: \xff\xfe/\xfd"))
    assert status == 406 and b"NotAcceptable" in body
    assert count_triples(hostile.url) > 0


@pytest.mark.parametrize("size", [8_000, 60_000])
def test_hostile_long_accept_headers_are_read_in_part(http: httpx.Client, hostile: Server, size: int) -> None:
    """Only the first 64 media ranges count: a long Accept costs no more than a short one."""
    accept = ("text/csv;q=0.5, " * size)[:size].rstrip(", ")
    response = http.get("sparql", params={"query": "SELECT ?x { VALUES ?x { 1 } }"}, headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.text.split() == ["x", "1"]
    unknown = http.get("sparql", params={"query": "ASK {}"}, headers={"Accept": ("x/y, " * size)[:size].rstrip(", ")})
    assert unknown.status_code == 406
    assert count_triples(hostile.url) > 0


def test_hostile_huge_headers_are_refused(hostile: Server) -> None:
    """A megabyte of header is refused by the HTTP layer (400, or the connection is closed)."""
    for header in (b"Accept: " + b"text/csv;q=0.1," * 70_000, b"X-Big: " + b"x" * 1_000_000):
        status, _ = raw(hostile.port, get(b"/sparql?query=ASK%7B%7D", header))
        assert status is None or 400 <= status < 500
    status, _ = raw(hostile.port, get(b"/", *[b"X-%d: %d" % (i, i) for i in range(20_000)]))
    assert status is None or 400 <= status < 500
    assert count_triples(hostile.url) > 0


def test_hostile_a_flood_of_slow_queries_does_not_starve_the_pages(hostile: Server) -> None:
    """Queries waiting for a worker wait on threads of their own: pages are served meanwhile."""
    people = httpx.get(hostile.url + "sparql", params={"query": "SELECT ?s { ?s a schema:Person } LIMIT 1"},
                       headers={"Accept": "application/sparql-results+json"}).json()["results"]["bindings"]
    page = hostile.url + urlsplit(people[0]["s"]["value"]).path[1:]  # its IRIs name the shared server
    assert httpx.get(page, headers={"Accept": "application/ld+json"}).status_code == 200  # rendered, cached
    finished: list[float] = []

    def slow() -> None:  # over a bare socket: sixty HTTP clients would take long to set up
        raw(hostile.port, get(b"/sparql?query=" + quote(CARTESIAN).encode()))
        finished.append(time.monotonic())

    flood = [threading.Thread(target=slow) for _ in range(60)]  # more than the default 40 threads
    for thread in flood:
        thread.start()
    time.sleep(TIMEOUT / 4)
    response = httpx.get(page, headers={"Accept": "application/ld+json"}, timeout=60)
    served = time.monotonic()
    for thread in flood:
        thread.join(60)
    assert response.status_code == 200 and len(finished) == 60
    assert served < min(finished)  # before any of the flood was answered
    assert count_triples(hostile.url) > 0


def test_hostile_a_query_that_eats_memory_is_stopped(client: httpx.Client, server: Server) -> None:
    """Sorting every pair of triples would take gigabytes: stopped at the workers' memory limit
    (on the shared server, whose time limit is too long to stop it first)."""
    response = client.get("sparql", params={"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"})
    assert response.status_code == 400, response.text
    assert f"more than {WORKER_MEMORY_MB} MB of memory" in response.json()["message"]
    assert len(server.children()) <= WORKERS
    assert count_triples(server.url) > 0
