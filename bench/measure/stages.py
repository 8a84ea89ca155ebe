"""What a build spends per character, stage by stage, on one core: the same calls `kb build`
makes for each page (kb.build._prepare on the workers, the store's bulk load in the main
process), timed one after another over the same pages. Their sum is the build's CPU cost per
character; two cores can at best halve it, which bounds the build's chars/s from above."""
from __future__ import annotations

import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import pyoxigraph as ox

STAGES = ("extract", "qualify", "map to RDF", "canonical lines", "tally", "dump texts", "compress", "store load")


def measure(files: list[Path], chars: int) -> dict:
    from kb import identity, rdf
    from kb.dumps import description as void, graphs as dump
    from kb.config import resolve
    from kb.iris import Minter
    from kb.pipeline import extract

    settings = resolve({}, environ={})
    mint = Minter(settings.base)
    extract(files[0], settings)  # dictionaries and rules loaded before timing
    spent = dict.fromkeys(STAGES, 0.0)
    total_chars, triples, quads = 0, 0, []

    def timed(stage: str, call, *args):
        started = time.perf_counter()
        value = call(*args)
        spent[stage] += time.perf_counter() - started
        return value

    for path in files:
        result = timed("extract", extract, path, settings)
        total_chars += len(result.page.source)
        result = timed("qualify", identity.qualify, result, settings)
        graph = mint.graph(result.page.id)
        mapped = timed("map to RDF", lambda: list(rdf.page_quads(result, mint)))
        lines = timed("canonical lines", dump.quad_lines, mapped, graph)
        timed("tally", lambda: asdict(void.Tally.of_lines(lines)))
        texts = timed("dump texts", dump.graph_texts, graph, lines, mint.base)
        timed("compress", dump.compressed, texts, len(lines))
        triples += len(lines)
        quads.append(texts["nq"])
        if total_chars >= chars:
            break
    with tempfile.TemporaryDirectory() as folder:
        store = ox.Store(str(Path(folder) / "store"))
        timed("store load", lambda: store.bulk_load(b"".join(quads), format=ox.RdfFormat.N_QUADS, lenient=True))
        del store
    return {"pages": len(quads), "chars": total_chars, "triples": triples,
            "seconds": {stage: round(s, 3) for stage, s in spent.items()}}
