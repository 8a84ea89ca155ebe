"""kb installed from its wheel, outside the checkout: it builds, validates, answers every query of
the library, and serves the ontology, the SPARQL editor and the query library.

The wheel is built from a copy of the checkout (so no build/ lands in it) and installed with
--no-deps into a scratch venv that reads the project venv's site-packages for the dependencies:
offline, and nothing of the checkout is on the scratch venv's path.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
import rdflib
from rdflib.namespace import OWL, RDF

from conftest import ROOT, SEEDS, Server

# kb/ontology, kb/queries and kb/web/editor link to these, relative to the copy of kb/
LINKED = ("ontology", "queries", "node_modules")
EDITOR = ROOT / "kb" / "web" / "editor"
ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME") and not k.startswith("KB_")}


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path
    kb: list[str]  # the scratch venv's console script
    work: Path  # a folder outside the checkout, with a copy of two seed pages in pages/


def _run(*command: str | Path, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    result = subprocess.run([*map(str, command)], capture_output=True, text=True, cwd=cwd, env=ENV, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(map(str, command))} failed ({result.returncode}): {result.stderr}"
    return result


def _build_wheel(tmp: Path, linked: tuple[str, ...] = LINKED) -> Path:
    source = tmp / "source"
    shutil.copytree(ROOT / "kb", source / "kb", symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for name in linked:
        (source / name).symlink_to(ROOT / name)
    _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
         "--disable-pip-version-check", "--wheel-dir", tmp / "dist", source, cwd=tmp)
    return next((tmp / "dist").glob("kb-*.whl"))


def _install(wheel: Path, venv: Path) -> None:
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=venv.parent)
    _run(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "--quiet", "--no-deps",
         "--no-index", "--disable-pip-version-check", wheel, cwd=venv.parent)
    # after the install, so pip does not see the project's own (editable) kb there
    site = _run(venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                cwd=venv.parent).stdout.strip()
    Path(site, "project-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    tmp = tmp_path_factory.mktemp("wheel")
    wheel = _build_wheel(tmp)
    _install(wheel, tmp / "venv")
    work = tmp / "elsewhere"
    (work / "pages").mkdir(parents=True)
    for page in sorted(SEEDS.glob("*.txt"))[:2]:
        shutil.copy(page, work / "pages")
    return Installed(wheel, tmp / "venv", [str(tmp / "venv" / "bin" / "kb")], work)


@pytest.fixture(scope="module")
def without_editor(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """kb from a wheel built where npm never installed the editor (kb/web/editor links to nothing)."""
    tmp = tmp_path_factory.mktemp("bare")
    _install(_build_wheel(tmp, linked=("ontology", "queries")), tmp / "venv")
    return [str(tmp / "venv" / "bin" / "kb")]


@pytest.fixture(scope="module")
def built(installed: Installed) -> Path:
    _run(*installed.kb, "build", "pages", "--data-dir", "data", "--quiet", cwd=installed.work)
    return installed.work / "data"


def _library(queries: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(queries.glob("*.rq"))}


def test_wheel_holds_every_module_and_shipped_file(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "kb").rglob("*.py")}
    shipped = {f"kb/{folder}/{p.name}" for folder in ("ontology", "queries") for p in (ROOT / folder).iterdir()}
    shipped |= {p.relative_to(ROOT).as_posix() for p in (ROOT / "kb/stages/data").iterdir()} | {"kb/ner/model.npz"}
    editor = {"kb/web/editor/yasgui.min.js", "kb/web/editor/yasgui.min.css"}
    assert modules <= names, f"modules missing from the wheel: {sorted(modules - names)}"
    assert shipped | editor <= names, f"files missing from the wheel: {sorted(shipped | editor - names)}"


def test_wheel_kb_is_the_installed_one(installed: Installed) -> None:
    where = _run(installed.venv / "bin" / "python", "-c", "import kb.resources as r; print(r.ONTOLOGY)",
                 cwd=installed.work).stdout.strip()
    assert Path(where).is_relative_to(installed.venv) and not Path(where).is_symlink()


def test_wheel_builds_validates_and_answers_the_library(installed: Installed, built: Path) -> None:
    checked = _run(*installed.kb, "validate", "--data-dir", "data", cwd=installed.work)
    assert "conforms" in checked.stdout
    library = installed.venv.glob("lib/python*/site-packages/kb/queries")
    queries = sorted(next(library).glob("*.rq"))
    assert [p.name for p in queries] == list(_library(ROOT / "queries"))
    for query in queries:
        answer = _run(*installed.kb, "query", query, "--data-dir", "data", "--format", "json", cwd=installed.work)
        assert "bindings" in json.loads(answer.stdout)["results"], query.name


class _SavedQueries(HTMLParser):
    """The query library offered on /sparql: file name -> query text, from the editor's buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "button" and "saved-query" in (a.get("class") or ""):
            self.found[a["title"] or ""] = a["data-query"] or ""


def _fetch(kb: list[str], work: Path, wanted: dict[str, str]) -> dict[str, httpx.Response]:
    """GET each path (with its Accept) from `kb serve` on the KB in work/data."""
    with Server(["--data-dir", "data"], kb=kb, cwd=work) as server, \
            httpx.Client(base_url=server.url, timeout=30) as client:
        return {path: client.get(path, headers={"Accept": accept}) for path, accept in wanted.items()}


def test_wheel_serves_ontology_editor_and_library(installed: Installed, built: Path) -> None:
    got = _fetch(installed.kb, installed.work, {"ontology": "text/turtle", "sparql": "text/html",
                                                "sparql/editor/yasgui.min.js": "*/*"})
    graph = rdflib.Graph().parse(data=got["ontology"].text, format="turtle")
    assert (rdflib.URIRef("http://127.0.0.1:8000/ontology"), RDF.type, OWL.Ontology) in graph
    page, script = got["sparql"], got["sparql/editor/yasgui.min.js"]
    assert page.status_code == 200 and "/sparql/editor/yasgui.min.js" in page.text
    assert script.status_code == 200 and script.content == (EDITOR / "yasgui.min.js").read_bytes()
    offered = _SavedQueries()
    offered.feed(page.text)
    assert offered.found == _library(ROOT / "queries")


def test_wheel_without_editor_serves_the_plain_form_and_says_why(without_editor: list[str], installed: Installed,
                                                                   built: Path) -> None:
    got = _fetch(without_editor, installed.work, {"sparql": "text/html", "sparql/editor/yasgui.min.js": "*/*"})
    page, script = got["sparql"], got["sparql/editor/yasgui.min.js"]
    assert page.status_code == 200 and "/sparql/editor/" not in page.text
    assert '<form id="sparql-form"' in page.text and "make deps-serve" in page.text
    offered = _SavedQueries()
    offered.feed(page.text)
    assert offered.found == _library(ROOT / "queries")
    assert script.status_code == 404 and "make deps-serve" in script.text
