"""SPARQL latency of every query in queries/ (and the calibration query in bench/queries/):
through kb's HTTP endpoint (and optionally a second `kb serve --in-memory`), against the same
query in-process on pyoxigraph (the KB's on-disk store, and the same data in memory), and
optionally against Virtuoso loaded with the same dump."""
from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Callable

import httpx
import pyoxigraph as ox

from bench import proc
from bench.load.memory import children, rss_mb
from bench.stats import summary_ms, timings

ACCEPT = {"select": "application/sparql-results+json", "construct": "application/n-triples"}


def query_files() -> list[Path]:
    return sorted((proc.ROOT / "queries").glob("*.rq")) + sorted((proc.ROOT / "bench" / "queries").glob("*.rq"))


def prefixes() -> dict[str, str]:
    try:
        from kb.vocab import PREFIXES
    except ImportError:
        return {}
    return dict(PREFIXES)


def with_prefixes(query: str) -> str:
    """The query with PREFIX lines for the prefixes kb's endpoint knows and the query leaves out
    (for engines other than kb's own)."""
    declared = set(re.findall(r"(?im)^\s*PREFIX\s+(\w*):", query))
    lines = [f"PREFIX {p}: <{iri}>" for p, iri in prefixes().items() if p not in declared]
    return "\n".join([*lines, query])


def in_process(store: ox.Store) -> Callable[[str], tuple[str, bytes]]:
    """A query run as kb runs it (union default graph), its results serialized as HTTP sends them."""
    known = prefixes()

    def call(query: str) -> tuple[str, bytes]:
        result = store.query(query, prefixes=known, use_default_graph_as_union=True)
        if isinstance(result, ox.QueryTriples):
            return "construct", ox.serialize(result, format=ox.RdfFormat.N_TRIPLES)
        return "select", result.serialize(format=ox.QueryResultsFormat.JSON)
    return call


def rows(form: str, payload: bytes) -> int:
    if form == "construct":
        return len(payload.splitlines())
    data = json.loads(payload)
    return len(data["results"]["bindings"]) if "results" in data else int(data.get("boolean", False))


def over_http(client: httpx.Client, url: str, form: str) -> Callable[[str], bytes]:
    def call(query: str) -> bytes:
        response = client.post(url, content=query.encode("utf-8"),
                               headers={"Content-Type": "application/sparql-query", "Accept": ACCEPT[form]})
        response.raise_for_status()
        return response.content
    return call


def measure(queries: dict[str, str], store: ox.Store, memory: ox.Store | None, server_url: str,
            budget: float, virtuoso: Callable[[str, str], bytes] | None = None,
            memory_url: str | None = None) -> dict:
    found = {}
    run_disk, run_memory = in_process(store), in_process(memory) if memory is not None else None
    with httpx.Client(timeout=300, trust_env=False) as client:
        for name, query in queries.items():
            try:
                form, payload = run_disk(query)
            except (SyntaxError, OSError, ValueError, RuntimeError) as exc:
                found[name] = {"error": f"{type(exc).__name__}: {exc}"}
                continue
            row = {"form": form, "rows": rows(form, payload),
                   "in_process_disk": summary_ms(timings(lambda: run_disk(query), budget))}
            if run_memory is not None:
                row["in_process_memory"] = summary_ms(timings(lambda: run_memory(query), budget))
            row["http"] = _guarded(lambda: over_http(client, server_url + "sparql", form)(query), budget, form)
            if memory_url is not None:
                row["http_memory"] = _guarded(lambda: over_http(client, memory_url + "sparql", form)(query), budget, form)
            if virtuoso is not None:
                row["virtuoso_http"] = _guarded(lambda: virtuoso(with_prefixes(query), form), budget, form)
            found[name] = row
    return found


def first_answer(url: str, query: str = "ASK {}") -> float:
    """Seconds to the first answer of a server just started (an --in-memory one loads its copy)."""
    started = time.perf_counter()
    httpx.post(url + "sparql", content=query.encode(), timeout=600, trust_env=False,
               headers={"Content-Type": "application/sparql-query", "Accept": ACCEPT["select"]}).raise_for_status()
    return time.perf_counter() - started


def workers_rss_mb(server_pid: int) -> list[float]:
    """Resident memory of each of a server's query workers (its child processes)."""
    return [round(rss_mb(pid), 1) for pid in children(server_pid)]


def _guarded(call: Callable[[], bytes], budget: float, form: str) -> dict:
    """Timings of a call to a server, with the rows of its answer; an error when it fails."""
    try:
        first = call()  # warm up, and fail early
        return {**summary_ms(timings(call, budget)), "rows": _rows_or_none(form, first)}
    except (httpx.HTTPError, RuntimeError) as exc:
        return {"error": f"{type(exc).__name__}: {exc}"[:300]}


def _rows_or_none(form: str, payload: bytes) -> int | None:
    try:
        return rows(form, payload)
    except (ValueError, KeyError, TypeError):
        return None
