"""`kb serve --workers N`: N processes answer on one port, each follows a snapshot switch, and
the combinations it cannot serve consistently are refused with a reason."""
from __future__ import annotations

import asyncio
import shutil
import socket
from pathlib import Path
from urllib.parse import quote

import httpx
import pyoxigraph as ox
import pytest

from conftest import SEEDS, Server, run_kb, serve_refused
from kb.errors import ConfigError
from kb.store import DataDir
from kb.web.server import _listening

REQUESTS = 24  # enough that both workers answer some (the kernel spreads connections)


def _person(data: Path) -> str:
    store = DataDir(data).open_read()
    rows = store.query("SELECT ?p { ?p a <http://schema.org/Person> } ORDER BY ?p LIMIT 1",
                       use_default_graph_as_union=True)
    return next(iter(rows))["p"].value


def _etags(url: str) -> set[str]:
    """The ETags of REQUESTS requests, each on a new connection (so any worker may answer)."""
    tags = set()
    for _ in range(REQUESTS):
        response = httpx.get(url, headers={"Accept": "application/ld+json"}, timeout=30)
        assert response.status_code == 200, response.text[:200]
        tags.add(response.headers["etag"])
    return tags


@pytest.fixture(scope="module")
def workers(kb_data: Path, base: str, tmp_path_factory: pytest.TempPathFactory):
    data = tmp_path_factory.mktemp("workers") / "data"
    shutil.copytree(kb_data, data, symlinks=True)
    with Server(["--data-dir", str(data), "--base", base, "--workers", "2"]) as server:
        yield server, data


def test_pages_workers_answer_on_one_port_and_follow_a_snapshot_switch(workers, base):
    server, data = workers
    assert len(server.children()) >= 2  # the supervisor's worker processes
    person = _person(data)
    url = server.url + quote(person[len(base):])
    page = httpx.get(url, headers={"Accept": "application/ld+json"}, timeout=30).json()
    assert page["@id"] == person and page["@type"] == "Person"
    before = _etags(url)
    assert len(before) == 1  # every worker serves the same version
    run_kb("build", sorted(SEEDS.glob("*.txt"))[0], "--data-dir", data, "--base", base, "--quiet", check=False)
    DataDir(data).current()
    if _present(data, person):
        after = _etags(url)
        assert len(after) == 1 and after != before  # both workers moved to the new snapshot
    else:
        statuses = {httpx.get(url, headers={"Accept": "application/ld+json"}, timeout=30).status_code
                    for _ in range(REQUESTS)}
        assert statuses == {404}


def _present(data: Path, iri: str) -> bool:
    store = DataDir(data).open_read()
    return next(iter(store.quads_for_pattern(ox.NamedNode(iri), None, None, None)), None) is not None


@pytest.mark.parametrize("args, reason", [
    (["--workers", "2", "--update-token", "secret"], "update token"),
    (["--workers", "0"], "--workers 0"),
])
def test_pages_workers_refuses_what_it_cannot_serve(kb_data, args, reason):
    result = serve_refused("--data-dir", kb_data, *args)
    assert result.returncode != 0
    assert reason in result.stderr.strip().splitlines()[-1]


def test_pages_workers_refuses_rdf_files(tmp_path):
    data = tmp_path / "x.nt"
    data.write_text("<http://example.org/a> <http://example.org/p> \"x\" .\n")
    result = serve_refused("--data", data, "--workers", "2")
    assert result.returncode != 0 and "--workers" in result.stderr


def test_pages_workers_socket_lets_asyncio_turn_nagle_off():
    """The workers' shared socket is a TCP one by protocol, so asyncio sets TCP_NODELAY on each
    connection (uvicorn's own had protocol 0: every response waited for a delayed ACK)."""
    listening = _listening("127.0.0.1", 0)

    async def nodelay_of_accepted() -> int:
        accepted = asyncio.get_running_loop().create_future()

        def connected(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            sock = writer.get_extra_info("socket")
            accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(connected, sock=listening)
        _, writer = await asyncio.open_connection(*listening.getsockname())
        value = await asyncio.wait_for(accepted, 10)
        writer.close()
        server.close()
        return value

    assert listening.proto == socket.IPPROTO_TCP
    assert asyncio.run(nodelay_of_accepted()) != 0


def test_pages_workers_port_in_use_is_named():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(ConfigError, match=f"127.0.0.1:{taken.getsockname()[1]}"):
            _listening("127.0.0.1", taken.getsockname()[1])
