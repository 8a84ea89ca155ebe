"""How the statistical recognizer's names combine with the rules' (kb.stages.entities and
kb.stages.recognize), pinned on invented text and hand-built spans."""
from __future__ import annotations

import pytest

from kb.config import resolve
from kb.stages.entities import _reconcile, _unclaimed
from kb.stages.recognize import find
from kb.stages.text import Found, Text


def _at(text: str, kind: str, surface: str, name: str | None = None) -> Found:
    start = text.index(surface)
    return Found(kind, name or surface, surface, start, start + len(surface))


TEXT = "持有日兴证券公司股份的人来到京津冀，北京市怀柔县民政局和市司法局，抚顺市纪委"


@pytest.mark.parametrize("rule,model,kept,taken", [
    # a suffix marks where a name ends, not where it starts: the model's left edge wins
    ([("organization", "持有日兴证券公司")], [("organization", "日兴证券公司")], [], ["日兴证券公司"]),
    # the same span: the rules' reading (full name, facts) is kept
    ([("organization", "市司法局", "许昌市司法局")], [("organization", "市司法局")], ["市司法局"], []),
    # a short form the rules expanded keeps the rules' reading even when the model cuts it
    ([("organization", "市司法局", "许昌市司法局")], [("organization", "司法局")], ["市司法局"], []),
    # ... unless the model reads a longer name that prints its own city before the short form
    ([("organization", "市纪委", "许昌市纪委")], [("organization", "抚顺市纪委")], [], ["抚顺市纪委"]),
    # the model ran two of the rules' names together: the rules' two names stay
    ([("place", "北京市"), ("organization", "怀柔县民政局")], [("organization", "北京市怀柔县民政局")],
     ["北京市", "怀柔县民政局"], []),
    # the model cut a known name into short forms: the rules' name stays
    ([("place", "京津冀")], [("place", "京"), ("place", "津冀")], ["京津冀"], []),
    # a place of the rules inside a longer name of another kind: the model's name
    ([("place", "北京市")], [("organization", "北京市怀柔县民政局")], [], ["北京市怀柔县民政局"]),
    # a glue word the model took on: the rules' name (经王岗镇 -> 王岗镇)
    ([("place", "京津冀")], [("place", "到京津冀")], ["京津冀"], []),
    # the model's name ends before the rules' suffix: the rules' name
    ([("place", "京津冀")], [("place", "京津")], ["京津冀"], []),
    # nothing overlaps: both stay
    ([("place", "京津冀")], [("organization", "日兴证券公司")], ["京津冀"], ["日兴证券公司"]),
])
def test_recognize_reconcile_rules_and_model(rule, model, kept, taken):
    rule_found = [_at(TEXT, *r) for r in rule]
    model_found = [_at(TEXT, *m) for m in model]
    got_kept, got_taken = _reconcile(rule_found, model_found)
    assert [f.surface for f in got_kept] == kept
    assert [f.surface for f in got_taken] == taken


def test_recognize_a_place_by_its_canonical_name_may_begin_a_longer_name():
    text = "河南省消防总队创造了一流的业绩"
    place = _at(text, "place", "河南省", "河南")  # the rules name the province 河南: no expansion
    kept, taken = _reconcile([place], [_at(text, "organization", "河南省消防总队")])
    assert (kept, [f.surface for f in taken]) == ([], ["河南省消防总队"])


def test_recognize_地区_after_the_model_s_place_is_a_common_word():
    text = "会议讨论了南斯拉夫地区的局势"
    kept, taken = _reconcile([_at(text, "place", "南斯拉夫地区")], [_at(text, "place", "南斯拉夫")])
    assert (kept, [f.surface for f in taken]) == ([], ["南斯拉夫"])


def test_recognize_unclaimed_drops_names_inside_titles():
    text = "市委书记王晓明说"
    model = [_at(text, "organization", "市委"), _at(text, "person", "王晓明")]
    assert _unclaimed(model, [(0, 7)]) == []  # the post's span: 市委书记王晓明
    assert _unclaimed(model, [(4, 7)]) == [model[0]]


@pytest.mark.parametrize("text,kind,name,surface", [
    ("中美两国元首举行会谈，双方同意加强合作。", "place", "中国", "中"),  # a country's short form, named in full
    ("代表团访问了法国、德国和意大利，受到热烈欢迎。", "place", "意大利", "意大利"),
    ("外交部发言人在例行记者会上回答了提问。", "organization", "外交部", "外交部"),
])
def test_recognize_finds_names_without_cues(text, kind, name, surface):
    found = {(f.kind, f.name, f.surface) for f in find(Text.of(text))}
    assert (kind, name, surface) in found


