"""The files kb ships inside its package, found wherever it is installed (importlib.resources).

kb/ontology and kb/queries are symbolic links to the repository's ontology/ and queries/, where
people edit them; kb/web/editor links to the SPARQL editor's build that deps/serve/10-yasgui.sh
installs from npm into node_modules/. An editable install reads through the links; a wheel holds
copies of the files (pyproject.toml's package-data), the editor's when npm had installed it before
the wheel was built.
"""
from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

ONTOLOGY = files("kb") / "ontology"
QUERIES = files("kb") / "queries"
EDITOR = files("kb") / "web" / "editor"


def ontology_text(name: str) -> str:
    """A file of ontology/: kb.ttl, shapes.ttl or context.jsonld."""
    return (ONTOLOGY / name).read_text(encoding="utf-8")


def query_files() -> list[Traversable]:
    """The query library: queries/*.rq, by name."""
    return sorted((f for f in QUERIES.iterdir() if f.name.endswith(".rq")), key=lambda f: f.name)
