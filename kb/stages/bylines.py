"""Bylines: who wrote an item (记者, 本报记者), who helped (通讯员), who took the photo (摄).

Names are read from the source text of the byline, where spaces still separate them
(`（记者 石冠兵 高伟山）`); when the names were printed without separators, or spaced character by
character (`王 利 辉 高 伟 山 李 新 付 家 宝`), they are split where a common surname begins.
"""
from __future__ import annotations

import re

from kb.model import Page
from kb.stages import lexicon

# a role word and the names after it, up to the next role word
ROLE = re.compile(r"(本报记者|特约记者|实习记者|记者|本报通讯员|通讯员|实习生|摄影)")
_SEPARATORS = re.compile(r"[\s、，,·（）()]+")
# what a web-style byline prints after the names: `记者 X 报道`, `本报记者 X 文/图`
_TRAILER = re.compile(r"(?:摄影报道|报道|采写|整理|文[/／]图|图[/／]文|[/／][文图])\s*$")
_TEXT_AND_PHOTOS = re.compile(r"文[/／]图|图[/／]文|摄影报道")
_HAN_ONLY = re.compile(r"^[\u3400-\u9fff]+$")


def surnames() -> tuple[frozenset[str], frozenset[str]]:
    """(single-character surnames, two-character surnames): the people rules' list."""
    return lexicon.surnames()


def roles(page: Page, start: int, end: int) -> dict[str, tuple[str, ...]]:
    """The names after each role word in Page.text[start:end], keyed by "reporter"/"correspondent";
    names are split on the source text, where the printed separators survive."""
    out: dict[str, list[str]] = {"reporter": [], "correspondent": []}
    marks = list(ROLE.finditer(page.text, start, end))
    for mark, nxt in zip(marks, marks[1:] + [None]):
        names_end = nxt.start() if nxt else end
        if names_end <= mark.end():
            continue
        src_start, src_end = page.source_span(mark.end(), names_end)
        role = mark.group()
        key = "correspondent" if "通讯员" in role or role == "实习生" else "reporter"
        out[key].extend(split_names(_TRAILER.sub("", page.source[src_start:src_end])))
    return {k: tuple(v) for k, v in out.items()}


_NOTE_NAMES = re.compile(r"(?:由|本版摄影[：:]?|[：:])(.+?)(?:摄|提供)?[）)]?$")
_NOT_A_NAME_END = frozenset("者局委办部院校社馆站队所厅司")  # 受访者, 市文旅局: who supplied, not a name


def page_credit(page: Page, start: int, end: int) -> tuple[str, ...]:
    """The photographers a note about the whole page credits (`本版图片均由 X 摄`, `本版摄影：X`);
    none when it names a body or a source (`本版照片由受访者提供`)."""
    m = _NOTE_NAMES.search(page.text, start, end)
    if m is None:
        return ()
    found = roles(page, m.start(1), m.end(1))
    if found["reporter"] or found["correspondent"]:
        return found["reporter"] + found["correspondent"]
    src_start, src_end = page.source_span(m.start(1), m.end(1))
    names = split_names(page.source[src_start:src_end])
    return tuple(names) if names and all(map(_plausible, names)) else ()


def _plausible(name: str) -> bool:
    single, double = surnames()
    return name[-1] not in _NOT_A_NAME_END and (
        (name[0] in single and len(name) in (2, 3)) or (name[:2] in double and len(name) in (3, 4)))


def takes_photos(byline: str) -> bool:
    """A byline whose reporters also took the photos (`文/图 本报记者 X`, `记者 X 摄影报道`)."""
    return _TEXT_AND_PHOTOS.search(byline) is not None


def split_names(printed: str) -> list[str]:
    """Names in a byline as printed: by separators when they give whole names, else by surname."""
    tokens = [t for t in _SEPARATORS.split(printed.strip()) if t]
    tokens = [_undouble(t) for t in tokens if _HAN_ONLY.match(t)]
    if tokens and all(2 <= len(t) <= 4 for t in tokens):
        return tokens
    return _by_surname("".join(tokens))


def _undouble(token: str) -> str:
    half = len(token) // 2
    return token[:half] if len(token) >= 4 and len(token) % 2 == 0 and token[:half] == token[half:] else token


def _by_surname(run: str) -> list[str]:
    """Split a run of names where surnames begin: names of 2-3 characters (3-4 with a compound
    surname), preferring splits whose every name starts with a known surname, then 3-character names."""
    if not run:
        return []
    best: dict[int, tuple[int, list[str]]] = {len(run): (0, [])}
    for i in range(len(run) - 1, -1, -1):
        options = []
        for size in (2, 3, 4):
            if i + size in best:
                head = run[i:i + size]
                score, rest = best[i + size]
                options.append((score + _name_score(head), [head, *rest]))
        if options:
            best[i] = max(options, key=lambda o: o[0])
    return best[0][1] if 0 in best else [run]


def _name_score(name: str) -> int:
    single, double = surnames()
    if name[:2] in double and len(name) in (3, 4):
        return 3
    if name[0] in single and len(name) in (2, 3):
        return 4 if len(name) == 3 else 2  # 王霞桂张帅俊: two names of three, not three of two
    return -5
