"""One error hierarchy: every failure a user can cause or meet is a KbError with a clear message."""
from __future__ import annotations


class KbError(Exception):
    """Base class: the message names the bad value and what would work."""

    http_status = 500


class PageError(KbError):
    """A page file that cannot be used (unreadable, binary, empty, not a newspaper page)."""

    http_status = 400

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class ConfigError(KbError):
    """A bad setting or command-line value."""

    http_status = 400


class StoreError(KbError):
    """The KB's store is missing, locked or damaged."""

    http_status = 503


class QueryError(KbError):
    """A malformed SPARQL query (the parser's message is kept)."""

    http_status = 400


class QueryTimeout(KbError):
    """A query ran past the time limit and was stopped."""

    http_status = 503


class BadRequest(KbError):
    """A request parameter of the wrong form."""

    http_status = 400


class NotFound(KbError):
    http_status = 404


class Forbidden(KbError):
    http_status = 403


class NotAcceptable(KbError):
    http_status = 406


class UnsupportedMediaType(KbError):
    http_status = 415


class TooLarge(KbError):
    """A request bigger than the server accepts (a SPARQL query or update over the size limit)."""

    http_status = 413
