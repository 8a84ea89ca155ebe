"""The reference taggers over the same text kb reads: bare jieba.posseg (HMM), jieba.lcut and
rjieba.tag, one core each (the dictionaries are loaded before timing)."""
from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Callable

import jieba
import jieba.posseg
import rjieba

TAGGERS: dict[str, Callable[[str], object]] = {
    "jieba.posseg (HMM)": lambda text: jieba.posseg.lcut(text, HMM=True),
    "jieba.lcut": lambda text: jieba.lcut(text),
    "rjieba.tag": lambda text: rjieba.tag(text),
}


def sample(files: list[Path], chars: int) -> list[str]:
    """Page texts, whitespace removed as kb's normalization does, up to about `chars` characters."""
    texts, total = [], 0
    for path in files:
        text = re.sub(r"\s+", "", path.read_text(encoding="utf-8"))
        texts.append(text)
        total += len(text)
        if total >= chars:
            break
    return texts


def measure(files: list[Path], chars: int) -> dict:
    texts = sample(files, chars)
    total = sum(map(len, texts))
    found = {"chars": total, "pages": len(texts), "chars_per_s_one_core": _taggers(texts, total)}
    found["chars_per_s_one_core"]["kb.pipeline.extract (every stage, no RDF)"] = _extract(files[:len(texts)])
    return found


def _extract(files: list[Path]) -> float | None:
    """kb's own extraction, one page after another in this process: all stages, nothing stored."""
    try:
        from kb.config import resolve
        from kb.errors import KbError
        from kb.pipeline import extract
    except ImportError:
        return None
    settings = resolve({}, environ={})
    extract(files[0], settings)  # loads dictionaries and rules
    chars, start = 0, time.perf_counter()
    for path in files:
        try:
            chars += len(extract(path, settings).page.source)
        except KbError:
            continue
    return chars / (time.perf_counter() - start)


def _taggers(texts: list[str], total: int) -> dict[str, float]:
    jieba.setLogLevel(60)
    rates = {}
    for name, tag in TAGGERS.items():
        tag(texts[0][:200])  # loads the dictionary
        start = time.perf_counter()
        for text in texts:
            tag(text)
        rates[name] = total / (time.perf_counter() - start)
    return rates
