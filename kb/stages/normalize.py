"""Normalize page text: drop stray spaces between Chinese characters, join column lines,
and keep an offset map back to the source.

After normalization a paragraph is one line and blocks are separated by blank lines;
spaces between Latin words and numbers (`5G AI`, `36.3 亿元`) are kept as printed.
"""
from __future__ import annotations

import re

NAME = "kb.normalize.v1"

_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’、，。：；！？（）《》"
# whitespace inside a line with a Chinese character or Chinese punctuation on either side
_STRAY = re.compile(rf"(?<=[{_CJK}])[ \t\u00a0\u3000]+|[ \t\u00a0\u3000]+(?=[{_CJK}])")
_LINE_EDGE = re.compile(r"^[ \t\u00a0\u3000]+|[ \t\u00a0\u3000]+$|\r", re.M)
# a line break inside a block of three or more lines is a column break, not a paragraph end
_BLOCK = re.compile(r"[^\n]+(?:\n[^\n]+){2,}")


def normalize(source: str) -> tuple[str, tuple[int, ...]]:
    """Return the normalized text and, for each of its characters, its index in `source`."""
    removed = sorted(
        [m.span() for m in _STRAY.finditer(source)]
        + [m.span() for m in _LINE_EDGE.finditer(source)]
        + [(i, i + 1) for b in _BLOCK.finditer(source) for i in _breaks(b)]
    )
    parts: list[str] = []
    offsets: list[int] = []
    pos = 0
    for start, end in removed:
        if end <= pos:
            continue
        start = max(start, pos)
        parts.append(source[pos:start])
        offsets.extend(range(pos, start))
        pos = end
    parts.append(source[pos:])
    offsets.extend(range(pos, len(source)))
    offsets.append(len(source))
    return "".join(parts), tuple(offsets)


def _breaks(block: re.Match[str]) -> list[int]:
    return [block.start() + i for i, ch in enumerate(block.group()) if ch == "\n"]
