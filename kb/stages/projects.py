"""Projects: named projects and works (…项目, …工程, “…”活动), with the facts printed about them
in the same sentence: investment in yuan, signing."""
from __future__ import annotations

import re
from bisect import bisect_left
from decimal import Decimal
from functools import lru_cache

from kb.stages import lexicon
from kb.stages.rule import RuleContext
from kb.stages.text import PROPER_TAGS, Found, Text

NAME = "kb.projects.v1"
_MONEY = re.compile(r"(?:总投资|投资|投资额|总额)(?:约|达|超|近)?(\d+(?:\.\d+)?)(亿|万)?元")
_UNITS = {"亿": Decimal(100_000_000), "万": Decimal(10_000), None: Decimal(1)}
_SENTENCE_END = re.compile("[。！？；]")
_CAPACITY = re.compile(r"年(?:产|产能|处理|吞吐)(?:能力)?(?:约|达)?\d+(?:\.\d+)?(?:万|亿)?(?:吨|件|台|套|辆|片|双|只|平方米|立方米|千瓦|兆瓦|GW|MW|吉瓦)")
_LOCATED = re.compile("位于|落户|选址|坐落于|建在|地址")
_OWNS = re.compile("(?:投资|投建|建设|实施|承建|开发)")
_PROPER = PROPER_TAGS - {"j", "m", "eng"}  # abbreviations, numerals, 5G (一要, 研发) name no project
_LONG = 6
_PLACE = frozenset({"ns", "nr", "nz"})


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    suffixes = lexicon.alternation(lexicon.words("projects_suffixes.txt"))
    opening = lexicon.first_chars(["“", *lexicon.words("projects_suffixes.txt")])  # scans twice as fast
    # a quoted name ending in a suffix, a quoted name a few words before one, or a bare suffix
    return re.compile(rf"{opening}(?:“([^“”]{{2,60}}?(?:{suffixes}))”|(“[^“”]{{2,20}}”[^\W的在是了和与等]{{0,6}}(?:{suffixes}))|(?:{suffixes}))")


def find(text: Text, context: RuleContext) -> list[Found]:
    """Projects, with the facts their sentence states; the places and organizations found on the
    page name the project's location and owner."""
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
        bounds = _sentence_bounds(text, start, end)
        facts = _facts(text.text, start, end, bounds) + _where_and_whose(text.text, start, end, bounds, context)
        out.append(Found("project", name, name, start, end, None, facts))
    return out


def _generic(text: Text, start: int, suffix_start: int, end: int) -> bool:
    """Names that say not which project (重大项目, 产业项目), or suffixes inside a word (工程院)."""
    if end not in text.ending_at or suffix_start - start < 2:
        return True
    generic = lexicon.wordset("projects_generic.txt")
    letters = suffix_start - start >= _LONG  # 5G counts in a long name, not in 5G产业项目
    return not text.proper(start, suffix_start, _PROPER, letters=letters, generic=generic)


def _facts(text: str, start: int, end: int, bounds: tuple[int, int]) -> tuple[tuple[str, str], ...]:
    sentence = text[bounds[0]:bounds[1]]
    facts = []
    if (m := _MONEY.search(sentence)) is not None:
        yuan = Decimal(m.group(1)) * _UNITS[m.group(2)]
        facts.append(("investment", str(yuan.quantize(Decimal(1)))))
    if "签约" in sentence or "签订" in sentence:
        facts.append(("signed", "true"))
    if (m := _CAPACITY.search(text, start, end) or _CAPACITY.search(sentence)) is not None:
        facts.append(("capacity", m.group()))
    return tuple(facts)


def _where_and_whose(text: str, start: int, end: int, bounds: tuple[int, int],
                     context: RuleContext) -> tuple[tuple[str, str], ...]:
    """location: a place printed after 位于/落户/选址 in the sentence; owner: an organization
    printed before 投资/建设/实施 (…有限公司投资建设的…项目)."""
    left, right = bounds
    facts = []
    for p in context.places:
        if left <= p.start < right and _LOCATED.search(text, max(left, p.start - 3), p.start):
            facts.append(("location", p.name))
            break
    for o in context.orgs:
        if left <= o.start and o.end <= right and not (start <= o.start < end) and _OWNS.match(text, o.end):
            facts.append(("owner", o.name))
            break
    return tuple(facts)


def _sentence_bounds(text: Text, start: int, end: int) -> tuple[int, int]:
    """The sentence holding [start, end): from after the last sentence end before it to its own end."""
    ends = text.memo("projects.sentence_ends", lambda: [m.start() for m in _SENTENCE_END.finditer(text.text)])
    k, j = bisect_left(ends, start), bisect_left(ends, end)
    return ends[k - 1] + 1 if k else 0, ends[j] + 1 if j < len(ends) else len(text.text)
