"""The HTTP status of each query error: the one place the core's errors meet HTTP."""

from __future__ import annotations

from plankg.graph.errors import (
    NoAcceptableFormat,
    QueryBusy,
    QueryError,
    QueryFailed,
    QueryRejected,
    QueryTimeout,
    QueryTooLarge,
    StoreTimeout,
    StoreUnavailable,
    WorkerStartError,
)

__all__ = ["STATUS", "status_of"]

#: error class → the status answered (the most specific class of an error decides)
STATUS: dict[type[QueryError], int] = {
    QueryTooLarge: 413,
    NoAcceptableFormat: 406,
    QueryRejected: 400,
    QueryFailed: 400,
    QueryTimeout: 503,
    QueryBusy: 503,
    WorkerStartError: 503,
    StoreTimeout: 504,
    StoreUnavailable: 502,
}


def status_of(error: QueryError) -> int:
    """The HTTP status for a query error: that of its nearest class in :data:`STATUS`.

    >>> status_of(QueryTooLarge("too large")), status_of(QueryRejected("no")), status_of(StoreTimeout("slow"))
    (413, 400, 504)
    """
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500
