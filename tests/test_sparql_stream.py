"""A large SELECT result (100k rows) streams: the server sends it in chunks as the worker writes
it, and neither process holds the whole response (their peak memory grows far less than it)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import httpx
import pytest
from conftest import Server

ROWS = 100_000
PAD = "许昌" * 30  # ~180 bytes of UTF-8 per row, so the response is ~30 MB of JSON
QUERY = "SELECT ?s ?text WHERE { ?s <http://example.org/text> ?text }"


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path = tmp_path_factory.mktemp("big") / "rows.nt"
    with path.open("w", encoding="utf-8") as out:
        for i in range(ROWS):
            out.write(f'<http://example.org/row/{i}> <http://example.org/text> "{i} {PAD}" .\n')
    with Server(["--data", str(path)]) as srv:
        yield srv


def peak_kb(pid: int) -> int:
    """VmHWM: the most resident memory the process has ever had."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmHWM for {pid}")


def test_sparql_stream_100k_rows_in_bounded_memory(big: Server) -> None:
    with httpx.Client(base_url=big.url, timeout=120) as http:
        # the same data read once with a one-row answer: the worker starts and its store cache fills,
        # so what is measured next is the cost of the response alone
        warm = http.get("sparql", params={"query": QUERY.replace("?s ?text", "(SUM(STRLEN(?text)) AS ?n)")})
        assert int(warm.json()["results"]["bindings"][0]["n"]["value"]) > ROWS * len(PAD)
        before = {pid: peak_kb(pid) for pid in [big.proc.pid, *big.children()]}
        body, chunks = bytearray(), 0
        with http.stream("GET", "sparql", params={"query": QUERY}) as response:
            assert response.status_code == 200
            assert "content-length" not in response.headers
            assert response.headers["transfer-encoding"] == "chunked"
            for chunk in response.iter_raw():
                body += chunk
                chunks += 1
        after = {pid: peak_kb(pid) for pid in before}
    rows = json.loads(body)["results"]["bindings"]
    assert len(rows) == ROWS and {r["text"]["value"].split()[1] for r in rows} == {PAD}
    assert chunks > 10
    size_kb = len(body) // 1024
    growth = {pid: after[pid] - before[pid] for pid in before}
    print(f"\nstreamed {ROWS} rows, {size_kb} KB in {chunks} chunks; peak memory growth (KB): {growth}")
    assert len(growth) >= 2, "the server and its query worker were measured"
    assert all(g < size_kb / 4 for g in growth.values()), (growth, size_kb)
