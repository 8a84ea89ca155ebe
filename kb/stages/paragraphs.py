"""The paragraphs of a normalized page, each classified by what it is on the printed page:
a lead (`本报讯（记者 …）`, `新华社北京11月1日电`), running body text, a title, a byline
(`本报记者 张辉`), a photo credit (`… 本报记者 乔利峰 摄`, `资料图片`), a fact-card line (`●项目地址`),
a deck bullet (`·…`), a subhead inside a feature (`担当——…`), a continuation note (`（下转第六版）`),
a note about the whole page (`本版图片均由 X 摄`), a caption without its credit (`图为…`), or the
first paragraph of an article continued from another page (`（上接第一版）…`), or what a web page
prints around an article (`责任编辑：X`, `来源：…`, `（完）`)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kb.model import Page

_DATA = Path(__file__).parent / "data"

CONTINUATION = re.compile(r"[（(](?:下转|上接|转自|接上|转第|接第)[^（()）]{0,8}版[）)]")
# a photo credit: with a role word, bare names in brackets, or no names at all
# (the lookahead for the characters a credit starts with makes the engine skip to them quickly)
CREDIT = re.compile(r"(?=[（(本新特记通摄资中])(?:[（(]?(?:本报|新华社|特约)?(?:记者|通讯员|摄影)[\u3400-\u9fff、]{2,24}?摄(?!影)[）)]?"
                    r"|[（(][\u3400-\u9fff、]{2,12}?摄[）)]|[（(]?(?:资料(?:图片|照片)|(?:新华社|中新社)发)[）)]?)")
# a reporter's role word: 记者, 本报记者, 本报全媒体记者, 特约记者, 通讯员 and the like
ROLE_WORD = r"(?:本报|特约|新华社)?(?:全媒体|融媒体|首席|实习|见习|特约|驻[\u3400-\u9fff]{1,4})?(?:记者|通讯员)"
LEAD_BYLINE = re.compile(rf"^[^（(，。]{{0,24}}?[（(]({ROLE_WORD}[^）)]{{1,80}})[）)]")
# a byline line, also web-style: `□本报记者 X`, `■记者 X 通讯员 Y`, `文/图 本报记者 X`, `记者 X 报道`
_BYLINE = re.compile(rf"^[□■◇◆]?(?:文[/／]图|图[/／]文)?[：:]?{ROLE_WORD}[\u3400-\u9fff、·/／]{{2,40}}$")
_PAGE_NOTE = re.compile(r"^[（(]?本版(?:图片|照片|摄影|图)(?:[^。，]{0,24}(?:摄|提供)|[：:][^。，]{2,24})[）)]?$"
                        r"|^本版摄影[\u3400-\u9fff、]{2,16}$")
_CAPTION = re.compile(r"^(?:图为|图[①-⑩\d一二三四五六][：:为 ]|[上下左右]图[：:为])")
CAPTION_MAX = 80  # a caption is at most this long
# what a web page prints around an article: staff, source, time, the end mark (`（完）`)
_META = re.compile(r"^(?:[（(【\[]完[）)】\]]$|(?:责任编辑|责编)[：:]?|(?:编辑|校对|审核|审校|终审|美编|来源|稿件来源|发布时间)[：:]"
                   r"|\d{4}[-年/.]\d{1,2}[-月/.]\d{1,2}日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?$)")
_RESUMED = re.compile(r"^[（(](?:上接|接上|转自|接第)[^（()）]{0,8}版[）)]\S")
_FACT = re.compile(r"^[●■◆][^。！？]{1,30}$")  # a fact card's label (`●项目地址`), not a sentence
_BULLET = re.compile(r"^[·•]|^[●■◆][^。！？]{0,80}$")  # a list entry; a bulleted sentence is body text
_SUBHEAD = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\S{2,8}——)\S{2,30}$")
_TITLE_STOP = re.compile(r"[。！？!?]|[，、；：,;:]$")
_COMMA = re.compile(r"[，,]")
_HAN = re.compile(r"[\u3400-\u9fff]")
_SPEAKER = re.compile(r"^[\u3400-\u9fff]{2,4}[：:]")  # a headline quoting someone: `习近平：…`
TITLE_MAX = 64  # a title is at most this long
_SLOGAN = 20  # a line this short with a comma but no full stop is a slogan, not running text


@dataclass
class Para:
    start: int  # span in Page.text
    end: int
    text: str
    block: int  # index of its block (blocks are separated by blank lines)
    box: bool  # opens a new text box in the source (the extractor's leading space)
    same_line_as_next: bool  # the next paragraph was printed on the same source line
    kind: str = ""


@lru_cache(maxsize=None)
def words(name: str) -> tuple[str, ...]:
    """The words of a rule file kb/stages/data/segment_<name>.txt (# starts a comment line)."""
    text = (_DATA / f"segment_{name}.txt").read_text(encoding="utf-8")
    return tuple(w for line in text.splitlines() if not line.startswith("#") for w in line.split())


@lru_cache(maxsize=1)
def wire_lead() -> re.Pattern[str]:
    return re.compile(rf"^据?(?:{'|'.join(map(re.escape, words('agencies')))})[^，。\s]{{0,16}}?电")


_OWN_LEAD = re.compile(rf"^(?:本报讯|本报[^\s，。、]{{1,8}}?(?:讯|电)|\S{{2,6}}日报讯|[（(]{ROLE_WORD})")
_BRACKETED_BYLINE = re.compile(rf"^[（(]{ROLE_WORD}[^（()）摄]{{1,40}}[）)]$")  # `（记者 X）` closing a report


def paragraphs(page: Page) -> list[Para]:
    """Every paragraph (line) of Page.text, classified."""
    paras: list[Para] = []
    for block, bm in enumerate(re.finditer(r"[^\n]+(?:\n[^\n]+)*", page.text)):
        for m in re.finditer(r"[^\n]+", bm.group()):
            start, end = bm.start() + m.start(), bm.start() + m.end()
            paras.append(Para(start, end, m.group(), block, _box_start(page, start), False))
    for para, nxt in zip(paras, paras[1:]):
        gap = page.source[page.offsets[para.end - 1] + 1:page.offsets[nxt.start]]
        para.same_line_as_next = "\n" not in gap
    for para in paras:
        para.kind = classify(para.text, para.box)
    return paras


def _box_start(page: Page, start: int) -> bool:
    src = page.offsets[start]
    line_start = page.source.rfind("\n", 0, src) + 1
    return src > line_start and not page.source[line_start:src].strip()


def classify(text: str, box: bool = False) -> str:
    """What a paragraph is; `box`: it opens a new text box."""
    if CONTINUATION.fullmatch(text):
        return "cont"
    if _PAGE_NOTE.match(text):
        return "note"
    if _META.match(text):
        return "meta"
    if _BRACKETED_BYLINE.match(text):
        return "byline"
    if text[:1] in "（(" and CREDIT.fullmatch(text):
        return "photo"  # a bracketed credit alone, not a lead's byline: `（记者 X 摄）`
    if _OWN_LEAD.match(text) or wire_lead().match(text):
        return "lead"
    if _RESUMED.match(text):
        return "resumed"
    for kind, pattern in (("photo", CREDIT), ("byline", _BYLINE), ("fact", _FACT),
                          ("bullet", _BULLET), ("subhead", _SUBHEAD)):
        if pattern.search(text) if kind == "photo" else pattern.match(text):
            return kind
    if _CAPTION.match(text) and len(text) <= CAPTION_MAX:
        return "caption"
    if len(text) <= TITLE_MAX and not _TITLE_STOP.search(text) and _HAN.search(text) and \
            (box or len(text) <= _SLOGAN or _SPEAKER.match(text) or not _COMMA.search(text)):
        return "title"  # with a comma: a slogan, a quote (`习近平：…`), or a text box's first line
    return "body"


def is_wire(text: str) -> bool:
    return wire_lead().match(text) is not None
