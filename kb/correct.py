"""`kb correct`: check an editor's correction against the KB being served, record it (who, when,
why) in the corrections file, and apply it the way `kb add` applies a page: a new snapshot in
which only the pages the correction concerns are mapped again, switched in one step."""
from __future__ import annotations

import getpass
import json
import os
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox

from kb import build, corrections
from kb.config import Settings
from kb.corrections import Correction, CorrectionError
from kb.iris import Minter
from kb.store import DataDir, open_store_read_only
from kb.vocab import OA, RDF


def correct(settings: Settings, operation: str, target: str, value: str, reason: str,
            by: str | None = None) -> tuple[Correction, Path, build.BuildReport]:
    """Record one correction in the KB's corrections file (returned) and apply it; nothing is
    recorded when it is wrong or cannot be applied."""
    current = DataDir(settings.data_dir).current()
    base = json.loads((current / "COMPLETE").read_text(encoding="utf-8"))["base"]
    settings = corrections.remembered(settings, current)
    path = corrections.path_of(settings)
    existing = corrections.read(path)
    before = path.read_bytes() if path.exists() else None
    correction = Correction(_next_id(existing), datetime.now(timezone.utc).strftime(corrections.TIME_FORMAT),
                            (by or _editor()).strip(), operation, relative(target, base),
                            _value(operation, value, base), " ".join(reason.split()),
                            line=(before or corrections.HEADER.encode()).count(b"\n") + 1)
    if problem := corrections.problem_of(correction) or corrections.merge_problem((*existing, correction)):
        raise CorrectionError(f"cannot {operation}: {problem}")
    _check_in_kb(correction, open_store_read_only(current / "store"), Minter(base),
                 corrections.Plan.of(existing, base))
    text = before or corrections.HEADER.encode()
    _write(path, text + (b"" if text.endswith(b"\n") else b"\n") + correction.to_line().encode() + b"\n")
    try:
        return correction, path, build.update([], settings, progress=False)
    except BaseException:  # not applied: not recorded either
        if before is None:
            path.unlink()
        else:
            _write(path, before)
        raise


def relative(iri: str, base: str) -> str:
    """An IRI of the KB (whole, percent-encoded or not, or relative) as the file writes it."""
    if "://" in iri:
        if not iri.startswith(base):
            raise CorrectionError(f"{iri} is not an IRI of this KB: its IRIs start with {base}")
        iri = iri[len(base):]
    return corrections.canonical(iri.strip().lstrip("/"))


def _value(operation: str, value: str, base: str) -> str:
    if operation == "merge":
        return relative(value, base)
    if operation == "retype":
        return corrections.class_curie(value.strip())
    if operation == "add":  # PROPERTY VALUE: a property as schema:/kb:, an entity relative to the base
        prop, _, named = value.strip().partition(" ")
        key = corrections.ADDABLE.get(corrections.class_curie(prop), ("",))[0]
        named = relative(named, base) if key in corrections.FACT_KINDS else named.strip()
        return f"{corrections.class_curie(prop)} {named}"
    return " ".join(value.split())


def _next_id(existing: tuple[Correction, ...]) -> str:
    numbers = [int(c.id) for c in existing if c.id.isdigit()]
    return str(max(numbers, default=0) + 1)


def _editor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a container): say so rather than guess
        raise CorrectionError("who is correcting? give --by NAME") from None


def _check_in_kb(c: Correction, store: ox.Store, mint: Minter, plan: corrections.Plan) -> None:
    """The IRIs a correction names must be in the KB now (an entity: in the entities graph)."""
    named = c.value.partition(" ")[2]
    also = {"merge": c.value, "add": named if corrections.kind_of(named) else None}.get(c.operation)
    for path in filter(None, (c.target, also)):
        iri = mint.at(path)
        graph = mint.entities_graph() if corrections.kind_of(path) else None
        if not any(True for _ in store.quads_for_pattern(iri, RDF.type, None, graph)):
            raise CorrectionError(f"{path} is not in the KB{_why_gone(iri.value, plan)}")
    if c.operation == "split":
        bodies = [q.object.value.removeprefix(mint.base)
                  for q in store.quads_for_pattern(mint.at(c.target), OA.hasBody, None, None)]
        if not any(corrections.kind_of(body) not in ("", "event") for body in bodies):
            raise CorrectionError(f"{c.target} names no person, organization, project or place (events are told "
                                  f"apart by their date)")


def _why_gone(iri: str, plan: corrections.Plan) -> str:
    if iri in plan.merged:
        survivor, cid = plan.merged[iri]
        return f": correction {cid} merged it into {survivor}"
    if iri in plan.rejected:
        return f": correction {plan.rejected[iri]} rejected it"
    return " (check the IRI on its page)"


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
