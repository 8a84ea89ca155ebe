"""A mixed load on `kb serve` over loopback: SPARQL queries (every saved query of queries/, by
GET and by POST, plus small ones) interleaved with entity pages (JSON-LD, HTML, Turtle), driven
by wrk with mix.lua for a bounded time. `python -m bench.load` runs it and samples memory;
tests/test_load_smoke.py runs a few seconds of it in the test suite."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx

ROOT = Path(__file__).resolve().parents[2]
LUA = Path(__file__).with_name("mix.lua")
PAGE_TYPES = ("application/ld+json", "text/html", "text/turtle")
RESULTS = "application/sparql-results+json"
SAVED_REPEATS = 3  # the saved queries come round this many times per cycle of the entities
# small queries sent as they are (application/sparql-query): one line each, no comments
SMALL = ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
         "ASK { ?s a schema:Person }",
         "SELECT ?name WHERE { ?p a schema:Person ; schema:name ?name } ORDER BY ?name LIMIT 50")
# what users look up: people, organizations, places, projects, events, articles, posts held
# (hash IRIs are parts of another entity's page, not pages of their own)
ENTITIES = ("SELECT DISTINCT ?s WHERE {{ VALUES ?type {{ schema:Person schema:Organization schema:Place schema:Project "
            "schema:Event schema:NewsArticle org:Membership }} ?s a ?type . "
            "FILTER(STRSTARTS(STR(?s), {base}) && !CONTAINS(STR(?s), '#')) }} ORDER BY ?s LIMIT {limit}")


def entity_iris(base: str, limit: int = 300) -> list[str]:
    """Entities the KB minted under `base` (a stable sample, the same every run)."""
    query = ENTITIES.format(base=json.dumps(base), limit=limit)
    response = httpx.get(base + "sparql", params={"query": query}, headers={"Accept": RESULTS}, timeout=120)
    response.raise_for_status()
    return [row["s"]["value"] for row in response.json()["results"]["bindings"]]


def requests(base: str, pages: int = 300) -> list[tuple[str, str, str, str, str]]:
    """The mix: (method, path, Accept, Content-Type, body) for every request wrk cycles through."""
    mix = []
    for iri in entity_iris(base, pages):  # its page in three formats, and what SPARQL says of it
        path = quote(iri[len(base) - 1:], safe="/:@!$&'()*+,;=-._~%")
        mix += [("GET", path, accept, "", "") for accept in PAGE_TYPES]
        lookup = f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }} LIMIT 200"
        mix.append(("GET", "/sparql?" + urlencode({"query": lookup}), RESULTS, "", ""))
    saved = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "queries").glob("*.rq"))]
    queries = []
    for query in saved:
        queries.append(("GET", "/sparql?" + urlencode({"query": query}), RESULTS, "", ""))
        queries.append(("POST", "/sparql", "text/csv", "application/x-www-form-urlencoded", urlencode({"query": query})))
    for query in SMALL:
        queries.append(("POST", "/sparql", RESULTS, "application/sparql-query", query))
    # spread through the mix, so that about a third of all requests are SPARQL queries
    step = max(1, len(mix) // (len(queries) * SAVED_REPEATS))
    for i, entry in enumerate(queries * SAVED_REPEATS):
        mix.insert(min(len(mix), i * (step + 1)), entry)
    return mix


def check(base: str, mix: list[tuple[str, str, str, str, str]]) -> list[str]:
    """Each request of the mix sent once before the load: what does not answer 2xx/3xx."""
    bad = []
    with httpx.Client(base_url=base, timeout=120, trust_env=False) as client:
        for method, path, accept, ctype, body in mix:
            headers = {"Accept": accept, **({"Content-Type": ctype} if ctype else {})}
            response = client.request(method, path, headers=headers, content=body.encode() or None)
            if response.status_code >= 400:
                bad.append(f"{method} {path[:120]}: {response.status_code} {response.text[:200]}")
    return bad


def write_mix(mix: list[tuple[str, str, str, str, str]], path: Path) -> Path:
    path.write_text("".join("\t".join(fields) + "\n" for fields in mix), encoding="utf-8")
    return path


def wrk(base: str, mix_file: Path, seconds: float, connections: int, threads: int = 2,
        timeout: float = 30) -> dict:
    """Run wrk with mix.lua; its summary (requests, errors by kind, latency in µs) as a dict."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", f"--timeout={timeout:g}s",
               "-s", str(LUA), base, "--", str(mix_file)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + timeout + 60)
    line = next((l for l in done.stdout.splitlines() if l.startswith("LOAD ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    summary = json.loads(line[5:])
    summary["errors"] = sum(summary[k] for k in ("connect", "read", "write", "status", "timeout"))
    summary["requests_per_s"] = summary["requests"] / (summary["duration_us"] / 1e6)
    return summary
