"""The one client for external SPARQL 1.1 stores: `kb query --endpoint`, `kb serve --endpoint`, `kb push`.

Credentials, when given, answer Basic or Digest challenges (Virtuoso's */sparql-auth uses Digest),
and every request is signed up front: a store that refuses an upload before reading it (Virtuoso's
Digest challenge) would otherwise break the connection.
"""
from __future__ import annotations

import urllib.parse
from typing import AsyncIterator

import anyio
import httpx
import pyoxigraph as ox

from kb.errors import ConfigError, QueryError, StoreError
from kb.store.engine import query_timeout

TIMEOUT = 300.0  # seconds for one request (the pages' index reads KB-wide lists; a push sends big batches)
RESULTS_XML = "application/sparql-results+xml"  # the results format every store writes the same way
FORM = "application/x-www-form-urlencoded"


class RemoteClient:
    """A SPARQL 1.1 store at `endpoint`: blocking requests, and answers streamed under a deadline."""

    def __init__(self, endpoint: str, user: str | None = None, password: str | None = None) -> None:
        if urllib.parse.urlsplit(endpoint).scheme not in ("http", "https"):
            raise ConfigError(f"--endpoint {endpoint!r} is not an http(s) URL of a SPARQL 1.1 store")
        if (user is None) != (password is None):
            raise ConfigError("give both --user and --password, or neither")
        self.endpoint = endpoint
        self.auth = _auth(endpoint, user, password)
        self.http = httpx.Client(auth=self.auth, timeout=TIMEOUT)
        self._async: httpx.AsyncClient | None = None
        if isinstance(self.auth, httpx.DigestAuth):
            self.send("GET", endpoint)  # DigestAuth keeps the challenge and signs every later request with it

    def close(self) -> None:
        self.http.close()

    def send(self, method: str, url: str, body: bytes | None = None, content_type: str | None = None,
             accept: str | None = None) -> httpx.Response:
        """One request; StoreError when the store cannot be reached (its HTTP status is the caller's)."""
        headers = {name: value for name, value in (("Content-Type", content_type), ("Accept", accept)) if value}
        try:
            return self.http.request(method, url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise StoreError(f"{self.endpoint}: cannot reach the store: {exc}") from None

    def select(self, query: str) -> ox.QuerySolutions | ox.QueryBoolean:
        """A SELECT or ASK, its results as pyoxigraph's (SPARQL XML on the wire)."""
        response = self.send("POST", self.endpoint, form({"query": query}), FORM, RESULTS_XML)
        if not response.is_success:
            raise StoreError(problem(self.endpoint, response))
        return ox.parse_query_results(response.content, format=ox.QueryResultsFormat.XML)

    def update(self, update: str) -> None:
        response = self.send("POST", self.endpoint, form({"update": update}), FORM)
        if response.status_code in (400, 401, 403):
            raise QueryError(problem(self.endpoint, response) + " (the store must accept updates at this URL)")
        if not response.is_success:
            raise StoreError(problem(self.endpoint, response))

    async def stream(self, fields: list[tuple[str, str]], accept: str, limit: float) -> tuple[str, AsyncIterator[bytes]]:
        """POST a query; its answer's media type and its bytes as they come, all within `limit` seconds
        (past it the stream is cut: it aborts, so it cannot pass for complete). The store's 400 stays ours."""
        deadline = anyio.current_time() + limit
        if self._async is None:
            self._async = httpx.AsyncClient(auth=self.auth, timeout=None)
        upstream = self._async.build_request("POST", self.endpoint, content=form(fields),
                                             headers={"Accept": accept, "Content-Type": FORM})
        try:
            with anyio.fail_after(limit):
                response = await self._async.send(upstream, stream=True)
        except TimeoutError:
            raise query_timeout(limit) from None
        except httpx.HTTPError as exc:
            raise StoreError(f"{self.endpoint}: cannot reach the store: {exc}") from None
        if not response.is_success:
            await response.aread()
            await response.aclose()
            raise (QueryError if response.status_code == 400 else StoreError)(problem(self.endpoint, response))
        return response.headers.get("content-type", accept), _relay(response, deadline, limit)


async def _relay(response: httpx.Response, deadline: float, limit: float) -> AsyncIterator[bytes]:
    """Each wait has its own deadline: no cancel scope spans a yield."""
    chunks = response.aiter_bytes()
    try:
        while True:
            try:
                with anyio.fail_after(max(0.0, deadline - anyio.current_time())):
                    chunk = await chunks.__anext__()
            except StopAsyncIteration:
                return
            except TimeoutError:
                raise query_timeout(limit) from None
            yield chunk
    finally:
        await response.aclose()


def _auth(endpoint: str, user: str | None, password: str | None) -> httpx.Auth | None:
    if user is None:
        return None
    try:
        challenge = httpx.get(endpoint, timeout=TIMEOUT).headers.get("www-authenticate", "")
    except httpx.HTTPError as exc:
        raise StoreError(f"{endpoint}: cannot reach the store: {exc}") from None
    return httpx.DigestAuth(user, password) if challenge.lower().startswith("digest") else httpx.BasicAuth(user, password)


def form(fields) -> bytes:
    return urllib.parse.urlencode(fields).encode("ascii")


def problem(endpoint: str, response: httpx.Response) -> str:
    detail = response.text[:300].strip().replace("\n", " ")
    return f"{endpoint}: the store answered HTTP {response.status_code}: {detail}"
