"""Normalize page text and keep an exact offset map back to the source.

Three passes, each a set of edits on the text before it, composed into one map:
1. in each line: undo overprinting (`本报记者本报记者 乔利峰乔利峰 摄摄` -> `本报记者 乔利峰 摄`),
   drop stray spaces next to Chinese characters (`市 长 史 根 治`), keep spaces between Latin words
   and numbers (`5G AI`); a line's leading space (the extractor's mark of a new text box) is kept
   for pass 2, and a space before a dateline (`…统计公报 4月 8日，`) becomes a line break;
2. join column lines into paragraphs, also across blank lines that cut a sentence in two (text
   that already has one paragraph per line keeps its lines; in double-spaced text, a blank line
   after every line, only a wider gap separates blocks);
3. drop a paragraph printed twice in a row, or a truncated copy next to the whole one.
The result: one paragraph per line, blocks separated by a blank line.
Every output character maps to the source character it came from (a kept copy of a doubled run maps
to its first copy), a line break to source whitespace it stands for; no two map to the same one.
"""
from __future__ import annotations

import re
from statistics import median
from typing import Iterable, Sequence

NAME = "kb.normalize.v3"

_HAN = r"\u3400-\u9fff"
_CJK = rf"{_HAN}\u3000-\u303f\uff00-\uffef“”‘’、，。：；！？（）《》·—…●"
_SPACE = r"[ \t\u00a0\u3000]"
# each pattern opens with a space, a newline or a lookahead for a space: the engine then skips to them quickly
_STRAY = re.compile(rf"(?={_SPACE})(?:(?<=[{_CJK}]){_SPACE}+|{_SPACE}+(?=[{_CJK}]))")
_EDGE = re.compile(rf"(?=[ \t\u00a0\u3000\r])(?:^{_SPACE}+|{_SPACE}+$|\r)", re.M)
_BOX_START = re.compile(rf"\n({_SPACE}+)(?=\S)")  # group 1: the spaces
# a space between a title and a caption printed on one line: `…统计公报 4月 8日，` (not `2017 年 4 月`)
_DATE_BREAK = re.compile(rf"{_SPACE}(?<=[{_HAN}》”]{_SPACE})(?<!年{_SPACE}){_SPACE}*"
                         rf"(?=\d{{1,2}}{_SPACE}*月{_SPACE}*\d{{1,2}}{_SPACE}*日{_SPACE}*[，,])")
# overprinting: a run of 3+ characters (3+ distinct, one of them Chinese) printed twice in a row,
# or 3+ characters each doubled with a doubled quote among them (`““疫疫””`)
_RUN_TWICE = re.compile(r"(\S{3,40}?)\1")
_CHARS_TWICE = re.compile(r"(?:(\S)\1){3,}")
_QUOTES = set("“”‘’\"'《》（）")
# the lines where _CHARS_TWICE can find a run to undo print a quote doubled: found by this, far faster
_QUOTE_TWICE = re.compile(r"([“”‘’\"'《》（）])\1")

# a line ending so ends its text: a sentence mark (maybe quoted), a photo credit, a continuation note
_FINAL_MARKS, _FINAL_QUOTES = tuple("。！？…：；"), "”’」』"
_FINAL_NOTE = re.compile(r"(?:记者|通讯员)\S{2,4}摄$|^本版\S{2,16}(?:摄|提供)$|资料图片$|[（(](?:下转|上接)[^）)]{1,8}[）)]$")
_FINAL_NOTE_MAX = 20  # the longest _FINAL_NOTE: only a line's last characters are searched
_FINAL_NOTE_LAST = tuple("摄供片）)")  # what a _FINAL_NOTE ends with: other lines skip the search
_BODY_PUNCT = re.compile(r"[，。；！？、,;]")
_SENTENCE_ENDS, _CLOSERS = tuple("。！？!?…"), "”’」』\"')）"  # a paragraph ends in one, maybe closed
_MID_SENTENCE = re.compile(r"[，、；,;]")  # a line with these and no full stop at its end runs on
_CONTENT = re.compile(r"[^\S\n]*(\S[^\n]*)")  # a line that is not blank, from its first character
_NO_JOIN_START = re.compile(rf"^(?:本报讯|新华社|[（(](?:记者|下转|上接)|●|·|[□■]?(?:本报)?(?:记者|通讯员)[{_HAN}]{{2,10}}$)")
_NO_JOIN_FIRST = tuple("本新（(●·□■记通")  # what a _NO_JOIN_START starts with

Edit = tuple[int, int, str]


def normalize(source: str) -> tuple[str, tuple[int, ...]]:
    """Return the normalized text and, for each of its characters, its index in `source`."""
    text1, offsets1 = _apply(source, range(len(source) + 1), _line_edits(source))
    text2, offsets2 = _apply(text1, offsets1, _join_edits(text1, offsets1, source))
    text3, offsets3 = _apply(text2, offsets2, _repeat_edits(text2))
    return text3, tuple(offsets3)


