"""A file holding one article's plain text, not a page: a headline line (maybe decks and a byline)
and paragraphs, or paragraphs only, as copied from a web page or an archive.  Such a file is one
item whatever its length, and its subheads stay inside it."""
from __future__ import annotations

import re
from itertools import groupby

from kb.stages.gather import Draft
from kb.stages.paragraphs import Para, is_wire
from kb.stages.read import MIN_HAN  # a lone article prints as many Chinese characters as a page

_PAGE_ONLY = frozenset({"photo", "caption", "note", "fact", "cont", "resumed"})  # what no lone article prints
SUBHEAD_LINES = 2  # a run of titles inside an article's text longer than this heads another item
_HAN = re.compile(r"[\u3400-\u9fff]")


def article(paras: list[Para], titles_after: bool) -> Draft | None:
    """A file of one article's plain text: its titles (and byline) on one side of its text, none on
    the other; inside the text no byline, no lead but the first paragraph, only short runs of
    titles (subheads); nothing only a page prints (photos, notes, fact cards, continuations)."""
    paras = [p for p in paras if p.kind != "meta"]
    at = [i for i, p in enumerate(paras) if p.kind in ("body", "lead", "subhead")]
    if not at or any(p.kind in _PAGE_ONLY for p in paras):
        return None
    head, text, tail = paras[:at[0]], paras[at[0]:at[-1] + 1], paras[at[-1] + 1:]
    titles, other = (tail, head) if titles_after else (head, tail)
    if any(p.kind != "byline" for p in other) or any(p.kind in ("byline", "lead") for p in text[1:]):
        return None
    if any(is_title and len(list(run)) > SUBHEAD_LINES
           for is_title, run in groupby(text, key=lambda p: p.kind in ("title", "bullet"))):
        return None
    if sum(len(_HAN.findall(p.text)) for p in text) < MIN_HAN:
        return None
    kind = ("wire" if is_wire(text[0].text) else "news") if text[0].kind == "lead" else "feature"
    return Draft(kind, body=text, titles=[p for p in titles if p.kind != "byline"],
                 bylines=[p for p in head + tail if p.kind == "byline"], closed=True, whole=True)
