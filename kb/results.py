"""Streaming writers for SPARQL query results, with a cap on rows.

pyoxigraph serializes a whole result in one call and cannot stop after N rows, so SELECT
results are written here row by row (JSON, XML, CSV, TSV as the W3C specs define them);
graphs and booleans go through pyoxigraph's own serializers.
"""
from __future__ import annotations

import csv
import io
import itertools
import json
from typing import BinaryIO, Iterable, Iterator
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from kb.vocab import PREFIXES, XSD_STRING

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
    "rdf": ox.RdfFormat.RDF_XML,
}
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
_encode = json.JSONEncoder(ensure_ascii=False).encode  # one encoder: json.dumps(…, ensure_ascii=False) makes one per call


def write(result: ox.QuerySolutions | ox.QueryTriples | ox.QueryBoolean, fmt: str, out: BinaryIO,
          max_rows: int | None = None) -> tuple[int, bool]:
    """Write `result` in `fmt` (a key of RESULT_FORMATS or GRAPH_FORMATS); return (rows written,
    whether rows were left out because of `max_rows`)."""
    if isinstance(result, ox.QueryBoolean):
        result.serialize(out, RESULT_FORMATS[fmt])
        return 1, False
    rows, truncated = _capped(result, max_rows)
    if isinstance(result, ox.QueryTriples):
        counter = _Counter(rows)
        prefixes = PREFIXES if fmt == "ttl" else None
        ox.serialize(counter, out, GRAPH_FORMATS[fmt], prefixes=prefixes)
        return counter.count, truncated()
    names = [v.value for v in result.variables]
    count = WRITERS[fmt](names, rows, out)
    return count, truncated()


def _capped(rows: Iterable, max_rows: int | None):
    """The first `max_rows` rows, and a function telling afterwards whether more were left."""
    if max_rows is None:
        return iter(rows), lambda: False
    iterator = iter(rows)
    head = itertools.islice(iterator, max_rows)
    return head, lambda: next(iterator, None) is not None


class _Counter:
    def __init__(self, rows: Iterator) -> None:
        self.rows, self.count = rows, 0

    def __iter__(self) -> Iterator:
        for row in self.rows:
            self.count += 1
            yield row


def _json_term(term: Term) -> dict:
    kind = type(term)  # exact types: faster than isinstance, and pyoxigraph's terms are final
    if kind is ox.NamedNode:
        return {"type": "uri", "value": term.value}
    if kind is ox.Literal:
        if language := term.language:
            return {"type": "literal", "value": term.value, "xml:lang": language}
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return {"type": "literal", "value": term.value}
        return {"type": "literal", "value": term.value, "datatype": datatype}
    if kind is ox.BlankNode:
        return {"type": "bnode", "value": term.value}
    return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                        "predicate": _json_term(term.predicate),
                                        "object": _json_term(term.object)}}


def _write_json(names: list[str], rows: Iterable, out: BinaryIO) -> int:
    out.write(b'{"head":{"vars":' + json.dumps(names).encode() + b'},"results":{"bindings":[')
    count = 0
    for row in rows:  # a row's values by position: looking them up by name costs more than the rest
        binding = {name: _json_term(term) for name, term in zip(names, row) if term is not None}
        out.write((b",\n" if count else b"\n") + _encode(binding).encode())
        count += 1
    out.write(b"\n]}}\n")
    return count


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
            f"</predicate><object>{_xml_term(term.object)}</object></triple>")


def _write_xml(names: list[str], rows: Iterable, out: BinaryIO) -> int:
    head = "".join(f"<variable name={quoteattr(n)}/>" for n in names)
    out.write(('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
               f"<head>{head}</head><results>\n").encode())
    count = 0
    for row in rows:
        cells = "".join(f"<binding name={quoteattr(n)}>{_xml_term(term)}</binding>"
                        for n, term in zip(names, row) if term is not None)
        out.write(f"<result>{cells}</result>\n".encode())
        count += 1
    out.write(b"</results></sparql>\n")
    return count


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def _write_csv(names: list[str], rows: Iterable, out: BinaryIO) -> int:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    count = 0
    for row in rows:
        writer.writerow([_csv_value(term) for term in row])
        count += 1
        if buffer.tell() > 8192:
            out.write(buffer.getvalue().encode())
            buffer.seek(0), buffer.truncate()
    out.write(buffer.getvalue().encode())
    return count


def _tsv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if type(term) is ox.Triple:  # str() of a triple has no brackets: SPARQL 1.2 writes <<( s p o )>>
        return f"<<( {_tsv_value(term.subject)} {_tsv_value(term.predicate)} {_tsv_value(term.object)} )>>"
    return str(term)  # a term's N-Triples form, escapes included


def _write_tsv(names: list[str], rows: Iterable, out: BinaryIO) -> int:
    out.write(("\t".join("?" + n for n in names) + "\n").encode())
    count = 0
    for row in rows:
        out.write(("\t".join(_tsv_value(term) for term in row) + "\n").encode())
        count += 1
    return count


WRITERS = {"json": _write_json, "xml": _write_xml, "csv": _write_csv, "tsv": _write_tsv}
