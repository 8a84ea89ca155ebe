"""Settings as one table, resolved once: command-line flag > KB_* environment variable > default."""
from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Mapping

from kb.errors import ConfigError


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str

    @property
    def env(self) -> str:
        return "KB_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", "data", "folder holding the KB's store, dumps and caches"),
    Setting("base", "http://127.0.0.1:8000/", "base IRI under which the KB mints its IRIs"),
    Setting("city", "许昌市", "the paper's home city: expands 市司法局 to 许昌市司法局"),
    Setting("province", "河南省", "the home city's province: expands 省工信厅 and the like"),
    Setting("query_timeout", 30.0, "seconds after which a SPARQL query is stopped"),
    Setting("max_rows", 100_000, "most result rows a SPARQL SELECT returns"),
    Setting("update_token", None, "bearer token that allows SPARQL Update (off when unset)"),
    Setting("host", "127.0.0.1", "address the server listens on"),
    Setting("port", 8000, "port the server listens on"),
    Setting("query_in_memory", False, "answer SPARQL from an in-memory copy of the store in each query worker"),
    Setting("page_cache_mb", 128, "megabytes of rendered entity pages (compressed) each server process keeps"),
    Setting("access_log", False, "log every request (uvicorn's access log; off: it cost ~10% of a cached page)"),
    Setting("forwarded_allow_ips", "127.0.0.1", "proxies whose X-Forwarded-* headers are trusted (IPs, networks, *)"),
    Setting("corrections", None, "the editors' corrections file (default: corrections.tsv in the data dir)"),
)


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    base: str
    city: str
    province: str
    query_timeout: float
    max_rows: int
    update_token: str | None
    host: str
    port: int
    query_in_memory: bool = False
    page_cache_mb: int = 128
    access_log: bool = False
    forwarded_allow_ips: str = "127.0.0.1"
    corrections: Path | None = None

    @property
    def city_short(self) -> str:
        """许昌市 -> 许昌: the form used in running text."""
        return _strip_suffix(self.city, ("市", "县", "区"))

    @property
    def province_short(self) -> str:
        return _strip_suffix(self.province, ("省", "自治区", "市"))


def _strip_suffix(name: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def resolve(flags: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Build Settings from flags (None means 'not given'), the environment and defaults."""
    flags = flags or {}
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        value = flags.get(setting.name)
        if value is None:
            value = environ.get(setting.env) or setting.default
        values[setting.name] = _coerce(setting, value)
    if not values["base"].endswith("/"):
        values["base"] += "/"
    return Settings(**values)


def _coerce(setting: Setting, value: Any) -> Any:
    if value is None:
        return None
    kind = type(setting.default) if setting.default is not None else str
    if kind is bool:
        return _flag(setting, value)
    if setting.name in ("data_dir", "corrections"):
        return Path(value)
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{setting.env}={value!r} is not a valid {kind.__name__}: {setting.help}") from None


def _flag(setting: Setting, value: Any) -> bool:
    """A yes/no setting: bool("0") would be True."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{setting.env}={value!r} is not a yes/no value (1, 0, true, false): {setting.help}")


assert {f.name for f in fields(Settings)} == {s.name for s in SETTINGS}
