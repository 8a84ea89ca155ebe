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


CUES_AROUND = [
    # (text, expected people): cue words before or after a name
    ("王建国同志在会上讲话。", {"王建国"}),
    ("向李明同志学习。", {"李明"}),  # 向 is no surname here
    ("李红梅大使出席招待会。", {"李红梅"}),
    ("张志强将军回忆说。", {"张志强"}),
    ("刘明大夫介绍病情。", {"刘明"}),
    ("王建国医生说。", {"王建国"}),
    ("李红梅教授介绍。", {"李红梅"}),  # rjieba reads 李|红梅: not 红梅
    ("医生王建国说。", {"王建国"}),
    ("全体党员同志要带头。", set()),  # 党员 is a word, not a name
    ("老同志们欢聚一堂。", set()),
]


@pytest.mark.parametrize("text, expected", CUES_AROUND)
def test_people_cue_words_before_and_after_names(text, expected):
    assert names(text, "person") == expected


FOREIGN = [
    # (text, expected people): transliterated names, with a · anywhere, plain after a title
    ("联合国秘书长安东尼奥·古特雷斯表示。", {"安东尼奥·古特雷斯"}),
    ("安东尼奥·古特雷斯在致辞中说。", {"安东尼奥·古特雷斯"}),
    ("俄罗斯总统普京表示。", {"普京"}),
    ("美国总统拜登说。", {"拜登"}),
    ("中国·许昌第三届峰会开幕。", set()),  # a dot between places is no name
    ("总统府发表声明。", set()),
]


@pytest.mark.parametrize("text, expected", FOREIGN)
def test_people_transliterated_foreign_names(text, expected):
    assert names(text, "person") == expected


LISTS = [
    # (text, expected people): names in lists, glued together or starting inside a word
    ("获奖者有张三李四王五。", {"张三", "李四", "王五"}),
    ("他们是王建国李红梅。", {"王建国", "李红梅"}),
    ("出席的有王建国、李红梅、张志强等。", {"王建国", "李红梅", "张志强"}),
    ("市民王建国说，这里变美了。", {"王建国"}),  # a name that a follower ends is not cut in two
]


@pytest.mark.parametrize("text, expected", LISTS)
def test_people_lists_glued_or_starting_inside_a_word(text, expected):
    assert names(text, "person") == expected


NOT_PEOPLE = [
    # (text, expected people): a function word, a place or a brand read as a name
    ("但明确要求各地抓好落实。", set()),
    ("但张三认为不妥。", {"张三"}),  # the name after the function word
    ("由王建国主持。", {"王建国"}),
    ("驻村第一书记于爱波介绍。", {"于爱波"}),  # 于 read alone, but before a given name: a surname
    ("对李红梅进行表彰。", {"李红梅"}),  # not 对李红梅: the recognizer reads the name without a cue
    ("华为表示将加大投入。", set()),  # a brand
    ("许昌说起来很美。", set()),  # the home city
    ("和平路上车来车往。", set()),
]


@pytest.mark.parametrize("text, expected", NOT_PEOPLE)
def test_people_function_words_places_and_brands_are_no_names(text, expected):
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
