"""The `kb` command line: parse, resolve settings, call one library function, print, exit.

The library never prints; this module prints results to stdout and one line per problem to
stderr, and exits non-zero when anything went wrong.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Callable, Sequence

from kb import __version__, config
from kb.errors import ConfigError, KbError

EXIT_OK, EXIT_ERROR, EXIT_SKIPPED = 0, 1, 2


def _settings(args: argparse.Namespace) -> config.Settings:
    flags = {name: getattr(args, name, None)
             for name in ("data_dir", "base", "host", "port", "update_token", "page_cache_mb",
                          "forwarded_allow_ips", "corrections")}
    flags["query_in_memory"] = getattr(args, "in_memory", None) or None  # unset: $KB_QUERY_IN_MEMORY decides
    flags["access_log"] = getattr(args, "access_log", None) or None  # unset: $KB_ACCESS_LOG decides
    return config.resolve(flags)


def cmd_build(args: argparse.Namespace) -> int:
    from kb.build import build

    settings = _settings(args)
    report = build(args.paths or ["seeds"], settings, progress=not args.quiet)
    return _report(report, settings, "built")


def cmd_add(args: argparse.Namespace) -> int:
    from kb.build import add

    settings = _settings(args)
    report = add(args.paths, settings, progress=not args.quiet)
    return _report(report, settings, "added")


def _report(report, settings: config.Settings, verb: str) -> int:
    for problem in report.skipped:
        print(f"kb: skipped {problem}", file=sys.stderr)
    for correction in report.stale:
        print(f"kb: {correction} no longer matches anything in the KB", file=sys.stderr)
    unchanged = f", {report.unchanged} unchanged" if report.unchanged else ""
    if report.recorrected:
        unchanged += f", {report.recorrected} mapped again for the corrections"
    print(f"kb: {verb} {report.changed - report.recorrected} pages{unchanged}; the KB has {report.pages} pages, "
          f"{report.triples} triples in {settings.data_dir}", file=sys.stderr)
    return EXIT_SKIPPED if report.skipped or report.stale else EXIT_OK


def cmd_correct(args: argparse.Namespace) -> int:
    from kb.correct import correct

    settings = _settings(args)
    value = " ".join(getattr(args, name) for name in ("value", "object") if hasattr(args, name))  # add: PROPERTY VALUE
    done, path, report = correct(settings, args.operation, args.target, value, args.reason, args.by)
    print(f"kb: recorded {done} in {path}", file=sys.stderr)
    _report(report, settings, "added")  # other corrections that match nothing are named, but this one succeeded
    return EXIT_OK


def cmd_extract(args: argparse.Namespace) -> int:
    from kb.pipeline import extract

    settings = _settings(args)
    result = extract(args.page, settings)
    if args.format == "json":
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        for item in result.items:
            print(f"[{item.index + 1}] {item.kind}: {item.headline or item.text[:30]}")
        for entity in result.entities:
            print(f"  {entity.kind}: {entity.name}")
    return EXIT_OK


def cmd_query(args: argparse.Namespace) -> int:
    from kb.query import run_cli_query

    run_cli_query(args.query, _settings(args), args.data, args.endpoint, args.format, sys.stdout.buffer)
    return EXIT_OK


def cmd_dump(args: argparse.Namespace) -> int:
    from kb.dumps.files import dump

    settings = _settings(args)
    if args.output:
        with open(args.output, "wb") as out:
            dump(settings, args.format, out)
    else:
        dump(settings, args.format, sys.stdout.buffer)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from kb.web.server import serve

    serve(_settings(args), data_files=args.data, endpoint=args.endpoint, user=args.user, password=args.password,
          workers=args.workers, base_given=bool(args.base or os.environ.get("KB_BASE")))
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from kb.validate import validate

    conforms, text = validate(_settings(args))
    print(text)
    return EXIT_OK if conforms else EXIT_ERROR


def cmd_push(args: argparse.Namespace) -> int:
    from kb.push import push

    count = push(_settings(args), args.endpoint, args.user, args.password)
    print(f"kb: pushed {count} triples to {args.endpoint}", file=sys.stderr)
    return EXIT_OK


def cmd_evaluate(args: argparse.Namespace) -> int:
    from kb.evaluate import evaluate_bio, evaluate_gold

    settings = _settings(args)
    refused: list[str] = []
    if args.gold.is_dir():
        scores = evaluate_gold(args.gold, args.pages, settings)
    elif args.gold.is_file():
        scores, refused = evaluate_bio(args.gold, settings)
    else:
        raise ConfigError(f"{args.gold}: no such folder of gold files or BIO file")
    if args.format == "json":
        print(json.dumps({kind: {"precision": s.precision, "recall": s.recall, "f1": s.f1, "tp": s.true_positives,
                                 "predicted": s.predicted, "gold": s.gold} for kind, s in scores.items()}, indent=2))
    else:
        print(f"{'kind':14} {'P':>6} {'R':>6} {'F1':>6} {'tp':>6} {'pred':>6} {'gold':>6}")
        for kind, s in scores.items():
            print(f"{kind:14} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.true_positives:6} {s.predicted:6} {s.gold:6}")
    if refused:
        print(f"kb evaluate: {len(refused)} articles refused (counted as finding nothing), e.g. {refused[0]}",
              file=sys.stderr)
    return EXIT_OK


def _data_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", type=Path, help="the KB's folder (default: $KB_DATA_DIR, else data/)")


def _corrections(p: argparse.ArgumentParser) -> None:
    p.add_argument("--corrections", type=Path, metavar="FILE",
                   help="the editors' corrections file (default: $KB_CORRECTIONS, else corrections.tsv in the "
                        "data dir)")


def _base(p: argparse.ArgumentParser) -> None:
    p.add_argument("--base", help="base IRI of minted IRIs (default: $KB_BASE, else http://127.0.0.1:8000/)")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="kb", description="A linked-data publisher for newspaper archives.")
    top.add_argument("--version", action="version", version=f"kb {__version__}")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, func: Callable[[argparse.Namespace], int], help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(func=func)
        return p

    p = command("build", cmd_build, "(re)build the KB from page files or folders (default: seeds/)")
    p.add_argument("paths", nargs="*", metavar="PATH")
    _data_dir(p), _base(p), _corrections(p)
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = command("add", cmd_add, "add or replace pages in an existing KB, incrementally")
    p.add_argument("paths", nargs="+", metavar="PATH")
    _data_dir(p), _corrections(p)
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = command("extract", cmd_extract, "show what one page yields (items, entities)")
    p.add_argument("page", metavar="PAGE")
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = command("evaluate", cmd_evaluate, "precision, recall and F1 per kind against hand annotations")
    p.add_argument("gold", type=Path, metavar="GOLD_DIR_OR_BIO_FILE",
                   help="a folder of gold JSON files (the format of ../shared/gold) or a BIO file of sentences")
    p.add_argument("pages", nargs="*", type=Path, metavar="PAGE",
                   help="page files or folders holding the gold files' pages (default: beside them, ../seeds, seeds/)")
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = command("query", cmd_query, "run SPARQL over the KB, RDF files or a remote endpoint")
    p.add_argument("query", metavar="QUERY_OR_FILE", nargs="?",
                   help="a SPARQL query, or a file holding one (may also come last, after --data FILE ...)")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--data-dir", type=Path, help="the KB's folder (default: $KB_DATA_DIR, else data/)")
    source.add_argument("--data", nargs="+", metavar="FILE", help="query these RDF files instead of the KB")
    source.add_argument("--endpoint", metavar="URL", help="query a remote SPARQL endpoint")
    p.add_argument("--format", choices=("json", "xml", "csv", "tsv", "ttl", "nt", "jsonld"), default=None,
                   help="result format (default: tsv for SELECT/ASK, ttl for CONSTRUCT/DESCRIBE)")

    p = command("dump", cmd_dump, "write the whole KB as RDF")
    _data_dir(p)
    p.add_argument("--format", choices=("ttl", "nt", "nq", "trig", "jsonld"), default="ttl")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")

    p = command("serve", cmd_serve, "serve the KB (SPARQL endpoint, entity pages, dumps) over HTTP")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--data-dir", type=Path, help="the KB's folder (default: $KB_DATA_DIR, else data/)")
    source.add_argument("--data", nargs="+", metavar="FILE", help="serve these RDF files instead of the KB")
    source.add_argument("--endpoint", metavar="URL",
                        help="serve the KB pushed (kb push) into this external SPARQL 1.1 endpoint")
    p.add_argument("--user", help="user name for the --endpoint store (HTTP Basic or Digest)")
    p.add_argument("--password", help="password for the --endpoint store")
    p.add_argument("--host", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, help="port to listen on (default: 8000)")
    _base(p)
    p.add_argument("--update-token", help="allow SPARQL Update with this bearer token (default: $KB_UPDATE_TOKEN)")
    p.add_argument("--workers", type=int, default=1,
                   help="server processes sharing the port (default 1; a KB's data dir only, no update token)")
    p.add_argument("--in-memory", action="store_true", default=None,
                   help="answer SPARQL from an in-memory copy of the store, loaded by each query worker "
                        "(faster queries, more memory; default: $KB_QUERY_IN_MEMORY; no update token)")
    p.add_argument("--page-cache-mb", type=int,
                   help="megabytes of rendered pages (gzipped) kept per server process (default: "
                        "$KB_PAGE_CACHE_MB, else 128; 0: none)")
    p.add_argument("--access-log", action="store_true", default=None,
                   help="log every request (default: $KB_ACCESS_LOG, else off)")
    p.add_argument("--forwarded-allow-ips", metavar="IPS",
                   help="proxies whose X-Forwarded-Proto/-For/-Host/-Prefix are trusted (default: "
                        "$KB_FORWARDED_ALLOW_IPS, else 127.0.0.1; * for any)")

    p = command("validate", cmd_validate,
                "validate the KB against ontology/shapes.ttl (SHACL) and its corrections file")
    _data_dir(p), _corrections(p)

    p = command("correct", cmd_correct, "an editor's correction: recorded, applied now and on every build and add")
    operations = p.add_subparsers(dest="operation", required=True, metavar="OPERATION")
    for name, arguments, help in (
            ("reject", ("IRI",), "not an entity (or not a mention, not a post): it leaves the KB"),
            ("merge", ("KEEP_IRI", "OTHER_IRI"), "one entity: OTHER's names and facts go to KEEP, OTHER answers 301"),
            ("rename", ("IRI", "NEW_NAME"), "the entity's name is wrong (its IRI stays)"),
            ("retype", ("IRI", "CLASS_IRI"),
             "the entity's class is wrong (schema:GovernmentOrganization, kb:Province…)"),
            ("split", ("MENTION_IRI", "QUALIFIER"),
             "the mention names a namesake (a second 张平), told apart by QUALIFIER"),
            ("add", ("IRI", "PROPERTY", "VALUE"), "a fact the extractor missed: schema:containedInPlace, "
             "schema:location, kb:owner (an entity's IRI) or schema:alternateName (a name)")):
        q = operations.add_parser(name, help=help, description=help)
        for dest, metavar in zip(("target", "value", "object"), arguments):
            q.add_argument(dest, metavar=metavar)
        q.add_argument("--reason", required=True, help="why: kept with the correction and shown on the pages")
        q.add_argument("--by", metavar="NAME", help="who corrects (default: your login name)")
        _data_dir(q), _corrections(q)

    p = command("push", cmd_push, "load the KB into an external SPARQL 1.1 store")
    p.add_argument("--endpoint", required=True, metavar="URL", help="the store's SPARQL/Graph Store endpoint")
    _data_dir(p)
    p.add_argument("--user", help="user name for HTTP basic authentication")
    p.add_argument("--password", help="password for HTTP basic authentication")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except KbError as exc:
        print(f"kb: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except NotImplementedError as exc:
        print(f"kb {args.command}: not implemented yet ({exc})", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("kb: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
