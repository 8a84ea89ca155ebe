"""Running prose for the bodies, recombined from the clauses of the seed pages that name nobody:
the text keeps the paper's vocabulary and rhythm while every name in it is the generator's own."""
from __future__ import annotations

import random
import re
from functools import lru_cache
from pathlib import Path

import rjieba

from kb.errors import KbError

_CLAUSE = re.compile(r"[^，。！？；：]+")
_NAMED = {"nr", "nrt", "nrfg", "nt"}  # jieba tags: person and organization names
# bylines, continuation notes, quotes and brackets, organization names and titles of posts
_SKIP = re.compile(r"本报|记者|通讯员|新华社|摄|下转|上接|[（）()“”‘’《》「」·—…]"
                   r"|公司|集团|大学|学院|研究|医院|书记|市长|主席|主任|局长|董事|经理|教授|院士|所长")


@lru_cache(maxsize=4)
def clauses(seeds: Path) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for path in sorted(seeds.glob("*.txt")):
        text = re.sub(r"\s+", "", path.read_text(encoding="utf-8"))
        for clause in _CLAUSE.findall(text):
            if 4 <= len(clause) <= 40 and not _SKIP.search(clause) and _nameless(clause):
                found[clause] = None
    if len(found) < 200:
        raise KbError(f"{seeds}: too little nameless prose in the seed pages to generate from ({len(found)} clauses)")
    return tuple(found)


def sentence(rng: random.Random, pool: tuple[str, ...]) -> str:
    """Two to five clauses, as the paper's long policy sentences run."""
    return "，".join(rng.choice(pool) for _ in range(rng.randint(2, 5))) + "。"


def _nameless(clause: str) -> bool:
    return not any(tag in _NAMED for _, tag in rjieba.tag(clause))
