"""Editors' corrections (kb correct, kb.corrections): recorded with who, when and why, applied
again by every build and add, and the same in the store, the pages and the dumps.

One KB is built from the seed pages and corrected with `kb correct` (one correction of each
kind, on targets chosen from what the build found), then served on loopback."""
from __future__ import annotations

import gzip
import os
import shutil
import subprocess
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote

import httpx
import lxml.html
import pyoxigraph as ox
import pytest
import rdflib

from conftest import KB, ROOT, SEEDS, Server, free_port, run_kb
from kb.corrections import CorrectionError, parse

SCHEMA = "http://schema.org/"
PROV = "http://www.w3.org/ns/prov#"
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
PAGE = "000_a3ac3aca2a99c87c"  # the seed page the post and mention corrections are on


def _rows(data: Path, query: str) -> list[dict[str, str]]:
    store = ox.Store.read_only(str(data / "current" / "store"))
    rows = store.query(query, prefixes={"schema": SCHEMA, "org": "http://www.w3.org/ns/org#", "oa":
                                        "http://www.w3.org/ns/oa#"}, use_default_graph_as_union=True)
    return [{v.value: row[v].value for v in rows.variables if row[v] is not None} for row in rows]


def _mentioned(data: Path, where: str) -> list[str]:
    """Entities matching `where` (on ?e), most mentioned first."""
    query = f"""SELECT ?e (COUNT(?a) AS ?n) {{ ?a schema:mentions ?e . {where} }}
                GROUP BY ?e ORDER BY DESC(?n) ?e"""
    return [row["e"] for row in _rows(data, query)]


def _targets(data: Path, base: str) -> dict[str, tuple[str, ...]]:
    """One target of each kind of correction, chosen from what the seed build found."""
    orgs = _mentioned(data, "?e a schema:Organization FILTER NOT EXISTS { ?e a schema:Corporation }")
    people = _mentioned(data, "?e a schema:Person . ?post org:member ?e")
    company = _mentioned(data, "?e a schema:Corporation")[0]
    post = _rows(data, f"""SELECT ?p {{ ?p org:member ?m FILTER(STRSTARTS(STR(?p), "{base}post/{PAGE}/")
                                        && ?m != <{people[0]}>) }} ORDER BY ?p LIMIT 1""")[0]["p"]
    places = _mentioned(data, "?e a schema:Place")
    mention = _rows(data, f"""SELECT ?m {{ ?m oa:hasBody <{places[0]}> FILTER(CONTAINS(STR(?m), "/{PAGE}/")) }}
                              ORDER BY ?m LIMIT 1""")[0]["m"]
    namesake = _rows(data, f"SELECT ?m {{ ?m oa:hasBody <{people[1]}> }} ORDER BY ?m LIMIT 1")[0]["m"]
    return {"merge": (orgs[0], orgs[1]), "reject": (people[0],), "rename": (orgs[2], "改过的名字"),
            "retype": (company, "schema:Organization"), "reject-post": (post,), "reject-mention": (mention,),
            "split": (namesake, "某单位"), "add": (places[1], "schema:containedInPlace", places[2])}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[dict]:
    """The seed KB corrected once of each kind with `kb correct`, served on its own port."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    data = tmp_path_factory.mktemp("corrected") / "data"
    run_kb("build", SEEDS, "--data-dir", data, "--base", base, "--quiet", env=ENV)
    targets = _targets(data, base)
    for what, args in targets.items():
        operation = what.split("-")[0]
        run_kb("correct", operation, *args, "--reason", f"测试 {what}", "--by", "王编辑", "--data-dir", data, env=ENV)
    with Server(["--data-dir", str(data), "--base", base], port) as server:
        yield {"data": data, "base": base, "targets": targets, "url": server.url}


def _quads(data: Path) -> set[tuple[str, str, str, str]]:
    """Every statement of the KB's N-Quads dump."""
    text = gzip.decompress((data / "current" / "dumps" / "kb.nq.gz").read_bytes())
    return {tuple(str(t) for t in q) for q in ox.parse(text, format=ox.RdfFormat.N_QUADS)}


def _names(quads: set, iri: str, predicate: str) -> set[str]:
    return {o for s, p, o, _ in quads if s == f"<{iri}>" and p == f"<{SCHEMA}{predicate}>"}


