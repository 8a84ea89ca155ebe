"""Dumps: deterministic, every format the same data, written at build time and served under /dumps/."""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pyoxigraph as ox
import pytest
import rdflib

from conftest import SEEDS, run_kb
from kb.dumps.files import read_manifest, write, write_dumps
from kb.dumps.graphs import MEDIA_TYPES, graph_parts
from kb.jsonld import context, write_jsonld

FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS,
           "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD}
RDFLIB_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}
EX = "http://example.org/"


def _dumps(data: Path) -> Path:
    return (data / "current").resolve() / "dumps"


def _unzipped(data: Path, fmt: str) -> bytes:
    return gzip.decompress((_dumps(data) / f"kb.{fmt}.gz").read_bytes())


def _store_quads(data: Path) -> set[ox.Quad]:
    return set(ox.Store.read_only(str((data / "current").resolve() / "store")))


def test_dump_two_builds_are_byte_identical(base, tmp_path):
    """Two builds of the same pages, one after the other (not the shared KB: other tests add to it)."""
    builds = [tmp_path / name / "data" for name in ("first", "second")]
    for data in builds:
        run_kb("build", SEEDS, "--data-dir", data, "--base", base, "--quiet", check=False)
    first, second = map(_dumps, builds)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    assert {f"kb.{fmt}.gz" for fmt in MEDIA_TYPES} <= set(names)
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


@pytest.mark.parametrize("fmt", ["nq", "trig"])
def test_dump_quad_formats_keep_the_named_graphs(kb_data, fmt):
    parsed = set(ox.parse(_unzipped(kb_data, fmt), FORMATS[fmt]))
    assert parsed == _store_quads(kb_data)
    assert len({q.graph_name for q in parsed}) > 1


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld"])
def test_dump_triple_formats_are_the_union_of_the_graphs(kb_data, fmt):
    union = {q.triple for q in _store_quads(kb_data)}
    parsed = {q.triple for q in ox.parse(_unzipped(kb_data, fmt), FORMATS[fmt])}
    assert parsed == union and union


def test_dump_jsonld_and_turtle_agree_in_rdflib(kb_data):
    """An independent JSON-LD processor reads the compacted dump as the same graph as the Turtle."""
    jsonld = rdflib.Graph().parse(data=_unzipped(kb_data, "jsonld"), format="json-ld")
    turtle = rdflib.Graph().parse(data=_unzipped(kb_data, "ttl"), format="turtle")
    assert set(jsonld) == set(turtle) and len(turtle) > 0


def test_dump_turtle_is_pretty_with_prefixes(kb_data):
    graph = rdflib.Graph(bind_namespaces="none").parse(data=_unzipped(kb_data, "ttl"), format="turtle")
    assert dict(graph.namespaces())["schema"] == rdflib.URIRef("http://schema.org/")
    text = _unzipped(kb_data, "ttl").decode("utf-8")
    subjects = {str(s) for s in graph.subjects()}
    assert text.count(" ;\n") > 0 and text.count(".\n") < len(graph)  # grouped by subject
    assert len(subjects) < len(graph)


def test_dump_jsonld_carries_the_context(kb_data, base):
    document = json.loads(_unzipped(kb_data, "jsonld"))
    assert document["@context"] == context(base) and context(base)["kb"] == base + "ontology#"
    nodes = document["@graph"]
    ids = [n["@id"] for n in nodes]
    assert len(ids) == len(set(ids))  # one node per subject: no subject is described in two graphs
    assert any("NewsArticle" in n.get("@type", []) for n in nodes)


def test_dump_manifest_matches_the_files(kb_data):
    folder = _dumps(kb_data)
    files = read_manifest(folder)
    assert sorted(f.format for f in files) == sorted(MEDIA_TYPES)
    for file in files:
        raw = (folder / file.name).read_bytes()
        assert (len(raw), hashlib.sha256(raw).hexdigest()) == (file.bytes, file.sha256)
        assert len(gzip.decompress(raw)) == file.uncompressed_bytes
    quads = len(_store_quads(kb_data))
    assert {f.format: f.statements for f in files}["nq"] == quads


def test_dump_cli_writes_the_same_bytes_as_the_build(kb_data, tmp_path):
    out = tmp_path / "kb.trig"
    run_kb("dump", "--data-dir", kb_data, "--format", "trig", "-o", out)
    assert out.read_bytes() == _unzipped(kb_data, "trig")


def _with_blank_nodes(labels: tuple[str, str]) -> ox.Store:
    store = ox.Store()
    a, b = (ox.BlankNode(label) for label in labels)
    graph = ox.NamedNode(EX + "g")
    for s, p, o in ((a, "knows", b), (b, "name", ox.Literal("乙")), (a, "name", ox.Literal("甲"))):
        store.add(ox.Quad(s, ox.NamedNode(EX + p), o, graph))
    return store


@pytest.mark.parametrize("fmt", list(MEDIA_TYPES))
def test_dump_blank_node_labels_do_not_change_the_bytes(fmt):
    outputs = []
    for labels in (("x1", "x2"), ("zz9", "aa0")):
        out = io.BytesIO()
        write(_with_blank_nodes(labels), fmt, out, EX)
        outputs.append(out.getvalue())
    assert outputs[0] == outputs[1]
    assert len(list(ox.parse(outputs[0], FORMATS[fmt]))) == 3


