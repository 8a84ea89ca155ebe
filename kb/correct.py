"""`kb correct`: check an editor's correction against the KB being served, record it (who, when,
why) in the corrections file, and apply it the way `kb add` applies a page: a new snapshot in
which only the pages the correction concerns are mapped again, switched in one step."""
from __future__ import annotations

import fcntl
import getpass
import json
import os
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

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
    data = DataDir(settings.data_dir)
    settings = corrections.remembered(settings, data.current())
    path = corrections.path_of(settings)
    with _editing(path):  # editors correcting at once take turns: each reads the file and the KB as left
        current = data.current()
        base = json.loads((current / "COMPLETE").read_text(encoding="utf-8"))["base"]
        existing = corrections.read(path)
        correction = Correction(
            _next_id(existing), datetime.now(timezone.utc).strftime(corrections.TIME_FORMAT),
            " ".join((by or _editor()).split()), operation, relative(target, base), _value(operation, value, base),
            " ".join(reason.split()), line=len(_text(path).split(b"\n")))
        if problem := corrections.problem_of(correction) or corrections.merge_problem((*existing, correction)):
            raise CorrectionError(f"cannot {operation}: {problem}")
        _check_in_kb(correction, open_store_read_only(current / "store"), Minter(base),
                     corrections.Plan.of(existing, base))
        return correction, path, _recorded_and_applied(correction, path, settings)


def _recorded_and_applied(correction: Correction, path: Path, settings: Settings) -> build.BuildReport:
    """The correction appended to the file, then applied; the file as it was if it cannot be."""
    before = path.read_bytes() if path.exists() else None
    _write(path, _text(path) + correction.to_line().encode() + b"\n")
    try:
        return build.update([], settings, progress=False)
    except BaseException:
        if before is None:
            path.unlink()
        else:
            _write(path, before)
        raise


def _text(path: Path) -> bytes:
    """The file's text to append to, ending with a new line (a new file: its header)."""
    text = path.read_bytes() if path.exists() else corrections.HEADER.encode()
    return text if text.endswith(b"\n") else text + b"\n"


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
        named = relative(named, base) if key in corrections.FACT_KINDS else " ".join(named.split())
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


@contextmanager
def _editing(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
