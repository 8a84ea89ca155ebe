"""Gather classified paragraphs into draft items, in one pass over the page.

Text extracted from the columns of a page PDF prints an item's titles (kicker, headline, decks,
byline) after its body; text with one paragraph per line prints them before.  Titles no body
claims are teasers (headlines of stories on other pages), or, at the top of a titles-after page,
a masthead box.  Photo captions end with their credit, or stand on the line above it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from kb.model import Page
from kb.stages import bylines
from kb.stages.paragraphs import CREDIT, Para, is_wire

TEASER_LIST = 5  # an item's own titles (kicker, headline, decks) take fewer blocks than this


@dataclass
class Draft:
    kind: str  # news, wire, feature, photo, teaser, other, or fact (a fact card, kind other)
    body: list[Para] = field(default_factory=list)
    titles: list[Para] = field(default_factory=list)
    bylines: list[Para] = field(default_factory=list)
    continuations: list[str] = field(default_factory=list)
    span: tuple[int, int] | None = None  # the body span when it is not whole paragraphs (captions)
    photographers: tuple[str, ...] = ()
    closed: bool = False  # takes no more body: its titles have begun, or it is a photo or teaser
    whole: bool = False  # the one article of a file of plain article text


def gather(page: Page, paras: list[Para], titles_after: bool) -> list[Draft]:
    return _Builder(page, titles_after).run(paras)


class _Builder:
    def __init__(self, page: Page, titles_after: bool) -> None:
        self.page = page
        self.after = titles_after
        self.drafts: list[Draft] = []
        self.cur: Draft | None = None  # the item being read
        self.loose: list[Para] = []  # titles no item has claimed yet
        self.credits: list[tuple[int, tuple[str, ...]]] = []  # notes crediting the page's photos

    def run(self, paras: list[Para]) -> list[Draft]:
        for para in paras:
            getattr(self, "_on_" + para.kind)(para)
        self._settle()
        self._flush_loose()
        self._credit_photos()
        return self.drafts

    def _credit_photos(self) -> None:
        """Photos printed without a credit are by whom the page's note names (the nearest one
        after them, else before)."""
        if not self.credits:
            return
        for draft in self.drafts:
            if draft.kind == "photo" and not draft.photographers:
                after = [names for pos, names in self.credits if pos >= draft.body[0].start]
                draft.photographers = (after or [self.credits[-1][1]])[0]

    def _open(self) -> bool:
        return self.cur is not None and not self.cur.closed and not self.loose

    def _settle(self) -> None:
        """Before the next item: a title run too long to head one item is a list of teasers."""
        cur = self.cur
        if self.after and cur is not None and \
                sum(1 for b in by_block(cur.titles) if b[0].kind != "bullet") >= TEASER_LIST:
            self.loose, cur.titles = cur.titles + self.loose, []

    def _start(self, kind: str, para: Para) -> None:
        self._settle()
        claimed: list[Para] = []
        if not self.after:
            claimed, self.loose = self.loose, []
        self._flush_loose()
        self.cur = Draft(kind, body=[para], titles=[p for p in claimed if p.kind != "byline"],
                         bylines=[p for p in claimed if p.kind == "byline"])
        self.drafts.append(self.cur)

    def _on_lead(self, para: Para) -> None:
        self._start("wire" if is_wire(para.text) else "news", para)

    def _on_body(self, para: Para) -> None:
        if self._open():
            self.cur.body.append(para)
        elif self._subheads_before():
            self.cur.body.extend([*self.cur.titles, para])
            self.cur.titles, self.cur.closed = [], False
        elif self._subheads_above():
            self.cur.body.extend([*self.loose, para])
            self.loose, self.cur.closed = [], False
        else:
            self._start("feature", para)

    def _subheads_before(self) -> bool:
        """In titles-after text, a feature's one block of titles with no byline, followed by more
        body, are subheads inside the feature (its own titles come at its end, with the byline)."""
        cur = self.cur
        return (self.after and cur is not None and cur.kind == "feature" and not self.loose
                and 0 < len(cur.titles) <= 2 and not cur.bylines
                and len({p.block for p in cur.titles}) == 1 and all(p.kind == "title" for p in cur.titles))

    def _subheads_above(self) -> bool:
        """In titles-before text, a title or two between paragraphs of a headed article, with no
        byline or lead after them, are subheads inside it (a new article opens with either)."""
        cur = self.cur
        return (not self.after and cur is not None and cur.kind in ("news", "feature") and not cur.span
                and bool(cur.titles or cur.bylines) and 0 < len(self.loose) <= 2
                and all(p.kind in ("title", "subhead") for p in self.loose))

    def _on_subhead(self, para: Para) -> None:
        if self._open():
            self.cur.body.append(para)
        else:
            self._on_title(para)

    def _on_fact(self, para: Para) -> None:
        if self.cur is not None and self.cur.kind == "fact" and not self.loose:
            self.cur.body.append(para)  # the card's title stays inside its body span
            self.cur.closed = False
        else:
            self._start("fact", para)

    def _on_title(self, para: Para) -> None:
        cur = self.cur
        if self._open() and cur.kind == "fact" and para.block == cur.body[-1].block:
            cur.body.append(para)  # a fact line's value (`●项目地址` / `市城乡一体化示范区`)
        elif self.after and self._claims(para):
            cur.titles.append(para)
            cur.closed = True
        else:
            if not self.after and cur is not None:
                cur.closed = True
            self.loose.append(para)

    _on_bullet = _on_title

    def _claims(self, para: Para) -> bool:
        """In titles-after text, does the current item take this title as its own?  Not when it
        opens a new text box or shares its printed line with what follows (another box)."""
        cur = self.cur
        return (cur is not None and cur.kind not in ("photo", "teaser") and not self.loose
                and not para.box and not para.same_line_as_next)

    def _on_byline(self, para: Para) -> None:
        if self.loose and not self.after:
            self.loose.append(para)  # the byline under a title, before its body
        elif self.cur is not None:
            self.cur.bylines.append(para)
            self.cur.closed = self.cur.closed or (self.after and not self.loose)

    def _on_note(self, para: Para) -> None:
        """A note about the whole page (`本版图片均由姚伟涛摄`) belongs to no item: it credits the
        page's photos printed without a credit."""
        self.credits.append((para.start, bylines.page_credit(self.page, para.start, para.end)))

    def _on_meta(self, para: Para) -> None:
        """Staff, source or time of a web page (`责任编辑：X`) belong to no item."""

    def _on_caption(self, para: Para) -> None:
        """A caption printed without its credit (`图为…`): a photo; the item around it goes on."""
        if self.loose:
            self._flush_loose()
        self.drafts.append(Draft("photo", body=[para], span=(para.start, para.end), closed=True))

    def _on_resumed(self, para: Para) -> None:
        """`（上接第一版）…` opens the rest of an article begun on another page."""
        self._start("feature", para)

    def _on_cont(self, para: Para) -> None:
        if self.cur is not None:
            self.cur.continuations.append(para.text.strip("（）()"))

    def _on_photo(self, para: Para) -> None:
        pos = para.start
        for m in CREDIT.finditer(para.text):
            start, end = para.start + m.start(), para.start + m.end()
            self._photo(para, pos, start, end)
            pos = end
        if self.page.text[pos:para.end].strip():  # running text after the last credit
            self._start("feature", Para(pos, para.end, self.page.text[pos:para.end], para.block,
                                        False, False, "body"))

    def _photo(self, para: Para, start: int, credit_start: int, credit_end: int) -> None:
        """One caption, from `start` to its credit."""
        names = _photographers(self.page, credit_start, credit_end)
        cur = self.cur
        if start == credit_start and self._open() and cur.kind == "feature":
            caption = cur.body.pop()  # a credit alone under its caption: the paragraph above
            if not cur.body:
                self.drafts.remove(cur)
            self.drafts.append(Draft("photo", body=[caption], span=(caption.start, caption.end),
                                     photographers=names, closed=True))
            self.cur = None
            return
        self._settle()
        above = [p for p in self.loose if p.block == para.block and not p.same_line_as_next]
        if above and start == para.start:  # a caption begun on the lines above the credit's
            self.loose = [p for p in self.loose if p.block != para.block]
            start = above[0].start
        self._flush_loose()
        self.drafts.append(Draft("photo", body=[para], span=(start, credit_start),
                                 photographers=names, closed=True))
        self.cur = None

    def _flush_loose(self) -> None:
        """Titles no body claimed: teasers, or at the top of a titles-after page, a masthead box
        (titled by its last line, as such text prints a title after what it heads)."""
        loose, self.loose = self.loose, []
        if not loose:
            return
        if self.after and not self.drafts:
            self.drafts.append(Draft("other", titles=[loose[-1]], closed=True))
            return
        for group in _teasers(loose):
            self.drafts.append(Draft("teaser", titles=group, closed=True))
        self.cur = None


