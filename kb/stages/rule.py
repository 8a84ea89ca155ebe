"""What every entity rule is: `rule(text, context) -> list` of what it found on the page.

An entity rule (people's, posts', orgs', places', projects', events') reads the page text
(whitespace removed: kb.stages.text.Text) and a RuleContext: the paper's settings, the page's
year and what the rules run before it found. kb.stages.entities runs the rules in order and
grows the context between them (dataclasses.replace), so a rule never reaches for its inputs.
"""
from __future__ import annotations

from dataclasses import dataclass

from kb.config import Settings
from kb.stages.text import Found


@dataclass(frozen=True)
class RuleContext:
    settings: Settings  # the home city and province (市长 -> 许昌市人民政府)
    year: int | None = None  # the page's year, for dates printed without one
    orgs: tuple[Found, ...] = ()  # organizations found so far
    places: tuple[Found, ...] = ()  # places found so far
    people: frozenset[str] = frozenset()  # names of people found so far
    not_people: frozenset[str] = frozenset()  # names that are no person: places, organizations, the home

    @property
    def home(self) -> tuple[str, str]:
        """The home city's and province's short names (许昌, 河南), nearest first."""
        return self.settings.city_short, self.settings.province_short
