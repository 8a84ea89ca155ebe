"""`kb validate`: check the KB against the SHACL shapes of ontology/shapes.ttl with pyshacl.

pyshacl over the whole store (through rdflib) would be slow, so each node shape is checked on
its own, over batches of its focus nodes: one CONSTRUCT fetches their triples and the types of
what they point to, and pyshacl validates that small graph with that one shape (plus the
ontology's subclass axioms, for sh:class checks such as kb:Item). Violations are grouped by
shape and message, with a few example nodes each.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate
from rdflib.namespace import RDF as R_RDF, SH

from kb import corrections
from kb.config import Settings
from kb.rdf import rebased
from kb.store import DataDir
from kb.vocab import PREFIXES, XSD_STRING

BATCH = 2000  # focus nodes per pyshacl run: small graphs keep pyshacl fast
EXAMPLES = 3  # focus nodes shown per kind of violation
BLANK = "a blank node where an IRI is required (everything a user may link to has one)"

ONTOLOGY_IRI = f"SELECT ?o {{ GRAPH ?o {{ ?o a <{PREFIXES['owl']}Ontology> }} }} LIMIT 1"
FETCH = """CONSTRUCT { ?s ?p ?o . ?o a ?t } WHERE {
  VALUES ?s { %s }
  ?s ?p ?o .
  OPTIONAL { ?o a ?t }
}"""


@dataclass
class Report:
    checked: int = 0  # focus nodes validated
    shapes: int = 0
    violations: dict[tuple[str, str, str], set[str]] = field(default_factory=lambda: defaultdict(set))

    @property
    def conforms(self) -> bool:
        return not self.violations


def validate(settings: Settings) -> tuple[bool, str]:
    """Validate the KB in settings.data_dir and its corrections file; (conforms, a report for people)."""
    data = DataDir(settings.data_dir)
    store = data.open_read()
    report = validate_store(store, _base(store, settings.base))
    current = data.current()
    problems = [f"  {problem}" for problem in corrections.check(corrections.remembered(settings, current), current)]
    if problems:
        problems.insert(0, "kb validate: the corrections file has problems:")
    lines = [format_report(report), *problems]
    return report.conforms and not problems, "\n".join(lines)


def _base(store: ox.Store, default: str) -> str:
    """The base the KB was built with, read off the ontology it carries ({base}ontology)."""
    found = list(store.query(ONTOLOGY_IRI))
    return found[0]["o"].value.removesuffix("ontology") if found else default


def load_shapes(base: str) -> rdflib.Graph:
    # only the file's own prefixes: rdflib's defaults bind schema: to https://schema.org/
    return rdflib.Graph(bind_namespaces="none").parse(data=rebased("shapes.ttl", base), format="turtle")


def validate_store(store: ox.Store, base: str) -> Report:
    shapes = load_shapes(base)
    report = Report()
    for shape in sorted(set(shapes.subjects(R_RDF.type, SH.NodeShape)), key=str):
        focus = _focus_nodes(store, shapes, shape)
        if focus:
            report.shapes += 1
        for blank in [n for n in focus if not isinstance(n, ox.NamedNode)]:
            report.violations[(_short(shape, shapes), "", BLANK)].add(str(blank))
        focus = [n for n in focus if isinstance(n, ox.NamedNode)]
        for start in range(0, len(focus), BATCH):
            batch = focus[start:start + BATCH]
            data = _to_rdflib(store.query(FETCH % " ".join(map(str, batch)), use_default_graph_as_union=True))
            _check(data, shapes, shape, report)
            report.checked += len(batch)
    return report


def _focus_nodes(store: ox.Store, shapes: rdflib.Graph, shape: rdflib.term.Node) -> list:
    """The nodes a shape targets (sh:targetClass, sh:targetObjectsOf, sh:targetSubjectsOf), in a stable order."""
    patterns = [f"?s a <{c}>" for c in shapes.objects(shape, SH.targetClass)]
    patterns += [f"?x <{p}> ?s" for p in shapes.objects(shape, SH.targetObjectsOf)]
    patterns += [f"?s <{p}> ?x" for p in shapes.objects(shape, SH.targetSubjectsOf)]
    if not patterns:
        return []
    union = " UNION ".join(f"{{ {pattern} }}" for pattern in patterns)
    query = f"SELECT DISTINCT ?s {{ GRAPH ?g {{ {union} }} }} ORDER BY ?s"
    return [row["s"] for row in store.query(query)]


def _to_rdflib(triples: ox.QueryTriples) -> rdflib.Graph:
    """pyoxigraph triples as an rdflib graph (term by term: faster than an N-Triples round trip)."""
    graph, terms = rdflib.Graph(), {}
    for triple in triples:
        graph.add(tuple(terms.get(t) or terms.setdefault(t, _term(t)) for t in triple))
    return graph


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> rdflib.term.Node:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    datatype = None if term.datatype.value == XSD_STRING else rdflib.URIRef(term.datatype.value)
    return rdflib.Literal(term.value, datatype=datatype)


def _check(data: rdflib.Graph, shapes: rdflib.Graph, shape: rdflib.term.Node, report: Report) -> None:
    conforms, results, _ = shacl_validate(data, shacl_graph=shapes, use_shapes=[shape], inference="none",
                                          allow_warnings=True)
    if conforms:
        return
    for result in results.objects(None, SH.result):
        message = results.value(result, SH.resultMessage)
        path = results.value(result, SH.resultPath)
        focus = results.value(result, SH.focusNode)
        key = (_short(shape, shapes), _short(path, shapes) if path is not None else "", str(message))
        report.violations[key].add(_short(focus, shapes))


def _short(node: rdflib.term.Node, graph: rdflib.Graph) -> str:
    if isinstance(node, rdflib.URIRef):
        try:
            return graph.namespace_manager.normalizeUri(node)
        except ValueError:
            return f"<{node}>"
    return str(node)


def format_report(report: Report) -> str:
    """One line of verdict, then each kind of violation with its count and examples."""
    checked = f"{report.checked} nodes checked against {report.shapes} shapes"
    if report.conforms:
        return f"kb validate: the KB conforms to ontology/shapes.ttl ({checked})"
    total = sum(len(nodes) for nodes in report.violations.values())
    lines = [f"kb validate: the KB does NOT conform to ontology/shapes.ttl: {total} violations "
             f"of {len(report.violations)} constraints ({checked})"]
    for (shape, path, message), nodes in sorted(report.violations.items()):
        count = f"{len(nodes)} node" + ("s" if len(nodes) > 1 else "")
        lines.append(f"  {' '.join(filter(None, (shape, path)))}: {message} ({count})")
        lines += [f"      {node}" for node in sorted(nodes)[:EXAMPLES]]
        if len(nodes) > EXAMPLES:
            lines.append(f"      … and {len(nodes) - EXAMPLES} more")
    return "\n".join(lines)
