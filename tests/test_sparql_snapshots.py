"""The endpoint follows the KB's `current` snapshot: when a build switches it, the next query
(run by a worker that opened the old store) answers from the new one."""
from __future__ import annotations

from pathlib import Path

import httpx
import pyoxigraph as ox
from conftest import Server

from kb.store import DataDir

ASK = "SELECT ?v WHERE { <http://example.org/kb> <http://example.org/version> ?v }"


def snapshot(data: DataDir, version: str) -> Path:
    path = data.new_snapshot()
    store = ox.Store(str(path / "store"))
    store.add(ox.Quad(ox.NamedNode("http://example.org/kb"), ox.NamedNode("http://example.org/version"),
                      ox.Literal(version), ox.NamedNode("http://example.org/graph/page")))
    store.flush()
    del store
    (path / "COMPLETE").touch()
    return path


def versions(http: httpx.Client) -> list[str]:
    response = http.get("sparql", params={"query": ASK})
    assert response.status_code == 200, response.text
    return [b["v"]["value"] for b in response.json()["results"]["bindings"]]


def test_sparql_snapshots_queries_follow_a_switch(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    data.publish(snapshot(data, "one"))
    with Server(["--data-dir", str(data.root)]) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        assert [versions(http) for _ in range(3)] == [["one"]] * 3
        data.publish(snapshot(data, "two"))
        assert [versions(http) for _ in range(3)] == [["two"]] * 3


def test_sparql_snapshots_update_with_the_token_reaches_the_kb(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    data.publish(snapshot(data, "one"))
    insert = 'INSERT DATA { GRAPH <http://example.org/graph/edit> { <http://example.org/kb> <http://example.org/version> "edited" } }'
    with Server(["--data-dir", str(data.root), "--update-token", "t0ken"]) as server, \
            httpx.Client(base_url=server.url, timeout=30) as http:
        assert versions(http) == ["one"]
        done = http.post("sparql", data={"update": insert}, headers={"Authorization": "Bearer t0ken"})
        assert done.status_code == 204, done.text
        assert sorted(versions(http)) == ["edited", "one"]
