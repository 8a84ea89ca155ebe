"""Infer a page's publication year from its own evidence (file name first, then text)."""
from __future__ import annotations

import re

NAME = "kb.dates.v1"

_FILE_DATE = re.compile(r"(19\d\d|20\d\d)[-_]?(0[1-9]|1[0-2])[-_]?([0-3]\d)")
_YEAR = re.compile(r"(?<![\d—-])(19[5-9]\d|20\d\d)年(?!度|代|前)")


def infer_year(page_id: str, text: str) -> tuple[int | None, str | None]:
    """Return (year, evidence); (None, None) when the page does not tell."""
    if (m := _FILE_DATE.search(page_id)) is not None:
        return int(m.group(1)), f"file name {page_id}"
    years = [int(y) for y in _YEAR.findall(text)]
    if not years:
        return None, None
    year = max(years)
    return year, f"latest year printed: {year}年"
