"""`kb validate`: the seed KB conforms to ontology/shapes.ttl; a broken KB does not, and the
report says what is wrong and where."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import URIRef
from rdflib.namespace import SH

from kb.build import build
from kb.config import resolve
from kb.validate import load_shapes, validate

from conftest import SEEDS, run_kb

BASE = "http://example.org/kb/"
SCHEMA, ORG, OA = "http://schema.org/", "http://www.w3.org/ns/org#", "http://www.w3.org/ns/oa#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def test_validate_seed_kb_conforms(kb_data):
    result = run_kb("validate", "--data-dir", kb_data)
    assert result.returncode == 0
    assert result.stdout.startswith("kb validate: the KB conforms to ontology/shapes.ttl")


def test_validate_shapes_cover_every_class_the_kb_produces(kb_data, base):
    """Every class with instances in the seed KB is the target of a shape (or a subclass of one
    that is: schema:Corporation is checked as a schema:Organization)."""
    shapes = load_shapes(base)
    targets = {str(c) for c in shapes.objects(None, SH.targetClass)}
    store = ox.Store.read_only(str(kb_data / "current" / "store"))
    instances: dict[str, set[str]] = {}
    for quad in store.quads_for_pattern(None, RDF_TYPE, None):
        instances.setdefault(quad.object.value, set()).add(quad.subject.value)
    covered = {s for cls in targets for s in instances.get(cls, ())}
    assert {cls for cls, members in instances.items() if not members <= covered} == set()
    assert URIRef(base + "ontology#Page") in set(shapes.objects(None, SH.targetClass))


def _broken(tmp_path: Path) -> Path:
    """A KB built from one seed page, then damaged in five ways, one per kind of check."""
    data = tmp_path / "data"
    build([sorted(SEEDS.glob("*.txt"))[0]], resolve({"data_dir": data, "base": BASE}), progress=False)
    store = ox.Store(str(data / "current" / "store"))
    graph = ox.NamedNode(BASE + "graph/broken")
    nameless, post = ox.NamedNode(BASE + "person/无名"), ox.NamedNode(BASE + "post/broken/1")
    selector = next(store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(OA + "TextPositionSelector"))).subject
    org = next(store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(SCHEMA + "Organization"))).subject
    store.extend([
        ox.Quad(nameless, RDF_TYPE, ox.NamedNode(SCHEMA + "Person"), graph),          # no name
        ox.Quad(post, RDF_TYPE, ox.NamedNode(ORG + "Membership"), graph),             # no member, no role
        ox.Quad(org, ox.NamedNode(SCHEMA + "name"), ox.Literal("没有语言标签"), graph),  # second name, no @zh
        ox.Quad(selector, ox.NamedNode(OA + "start"), ox.Literal("99999999", datatype=ox.NamedNode(
            "http://www.w3.org/2001/XMLSchema#integer")), graph),                      # start after end
        ox.Quad(ox.BlankNode("b1"), RDF_TYPE, ox.NamedNode(SCHEMA + "NewsArticle"), graph),  # a blank item
    ])
    store.flush()
    del store
    return data


@pytest.fixture(scope="module")
def broken_report(tmp_path_factory) -> tuple[bool, str, Path]:
    data = _broken(tmp_path_factory.mktemp("broken"))
    conforms, text = validate(resolve({"data_dir": data}))
    return conforms, text, data


def test_validate_broken_kb_does_not_conform(broken_report):
    conforms, text, _ = broken_report
    assert conforms is False
    assert text.startswith("kb validate: the KB does NOT conform")


@pytest.mark.parametrize("message, node", [
    ("a person has exactly one schema:name", BASE + "person/无名"),
    ("a post has exactly one org:member", BASE + "post/broken/1"),
    ("a post has exactly one org:role", BASE + "post/broken/1"),
    ("an organization has exactly one schema:name", BASE + "organization/"),
    ("a selector has exactly one oa:start", BASE + "mention/"),
    ("a blank node where an IRI is required", "b1"),
])
def test_validate_report_names_the_rule_and_the_node(broken_report, message, node):
    _, text, _ = broken_report
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if message in line)
    examples = [line.strip() for line in lines[at + 1:at + 4]]
    assert any(node in example for example in examples), (message, examples)


def test_validate_cli_exits_non_zero_on_a_broken_kb(broken_report):
    _, _, data = broken_report
    result = run_kb("validate", "--data-dir", data, check=False)
    assert result.returncode == 1
    assert "does NOT conform" in result.stdout and "a person has exactly one schema:name" in result.stdout


def test_validate_without_a_kb_says_how_to_make_one(tmp_path):
    result = run_kb("validate", "--data-dir", tmp_path / "none", check=False)
    assert result.returncode == 1 and "kb build" in result.stderr


def test_validate_report_counts_each_node_once_with_the_usual_prefixes(broken_report):
    """The damaged organization breaks three rules of one constraint (count, datatype, language)."""
    _, text, _ = broken_report
    line = next(line for line in text.splitlines() if "an organization has exactly one schema:name" in line)
    assert line.strip().startswith("shape:Organization schema:name:") and line.endswith("(1 node)")
