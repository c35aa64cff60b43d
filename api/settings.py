"""Settings, read once from the environment (``PLANKG_*``), with laptop defaults."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


class Settings(BaseSettings):
    """Configuration of the CLI and the service.

    Attributes:
        build_dir: where ``plankg build`` writes and other commands read (``PLANKG_BUILD_DIR``).
        sources_dir: the corpus folder; empty means the vendored corpus (``PLANKG_SOURCES_DIR``).
        encoding: the text encoding of the source files (``PLANKG_ENCODING``).
        host, port: where ``plankg serve`` listens.
        base_iri: the base of instance IRIs (``/id/…`` on the service resolves them).
        query_timeout: the wall-clock budget of one SPARQL query, in seconds (503 past it).
        query_workers: worker processes for SPARQL: the bound on concurrent queries.
        query_wait: how long a query waits for a free worker before 503.
        max_rows: the most rows or triples a SPARQL result carries (then marked truncated).
        max_query_bytes: the largest query accepted (413 above it).
        sparql_endpoint: a remote SPARQL 1.1 endpoint holding the build (``plankg publish``
            prepares it); empty means the embedded store.
        remote_timeout: connect and read timeout of one request to the remote store, in seconds.
        reload_interval: seconds between two looks at the build's ``plankg.nq`` by ``plankg
            serve``, which swaps to a rebuilt graph atomically (0: never reload).
        max_source_bytes: the largest source file a build reads (``PLANKG_MAX_SOURCE_BYTES``).
        assets_dir: the ``node_modules`` folder of ``npm ci`` holding the web interface's
            front-end libraries (YASGUI, Chart.js, Swagger UI, ReDoc), served by the app itself.
        max_result_bytes: about the most bytes a SPARQL result carries (then marked truncated).
        max_body_bytes: the largest request body (413 above it, by ``Content-Length`` before it
            is read, or as soon as a chunked body passes it); 0 means three times
            ``max_query_bytes`` (a form-encoded query is up to three times its text).
        client_queries: SPARQL queries one client (IP address) may have running at once.
        client_rate, client_burst: SPARQL queries a second one client may send on average,
            and at once (429 with ``Retry-After`` past them).
        client_seconds: seconds of query-worker time one client may use a minute, beyond a free
            quarter second per query (429 with ``Retry-After`` past it).
        send_timeout: seconds a SPARQL answer may wait for its client to read the next 64 KiB
            before the connection is closed (the client's slot is held until then).
        max_held_bytes: the most bytes of SPARQL answers the server holds for clients still
            reading them (503 with ``Retry-After`` past it).
        sparql_cache_bytes: the most bytes of SPARQL answers kept per served build, to answer
            the same query text again without a worker (0: no cache).
    """

    model_config = SettingsConfigDict(env_prefix="PLANKG_")

    build_dir: Path = Path("build")
    sources_dir: Path | None = None
    encoding: str = "utf-8"
    host: str = "127.0.0.1"
    port: int = 8000
    base_iri: str = "https://w3id.org/plankg/id/"
    query_timeout: float = 10.0
    query_workers: int = 2
    query_wait: float = 5.0
    max_rows: int = 10_000
    max_query_bytes: int = 100_000
    sparql_endpoint: str | None = None
    remote_timeout: float = 10.0
    reload_interval: float = 2.0
    max_source_bytes: int = 20_000_000
    assets_dir: Path | None = Path("node_modules")
    max_result_bytes: int = 8 * 1024 * 1024
    max_body_bytes: int = 0
    client_queries: int = 1
    client_rate: float = 200.0
    client_burst: float = 400.0
    client_seconds: float = 30.0
    send_timeout: float = 30.0
    max_held_bytes: int = 128 * 1024 * 1024
    sparql_cache_bytes: int = 64 * 1024 * 1024


@cache
def get_settings() -> Settings:
    """The settings of this process, read from the environment once."""
    return Settings()
