"""`kb push`: load the KB, named graph by named graph, into an external SPARQL 1.1 store.

The Graph Store HTTP Protocol when the URL is a Graph Store endpoint (PUT the graph's first
batch, POST the rest, so a push replaces what an earlier push left); otherwise SPARQL 1.1 Update
at the same URL (DROP SILENT GRAPH, then INSERT DATA batches). A GET of a graph no store holds
tells them apart (a PUT to a plain SPARQL endpoint can hang: Virtuoso's does).
Requests go through the storage layer's one client (kb.store.client), credentials and all.
"""
from __future__ import annotations

import urllib.parse
from typing import Iterator

import httpx
import pyoxigraph as ox

from kb.config import Settings
from kb.errors import KbError
from kb.store import DataDir
from kb.store.client import FORM, RemoteClient, form

GSP_BATCH = 50_000  # triples per Graph Store request
UPDATE_BATCH = 1_000  # triples per INSERT DATA: stores limit the size of an update text
PROBE_GRAPH = "urn:x-kb:push-probe"  # a graph no store holds


def push(settings: Settings, endpoint: str, user: str | None = None, password: str | None = None) -> int:
    """Copy every graph of the current snapshot to `endpoint`; return the number of triples sent."""
    client = RemoteClient(endpoint, user, password)
    try:
        return _push_graphs(DataDir(settings.data_dir).open_read(), client)
    finally:
        client.close()


def _push_graphs(store: ox.Store, target: RemoteClient) -> int:
    send = _put_graph if _speaks_graph_store(target) else _update_graph
    total = 0
    for graph in [ox.DefaultGraph(), *sorted(store.named_graphs(), key=str)]:
        lines = _lines(store, graph)
        if lines:
            send(target, graph, lines)
            total += len(lines)
    return total


def _speaks_graph_store(target: RemoteClient) -> bool:
    """A Graph Store endpoint answers 404 for a graph it does not hold; a SPARQL endpoint
    answers a GET without a query otherwise (a service description, a form, a 400)."""
    probe = _url(target, ox.NamedNode(PROBE_GRAPH))
    response = target.send("GET", probe, accept="text/turtle, application/n-triples")
    if response.status_code in (401, 403):
        raise KbError(_http_problem(target.endpoint, "GET", response))
    return response.status_code == 404


def _lines(store: ox.Store, graph) -> list[bytes]:
    return store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph).splitlines()


def _batches(lines: list[bytes], size: int) -> Iterator[list[bytes]]:
    for start in range(0, len(lines), size):
        yield lines[start:start + size]


def _url(target: RemoteClient, graph) -> str:
    query = "default" if isinstance(graph, ox.DefaultGraph) else urllib.parse.urlencode({"graph": graph.value})
    return f"{target.endpoint}{'&' if '?' in target.endpoint else '?'}{query}"


def _put_graph(target: RemoteClient, graph, lines: list[bytes]) -> None:
    """Graph Store Protocol: PUT replaces the graph, POST adds the following batches."""
    for i, batch in enumerate(_batches(lines, GSP_BATCH)):
        body = b"\n".join(batch) + b"\n"  # N-Triples is Turtle, which every store reads
        _send(target, _url(target, graph), "PUT" if i == 0 else "POST", body, "text/turtle; charset=utf-8")


def _update_graph(target: RemoteClient, graph, lines: list[bytes]) -> None:
    """SPARQL 1.1 Update (form-encoded `update=`, the protocol's most widely supported form)."""
    named = not isinstance(graph, ox.DefaultGraph)
    drop = f"DROP SILENT GRAPH <{graph.value}>" if named else "DROP SILENT DEFAULT"
    _send_update(target, drop)
    for batch in _batches(lines, UPDATE_BATCH):
        triples = b"\n".join(batch).decode("utf-8")
        data = f"GRAPH <{graph.value}> {{\n{triples}\n}}" if named else triples
        _send_update(target, f"INSERT DATA {{\n{data}\n}}")


def _send_update(target: RemoteClient, update: str) -> None:
    _send(target, target.endpoint, "POST", form({"update": update}), FORM)


def _send(target: RemoteClient, url: str, method: str, body: bytes, content_type: str) -> None:
    response = target.send(method, url, body, content_type)
    if not response.is_success:
        raise KbError(_http_problem(target.endpoint, method, response))


def _http_problem(endpoint: str, method: str, response: httpx.Response) -> str:
    if response.status_code in (401, 403):
        return (f"{endpoint}: the store refused the {method} ({response.status_code}): give --user and "
                "--password of an account allowed to write (Virtuoso: its */sparql-auth or "
                "*/sparql-graph-crud-auth URL)")
    detail = response.text[:300].strip().replace("\n", " ")
    return f"{endpoint}: {method} failed with HTTP {response.status_code}: {detail}"
