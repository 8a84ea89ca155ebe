"""Segment a normalized page into the items a reader sees: paragraphs are classified
(kb.stages.paragraphs, kb.stages.captions), gathered into items (kb.stages.gather; a file of one
article's plain text is one item, kb.stages.single), and each item gets its parts: headline and
decks, bylines, dateline and date, body span, continuation notes."""
from __future__ import annotations

import re
from itertools import groupby

from kb.model import Item, Page
from kb.stages import bylines, captions, single
from kb.stages.gather import Draft, by_block, gather
from kb.stages.headlines import split_titles
from kb.stages.normalize import is_column_text
from kb.stages.paragraphs import CONTINUATION, LEAD_BYLINE, Para, paragraphs

NAME = "kb.segment.v5"

_DATE = re.compile(r"(\d{1,2})月(\d{1,2})日")
VOTE_MARGIN = 2  # title runs that must agree, more one way than the other, to decide the order
OPENING = 150  # a title is compared with this many characters opening the text next to it
_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
DATELINE_WITHIN = 120  # the dateline is the first date in this many characters of the body
FEATURE_MIN = 400  # a body without lead or byline shorter than this is "other", not a feature


def segment(page: Page) -> tuple[Item, ...]:
    """The items of a page, in page order (none when nothing on it reads as an article: no report,
    photo, teaser or titled box).  Titles come before or after their bodies (titles_after)."""
    paras = paragraphs(page)
    captions.mark(page, paras)
    after = titles_after(page, paras)
    whole = single.article(paras, after)
    drafts = [whole] if whole else gather(page, paras, titles_after=after)
    items = tuple(_item(page, i, d) for i, d in enumerate(drafts))
    return items if any(i.kind != "other" or i.headline for i in items) else ()


def titles_after(page: Page, paras: list[Para]) -> bool:
    """Whether the page prints titles after the body they head.  A run of titles next to a
    report's lead (`本报讯…`) shares more words with the opening of the stretch of text it heads,
    before or after it: such runs vote by that (subheads inside a feature, which head the text
    after them whatever the order, do not); when they do not tell, the page's first and last
    paragraphs may (_EDGES), else column text (a PDF's reading order) prints titles after."""
    runs = [(is_title, list(group)) for is_title, group in groupby(paras, key=lambda p: p.kind in _TITLES)]
    votes = 0
    for (_, before), (is_title, run), (_, after) in zip(runs, runs[1:], runs[2:]):
        if is_title and "lead" in (before[0].kind, after[0].kind) and \
                (words := _bigrams("".join(p.text for p in run))):
            shares = _share(words, before), _share(words, after)
            votes += (shares[0] > shares[1]) - (shares[0] < shares[1])
    if abs(votes) >= VOTE_MARGIN:
        return votes > 0
    edges = [p.kind for p in paras if p.kind in ("body", "title")]
    if edges and (edges[0], edges[-1]) in _EDGES:
        return _EDGES[edges[0], edges[-1]]
    return is_column_text(line.strip() for line in page.source.splitlines())


_TITLES = ("title", "bullet")  # a deck printed as a bullet belongs to its title run
# a page whose running text opens before any title and whose last title follows all running text
# prints titles after (that text has no title above it, that title no text below it); the other
# way round, before.  Photos, notes and bylines around them do not count.
_EDGES = {("body", "title"): True, ("title", "body"): False}


def _bigrams(text: str) -> set[str]:
    han = "".join(_HAN_RUN.findall(text))
    return {han[i:i + 2] for i in range(len(han) - 1)}


def _share(words: set[str], paras: list[Para]) -> int:
    """How many of a title's character pairs the opening of a stretch of text prints."""
    opening, size = [], 0
    for para in paras:
        opening.append(para.text)
        size += len(para.text)
        if size >= OPENING:
            break
    return len(words & _bigrams("".join(opening)[:OPENING]))


