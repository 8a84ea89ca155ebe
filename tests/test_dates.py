"""Year inference: from the file name, else from the page's own evidence."""
from __future__ import annotations

import pytest

from kb.stages.dates import infer_year


@pytest.mark.parametrize("page_id, text, year", [
    ("xcrb_2020-12-24_01", "2019年", 2020),
    ("20211101_p1", "", 2021),
    ("page_01", "2020年春节，疫情肆虐而至。2015年首次荣获称号。", 2020),
    ("page_01", "结束2020—2021年度调水任务；力争到2025年，产业规模突破400亿元。", 2021),
    ("page_01", "至2035年基本实现现代化。2019年我市再次通过测评。", 2019),
    ("page_01", "2021年许昌市国民经济和社会发展统计公报", 2022),
    ("page_01", "2020年，城市宜居度提升。从2001年到2021年，20年间变化巨大。", 2021),  # an ended span
    ("page_01", "2020年，城市宜居度提升。从现在到2035年基本实现现代化。", 2020),  # a plan
    ("page_01", "12月23日，峰会开幕。", None),
    ("page_01", "上世纪90年代，1990年代初。", None),
    ("000_a3ac3aca2a99c87c", "2020年春节", 2020),  # hex digits are not a date
])
def test_dates_infer_year(page_id, text, year):
    found, evidence = infer_year(page_id, text)
    assert found == year
    assert (evidence is None) == (year is None)