def _teasers(paras: list[Para]) -> list[list[Para]]:
    """Split a run of loose titles into teasers: one per block, or per line in a bulleted list."""
    groups: list[list[Para]] = []
    for block in (part for b in by_block(paras) for part in _wrapped_titles(b)):
        if all(p.kind == "bullet" for p in block):  # a list of teasers, one per bullet
            groups.extend([p] for p in block)
            continue
        if groups and _deck_of(block, groups[-1]):
            groups[-1].extend(block)
        else:
            groups.append(block)
    return groups


WRAP_SLACK = 2  # characters by which lines of one wrapped title may differ


def _wrapped_titles(block: list[Para]) -> list[list[Para]]:
    """A block of titles cut where a wrapped title has ended (a line shorter than the one above)
    and a longer line follows: with no box or blank line between them (text printed one paragraph
    per line), that line starts another title."""
    parts = [block[:2]]
    for above2, above, para in zip(block, block[1:], block[2:]):
        ended = len(above.text) + WRAP_SLACK < len(above2.text) and above2 in parts[-1]
        if ended and len(para.text) > len(above.text) + WRAP_SLACK:
            parts.append([para])
        else:
            parts[-1].append(para)
    return parts


def _deck_of(block: list[Para], teaser: list[Para]) -> bool:
    """A single line after a headline wrapped over lines, no longer than any of them, is its deck
    (`北京冬奥会冬残奥会` / `总结表彰大会隆重举行`, then `习近平发表重要讲话`)."""
    lines = [p for p in teaser if p.block == teaser[-1].block]
    return (len(block) == 1 and len(lines) >= 2 and block[0].kind != "byline"
            and len(block[0].text) <= min(len(p.text) for p in lines))


def by_block(paras: list[Para]) -> list[list[Para]]:
    blocks: list[list[Para]] = []
    for para in paras:
        if blocks and blocks[-1][-1].block == para.block:
            blocks[-1].append(para)
        else:
            blocks.append([para])
    return blocks


def _photographers(page: Page, start: int, end: int) -> tuple[str, ...]:
    """The names in a credit (`本报记者 乔利峰 通讯员 王某 摄`, `（张三 摄）`); none in `资料图片`."""
    credit = page.text[start:end]
    if "摄" not in credit:
        return ()
    names_end = start + credit.rindex("摄")
    found = bylines.roles(page, start, names_end)
    if found["reporter"] or found["correspondent"]:
        return found["reporter"] + found["correspondent"]
    src_start, src_end = page.source_span(start + 1, names_end)  # inside the bracket
    return tuple(bylines.split_names(page.source[src_start:src_end]))
