"""Property tests: normalization and segmentation never crash on any text, and every offset
maps back into the source file."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from kb.model import Page
from kb.stages.normalize import normalize
from kb.stages.segment import segment

# the raw material of page text: ideographs, full- and half-width punctuation, digits, Latin,
# spaces of every kind, line breaks, and the markers segmentation looks for
PIECES = st.one_of(
    st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), min_size=1, max_size=12),
    st.sampled_from(["，", "。", "、", "“", "”", "（", "）", "(", ")", ",", ":", "——", "·", "●"]),
    st.sampled_from([" ", "  ", "\u3000", "\t", "\n", "\n\n", "\r\n", "\u00a0"]),
    st.sampled_from(["本报讯", "（记者 石冠兵）", "本报记者 乔利峰 摄", "新华社北京 11 月 1 日电", "（下转第六版）",
                     "12 月 23 日", "5G AI", "36.3 亿元", "市 长 史 根 治", "本报记者本报记者", "摄摄", "项目名片"]),
    st.text(max_size=8),
)
PAGES = st.lists(PIECES, max_size=80).map("".join)


def _page(source: str) -> Page:
    text, offsets = normalize(source)
    return Page("fuzz", "fuzz.txt", source, text, offsets, "0" * 64, "utf-8")


@settings(max_examples=300, deadline=None)
@given(PAGES)
def test_fuzz_normalize_offsets_map_into_the_source(source):
    text, offsets = normalize(source)
    assert len(offsets) == len(text) + 1
    assert all(0 <= a < b for a, b in zip(offsets, offsets[1:-1]))  # order kept, nothing mapped twice
    assert all(0 <= o <= len(source) for o in offsets)
    for ch, o in zip(text, offsets):
        if "\u4e00" <= ch <= "\u9fff":  # an ideograph is never invented, only moved
            assert source[o] == ch


@settings(max_examples=200, deadline=None)
@given(PAGES)
def test_fuzz_segment_items_are_spans_of_the_page(source):
    page = _page(source)
    for item in segment(page):
        assert 0 <= item.body_start <= item.body_end <= len(page.text)
        assert item.text == page.text[item.body_start:item.body_end]
        for start, end in item.title_spans:
            assert 0 <= start <= end <= len(page.text)
        page.source_span(item.body_start, item.body_end)  # never raises
