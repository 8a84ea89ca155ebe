"""The benchmark archive generator (bench/corpus): deterministic, varied, growing like a real
archive, and made of pages that kb itself ingests. Small scale only: `make bench` does the rest."""
from __future__ import annotations

import json
import random
import sys
from collections import Counter
from pathlib import Path

import pytest

from conftest import ROOT, run_kb

sys.path.insert(0, str(ROOT))  # bench/ is a folder of the repository, not an installed package
from bench.corpus import generate, manifest, pages  # noqa: E402
from bench.corpus.layout import Style, body, caption  # noqa: E402

PLAIN = Style(width=8, column_lines=100, spaced_numbers=False, justified=0.0, doubled=0.0)
SPACED = Style(width=8, column_lines=100, spaced_numbers=True, justified=0.0, doubled=0.0)
OVERPRINTED = Style(width=8, column_lines=100, spaced_numbers=False, justified=0.0, doubled=1.0)


@pytest.mark.parametrize(("paragraphs", "style", "expected"), [
    (["市长张三主持召开会议。"], PLAIN, "市长张三主持召开\n会议。"),
    (["12月23日，会议召开。"], SPACED, "12 月 23\n日，会议召开。"),  # numbers set apart, split as printed
    (["一二三四五六七八，九"], PLAIN, "一二三四五六七八，\n九"),
    (["甲乙丙丁戊己庚辛壬癸"], Style(5, 1, False, 0.0, 0.0), "甲乙丙丁戊\n\n己庚辛壬癸"),  # column ends
])
def test_bench_corpus_layout_prints_like_a_pdf(paragraphs, style, expected):
    assert body(paragraphs, style, random.Random(0)) == expected


@pytest.mark.parametrize(("text", "credit", "style", "expected"), [
    ("市民游玩", "本报记者 乔利峰 摄", PLAIN, "市民游玩 本报记者 乔利峰 摄"),
    ("市民游玩", "本报记者 乔利峰 摄", OVERPRINTED, "市民游玩市民游玩 本报记者本报记者 乔利峰乔利峰 摄摄"),
])
def test_bench_corpus_caption_credits_and_overprints(text, credit, style, expected):
    assert caption(text, credit, style, random.Random(0)) == expected


def test_bench_corpus_is_deterministic_and_prefix_stable():
    first, again = list(pages(30, seed=7)), list(pages(30, seed=7))
    assert first == again
    assert list(pages(12, seed=7)) == first[:12]
    assert [text for _, text, _ in pages(12, seed=8)] != [text for _, text, _ in first[:12]]


def test_bench_corpus_pages_vary_in_layout_and_content():
    generated = list(pages(60, seed=3))
    texts = [text for _, text, _ in generated]
    assert len(set(texts)) == len(texts)
    kinds = Counter(item["kind"] for _, _, record in generated for item in record["items"])
    assert {"news", "wire", "feature", "photo", "teaser"} <= set(kinds)
    sizes = sorted(len(text) for text in texts)
    assert 1500 < sizes[len(sizes) // 2] < 12000  # seed pages hold 4,000 to 7,000 characters
    widths = Counter(max(map(len, text.splitlines())) for text in texts)
    assert len(widths) >= 4  # pages set in different column widths
    assert any(" 月 " in text for text in texts) and any("月" in text and " 月 " not in text for text in texts)


def test_bench_corpus_entities_grow_like_an_archive():
    records = [record for _, _, record in pages(400, seed=5)]
    mentions = Counter(name for record in records for name in record["people"])
    top_share = mentions.most_common(1)[0][1] / len(records)
    once = sum(1 for count in mentions.values() if count == 1)
    assert top_share > 0.1  # a few leaders and reporters are on many pages...
    assert once > len(mentions) / 2  # ...while most people are named once
    half = {name for record in records[:200] for name in record["people"]}
    assert 1.2 < len(mentions) / len(half) < 2.0  # new names keep coming, ever more slowly
    organizations = Counter(name for record in records for name in record["organizations"])
    assert organizations.most_common(1)[0][1] > 20 and len(organizations) > 200


def test_bench_corpus_pages_are_ingested_by_kb(tmp_path):
    corpus = generate(tmp_path / "corpus", 12, seed=11)
    data = tmp_path / "data"
    run_kb("build", corpus, "--data-dir", data, "--quiet")  # fails on any skipped page
    query = "PREFIX schema: <http://schema.org/> SELECT DISTINCT ?name { ?p a schema:Person ; schema:name ?name }"
    found = json.loads(run_kb("query", query, "--data-dir", data, "--format", "json").stdout)
    people = {b["name"]["value"] for b in found["results"]["bindings"]}
    leaders = {name for record in manifest(corpus) for name, title in record["people"].items()
               if title and title.startswith("市")}
    assert len(manifest(corpus)) == 12 and leaders
    assert len(leaders & people) >= len(leaders) / 2, sorted(leaders - people)
    assert (Path(corpus) / "corpus.json").exists()
