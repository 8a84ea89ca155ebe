"""The CRF's features, as integer keys per character: one array per template.

Training and decoding compute the very same keys with this module (training writes them as
``template:key`` attributes for CRFsuite), so the two cannot drift apart. Key 0 means "no feature
here".
"""
from __future__ import annotations

import zlib
from collections.abc import Sequence
from functools import lru_cache
from itertools import repeat

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


DENSE = 0x10000  # templates whose keys all lie below this are looked up in a plain table
# each character's class: 1 ideograph, 2 digit, 3 Latin letter, 4 other (punctuation, symbols;
# the last entry stands for every character past the table)
_CLASSES = np.full(DENSE + 1, 4, np.int64)
_CLASSES[0x4E00:0xA000], _CLASSES[0x30:0x3A], _CLASSES[0x41:0x5B], _CLASSES[0x61:0x7B] = 1, 2, 3, 3


@lru_cache(maxsize=1 << 17)  # a page repeats its words, and a paper its vocabulary
def _word_key(word: str) -> int:
    """A word of two or more characters as a number (CRC-32 of its bytes, with its length and
    first character to part the rare words whose checksums collide), never 0; the same in every
    process. A single character: 0 (the character's own templates cover it)."""
    if len(word) < 2:
        return 0
    return zlib.crc32(word.encode()) | (len(word) << 32) | (ord(word[0]) << 40)


# every template, in the order its keys are listed (and its weights summed): the family of keys it
# reads and its offset there, the family's array being padded so that the template's key at
# character i is array[offset + i] (u-2 is the code two characters back, b-2 the bigram starting there)
TEMPLATES = (("u-2", "u", 0), ("u-1", "u", 1), ("u0", "u", 2), ("u1", "u", 3), ("u2", "u", 4),
             ("b-2", "b", 0), ("b-1", "b", 1), ("b0", "b", 2), ("b1", "b", 3), ("k", "k", 0),
             ("t0", "t", 1), ("t-1", "t", 0), ("t1", "t", 2), ("w", "w", 0),
             ("x0", "x", 1), ("x-1", "x", 0), ("x1", "x", 2), ("g", "g", 0))


def keys(text: str, tokens: Sequence[tuple[str, str]]) -> dict[str, np.ndarray]:
    """Template name -> the key of that template at each character of text (int64, 0: none).
    tokens: rjieba's (word, tag) over exactly this text."""
    n, arrays = len(text), families(text, tokens)
    return {name: arrays[family][offset:offset + n] for name, family, offset in TEMPLATES}


def families(text: str, tokens: Sequence[tuple[str, str]]) -> dict[str, np.ndarray]:
    """Each family's padded array of keys (see TEMPLATES): character codes, bigrams, classes of
    the character and its neighbours, jieba tags with the place in their word, whole words, what
    kb's lexicon says of the character (_lexicon) and words naming a known place (_gazetteer)."""
    n = len(text)
    codes = np.full(n + 4, _PAD, dtype=np.int64)
    codes[2:n + 2] = fold(text)
    cls = np.zeros(n + 2, dtype=np.int64)
    cls[1:n + 1] = _CLASSES.take(codes[2:n + 2], mode="clip")
    words, tags = [w for w, _ in tokens], [t for _, t in tokens]  # (not zip(*tokens): slower by half)
    lengths = np.fromiter(map(len, words), np.int64, len(words))
    tag_ids = np.fromiter(map(_TAG_IDS.get, tags, repeat(0)), np.int64, len(tags))
    word_keys = np.fromiter(map(_word_key, words), np.int64, len(words))
    ends = np.cumsum(lengths)
    starts = ends - lengths
    position = np.ones(n, np.int64)  # B M E S: 0 1 2 3
    position[ends[lengths > 1] - 1] = 2
    position[starts[lengths > 1]] = 0
    position[ends[lengths == 1] - 1] = 3
    tag = np.zeros(n + 2, dtype=np.int64)
    tag[1:n + 1] = np.repeat(tag_ids * 4, lengths) + position + 1
    flags = np.zeros(n + 2, dtype=np.int64)
    flags[1:n + 1] = _lexicon().take(codes[2:n + 2], mode="clip") + 1
    return {"u": codes, "b": (codes[:-1] << 21) | codes[1:], "k": cls[:n] * 25 + cls[1:n + 1] * 5 + cls[2:] + 1,
            "t": tag, "w": np.repeat(word_keys, lengths), "x": flags, "g": _gazetteer(words, starts, lengths, n)}


@lru_cache(maxsize=1)
def _lexicon() -> np.ndarray:
    """What kb's rule data says of each character, as bit flags: a surname (1), the first of a
    compound surname (2), a transliteration character (4), the last of a place's suffix (8) or of an
    organization's (16); the last entry (0) stands for every character past the table."""
    from kb.stages import lexicon

    table = np.zeros(DENSE + 1, np.int64)
    single, compound = lexicon.surnames()
    for flag, chars in ((1, single), (2, (c[0] for c in compound)), (4, lexicon.wordset("people_foreign.txt")),
                        (8, (s[-1] for s in lexicon.suffix_table("places_suffixes.txt"))),
                        (16, (s[-1] for s in lexicon.suffix_table("orgs_suffixes.txt")))):
        for c in chars:
            table[ord(c)] |= flag
    return table


def _gazetteer(words: Sequence[str], starts: np.ndarray, lengths: np.ndarray, n: int) -> np.ndarray:
    """1, 2, 3 at the first, middle and last characters of rjieba's words that name a known place
    (China's divisions, the world's countries and cities, regions), 0 elsewhere."""
    known, out = _places(), np.zeros(n, np.int64)
    hits = [i for i, word in enumerate(words) if word in known]  # (known holds no one-character name)
    if hits:
        firsts = starts[hits]
        sizes = lengths[hits]
        out[np.repeat(firsts, sizes) + _within(sizes)] = 2
        out[firsts], out[firsts + sizes - 1] = 1, 3
    return out


def _within(sizes: np.ndarray) -> np.ndarray:
    """0, 1, .. size - 1 for each size, one after another."""
    return np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    from kb.stages import places

    return frozenset(name for name in places.known() if len(name) >= 2)


def attributes(text: str, tokens: Sequence[tuple[str, str]]) -> list[list[str]]:
    """The same features as CRFsuite attributes ("template:key"), one list per character."""
    columns = [(name, values.tolist()) for name, values in keys(text, tokens).items()]
    return [[f"{name}:{values[i]}" for name, values in columns if values[i]] + ["bias"]
            for i in range(len(text))]
