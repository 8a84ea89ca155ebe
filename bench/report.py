"""bench/RESULTS.md from the results of a run: each figure beside its reference and target."""
from __future__ import annotations

from typing import Any

QUOTED = {  # the calibration figures (same kind of machine, earlier), shown for comparison
    "jieba.posseg (HMM)": "51k", "jieba.lcut": "359k", "rjieba.tag": "4.2M",
    "pyoxigraph in memory (bulk_load)": "2.8 s", "pyoxigraph on disk (bulk_load)": "7 s", "rdflib (parse into memory)": "30 s",
    "pyoxigraph JSON-LD": "0.04 ms", "rdflib JSON-LD": "0.5 ms", "pyld compact": "2.5 ms",
    "dict": "3.1k req/s (64 connections)", "bytes": "10.5k req/s (64 connections)",
}


def rate(value: float | None) -> str:
    if value is None:
        return "—"
    for unit, size in (("M", 1e6), ("k", 1e3)):
        if value >= size:
            return f"{value / size:.2f}{unit}"
    return f"{value:.0f}"


def ms(cell: dict | None, key: str = "median_ms") -> str:
    if not cell:
        return "—"
    if "error" in cell:
        return "error"
    return f"{cell[key]:.1f}" if cell[key] >= 10 else f"{cell[key]:.2f}"


def mb(value: float | None) -> str:
    return "—" if value is None else (f"{value / 1024:.2f} GB" if value >= 1024 else f"{value:.0f} MB")


def verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("**met**" if ok else "**missed**")


def table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]


def render(r: dict) -> str:
    out = _head(r)
    out += _summary(r)
    for part in (_archive, _building, _add, _sparql, _pages, _dumps, _profiles, _errors):
        out += part(r)
    return "\n".join(out) + "\n"


def _head(r: dict) -> list[str]:
    meta = r["meta"]
    versions = ", ".join(f"{k} {v}" for k, v in meta["versions"].items())
    load = ", ".join(f"{x:.2f}" for x in meta["load_average_at_start"])
    busiest = max([meta["load_average_at_start"][0], *r.get("step_load", {}).values()])
    return [
        "# Benchmarks", "",
        "Written by `make bench` (bench/run.py); every reference figure below was re-measured in the same run.", "",
        f"- command: `{meta['command'].strip()}` (what `make bench` runs)",
        f"- run: {meta['started']} to {meta.get('finished', '…')}; code at {meta['git']}",
        f"- machine: {meta['machine']}; load average at start {load}"
        + (f"; **a busy machine**: 1-minute load up to {busiest:.1f} on 2 cores during the run (this run's own "
           "processes included; see the end), so figures are lower than an idle machine's" if busiest > 2 else ""),
        f"- versions: {versions}",
        f"- archive: synthetic 许昌日报 pages from bench/corpus (seed {r['options']['seed']}); the parameters of "
        "queries/ set to the query KB's heaviest cases: "
        + (", ".join(f"{k} {v}" for k, v in r.get("parameters", {}).items()) or "—"),
        "",
    ]


def _ratios(r: dict, slow: str, fast: str) -> list[float]:
    queries = r.get("sparql", {}).get("queries", {})
    found = []
    for name, row in queries.items():
        if not name.startswith("queries/"):
            continue  # bench/queries/ calibrate; the targets are about the query library
        a, b = row.get(slow) or {}, row.get(fast) or {}
        if "median_ms" in a and "median_ms" in b and b["median_ms"] > 0:
            found.append(a["median_ms"] / b["median_ms"])
    return found


def _summary(r: dict) -> list[str]:
    build, pages = r.get("build", {}), r.get("pages", {})
    rows = [_build_target(build, r.get("tagging", {}).get("chars_per_s_one_core", {})), _memory_target(build),
            _add_target(r.get("add", {})), _http_target(r), _virtuoso_target(r),
            *(_pages_target(pages, fmt) for fmt in ("jsonld", "html")), _dumps_target(r.get("dumps", {}))]
    return ["## Targets", ""] + table(["target", "measured", "reference (same run)", "verdict"], rows) + [""]