def _holds(data: Path, base: str, targets: dict) -> None:
    """What each correction says is what the KB says."""
    quads = _quads(data)
    terms = {t for q in quads for t in q[:3]}
    keep, other = targets["merge"]
    # merged away: only the correction's own graph names it
    assert {q[1] for q in quads if f"<{other}>" in (q[0], q[2])} == {
        "<http://purl.org/dc/terms/isReplacedBy>", f"<{base}ontology#mergedFrom>"}
    other_name = unquote(other.rsplit("/", 1)[1])
    assert f'"{other_name}"@zh' in _names(quads, keep, "alternateName")
    for gone in (targets["reject"][0], targets["reject-post"][0], targets["reject-mention"][0]):
        assert f"<{gone}>" not in terms
    renamed, name = targets["rename"]
    assert _names(quads, renamed, "name") == {f'"{name}"@zh'}
    assert f'"{unquote(renamed.rsplit("/", 1)[1])}"@zh' in _names(quads, renamed, "alternateName")
    retyped = targets["retype"][0]
    assert f"<{SCHEMA}Corporation>" not in {o for s, p, o, _ in quads if s == f"<{retyped}>"}
    mention, qualifier = targets["split"]
    (body,) = {o for s, p, o, _ in quads if s == f"<{mention}>" and p == "<http://www.w3.org/ns/oa#hasBody>"}
    place, _, within = targets["add"]
    assert f"<{within}>" in {o for s, p, o, _ in quads if s == f"<{place}>" and p == f"<{SCHEMA}containedInPlace>"}
    assert body.endswith(f"~{qualifier}>")
    assert _names(quads, body[1:-1], "disambiguatingDescription") == {f'"{qualifier}"@zh'}


def test_corrections_file_records_who_when_and_why(site):
    corrections = parse((site["data"] / "corrections.tsv").read_text(encoding="utf-8"), "corrections.tsv")
    assert [c.operation for c in corrections] == ["merge", "reject", "rename", "retype", "reject", "reject", "split",
                                                       "add"]
    assert {c.by for c in corrections} == {"王编辑"} and all(c.reason.startswith("测试") for c in corrections)
    assert [c.id for c in corrections] == [str(n) for n in range(1, 9)]
    assert all("://" not in c.target for c in corrections)  # relative to the base: the file serves any base


def test_corrections_hold_in_the_kb(site):
    _holds(site["data"], site["base"], site["targets"])


def test_corrections_survive_a_full_rebuild_identically(site, tmp_path):
    """A build of the same pages with the same file gives the incremental KB's dumps, byte for byte."""
    rebuilt = tmp_path / "data"
    run_kb("build", SEEDS, "--data-dir", rebuilt, "--base", site["base"], "--quiet",
           "--corrections", site["data"] / "corrections.tsv", env=ENV)
    _holds(rebuilt, site["base"], site["targets"])
    for name in ("kb.nq.gz", "kb.ttl.gz", "kb.jsonld.gz"):
        dumps = [data / "current" / "dumps" / name for data in (rebuilt, site["data"])]
        assert dumps[0].read_bytes() == dumps[1].read_bytes()


