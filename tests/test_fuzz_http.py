"""Fuzz the HTTP API with schemathesis, from the live server's own OpenAPI schema: whatever a
client sends to an operation the schema describes (valid and invalid data alike), the server
never answers with a 5xx; /sparql, which declares every status it gives, stays within them."""
from __future__ import annotations

import pytest
import requests
import schemathesis
from conftest import Server
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, status_code_conformance

EXAMPLES = 150  # per generation mode, over all operations: bounded, the run takes seconds


@pytest.fixture(scope="module")
def api(server: Server) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(server.url + "openapi.json")


def test_fuzz_http_schema_describes_the_sparql_protocol(api: schemathesis.BaseSchema) -> None:
    sparql = api.raw_schema["paths"]["/sparql"]
    assert {p["name"] for p in sparql["get"]["parameters"]} == {"query", "format", "default-graph-uri",
                                                                "named-graph-uri"}
    assert set(sparql["post"]["requestBody"]["content"]) == {
        "application/x-www-form-urlencoded", "application/sparql-query", "application/sparql-update"}


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_fuzz_http_no_server_errors(api: schemathesis.BaseSchema, mode: GenerationMode) -> None:
    seen: set[str] = set()

    @given(case=api.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def fuzz(case: schemathesis.Case) -> None:
        seen.add(f"{case.method} {case.operation.path}")
        with requests.Session() as session:
            response = case.call(session=session, timeout=60)
        checks = [not_a_server_error]
        if case.operation.path == "/sparql":
            checks.append(status_code_conformance)
        case.validate_response(response, checks=checks)

    fuzz()
    assert {"GET /sparql", "POST /sparql"} <= seen  # the others have no parameter to make invalid
    if mode is GenerationMode.POSITIVE:
        assert {"GET /dumps/{name}", "GET /.well-known/void"} <= seen
