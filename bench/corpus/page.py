"""Compose one page: its items (reports, wire copy, features, photos, teasers, boxes) in the
layouts of the seed pages, filled from the synthetic world."""
from __future__ import annotations

import random
import re
from datetime import date as Date, timedelta

from bench.corpus import layout
from bench.corpus.data import sections
from bench.corpus.filler import sentence
from bench.corpus.world import BOSS_TITLES, EXPERT_TITLES, Truth, World

_SLOT = re.compile(r"\{(\w+)\}")
# page number -> which items it carries, as the seed pages do
FRONT = ("news", "news", "news", "photo", "teasers", "feature")
LOCAL = ("news", "news", "news", "news", "photo", "photo", "news")
WIRE = ("wire", "wire", "wire", "photo", "news")
FEATURES = ("feature", "feature", "card", "photo")
MIXED = ("masthead", "news", "feature", "photo", "news")


def templates(part: str) -> list[str]:
    return sections("templates.txt")[part]


class Writer:
    """Writes the items of one page, recording in `truth` everything it names."""

    def __init__(self, world: World, rng: random.Random, clauses: tuple[str, ...], day: Date, number: int) -> None:
        self.world, self.rng, self.clauses, self.day, self.number = world, rng, clauses, day, number
        self.truth = Truth()
        self.items: list[dict] = []
        self.style = layout.Style.draw(rng)
        self.lead = ""

    def page(self) -> str:
        plan = FRONT if self.number == 1 else (LOCAL, LOCAL, WIRE, FEATURES, FEATURES, MIXED)[self.number % 6]
        optional = ("teasers", "card", "masthead")
        blocks = [getattr(self, kind)() for kind in plan if kind not in optional or self.rng.random() < 0.7]
        return " " + "\n\n".join(b for b in blocks if b) + "\n"

    # --- slots --------------------------------------------------------------------------
    def fill(self, template: str) -> str:
        return _SLOT.sub(lambda m: getattr(self, "slot_" + m.group(1))(), template)

    def slot_lead(self) -> str:
        return self.truth.person(self.lead)

    def slot_official(self) -> str:
        official = self.world.official(exclude=(self.lead,))
        self.truth.person(official.name, official.title)
        return official.printed

    def slot_officials(self) -> str:
        return self.world.officials(self.truth, exclude=(self.lead,))

    def slot_expert(self) -> str:
        org, title = self._org(self.world.universities.draw()), self.rng.choice(EXPERT_TITLES)
        return org + title + self.truth.person(self.world.experts.draw(), title)

    def slot_boss(self) -> str:
        org, title = self.slot_company(), self.rng.choice(BOSS_TITLES)
        return org + title + self.truth.person(self.world.bosses.draw(), title)

    def slot_cadre(self) -> str:
        return self._cadre()[0]

    def _cadre(self) -> tuple[str, str]:
        """(as printed with the post, name) of a county leader or a bureau's head."""
        cadre = self.world.cadres.draw()
        if cadre.organization is None:
            self.truth.places.add(cadre.where)
        else:
            self.truth.organizations[cadre.organization] = cadre.where
        self.truth.person(cadre.name, cadre.title)
        return cadre.printed, cadre.name

    def slot_citizen(self) -> str:
        return self.truth.person(self.world.citizens.draw())

    def slot_national(self) -> str:
        return self.truth.person(self.rng.choices(self.world.nationals, (5, 2, 1))[0])

    def slot_company(self) -> str:
        return self._org(self.world.companies.draw())

    def slot_institution(self) -> str:
        return self._org(self.world.institutions.draw())

    def slot_bureau(self) -> str:
        full, short = self.rng.choice(self.world.bureaus)
        self.truth.organizations[full] = short
        return short

    def _org(self, name: str) -> str:
        self.truth.organizations[name] = name
        return name

    def slot_project(self) -> str:
        return self._add(self.truth.projects, self.world.projects.draw())

    def slot_event(self) -> str:
        return self._add(self.truth.events, self.world.event())

    def slot_meeting(self) -> str:
        return self._add(self.truth.events, self.rng.choice(sections("events.txt")["meeting"]))

    def slot_county(self) -> str:
        return self._add(self.truth.places, self.world.county())

    def slot_town(self) -> str:
        return self._add(self.truth.places, self.world.towns[self.world.county()].draw())

    def slot_village(self) -> str:
        return self._add(self.truth.places, self.world.villages.draw())

    def slot_park(self) -> str:
        return self._add(self.truth.places, self.world.parks.draw())

    def slot_topic(self) -> str:
        return self.rng.choice(self.world.topics)

    def slot_year(self) -> str:
        return str(self.day.year - self.rng.randint(0, 3))

    def slot_num(self) -> str:
        return f"{self.rng.uniform(0.5, 80):.1f}".rstrip("0").rstrip(".")

    def slot_date(self) -> str:
        when = self.day - timedelta(days=self.rng.choice((0, 1, 1, 1, 2)))
        return f"{when.month}月{when.day}日"

    def slot_filler(self) -> str:
        return sentence(self.rng, self.clauses)

    @staticmethod
    def _add(bucket: set[str], name: str) -> str:
        bucket.add(name)
        return name

    # --- items --------------------------------------------------------------------------
    def _paragraphs(self, count: int) -> list[str]:
        paragraphs = []
        for _ in range(count):
            first = self.fill(self.rng.choice(templates("body")))
            paragraphs.append(first + "".join(self.slot_filler() for _ in range(self.rng.randint(1, 3))))
        return paragraphs

    def _record(self, kind: str, headline: str | None, reporters=(), photographers=()) -> None:
        self.items.append({"kind": kind, "headline": headline, "reporters": list(reporters),
                           "photographers": list(photographers)})

    def _leader(self) -> str:
        """Who leads a report, printed with the post: a city leader (mostly on the front page)
        or a cadre of a bureau or county."""
        if self.rng.random() < (0.8 if self.number == 1 else 0.3):
            official = self.world.official()
            self.lead = self.truth.person(official.name, official.title)
            return official.printed
        printed, self.lead = self._cadre()
        return printed

    def news(self) -> str:
        printed = self._leader()
        reporters = self.world.byline(self.truth, self.rng.choice((1, 1, 1, 2, 2, 3)))
        byline = " ".join(reporters)
        opening = self.rng.choice(templates("lead")).replace("{official}", printed, 1)
        paragraphs = [f"本报讯（记者 {byline}）{self.slot_date()}，" + self.fill(opening)]
        if self.rng.random() < 0.6:
            paragraphs.append(self.fill(self.rng.choice(templates("attend"))))
        paragraphs += self._paragraphs(self.rng.randint(4, 11))
        headline = self.fill(self.rng.choice(templates("headline")))
        decks = [self.fill(d) for d in self.rng.sample(templates("deck"), self.rng.randint(0, 2))]
        self._record("news", headline, reporters)
        heads = [decks[0], headline, *decks[1:]] if decks and self.rng.random() < 0.3 else [headline, *decks]
        return layout.body(paragraphs, self.style, self.rng) + "\n\n" + layout.titles(heads)

    def wire(self) -> str:
        self.lead = self.rng.choice(self.world.nationals)
        city = self.rng.choice(("北京", "北京", "北京", *self.world.cities[:4]))
        lead = f"新华社{city} {self.slot_date()}电 " + self.fill(self.rng.choice(templates("wire")))
        paragraphs = [lead, *self._paragraphs(self.rng.randint(3, 8))]
        headline = self.fill(self.rng.choice(templates("headline")))
        self._record("wire", headline)
        return layout.body(paragraphs, self.style, self.rng) + "\n\n" + layout.titles([headline])

    def feature(self) -> str:
        self.lead = self.world.cadres.draw().name
        reporter = self.world.byline(self.truth, 1)[0]
        paragraphs = self._paragraphs(self.rng.randint(8, 20))
        headline = self.fill(self.rng.choice(templates("headline")))
        heads = [headline, self.fill(self.rng.choice(templates("deck")))]
        if self.rng.random() < 0.4:
            heads.append("——访" + self.slot_cadre())
        if self.rng.random() < 0.3:
            paragraphs[-1] += f"（下转第{self.rng.choice('二三四五六')}版）"
        self._record("feature", headline, [reporter])
        return layout.body(paragraphs, self.style, self.rng) + "\n\n" + layout.titles([*heads, f"本报记者 {reporter}"])

    def photo(self) -> str:
        self.lead = self.world.official().name
        photographer = self.world.photographer(self.truth)
        text = self.fill(self.rng.choice(templates("photo")))
        if self.rng.random() < 0.5:
            text += self.slot_filler()
        self._record("photo", None, photographers=[photographer])
        return layout.caption(text, f"本报记者 {photographer} 摄", self.style, self.rng)

    def teasers(self) -> str:
        lines = []
        for _ in range(self.rng.randint(3, 6)):
            self.lead = self.world.official().name
            lines.append(self.fill(self.rng.choice(templates("teaser"))))
            self._record("teaser", lines[-1])
        return "\n\n".join(lines)

    def card(self) -> str:
        project = self.slot_project()
        self._record("other", "项目名片")
        lines = ["●项目地址", self.slot_county() + self.slot_town(), "●项目特色", self.slot_filler(),
                 "项目名片", project, "●建设内容", self.slot_filler()]
        return layout.body(lines, self.style, self.rng)

    def masthead(self) -> str:
        self._record("other", "微信公众平台矩阵")
        return "“许昌日报”\n微信公众平台\n\n许昌报业传媒集团\n\n“许昌头条”\n微信公众平台\n\n微信公众平台矩阵"
