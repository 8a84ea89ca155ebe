"""Infer a page's publication year from its own evidence.

The rule, in order:
1. a date in the file name (`2020-12-24`, `20201224`, `xcrb_2020_12_24`) gives the year;
2. else the latest year the page prints as past or present (`2020年春节`, `2020—2021年度`), not
   counting years in plans and targets (`力争到2025年`, `至2035年`; but `从2001年到2021年` is a span
   that has ended); a year's statistical bulletin
   (`2021年…统计公报`) is published the year after, so it counts as that next year;
3. else the year is unknown (items then carry month-day dates, `--12-23`).
"""
from __future__ import annotations

import re

NAME = "kb.dates.v3"

_FILE_DATE = re.compile(r"(?<!\d)(19\d\d|20\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)")
_YEAR = re.compile(r"(?<![\d.])(19[5-9]\d|20\d\d)年(?!代)")
_PLAN_BEFORE = re.compile(r"(?:到|至|力争|争取|预计|计划|前瞻|展望|目标|远景)$")
_PLAN_AFTER = re.compile(r"年?底?前|远景|目标|规划")  # matched right after the year
_SPAN = re.compile(r"从(?:19|20)\d\d年到$")  # `从2001年到2021年`: a span that has ended, not a plan
_BULLETIN = re.compile(r"[^。，；\n]{0,24}?统计公报")  # matched right after the year


def infer_year(page_id: str, text: str) -> tuple[int | None, str | None]:
    """Return (year, evidence); (None, None) when the page does not tell."""
    if (m := _FILE_DATE.search(page_id)) is not None:
        return int(m.group(1)), f"file name {page_id} carries the date {m.group()}"
    best: tuple[int, str] | None = None
    for m in _YEAR.finditer(text):
        year = int(m.group(1))
        before = text[max(0, m.start() - 9):m.start()]
        planned = _PLAN_BEFORE.search(before[-4:]) and not _SPAN.search(before)
        if planned or _PLAN_AFTER.match(text, m.end()):
            continue
        context = text[m.start():m.end() + 24].split("\n")[0]
        if _BULLETIN.match(text, m.end()):
            year, why = year + 1, f"a bulletin for the year before is printed: {context[:28]}"
        else:
            why = f"latest year printed: {context[:14]}"
        if best is None or year > best[0]:
            best = (year, why)
    return best if best else (None, None)
