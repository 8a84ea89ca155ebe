"""The synthetic city behind the archive: its leaders (posts that change hands yearly),
reporters, companies, bodies, places, projects and events, and the people in the news."""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from bench.corpus.data import chars, sections, weighted
from bench.corpus.streams import Stream, zipf_weights

UNIVERSITY_KINDS = ("大学", "理工大学", "农业大学", "师范大学", "中医药大学", "职业技术学院")
EXPERT_TITLES = ("教授", "院士", "研究员", "副院长", "所长")
BOSS_TITLES = ("董事长", "总经理", "党委书记", "负责人")
CADRE_TITLES = ("局长", "副局长", "主任", "党组书记")


@dataclass
class Official:
    title: str
    name: str
    weight: float

    @property
    def printed(self) -> str:
        return self.title + self.name


@dataclass(frozen=True)
class Cadre:
    name: str
    title: str  # as printed after `where`: 局长, or 委书记 joined to the county (建安区委书记)
    where: str  # as printed: the county, or the bureau's short form
    organization: str | None  # the bureau's full name

    @property
    def printed(self) -> str:
        return self.title + self.name if self.organization is None else self.where + self.title + self.name


@dataclass
class Truth:
    """What one page really names, for the manifest (and the tests)."""

    people: dict[str, str | None] = field(default_factory=dict)  # name -> title printed with it
    organizations: dict[str, str] = field(default_factory=dict)  # full name -> as printed
    projects: set[str] = field(default_factory=set)
    places: set[str] = field(default_factory=set)
    events: set[str] = field(default_factory=set)

    def person(self, name: str, title: str | None = None) -> str:
        if title or name not in self.people:
            self.people[name] = title or self.people.get(name)
        return name

    def as_json(self) -> dict:
        return {"people": dict(sorted(self.people.items())), "organizations": dict(sorted(self.organizations.items())),
                "projects": sorted(self.projects), "places": sorted(self.places), "events": sorted(self.events)}


