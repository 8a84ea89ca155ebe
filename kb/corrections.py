"""An editor's corrections, kept as data: a plain-text file the newsroom keeps under version
control, applied again by every `kb build` and `kb add`, so that no rebuild undoes them.

The file (corrections.tsv in the data dir, or --corrections / $KB_CORRECTIONS) holds one
correction a line, seven tab-separated fields; lines starting with '#' are comments:

    id  when (UTC)            by      operation  target          value        reason
    3   2026-12-03T09:30:00Z  王编辑  merge      person/张平     person/张 平  the same official

Targets are IRIs written relative to the KB's base (person/史根治), so the file serves any base.

    reject  ENTITY | MENTION | POST   it disappears from the KB, its pages and the dumps
    merge   KEEP  OTHER               OTHER's names, mentions and posts go to KEEP; OTHER answers 301
    rename  ENTITY  NEW_NAME          its schema:name (the old one stays an alternateName); the IRI stays
    retype  ENTITY  CLASS             its class, within its kind (schema:GovernmentOrganization)
    split   MENTION  QUALIFIER        the mention names a namesake, told apart by QUALIFIER (person/张平~…)
    add     ENTITY  PROPERTY VALUE    a fact the extractor missed (place/库庄镇 schema:containedInPlace place/襄城县)

kb.corrected applies them, to each page's result before it is mapped to RDF and to the resolved
entities before the entities graph is mapped. Each correction is described in its own named graph
(kb.rdf.correction_quads); every fact it changed points to it.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Iterable
from urllib.parse import unquote

import pyoxigraph as ox

from kb.config import Settings
from kb.errors import KbError
from kb.iris import QUALIFIER_SEPARATOR, Minter, segment
from kb.kinds import BY_PATH, ENTITY_KINDS, SUBTYPES
from kb.vocab import PREFIXES

FILE_NAME = "corrections.tsv"
APPLIED = "corrections.json"  # in a snapshot: the corrections it applied, and those that matched nothing
FIELDS = ("id", "when", "by", "operation", "target", "value", "reason")
OPERATIONS = ("reject", "merge", "rename", "retype", "split", "add")
HEADER = (f"# kb corrections, one a line, tab-separated: {', '.join(FIELDS)}\n"
          "# targets are IRIs relative to the KB's base; see the editor's guide in README.md\n")
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
FACT_KINDS = {"containedIn": "place", "location": "place", "owner": "organization"}  # facts naming an entity
# what `add` can state: property -> (Entity fact key, kinds it is stated of); the value is an entity
# of FACT_KINDS[key] (without qualifier: facts name entities by name), or a name for alternateName
ADDABLE = {"schema:containedInPlace": ("containedIn", ("place",)), "schema:location": ("location", ("project",)),
           "kb:owner": ("owner", ("project",)), "schema:alternateName": ("alternateName", tuple(ENTITY_KINDS))}
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_ENTITY = re.compile(r"^(%s)/[^/]+(/\d{4}-\d{2}-\d{2})?$" % "|".join(BY_PATH))
_MENTION = re.compile(r"^mention/[^/]+/\d+-\d+$")
_POST = re.compile(r"^post/[^/]+/\d+$")


class CorrectionError(KbError):
    """A corrections file, or a correction, that cannot be applied."""

    http_status = 400


@dataclass(frozen=True)
class Correction:
    id: str
    when: str  # UTC, TIME_FORMAT
    by: str  # the editor
    operation: str  # one of OPERATIONS
    target: str  # an IRI relative to the base: what is corrected (merge: the entity that stays)
    value: str  # merge: the entity merged away; rename: the new name; retype: the class; split: what
    # tells the namesake apart; reject: ""
    reason: str
    line: int = field(default=0, compare=False)

    def __str__(self) -> str:
        what = {"reject": f"reject {self.target}", "merge": f"merge {self.value} into {self.target}",
                "add": f"add {self.value} to {self.target}"}.get(
            self.operation, f"{self.operation} {self.target} to {self.value}")
        return f"correction {self.id} ({what}, line {self.line})"

    def to_line(self) -> str:
        return "\t".join((self.id, self.when, self.by, self.operation, self.target, self.value, self.reason))


def path_of(settings: Settings) -> Path:
    return settings.corrections or settings.data_dir / FILE_NAME


def read(path: Path) -> tuple[Correction, ...]:
    """The corrections in a file (none when there is no file); a malformed file is refused, naming the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ()
    except (OSError, UnicodeDecodeError) as exc:
        raise CorrectionError(f"cannot read the corrections file {path}: {exc}") from None
    return parse(text, str(path))


