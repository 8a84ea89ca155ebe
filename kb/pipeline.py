"""The extraction pipeline for one page: read -> normalize -> segment -> extract entities -> tell
apart same-named entities (kb.identity), so that every caller gets the result the build maps."""
from __future__ import annotations

import atexit
import gc
from pathlib import Path

from kb import identity
from kb.config import Settings
from kb.errors import PageError
from kb.model import Page, PageResult
from kb.stages import dates, entities, normalize, read, segment

# The stages in order, with their versioned names (recorded in provenance).
STAGES = (read, normalize, dates, segment, entities)
_settled = False  # whether settle() has run in this process
YOUNG = 10_000  # objects allocated (less those freed) that start a collection after settle(); Python's: 700


def stage_names() -> tuple[str, ...]:
    return (*(stage.NAME for stage in STAGES), *(rule.NAME for rule in entities.RULES))


def extract(path: str | Path, settings: Settings) -> PageResult:
    """Run every stage over one page file, namesakes told apart; raises PageError when the file cannot be used."""
    raw = read.read_page(path)
    text, offsets = normalize.normalize(raw.source)
    year, evidence = dates.infer_year(raw.id, text)
    page = Page(raw.id, raw.path, raw.source, text, offsets, raw.sha256, raw.encoding, year, evidence)
    items = segment.segment(page)
    if not items:
        raise PageError(raw.path, "no article found: not a newspaper page")
    mentions, found, posts = entities.extract(page, items, settings)
    return identity.qualify(PageResult(page, items, mentions, found, posts), settings)


def settle() -> None:
    """For a process that extracts many pages, once the stages have loaded their data (after its
    first page): put what is alive then (rjieba's dictionary, the gazetteer, the model, the word
    lists) out of reach of the cyclic garbage collector, whose full collections would otherwise walk
    all of it again every few dozen pages (6% of extraction time on the seed pages); and start a
    collection only after YOUNG new objects, not 700: a page keeps thousands alive at once (rjieba's
    words), so the collector ran several times a page and found nothing (3% more). Undone at exit,
    where frozen objects are not finalized (a file left open would lose what it had not written)."""
    global _settled
    if not _settled:
        _settled = True
        gc.collect()
        gc.freeze()
        atexit.register(gc.unfreeze)
        gc.set_threshold(YOUNG, *gc.get_threshold()[1:])