def _apply(text: str, offsets: Sequence[int], edits: list[Edit]) -> tuple[str, Sequence[int]]:
    """Replace each [start, end) by its text, no longer than what it replaces (its characters map
    to those of [start, end) in order); edits must not overlap."""
    if not edits:  # most pages repeat no paragraph: nothing to copy
        return text, offsets
    parts: list[str] = []
    out: list[int] = []
    pos = 0
    for start, end, repl in sorted(edits):
        if start < pos:
            continue
        parts += (text[pos:start], repl)
        out += offsets[pos:start + len(repl)]  # the characters kept, then those the replacement maps to
        pos = end
    parts.append(text[pos:])
    out.extend(offsets[pos:])
    return "".join(parts), out


# pass 1: inside lines ----------------------------------------------------------------------

def _line_edits(source: str) -> list[Edit]:
    edits = _undouble_edits(source)
    edits += [(m.start(1), m.end(1), m.group(1)) for m in _BOX_START.finditer(source)]  # kept
    edits += [(m.start(), m.end(), "\n") for m in _DATE_BREAK.finditer(source)]
    edits += [(m.start(), m.end(), "") for rx in (_STRAY, _EDGE) for m in rx.finditer(source)]
    return _merge(edits)


def _merge(edits: list[Edit]) -> list[Edit]:
    """Drop edits that overlap an earlier one (at one position, the longer replacement wins)."""
    out: list[Edit] = []
    end = -1
    for edit in sorted(edits, key=lambda e: (e[0], -len(e[2]), -e[1])):
        if edit[0] >= end:
            out.append(edit)
            end = max(end, edit[1])
    return out


def _undouble_edits(source: str) -> list[Edit]:
    """Deletions of the second copy of overprinted runs, in the lines that show overprinting."""
    starts = sorted({source.rfind("\n", 0, m.start()) + 1
                     for rx in (_RUN_TWICE, _QUOTE_TWICE) for m in rx.finditer(source)})
    edits: list[Edit] = []
    for start in starts:
        end = source.find("\n", start)
        line = source[start:end if end >= 0 else len(source)]
        edits.extend((start + a, start + b, "") for a, b in _line_doubles(line))
    return edits


def _line_doubles(line: str) -> list[tuple[int, int]]:
    """Second copies to delete in one line that shows overprinting."""
    spans = [(m.start() + len(m.group(1)), m.end()) for m in _RUN_TWICE.finditer(line)
             if _is_overprint_run(m.group(1))]
    spans += [(m.start() + i + 1, m.start() + i + 2) for m in _CHARS_TWICE.finditer(line)
              if _QUOTES & set(m.group()) for i in range(0, len(m.group()), 2)]
    if not spans:
        return []
    for token in re.finditer(r"\S+", line):  # an overprinted line: undo every fully doubled token
        pieces = _doubled_pieces(token.group())
        if pieces:
            spans += [(token.start() + a, token.start() + b) for a, b in pieces]
    return spans


def _is_overprint_run(run: str) -> bool:
    return len(set(run)) >= 3 and re.search(f"[{_HAN}]", run) is not None


