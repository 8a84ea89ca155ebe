"""Score extraction against hand annotations (../shared/gold/): precision, recall, F1 per kind.

The gold files are a yardstick only: nothing here feeds back into extraction.
Strings are compared after the gold's own normalization: no whitespace, overprinted
doubles undone.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from kb.errors import ConfigError, PageError
from kb.kinds import ENTITY_KINDS
from kb.model import PageResult
from kb.ner.features import BIO_TYPE

KINDS = ("items", "bylines", "people", "posts", "organizations", "projects", "places", "events")
_SPACE = re.compile(r"\s+")


Fold = Callable[[str], str]


def norm(text: str | None, fold: Fold | None = None) -> str:
    out = _SPACE.sub("", text or "")
    return fold(out) if fold else out


def _folded(value: Any, fold: Fold | None) -> Any:
    """The gold JSON with `fold` applied to every string in it."""
    if fold is None:
        return value
    if isinstance(value, str):
        return fold(value)
    if isinstance(value, list):
        return [_folded(v, fold) for v in value]
    if isinstance(value, dict):
        return {k: _folded(v, fold) for k, v in value.items()}
    return value


@dataclass
class Score:
    true_positives: int = 0
    predicted: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, predicted: Iterable, gold: Iterable) -> None:
        pred, want = Counter(predicted), Counter(gold)
        self.true_positives += sum((pred & want).values())
        self.predicted += sum(pred.values())
        self.gold += sum(want.values())

    def __str__(self) -> str:
        return (f"P={self.precision:.3f} R={self.recall:.3f} F1={self.f1:.3f} "
                f"(tp={self.true_positives} pred={self.predicted} gold={self.gold})")


def match_items(result: PageResult, gold: dict, fold: Fold | None = None) -> dict[int, str]:
    """Pair predicted items with gold articles (one to one) by headline or body start."""
    pairs: dict[int, str] = {}
    taken: set[str] = set()
    for item in result.items:
        headline, start = norm(item.headline, fold), norm(item.text, fold)[:12]
        for article in gold["articles"]:
            if article["id"] in taken:
                continue
            same_headline = headline and headline == article["headline"]
            same_start = start and article["body_start"] and start == article["body_start"]
            if same_headline or same_start:
                pairs[item.index] = article["id"]
                taken.add(article["id"])
                break
    return pairs


def score_page(result: PageResult, gold: dict, fold: Fold | None = None) -> dict[str, Score]:
    """Scores of one page; `fold` maps both sides' strings before comparing (e.g. character
    widths, for text printed with half-width punctuation)."""
    def n(text: str | None) -> str:
        return norm(text, fold)

    gold = _folded(gold, fold)
    scores = {kind: Score() for kind in KINDS}
    pairs = match_items(result, gold, fold)
    scores["items"].add([pairs.get(i.index, f"pred{i.index}") for i in result.items],
                        [a["id"] for a in gold["articles"]])
    scores["bylines"].add(
        [(pairs.get(i.index, f"pred{i.index}"), role, n(name))
         for i in result.items
         for role, names in (("reporter", i.reporters), ("photographer", i.photographers),
                             ("correspondent", i.correspondents))
         for name in names],
        [(a["id"], role, name)
         for a in gold["articles"]
         for role, key in (("reporter", "reporters"), ("photographer", "photographers"),
                           ("correspondent", "correspondents"))
         for name in a[key]],
    )
    entities = {kind: {n(e.name) for e in result.entities if e.kind == kind} for kind in ENTITY_KINDS}
    scores["people"].add(entities["person"], {p["name"] for p in gold["people"]})
    scores["posts"].add({(n(p.person), n(p.title)) for p in result.posts},
                        {(p["name"], r["title"]) for p in gold["people"] for r in p["roles"]})
    scores["organizations"].add(_orgs_matched(result, gold, fold), {o["name"] for o in gold["organizations"]})
    scores["projects"].add(entities["project"], {p["name"] for p in gold["projects"]})
    mentioned = {n(e.name) for e in result.entities if e.kind == "place" and e.items}  # not the containers
    scores["places"].add(mentioned, {p["name"] for p in gold["places"]})
    scores["events"].add(entities["event"], {e["name"] for e in gold["events"]})
    return scores


def _orgs_matched(result: PageResult, gold: dict, fold: Fold | None = None) -> set[str]:
    """Predicted organizations, each named by the gold organization it matches (by full name
    or by a form as printed), else by its own name."""
    forms = {}
    for org in gold["organizations"]:
        for form in (org["name"], *org["as_printed"]):
            forms[form] = org["name"]
    found = set()
    for entity in result.entities:
        if entity.kind == "organization":
            names = [norm(n, fold) for n in (entity.name, *entity.alt_names)]
            found.add(next((forms[n] for n in names if n in forms), names[0]))
    return found


def evaluate(results: Iterable[tuple[PageResult, Path]], fold: Fold | None = None) -> dict[str, Score]:
    """Micro-averaged scores over pages; each result comes with its gold file."""
    total = {kind: Score() for kind in KINDS}
    for result, gold_path in results:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        for kind, score in score_page(result, gold, fold).items():
            total[kind].true_positives += score.true_positives
            total[kind].predicted += score.predicted
            total[kind].gold += score.gold
    return total


BIO_KINDS = tuple(BIO_TYPE.values())  # PER, ORG, LOC


def score_bio(documents: Iterable[list], predict: Callable[[str], set[tuple[str, str]]]) -> dict[str, Score]:
    """Exact-string scores per type over documents of BIO sentences: each document's text is the
    sentences joined, and each distinct (type, string) counts once per document."""
    total = {kind: Score() for kind in BIO_KINDS}
    for sentences in documents:
        text = "".join(s.text for s in sentences)
        gold = {name for s in sentences for name in s.names()}
        found = predict(text)
        for kind in BIO_KINDS:
            total[kind].add({n for n in found if n[0] == kind}, {n for n in gold if n[0] == kind})
    return total


def evaluate_gold(gold_dir: Path, pages: list[Path], settings) -> dict[str, Score]:
    """Extract the page each gold file names (its "seed") and score it. Pages are looked up among
    `pages` (files or folders), else beside the gold files, in ../seeds, or in ./seeds."""
    from kb.pipeline import extract

    golds = sorted(gold_dir.glob("*.json"))
    if not golds:
        raise ConfigError(f"no gold files (*.json) in {gold_dir}")
    found = _page_files(pages or [gold_dir, gold_dir.parent / "seeds", Path("seeds")])
    pairs = []
    for gold in golds:
        seed = json.loads(gold.read_text(encoding="utf-8")).get("seed") or gold.stem + ".txt"
        if seed not in found:
            raise ConfigError(f"{gold}: its page {seed} is not among the pages given; name it: kb evaluate {gold_dir} PAGE ...")
        pairs.append((extract(found[seed], settings), gold))
    return evaluate(pairs)


def _page_files(places: list[Path]) -> dict[str, Path]:
    """File name -> path of the page files in these files and folders (the first one wins)."""
    out: dict[str, Path] = {}
    for place in places:
        files = sorted(place.rglob("*.txt")) if place.is_dir() else [place] if place.is_file() else []
        for f in files:
            out.setdefault(f.name, f)
    return out


def evaluate_bio(path: Path, settings, size: int = 10) -> tuple[dict[str, Score], list[str]]:
    """Run the whole pipeline over a BIO file's sentences, `size` at a time as one plain-text
    article, and score the names it finds by their printed form. Returns the scores and the
    reasons of the articles kb refused (they count as found nothing)."""
    import tempfile

    from kb.ner.corpus import documents, read_bio
    from kb.pipeline import extract

    refused: list[str] = []
    with tempfile.TemporaryDirectory(prefix="kb-evaluate-") as tmp:
        def predict(text: str) -> set[tuple[str, str]]:
            page = Path(tmp) / "article.txt"
            page.write_text(text + "\n", encoding="utf-8")
            try:
                result = extract(page, settings)
            except PageError as exc:
                refused.append(exc.reason)
                return set()
            return {(BIO_TYPE[m.kind], m.surface) for m in result.mentions if m.kind in BIO_TYPE}

        try:
            sentences = read_bio(path)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        return score_bio(documents(sentences, size), predict), refused