def test_recognize_never_takes_a_single_character_person_or_organization():
    text = Text.of("江主席和李鹏总理会见了中方代表，美方表示欢迎。")
    assert all(len(f.surface) > 1 or (f.kind == "place" and f.name != f.surface) for f in find(text))


def test_recognize_reads_nothing_in_the_stretches_to_skip():
    text = Text.of("代表团访问了法国、德国和意大利。外交部发言人回答了提问。")
    everything = find(text)
    assert {f.surface for f in everything} >= {"法国", "德国", "外交部"}
    cut = text.text.index("。") + 1
    assert [f for f in find(text, [(0, cut)]) if f.start < cut] == []
    assert {f.surface for f in find(text, [(cut, len(text.text))])} == {f.surface for f in everything if f.end <= cut}


def test_recognize_home_city_reports_are_told_by_the_city_or_我市(tmp_path):
    from kb.pipeline import extract
    from kb.stages.entities import _home_reports
    from kb.stages.text import ItemIndex

    settings = resolve({}, environ={})
    page = tmp_path / "p.txt"
    page.write_text(f"本报讯 {settings.city_short}召开会议，部署有关工作，会议由市领导主持召开。\n", encoding="utf-8")
    result = extract(page, settings)
    text = Text.of(result.page.text)
    assert _home_reports(text, ItemIndex(result.items), settings) == [(0, len(text.text))]
    page.write_text("本报讯 南阳召开会议，部署有关工作，会议由有关领导主持召开并讲话。\n", encoding="utf-8")
    result = extract(page, settings)
    assert _home_reports(Text.of(result.page.text), ItemIndex(result.items), settings) == []


def _mentions(tmp_path, text: str) -> set[tuple[str, str, str]]:
    """(kind, name, surface) of every mention the pipeline makes of a plain article."""
    from kb.pipeline import extract

    page = tmp_path / "article.txt"
    page.write_text(text + "\n", encoding="utf-8")
    return {(m.kind, m.name, m.surface) for m in extract(page, resolve({}, environ={})).mentions}


@pytest.mark.parametrize("text,mention", [
    # a body named in full inside a title is an organization; its level alone (市委 of 市委书记) is not
    ("铁道部部长傅志寰今天在北京会见了来访的日本客人，双方就高速铁路合作交换了意见。",
     ("organization", "铁道部", "铁道部")),
    # names ending like a title or a body's short form, read by the model in full
    ("全国人大常委会副委员长王光英出席了开幕式并讲话，有关方面负责人参加。",
     ("organization", "全国人大常委会", "全国人大常委会")),
    # a one-character short form stands for the one place the page prints in full that it opens
    ("阿尔巴尼亚政府发表声明。声明说，中阿两国关系良好，阿方愿意加强合作。",
     ("place", "阿尔巴尼亚", "阿")),
    # 地区 after a known place's name is a common word: the place is 中东
    ("联合国秘书长呼吁中东地区国家加入不扩散核武器条约，以维护和平。", ("place", "中东", "中东")),
    # a dotted name the rules cut after a title, read in full by the model
    ("巴基斯坦外长阿尤布·汗表示，没有第三方介入，问题难以解决。", ("person", "阿尤布·汗", "阿尤布·汗")),
    # a place whose government is named is spoken of too (印度 of 印度政府), beside the government
    ("唐家璇说，印度政府不顾国际社会的强烈反对，一意孤行。", ("place", "印度", "印度")),
    ("唐家璇说，印度政府不顾国际社会的强烈反对，一意孤行。", ("organization", "印度政府", "印度政府")),
    # a place the gazetteer knows inside a name the model reads as a person's (罗马 of 罗马里奥)
    ("巴西队主教练说，得知自己代替罗马里奥上阵的消息，他希望马上出场。", ("person", "罗马里奥", "罗马里奥")),
])
def test_recognize_combined_with_the_rules_in_the_pipeline(tmp_path, text, mention):
    assert mention in _mentions(tmp_path, text)


def test_recognize_no_body_from_a_level_alone_inside_a_title(tmp_path):
    found = _mentions(tmp_path, "县委书记汪明新经常到基层调查研究，和群众交朋友，听取意见。")
    assert not any(kind == "organization" for kind, _, _ in found)


def test_recognize_a_word_only_rjieba_tags_a_person_is_none_where_the_model_reads(tmp_path):
    found = _mentions(tmp_path, "校长向与会的北大校友、师生代表和国内外的来宾挥手致意。")
    assert not any(kind == "person" for kind, _, _ in found)  # 师生: teachers and students
