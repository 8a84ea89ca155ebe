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
_SEPARATORS = re.compile(r"[\s、，,·]+")
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
        out[key].extend(split_names(page.source[src_start:src_end]))
    return {k: tuple(v) for k, v in out.items()}


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
