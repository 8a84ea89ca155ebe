"""Names the statistical recognizer (kb.ner) finds, kept when they look like names of their kind.

The rules read a local paper's cues (titles, suffixes, bylines); the model adds the names printed
without them (national news, foreign names, bodies without a listed suffix). kb.stages.entities
decides how the two combine: the rules' reading wins wherever they overlap.
"""
from __future__ import annotations

import re

from kb.ner.model import load
from kb.stages import lexicon
from kb.stages.lexicon import CJK
from kb.stages.text import Found, Text

NAME = "kb.recognize.v1"
_PERSON = re.compile(f"[{CJK}]{{2,4}}|[{CJK}]{{1,8}}(?:·[{CJK}]{{1,8}})+")
_NAME = re.compile(f"[{CJK}A-Za-z0-9·（）()]+")


def find(text: Text) -> list[Found]:
    """The model's people, organizations and places in the page's compact text."""
    short = lexicon.suffix_table("places_abbreviations.txt")
    found = []
    for s in load().spans(text.text, text.tokens):
        if _plausible(text, s.kind, s.start, s.end):
            name = text.text[s.start:s.end]
            found.append(Found(s.kind, short.get(name, name) if s.kind == "place" else name, name, s.start, s.end))
    return found


def _plausible(text: Text, kind: str, start: int, end: int) -> bool:
    surface = text.text[start:end]
    if kind == "person":
        return _PERSON.fullmatch(surface) is not None and surface not in lexicon.wordset("people_stop.txt")
    if len(surface) == 1:  # 中 of 中美关系, 豫 of 晋冀鲁豫: a country's or a province's short form
        return kind == "place" and surface in lexicon.suffix_table("places_abbreviations.txt")
    if _NAME.fullmatch(surface) is None or not _balanced(surface):
        return False
    generic = lexicon.wordset("orgs_generic.txt") if kind == "organization" else lexicon.wordset("places_stop.txt")
    return surface not in generic


def _balanced(surface: str) -> bool:
    return surface.count("（") == surface.count("）") and surface.count("(") == surface.count(")")
