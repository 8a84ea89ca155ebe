"""Print an item the way text comes out of a page PDF: column-wide lines broken mid-word,
blank lines at column ends, spaces around numbers, letter-spaced justified lines, captions
printed twice over, headlines after the body."""
from __future__ import annotations

import random
import re
from dataclasses import dataclass

_ASCII_RUN = re.compile(r"(?<=[^\x00-\x7f])([0-9A-Za-z.%+]+)|([0-9A-Za-z.%+]+)(?=[^\x00-\x7f])")


@dataclass(frozen=True)
class Style:
    """How one page was set: column width, column height, and its printing habits."""

    width: int
    column_lines: int
    spaced_numbers: bool
    justified: float  # chance that a line comes out letter-spaced
    doubled: float  # chance that a caption comes out printed twice over

    @classmethod
    def draw(cls, rng: random.Random) -> "Style":
        return cls(width=rng.choice((13, 14, 15, 16, 17, 19, 21, 36)), column_lines=rng.randint(16, 40),
                   spaced_numbers=rng.random() < 0.7, justified=rng.choice((0.0, 0.02, 0.05, 0.1)),
                   doubled=rng.choice((0.0, 0.0, 0.3)))


def body(paragraphs: list[str], style: Style, rng: random.Random) -> str:
    """Paragraphs wrapped at the column width, with a blank line wherever a column ends."""
    out: list[str] = []
    line_count = 0
    for paragraph in paragraphs:
        for line in _wrap(_numbers(paragraph, style), style.width):
            if style.justified and rng.random() < style.justified:
                line = " ".join(line)
            out.append(line)
            line_count += 1
            if line_count % style.column_lines == 0:
                out.append("")
        if out and out[-1] and rng.random() < 0.4:
            out.append("")
    return "\n".join(out).strip("\n")


def caption(text: str, credit: str, style: Style, rng: random.Random) -> str:
    """A photo caption and its credit on one line, sometimes overprinted (乔利峰乔利峰 摄摄)."""
    printed = f"{_numbers(text, style)} {credit}"
    if rng.random() < style.doubled:
        printed = " ".join(token * 2 for token in printed.split(" "))
    return printed


def titles(lines: list[str]) -> str:
    return "\n".join(lines)


def _numbers(text: str, style: Style) -> str:
    if not style.spaced_numbers:
        return text
    return _ASCII_RUN.sub(lambda m: f" {m.group()} ", text).replace("  ", " ")


_NO_LINE_START = "，。、；：！？”’）》"


def _wrap(text: str, width: int) -> list[str]:
    """Lines of `width` characters; punctuation that would open a line hangs on the one before."""
    lines: list[str] = []
    for i in range(0, len(text), width):
        line = text[i:i + width].strip()
        while lines and line and line[0] in _NO_LINE_START:
            lines[-1] += line[0]
            line = line[1:]
        if line:
            lines.append(line)
    return lines