def _build_target(build: dict, tag: dict) -> list[str]:
    cores = build.get("cores") or 2
    speed = build.get("chars_per_s") if build.get("ok") else None
    measured = (f"{rate(speed)} chars/s, {build.get('pages_per_s', 0):.1f} pages/s" if speed
                else build.get("error", "—"))
    reference = (f"rjieba.tag {rate(tag.get('rjieba.tag', 0) * cores)}, "
                 f"jieba.posseg {rate(tag.get('jieba.posseg (HMM)', 0) * cores)} (×{cores} cores)" if tag else "—")
    return ["build ≥ 1,000,000 chars/s on 2 cores", measured, reference,
            verdict(None if speed is None else speed >= 1e6)]


def _memory_target(build: dict) -> list[str]:
    peak = build.get("peak_pss_mb") if build.get("ok") else None
    return [f"memory < 2 GB building {build.get('pages', 10_000):,} pages", mb(peak), "—",
            verdict(None if peak is None else peak < 2048)]


def _add_target(add: dict) -> list[str]:
    seconds = add.get("seconds") if add.get("ok") and isinstance(add.get("seconds"), dict) else None
    measured = ", ".join(f"{k}: {v:.1f} s" for k, v in seconds.items()) if seconds else add.get("error", "—")
    return [f"`kb add` one page into {add.get('kb_pages', 10000):,} pages", measured, "—", "no target"]


def _http_target(r: dict) -> list[str]:
    http = _ratios(r, "http", "in_process_disk")
    measured = "—"
    if http:
        measured = f"worst {max(http):.2f}×, {_within(http, 1.3)}/{len(http)} queries"
        floor = r.get("sparql", {}).get("queries", {}).get("bench/queries/protocol-floor.rq", {}).get("http", {})
        if "median_ms" in floor:
            measured += f"; an empty query costs {ms(floor)} ms over HTTP"
    return ["HTTP SPARQL within 1.3× in-process pyoxigraph", measured, "in-process on the same store",
            verdict(max(http) <= 1.3 if http else None)]


def _virtuoso_target(r: dict) -> list[str]:
    virt, mvirt = _ratios(r, "http", "virtuoso_http"), _ratios(r, "http_memory", "virtuoso_http")
    measured = "; ".join(f"{mode}: worst {max(ratios):.2f}×, {_within(ratios, 2)}/{len(ratios)} queries"
                         for ratios, mode in ((virt, "on disk"), (mvirt, "`--in-memory`")) if ratios) or "—"
    judged = verdict(max(virt) <= 2 if virt else None)
    if mvirt:
        judged += f" (on disk); `--in-memory`: {verdict(max(mvirt) <= 2)}"
    return ["queries within 2× Virtuoso", measured, "Virtuoso over HTTP, same dump", judged]


def _within(ratios: list[float], bound: float) -> int:
    return sum(x <= bound for x in ratios)


PAGE_LOADS = (("", "cached"), ("_cold", "uncached"), ("_memory", "uncached `--in-memory`"))  # key suffix, label


def _pages_target(pages: dict, fmt: str) -> list[str]:
    """One format's entity pages under load: p99 < 10 ms, ≥ 2,000 req/s and no errors, per server kind."""
    measured, verdicts = [], []
    for suffix, how in PAGE_LOADS:
        cell = pages.get(fmt + suffix, {})
        if "requests_per_s" in cell:
            ok = cell.get("p99_ms", 1e9) < 10 and cell["requests_per_s"] >= 2000 and cell["errors"] == 0
            measured.append(f"{how}: p99 {ms(cell, 'p99_ms')} ms, {rate(cell['requests_per_s'])} req/s, "
                            f"{cell['errors']} errors")
            verdicts.append(f"{how}: {verdict(ok)}")
    ref = pages.get("fastapi_reference", {}).get("bytes", {})
    return [f"entity pages ({fmt}): p99 < 10 ms, ≥ 2,000 req/s, 0 errors", "; ".join(measured) or "—",
            f"bare FastAPI bytes: {rate(ref.get('requests_per_s'))} req/s", "; ".join(verdicts) or verdict(None)]


