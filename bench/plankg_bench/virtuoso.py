"""A real Virtuoso Open Source server (Debian's ``virtuoso-opensource``, the ``virtuoso-t``
binary) in its own folder on free loopback ports, loaded with a build by ``plankg publish`` as
the README's "Growing past one machine" does (digest authentication as ``dba``, then a
checkpoint), and stopped afterwards. Used by ``plankg-bench compare`` (a third system beside
plankg and Oxigraph's server) and by the tests (``tests/virtuoso.py``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from plankg_bench.loadtest import free_port, wait_for_port

__all__ = ["PASSWORD", "USER", "Virtuoso", "checkpoint", "publish", "running_virtuoso", "virtuoso_binary",
           "virtuoso_server"]

#: the administrator a fresh Virtuoso database has (its password is the user name)
USER = PASSWORD = "dba"

_INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {folder}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = {threads}
MaxClientConnections = {threads}
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""


@dataclass(frozen=True)
class Virtuoso:
    """A running Virtuoso: its HTTP base URL (``/sparql`` below it), SQL port and process."""

    base: str
    sql_port: int
    process: subprocess.Popen[bytes]


def virtuoso_binary() -> str | None:
    """The ``virtuoso-t`` server binary, or None when Virtuoso is not installed."""
    return shutil.which("virtuoso-t")


def _wait_for_sparql(base: str, seconds: float, process: subprocess.Popen[bytes]) -> None:
    """Return once ``/sparql`` answers (the HTTP port opens before the endpoint is ready)."""
    url = f"{base}/sparql?{urllib.parse.urlencode({'query': 'ASK {}'})}"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"virtuoso-t exited with {process.returncode}")
        with contextlib.suppress(urllib.error.URLError, OSError), urllib.request.urlopen(url, timeout=5) as response:
            if response.status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"Virtuoso's /sparql did not answer within {seconds:g} s")


@contextlib.contextmanager
def virtuoso_server(folder: Path, seconds: float = 60, threads: int = 10) -> Iterator[Virtuoso]:
    """A fresh Virtuoso database in ``folder``, served on free loopback ports (HTTP with
    ``threads`` server threads; the SQL port bound to 127.0.0.1 too). The server is killed on
    exit; its log, ``folder/virtuoso.log``, stays.

    Raises:
        RuntimeError: ``virtuoso-t`` is not installed, exited, or did not answer in ``seconds``.
    """
    binary = virtuoso_binary()
    if binary is None:
        raise RuntimeError("virtuoso-t is not installed")
    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(_INI.format(folder=folder, sql_port=sql_port, http_port=http_port, threads=threads),
                   encoding="utf-8")
    with (folder / "stdout.log").open("wb") as log:
        server = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=folder,
                                  stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    try:
        wait_for_port(http_port, seconds, server)
        _wait_for_sparql(base, seconds, server)
        yield Virtuoso(base, sql_port, server)
    finally:
        server.kill()
        server.wait(30)


@contextlib.contextmanager
def running_virtuoso(folder: Path, seconds: float = 60, threads: int = 10) -> Iterator[str]:
    """:func:`virtuoso_server`, giving only its HTTP base URL."""
    with virtuoso_server(folder, seconds, threads) as server:
        yield server.base


def checkpoint(server: Virtuoso) -> None:
    """Make the load durable now (``isql-vt PORT dba dba exec="checkpoint;"``), when ``isql-vt`` is installed."""
    isql = shutil.which("isql-vt") or shutil.which("isql")
    if isql is not None:
        subprocess.run([isql, f"127.0.0.1:{server.sql_port}", USER, PASSWORD, "exec=checkpoint;"],
                       check=True, capture_output=True, timeout=120)


def publish(server: Virtuoso, nquads: Path) -> None:
    """Load a build into the server with ``plankg publish --dialect virtuoso`` as its
    administrator (digest authentication), then checkpoint.

    Raises:
        subprocess.CalledProcessError: publish failed (its output in the exception).
    """
    subprocess.run([sys.executable, "-m", "plankg.api.cli", "publish", "--dialect", "virtuoso", "--endpoint",
                    server.base, "--user", USER, "--data", str(nquads)],
                   env={**os.environ, "PLANKG_STORE_PASSWORD": PASSWORD}, check=True, capture_output=True)
    checkpoint(server)
