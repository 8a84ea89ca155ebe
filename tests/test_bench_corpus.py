"""The benchmark archive generator (bench/corpus): deterministic, varied, growing like a real
archive, and made of pages that kb itself ingests. Small scale only: `make bench` does the rest."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from conftest import ROOT, run_kb

WIDTHS = {13, 14, 15, 16, 17, 19, 21, 36}  # the column widths pages are set in
NO_LINE_START = "，。、；：！？”’）》"  # punctuation hangs on the line before instead


def pages(out: Path, count: int, seed: int) -> list[tuple[str, str, dict]]:
    """`python -m bench.corpus OUT --pages N --seed S`: (relative path, text, truth) of each page."""
    done = subprocess.run([sys.executable, "-m", "bench.corpus", str(out), "--pages", str(count), "--seed", str(seed)],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr
    found = []
    for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        relative = f"{record['date'][:4]}/{record['id']}.txt"
        found.append((relative, (out / relative).read_text(encoding="utf-8"), record))
    return found


@pytest.fixture(scope="module")
def sixty(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str, dict]]:
    return pages(tmp_path_factory.mktemp("sixty"), 60, seed=3)


def test_bench_corpus_layout_prints_like_a_pdf(sixty):
    texts = [text for _, text, _ in sixty]
    for text in texts:
        lines = [line for line in text.splitlines() if line]
        assert Counter(map(len, lines)).most_common(1)[0][0] in WIDTHS  # column-wide lines, cut mid-word
        assert not [line for line in lines if line[0] in NO_LINE_START]
        assert "\n\n" in text  # a blank line where a column ends
    cjk = r"[^\x00-\x7f]"
    assert any(re.search(rf"{cjk} \d+ {cjk}", text) for text in texts)  # numbers set apart on some pages...
    assert any(re.search(rf"{cjk}\d+{cjk}", text) for text in texts)  # ...as they are on others


def test_bench_corpus_caption_credits_and_overprints(sixty):
    lines = [line for _, text, _ in sixty for line in text.splitlines()]
    assert any(re.search(r"[^摄] 摄$", line) for line in lines)  # 市民游玩 本报记者 乔利峰 摄
    assert any(re.search(r"(\S+)\1 (\S+)\2 摄摄$", line) for line in lines)  # ...printed twice over


def test_bench_corpus_is_deterministic_and_prefix_stable(tmp_path):
    first, again = pages(tmp_path / "first", 30, seed=7), pages(tmp_path / "again", 30, seed=7)
    assert first == again
    assert pages(tmp_path / "fewer", 12, seed=7) == first[:12]
    assert [text for _, text, _ in pages(tmp_path / "other", 12, seed=8)] != [text for _, text, _ in first[:12]]


def test_bench_corpus_pages_vary_in_layout_and_content(sixty):
    texts = [text for _, text, _ in sixty]
    assert len(set(texts)) == len(texts)
    kinds = Counter(item["kind"] for _, _, record in sixty for item in record["items"])
    assert {"news", "wire", "feature", "photo", "teaser"} <= set(kinds)
    sizes = sorted(len(text) for text in texts)
    assert 1500 < sizes[len(sizes) // 2] < 12000  # seed pages hold 4,000 to 7,000 characters
    widths = Counter(max(map(len, text.splitlines())) for text in texts)
    assert len(widths) >= 4  # pages set in different column widths
    assert any(" 月 " in text for text in texts) and any("月" in text and " 月 " not in text for text in texts)


def test_bench_corpus_entities_grow_like_an_archive(tmp_path):
    records = [record for _, _, record in pages(tmp_path, 400, seed=5)]
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
    corpus = tmp_path / "corpus"
    records = [record for _, _, record in pages(corpus, 12, seed=11)]
    data = tmp_path / "data"
    run_kb("build", corpus, "--data-dir", data, "--quiet")  # fails on any skipped page
    query = "PREFIX schema: <http://schema.org/> SELECT DISTINCT ?name { ?p a schema:Person ; schema:name ?name }"
    found = json.loads(run_kb("query", query, "--data-dir", data, "--format", "json").stdout)
    people = {b["name"]["value"] for b in found["results"]["bindings"]}
    leaders = {name for record in records for name, title in record["people"].items()
               if title and title.startswith("市")}
    assert len(records) == 12 and leaders
    assert len(leaders & people) >= len(leaders) / 2, sorted(leaders - people)
    assert (corpus / "corpus.json").exists()