def _dumps_target(dumps: dict) -> list[str]:
    kb_dump = dumps.get("kb_dump", {})
    worst = max((c["seconds"] for c in kb_dump.values() if c.get("ok")), default=None)
    whole = dumps.get("all_from_parts", {}).get("seconds")
    measured = ", ".join(x for x in (f"all five written {whole:.1f} s" if whole else "",
                                     f"`kb dump` slowest {worst:.1f} s" if worst else "") if x) or "—"
    slowest_native = max(dumps.get("native", {}).values(), default=None)
    return [f"every dump of {dumps.get('kb_triples', 1_000_000):,} triples < 10 s", measured,
            f"pyoxigraph.serialize slowest format {slowest_native:.1f} s" if slowest_native else "—",
            verdict(_dumps_met(kb_dump, worst, whole))]


def _dumps_met(kb_dump: dict, worst: float | None, whole: float | None) -> bool | None:
    """Judged only once all five formats were dumped and written together."""
    if worst is None or whole is None or len(kb_dump) < 5:
        return None
    return max(worst, whole) < 10 and all(c.get("ok") for c in kb_dump.values())


def _archive(r: dict) -> list[str]:
    a = r.get("archive")
    if not a:
        return []
    marks = list(next(iter(a["growth"].values())))
    out = ["## The archive", "", f"{a['pages']:,} generated pages, {a['chars']:,} characters. Distinct names (as the "
           "generator placed them) after the first pages, and the share of pages naming the most-named one:", ""]
    rows = [[kind] + [f"{g[m]:,}" for m in marks] + [f"{a['top_share'][kind]:.0%}"] for kind, g in a["growth"].items()]
    return out + table(["kind", *(f"after {int(m):,} pages" for m in marks), "top share"], rows) + [""]


def _building(r: dict) -> list[str]:
    out = ["## Tagging and building", ""]
    tag = r.get("tagging")
    if tag:
        out.append(f"Reference taggers over the same text ({tag['chars']:,} characters of {tag['pages']} generated pages, "
                   "whitespace removed, one core):")
        out.append("")
        out += table(["tagger", "chars/s, one core", "issue's figure"],
                     [[name, rate(v), QUOTED.get(name, "—")] for name, v in tag["chars_per_s_one_core"].items()])
        out.append("")
    out += _stages(r.get("stages"))
    rows = []
    for key, label in (("kb1m", "KB for the query benchmarks"), ("build", "the full archive")):
        b = r.get(key)
        if b:
            rows.append([label, f"{b['pages']:,}", f"{b['chars']:,}", f"{b.get('triples', 0):,}", f"{b['seconds']:.1f}",
                         rate(b["chars_per_s"]), f"{b['pages_per_s']:.1f}", mb(b["peak_pss_mb"]), mb(b["peak_rss_mb"]),
                         mb(b.get("disk_mb")), "ok" if b["ok"] else b.get("error", "failed")])
    if rows:
        out.append("`kb build PAGES --data-dir DIR --quiet`, all cores; memory sampled every 0.25 s over the process tree:")
        out.append("")
        out += table(["build", "pages", "chars", "triples", "seconds", "chars/s", "pages/s", "peak PSS", "peak RSS",
                      "on disk", "status"], rows)
        out.append("")
    for key, label in (("kb1m", "KB for the query benchmarks"), ("build", "the full archive")):
        if r.get(key, {}).get("phases"):
            out += [f"Phases of the build ({label}; wall seconds, as kb recorded them in COMPLETE): "
                    + _phases(r[key]["phases"]), ""]
    return out