XSD = "http://www.w3.org/2001/XMLSchema#"
# (object of schema:name / schema:position / schema:author, key and value in the compacted node)
COMPACTION = [
    (("name", ox.Literal("史根治", language="zh")), ("name", "史根治")),
    (("name", ox.Literal("Shi", language="en")), ("name", {"@value": "Shi", "@language": "en"})),
    (("name", ox.Literal("史根治")), ("name", {"@value": "史根治"})),
    (("position", ox.Literal("3", datatype=ox.NamedNode(XSD + "integer"))), ("position", "3")),
    (("position", ox.Literal("3")), ("position", {"@value": "3"})),
    (("author", ox.NamedNode(EX + "p")), ("author", [EX + "p"])),
    (("author", ox.Literal("匿名")), ("author", [{"@value": "匿名"}])),
    (("unknown", ox.Literal("x")), ("schema:unknown", {"@value": "x"})),
]


@pytest.mark.parametrize(("given", "expected"), COMPACTION)
def test_dump_jsonld_compacts_only_values_that_match_the_term(given, expected):
    prop, obj = given
    triple = ox.Triple(ox.NamedNode(EX + "s"), ox.NamedNode("http://schema.org/" + prop), obj)
    out = io.BytesIO()
    write_jsonld([triple], out, EX)
    node = json.loads(out.getvalue())["@graph"][0]
    assert (expected[0], node[expected[0]]) == expected
    assert set(ox.parse(out.getvalue(), ox.RdfFormat.JSON_LD)) == {ox.Quad(*triple)}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.extend(v for k, v in attrs if k == "href")


def test_dump_listing_served_as_json_and_html(app):
    listing = app.get("/dumps/", headers={"Accept": "application/json"})
    assert listing.status_code == 200
    files = listing.json()["files"]
    assert sorted(f["format"] for f in files) == sorted(MEDIA_TYPES)
    page = app.get("/dumps/", headers={"Accept": "text/html"})
    assert page.headers["content-type"].startswith("text/html")
    links = _Links()
    links.feed(page.text)
    assert {f["url"] for f in files} <= {urljoin(str(page.url), href) for href in links.hrefs}


def test_dump_gz_download_is_the_file_as_built(app, kb_data):
    manifest = {f.name: f for f in read_manifest(_dumps(kb_data))}
    response = app.get("/dumps/kb.nq.gz")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/gzip"
    assert "content-encoding" not in response.headers
    assert hashlib.sha256(response.content).hexdigest() == manifest["kb.nq.gz"].sha256
    assert response.headers["etag"] == f'"{manifest["kb.nq.gz"].sha256}"'


@pytest.mark.parametrize("encoding", ["gzip", "identity"])
def test_dump_plain_name_is_rdf_with_or_without_gzip_encoding(app, kb_data, encoding):
    response = app.get("/dumps/kb.ttl", headers={"Accept-Encoding": encoding})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    assert response.headers.get("content-encoding", "identity") == encoding
    graph = rdflib.Graph().parse(data=response.content, format="turtle")  # httpx decodes gzip
    assert len(graph) == len({q.triple for q in _store_quads(kb_data)})


def test_dump_etag_revalidates_with_304(app):
    first = app.get("/dumps/kb.jsonld")
    again = app.get("/dumps/kb.jsonld", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and not again.content


def test_dump_unknown_file_is_404_naming_the_choices(app):
    response = app.get("/dumps/kb.rdf.gz", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert "kb.ttl.gz" in response.json()["message"]


def test_dump_add_gives_the_bytes_of_a_build_of_the_same_pages(base, tmp_path):
    """Dumps assembled after `kb add` (old pages' parts reused, new ones compressed) are the dumps
    a build of all the pages writes."""
    pages = sorted(SEEDS.glob("*.txt"))
    first, rest = tmp_path / "first", tmp_path / "rest"
    for folder, group in ((first, pages[:1]), (rest, pages[1:])):
        folder.mkdir()
        for page in group:
            (folder / page.name).write_bytes(page.read_bytes())
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    added, built = tmp_path / "added", tmp_path / "built"
    run_kb("build", first, "--data-dir", added, "--base", base, "--quiet", env=env)
    run_kb("add", rest, "--data-dir", added, "--quiet", env=env)  # the KB keeps its base
    run_kb("build", first, rest, "--data-dir", built, "--base", base, "--quiet", env=env)
    for fmt in MEDIA_TYPES:
        name = f"kb.{fmt}.gz"
        assert (_dumps(added) / name).read_bytes() == (_dumps(built) / name).read_bytes(), name


def test_dump_files_writer_failure_is_raised_not_hung(tmp_path: Path):
    """Each format is written by its own thread: one that cannot write its file fails the whole
    call with its error, after the others finish, however many graphs are still to come."""
    graph = ox.NamedNode("http://example.org/graph/1")
    lines = [b'<http://example.org/a> <http://example.org/p> "x"']
    (tmp_path / "kb.ttl.gz").mkdir()  # the Turtle dump cannot be opened as a file
    many = (graph_parts(graph, lines, EX) for _ in range(1000))  # more than the writers' queues hold
    with pytest.raises(IsADirectoryError):
        write_dumps(tmp_path, many, EX)
    with gzip.open(tmp_path / "kb.nt.gz") as nt:
        assert nt.read().count(b"\n") == 1000
