"""The CRF's features, as integer keys per character: one array per template.

Training and decoding compute the very same keys with this module (training writes them as
``template:key`` attributes for CRFsuite), so the two cannot drift apart. Key 0 means "no feature
here".
"""
from __future__ import annotations

import zlib
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

LABELS = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC")
KINDS = {"PER": "person", "ORG": "organization", "LOC": "place"}  # BIO type -> kb's kind
BIO_TYPE = {kind: tag for tag, kind in KINDS.items()}  # kb's kind -> BIO type
_PAD = 1  # the code of the characters before the first and after the last
# jieba's part-of-speech tags worth telling apart; any other tag counts as "x"
_TAGS = ("x", "n", "nr", "nrt", "nrfg", "ns", "nt", "nz", "j", "v", "vn", "a", "ad", "an", "d", "m",
         "q", "p", "c", "u", "uj", "r", "f", "s", "t", "eng", "l", "i", "b", "z", "zg", "ng", "vg")
_TAG_IDS = {tag: k for k, tag in enumerate(_TAGS)}


def fold(text: str) -> np.ndarray:
    """The text's code points, full-width ASCII folded to half-width (１０ reads as 10)."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    wide = (codes >= 0xFF01) & (codes <= 0xFF5E)
    codes[wide] -= 0xFEE0
    return codes


def _classes(codes: np.ndarray) -> np.ndarray:
    """1 ideograph, 2 digit, 3 Latin letter, 4 other (punctuation, symbols)."""
    han = (codes >= 0x4E00) & (codes <= 0x9FFF)
    digit = (codes >= 0x30) & (codes <= 0x39)
    latin = ((codes | 0x20) >= 0x61) & ((codes | 0x20) <= 0x7A)
    return np.select([han, digit, latin], [1, 2, 3], 4)


DENSE = 0x10000  # templates whose keys all lie below this are looked up in a plain table


@lru_cache(maxsize=1 << 17)  # a page repeats its words, and a paper its vocabulary
def _word_key(word: str) -> int:
    """A word as a number (CRC-32 of its bytes, with its length and first character to part the
    rare words whose checksums collide), never 0; the same in every process."""
    return zlib.crc32(word.encode()) | (len(word) << 32) | (ord(word[0]) << 40)


def keys(text: str, tokens: Sequence[tuple[str, str]]) -> dict[str, np.ndarray]:
    """Template name -> the key of that template at each character of text (int64, 0: none).
    tokens: rjieba's (word, tag) over exactly this text."""
    n = len(text)
    codes = np.full(n + 4, _PAD, dtype=np.int64)
    codes[2:n + 2] = fold(text)
    out = {f"u{k}": codes[2 + k:2 + k + n] for k in (-2, -1, 0, 1, 2)}
    for k in (-2, -1, 0, 1):
        out[f"b{k}"] = (codes[2 + k:2 + k + n] << 21) | codes[3 + k:3 + k + n]
    cls = np.full(n + 2, 0, dtype=np.int64)
    cls[1:n + 1] = _classes(codes[2:n + 2])
    out["k"] = cls[:n] * 25 + cls[1:n + 1] * 5 + cls[2:] + 1
    words, tags = zip(*tokens) if tokens else ((), ())
    lengths = np.array(list(map(len, words)), dtype=np.int64)
    tag_ids = np.array([_TAG_IDS.get(t, 0) for t in tags], dtype=np.int64)
    words = np.array([_word_key(w) if len(w) > 1 else 0 for w in words], dtype=np.int64)
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    ends = np.repeat(np.cumsum(lengths) - 1, lengths)
    at = np.arange(n)
    position = np.where(starts == ends, 3, np.where(at == starts, 0, np.where(at == ends, 2, 1)))  # B M E S
    tag = np.repeat(tag_ids, lengths) * 4 + position + 1
    out["t0"] = tag
    out["t-1"] = np.concatenate(([0], tag[:-1])) if n else tag
    out["t1"] = np.concatenate((tag[1:], [0])) if n else tag
    out["w"] = np.repeat(words, lengths)
    flags = _lexicon()[np.where(codes[2:n + 2] < DENSE, codes[2:n + 2], 0)] + 1
    around = np.concatenate(([0], flags, [0]))
    out["x0"], out["x-1"], out["x1"] = flags, around[:n], around[2:]
    out["g"] = _gazetteer(tokens, n)
    return out


@lru_cache(maxsize=1)
def _lexicon() -> np.ndarray:
    """What kb's rule data says of each character, as bit flags: a surname (1), the first of a
    compound surname (2), a transliteration character (4), the last of a place's suffix (8) or of an
    organization's (16)."""
    from kb.stages import lexicon

    table = np.zeros(DENSE, np.int64)
    single, compound = lexicon.surnames()
    for flag, chars in ((1, single), (2, (c[0] for c in compound)), (4, lexicon.wordset("people_foreign.txt")),
                        (8, (s[-1] for s in lexicon.suffix_table("places_suffixes.txt"))),
                        (16, (s[-1] for s in lexicon.suffix_table("orgs_suffixes.txt")))):
        for c in chars:
            table[ord(c)] |= flag
    return table


def _gazetteer(tokens: Sequence[tuple[str, str]], n: int) -> np.ndarray:
    """1, 2, 3 at the first, middle and last characters of rjieba's words that name a known place
    (China's divisions, the world's countries and cities, regions), 0 elsewhere."""
    known = _places()
    out = np.zeros(n, np.int64)
    at = 0
    for word, _ in tokens:
        if len(word) > 1 and word in known:
            out[at], out[at + 1:at + len(word) - 1], out[at + len(word) - 1] = 1, 2, 3
        at += len(word)
    return out


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    from kb.stages import places

    return frozenset(name for name in places.known() if len(name) >= 2)


def attributes(text: str, tokens: Sequence[tuple[str, str]]) -> list[list[str]]:
    """The same features as CRFsuite attributes ("template:key"), one list per character."""
    columns = [(name, values.tolist()) for name, values in keys(text, tokens).items()]
    return [[f"{name}:{values[i]}" for name, values in columns if values[i]] + ["bias"]
            for i in range(len(text))]