def _stages(st: dict | None) -> list[str]:
    """Each stage's CPU cost per character and per triple, and the ceiling their sum puts on 2 cores."""
    if not st:
        return []
    total = sum(st["seconds"].values())
    per_char = lambda seconds: seconds / st["chars"] * 1e6  # noqa: E731
    rows = [[stage, f"{sec:.2f}", f"{per_char(sec):.2f}", f"{sec / st['triples'] * 1e6:.2f}", f"{sec / total:.0%}"]
            for stage, sec in st["seconds"].items()]
    rows.append(["**sum**", f"{total:.2f}", f"{per_char(total):.2f}", f"{total / st['triples'] * 1e6:.2f}", "100%"])
    extract = st["seconds"]["extract"]
    return [f"What a build spends, stage by stage, one core (`bench/measure/stages.py`: the calls `kb build` makes, "
            f"over {st['pages']} pages, {st['chars']:,} characters, {st['triples']:,} triples, "
            f"{st['triples'] / st['chars']:.2f} triples per character):", ""] + table(
        ["stage", "seconds", "µs per character", "µs per triple", "share"], rows) + [
        "", f"Two cores doing nothing else, perfectly shared, could build at most **{rate(2 * st['chars'] / total)} "
        f"chars/s** with this work; extraction alone would allow {rate(2 * st['chars'] / extract)} chars/s, the store's "
        f"load alone {rate(st['chars'] / st['seconds']['store load'])} chars/s (one thread).", ""]


def _phases(phases: dict[str, float]) -> str:
    """pages: extraction, mapping and compression on the workers with the store's bulk load;
    entities: resolution and the entities graph; store: merging its files; dumps: assembly."""
    return ", ".join(f"{name} {seconds:.1f}" for name, seconds in phases.items())


def _add(r: dict) -> list[str]:
    add = r.get("add")
    if not add:
        return []
    out = ["## Incremental add", "", f"`{add.get('command', 'kb add')}` into the KB of {add.get('kb_pages', '?'):,} pages "
           f"({add.get('kb_triples', 0):,} triples): the archive's next page; then another text under the same file "
           "name (a replacement); then that file again (unchanged).", ""]
    if add.get("ok") and isinstance(add.get("seconds"), dict):
        out.append("seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in add["seconds"].items())
                   + f"; peak memory {mb(add['peak_pss_mb'])}")
        for run, phases in add.get("phases", {}).items():
            out += ["", f"Phases of the {run} (wall seconds): " + _phases(phases)]
    else:
        out.append(f"failed: {add.get('error')}")
    return out + [""]


def _sparql(r: dict) -> list[str]:
    s = r.get("sparql")
    if not s:
        return []
    out = ["## SPARQL", "", f"Every query of queries/ (and bench/queries/) on the KB of {s['kb_triples']:,} triples: median / p99 ms. "
           "In-process: pyoxigraph on the KB's store (and on the same quads in memory), results serialized as the endpoint does; "
           "HTTP: `POST /sparql` on `kb serve` with a keep-alive client (HTTP (in-memory): the same on a second `kb serve --in-memory`); Virtuoso: its /sparql, loaded with `kb dump --format nq`"
           + (f" ({r['virtuoso_load_s']:.1f} s to load)." if r.get("virtuoso_load_s") else "."), ""]
    rows = [_query_row(name, q) for name, q in s["queries"].items()]
    out += table(["query", "rows (HTTP/Virtuoso if they differ)", "in-process (disk)", "in-process (memory)", "HTTP", "HTTP ÷ in-process",
                  "Virtuoso", "HTTP ÷ Virtuoso", "HTTP (in-memory)", "HTTP (in-memory) ÷ Virtuoso"], rows)
    out.append("")
    if s.get("in_memory"):
        out += [_in_memory_note(s["in_memory"]), ""]
    out.append("Issue's figures for the co-mention query at 1M triples: pyoxigraph 159 ms in memory, 778 ms on disk, Virtuoso 26 ms.")
    return out + [""]


def _query_row(name: str, q: dict) -> list[Any]:
    """One query's row: its timings in each setting, and HTTP against in-process and against Virtuoso."""
    if "error" in q:
        return [f"`{name}`", "error", q["error"][:80], "", "", "", "", "", "", ""]
    disk, http, virt, mem = q["in_process_disk"], q["http"], q.get("virtuoso_http"), q.get("http_memory")
    return [f"`{name}`", _rows(q, http, virt), _median_p99(disk), _median_p99(q.get("in_process_memory")),
            _timings(http), _ratio(http, disk), _timings(virt), _ratio(http, virt), _timings(mem), _ratio(mem, virt)]


