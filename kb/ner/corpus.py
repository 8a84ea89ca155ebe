"""Annotated sentences in BIO form: read them, split off a development part, group them into
documents, and dress training text up as page text."""
from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

SHARE = 10  # of every ten sentences (chosen by a hash of its text) one is kept for development
# (judging changes: never tuned on) and one for tuning how the model's names are filtered and
# combined with the rules; the model is trained on the other eight


class Sentence(NamedTuple):
    text: str
    tags: tuple[str, ...]  # one BIO tag per character: O, B-PER, I-LOC...

    def names(self) -> Iterator[tuple[str, str]]:
        """(type, string) of every name tagged in it: ("PER", "张平")."""
        k = 0
        while k < len(self.tags):
            if self.tags[k].startswith("B-"):
                kind, end = self.tags[k][2:], k + 1
                while end < len(self.tags) and self.tags[end] == "I-" + kind:
                    end += 1
                yield kind, self.text[k:end]
                k = end
            else:
                k += 1


def read_bio(path: str | Path) -> list[Sentence]:
    """One character and its tag per line (tab or space between), a blank line between sentences."""
    sentences, chars, tags = [], [], []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip():
                if chars:
                    sentences.append(Sentence("".join(chars), tuple(tags)))
                chars, tags = [], []
                continue
            parts = line.split("\t") if "\t" in line else line.rsplit(" ", 1)
            if len(parts) != 2 or len(parts[0]) != 1 or not _valid(parts[1]):
                raise ValueError(f"{path}, line {number}: expected a character, a tab and a BIO tag, got {line!r}")
            chars.append(parts[0])
            tags.append(parts[1])
    if chars:
        sentences.append(Sentence("".join(chars), tuple(tags)))
    return sentences


def _valid(tag: str) -> bool:
    return tag == "O" or (tag[:2] in ("B-", "I-") and len(tag) > 2)


def part(sentence: Sentence) -> str:
    """"train", "tune" or "dev": the same sentence always lands in the same part."""
    k = hashlib.blake2b(sentence.text.encode(), digest_size=4).digest()[0] % SHARE
    return "dev" if k == 0 else "tune" if k == 1 else "train"


def split(sentences: Iterable[Sentence]) -> dict[str, list[Sentence]]:
    """The sentences of each part, in their order."""
    parts: dict[str, list[Sentence]] = {"train": [], "tune": [], "dev": []}
    for s in sentences:
        parts[part(s)].append(s)
    return parts


def documents(sentences: list[Sentence], size: int = 10) -> list[list[Sentence]]:
    """Consecutive sentences grouped as pseudo-articles (scoring counts each name once per article)."""
    return [sentences[k:k + size] for k in range(0, len(sentences), size)]


def join(parts: Iterable[Sentence]) -> Sentence:
    parts = list(parts)
    return Sentence("".join(p.text for p in parts), tuple(t for p in parts for t in p.tags))


_PUNCT = "，。；：！？、"


def _plain(text: str, kind: str | None = None) -> Sentence:
    tags = ["O"] * len(text) if kind is None else ["B-" + kind] + ["I-" + kind] * (len(text) - 1)
    return Sentence(text, tuple(tags))


def _headline(s: Sentence) -> Sentence | None:
    """A clause of a sentence, without its punctuation: how a glued-on headline reads."""
    cut = next((k for k, ch in enumerate(s.text) if ch in _PUNCT and k >= 6), None)
    if cut is None or cut > 24 or s.tags[cut - 1].startswith("B-") or (cut < len(s.tags) and s.tags[cut].startswith("I-")):
        return None
    return Sentence(s.text[:cut], s.tags[:cut])


def _byline(names: list[str], rng: random.Random) -> list[Sentence]:
    a, b = rng.choice(names), rng.choice(names)
    forms = [
        [_plain("本报讯（记者"), _plain(a, "PER"), _plain("）")],
        [_plain("本报讯（记者"), _plain(a, "PER"), _plain("通讯员"), _plain(b, "PER"), _plain("）")],
        [_plain("本报记者"), _plain(a, "PER")],
        [_plain("本报记者"), _plain(a, "PER"), _plain("摄")],
        [_plain("□本报记者"), _plain(a, "PER"), _plain("通讯员"), _plain(b, "PER")],
    ]
    return rng.choice(forms)


def pagelike(sentences: list[Sentence], seed: int = 0) -> list[Sentence]:
    """Training sequences that read like kb's page text (whitespace gone, so headlines and bylines
    run into the body): one to four sentences joined, some opened by a headline cut from another
    sentence and glued on, some with a reporter's byline."""
    rng = random.Random(seed)
    names = sorted({name for s in sentences for kind, name in s.names() if kind == "PER" and 2 <= len(name) <= 3})
    out, k = [], 0
    while k < len(sentences):
        size = rng.choice((1, 1, 2, 3, 4))
        parts = list(sentences[k:k + size])
        k += size
        if rng.random() < 0.25 and (head := _headline(rng.choice(sentences))):
            parts.insert(0, head)
        if names and rng.random() < 0.15:
            parts[1 if len(parts) > 1 and rng.random() < 0.5 else 0:0] = _byline(names, rng)
        out.append(join(parts))
    return out


def write_bio(sentences: Iterable[Sentence], path: str | Path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for s in sentences:
            f.writelines(f"{ch}\t{tag}\n" for ch, tag in zip(s.text, s.tags))
            f.write("\n")
