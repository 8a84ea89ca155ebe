"""OpenLink Virtuoso (Debian `virtuoso-opensource`) as the reference engine: a private server
on free loopback ports, bulk-loaded with the same N-Quads dump kb serves."""
from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

import httpx

from bench import proc

INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
SETTINGS = {"NumberOfBuffers": "170000", "MaxDirtyBuffers": "130000", "ResultSetMaxRows": "1000000",
            "MaxQueryExecutionTime": "300", "MaxQueryCostEstimationTime": "3000"}


def available() -> bool:
    return INI.exists() and shutil.which("virtuoso-t") is not None and shutil.which("isql-vt") is not None


class Virtuoso:
    def __init__(self, workdir: Path, load_dir: Path) -> None:
        self.workdir, self.load_dir = Path(workdir), Path(load_dir)
        self.isql_port, self.http_port = proc.free_port(), proc.free_port()
        shutil.rmtree(self.workdir, ignore_errors=True)  # a fresh database: never an earlier run's data
        self.workdir.mkdir(parents=True)
        ini = self.workdir / "virtuoso.ini"
        ini.write_text(self._config(INI.read_text()))
        self.server = proc.Server(["virtuoso-t", "+configfile", str(ini), "+foreground"], self.http_port, wait=120)
        self.url = self.server.url + "sparql"

    def _config(self, text: str) -> str:
        text = text.replace("/var/lib/virtuoso-opensource-7/db", str(self.workdir))
        text = re.sub(r"(?m)^DirsAllowed\s*=.*$", f"DirsAllowed = ., {self.load_dir}", text)
        text = re.sub(r"(?m)^ServerPort(\s*)=\s*1111", rf"ServerPort\g<1>= {self.isql_port}", text)
        text = re.sub(r"(?m)^ServerPort(\s*)=\s*8890", rf"ServerPort\g<1>= {self.http_port}", text)
        for key, value in SETTINGS.items():
            text = re.sub(rf"(?m)^;?\s*{key}\s*=.*$", f"{key} = {value}", text, count=1)
        return text

    def load(self, file_name: str, graph: str) -> float:
        """Bulk-load one file of the load folder; returns seconds."""
        started = time.perf_counter()
        script = f"ld_dir('{self.load_dir}', '{file_name}', '{graph}'); rdf_loader_run(); checkpoint;"
        subprocess.run(["isql-vt", str(self.isql_port), "dba", "dba", f"exec={script}"], check=True,
                       capture_output=True, timeout=3600)
        return time.perf_counter() - started

    def query(self, client: httpx.Client):
        def call(query: str, form: str) -> bytes:
            accept = "application/sparql-results+json" if form == "select" else "application/n-triples, text/plain;q=0.9"
            response = client.post(self.url, data={"query": query}, headers={"Accept": accept})
            if response.status_code != 200:
                raise RuntimeError(f"Virtuoso {response.status_code}: {' '.join(response.text.split())[:160]}")
            return response.content
        return call

    def stop(self) -> None:
        self.server.stop()