def _median_p99(cell: dict | None) -> str:
    return f"{ms(cell)} / {ms(cell, 'p99_ms')}"


def _timings(cell: dict | None) -> str:
    """Median / p99, or why there are none (an error shortened, or — where the setting was not run)."""
    if cell is not None and "error" not in cell:
        return _median_p99(cell)
    return (cell or {}).get("error", "—")[:60]


def _ratio(slow: dict | None, fast: dict | None) -> str:
    if slow and fast and "median_ms" in slow and fast.get("median_ms"):
        return f"{slow['median_ms'] / fast['median_ms']:.2f}×"
    return "—"


def _rows(q: dict, http: dict, virt: dict | None) -> Any:
    """The query's row count, with HTTP's and Virtuoso's beside it when one of them differs."""
    counts = "/".join(str(c.get("rows", "?")) for c in (http, virt or {}) if c and "error" not in c)
    if counts and counts not in (f"{q['rows']}/{q['rows']}", str(q["rows"])):
        return f"{q['rows']} ({counts})"
    return q["rows"]


def _in_memory_note(loaded: dict) -> str:
    def sizes(key: str) -> str:
        return ", ".join(mb(x) for x in loaded[key]) or "—"
    return (f"`kb serve --in-memory`: first answer {loaded['first_answer_s']:.1f} s after the server answered "
            f"(a worker loading the KB's copy); query workers' resident memory: {sizes('workers_rss_mb_loaded')} loaded, "
            f"{sizes('workers_rss_mb_after')} after the queries (on-disk server's workers: "
            f"{sizes('on_disk_workers_rss_mb_after')}).")


def _pages(r: dict) -> list[str]:
    p = r.get("pages")
    if not p:
        return []
    out = ["## Entity pages", ""]
    rows = []
    labels = {"jsonld_cold": "JSON-LD, every entity, uncached", "jsonld_memory": "JSON-LD, every entity, uncached, `--in-memory`",
              "jsonld": "JSON-LD, every entity, cached", "jsonld_hot": "JSON-LD, hot set",
              "html_cold": "HTML, every entity, uncached", "html_memory": "HTML, every entity, uncached, `--in-memory`",
              "html": "HTML, every entity, cached", "html_hot": "HTML, hot set"}
    for fmt, label in labels.items():
        c = p.get(fmt, {})
        if "requests_per_s" in c:
            rows.append([label, f"{c['paths']:,}", c["connections"], c["seconds"], f"{c['requests']:,}", rate(c["requests_per_s"]),
                         ms(c, "p50_ms"), ms(c, "p90_ms"), ms(c, "p99_ms"), c["errors"] + c.get("failed_count", 0)])
    for kind, c in p.get("fastapi_reference", {}).items():
        if "requests_per_s" in c:
            rows.append([f"bare FastAPI, {kind} (issue: {QUOTED[kind]})", 1, c["connections"], c["seconds"], f"{c['requests']:,}",
                         rate(c["requests_per_s"]), ms(c, "p50_ms"), ms(c, "p90_ms"), ms(c, "p99_ms"), c["errors"]])
    if rows:
        cmd = p.get("jsonld", {}).get("command", "wrk")
        out.append(f"wrk on loopback, sharing the 2 cores with `kb serve --workers {p.get('workers', 1)}` (`{cmd}` with a "
                   "Lua script giving the paths). *Every entity*: every entity and article of the KB in shuffled order, "
                   "each thread from its own share; *uncached*: a server started with `--page-cache-mb 0`, so every "
                   "request renders its page (with `--in-memory`: from each process's in-memory copy of the store); *cached*: a server with its default page cache, measured after a "
                   f"{p.get('jsonld_warmup', {}).get('seconds', '?')} s warm-up pass over the same paths (its "
                   "steady state); *hot set*: the most-mentioned person and up to 100 of each kind, asked again and again:")
        out.append("")
        out += table(["load", "paths", "connections", "seconds", "requests", "req/s", "p50 ms", "p90 ms", "p99 ms", "errors"], rows)
        out.append("")
    docs = p.get("documents", {})
    if "construct_ms" in docs:
        out.append(f"Inside the server, per entity: gathering the triples (`kb.web.documents.{docs.get('gatherer', 'document')}`) median "
                   f"{ms(docs['construct_ms'])} ms, p99 {ms(docs['construct_ms'], 'p99_ms')} ms (issue: 30 ms). "
                   f"Serializing one document of {docs['serialized_triples']} triples:")
        out.append("")
        out += table(["serializer", "median ms", "issue's figure"],
                     [[k, ms(v), QUOTED.get(k, "—")] for k, v in docs.items() if isinstance(v, dict) and k != "construct_ms"])
        out.append("")
    elif "error" in docs:
        out += [f"In-server timings unavailable: {docs['error']}", ""]
    return out