def parse(text: str, source: str) -> tuple[Correction, ...]:
    found: dict[str, Correction] = {}
    for number, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != len(FIELDS):
            raise CorrectionError(f"{source} line {number}: {len(fields)} tab-separated fields where "
                                  f"{len(FIELDS)} are expected ({', '.join(FIELDS)})")
        correction = Correction(*(f.strip() for f in fields), line=number)
        problem = problem_of(correction)
        if problem is None and correction.id in found:
            problem = f"id {correction.id!r} is used on line {found[correction.id].line} too"
        if problem:
            raise CorrectionError(f"{source} line {number}: {problem}")
        found[correction.id] = correction
    corrections = tuple(found.values())
    if problem := merge_problem(corrections):
        raise CorrectionError(f"{source} {problem}")
    return corrections


def problem_of(c: Correction) -> str | None:
    """What is wrong with one correction on its own, or None."""
    try:
        datetime.strptime(c.when, TIME_FORMAT)
    except ValueError:
        return f"time {c.when!r} is not a UTC time like 2026-12-03T09:30:00Z"
    if not _ID.match(c.id):
        return f"id {c.id!r} is not a word of letters, digits, '.', '_' and '-'"
    if not c.by:
        return "no editor is named (by)"
    if not c.reason:
        return "no reason is given"
    if c.operation not in OPERATIONS:
        return f"operation {c.operation!r} is not one of {', '.join(OPERATIONS)}"
    patterns = {"reject": (_ENTITY, _MENTION, _POST), "split": (_MENTION,)}.get(c.operation, (_ENTITY,))
    if problem := _iri_problem(c.target, patterns):
        return problem
    return _VALUE_PROBLEMS[c.operation](c)


_FORMS = {_ENTITY: "an entity (person/…, organization/…, project/…, place/…, event/…)",
          _MENTION: "a mention (mention/<page>/<start>-<end>)", _POST: "a post (post/<page>/<n>)"}


def _iri_problem(path: str, patterns: tuple[re.Pattern, ...]) -> str | None:
    if "://" in path:
        return f"{path!r}: write IRIs relative to the KB's base (person/史根治, not http://…/person/史根治)"
    if not any(p.match(path) for p in patterns):
        return f"{path!r} is not the IRI of {' or '.join(_FORMS[p] for p in patterns)}"
    if canonical(path) != path:
        return f"{path!r} is not written the way kb writes it: {canonical(path)}"
    return None


def _merge_value(c: Correction) -> str | None:
    if problem := _iri_problem(c.value, (_ENTITY,)):
        return problem
    if c.value == c.target:
        return f"cannot merge {c.target} into itself"
    if kind_of(c.value) != kind_of(c.target):
        return f"cannot merge {c.value} ({kind_of(c.value)}) into {c.target} ({kind_of(c.target)}): kinds differ"
    return None


def _retype_value(c: Correction) -> str | None:
    found = classes().get(c.value)
    if found is None:
        return f"class {c.value!r} is not one kb gives entities; use one of {', '.join(sorted(classes()))}"
    if found[0] != kind_of(c.target):
        return (f"{c.target} is a(n) {kind_of(c.target)} and {c.value} a class of {found[0]}s: a retype "
                f"keeps the kind (reject it instead)")
    return None


_VALUE_PROBLEMS = {
    "reject": lambda c: "reject takes no value" if c.value else None,
    "merge": _merge_value,
    "rename": lambda c: None if c.value and c.value.isprintable() else f"new name {c.value!r} is empty or unprintable",
    "retype": _retype_value,
    "split": lambda c: None if c.value and c.value.isprintable() else f"qualifier {c.value!r} is empty or unprintable",
    "add": lambda c: _add_value(c),
}


def _add_value(c: Correction) -> str | None:
    """The value of an add: a property of ADDABLE, a space, and an entity's IRI or a name."""
    prop, _, value = c.value.partition(" ")
    if prop not in ADDABLE:
        return f"add states one of {', '.join(ADDABLE)}, not {prop!r} (write: PROPERTY VALUE)"
    key, kinds = ADDABLE[prop]
    if kind_of(c.target) not in kinds:
        return f"{prop} is stated of {' or '.join(kinds)}s, and {c.target} is a(n) {kind_of(c.target)}"
    if key not in FACT_KINDS:
        return None if value and value.isprintable() else f"{prop} needs a name, not {value!r}"
    if problem := _iri_problem(value, (_ENTITY,)):
        return problem
    if kind_of(value) != FACT_KINDS[key] or entity_key(value)[2] is not None:
        return f"{prop} names a(n) {FACT_KINDS[key]} without qualifier, not {value}"
    return None