class Names:
    """Person names: a surname by frequency, one or two given-name characters; rarely a repeat."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.surnames, self.weights = weighted(sections("surnames.txt")[""])
        self.given = chars("given.txt")
        self.used: set[str] = set()

    def new(self) -> str:
        for _ in range(8):
            name = self.rng.choices(self.surnames, self.weights)[0] + "".join(
                self.rng.choice(self.given) for _ in range(1 if self.rng.random() < 0.25 else 2))
            if name not in self.used:
                break
        self.used.add(name)
        return name


class World:
    def __init__(self, rng: random.Random, start_year: int) -> None:
        self.rng = rng
        self.year = start_year
        self.names = Names(rng)
        orgs, places = sections("orgs.txt"), sections("places.txt")
        self.brands = chars("orgs.txt", "brand")
        self.industries = [word for line in orgs["industry"] for word in line.split()]
        self.suffixes, self.suffix_weights = weighted(orgs["suffix"])
        self.counties, self.county_weights = weighted(places["county"])
        self.cities = places["city"]
        self.town_suffixes, self.town_weights = weighted(places["suffix"])
        self.bureaus = [tuple(line.split()) for line in sections("bureaus.txt")[""]]
        self.topics = sections("topics.txt")[""]
        self.roster = self._new_roster()
        self.reporters = [self.names.new() for _ in range(60)]
        self.photographers = [self.names.new() for _ in range(10)]
        self.nationals = [self.names.new() for _ in range(3)]
        self._streams()

    def _streams(self) -> None:
        rng = self.rng
        self.companies = Stream(rng, self._company, theta=30, discount=0.6)
        self.institutions = Stream(rng, self._institution, theta=10, discount=0.5)
        self.universities = Stream(rng, self._university, theta=20, discount=0.6)
        self.experts = Stream(rng, lambda: self.names.new(), theta=20, discount=0.7)
        self.bosses = Stream(rng, lambda: self.names.new(), theta=30, discount=0.7)
        self.cadres = Stream(rng, self._cadre, theta=100, discount=0.6)
        self.citizens = Stream(rng, lambda: self.names.new(), theta=50, discount=0.9)
        self.towns = {c: Stream(rng, lambda c=c: self._town(), theta=5, discount=0.3) for c in self.counties}
        self.villages = Stream(rng, lambda: self._syllables(2) + "村", theta=50, discount=0.7)
        self.parks = Stream(rng, lambda: self._syllables(2) + rng.choice(("游园", "公园", "广场")), theta=5, discount=0.3)
        self.projects = Stream(rng, self._project, theta=150, discount=0.8)

    # --- the leadership, changing hands from year to year -------------------------------
    def _new_roster(self) -> list[Official]:
        roster = []
        for line in sections("roster.txt")[""]:
            title, count, weight = line.split()
            roster.extend(Official(title, self.names.new(), float(weight)) for _ in range(int(count)))
        return roster

    def new_year(self, year: int) -> None:
        """A quarter of the posts change hands; a deputy is often promoted to a top post."""
        self.year = year
        for official in self.roster:
            if self.rng.random() < 0.25:
                deputies = [o for o in self.roster if o.title in ("副市长", "市委常委") and o is not official]
                if official.weight >= 10 and deputies and self.rng.random() < 0.5:
                    promoted = self.rng.choice(deputies)
                    official.name, promoted.name = promoted.name, self.names.new()
                else:
                    official.name = self.names.new()
        for staff in (self.reporters, self.photographers):
            if self.rng.random() < 0.5:
                staff[self.rng.randrange(len(staff))] = self.names.new()

    def official(self, exclude: tuple[str, ...] = ()) -> Official:
        pool = [o for o in self.roster if o.name not in exclude]
        return self.rng.choices(pool, [o.weight for o in pool])[0]

    def officials(self, truth: Truth, exclude: tuple[str, ...]) -> str:
        """An attendance list grouped by title: 副市长A、B，市政协主席C."""
        pool = [o for o in self.roster if o.name not in exclude]
        chosen = sorted(self.rng.sample(pool, min(len(pool), self.rng.randint(2, 8))), key=self.roster.index)
        groups: dict[str, list[str]] = {}
        for o in chosen:
            groups.setdefault(o.title, []).append(truth.person(o.name, o.title))
        return "，".join(title + "、".join(names) for title, names in groups.items())

    def byline(self, truth: Truth, count: int) -> list[str]:
        weights = zipf_weights(len(self.reporters), 0.6)
        names = list(dict.fromkeys(self.rng.choices(self.reporters, weights, k=count)))
        return [truth.person(n) for n in names]

    def photographer(self, truth: Truth) -> str:
        return truth.person(self.rng.choices(self.photographers, zipf_weights(len(self.photographers)))[0])

    def _cadre(self) -> Cadre:
        """A county's party secretary, or one of a bureau's heads: one post, for good."""
        if self.rng.random() < 0.3:
            county = self.county()
            return Cadre(self.names.new(), county + "委书记", county, None)
        full, short = self.rng.choice(self.bureaus)
        return Cadre(self.names.new(), self.rng.choice(CADRE_TITLES), short, full)

    # --- organizations, places, projects, events --------------------------------------
    def _syllables(self, n: int) -> str:
        return "".join(self.rng.choice(self.brands if self.rng.random() < 0.5 else self.names.given) for _ in range(n))

    def _company(self) -> str:
        prefix = self.rng.choice(("许昌", "许昌", "河南", self._county_short(), "", ""))
        suffix = self.rng.choices(self.suffixes, self.suffix_weights)[0]
        return prefix + self._syllables(2) + self.rng.choice(self.industries) + suffix

    def _institution(self) -> str:
        return self.county() + self.rng.choice(sections("orgs.txt")["institution"])

    def _university(self) -> str:
        return self.rng.choice(self.cities + ["河南", "许昌"]) + self.rng.choice(UNIVERSITY_KINDS)

    def _town(self) -> str:
        return self._syllables(2) + self.rng.choices(self.town_suffixes, self.town_weights)[0]

    def _county_short(self) -> str:
        county = self.rng.choices(self.counties, self.county_weights)[0]
        return county[:-1] if len(county) == 3 else county

    def county(self) -> str:
        return self.rng.choices(self.counties, self.county_weights)[0]

    def _project(self) -> str:
        kinds = sections("projects.txt")
        roll = self.rng.random()
        if roll < 0.4:
            size = f"年产{self.rng.choice((1, 2, 3, 5, 10, 20, 30, 50, 100))}{self.rng.choice(kinds['unit'])}"
            return self._syllables(2) + size + self.rng.choice(kinds["product"]) + "项目"
        if roll < 0.7:
            return self._county_short() + self.rng.choice(kinds["work"])
        return self._syllables(2) + self.rng.choice(kinds["product"]) + "生产线项目"

    def event(self) -> str:
        events = sections("events.txt")
        kinds, _ = weighted(events["kind"])
        themes = events["theme"]
        theme = self.rng.choice(themes)
        kind = kinds[themes.index(theme) % len(kinds)]
        number = (self.year - 2000 + themes.index(theme)) % 20 + 1
        return f"中国·许昌第{_cn_number(number)}届{theme}{kind}"


def _cn_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")