def _dumps(r: dict) -> list[str]:
    d = r.get("dumps")
    if not d:
        return []
    out = ["## Dumps", "", f"`kb dump --format F -o FILE` of the KB of {d['kb_triples']:,} triples (the build's "
           "file, decompressed); kb writing the same format from the store alone (`kb.dump.write`, one core, as for a "
           "store with no build parts); pyoxigraph serializing the store (its own order, no canonical sorting):", ""]
    native, scratch = d.get("native", {}), d.get("from_store", {})
    out += table(["format", "kb dump (s)", "size", "kb from the store (s)", "pyoxigraph.serialize (s)", "status"],
                 [[f, f"{c['seconds']:.1f}", mb(c["bytes"] / 2**20), f"{scratch[f]:.1f}" if f in scratch else "—",
                   f"{native[f]:.1f}" if f in native else "—",
                   "ok" if c["ok"] else c.get("error", "failed")] for f, c in d["kb_dump"].items()])
    whole = d.get("all_from_parts")
    if whole:
        out += ["", f"All five dumps written the way a build writes them, from the store's {whole['graphs']:,} graphs: "
                f"{whole['seconds']:.1f} s on {whole['cores']} cores ({whole['compressing']:.1f} s sorting, serializing and "
                "compressing each graph's parts, the rest assembling the files): "
                + ", ".join(f"{k} {mb(v / 2**20)}" for k, v in whole["bytes"].items())]
    if d.get("build_phases"):
        out += ["", "The build of that KB, by phase (wall seconds; the dumps' parts are compressed by the workers "
                "during `pages`, `dumps` assembles the five files): " + _phases(d["build_phases"])]
    if d.get("build_time_dumps"):
        out += ["", "Written by `kb build` itself: " + ", ".join(f"{k} {mb(v / 2**20)}" for k, v in d["build_time_dumps"].items())]
    if d.get("loaders"):
        out += ["", "Loading the N-Triples dump with the reference loaders:", ""]
        out += table(["loader", "seconds", "issue's figure (1M triples)"],
                     [[k, f"{v:.1f}", QUOTED.get(k, "—")] for k, v in d["loaders"].items()])
    return out + [""]


def _profiles(r: dict) -> list[str]:
    found = r.get("profiles")
    if not found:
        return []
    out = ["## Profiles", "", "py-spy samples (`python -m bench.hotspots` on bench/out/profiles/*.txt): the functions where "
           "time was spent (self) and those on the stack (total), waits left out.", ""]
    if "error" in found:
        return out + [found["error"], ""]
    for name, text in found.items():
        out += [f"### {name}", "", "```", text, "```", ""]
    return out


def _errors(r: dict) -> list[str]:
    steps = r.get("step_seconds", {})
    done, load = r.get("step_finished", {}), r.get("step_load", {})
    out = ["## Run", "", "Seconds per step (finished at, 1-minute load average then): "
           + ", ".join(f"{k} {v:.0f} ({done.get(k, '?')}, load {load.get(k, 0):.1f})" for k, v in steps.items())]
    for step, error in r.get("step_errors", {}).items():
        out.append(f"- step **{step}** failed: {error}")
    if r.get("virtuoso") and isinstance(r["virtuoso"], str):
        out.append(f"Virtuoso: {r['virtuoso']}")
    return out + [""]