def merge_problem(corrections: Iterable[Correction]) -> str | None:
    """Merges must form chains that end: none merged twice, no cycle."""
    into: dict[str, Correction] = {}
    for c in corrections:
        if c.operation == "merge":
            if c.value in into:
                return f"line {c.line}: {c.value} is merged into {into[c.value].target} on line {into[c.value].line}"
            into[c.value] = c
    for c in into.values():
        chain = [c.value, c.target]
        while chain[-1] in into:
            if chain[-1] in chain[:-1]:
                lines = sorted({into[p].line for p in chain[:-1]})
                return f"lines {', '.join(map(str, lines))}: merges make a cycle: {' -> '.join(chain)}"
            chain.append(into[chain[-1]].target)
    return None


def canonical(path: str) -> str:
    """An IRI path as kb mints it: each segment decoded, then encoded the way kb.iris does."""
    return "/".join(segment(unquote(part)) for part in path.split("/"))


def kind_of(path: str) -> str:
    kind = BY_PATH.get(path.split("/", 1)[0])
    return kind.name if kind else ""


def entity_key(path: str) -> tuple[str, str, str | None]:
    """(kind, name, qualifier) of an entity's IRI path: kb.iris.Minter.entity backwards."""
    kind, name, *date = [unquote(part) for part in path.split("/")]
    if date:
        return BY_PATH[kind].name, name, date[0]
    plain, _, qualifier = name.partition(QUALIFIER_SEPARATOR)
    return BY_PATH[kind].name, plain, qualifier or None


@lru_cache(maxsize=1)
def classes() -> dict[str, tuple[str, str | None]]:
    """What `retype` accepts: a class, as schema:X or kb:X -> (kind, subtype)."""
    table = {_curie(kind.cls): (kind.name, None) for kind in ENTITY_KINDS.values()}
    for name, subtype in SUBTYPES.items():
        table[_curie(subtype.classes[-1])] = (subtype.kind, name)
    return table


def _curie(cls: ox.NamedNode | str) -> str:
    return f"kb:{cls}" if isinstance(cls, str) else "schema:" + cls.value.removeprefix(PREFIXES["schema"])


def class_curie(value: str) -> str:
    """A class as an editor may give it (schema:X, kb:X, or the whole IRI) as the file writes it."""
    if value.startswith(PREFIXES["schema"]):
        return "schema:" + value.removeprefix(PREFIXES["schema"])
    if "://" in value and "ontology#" in value:
        return "kb:" + value.rsplit("#", 1)[1]
    return value


# --- the plan: the corrections as IRIs under one base ----------------------------------------------

@dataclass(frozen=True)
class Plan:
    corrections: tuple[Correction, ...] = ()
    rejected: dict[str, str] = field(default_factory=dict)  # IRI -> correction id
    merged: dict[str, tuple[str, str]] = field(default_factory=dict)  # IRI -> (path of the survivor, id)
    renamed: dict[str, tuple[str, str]] = field(default_factory=dict)  # IRI -> (new name, id)
    retyped: dict[str, tuple[str | None, str]] = field(default_factory=dict)  # IRI -> (subtype, id)
    split: dict[str, tuple[str, str]] = field(default_factory=dict)  # mention IRI -> (qualifier, id)
    added: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)  # IRI -> [(fact key, value, id)]
    named: dict[tuple, str] = field(default_factory=dict)  # (kind, name, qualifier) -> IRI of each entity named
    names: set[tuple[str, str]] = field(default_factory=set)  # (kind, name) of each entity named

    @classmethod
    def of(cls, corrections: tuple[Correction, ...], base: str) -> "Plan":
        into = {c.value: c.target for c in corrections if c.operation == "merge"}
        plan = cls(corrections)
        for c in corrections:
            iri = base + c.target
            for path in (c.target, c.value) if c.operation == "merge" else (c.target,):
                if kind_of(path):
                    plan.named[entity_key(path)] = base + path
                    plan.names.add(entity_key(path)[:2])
            if c.operation == "reject":
                plan.rejected[iri] = c.id
            elif c.operation == "merge":
                survivor = c.target
                while survivor in into:  # a chain ends at the entity that stays (merge_problem: no cycle)
                    survivor = into[survivor]
                plan.merged[base + c.value] = (survivor, c.id)
            elif c.operation == "rename":
                plan.renamed[iri] = (c.value, c.id)
            elif c.operation == "split":
                plan.split[iri] = (c.value, c.id)
            elif c.operation == "add":
                prop, _, value = c.value.partition(" ")
                key = ADDABLE[prop][0]
                plan.added.setdefault(iri, []).append((key, entity_key(value)[1] if key in FACT_KINDS else value, c.id))
            else:
                plan.retyped[iri] = (classes()[c.value][1], c.id)
        return plan

    def changes_pages(self) -> bool:
        return bool(self.rejected or self.merged or self.split)


