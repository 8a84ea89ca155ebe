"""Rule data for entity extraction, read once from the files in kb/stages/data/.

Each file is plain text: one entry a line (or TAB-separated fields), '#' starts a comment.
Nothing here names a particular person, company or place of any one paper: the home city and
province come from Settings and are filled into templates ({city}, {province}).
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable

DATA = Path(__file__).parent / "data"
CJK = "\u4e00-\u9fff"


def rows(name: str) -> list[list[str]]:
    """The non-comment lines of a data file, split on TABs."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


def words(name: str) -> tuple[str, ...]:
    """A list file's entries (several per line allowed, space separated)."""
    return tuple(w for row in rows(name) for w in row[0].split())


def alternation(items: Iterable[str]) -> str:
    """A regex matching any of the entries, the longest one at a position: built as a trie
    (市委书记|市委常委 -> 市委(?:书记|常委)) so that the engine never tries entries one by one."""
    trie: dict = {}
    for item in set(items):
        node = trie
        for ch in item:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_pattern(trie)


def _trie_pattern(node: dict) -> str:
    ends = "" in node
    branches = [re.escape(ch) + _trie_pattern(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends:  # the entry may stop here: greedy '?' tries the longer entries first
        return ("(?:" + body + ")?") if len(branches) > 1 or len(body) > 1 else body + "?"
    return body


@lru_cache(maxsize=None)
def wordset(name: str) -> frozenset[str]:
    return frozenset(words(name))


@lru_cache(maxsize=None)
def suffix_table(name: str) -> dict[str, str]:
    """suffix -> label from a 'suffix<TAB>label' file."""
    return {row[0]: row[1] for row in rows(name)}


@lru_cache(maxsize=1)
def surnames() -> tuple[frozenset[str], frozenset[str]]:
    """(single-character surnames, compound surnames)."""
    names = words("people_surnames.txt")
    return frozenset(n for n in names if len(n) == 1), frozenset(n for n in names if len(n) == 2)


@lru_cache(maxsize=1)
def titles() -> tuple[str, ...]:
    """Every title, with {L} expanded to each administrative level."""
    levels = words("posts_levels.txt")
    out: set[str] = set()
    for title in words("posts_titles.txt"):
        out.update(title.replace("{L}", level) for level in levels) if "{L}" in title else out.add(title)
    return tuple(sorted(out, key=len, reverse=True))


def first_chars(items: Iterable[str]) -> str:
    """A lookahead for the characters the entries start with: a pattern opening with an optional
    part scans far faster when it opens with this."""
    return "(?=[" + "".join(sorted({re.escape(item[0]) for item in items if item})) + "])"


@lru_cache(maxsize=1)
def title_pattern() -> re.Pattern[str]:
    return re.compile(rf"{first_chars([*titles(), '原'])}(?:原)?(?:{alternation(titles())})")


@lru_cache(maxsize=1)
def after_pattern() -> re.Pattern[str]:
    """What may follow a name: punctuation, the end, or a word from people_after.txt."""
    return re.compile(rf"(?:[^{CJK}]|$|{alternation(words('people_after.txt'))})")


def bodies(city: str, province: str) -> dict[str, tuple[str, str]]:
    """Short form of a body as printed -> (full name, type), for this paper's city and province."""
    return _bodies(city, province)


@lru_cache(maxsize=8)
def _bodies(city: str, province: str) -> dict[str, tuple[str, str]]:
    return {row[0]: (row[1].format(city=city, province=province), row[2]) for row in rows("orgs_bodies.txt")}


@lru_cache(maxsize=1)
def implied_bodies() -> tuple[tuple[str, str], ...]:
    """(title prefix, body short form): 市长 -> 市政府; longer prefixes first."""
    pairs = [(row[0], row[1]) for row in rows("posts_bodies.txt")]
    return tuple(sorted(pairs, key=lambda p: len(p[0]), reverse=True))


def org_subtype(name: str, subtype: str | None) -> str | None:
    """An organization's type: intergovernmental for a group of states whatever its suffix says
    (二十国集团 is no company), else the type its suffix gave."""
    return "intergovernmental" if name.endswith(_intergovernmental()) else subtype


@lru_cache(maxsize=1)
def _intergovernmental() -> tuple[str, ...]:
    return words("orgs_intergovernmental.txt")
