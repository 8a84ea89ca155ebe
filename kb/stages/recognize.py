"""Names the statistical recognizer (kb.ner) finds, kept when they look like names of their kind.

The rules read a local paper's cues (titles, suffixes, bylines); the model adds the names printed
without them (national news, foreign names, bodies without a listed suffix). kb.stages.entities
decides where it reads (not over reports on the home city) and how the two combine where both
read a name.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from kb.ner.model import Span, digest, load
from kb.stages import lexicon, orgs
from kb.stages.lexicon import CJK
from kb.stages.text import Found, Text

NAME = f"kb.recognize.v2+{digest()}"  # the weights' digest too: a retrained model is another stage
_PERSON = re.compile(f"[{CJK}]{{2,8}}|[{CJK}]{{1,8}}(?:·[{CJK}]{{1,8}})+")
_NAME = re.compile(f"[{CJK}A-Za-z0-9·（）()]+")
CONFIDENT = 0.7  # a name the model reads once is kept at this probability (chosen on the tuning part)
CUED = 0.5  # ... and a person at this one when a word that follows names follows it (tuning part too)


def find(text: Text, skip: Sequence[tuple[int, int]] = ()) -> list[Found]:
    """The model's people, organizations and places in the page's compact text, outside the
    [start, end) stretches to skip: those it is confident of, those it reads more than once, and
    people a word that follows names follows; a one-character place only when it stands for one
    (_short_forms)."""
    starts, pieces = [], []
    for first, last in _between(_token_bounds(text, skip), len(text.tokens)):
        starts.append(text.token_starts[first])
        pieces.append((text.text[starts[-1]:text.token_starts[last] if last < len(text.tokens) else len(text.text)],
                       text.tokens[first:last]))
    spans = [s._replace(start=s.start + start, end=s.end + start)
             for start, found in zip(starts, load().read(pieces)) for s in found]  # one batch for the page
    spans = [s for s in spans if _plausible(text, s.kind, s.start, s.end)]
    named = [(s, text.text[s.start:s.end]) for s in spans]
    seen = Counter((s.kind, name) for s, name in named)
    short = _short_forms({name for s, name in named if s.kind == "place"})
    return [Found(s.kind, short.get(name, name) if s.kind == "place" else name, name, s.start, s.end)
            for s, name in named if (s.confidence >= CONFIDENT or seen[s.kind, name] > 1 or _cued(text, s))
            and (len(name) > 1 or name in short)]


def _cued(text: Text, s: Span) -> bool:
    """A person the model is less sure of, followed by a word that follows names (说, 表示, 会见)."""
    return s.kind == "person" and s.confidence >= CUED and _after_name().match(text.text, s.end) is not None


@lru_cache(maxsize=1)
def _after_name() -> re.Pattern[str]:
    return re.compile(lexicon.alternation(lexicon.words("people_after.txt")))


def _short_forms(places: set[str]) -> dict[str, str]:
    """What the one-character places stand for (中 of 中美, 叙 of 叙中两国): the one place printed
    in full that it opens (叙利亚), unless the usual full name from the table (中国) is printed too
    or none is; a character that opens several printed places stands for none of them."""
    table = lexicon.suffix_table("places_abbreviations.txt")
    out = {}
    for char in (p for p in places if len(p) == 1):
        printed = [p for p in places if len(p) > 1 and p[0] == char]
        if char in table and (table[char] in places or not printed):
            out[char] = table[char]
        elif len(printed) == 1:
            out[char] = printed[0]
    return out


def _token_bounds(text: Text, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Character spans as the spans of the tokens (rjieba's words) they touch."""
    return [(text.token_at(start), text.token_at(end - 1) + 1) for start, end in spans if end > start]


def _between(skip: list[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """The stretches of [0, size) outside the ranges to skip (sorted by start; they may overlap,
    as nested items do)."""
    out, at = [], 0
    for start, end in skip:
        if start > at:
            out.append((at, start))
        at = max(at, end)
    return out + [(at, size)] if at < size else out


def _plausible(text: Text, kind: str, start: int, end: int) -> bool:
    surface = text.text[start:end]
    if kind == "person":
        return _PERSON.fullmatch(surface) is not None and surface not in lexicon.wordset("people_stop.txt")
    if len(surface) == 1:  # 中 of 中美关系, 豫 of 晋冀鲁豫: a country's or a province's short form
        return kind == "place"
    if _NAME.fullmatch(surface) is None or not _balanced(surface):
        return False
    if kind == "organization":
        return not orgs.generic(surface)
    return surface not in lexicon.wordset("places_stop.txt")


def _balanced(surface: str) -> bool:
    return surface.count("（") == surface.count("）") and surface.count("(") == surface.count(")")
