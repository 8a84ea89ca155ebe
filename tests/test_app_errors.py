"""One error shape for every failure, whoever raised it: JSON for machines, HTML for browsers."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize(("path", "status", "error"), [
    ("browse/person?page=1e99", 400, "BadRequest"),  # FastAPI's own parameter check
    ("person/没有这个人", 404, "NotFound"),
    ("sparql?query=SELEKT", 400, "QueryError"),
])
def test_app_errors_share_one_json_shape(app, path, status, error):
    response = app.get(path, headers={"Accept": "application/json"})
    assert response.status_code == status
    body = response.json()
    assert body["status"] == status and body["error"] == error
    assert isinstance(body["message"], str) and body["message"]


def test_app_errors_are_a_page_for_browsers(app):
    response = app.get("browse/person?page=abc", headers={"Accept": "text/html"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "page" in response.text
