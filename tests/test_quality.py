"""Extraction quality against the hand annotations in ../shared/gold/: prints P/R/F1 per kind
and fails under the floors the project has committed to."""
from __future__ import annotations

import pytest

from kb.config import resolve
from kb.evaluate import evaluate, evaluate_bio
from kb.pipeline import extract

from conftest import SEEDS, SHARED

GOLD = SHARED / "gold"
FLOORS = {
    "items": 0.95, "bylines": 0.95,
    "people": 0.90, "posts": 0.85, "organizations": 0.80, "projects": 0.80,
    "places": 0.85, "events": 0.75,  # no floor in the issue: these guard what was reached
}


@pytest.fixture(scope="module")
def scores():
    if not GOLD.is_dir():
        pytest.skip(f"no gold annotations at {GOLD}")
    settings = resolve({})
    pairs = [(extract(SEEDS / (gold.stem + ".txt"), settings), gold) for gold in sorted(GOLD.glob("*.json"))]
    result = evaluate(pairs)
    print()
    for kind, score in result.items():
        print(f"  {kind:14} {score}")
    return result


@pytest.mark.parametrize("kind", FLOORS)
def test_quality_f1_meets_floor(scores, kind):
    assert scores[kind].f1 >= FLOORS[kind], f"{kind}: {scores[kind]}"


# The development part of the annotated news sentences (kb.ner.corpus.split: never trained or
# tuned on), read by the whole pipeline ten sentences at a time as plain-text articles.
CORPUS = SHARED / "corpora" / "peoples-daily-ner" / "train_bio.txt"
NEWS_FLOORS = {"PER": 0.85, "ORG": 0.77, "LOC": 0.85}  # the targets on national news (ORG: 0.75)


@pytest.fixture(scope="module")
def news_scores(tmp_path_factory):
    if not CORPUS.is_file():
        pytest.skip(f"no annotated news at {CORPUS}")
    from kb.ner.corpus import read_bio, split, write_bio

    dev = tmp_path_factory.mktemp("news") / "dev.bio"
    write_bio(split(read_bio(CORPUS))["dev"], dev)
    scores, refused = evaluate_bio(dev, resolve({}))
    print()
    for kind, score in scores.items():
        print(f"  {kind:14} {score}")
    assert not refused, f"{len(refused)} plain-text articles refused: {refused[0]}"
    return scores


@pytest.mark.parametrize("kind", NEWS_FLOORS)
def test_quality_national_news_f1_meets_floor(news_scores, kind):
    assert news_scores[kind].f1 >= NEWS_FLOORS[kind], f"{kind}: {news_scores[kind]}"


_MENTIONS = """
import json, sys, tempfile
from pathlib import Path
from kb.config import resolve
from kb.ner.corpus import documents, read_bio, split
from kb.pipeline import extract
folder = Path(tempfile.mkdtemp())
for k, sentences in enumerate(documents(split(read_bio(sys.argv[1]))["tune"])[40:60]):
    page = folder / f"{k}.txt"
    page.write_text("".join(s.text for s in sentences) + "\\n", encoding="utf-8")
    print(json.dumps(sorted((m.kind, m.name, m.start) for m in extract(page, resolve({})).mentions), ensure_ascii=False))
"""


def test_quality_extraction_does_not_hang_on_the_hash_seed():
    """Python salts str hashes per process: what kb finds must not follow a set's order (20
    articles of the tuning part, one of which once named 李白 or 李白生平 by the seed)."""
    import os
    import subprocess
    import sys

    if not CORPUS.is_file():
        pytest.skip(f"no annotated news at {CORPUS}")
    runs = [subprocess.run([sys.executable, "-c", _MENTIONS, str(CORPUS)], capture_output=True, text=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}, check=True).stdout for seed in ("1", "2")]
    assert runs[0].count("\n") == 20 and runs[0] == runs[1]
