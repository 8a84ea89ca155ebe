"""Hostile and greedy clients against the live server: slowloris-style partial requests and many
clients at once. The server keeps answering everyone else, with the same answers as when idle."""
from __future__ import annotations

import socket
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator

import httpx
import pyoxigraph as ox
import pytest
from conftest import Server

PEOPLE = "SELECT ?s ?name WHERE { ?s a schema:Person ; schema:name ?name } ORDER BY ?s ?name LIMIT 20"
# partial requests that a slow client never finishes
PARTIAL = [
    b"G",
    b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\n",
    b"GET / HTTP/1.1\r\nHost: localhost\r\nAccept: text/html",
    b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/sparql-query\r\nContent-Length: 1000\r\n\r\nASK",
    b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n5\r\nquery\r\n",
]


def solutions(response: httpx.Response) -> list[tuple[str, ...]]:
    assert response.status_code == 200, response.text
    parsed = ox.parse_query_results(response.content, ox.QueryResultsFormat.JSON)
    return [tuple(s[v].value for v in parsed.variables) for s in parsed]


@pytest.fixture(scope="module")
def people(server: Server) -> list[tuple[str, ...]]:
    """The answer to PEOPLE from an idle server: what every busy client must get too."""
    found = solutions(httpx.get(server.url + "sparql", params={"query": PEOPLE},
                                headers={"Accept": "application/sparql-results+json"}))
    assert found
    return found


@pytest.fixture()
def slow_clients(server: Server) -> Iterator[list[socket.socket]]:
    sockets = []
    try:
        for i in range(200):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            sock.sendall(PARTIAL[i % len(PARTIAL)])
            sockets.append(sock)
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def test_hostile_clients_slowloris_does_not_stall_others(server: Server, slow_clients: list[socket.socket],
                                                         people: list[tuple[str, ...]]) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        for round_ in range(3):
            for sock in slow_clients:  # one more byte of header each, as slowloris does
                sock.send(b"X")
            assert solutions(http.get("sparql", params={"query": PEOPLE},
                                      headers={"Accept": "application/sparql-results+json"})) == people
            assert http.get("sparql").status_code == 200  # the service description
            assert http.get(people[round_][0], headers={"Accept": "application/ld+json"}).status_code == 200
            time.sleep(0.3)


def test_hostile_clients_many_at_once_get_the_same_answers(server: Server, people: list[tuple[str, ...]]) -> None:
    def client(i: int) -> list[object]:
        with httpx.Client(base_url=server.url, timeout=60) as http:
            got: list[object] = []
            for j in range(6):
                if (i + j) % 2:
                    got.append(solutions(http.post("sparql", data={"query": PEOPLE},
                                                   headers={"Accept": "application/sparql-results+json"})))
                else:
                    page = http.get(people[(i + j) % len(people)][0], headers={"Accept": "application/ld+json"})
                    got.append(page.status_code)
            return got

    with ThreadPoolExecutor(32) as pool:
        answers = list(pool.map(client, range(32)))
    for got in answers:
        assert all(answer in (people, 200) for answer in got), got
    assert sum(answer == people for got in answers for answer in got) == 32 * 3
