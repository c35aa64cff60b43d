"""A real Virtuoso Open Source server for the tests (Debian's ``virtuoso-opensource``, the
``virtuoso-t`` binary), in its own folder on free loopback ports, stopped afterwards.

Only ``virtuoso-t`` not being installed skips the tests that need it (``.ci/run`` installs it);
a server that does not come up within its timeout is an error, not a skip.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.helpers import free_port, wait_for_port

__all__ = ["PASSWORD", "USER", "running_virtuoso", "virtuoso_binary"]

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
ServerThreads = 10
MaxClientConnections = 10
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""


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
def running_virtuoso(folder: Path, seconds: float = 60) -> Iterator[str]:
    """A fresh Virtuoso database in ``folder``, served on free loopback ports: its HTTP base URL.

    The SQL port is bound to 127.0.0.1 too; the server is killed on exit (its log,
    ``folder/virtuoso.log``, stays for a failing test to read).
    """
    binary = virtuoso_binary()
    assert binary is not None, "virtuoso-t is not installed"
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(_INI.format(folder=folder, sql_port=sql_port, http_port=http_port), encoding="utf-8")
    with (folder / "stdout.log").open("wb") as log:
        server = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=folder,
                                  stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    try:
        wait_for_port(http_port, seconds, server)
        _wait_for_sparql(base, seconds, server)
        yield base
    finally:
        server.kill()
        server.wait(30)