def _doubled_pieces(token: str) -> list[tuple[int, int]]:
    """If `token` is entirely made of runs each printed twice, the spans of the second copies."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(token):
        size = next((n for n in range((len(token) - i) // 2, 0, -1)
                     if token[i:i + n] == token[i + n:i + 2 * n]), 0)
        if not size:
            return []
        spans.append((i + size, i + 2 * size))
        i += 2 * size
    return spans


# pass 2: lines into paragraphs and blocks ----------------------------------------------------

Line = tuple[int, int]


def _join_edits(text: str, offsets: Sequence[int], source: str) -> list[Edit]:
    """One edit per gap between two lines: joined (""), paragraph ("\\n") or block ("\\n\\n")."""
    content = [m.span(1) for m in _CONTENT.finditer(text)]
    if not content:
        return [(0, len(text), "")]
    spacing = _line_spacing(text, content)
    gaps = [_gap(text, offsets, source, prev[1], nxt[0], spacing) for prev, nxt in zip(content, content[1:])]
    edits: list[Edit] = [(0, content[0][0], ""), (content[-1][1], len(text), "")]
    if not is_column_text(text[a:b] for a, b in content):
        seps = ["\n\n" if gap in ("box", "blank") else "\n" for gap in gaps]
    else:
        widths = _block_widths(text, content, gaps)
        seps = [_separator(text, prev, nxt, gap, widths)
                for prev, nxt, gap in zip(content, content[1:], gaps)]
    edits += [(prev[1], nxt[0], sep) for prev, nxt, sep in zip(content, content[1:], seps)]
    return edits


DOUBLE_SPACED = 0.9  # share of line gaps holding a blank line in text printed double-spaced
DOUBLE_SPACED_MIN = 6  # gaps needed to tell (a few paragraphs apart are not double spacing)


def _line_spacing(text: str, content: list[Line]) -> int:
    """Newlines between two lines of one block: 1, or 2 in double-spaced text (a blank line
    after every line), where only a wider gap separates blocks."""
    gaps = [text.count("\n", prev[1], nxt[0]) for prev, nxt in zip(content, content[1:])]
    gaps = [g for g in gaps if g]
    double = len(gaps) >= DOUBLE_SPACED_MIN and sum(g >= 2 for g in gaps) >= DOUBLE_SPACED * len(gaps)
    return 2 if double else 1


def _gap(text: str, offsets: Sequence[int], source: str, start: int, end: int, spacing: int = 1) -> str:
    """What separates two lines: a new text box, a break made in pass 1, blank lines, a newline."""
    gap = text[start:end]
    if not gap.endswith("\n"):
        return "box"
    if gap == "\n" and source[offsets[start]] != "\n":
        return "break"
    return "blank" if gap.count("\n") > spacing else "newline"


def is_column_text(lines: Iterable[str]) -> bool:
    """Text cut into column lines, rather than one paragraph per line: most lines of running
    text end mid-sentence."""
    running = [line for line in lines if _BODY_PUNCT.search(line)]
    ends = sum(1 for line in running if line.rstrip(_CLOSERS).endswith(_SENTENCE_ENDS))
    return bool(running) and ends < 0.6 * len(running)


def _block_widths(text: str, content: list[Line], gaps: list[str]) -> dict[int, tuple[float, bool]]:
    """For each line (by start): the median line length of its block and whether the block reads
    as running text (has sentence punctuation)."""
    out: dict[int, tuple[float, bool]] = {}
    block: list[Line] = []
    for line, gap in zip(content, gaps + ["end"]):
        block.append(line)
        if gap in ("newline", "break"):
            continue
        info = (median(b - a for a, b in block), _BODY_PUNCT.search(text[block[0][0]:block[-1][1]]) is not None)
        out.update((a, info) for a, _ in block)
        block = []
    return out


def _separator(text: str, prev: Line, nxt: Line, gap: str, widths: dict[int, tuple[float, bool]]) -> str:
    if gap == "box":
        return "\n\n"
    if gap == "break":
        return "\n"
    a, b = text[prev[0]:prev[1]], text[nxt[0]:nxt[1]]
    width, running = widths[prev[0]]
    joins = running and _continues(a, b, width)
    if gap == "newline":
        return "" if joins else "\n"
    return "" if joins and widths[nxt[0]][1] else "\n\n"


def _continues(a: str, b: str, width: float) -> bool:
    """Does column line `a` run on into `b`: a full-width line not ending a sentence."""
    wide = len(a) >= 0.75 * width or _MID_SENTENCE.search(a) is not None
    if not wide or a.rstrip(_FINAL_QUOTES).endswith(_FINAL_MARKS):
        return False
    if a.endswith(_FINAL_NOTE_LAST) and _FINAL_NOTE.search(a, len(a) - _FINAL_NOTE_MAX) is not None:
        return False
    return not b.startswith(_NO_JOIN_FIRST) or _NO_JOIN_START.match(b) is None


# pass 3: repeated paragraphs -----------------------------------------------------------------

REPEAT_MIN = 10  # paragraphs shorter than this may repeat for real (`会议要求：`)


def _repeat_edits(text: str) -> list[Edit]:
    """Deletions of a paragraph that repeats its neighbour, or is a truncated copy of it (also
    when the copy was joined to the paragraph it copies: `会议指出，要抓会议指出，要抓好落实。`)."""
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    edits: list[Edit] = [edit for a0, a1 in lines if (edit := _copy_at_start(text, a0, a1))]
    for (a0, a1), (b0, b1) in zip(lines, lines[1:]):
        a, b = text[a0:a1], text[b0:b1]
        if len(a) < REPEAT_MIN or len(b) < REPEAT_MIN:
            continue
        if b.startswith(a):  # a truncated (or whole) copy before the paragraph: drop the copy
            edits.append((a0, b0, ""))
        elif a.startswith(b):  # a truncated copy after it
            edits.append((a1, b1, ""))
    return edits


def _copy_at_start(text: str, start: int, end: int) -> Edit | None:
    """A paragraph that opens with a copy of its own beginning: the copy to delete."""
    line = text[start:end]
    again = line.find(line[:REPEAT_MIN], 1) if len(line) >= 2 * REPEAT_MIN else -1
    if again >= REPEAT_MIN and line[:again] == line[again:2 * again]:
        return start, start + again, ""
    return None
