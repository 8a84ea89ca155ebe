"""Normalization: tables of printed text -> normalized text, and the offset map back to the source."""
from __future__ import annotations

import pytest

from kb.stages.normalize import normalize

from conftest import SEEDS


@pytest.mark.parametrize("source, expected", [
    # stray spaces between Chinese characters go; spaces between Latin words stay
    ("市 长 史 根 治 主 持 召 开 会 议。", "市长史根治主持召开会议。"),
    ("本 报 讯 （记 者 许 廷 合） 扫 描", "本报讯（记者许廷合）扫描"),
    ("发布了 5G AI 交通信号系统及 NB-IoT 通信模组。", "发布了5G AI交通信号系统及NB-IoT通信模组。"),
    ("全市总投资 36.3 亿元的 32 个项目。", "全市总投资36.3亿元的32个项目。"),
    # overprinted runs printed twice, and characters doubled one by one
    ("本报记者本报记者 乔利峰乔利峰 摄摄", "本报记者乔利峰摄"),
    ("迎接载誉而归的援鄂战迎接载誉而归的援鄂战““疫疫””最美最美", "迎接载誉而归的援鄂战“疫”最美"),
    ("学习贯彻党代会精神学习贯彻党代会精神奋勇争先 更加出彩", "学习贯彻党代会精神奋勇争先更加出彩"),
    # real reduplication is not overprinting
    ("大家高高兴兴地看看，研究研究再说。", "大家高高兴兴地看看，研究研究再说。"),
    ("人人都说天天向上。", "人人都说天天向上。"),
])
def test_normalize_fixes_printing_artifacts(source, expected):
    assert normalize(source)[0] == expected


@pytest.mark.parametrize("source, expected", [
    # column lines of one paragraph are joined, words split across lines rejoined
    ("本报讯（记者 石冠兵）12\n月 23 日，中国·许昌第三届\n5G 泛在峰会开幕，专家嘉\n宾齐聚许昌。",
     "本报讯（记者石冠兵）12月23日，中国·许昌第三届5G泛在峰会开幕，专家嘉宾齐聚许昌。"),
    # a blank line in the middle of a sentence is not a paragraph break
    ("由中国信息通信研究院、北京\n邮电大学、许昌市人\n\n民政府共同主办。\n史根治在致辞中向各位到",
     "由中国信息通信研究院、北京邮电大学、许昌市人民政府共同主办。\n史根治在致辞中向各位到"),
    # title lines stay lines, blocks stay blocks
    ("会议还研究了其他事项。\n\n史根治主持召开市委常委会会议\n\n传达学习重要讲话精神\n研究疫情防控等工作",
     "会议还研究了其他事项。\n\n史根治主持召开市委常委会会议\n\n传达学习重要讲话精神\n研究疫情防控等工作"),
    # a line's leading space opens a new text box
    ("整治脏乱问题进行了调研，取得实效。\n 楚雷到襄城县调研时要求\n做强民营经济",
     "整治脏乱问题进行了调研，取得实效。\n\n楚雷到襄城县调研时要求\n做强民营经济"),
    # a dateline after a title on the same printed line starts a new paragraph
    ("2021年许昌市统计公报 4月 8日，市区中央公园电动车充电站开通。",
     "2021年许昌市统计公报\n4月8日，市区中央公园电动车充电站开通。"),
    ("2017 年 4 月 7 日，许昌作为代表发言。", "2017年4月7日，许昌作为代表发言。"),
    # one paragraph per line, half-width punctuation: lines are kept as paragraphs
    ("刘涛到建安区调研\n(记者 王利辉)5月14日,市长刘涛到建安区调研。\n他强调,要加快项目建设。",
     "刘涛到建安区调研\n(记者王利辉)5月14日,市长刘涛到建安区调研。\n他强调,要加快项目建设。"),
    ("\r\n 本报讯（记者 高伟山）\r\n", "本报讯（记者高伟山）"),
    # double-spaced text (a blank line after every line): only a wider gap separates blocks
    ("本报讯（记者 石冠兵）12\n\n月 23 日，中国·许昌第三届\n\n5G 泛在峰会开幕，专家嘉\n\n宾齐聚许昌，共同\n\n"
     "研讨 5G 赋能产业高质量\n\n发展的新思路。\n\n\n\n峰会开幕\n\n张平等出席\n",
     "本报讯（记者石冠兵）12月23日，中国·许昌第三届5G泛在峰会开幕，专家嘉宾齐聚许昌，共同研讨5G赋能产业"
     "高质量发展的新思路。\n\n峰会开幕\n张平等出席"),
    # a paragraph printed twice, or a truncated copy beside the whole one, is kept once
    ("会议强调，要认真学习领会讲话精神。\n\n会议强调，要认真学习领会讲话精神。\n\n会议要求，全力以赴。",
     "会议强调，要认真学习领会讲话精神。\n\n会议要求，全力以赴。"),
    ("会议指出，要抓好落实工作，\n\n会议指出，要抓好落实工作，确保实效。",
     "会议指出，要抓好落实工作，确保实效。"),
    ("会议指出，要抓好落实工作，确保实效。\n\n会议指出，要抓好落实工作",
     "会议指出，要抓好落实工作，确保实效。"),
])
def test_normalize_joins_lines_into_paragraphs(source, expected):
    assert normalize(source)[0] == expected