def _item(page: Page, index: int, draft: Draft) -> Item:
    body_start, body_end = _body_span(page, draft)
    text = page.text[body_start:body_end]
    blocks = [[(p.start, p.end) for p in block] for block in by_block(draft.titles)]
    headline, decks, spans = split_titles(page.text, blocks, wrapped=draft.kind == "teaser",
                                          deck=lambda span: _slogan(page, span))
    names = _bylines(page, draft)
    dateline, date = _dateline(page, text)
    edges = [*spans, *((p.start, p.end) for p in draft.bylines)]
    edges += [(body_start, body_end)] if body_end > body_start or not edges else []
    return Item(
        index=index, kind=_kind(draft, names["reporter"], text), headline=headline, decks=decks,
        reporters=names["reporter"], correspondents=names["correspondent"],
        photographers=tuple(dict.fromkeys(draft.photographers + names["photographer"])),
        dateline=dateline, date=date, text=text,
        start=min(a for a, _ in edges), end=max(b for _, b in edges),
        body_start=body_start, body_end=body_end, title_spans=spans,
        continuations=tuple(draft.continuations) + _printed_continuations(page, draft),
    )


def _slogan(page: Page, span: tuple[int, int]) -> bool:
    """A one-line title printed as two phrases with a gap (`解放思想 拉高标杆`): a deck."""
    start, end = page.source_span(*span)
    pieces = page.source[start:end].split()
    return "\n" not in page.text[span[0]:span[1]] and len(pieces) == 2 and min(map(len, pieces)) >= 4


def _body_span(page: Page, draft: Draft) -> tuple[int, int]:
    """The body without surrounding space or a continuation note at its end (a caption's span
    when it is a photo); empty, at the end of its titles, for a teaser or a masthead box."""
    if not draft.body:
        end = draft.titles[-1].end
        return end, end
    start, end = draft.span or (draft.body[0].start, draft.body[-1].end)
    chunk = page.text[start:end]
    if (m := _final_note(chunk)) is not None:
        chunk = chunk[:m.start()]
    return start + len(chunk) - len(chunk.lstrip()), start + len(chunk.rstrip())


def _final_note(chunk: str) -> re.Match[str] | None:
    if not chunk.rstrip().endswith(("）", ")")):  # every note ends so: most bodies are done here
        return None
    found = list(CONTINUATION.finditer(chunk))
    return found[-1] if found and not chunk[found[-1].end():].strip() else None


def _printed_continuations(page: Page, draft: Draft) -> tuple[str, ...]:
    """Continuation notes printed at the start or end of the body (`（上接第一版）…`, `…（下转第六版）`)."""
    if not draft.body or draft.span:
        return ()
    chunk = page.text[draft.body[0].start:draft.body[-1].end]
    found = [m for m in (CONTINUATION.match(chunk), _final_note(chunk)) if m is not None]
    return tuple(m.group().strip("（）()") for m in found)


def _bylines(page: Page, draft: Draft) -> dict[str, tuple[str, ...]]:
    """Reporters and correspondents of the byline lines and the lead; photographers too when a
    byline credits its reporters with the photos (`文/图 本报记者 X`)."""
    found: dict[str, list[str]] = {"reporter": [], "correspondent": [], "photographer": []}
    spans = [(p.start, p.end) for p in draft.bylines]
    if draft.kind in ("news", "wire") and (m := LEAD_BYLINE.match(draft.body[0].text)):
        spans.insert(0, (draft.body[0].start + m.start(1), draft.body[0].start + m.end(1)))
    for start, end in spans:
        for key, names in bylines.roles(page, start, end).items():
            found[key].extend(names)
            if key == "reporter" and bylines.takes_photos(page.text[start:end]):
                found["photographer"].extend(names)
    return {k: tuple(dict.fromkeys(v)) for k, v in found.items()}


def _dateline(page: Page, text: str) -> tuple[str | None, str | None]:
    """The first date of the body as printed, and as ISO (`--MM-DD` when the year is unknown)."""
    m = _DATE.search(text[:DATELINE_WITHIN])
    if m is None or not (1 <= int(m.group(1)) <= 12 and 1 <= int(m.group(2)) <= 31):
        return None, None
    year = str(page.year) if page.year else "-"
    return m.group(), f"{year}-{int(m.group(1)):02d}-{int(m.group(2)):02d}"


def _kind(draft: Draft, reporters: tuple[str, ...], text: str) -> str:
    """The draft's kind, but a fact card is "other", and so is a short feature with no byline
    among other items (a box beside them; alone on its page, it is the article)."""
    if draft.kind == "fact":
        return "other"
    if draft.kind == "feature" and not reporters and len(text) < FEATURE_MIN and not draft.whole:
        return "other"
    return draft.kind
