"""The query library (queries/*.rq) on the KB built from seeds/: every query answers, and its
answers are checked against the seed pages themselves (names and titles printed together)."""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS
from kb.store import DataDir
from kb.store.engine import execute

QUERIES = sorted((ROOT / "queries").glob("*.rq"))
CJK = re.compile(r"[\u4e00-\u9fff]")
PARAMETER = re.compile(r'"([^"]*)"(\^\^\S+|@zh)?(?=.*#\s*PARAMETER)')


@cache
def _seed_texts() -> dict[str, str]:
    """Each seed page's text as printed, without the spaces and line breaks of its columns."""
    return {p.name: re.sub(r"\s+", "", p.read_text(encoding="utf-8")) for p in SEEDS.glob("*.txt")}


def _in_one_page(*strings: str) -> bool:
    return any(all(s in text for s in strings) for text in _seed_texts().values())


@pytest.fixture(scope="module")
def store(kb_data: Path):
    return DataDir(kb_data).open_read()


def run(store, query: str) -> list[dict[str, str | None]]:
    result = execute(store, query)
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in result]


def _query(name: str) -> str:
    return (ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8")


def _page_text(store, article: str) -> str:
    rows = run(store, f"SELECT ?file {{ <{article}> schema:isPartOf/dcterms:source ?file }}")
    assert rows, f"{article} has no page"
    return _seed_texts()[rows[0]["file"]]


def with_parameter(query: str, value: str) -> str:
    """The query with the value on its `# PARAMETER` line replaced."""
    assert PARAMETER.search(query), "no # PARAMETER line"
    return PARAMETER.sub(lambda m: f'"{value}"{m.group(2) or ""}', query, count=1)


def test_queries_library_has_a_dozen():
    assert len(QUERIES) >= 12


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_queries_each_has_a_bilingual_header_and_answers(store, path):
    text = path.read_text(encoding="utf-8")
    header = [line[1:].strip() for line in text.splitlines() if line.startswith("#")]
    assert any(CJK.search(line) for line in header), "no question in Chinese"
    assert any(re.search(r"[A-Za-z]+ [A-Za-z]+ [A-Za-z]+", line) for line in header), "no question in English"
    assert run(store, text), f"{path.name} returned nothing on the seed KB"


def test_queries_posts_held_are_printed_together(store):
    rows = run(store, _query("posts-held"))
    assert rows
    for row in rows:
        assert row["name"] in _page_text(store, row["article"]) and row["title"] in _page_text(store, row["article"])


def test_queries_mayor_on_date_answers_the_date_given(store):
    query = _query("mayor-on-date")
    asked = PARAMETER.search(query).group(1)
    rows = run(store, query)
    assert rows
    for row in rows:
        assert row["reported"] <= asked
        assert _in_one_page("市长" + row["name"])
    assert run(store, with_parameter(query, "1900-01-01")) == []


def test_queries_posts_of_person_are_printed_with_the_person(store):
    rows = run(store, _query("posts-of-person"))
    assert rows
    for row in rows:
        assert _in_one_page(row["title"], "史根治")
        assert row["first"] is None or row["first"] <= row["last"]


def test_queries_holders_of_title_follow_the_parameter(store):
    query = _query("holders-of-title")
    for title in ("副市长", "市长"):
        rows = run(store, with_parameter(query, title))
        assert rows, title
        assert all(_in_one_page(title + row["name"]) or _in_one_page(title, row["name"]) for row in rows)


def test_queries_co_appearing_officials_share_a_page_with_the_person(store):
    rows = run(store, _query("co-appearing-officials"))
    assert rows and "史根治" not in {row["name"] for row in rows}
    counts = [int(row["articles"]) for row in rows]
    assert counts == sorted(counts, reverse=True)
    assert all(_in_one_page(row["name"], "史根治") for row in rows)


def test_queries_projects_signed_at_events_come_from_signing_reports(store):
    rows = run(store, _query("projects-signed-at-events"))
    assert rows
    for row in rows:
        assert _in_one_page(row["eventName"], "签约")
        assert int(row["projects"]) >= 1 and float(row["totalInvestment"]) >= 0


def test_queries_organization_mentioned_for_names_it_in_the_page(store):
    rows = run(store, _query("organization-mentioned-for"))
    assert rows
    assert all("中国信息通信研究院" in _page_text(store, row["article"]) for row in rows)


@pytest.mark.parametrize(("name", "marker"), [("articles-per-reporter", "记者"),
                                               ("photos-per-photographer", "摄")])
def test_queries_bylines_are_printed(store, name, marker):
    rows = run(store, _query(name))
    assert rows
    counts = [int(next(v for k, v in row.items() if k != "name")) for row in rows]
    assert counts == sorted(counts, reverse=True) and min(counts) >= 1
    assert all(_in_one_page(row["name"], marker) for row in rows)


def test_queries_organizations_over_time_by_month(store):
    rows = run(store, _query("organizations-over-time"))
    assert rows
    assert all(re.fullmatch(r"\d{4}-\d{2}", row["month"]) for row in rows)
    assert all(any(map(_in_one_page, _printed_names(store, row["name"]))) for row in rows)


def _printed_names(store, name: str) -> list[str]:
    """An organization's full name and the short forms printed (市司法局 for 许昌市司法局)."""
    rows = run(store, f'SELECT ?alt {{ ?o schema:name "{name}"@zh ; schema:alternateName ?alt }}')
    return [name, *(row["alt"] for row in rows)]


def test_queries_places_visited_share_the_article_page_with_the_leader(store):
    rows = run(store, _query("places-visited-by-leader"))
    assert rows
    for row in rows:
        page = _page_text(store, row["article"])
        assert "刘保新" in page and row["placeName"] in page


def test_queries_most_mentioned_people_are_in_the_pages(store):
    rows = run(store, _query("most-mentioned-people"))
    assert rows and all(_in_one_page(row["name"]) for row in rows)
    counts = [int(row["articles"]) for row in rows]
    assert counts == sorted(counts, reverse=True)


def test_queries_articles_on_date_headlines_are_printed(store):
    query = _query("articles-on-date")
    rows = run(store, query)
    assert rows
    headlines = [row for row in rows if row["headline"]]
    assert headlines and all(row["headline"] in _page_text(store, row["article"]) for row in headlines)
    assert run(store, with_parameter(query, "1900-01-01")) == []


def test_queries_events_are_named_in_the_pages(store):
    rows = run(store, _query("events-and-who-attended"))
    assert rows and all(_in_one_page(row["eventName"]) for row in rows)


def test_queries_post_provenance_points_at_the_page_file(store):
    rows = run(store, _query("post-provenance"))
    assert rows
    for row in rows:
        assert row["file"] in _seed_texts()
        assert _in_one_page(row["title"], "史根治") and "史根治" in _seed_texts()[row["file"]]