def plan_for(settings: Settings) -> Plan:
    """The plan of the settings' corrections file under the settings' base; read again only when
    the file changes (each build worker reads it once)."""
    path = path_of(settings)
    try:
        stat = path.stat()
        version = (stat.st_mtime_ns, stat.st_size)
    except FileNotFoundError:
        version = None
    return _plan(str(path), version, settings.base)


@lru_cache(maxsize=4)
def _plan(path: str, version: tuple[int, int] | None, base: str) -> Plan:
    return Plan.of(read(Path(path)) if version else (), base)


# --- what a snapshot applied ------------------------------------------------------------------------

def save_applied(snapshot: Path, plan: Plan, stale: list[Correction], settings: Settings) -> None:
    data = {"file": str(settings.corrections.resolve()) if settings.corrections else None,
            "applied": [c.to_line() for c in plan.corrections], "stale": [c.id for c in stale]}
    (snapshot / APPLIED).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def remembered(settings: Settings, snapshot: Path) -> Settings:
    """The settings with the corrections file the KB was made with (--corrections), unless one is
    given now: a later `kb correct` or `kb add` must not apply another file's corrections."""
    if settings.corrections is not None or not (snapshot / APPLIED).exists():
        return settings
    file = json.loads((snapshot / APPLIED).read_text(encoding="utf-8")).get("file")
    return replace(settings, corrections=Path(file)) if file else settings


def applied(snapshot: Path) -> tuple[tuple[Correction, ...], list[str]]:
    """The corrections a snapshot applied, and the ids of those that matched nothing in it."""
    try:
        data = json.loads((snapshot / APPLIED).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return (), []
    return parse("\n".join(data["applied"]), str(snapshot / APPLIED)), data["stale"]


def changed(before: tuple[Correction, ...], after: tuple[Correction, ...]) -> list[Correction]:
    """The corrections added, removed or edited (both versions of an edited one)."""
    old, new = {c.id: c for c in before}, {c.id: c for c in after}
    return [*(c for c in before if new.get(c.id) != c), *(c for c in after if old.get(c.id) != c)]


def touched_pages(changes: list[Correction], store: ox.Store, mint: Minter, pages: Iterable[str],
                  corrected: dict[str, list[str]]) -> set[str]:
    """The pages whose mapping these corrections change: those they changed before (`corrected`:
    correction id -> pages) and those that name what they reject or merge away, now."""
    graphs = {mint.graph(page).value: page for page in pages}
    touched: set[str] = set()
    for c in changes:
        touched.update(corrected.get(c.id, ()))
        path = {"reject": c.target, "merge": c.value, "split": c.target}.get(c.operation)
        if path is None:
            continue
        if not _ENTITY.match(path):  # a mention or post: its page is in its IRI
            touched.add(unquote(path.split("/")[1]))
            continue
        for quad in store.quads_for_pattern(None, None, mint.at(path), None):
            if quad.graph_name.value in graphs:
                touched.add(graphs[quad.graph_name.value])
    return touched & set(graphs.values())


def check(settings: Settings, snapshot: Path) -> list[str]:
    """What `kb validate` says of the corrections file against the KB it was applied to: one
    line per problem (none when the file is well formed and every correction matched)."""
    path = path_of(settings)
    try:
        current = read(path)
    except CorrectionError as exc:
        return [str(exc)]
    done, stale = applied(snapshot)
    problems = [f"{path}: {c} matched nothing when it was last applied" for c in current if c.id in stale and c in done]
    if set(current) != set(done):
        problems.append(f"{path}: {len(changed(done, current))} corrections differ from those the KB applied; "
                        f"kb add or kb build applies them")
    return problems
