"""Projects: named projects and works (…项目, …工程, “…”活动), with the facts printed about them
in the same sentence: investment in yuan, signing."""
from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from kb.stages import lexicon
from kb.stages.text import PROPER_TAGS, Found, Text

NAME = "kb.projects.v1"
_MONEY = re.compile(r"(?:总投资|投资|投资额|总额)(?:约|达|超|近)?(\d+(?:\.\d+)?)(亿|万)?元")
_UNITS = {"亿": Decimal(100_000_000), "万": Decimal(10_000), None: Decimal(1)}
_SENTENCE_ENDS = "。！？；"
_PROPER = PROPER_TAGS - {"j", "m", "eng"}  # abbreviations, numerals, 5G (一要, 研发) name no project
_LONG = 6
_PLACE = frozenset({"ns", "nr", "nz"})


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    suffixes = lexicon.alternation(lexicon.words("projects_suffixes.txt"))
    # a quoted name ending in a suffix, a quoted name a few words before one, or a bare suffix
    return re.compile(rf"“([^“”]{{2,60}}?(?:{suffixes}))”|(“[^“”]{{2,20}}”[^\W的在是了和与等]{{0,6}}(?:{suffixes}))|(?:{suffixes})")


def find(text: Text) -> list[Found]:
    stop = lexicon.wordset("orgs_stop.txt")
    verbs = lexicon.wordset("projects_verbs.txt")
    out = []
    for m in _pattern().finditer(text.text):
        if m.group(1):
            start, end = m.span(1)
        elif m.group(2):
            start, end = m.span(2)
            before = text.name_start(start, stop, verbs)
            if before < start and text.proper(before, start, _PLACE, letters=False, levels=False):
                start = before
        else:
            start, end = text.name_start(m.start(), stop, verbs), m.end()
            if _generic(text, start, m.start(), end):
                continue
        name = text.text[start:end]
        out.append(Found("project", name, name, start, end, None, _facts(text.text, start, end)))
    return out


def _generic(text: Text, start: int, suffix_start: int, end: int) -> bool:
    """Names that say not which project (重大项目, 产业项目), or suffixes inside a word (工程院)."""
    i = text.token_at(end - 1)
    if text.token_starts[i] + len(text.tokens[i][0]) > end or suffix_start - start < 2:
        return True
    generic = lexicon.wordset("projects_generic.txt")
    letters = suffix_start - start >= _LONG  # 5G counts in a long name, not in 5G产业项目
    return not text.proper(start, suffix_start, _PROPER, letters=letters, generic=generic)


def _facts(text: str, start: int, end: int) -> tuple[tuple[str, str], ...]:
    sentence = _sentence_around(text, start, end)
    facts = []
    if (m := _MONEY.search(sentence)) is not None:
        yuan = Decimal(m.group(1)) * _UNITS[m.group(2)]
        facts.append(("investment", str(yuan.quantize(Decimal(1)))))
    if "签约" in sentence or "签订" in sentence:
        facts.append(("signed", "true"))
    return tuple(facts)


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(ch, 0, start) for ch in _SENTENCE_ENDS) + 1
    rights = [i for i in (text.find(ch, end) for ch in _SENTENCE_ENDS) if i >= 0]
    return text[left:min(rights) + 1 if rights else len(text)]