def _assert_offsets(source: str) -> None:
    text, offsets = normalize(source)
    assert len(offsets) == len(text) + 1 and offsets[-1] == len(source)
    assert all(a < b for a, b in zip(offsets, offsets[1:])), "source order kept, nothing mapped twice"
    for i, ch in enumerate(text):
        if ch.isspace():
            assert source[offsets[i]].isspace(), f"break at {i} maps to {source[offsets[i]]!r}"
        else:
            assert source[offsets[i]] == ch, f"{ch!r} at {i} maps to {source[offsets[i]]!r}"


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.stem)
def test_normalize_offsets_map_every_char_to_its_source(path):
    _assert_offsets(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("source", [
    "本报记者本报记者 乔利峰乔利峰 摄摄 复工复产复工复产企业有序开展企业有序开展",
    "市 长 史 根 治\n\n主 持 会 议\n 楚雷到襄城县\n",
    "",
    "5G AI 与 NB-IoT",
])
def test_normalize_offsets_hold_on_artifacts(source):
    _assert_offsets(source)


def test_normalize_keeps_the_first_copy_of_a_doubled_run():
    source = "我市学生有序入学我市学生有序入学"
    text, offsets = normalize(source)
    assert text == "我市学生有序入学"
    assert offsets[:-1] == tuple(range(8))


@pytest.mark.parametrize("source, expected", [
    # characters doubled one by one are overprinting only with a doubled quote among them
    ("谢谢谢谢大大家家来了。", "谢谢谢谢大大家家来了。"),
    ("他说““好好””，大家都笑了。", "他说“好”，大家都笑了。"),
    # a line ending in a photo credit or a continuation note ends its paragraph
    ("市长张国晖在调研时强调，要加快推进各项重点工作，\n确保项目早日建成投产。记者 乔利峰 摄\n市民在公园里散步，感受春天的气息，",
     "市长张国晖在调研时强调，要加快推进各项重点工作，确保项目早日建成投产。记者乔利峰摄\n市民在公园里散步，感受春天的气息，"),
    ("要加快推进项目建设，抓好疫情防控工作（下转第六版）\n全市上下要以更加饱满的精神状态，奋力推动，",
     "要加快推进项目建设，抓好疫情防控工作（下转第六版）\n全市上下要以更加饱满的精神状态，奋力推动，"),
    # a lead or a wire dateline starts a paragraph even after a line that runs on
    ("全市上下要以更加饱满的精神状态，奋力推动高质量发展，\n本报讯（记者 石冠兵）12月23日，峰会开幕。",
     "全市上下要以更加饱满的精神状态，奋力推动高质量发展，\n本报讯（记者石冠兵）12月23日，峰会开幕。"),
    ("全市上下要以更加饱满的精神状态，奋力推动高质量发展，\n新华社北京12月23日电 峰会开幕。",
     "全市上下要以更加饱满的精神状态，奋力推动高质量发展，\n新华社北京12月23日电峰会开幕。"),
    # ideographic spaces open a text box and separate a title from a dateline as plain ones do
    ("整治脏乱问题进行了调研，取得实效。\n\u3000\u3000楚雷到襄城县调研时要求\n做强民营经济",
     "整治脏乱问题进行了调研，取得实效。\n\n楚雷到襄城县调研时要求\n做强民营经济"),
    ("许昌市统计公报\u3000 4月 8日，市区中央公园电动车充电站开通。", "许昌市统计公报\n4月8日，市区中央公园电动车充电站开通。"),
])
def test_normalize_breaks_at_notes_leads_and_boxes(source, expected):
    assert normalize(source)[0] == expected
    _assert_offsets(source)
