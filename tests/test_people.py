"""People: names after titles and cue words, lists, glued names, bare mentions learned on the page."""
from __future__ import annotations

import pytest

from entities_helpers import names, run
from kb.stages import people

PEOPLE = [
    # (text, expected people)
    ("市长王建国主持会议。", {"王建国"}),
    ("副市长李红梅、张志强、刘洋出席会议。", {"李红梅", "张志强", "刘洋"}),
    ("市委副书记、市长周涛详细了解企业生产情况。", {"周涛"}),
    ("市领导赵明、孙立新、钱雷列席会议。", {"赵明", "孙立新", "钱雷"}),
    ("市 长 王 建 国 主持会议。", {"王建国"}),  # stray spaces removed by normalization
    ("市长王建国主持会议。王建国在讲话中指出，要抓好落实。", {"王建国"}),
    ("该负责人介绍，项目进展顺利。", set()),  # a generic reference is nobody
    ("本报记者陈晓东摄", {"陈晓东"}),
    ("北京大学教授欧阳明远作报告。", {"欧阳明远"}),  # compound surname
    ("党员干部要把学习成果转化为工作动力。", set()),  # 干部 after the cue 党员 is a common word
]


@pytest.mark.parametrize("text, expected", PEOPLE)
def test_people_found_with_titles_lists_and_cues(text, expected):
    assert names(text, "person") == expected


def test_people_bare_mentions_learned_from_titles_point_back_to_the_text():
    text = "市长王建国主持会议。\n会上，王建国强调要抓好落实。"
    mentions, _, _, page = run(text)
    spans = [page.text[m.start:m.end] for m in mentions if m.kind == "person"]
    assert spans == ["王建国", "王建国"]
    assert all(m.item == 0 for m in mentions)


def test_people_names_broken_by_column_breaks_keep_source_offsets():
    text = "副市长李红\n梅主持会议。"
    mentions, _, _, page = run(text)
    (m,) = [m for m in mentions if m.kind == "person"]
    assert m.name == "李红梅"
    start, end = page.source_span(m.start, m.end)
    assert page.source[start:end] == "李红\n梅"


def test_people_byline_names_are_entities():
    _, found, _, _ = run("12月1日，全市召开会议。", reporters=("郑小平",))
    assert ("person", "郑小平") in {(e.kind, e.name) for e in found}


def test_people_learned_names_read_longest_first():
    text = "副市长王建国、王建出席。\n会上，王建国强调，王建表示。"
    mentions, _, _, page = run(text)
    spans = [page.text[m.start:m.end] for m in sorted(mentions, key=lambda m: m.start) if m.kind == "person"]
    assert spans == ["王建国", "王建", "王建国", "王建"]


@pytest.mark.parametrize("text", [
    "王建国、李红梅、张强出席", "、、王建、李红", "市长王建、李红、、张强", "王建国李红梅、张强、刘洋", "甲、乙丙、丁戊",
    "王建国、李", "王建、李红梅张志强刘洋、赵明", "，王建、李红，张强、刘洋。",
])
def test_people_lists_scan_only_before_commas_finds_what_the_pattern_finds(text):
    # the scan tries only offsets 2-4 characters before a 、; the pattern tries every offset
    assert people._lists(text) == [(m.start(), m.group().split("、")) for m in people._LIST.finditer(text)]