def test_corrections_survive_an_add_of_the_affected_page(site, tmp_path):
    """The corrected page, changed and added again, is corrected again: the KB is what a build of
    the same pages with the same corrections gives."""
    pages, added, built = tmp_path / "pages", tmp_path / "added", tmp_path / "built"
    shutil.copytree(SEEDS, pages)
    shutil.copytree(site["data"], added, symlinks=True)
    page = pages / f"{PAGE}.txt"
    page.write_text(page.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")  # a new checksum
    result = run_kb("add", page, "--data-dir", added, "--quiet", env=ENV)
    assert "added 1 pages" in result.stderr
    _holds(added, site["base"], site["targets"])
    run_kb("build", pages, "--data-dir", built, "--base", site["base"], "--quiet",
           "--corrections", site["data"] / "corrections.tsv", env=ENV)
    assert _quads(added) == _quads(built)


def test_corrections_removed_from_the_file_are_undone_by_the_next_add(site, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(site["data"], data, symlinks=True)
    tsv = data / "corrections.tsv"
    tsv.write_text("".join(line for line in tsv.read_text(encoding="utf-8").splitlines(True)
                           if "\treject\t" not in line), encoding="utf-8")
    result = run_kb("add", SEEDS / f"{PAGE}.txt", "--data-dir", data, "--quiet", env=ENV)
    assert "mapped again for the corrections" in result.stderr
    terms = {t for q in _quads(data) for t in q[:3]}
    assert {f"<{site['targets'][k][0]}>" for k in ("reject", "reject-post", "reject-mention")} <= terms


def test_corrections_merged_iri_redirects_over_http(site):
    keep, other = site["targets"]["merge"]
    path = other.removeprefix(site["base"])
    for method in ("GET", "HEAD"):
        moved = httpx.request(method, site["url"] + path, follow_redirects=False)
        assert moved.status_code == 301 and unquote(moved.headers["location"]) == keep
    as_turtle = httpx.get(site["url"] + path + ".ttl", follow_redirects=False)
    assert unquote(as_turtle.headers["location"]) == keep + ".ttl"
    followed = httpx.get(site["url"] + path, headers={"Accept": "application/ld+json"}, follow_redirects=True)
    assert followed.status_code == 200 and followed.json()["@id"] == keep


def test_corrections_rejected_iris_are_gone_from_the_pages(site):
    for what in ("reject", "reject-post", "reject-mention"):
        iri = site["targets"][what][0]
        page = httpx.get(site["url"] + iri.removeprefix(site["base"]), headers={"Accept": "text/turtle"})
        assert page.status_code == 404


@pytest.mark.parametrize("what", ["merge", "rename", "retype", "add"])
def test_corrections_pages_say_who_corrected_when_and_why(site, what):
    iri = site["targets"][what][0]
    page = lxml.html.fromstring(httpx.get(site["url"] + iri.removeprefix(site["base"])).content)
    said = page.xpath("//aside[@class='corrections']/p[@class='corrected']")
    assert len(said) == 1
    assert said[0].xpath("span[@class='editor']/text()") == ["王编辑"]
    assert said[0].xpath("span[@class='reason']/text()") == [f"测试 {what}"]
    assert said[0].xpath("time/@datetime")[0].startswith("20")


@pytest.mark.parametrize("what", ["merge", "rename", "retype", "add"])
def test_corrections_dumps_and_pages_agree(site, what):
    """What an entity's page states of it is in the dumps, and the dumps state no more of it."""
    iri = site["targets"][what][0]
    page = rdflib.Graph().parse(data=httpx.get(site["url"] + iri.removeprefix(site["base"]) + ".nt").text, format="nt")
    dump = rdflib.Graph().parse(data=gzip.decompress((site["data"] / "current" / "dumps" / "kb.nt.gz").read_bytes()),
                                format="nt")
    subject = rdflib.URIRef(iri)
    assert set(page.predicate_objects(subject)) == set(dump.predicate_objects(subject))
    corrected_by = rdflib.URIRef(site["base"] + "ontology#correctedBy")
    assert len(list(page.objects(subject, corrected_by))) == 1


def test_corrections_sparql_finds_every_fact_an_editor_changed(site):
    query = """PREFIX kb: <%sontology#>
        SELECT DISTINCT ?fact { ?fact kb:correctedBy ?c . ?c prov:wasAttributedTo/rdfs:label "王编辑" }""" % site["base"]
    rows = httpx.post(site["url"] + "sparql", data={"query": query},
                      headers={"Accept": "application/sparql-results+json"})
    facts = {b["fact"]["value"] for b in rows.json()["results"]["bindings"]}
    assert {site["targets"][w][0] for w in ("merge", "rename", "retype")} <= facts
    assert any("/article/" in fact for fact in facts)  # the items whose mentions or bylines changed


def test_corrections_kb_validate_checks_the_shapes_and_the_file(site, tmp_path):
    assert run_kb("validate", "--data-dir", site["data"]).returncode == 0
    bad = tmp_path / "bad.tsv"
    bad.write_text("# a comment\n\n1\t2026-12-03T09:30:00Z\t王编辑\treject\tperson/某\n", encoding="utf-8")
    result = run_kb("validate", "--data-dir", site["data"], "--corrections", bad, check=False)
    assert result.returncode == 1 and f"{bad} line 3: 5 tab-separated fields" in result.stdout


def test_corrections_stale_correction_is_reported_by_name(site, tmp_path):
    """Built from one page only, the corrections of things on the other pages match nothing."""
    data, tsv = tmp_path / "data", tmp_path / "corrections.tsv"
    shutil.copy(site["data"] / "corrections.tsv", tsv)
    result = run_kb("build", SEEDS / "002_e1e7d1dadf54d036.txt", "--data-dir", data, "--quiet",
                    "--corrections", tsv, check=False, env=ENV)
    assert result.returncode == 2
    stale = [line for line in result.stderr.splitlines() if line.endswith("no longer matches anything in the KB")]
    assert "kb: correction 5 (reject post/" in "\n".join(stale)
    checked = run_kb("validate", "--data-dir", data, check=False)
    assert checked.returncode == 1 and "correction 5 (reject post/" in checked.stdout
    person = _mentioned(data, "?e a schema:Person")[0]  # a correction that holds: kb correct succeeds (0)
    corrected = run_kb("correct", "reject", person, "--reason", "测试", "--by", "王编辑", "--data-dir", data,
                       check=False)
    assert corrected.returncode == 0 and "kb: correction 5 (reject post/" in corrected.stderr


def test_corrections_kb_correct_refuses_what_is_not_in_the_kb(site):
    tsv = site["data"] / "corrections.tsv"
    before = tsv.read_bytes()
    keep, other = site["targets"]["merge"]
    for args, message in (
            (("reject", site["base"] + "person/无此人"), "person/无此人 is not in the KB"),
            (("reject", other), "correction 1 merged it into"),
            (("merge", keep, other), "is merged into"),
            (("rename", "http://example.org/person/x", "y"), "is not an IRI of this KB"),
            (("retype", keep, "schema:Place"), "a retype keeps the kind")):
        result = run_kb("correct", *args, "--reason", "r", "--by", "x", "--data-dir", site["data"], check=False)
        assert result.returncode == 1 and message in result.stderr and len(result.stderr.splitlines()) == 1
    assert tsv.read_bytes() == before


LINE = "1\t2026-12-03T09:30:00Z\t王编辑\t{op}\t{target}\t{value}\t理由"


@pytest.mark.parametrize("text, line, message", [
    ("1\t2026-12-03T09:30:00Z\t王编辑\treject\tperson/某\t", 1, "6 tab-separated fields where 7"),
    ("# header\n" + LINE.format(op="delete", target="person/某", value=""), 2, "operation 'delete' is not one of"),
    (LINE.format(op="reject", target="person/某", value="").replace("2026-12-03T09:30:00Z", "yesterday"), 1,
     "time 'yesterday' is not a UTC time"),
    (LINE.format(op="reject", target="http://x/person/某", value=""), 1, "write IRIs relative to the KB's base"),
    (LINE.format(op="reject", target="person/%E6%9F%90", value=""), 1, "is not written the way kb writes it: person/某"),
    (LINE.format(op="merge", target="person/甲", value="organization/乙"), 1, "kinds differ"),
    (LINE.format(op="retype", target="organization/甲", value="schema:Thing"), 1, "class 'schema:Thing'"),
    (LINE.format(op="split", target="person/甲", value="某单位"), 1, "is not the IRI of a mention (mention/"),
    (LINE.format(op="add", target="person/甲", value="schema:containedInPlace place/乙"), 1, "is stated of places"),
    (LINE.format(op="add", target="place/甲", value="schema:containedInPlace person/乙"), 1, "names a(n) place"),
    (LINE.format(op="add", target="place/甲", value="schema:sameAs place/乙"), 1, "add states one of"),
    (LINE.format(op="reject", target="person/甲", value="") + "\n"
     + LINE.format(op="reject", target="person/乙", value=""),
     2, "id '1' is used on line 1 too"),
    (LINE.format(op="merge", target="person/甲", value="person/乙") + "\n"
     + LINE.format(op="merge", target="person/乙", value="person/甲").replace("1", "2", 1), 1, "merges make a cycle"),
])
def test_corrections_malformed_file_is_refused_naming_the_line(text, line, message):
    with pytest.raises(CorrectionError) as refused:
        parse(text, "c.tsv")
    assert f"c.tsv line {line}: " in str(refused.value) or f"c.tsv lines {line}" in str(refused.value)
    assert message in str(refused.value)


def test_corrections_malformed_file_stops_a_build_with_one_line(tmp_path):
    bad = tmp_path / "c.tsv"
    bad.write_text(LINE.format(op="reject", target="person/某", value="").replace("\t理由", "\t"), encoding="utf-8")
    result = run_kb("build", SEEDS, "--data-dir", tmp_path / "data", "--quiet", "--corrections", bad, check=False)
    assert result.returncode == 1 and result.stderr == f"kb: {bad} line 1: no reason is given\n"
    assert not (tmp_path / "data" / "current").exists()


def test_corrections_file_given_to_the_build_is_the_one_kb_correct_and_add_use(tmp_path):
    tsv, data = tmp_path / "newsroom" / "corrections.tsv", tmp_path / "data"
    tsv.parent.mkdir()
    tsv.write_text("", encoding="utf-8")
    page = SEEDS / "003_2acd00117dec1967.txt"
    run_kb("build", page, "--data-dir", data, "--quiet", "--corrections", tsv, env=ENV)
    person = _mentioned(data, "?e a schema:Person")[0]
    result = run_kb("correct", "reject", person, "--reason", "测试", "--by", "王编辑", "--data-dir", data, env=ENV)
    assert f" in {tsv}\n" in result.stderr and not (data / "corrections.tsv").exists()
    assert [c.operation for c in parse(tsv.read_text(encoding="utf-8"), str(tsv))] == ["reject"]
    run_kb("add", page, "--data-dir", data, "--quiet", env=ENV)  # unchanged: the correction still holds
    assert f"<{person}>" not in {t for q in _quads(data) for t in q[:3]}
    run_kb("build", page, "--data-dir", data, "--quiet", env=ENV)  # a rebuild too
    assert f"<{person}>" not in {t for q in _quads(data) for t in q[:3]}


def test_corrections_editors_correcting_at_once_take_turns(tmp_path):
    data = tmp_path / "data"
    run_kb("build", SEEDS / "003_2acd00117dec1967.txt", "--data-dir", data, "--quiet", env=ENV)
    people = _mentioned(data, "?e a schema:Person")[:2]
    editors = [subprocess.Popen([*KB, "correct", "reject", person, "--reason", "测试", "--by", f"编辑{i}",
                                 "--data-dir", str(data)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
               for i, person in enumerate(people)]
    assert [editor.wait(120) for editor in editors] == [0, 0]
    recorded = parse((data / "corrections.tsv").read_text(encoding="utf-8"), "corrections.tsv")
    assert sorted(c.id for c in recorded) == ["1", "2"] and {c.target for c in recorded} == {
        p.removeprefix("http://127.0.0.1:8000/") for p in people}
    assert not {f"<{p}>" for p in people} & {t for q in _quads(data) for t in q[:3]}


def test_corrections_kb_correct_switches_the_served_kb(tmp_path):
    port = free_port()
    base, data = f"http://127.0.0.1:{port}/", tmp_path / "data"
    run_kb("build", SEEDS / "003_2acd00117dec1967.txt", "--data-dir", data, "--base", base, "--quiet", env=ENV)
    keep, other = _mentioned(data, "?e a schema:Person")[:2]
    with Server(["--data-dir", str(data), "--base", base], port):
        assert httpx.get(other, follow_redirects=False).status_code == 200
        run_kb("correct", "merge", keep, other, "--reason", "测试", "--by", "王编辑", "--data-dir", data, env=ENV)
        moved = httpx.get(other, follow_redirects=False)
        assert moved.status_code == 301 and unquote(moved.headers["location"]) == keep


def test_corrections_shapes_catch_a_broken_correction(site, tmp_path):
    """A correction without its reason, one naming both kinds of target, a pointer to no correction."""
    data = tmp_path / "data"
    shutil.copytree(site["data"], data, symlinks=True)
    store = ox.Store(str(data / "current" / "store"))
    kb = site["base"] + "ontology#"
    first, second = (ox.NamedNode(site["base"] + f"correction/{n}") for n in (1, 2))
    store.remove(next(iter(store.quads_for_pattern(first, ox.NamedNode(kb + "reason"), None, first))))
    store.add(ox.Quad(second, ox.NamedNode(kb + "corrects"), ox.NamedNode(site["targets"]["merge"][0]), second))
    store.add(ox.Quad(ox.NamedNode(site["targets"]["rename"][0]), ox.NamedNode(kb + "correctedBy"),
                      ox.NamedNode(site["base"] + "correction/99"), ox.NamedNode(site["base"] + "graph/entities")))
    store.flush()
    del store
    result = run_kb("validate", "--data-dir", data, check=False)
    assert result.returncode == 1
    for rule in ("shape:Correction kb:reason:", "shape:Correction: a correction names what it corrects",
                 "shape:CorrectedFact kb:correctedBy:"):
        assert rule in result.stdout
