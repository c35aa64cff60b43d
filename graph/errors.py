"""Every error plankg raises on purpose, under one base (as pySHACL keeps its errors in one module).

::

    PlankgError
    ├── InputError            a source, table or option cannot be read: ``file`` and ``line``
    ├── GraphError            the graph cannot be built or checked as asked
    ├── OutputError           the build cannot be written where asked (also an ``OSError``)
    └── QueryError            a query is refused or not answered (no HTTP status: the edge maps)
        ├── QueryRejected     the guard will not run it (syntax, update, SERVICE, foreign FROM …)
        │   ├── QueryTooLarge     the text is over the size limit
        │   └── NoAcceptableFormat the client accepts no format for its form
        ├── QueryFailed       the engine refused or failed it
        ├── QueryTimeout      it ran past its budget (its worker was killed)
        ├── QueryBusy         every worker is busy
        ├── StoreTimeout      a remote store did not answer in time
        ├── StoreUnavailable  a remote store cannot be reached or failed
        └── WorkerStartError  no query worker could be started

The classes that read input elsewhere (``LoaderError``, ``RegistryError``, ``BuildError``)
take :class:`InputError` as their base. The service maps each :class:`QueryError` to an HTTP
status in one table (``plankg.api.sparql.errors``); the core names what went wrong, not how to
answer it.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "GraphError",
    "InputError",
    "NoAcceptableFormat",
    "OutputError",
    "PlankgError",
    "QueryBusy",
    "QueryError",
    "QueryFailed",
    "QueryRejected",
    "QueryTimeout",
    "QueryTooLarge",
    "StoreTimeout",
    "StoreUnavailable",
    "WorkerStartError",
]


class PlankgError(Exception):
    """The base of every error plankg raises on purpose."""


class InputError(PlankgError, ValueError):
    """Input that cannot be read; the message names the file and, where known, the line.

    Args:
        message: what is wrong.
        file: the file's name or path.
        line: the 1-based line, if known.

    >>> str(InputError("no title", "x.txt", 3))
    'x.txt:3: no title'
    """

    def __init__(self, message: str, file: str, line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.reason = message
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {message}")


class GraphError(PlankgError):
    """The graph cannot be built, inferred or validated as asked."""


class OutputError(PlankgError, OSError):
    """The build cannot be written where asked (unwritable, read-only or full folder); the
    message names the folder. Nothing of the last good build was changed."""


class QueryError(PlankgError):
    """A query refused or not answered; the message is safe to show a client."""

    def __reduce__(self) -> tuple[Any, ...]:  # picklable across a worker's pipe
        return (type(self), (str(self),))


class QueryRejected(QueryError, ValueError):
    """A query the endpoint will not run (syntax, update, SERVICE, foreign dataset, nesting)."""


class QueryTooLarge(QueryRejected):
    """The query text is larger than the limit."""


class NoAcceptableFormat(QueryRejected):
    """The client accepts none of the formats offered for the query's form."""


class QueryFailed(QueryError, RuntimeError):
    """The engine refused or failed the query."""


class QueryTimeout(QueryError, RuntimeError):
    """The query ran past its budget; its worker was killed."""


class QueryBusy(QueryError, RuntimeError):
    """Every worker is busy."""


class StoreTimeout(QueryError, RuntimeError):
    """A remote store did not answer within the timeout."""


class StoreUnavailable(QueryError, RuntimeError):
    """A remote store cannot be reached, or failed."""


class WorkerStartError(QueryError, RuntimeError):
    """No query worker could be started (a pool never runs with zero workers)."""
